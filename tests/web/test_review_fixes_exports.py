"""Defects found in a review of the exports: the site's XLSX of this registry's own list was taken back as ICE's,
and copies of two lists of one date and half, downloaded in another order, put the replaced list in force."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import urllib.parse

import pytest

from g287.errors import G287Error
from g287.registry import figures
from g287.registry.ingest import ingest_file
from g287.registry.publications import list_publications
from tests.web import test_registry_series
from tests.conftest import make_database

both = test_registry_series.both  # the fixture: ICE's list and one of the registry's


def _download_name(answer) -> str:
    disposition = answer.headers["content-disposition"]
    encoded = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    return urllib.parse.unquote(encoded[1]) if encoded else re.search(r'filename="([^"]+)"', disposition)[1]


def test_the_xlsx_of_the_registrys_own_list_is_never_taken_back_as_ices(both, tmp_path, actor):
    with both.db.session() as session:
        own = next(p for p in list_publications(session, "participating", "registry"))
    answer = both.get("/exports/agreements.xlsx", params={"publication": own.id, "state": "TX"})
    assert answer.status_code == 200
    name = _download_name(answer)
    assert "_registry" in name, name
    fresh = make_database("sqlite", tmp_path / "fresh")[0]
    for copy in (name, name.replace(".xlsx", " (1).xlsx")):  # a browser's second download of it
        path = tmp_path / copy
        path.write_bytes(answer.content)
        with pytest.raises(G287Error, match="a list this registry published itself"):
            ingest_file(fresh, path, actor)
    with fresh.session() as session:
        assert figures.stats(session, dt.date(2026, 1, 1))["participating"] is None
    result = ingest_file(fresh, tmp_path / name, actor, origin="registry")
    assert result.listings == 1
    fresh.dispose()


def test_copies_of_two_lists_of_one_date_and_half_keep_ices_order_whatever_the_order_downloaded(sqlite_site, tmp_path, actor):
    # ICE published the list of 3 July 2025 pm twice; in force on 3 July is the second (__v2), 777 MOAs to 753.
    with sqlite_site.db.session() as session:
        lists = {p.file_name: p for p in list_publications(session, "participating", "ice")}
        first, second = lists["participatingAgencies07032025pm.xlsx"], lists["participatingAgencies07032025pm__v2.xlsx"]
        expected = figures.stats(session, dt.date(2025, 7, 3))["participating"]["moas"]
        assert expected == figures.participating_figures(session, second)["moas"] != figures.participating_figures(session, first)["moas"]
    folder = tmp_path / "copies"
    folder.mkdir()
    for publication in (second, first):  # the replaced list downloaded last
        answer = sqlite_site.get("/exports/agreements.xlsx", params={"publication": publication.id})
        (folder / _download_name(answer)).write_bytes(answer.content)
    fresh = make_database("sqlite", tmp_path / "fresh")[0]
    for path in sorted(folder.iterdir()):
        ingest_file(fresh, path, actor)
    with fresh.session() as session:
        assert figures.stats(session, dt.date(2025, 7, 3))["participating"]["moas"] == expected
    fresh.dispose()


def test_status_all_holds_only_the_agreements_listed_by_the_date(site):
    # Ellis County SO (TX, WSO) and Victoria County SO (TX, TFM) were first listed on 9 July 2025; on 29 May they were
    # shown as "not listed", and before any list, every agreement the registry knows was.
    def agreements(as_of, **more):
        answer = site.get("/api/v1/agreements", params={"status": "all", "as_of": as_of, "limit": 1000, **more})
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert agreements("2024-01-01")["total"] == 0
    assert site.get("/exports/agreements.csv", params={"status": "all", "as_of": "2024-01-01"}).text.count("\n") == 1  # the header alone
    may = {(a["agency_name"], a["model"]) for a in agreements("2025-05-29", state="TX")["items"]}
    july = {(a["agency_name"], a["model"]): a["status"] for a in agreements("2025-07-09", state="TX")["items"]}
    for late in (("Ellis County Sheriff's Office", "WSO"), ("Victoria County Sheriff\u2019s Office", "TFM")):
        assert late not in may and july[late] == "participating"
    # An agreement listed before the date and not by the lists in force is still there, "not listed".
    listed_then = {(a["agency_name"], a["model"]) for a in agreements("2025-05-29", status="listed")["items"]}
    later = {(a["agency_name"], a["model"]): a["status"] for a in agreements("2025-07-09")["items"]}
    gone = [key for key in listed_then if key not in later]
    assert gone and all(later.get(key, "not listed") == "not listed" for key in gone)


@pytest.mark.parametrize("as_of, participating_held, pending_held", [("2025-05-15", False, True), ("2024-01-01", False, False), ("2025-07-09", True, True)])
def test_geojson_and_counties_give_null_not_zero_for_a_list_not_in_force(site, as_of, participating_held, pending_held):
    # 0 said that the list in force holds no agency of the state or county; a map then shaded every state "none".
    states = {f["properties"]["usps"]: f["properties"] for f in site.get("/exports/states.geojson", params={"as_of": as_of}).json()["features"]}
    counties = site.get("/exports/counties.geojson", params={"as_of": as_of, "state": "FL"}).json()
    api = site.get("/api/v1/counties", params={"as_of": as_of, "state": "FL"}).json()
    assert states["TX"]["counties_total"] == 254  # reference data, on every date
    for properties in (states["FL"], counties["features"][0]["properties"], api["items"][0]):
        assert (properties["moas"] is None) is not participating_held and (properties["by_model"] is None) is not participating_held
        assert (properties["pending_listings"] is None) is not pending_held
    assert (api["counties_with_agreement"] is None) is not participating_held
    assert (api["listings_not_located"]["participating"] is None) is not participating_held
    if participating_held:
        assert states["FL"]["moas"] > 0
    if pending_held:
        assert isinstance(states["FL"]["pending_listings"], int)


@pytest.mark.parametrize("as_of, participating_held, pending_held", [("2025-05-15", False, True), ("2024-01-01", False, False), ("2025-07-09", True, True)])
def test_a_countys_api_gives_null_not_zero_for_a_list_not_in_force(site, as_of, participating_held, pending_held):
    # The county's page says that no participating list is held, and links this answer, which said 0 MOAs.
    county = site.get("/api/v1/counties/12009", params={"as_of": as_of}).json()
    assert (county["participating"] is None) is not participating_held and (county["has_county_agency"] is None) is not participating_held
    assert (county["pending"] is None) is not pending_held
    listed = site.get("/api/v1/counties", params={"as_of": as_of, "state": "FL"}).json()["items"]
    (same,) = [c for c in listed if c["fips"] == "12009"]
    assert (county["participating"] or {}).get("rows") == same["moas"] and (county["pending"] or {}).get("rows") == same["pending_listings"]
    assert county["has_county_agency"] == same["has_county_agency"]


@pytest.mark.parametrize(
    "as_of, name",
    [
        (None, "g287-factsheet-list-2025-07-09am.pdf"),
        ("2025-06-01", "g287-factsheet-2025-06-01-list-2025-05-29am.pdf"),
        ("2025-05-15", "g287-factsheet-2025-05-15-pending-list-2025-05-15am.pdf"),
        ("2024-01-01", "g287-factsheet-2024-01-01-no-list.pdf"),
    ],
)
def test_the_fact_sheet_is_named_by_its_list_never_by_the_day_of_the_download(sqlite_site, as_of, name):
    answer = sqlite_site.get("/factsheet.pdf", params={"as_of": as_of} if as_of else {})
    assert answer.status_code == 200 and f'filename="{name}"' in answer.headers["content-disposition"]


def test_the_fact_sheet_command_says_which_list_not_today(sqlite_site, tmp_path):
    from click.testing import CliRunner

    from g287.cli import cli

    result = CliRunner().invoke(cli, ["factsheet", "--database", sqlite_site.db.url, "-o", str(tmp_path / "sheet.pdf")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{tmp_path / 'sheet.pdf'}: fact sheet, The 287(g) program in ICE's list of 9 July 2025"


def test_the_csv_opens_in_excel_with_its_characters_and_the_json_has_a_name(sqlite_site):
    answer = sqlite_site.get("/exports/agreements.csv", params={"state": "ID"})
    # A byte order mark, or Excel reads UTF-8 in the machine's code page: "Sheriff’s" came out "Sheriffâ€™s".
    assert answer.content.startswith(b"\xef\xbb\xbfagreement_id,")
    assert "Sheriff\u2019s Office" in answer.content.decode("utf-8-sig")
    document = sqlite_site.get("/exports/agreements.json", params={"state": "ID", "as_of": "2025-05-29"})
    assert 'filename="g287-agreements-2025-05-29-ID.json"' in document.headers["content-disposition"]
    assert document.json()["agreements"]


def test_geojson_file_names_tell_selections_apart(sqlite_site):
    def name(path, **params):
        return re.search(r'filename="([^"]+)"', sqlite_site.get(path, params=params).headers["content-disposition"])[1]

    assert name("/exports/states.geojson", as_of="2025-07-09", model="JEM") == "g287-states-2025-07-09-JEM.geojson"
    assert name("/exports/states.geojson", as_of="2025-07-09") == "g287-states-2025-07-09.geojson"
    assert name("/exports/counties.geojson", state="CT", vintage="2000") == "g287-counties-latest-CT-vintage2000.geojson"
    assert name("/exports/counties.geojson", state="CT") == "g287-counties-latest-CT.geojson"


def test_the_csv_and_json_carry_each_agreements_county_fips_code(site):
    # Researchers join by FIPS code: the exports gave ICE's COUNTY text only, though ingest matches every one.
    rows = list(csv.DictReader(io.StringIO(site.get("/exports/agreements.csv", params={"state": "FL"}).content.decode("utf-8-sig"))))
    alachua = [r for r in rows if r["agency"] == "Alachua County Sheriff's Office"]
    assert alachua and {r["county_fips"] for r in alachua} == {"12001"}
    assert all(r["county_fips"] == "" for r in rows if not r["county"])  # no COUNTY text, no code
    document = site.get("/exports/agreements.json", params={"county": "12057"}).json()["agreements"]
    assert document and {a["county_fips"] for a in document} == {"12057"}  # Hillsborough County, FL


def test_the_data_page_says_which_filters_each_download_takes(sqlite_site):
    # It said that every download took every filter; the XLSX refuses status=listed or all, and the GeoJSON takes
    # as_of and model (counties: state and vintage too) only.
    from tests.web.test_list_naming import text_of

    text = text_of(sqlite_site.get("/data").text)
    assert "Every download takes" not in text
    assert "the XLSX holds one of ICE's lists: participating or pending" in text
    assert "The GeoJSON downloads take the filters named beside them." in text
    assert sqlite_site.get("/exports/agreements.xlsx", params={"status": "all"}).status_code == 422
