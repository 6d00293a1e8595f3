"""Workbooks crafted from ICE's own (or built with openpyxl) to break the reader, each a defect once: a wrapped
address hidden from a byte search, a wrapper's host in an unusual form, a link range over the whole sheet, an
address built by a formula, a hidden sheet before the list, the 1904 date system, attributes in single quotes, a
dimension claiming rows the sheet does not hold, and file-name dates that are no dates."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from g287.errors import G287Error
from g287.registry.ingest import prepare
from g287.sources.filename import parse_file_name, parse_published
from g287.sources.table import CellError
from g287.sources.xlsx import read_xlsx
from tests.conftest import ICE

MAY_29 = ICE / "participating" / "participatingAgencies05292025am.xlsx"
JUNE_17 = ICE / "participating" / "participatingAgencies06172025pm.xlsx"  # links through Safe Links
HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]


def edited(source: Path, target: Path, changes: dict) -> Path:
    """A copy of a workbook with some parts changed (part name -> function of its bytes)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in original.namelist():
            content = original.read(name)
            copy.writestr(name, changes[name](content) if name in changes else content)
    return target


def everything_read(path: Path) -> str:
    """Every value the ingest would keep of a file: its rows, links, readings and register entries."""
    prepared = prepare(path)
    return repr((prepared.table.rows, prepared.table.notes, [(r.content, r.agency_name, r.county_text, r.moa_url, r.problems) for r in prepared.readings]))


def test_a_wrapped_address_written_with_character_references_is_unwrapped(tmp_path):
    """`&#115;afelinks` reads "safelinks": the cells were scrubbed only when the file's bytes named a wrapper."""
    address = "https://nam12.&#115;afelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2Fx.pdf&amp;data=05%7C02%7Cjohn.doe%40ice.dhs.gov%7Ct"
    text = f"<si><t>Colbert County (see {address})</t></si>".encode()
    path = edited(MAY_29, tmp_path / "participatingAgencies05292025am.xlsx", {"xl/sharedStrings.xml": lambda b: b.replace(b"<si><t>Colbert County</t></si>", text, 1)})
    kept = everything_read(path)
    assert "john.doe" not in kept and "Colbert County (see https://www.ice.gov/doclib/x.pdf)" in kept


@pytest.mark.parametrize("host", ["gcc02.safelinks.protection.outlook.com.", "gcc02.SafeLinks.Protection.Outlook.com"])
def test_a_wrappers_host_written_otherwise_is_still_a_wrapper(tmp_path, host):
    """A fully qualified host (a final dot) is the same host: the whole wrapper was kept, identifiers included."""
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    path = edited(JUNE_17, tmp_path / JUNE_17.name, {rels: lambda b: b.replace(b"gcc02.safelinks.protection.outlook.com/", host.encode() + b"/")})
    assert host.encode() in zipfile.ZipFile(path).read(rels)
    before, after = read_xlsx(JUNE_17), read_xlsx(path)
    assert [r.links for r in after.rows] == [r.links for r in before.rows]
    assert "ice.dhs.gov" not in everything_read(path)


def test_an_unknown_form_of_wrapper_gives_no_address_rather_than_the_wrapper():
    from g287.sources.links import unwrap

    unknown = unwrap("https://eur01.safelinks.protection.example.net/?target=https%3A%2F%2Fwww.ice.gov%2Fa.pdf&data=john.doe%40ice.dhs.gov")
    assert unknown.url is None and unknown.wrapper
    assert unwrap("https://urldefense.proofpoint.com/v1/url?u=https%3A%2F%2Fwww.ice.gov%2Fb.pdf&k=x&r=john.doe%40ice.dhs.gov").url == "https://www.ice.gov/b.pdf"
    assert unwrap("https://urldefense.com/v4/__https://www.ice.gov/c.pdf__;!!x").url == "https://www.ice.gov/c.pdf"
    assert unwrap("https://www.ice.gov/doclib/safelinks-policy.pdf").url == "https://www.ice.gov/doclib/safelinks-policy.pdf"


def test_a_link_over_the_whole_sheet_reaches_only_its_cells(tmp_path):
    """Every cell of the range was given the link: G2:ZZZ99999 exhausted memory."""
    sheet = "xl/worksheets/sheet1.xml"
    path = edited(MAY_29, tmp_path / MAY_29.name, {sheet: lambda b: re.sub(rb'<hyperlink ref="G\d+"', b'<hyperlink ref="G2:ZZZ99999"', b, count=1)})
    assert b'ref="G2:ZZZ99999"' in zipfile.ZipFile(path).read(sheet)
    table = read_xlsx(path)
    width = len(table.header)
    assert all(column < width for row in table.rows for column in row.links)
    assert sum(1 for row in table.rows if row.links) == len(table.rows)  # the range covers every row below the header


