"""Exports for any date and filter: CSV, JSON, XLSX in ICE's layout (re-ingested to the same figures), Atom
feeds, the public SQLite database; the fact sheet from the command line."""

import csv
import io
import json
import sqlite3
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from click.testing import CliRunner

from g287.cli import cli
from g287.errors import G287Error
from g287.exports.snapshot import public_tables, write_snapshot
from g287.registry import figures
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from g287.registry.queries import Filters, figures_of, listings
from g287.web.app import create_app
from tests.web.conftest import TestClient
from tests.conftest import make_database

ATOM = "{http://www.w3.org/2005/Atom}"


def test_csv_for_a_date_and_filters(sqlite_site):
    answer = sqlite_site.get("/exports/agreements.csv", params={"state": "FL", "model": "TFM"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows and all(r["state"] == "FL" and r["model"] == "TFM" and r["status"] == "participating" for r in rows)
    assert {r["publication_file"] for r in rows} == {"participatingAgencies07092025am.xlsx"}
    earlier = list(csv.DictReader(io.StringIO(sqlite_site.get("/exports/agreements.csv", params={"as_of": "2025-05-29", "status": "listed"}).content.decode("utf-8-sig"))))
    assert {r["publication_file"] for r in earlier} == {"participatingAgencies05292025am.xlsx", "pendingAgencies05152025am.xlsx"}
    assert sqlite_site.get("/exports/agreements.csv", params={"model": "nope"}).status_code == 422


def test_json_export(sqlite_site):
    document = sqlite_site.get("/exports/agreements.json", params={"state": "TX", "type": "county"}).json()
    assert document["filters"] == {"state": "TX", "type": "county", "status": "participating"}
    assert document["participating_publication"]["file"] == "participatingAgencies07092025am.xlsx"
    assert document["agreements"] and all(a["state"] == "TX" and a["agency_type"] == "county" for a in document["agreements"])


@pytest.mark.parametrize("params, filters", [({}, None), ({"state": "FL"}, Filters(state="FL")), ({"as_of": "2025-05-29", "model": "WSO"}, Filters(model="WSO"))])
def test_xlsx_in_ice_layout_reingests_to_the_same_figures(sqlite_site, tmp_path, actor, params, filters):

    answer = sqlite_site.get("/exports/agreements.xlsx", params=params)
    assert answer.status_code == 200
    day = params.get("as_of", "2025-07-09")
    path = tmp_path / f"participatingAgencies{day[5:7]}{day[8:10]}{day[:4]}am_export.xlsx"
    path.write_bytes(answer.content)
    with sqlite_site.db.session() as session:
        original = figures_of(listings(session, resolve(session, day), filters))
    fresh = make_database("sqlite", tmp_path / "fresh")[0]
    ingest_file(fresh, path, actor)
    with fresh.session() as session:
        again = figures.participating_figures(session, resolve(session, path.name))
    fresh.dispose()
    assert again["moas"] == original["rows"] and again["agencies"] == original["agencies"] and again["states"] == original["states"]
    assert again["by_model"] == original["by_model"] and again["by_agency_type"] == original["by_agency_type"]


def test_xlsx_in_ice_layout_has_the_columns_the_list_had(sqlite_site):
    """ICE's participating lists have had an ADDENDUM column since July 2025; the XLSX of the 29 May list added one
    (empty) that list never had (found by a reviewer reading as a researcher). The pending list has none."""
    def header(params) -> list[str]:
        content = sqlite_site.get("/exports/agreements.xlsx", params=params).content
        return [c.value for c in next(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(max_row=1))]

    before = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
    assert header({"as_of": "2025-05-29"}) == header({"as_of": "2025-05-29", "state": "TX"}) == before
    assert header({}) == [*before, "ADDENDUM"]  # 9 July 2025
    assert header({"status": "pending"}) == before[:5]


def test_xlsx_of_a_pending_list_and_of_a_publication(sqlite_site):
    pending = sqlite_site.get("/exports/agreements.xlsx", params={"status": "pending"})
    assert pending.status_code == 200 and "pendingAgencies07112025am_b_g287.xlsx" in pending.headers["content-disposition"]
    assert sqlite_site.get("/exports/agreements.xlsx", params={"publication": 1}).status_code == 200
    assert sqlite_site.get("/exports/agreements.xlsx", params={"publication": 9999}).status_code == 404
    assert sqlite_site.get("/exports/agreements.xlsx", params={"as_of": "2001-01-01"}).status_code == 404


def test_atom_feeds(sqlite_site):
    national = ET.fromstring(sqlite_site.get("/exports/feed.atom").content)
    entries = national.findall(f"{ATOM}entry")
    assert len(entries) == 11  # every publication of both lists changed something
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert any("807 MOAs (+30)" in t for t in titles)
    latest = next(e for e in entries if "807 MOAs" in e.find(f"{ATOM}title").text)
    content = latest.find(f"{ATOM}content").text
    # agency-level changes from history's diff, not raw rows
    assert "Source: ICE, participatingAgencies07092025am.xlsx" in content
    assert "Newly listed as participating (2):" in content and "Moved from the pending list to participating (29):" in content
    assert "- Walworth County Sheriff's Office (WI), WSO, signed 2025-06-12: absent from fewer than 2 lists in force so far" in content
    assert "- Florida Department of Agriculture (FL), TFM: signed 2025-06-12, now 2025-06-11" in content
    related = [link.get("href") for link in latest.findall(f"{ATOM}link") if link.get("rel") == "related"]
    assert related and related[0].startswith("http") and "/changes?kind=participating&from=" in related[0]
    assert all(e.find(f"{ATOM}link").get("href").startswith("http") for e in entries)
    renames = next(e.find(f"{ATOM}content").text for e in entries if "Renamed (" in e.find(f"{ATOM}content").text)
    assert "is now" in renames and "confidence" in renames  # a rename with the reason the names are one agency
    pending = next(e.find(f"{ATOM}content").text for e in entries if "pending list of 2025-07-11" in e.find(f"{ATOM}title").text)
    assert "No longer pending (" in pending or "Newly pending (" in pending
    florida = ET.fromstring(sqlite_site.get("/exports/feed/FL.atom").content)
    assert "Florida" in florida.find(f"{ATOM}title").text
    florida_entries = florida.findall(f"{ATOM}entry")
    assert 0 < len(florida_entries) <= len(entries) and all("in Florida" in e.find(f"{ATOM}title").text for e in florida_entries)
    for entry in florida_entries:
        lines = [line for line in entry.find(f"{ATOM}content").text.splitlines() if line.startswith("- ") and "more" not in line]
        assert all("(FL)" in line for line in lines)  # only Florida's changes
    assert sqlite_site.get("/exports/feed/ZZ.atom").status_code == 404



def test_a_states_feed_names_its_state_and_counts_no_states(sqlite_site):
    # A state's feed said "307 MOAs in Florida with 244 agencies in 1 state": the count of states a state's lists
    # hold is that state, said twice. The national feed counts its states.
    def figures_lines(path):
        feed = ET.fromstring(sqlite_site.get(path).content)  # well-formed, its text escaped by ElementTree
        return [e.find(f"{ATOM}content").text.splitlines()[1] for e in feed.findall(f"{ATOM}entry")]

    florida = figures_lines("/exports/feed/FL.atom")
    assert "307 MOAs in Florida with 244 agencies; JEM 6, TFM 236, WSO 65." in florida
    assert all(" in Florida with " in line and " state" not in line.partition(" in Florida")[2] for line in florida)
    assert "807 MOAs with 658 agencies in 40 states; JEM 117, TFM 399, WSO 291." in figures_lines("/exports/feed.atom")

def test_geojson_of_states_and_counties(sqlite_site):
    states = sqlite_site.get("/exports/states.geojson")
    assert states.status_code == 200 and states.headers["content-type"].startswith("application/geo+json")
    document = states.json()
    assert document["type"] == "FeatureCollection" and "WGS 84" in document["coordinates"]
    assert document["participating_publication"]["file"] == "participatingAgencies07092025am.xlsx" and document["participating_publication"]["source"] == "ICE"
    florida = next(f for f in document["features"] if f["properties"]["usps"] == "FL")
    assert florida["properties"]["moas"] == 307 and florida["properties"]["counties_total"] == 67
    assert sum(f["properties"]["moas"] for f in document["features"]) == 807
    assert florida["geometry"]["type"] == "MultiPolygon" and _contains(florida["geometry"], -82.46, 27.95)  # Tampa is in Florida
    assert not _contains(florida["geometry"], -84.39, 33.75)  # Atlanta is not
    puerto_rico = next(f for f in document["features"] if f["properties"]["usps"] == "PR")
    assert puerto_rico["geometry"] is None and puerto_rico["properties"]["geometry_note"]
    counties = sqlite_site.get("/exports/counties.geojson", params={"state": "FL", "as_of": "2025-05-29", "model": "TFM"}).json()
    assert len(counties["features"]) == 67 and counties["vintage"] == "2022" and counties["model"] == "TFM"
    assert counties["participating_publication"]["file"] == "participatingAgencies05292025am.xlsx"
    hillsborough = next(f for f in counties["features"] if f["properties"]["fips"] == "12057")
    assert _contains(hillsborough["geometry"], -82.46, 27.95) and hillsborough["properties"]["by_model"]["JEM"] == 0
    nation = sqlite_site.get("/exports/counties.geojson", params={"vintage": "2000"}).json()
    assert len(nation["features"]) == 3141
    anchorage = next(f for f in nation["features"] if f["properties"]["fips"] == "02020")
    assert _contains(anchorage["geometry"], -149.90, 61.22)  # Alaska's inset, projected back
    honolulu = next(f for f in nation["features"] if f["properties"]["fips"] == "15003")
    assert _contains(honolulu["geometry"], -157.86, 21.31)
    assert sqlite_site.get("/exports/counties.geojson", params={"vintage": "1999"}).status_code == 422


def _contains(geometry: dict, lon: float, lat: float) -> bool:
    def inside(ring):
        found = False
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                found = not found
        return found

    return any(inside(polygon[0]) and not any(inside(hole) for hole in polygon[1:]) for polygon in geometry["coordinates"])


def test_geojson_rings_follow_the_right_hand_rule(sqlite_site):
    document = sqlite_site.get("/exports/counties.geojson", params={"state": "VA"}).json()
    for feature in document["features"]:
        if feature["geometry"] is None:
            assert feature["properties"]["geometry_note"]
            continue
        for polygon in feature["geometry"]["coordinates"]:
            for index, ring in enumerate(polygon):
                area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2
                assert ring[0] == ring[-1] and (area > 0) == (index == 0)  # exteriors counterclockwise, holes clockwise


def test_exports_by_county_fips(sqlite_site, tmp_path):
    rows = list(csv.DictReader(io.StringIO(sqlite_site.get("/exports/agreements.csv", params={"county": "12057"}).content.decode("utf-8-sig"))))
    assert rows and all(r["state"] == "FL" and r["county"].lower().startswith("hillsborough") for r in rows)
    workbook = sqlite_site.get("/exports/agreements.xlsx", params={"county": "12057"})
    assert workbook.status_code == 200 and "_12057" in workbook.headers["content-disposition"]


def test_sqlite_download_is_a_public_database(sqlite_site, tmp_path):
    answer = sqlite_site.get("/exports/g287.sqlite")
    assert answer.status_code == 200
    path = tmp_path / "download.sqlite"
    path.write_bytes(answer.content)
    connection = sqlite3.connect(path)
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(public_tables())
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert connection.execute("SELECT count(*) FROM publications").fetchone()[0] == 11
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_snapshot_from_either_database(bundled_db, tmp_path):
    path = write_snapshot(bundled_db, tmp_path / "snapshot.sqlite")
    connection = sqlite3.connect(path)
    assert "audit_events" not in {n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert connection.execute("SELECT count(*) FROM agencies").fetchone()[0] > 600
    listed = connection.execute(
        "SELECT count(*) FROM listing_runs r JOIN publications p ON p.series = r.series "
        "WHERE p.file_name = 'participatingAgencies07092025am.xlsx' AND r.first_seq <= p.seq AND r.last_seq >= p.seq"
    ).fetchone()[0]
    assert listed == 807  # the published figures can be recomputed from the download alone
    connection.close()


def test_factsheet_command(sqlite_site, tmp_path):
    from pypdf import PdfReader

    target = tmp_path / "sheet.pdf"
    database = sqlite_site.db.url
    result = CliRunner().invoke(cli, ["factsheet", "--database", database, "--as-of", "2025-06-20", "-o", str(target), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["stats"]["participating"]["moas"] == 719
    text = PdfReader(str(target)).pages[0].extract_text()
    assert "719" in text and "participatingAgencies06202025am.xlsx" in text and "Jail Enforcement Model" in text
    refused = CliRunner().invoke(cli, ["factsheet", "--database", database, "-o", str(tmp_path / "sheet.txt")])
    assert refused.exit_code != 0


def test_the_printed_fact_sheet_says_where_the_unmatched_counties_are_listed(sqlite_site, tmp_path):
    """On paper, "listed on the method page" led nowhere: the site's PDF names the page's address, the command's
    PDF (made with no site) the command that lists them."""
    from pypdf import PdfReader

    def text_of(pdf: bytes) -> str:
        return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())

    served = text_of(sqlite_site.get("/factsheet.pdf", params={"as_of": "2025-06-20"}).content)
    assert "listed on the method page, http://testserver/about#unmatched" in served
    target = tmp_path / "sheet.pdf"
    assert CliRunner().invoke(cli, ["factsheet", "--database", sqlite_site.db.url, "--as-of", "2025-06-20", "-o", str(target)]).exit_code == 0
    printed = text_of(target.read_bytes())
    assert "listed by the command `g287 counties unmatched`" in printed and "method page" not in printed


def test_a_foreign_host_header_never_changes_what_others_are_served(sqlite_site):
    poisoned = sqlite_site.get("/exports/feed.atom", headers={"Host": "evil.example"})
    assert b"http://evil.example/" in poisoned.content
    normal = sqlite_site.get("/exports/feed.atom")
    assert b"evil.example" not in normal.content


def test_with_the_site_address_set_the_feed_links_to_it_whatever_host_is_named(sqlite_site, monkeypatch):
    monkeypatch.setenv("G287_SITE_URL", "https://g287.example.org/")
    with TestClient(create_app(sqlite_site.app.state.site.db)) as client:
        for path in ("/exports/feed.atom", "/exports/feed/FL.atom"):
            body = client.get(path, headers={"Host": "evil.example"}).text
            assert "evil.example" not in body and 'href="https://g287.example.org/exports/feed' in body, path
        # The printed fact sheet names the method page at that address too, not at the Host a client names.
        from pypdf import PdfReader

        sheet = client.get("/factsheet.pdf", params={"as_of": "2025-06-20"}, headers={"Host": "evil.example"}).content
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet)).pages).split())
        assert "evil.example" not in text and "listed on the method page, https://g287.example.org/about#unmatched" in text


@pytest.mark.parametrize("address", ["ftp://g287.example.org", "https://", "https://g287.example.org/site", "https://g287.example.org/?q=1", "g287.example.org"])
def test_a_site_address_that_is_not_one_is_refused_when_the_site_starts(sqlite_site, monkeypatch, address):
    monkeypatch.setenv("G287_SITE_URL", address)
    with pytest.raises(G287Error, match="G287_SITE_URL"):
        create_app(sqlite_site.app.state.site.db)
