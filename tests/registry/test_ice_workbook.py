"""Workbooks in ICE's layout read back to the same figures; formula-like text is written as inert text."""

import datetime as dt

from python_calamine import CalamineWorkbook

from g287.exports.ice_workbook import IceRow, rows_of_publication, write_ice_workbook
from g287.registry import figures
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve


def test_export_of_a_publication_reingests_to_the_same_figures(bundled_db, db, actor, tmp_path):
    with bundled_db.session() as session:
        publication = resolve(session, "participatingAgencies07092025am.xlsx")
        original = figures.participating_figures(session, publication)
        rows = rows_of_publication(session, publication)
    assert len(rows) == 807
    path = tmp_path / "participatingAgencies07092025am_export.xlsx"
    write_ice_workbook(path, "participating", rows, modified=dt.datetime(2025, 7, 9, 9))
    ingest_file(db, path, actor)
    with db.session() as session:
        again = figures.participating_figures(session, resolve(session, path.name))
    for key in ("moas", "states", "agencies", "by_model", "by_agency_type"):
        assert again[key] == original[key], key


def test_pending_export_round_trip(bundled_db, db, actor, tmp_path):
    with bundled_db.session() as session:
        publication = resolve(session, "pendingAgencies05302025pm.xlsx", kind="pending")
        original = figures.pending_figures(session, publication)
        rows = rows_of_publication(session, publication)
    path = tmp_path / "pendingAgencies05302025pm.xlsx"
    write_ice_workbook(path, "pending", rows, modified=dt.datetime(2025, 5, 30, 15))
    ingest_file(db, path, actor)
    with db.session() as session:
        again = figures.pending_figures(session, resolve(session, path.name, kind="pending"))
    for key in ("listings", "states", "agencies", "by_model"):
        assert again[key] == original[key], key


def test_formula_like_text_is_inert_and_reads_back_unchanged(tmp_path):
    hostile = '=HYPERLINK("http://evil.example","click")'
    path = tmp_path / "participatingAgencies01012026am.xlsx"
    write_ice_workbook(path, "participating", [IceRow("FLORIDA", hostile, "Municipality", "@SUM(A1)", "Task Force Model", dt.date(2025, 5, 1), "https://www.ice.gov/x.pdf")], modified=dt.datetime(2026, 1, 1, 9))
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert grid[1][1] == hostile and grid[1][3] == "@SUM(A1)"
    import zipfile

    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no formula anywhere


def test_addresses_that_are_not_web_links_are_written_as_text(tmp_path):
    """A relative path or another scheme is kept as text (no cell links to it), and the workbook is still written."""
    import zipfile

    path = tmp_path / "participatingAgencies01012026am.xlsx"
    rows = [
        IceRow("OHIO", "Relative Police Department", "Municipality", "Franklin", "Task Force Model", dt.date(2025, 5, 1), "287gMOA/OhioMOA.pdf"),
        IceRow("OHIO", "Script Police Department", "Municipality", "Franklin", "Task Force Model", dt.date(2025, 5, 1), "javascript:alert(1)", addendum_url="=cmd|' /C calc'!A0"),
        IceRow("OHIO", "Web Police Department", "Municipality", "Franklin", "Task Force Model", dt.date(2025, 5, 1), "https://www.ice.gov/x.pdf"),
    ]
    write_ice_workbook(path, "participating", rows, modified=dt.datetime(2026, 1, 1, 9))
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert [r[6] for r in grid[1:]] == ["287gMOA/OhioMOA.pdf", "javascript:alert(1)", "link"]
    assert grid[2][7] == "=cmd|' /C calc'!A0"
    archive = zipfile.ZipFile(path)
    relationships = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert "https://www.ice.gov/x.pdf" in relationships and "javascript" not in relationships and "OhioMOA" not in relationships
    assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_an_address_too_long_for_a_link_is_written_as_text_without_a_warning(tmp_path):
    """Excel holds a link's address, and its location after a "#", up to 2,079 characters each (xlsxwriter's
    max_url_length): a longer one is written as text. xlsxwriter refused it with a warning printing the whole address
    to the log before the text was written; the length is checked first. One at the limit is still a link."""
    import warnings
    import zipfile

    base = "https://www.ice.gov/doc/"
    at_limit = base + "a" * (2079 - len(base))
    too_long = base + "b" * (2080 - len(base))
    long_location = "https://www.ice.gov/x.pdf#" + "c" * 2080
    rows = [
        IceRow("OHIO", f"Police Department {n}", "Municipality", "Franklin", "Task Force Model", dt.date(2025, 5, 1), address)
        for n, address in enumerate((at_limit, too_long, long_location))
    ]
    path = tmp_path / "participatingAgencies01012026am.xlsx"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_ice_workbook(path, "participating", rows, modified=dt.datetime(2026, 1, 1, 9))
    assert [str(w.message)[:80] for w in caught] == []
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert [r[6] for r in grid[1:]] == ["link", too_long, long_location]
    relationships = zipfile.ZipFile(path).read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert at_limit in relationships and "bbbb" not in relationships and "cccc" not in relationships


