"""A header that names a column of the list twice (two cells COUNTY, MOA and MOA LINK): the first is read, and the
register says so, naming both columns; the other's values, and its links, are registered row by row. Before, the
second was registered only as "a column that is not part of the list", and a link in a column not read not at all."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl

from g287.registry.ingest import ingest_file, prepare
from g287.registry.publications import resolve
from g287.registry.quality import register

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "COUNTY", "MOA LINK"]


def _workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["TEXAS", "Harris County Sheriff's Office", "County", "Harris", "Task Force Model", dt.date(2025, 5, 1), "link", "Fort Bend", "link"])
    sheet["G2"].hyperlink = "https://www.ice.gov/doclib/287gMOA/harris.pdf"
    sheet["I2"].hyperlink = "https://www.ice.gov/doclib/287gMOA/other.pdf"
    sheet.append(["TEXAS", "Waller County Sheriff's Office", "County", "Waller", "Task Force Model", dt.date(2025, 5, 2), "link"])
    sheet["G3"].hyperlink = "https://www.ice.gov/doclib/287gMOA/waller.pdf"
    book.save(path)
    return path


def test_a_column_named_twice_is_registered_with_both_columns_and_the_one_read(db, actor, tmp_path):
    path = _workbook(tmp_path / "participatingAgencies05292025am.xlsx")
    ingest_file(db, path, actor)
    with db.session() as session:
        entries = register(session, resolve(session, path.name))
    header = [(e.column, e.raw_value, e.problem, e.action) for e in entries if e.row == 1]
    assert header == [
        ("COUNTY'", "COUNTY", "the header names COUNTY twice: column D ('COUNTY') and column H ('COUNTY')", "column D is read; column H is not: its values are kept in the raw rows, each registered"),
        ("MOA LINK", "MOA LINK", "the header names MOA twice: column G ('MOA') and column I ('MOA LINK')", "column G is read; column I is not: its values are kept in the raw rows, each registered"),
    ]
    row = sorted((e.column, e.raw_value, e.problem, e.action) for e in entries if e.row == 2)
    assert row == [
        ("COUNTY'", "Fort Bend", "a value in a second COUNTY column (the header names COUNTY twice)", "kept in the raw row; not read: COUNTY is read from the first column that names it"),
        ("MOA LINK", "https://www.ice.gov/doclib/287gMOA/other.pdf", "a link in a second MOA column (the header names MOA twice)", "kept in the raw row; not read: MOA is read from the first column that names it"),
        ("MOA LINK", "link", "a value in a second MOA column (the header names MOA twice)", "kept in the raw row; not read: MOA is read from the first column that names it"),
    ]
    assert not [e for e in entries if e.row == 3]  # the second columns are empty there: nothing to say


def test_the_first_column_is_the_one_read(tmp_path):
    readings = prepare(_workbook(tmp_path / "participatingAgencies05292025am.xlsx")).readings
    assert [(r.county_text, r.moa_url) for r in readings] == [
        ("Harris", "https://www.ice.gov/doclib/287gMOA/harris.pdf"), ("Waller", "https://www.ice.gov/doclib/287gMOA/waller.pdf"),
    ]


def test_a_csv_header_naming_a_column_twice_is_registered_too(tmp_path):
    path = tmp_path / "pendingAgencies05292025am.csv"
    path.write_text("STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,County Name\nTEXAS,Waller County Sheriff's Office,County,Waller,Task Force Model,Harris\n")
    prepared = prepare(path)
    assert [(n.row_number, n.column, n.problem) for n in prepared.table.notes if "twice" in n.problem] == [
        (1, "County Name", "the header names COUNTY twice: column D ('COUNTY') and column F ('County Name')")
    ]
    assert prepared.readings[0].county_text == "Waller"
    assert [p.problem for p in prepared.readings[0].problems] == ["a value in a second COUNTY column (the header names COUNTY twice)"]


def test_a_link_in_a_column_that_is_not_the_lists_is_registered(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "NOTES", "SOURCE"])
    sheet.append(["TEXAS", "Waller County Sheriff's Office", "County", "Waller", "Task Force Model", dt.date(2025, 5, 2), "link"])
    sheet["G2"].hyperlink = "https://www.ice.gov/doclib/287gMOA/waller.pdf"
    sheet["H2"].hyperlink = "https://www.ice.gov/news/waller"
    sheet["H2"].value = "news"
    sheet["I2"].hyperlink = "https://www.ice.gov/news/waller-2"
    sheet["I2"].value = " "  # a cell that looks empty (openpyxl writes no link in a cell without a value)
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    book.save(path)
    [reading] = prepare(path).readings
    assert [(p.column, p.raw_value, p.problem) for p in reading.problems] == [
        ("NOTES", "news", "a value in a column that is not part of the list"),
        ("NOTES", "https://www.ice.gov/news/waller", "a link in a column that is not part of the list"),
        ("SOURCE", "https://www.ice.gov/news/waller-2", "a link in a column that is not part of the list"),
    ]



def test_a_pending_lists_addendum_column_is_registered(tmp_path):
    """A pending agreement has no signed document: a pending list's ADDENDUM column is not read (one with SIGNED or
    MOA is refused as a participating list), and its values were said nowhere (the column is the list's, so not "a
    column not of the list" either). A row holding nothing else is no listing, as a row with values only outside the
    list's columns."""
    path = tmp_path / "pendingAgencies05292025am.csv"
    path.write_text(
        "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,ADDENDUM\n"
        "TEXAS,Waller County Sheriff's Office,County,Waller,Task Force Model,see note\n"
        ",,,,,https://www.ice.gov/doclib/287gMOA/waller-addendum.pdf\n"
    )
    first, second = prepare(path).readings
    assert first.listing and first.addendum_url is None
    assert [(p.column, p.raw_value, p.problem, p.action) for p in first.problems] == [
        ("ADDENDUM", "see note", "a value in the ADDENDUM column of a pending list", "kept in the raw row; not read: a pending agreement has no signed document, so a pending list's rows have no addendum")
    ]
    assert not second.listing and second.not_listing_reason.startswith("no data in the list's columns")


def test_a_link_on_a_read_cell_that_holds_no_document_is_registered(tmp_path):
    """A link on the agency's name (its website) was kept in the raw row and said nowhere: only the MOA and ADDENDUM
    cells' links are read. A link spanning the row to the MOA's address is the MOA's, not said again."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    sheet.append(["TEXAS", "Waller County Sheriff's Office", "County", "Waller", "Task Force Model", dt.date(2025, 5, 2), "link"])
    sheet["B2"].hyperlink = "https://www.wallercounty.us/sheriff"
    sheet["G2"].hyperlink = "https://www.ice.gov/doclib/287gMOA/waller.pdf"
    sheet.append(["TEXAS", "Harris County Sheriff's Office", "County", "Harris", "Task Force Model", dt.date(2025, 5, 3), "link"])
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    book.save(path)
    # Harris's row: one link over the whole row (A3:G3), as a range written by hand
    with zipfile.ZipFile(path) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    assert sheet_xml.count(b"<hyperlinks>") == 1
    relationships = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(b"<hyperlinks>", b'<hyperlinks><hyperlink xmlns:r="' + relationships + b'" ref="A3:G3" r:id="rId9"/>')
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = parts["xl/worksheets/_rels/sheet1.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Type="' + relationships + b'/hyperlink" Target="https://www.ice.gov/doclib/287gMOA/harris.pdf" TargetMode="External"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    waller, harris = prepare(path).readings
    assert (waller.moa_url, harris.moa_url) == ("https://www.ice.gov/doclib/287gMOA/waller.pdf", "https://www.ice.gov/doclib/287gMOA/harris.pdf")
    assert [(p.column, p.raw_value, p.problem, p.action) for p in waller.problems] == [
        (
            "LAW ENFORCEMENT AGENCY", "https://www.wallercounty.us/sheriff", "a link in the LAW ENFORCEMENT AGENCY column, whose links are not read",
            "kept in the raw row; not read: documents' addresses are read from the MOA and ADDENDUM cells",
        )
    ]
    assert harris.problems == []


def _addendum_twice(path, kind):
    """A list whose header names ADDENDUM twice (ADDENDUM and ADDENDUM LINK), each cell with a value and a link."""
    book = openpyxl.Workbook()
    sheet = book.active
    signed = ["SIGNED", "MOA"] if kind == "participating" else []
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", *signed, "ADDENDUM", "ADDENDUM LINK"])
    values = [dt.date(2025, 5, 2), "link"] if kind == "participating" else []
    sheet.append(["TEXAS", "Waller County Sheriff's Office", "County", "Waller", "Task Force Model", *values, "link", "link"])
    first, second = sheet.max_column - 1, sheet.max_column
    sheet.cell(2, first).hyperlink = "https://www.ice.gov/doclib/287gMOA/waller-addendum.pdf"
    sheet.cell(2, second).hyperlink = "https://www.ice.gov/doclib/287gMOA/waller-addendum-2.pdf"
    if kind == "participating":
        sheet["G2"].hyperlink = "https://www.ice.gov/doclib/287gMOA/waller.pdf"
    book.save(path)
    return path


def test_a_pending_lists_addendum_named_twice_is_said_not_read_in_either_column(tmp_path):
    """A pending list reads no ADDENDUM column: the header's note said "column F is read" of a column whose values
    are registered row by row as not read, and the second column's values were registered as not read because
    ADDENDUM "is read from the first column". A participating list's entries still name the column read."""
    prepared = prepare(_addendum_twice(tmp_path / "pendingAgencies05292025am.xlsx", "pending"))
    assert [(n.row_number, n.column, n.raw_value, n.problem, n.action) for n in prepared.table.notes if "twice" in n.problem] == [
        (
            1, "ADDENDUM LINK", "ADDENDUM LINK", "the header names ADDENDUM twice: column F ('ADDENDUM') and column G ('ADDENDUM LINK')",
            "neither column is read (a pending list's rows have no ADDENDUM): their values are kept in the raw rows, each registered",
        )
    ]
    # and row by row: the second column's values are not read because the list is pending, not because the first is
    [reading] = prepared.readings
    assert reading.addendum_url is None
    not_read = "kept in the raw row; not read: a pending agreement has no signed document, so a pending list's rows have no addendum"
    assert [(p.column, p.raw_value, p.problem, p.action) for p in reading.problems] == [
        ("ADDENDUM", "link", "a value in the ADDENDUM column of a pending list", not_read),
        ("ADDENDUM", "https://www.ice.gov/doclib/287gMOA/waller-addendum.pdf", "a link in the ADDENDUM column of a pending list", not_read),
        ("ADDENDUM LINK", "link", "a value in a second ADDENDUM column of a pending list (the header names ADDENDUM twice)", not_read),
        ("ADDENDUM LINK", "https://www.ice.gov/doclib/287gMOA/waller-addendum-2.pdf", "a link in a second ADDENDUM column of a pending list (the header names ADDENDUM twice)", not_read),
    ]
    participating = prepare(_addendum_twice(tmp_path / "participatingAgencies05292025am.xlsx", "participating"))
    assert [(n.column, n.problem, n.action) for n in participating.table.notes if "twice" in n.problem] == [
        (
            "ADDENDUM LINK", "the header names ADDENDUM twice: column H ('ADDENDUM') and column I ('ADDENDUM LINK')",
            "column H is read; column I is not: its values are kept in the raw rows, each registered",
        )
    ]
    [reading] = participating.readings
    assert reading.addendum_url == "https://www.ice.gov/doclib/287gMOA/waller-addendum.pdf"
    assert [(p.column, p.problem, p.action) for p in reading.problems] == [
        ("ADDENDUM LINK", "a value in a second ADDENDUM column (the header names ADDENDUM twice)", "kept in the raw row; not read: ADDENDUM is read from the first column that names it"),
        ("ADDENDUM LINK", "a link in a second ADDENDUM column (the header names ADDENDUM twice)", "kept in the raw row; not read: ADDENDUM is read from the first column that names it"),
    ]