def workbook(tmp_path: Path, name: str, rows: list[list], build=None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Participating"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    if build:
        build(book)
    path = tmp_path / name
    book.save(path)
    return path


def test_an_address_built_by_a_formula_is_no_address(tmp_path):
    """HYPERLINK("https://.../"&C2&".pdf") gave the address's first piece, "https://.../", unregistered."""
    path = workbook(tmp_path, "participatingAgencies07012025am.xlsx", [
        ["TEXAS", "Alpha County Sheriff's Office", "County", "Alpha", "Task Force Model", dt.date(2025, 5, 1), '=HYPERLINK("https://www.ice.gov/doclib/287gMOA/"&C2&".pdf","link")'],
        ["TEXAS", "Beta County Sheriff's Office", "County", "Beta", "Task Force Model", dt.date(2025, 5, 1), '=HYPERLINK("https://www.ice.gov/doclib/287gMOA/Beta.pdf","link")'],
    ])
    alpha, beta = prepare(path).readings
    assert alpha.moa_url is None and beta.moa_url == "https://www.ice.gov/doclib/287gMOA/Beta.pdf"


def test_the_list_is_read_from_a_visible_sheet_before_a_hidden_one(tmp_path):
    def hidden_first(book):
        old = book.create_sheet("Old", 0)
        old.append(HEADER)
        old.append(["TEXAS", "Gone County Sheriff's Office", "County", "Gone", "Task Force Model", dt.date(2020, 1, 1), "link"])
        old.sheet_state = "hidden"

    path = workbook(tmp_path, "participatingAgencies07012025am.xlsx", [
        ["TEXAS", f"{name} County Sheriff's Office", "County", name, "Task Force Model", dt.date(2025, 5, 1), "link"] for name in ("Alpha", "Beta", "Gamma")
    ], hidden_first)
    prepared = prepare(path)
    assert prepared.table.sheet_name == "Participating" and [r.agency_name for r in prepared.readings] == [f"{n} County Sheriff's Office" for n in ("Alpha", "Beta", "Gamma")]
    assert any("'Old' (hidden)" in note.problem for note in prepared.table.notes)


def test_serial_numbers_of_a_1904_workbook_are_read_in_its_date_system(tmp_path):
    """Excel for the Mac may count dates from 1904: 44323 is 8 May 2025 there, and was read as 7 May 2021."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    def mac(book):
        book.epoch = CALENDAR_MAC_1904

    path = workbook(tmp_path, "participatingAgencies07012025am.xlsx", [["TEXAS", "Alpha County Sheriff's Office", "County", "Alpha", "Task Force Model", 44323, "link"]], mac)
    assert b'date1904="1"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    (reading,) = prepare(path).readings
    assert reading.signed_on == dt.date(2025, 5, 8)
    plain = workbook(tmp_path, "participatingAgencies07022025am.xlsx", [["TEXAS", "Alpha County Sheriff's Office", "County", "Alpha", "Task Force Model", 44323, "link"]])
    (same_cells,) = prepare(plain).readings
    assert same_cells.signed_on == dt.date(2021, 5, 7) and same_cells.digest != reading.digest  # two different rows


def test_attributes_in_single_quotes_are_read_as_in_double_quotes(tmp_path):
    """Valid XML: the links (428 on 29 May) and the error cells were lost."""
    sheet = "xl/worksheets/sheet1.xml"

    def single_quoted(xml: bytes) -> bytes:
        return re.sub(rb"<(?:hyperlink|c|row|dimension)\b[^>]*>", lambda m: m[0].replace(b'"', b"'"), xml)

    path = edited(MAY_29, tmp_path / MAY_29.name, {sheet: single_quoted})
    assert b"<hyperlink ref='" in zipfile.ZipFile(path).read(sheet)
    before, after = read_xlsx(MAY_29), read_xlsx(path)
    assert sum(len(r.links) for r in before.rows) > 400
    assert [(r.number, r.links, r.hidden) for r in after.rows] == [(r.number, r.links, r.hidden) for r in before.rows]
    errors = [[c for c in r.cells if isinstance(c, CellError)] for r in before.rows]
    assert any(errors) and [[c for c in r.cells if isinstance(c, CellError)] for r in after.rows] == errors


def test_a_dimension_claiming_more_rows_than_the_sheet_holds_adds_no_rows(tmp_path):
    sheet = "xl/worksheets/sheet1.xml"
    path = edited(MAY_29, tmp_path / MAY_29.name, {sheet: lambda b: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:M150000"', b, count=1)})
    before, after = read_xlsx(MAY_29), read_xlsx(path)
    assert after.source_rows == before.source_rows and len(after.rows) == len(before.rows)
    assert any("declares its data reaches row 150000" in note.problem and note.rows_skipped == 0 for note in after.notes)


def test_file_name_dates_outside_the_program_are_no_dates():
    assert parse_file_name("participatingAgencies110125am").published_on is None  # 11/01/25 read as year 125
    assert parse_file_name("participatingAgencies05292025am").published_on == dt.date(2025, 5, 29)
    for value in ("0001-01-01", "1996-09-29", "2100-01-01"):
        with pytest.raises(G287Error, match="expected a date from 1996-09-30"):
            parse_published(value)
    assert parse_published("1996-09-30pm") == (dt.date(1996, 9, 30), "pm")


def test_a_number_in_a_date_format_that_is_no_date_keeps_the_number_it_stores(tmp_path):
    """calamine reads any number below 1 in a date format as a time of day: 0 and -5 were both registered as the raw
    value "00:00:00", and -0.5 as "12:00:00", values the cells do not hold."""
    stored = [0, -5, -0.5, 0.25]
    rows = [["TEXAS", f"{name} County Sheriff's Office", "County", name, "Task Force Model", number, "link"] for name, number in zip(("Alpha", "Beta", "Gamma", "Delta"), stored)]

    def date_format(book):
        for (cell,) in book.active.iter_rows(min_row=2, min_col=6, max_col=6):
            cell.number_format = "mm/dd/yyyy"

    path = workbook(tmp_path, "participatingAgencies07012025am.xlsx", rows, date_format)
    assert b"mm/dd/yyyy" in zipfile.ZipFile(path).read("xl/styles.xml")
    prepared = prepare(path)
    assert [r.cells[5] for r in prepared.table.rows] == stored
    signed = [[(p.raw_value, p.problem) for p in r.problems if p.column == "SIGNED"] for r in prepared.readings]
    assert signed == [[(str(number), "a number that is not a date")] for number in stored]
    assert all(r.signed_on is None for r in prepared.readings)