# Valid web addresses (RFC 3986, or an IRI's characters beyond ASCII) that xlsxwriter's escaping changed or may change.
EXACT_ADDRESSES = [
    "http://[2001:db8::1]:8000/program/moas/3/signed.pdf",  # an IPv6 host: xlsxwriter wrote %5b2001:db8::1%5d
    "http://[::1]/program/moas/4/signed.pdf",
    "http://[fe80::1%25eth0]:8000/x.pdf",  # a zone: its %25 kept xlsxwriter from escaping (the brackets too)
    "https://user@[2001:db8::2]/x.pdf?a=1&b=(2)",
    "http://[v1.fe]/x.pdf",  # a future IP literal
    "https://régistre.example/moa/é.pdf",  # an IRI
    "https://www.ice.gov/doc%20lib/x.pdf",  # escaped already
    "https://www.ice.gov/x.pdf?q=a:b@c;d=e,f*g+h!i$j'k~l",
    "http://[2001:db8::3]/x.pdf#page=2",  # a place within: written as the link's location, read back after a "#"
]


def _openpyxl_links(path) -> list[str]:
    """Each MOA cell's link as openpyxl reads it: its target, and its location after a "#"."""
    import openpyxl

    sheet = openpyxl.load_workbook(path).active
    links = [sheet.cell(row, 7).hyperlink for row in range(2, sheet.max_row + 1)]
    return [link.target + (f"#{link.location}" if link.location else "") for link in links]


def test_a_valid_web_address_is_linked_exactly_and_read_back_exactly(tmp_path):
    """xlsxwriter percent-encodes % " space < > [ ] ^ ` { } in an address holding no %xx escape: an IPv6 host's
    brackets (G287_SITE_URL=http://[2001:db8::1]:8000 for the registry's own list, or an address of ICE's lists in an
    export) became %5b...%5d, an address that opens nothing. A valid address is now the link, byte for byte, as
    openpyxl and `g287 ingest` read it."""
    from g287.registry.ingest import prepare

    rows = [IceRow("OHIO", f"Police Department {n}", "Municipality", "Franklin", "Task Force Model", dt.date(2025, 5, 1), address) for n, address in enumerate(EXACT_ADDRESSES)]
    path = tmp_path / "participatingAgencies01012026am.xlsx"
    write_ice_workbook(path, "participating", rows, modified=dt.datetime(2026, 1, 1, 9))
    assert _openpyxl_links(path) == EXACT_ADDRESSES
    # Read back, an address with a user before its host is no document's (tests/registry/test_link_addresses.py).
    assert [r.moa_url for r in prepare(path).readings if r.listing] == [None if "user@" in a else a for a in EXACT_ADDRESSES]
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert {r[6] for r in grid[1:]} == {"link"}


def test_an_address_no_address_may_be_is_still_escaped_as_excel_does(tmp_path):
    """Characters no web address holds (a space, braces, brackets in the path) are left to xlsxwriter, which escapes
    them as Excel does (Excel repairs a file whose link holds a raw space): the link opens what a browser would."""
    addresses = ["https://www.ice.gov/My Docs/x.pdf", "https://www.ice.gov/{x}.pdf", "https://www.ice.gov/[x].pdf"]
    rows = [IceRow("OHIO", f"Police Department {n}", "Municipality", "Franklin", "Task Force Model", dt.date(2025, 5, 1), address) for n, address in enumerate(addresses)]
    path = tmp_path / "participatingAgencies01012026am.xlsx"
    write_ice_workbook(path, "participating", rows, modified=dt.datetime(2026, 1, 1, 9))
    assert _openpyxl_links(path) == ["https://www.ice.gov/My%20Docs/x.pdf", "https://www.ice.gov/%7bx%7d.pdf", "https://www.ice.gov/%5bx%5d.pdf"]


def test_an_address_holding_a_character_xml_cannot_hold_is_written_as_text(tmp_path):
    """U+FFFF (or a control character) in an address, as a CSV may hold one, was written as a link's target as it is:
    the workbook was one no reader opens (openpyxl: XMLSyntaxError; g287: "damaged or truncated"). It is written as
    text, which xlsxwriter escapes (_xFFFF_)."""
    import openpyxl

    addresses = ["http://h/a\uffff.pdf", "http://h/b\x01.pdf", "https://www.ice.gov/c.pdf"]
    rows = [IceRow("OHIO", f"Police Department {n}", "Municipality", "Franklin", "Task Force Model", dt.date(2025, 5, 1), address) for n, address in enumerate(addresses)]
    path = tmp_path / "participatingAgencies01012026am.xlsx"
    write_ice_workbook(path, "participating", rows, modified=dt.datetime(2026, 1, 1, 9))
    sheet = openpyxl.load_workbook(path).active
    assert [sheet.cell(row, 7).hyperlink is None for row in (2, 3, 4)] == [True, True, False]
    assert [sheet.cell(row, 7).value for row in (2, 3)] == ["http://h/a_xFFFF_.pdf", "http://h/b_x0001_.pdf"]
