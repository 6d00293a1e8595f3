"""Hostile agency names (HTML, SVG and spreadsheet-formula payloads) are rendered harmless everywhere: pages,
API, CSV, XLSX and feeds."""

import csv
import datetime as dt
import io
import warnings
import xml.etree.ElementTree as ET
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from g287.db.engine import Database
from g287.exports.ice_workbook import IceRow, write_ice_workbook
from g287.registry.ingest import ingest_file
from g287.web.app import create_app
from g287.web.svg import safe_svg

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SCRIPT = '<script>alert("owned")</script> Police Department'
SVG = "<svg onload=alert(1)> Sheriff's Office"
FORMULA = '=HYPERLINK("http://evil.example","click")'
COUNTY = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    rows = [
        IceRow("FLORIDA", SCRIPT, "Municipality", "Brevard County", "Task Force Model", dt.date(2025, 5, 1), "https://www.ice.gov/doclib/287gMOA/a.pdf"),
        IceRow("FLORIDA", SVG, "County", "Brevard County", "Warrant Service Officer", dt.date(2025, 5, 2), "javascript://%0Aalert(document.cookie)"),
        IceRow("TEXAS", FORMULA, "County", COUNTY, "Jail Enforcement Model", dt.date(2025, 5, 3)),
        IceRow("TEXAS", "Harmless Police Department", "Municipality", "", "Task Force Model", dt.date(2025, 5, 4)),
    ]
    renamed = IceRow("FLORIDA", "City of " + SCRIPT, "Municipality", "Brevard County", "Task Force Model", dt.date(2025, 5, 1))
    first, second = folder / "participatingAgencies01012026am.xlsx", folder / "participatingAgencies01022026am.xlsx"
    write_ice_workbook(first, "participating", [renamed] + rows[-1:], modified=dt.datetime(2026, 1, 1, 9))
    # The second list renames the first agency (identity: a "City of" prefix) and adds the others: the diff, the
    # changes page, the home page and the feed all name them.
    write_ice_workbook(second, "participating", rows, modified=dt.datetime(2026, 1, 2, 9))
    database = Database(f"sqlite:///{folder / 'g287.sqlite'}")
    from g287.access import Actor

    for path in (first, second):
        ingest_file(database, path, Actor.command_line())
    with TestClient(create_app(database)) as client:
        client.agency_ids = {a["name"]: a["id"] for a in client.get("/api/v1/agencies").json()["items"]}
        yield client
    database.dispose()


def assert_inert_html(body: str):
    lowered = body.lower()
    assert "<script>alert" not in lowered and "<svg onload" not in lowered
    assert "javascript:" not in lowered
    assert "&lt;script&gt;alert(" in body or "&lt;svg onload" in body


PAGES = [
    "/", "/?level=county", "/agencies", "/agencies?status=all", "/states", "/states/FL", "/states/TX", "/counties/12009", "/states/FL/counties/brevard",
    "/search?q=police", "/search?q=sheriff", "/pending", "/factsheet", "/changes", "/changes?kind=pending", "/about", "/data", "/models/TFM",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_escape_names(hostile, path):
    page = hostile.get(path)
    assert page.status_code == 200
    lowered = page.text.lower()
    assert "<script>alert" not in lowered and "<svg onload" not in lowered and "javascript:" not in lowered, f"{path} renders markup from the data"
    if path in ("/", "/agencies", "/states/FL", "/counties/12009", "/search?q=police", "/changes"):
        assert_inert_html(page.text)


def test_changes_name_renamed_agencies_harmlessly(hostile):
    text = hostile.get("/changes").text
    assert "City of &lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; Police Department →" in text  # the rename, escaped
    home = hostile.get("/").text
    assert "Latest changes" in home and "&lt;svg onload=alert(1)&gt; Sheriff&#39;s Office" in home
    about = hostile.get("/about").text
    assert "@SUM(1+1)*cmd|&#39; /C calc&#39;!A0" in about  # the county text that names no county, shown as text


def test_geojson_and_api_carry_names_as_data(hostile):
    diff = hostile.get("/api/v1/diff", params={"from": "2026-01-01", "to": "2026-01-02"})
    assert diff.headers["content-type"] == "application/json"
    renamed = diff.json()["renamed"]
    assert renamed and renamed[0]["old_name"] == "City of " + SCRIPT and renamed[0]["new_name"] == SCRIPT
    for path in ("/exports/states.geojson", "/exports/counties.geojson?state=FL"):
        answer = hostile.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/geo+json")
        assert answer.json()["type"] == "FeatureCollection"
    county = hostile.get("/api/v1/counties/12009").json()
    assert {a["name"] for a in county["agencies"]} >= {SCRIPT, SVG}


def test_agency_pages_escape_names_and_drop_script_links(hostile):
    for name, agency_id in hostile.agency_ids.items():
        page = hostile.get(f"/agencies/{agency_id}").text
        assert "<script>alert" not in page.lower() and "<svg onload" not in page.lower()
        assert "javascript:" not in page.lower()  # a MOA "link" that is not http(s) is not a link
    script_page = hostile.get(f"/agencies/{hostile.agency_ids[SCRIPT]}").text
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in script_page


def test_api_returns_names_as_json_strings(hostile):
    answer = hostile.get("/api/v1/agencies", params={"limit": 10})
    assert answer.headers["content-type"] == "application/json" and answer.headers["x-content-type-options"] == "nosniff"
    assert {SCRIPT, SVG, FORMULA} <= {a["name"] for a in answer.json()["items"]}


def test_csv_neutralizes_formulas(hostile):
    rows = list(csv.DictReader(io.StringIO(hostile.get("/exports/agreements.csv").content.decode("utf-8-sig"))))
    by_state = {r["agency"]: r for r in rows}
    assert "'" + FORMULA in by_state and by_state["'" + FORMULA]["county"] == "'" + COUNTY
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_xlsx_writes_formulas_as_text(hostile, tmp_path):
    content = hostile.get("/exports/agreements.xlsx").content
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    cells = [c for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python() for c in row]
    assert FORMULA in cells and COUNTY in cells  # shown as typed, never run


def test_feed_escapes_names(hostile):
    for path in ("/exports/feed.atom", "/exports/feed/FL.atom", "/exports/feed/TX.atom"):
        body = hostile.get(path).content
        assert b"<script>" not in body and b"<svg" not in body
        feed = ET.fromstring(body)  # well-formed
        text = "".join(feed.itertext())
        if path.endswith("FL.atom"):
            assert f"City of {SCRIPT} is now {SCRIPT} (FL)" in text and SVG in text
        if path.endswith("TX.atom"):
            assert FORMULA in text


def test_svg_from_elsewhere_is_reduced_to_drawing():
    dirty = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)" viewBox="0 0 10 10">'
        '<script>alert(2)</script><foreignObject><div>x</div></foreignObject>'
        '<a href="javascript:alert(3)"><path d="M0 0L1 1" onclick="alert(4)" fill="red"><title>&lt;b&gt;Hillsborough&lt;/b&gt;</title></path></a>'
        '<use href="https://evil.example/x.svg#a"/><use href="#local"/><a href="/states/FL"><path d="M1 1"/></a></svg>'
    )
    clean = str(safe_svg(dirty))
    for bad in ("onload", "<script", "foreignObject", "onclick", "javascript", "evil.example"):
        assert bad not in clean
    assert 'fill="red"' in clean and "&lt;b&gt;Hillsborough&lt;/b&gt;" in clean and 'href="#local"' in clean and 'href="/states/FL"' in clean
    assert safe_svg("<div>not svg</div>") is None and safe_svg("<svg") is None


@pytest.mark.parametrize("text", [
    "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1",
    " =HYPERLINK(\"http://evil.example\")",  # LibreOffice's CSV import trims spaces, then evaluates
    "\u00a0\u3000+cmd|' /C calc'!A0",  # no-break and ideographic spaces
    "＝HYPERLINK(\"http://evil.example\")", "＋1", "－1", "＠SUM(A1)", "  ＝1",  # full-width signs, read as ASCII ones
])
def test_formula_like_text_behind_spaces_or_full_width_is_neutralized(text):
    from g287.exports.formulas import neutralize_csv
    from g287.exports.tables import COLUMNS, to_csv

    assert neutralize_csv(text) == "'" + text
    exported = to_csv([{column: (text if column == "agency" else None) for column in COLUMNS}])
    assert next(csv.DictReader(io.StringIO(exported)))["agency"] == "'" + text


@pytest.mark.parametrize("text", ["Harris County", " Harris County", "Sheriff's Office", "", "   ", "１２"])
def test_ordinary_text_is_exported_unchanged(text):
    from g287.exports.formulas import neutralize_csv

    assert neutralize_csv(text) == text


def test_feed_keeps_a_carriage_return_in_a_file_name_as_written(db, actor, tmp_path):
    """A carriage return is legal XML but written raw is read back as a line feed (XML 1.0, 2.11: line ends are
    normalized): the feed named a list "copy\\nof" while the registry holds "copy\\rof". Escaped (&#13;), it reads back."""
    from g287.exports.feed import ATOM, atom_feed

    path = tmp_path / "participatingAgencies01022026am (copy\rof).xlsx"
    write_ice_workbook(path, "participating", [IceRow("TEXAS", "Harmless Police Department", "Municipality", "", "Task Force Model", dt.date(2025, 5, 4))], modified=dt.datetime(2026, 1, 2, 9))
    ingest_file(db, path, actor)
    with db.session() as session:
        body = atom_feed(session, "https://g287.example.org/")
    assert b"\r" not in body
    content = ET.fromstring(body).find(f"{{{ATOM}}}entry/{{{ATOM}}}content").text
    assert "participatingAgencies01022026am (copy\rof).xlsx" in content
