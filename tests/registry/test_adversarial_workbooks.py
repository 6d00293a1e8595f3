"""Workbooks crafted by an adversarial review, each a defect once: a modification time written with an offset from
UTC (stored as the local time, it ordered two files of one name by the order of ingestion); a part whose declared
size is a lie (calamine decompressed all it held, past any limit); a row that is not a listing quoted in Python's
spellings (635.0, True); a link to no web address (mailto:, file:) stored as the MOA's address; dates
typed as text in forms with one reading that stayed unknown (8-May-25, 5/8/2025 0:00, Thursday, May 8, 2025); a part compressed with a method zipfile does
not read ("unexpected NotImplementedError; please report this file", even for the document properties alone)."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from g287.errors import SourceError
from g287.registry import figures
from g287.registry.publications import resolve
from g287.registry.quality import register
from g287.registry.ingest import ingest_file
from g287.registry.ingest import prepare
from g287.sources.dates import read_date
from tests.conftest import ICE, snapshot

MAY_29 = ICE / "participating" / "participatingAgencies05292025am.xlsx"


def edited(source: Path, target: Path, changes: dict) -> Path:
    """A copy of a workbook with some parts changed (part name -> function of its bytes)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in original.namelist():
            content = original.read(name)
            copy.writestr(name, changes[name](content) if name in changes else content)
    return target


def _modified(when: str):
    def change(core: bytes) -> bytes:
        return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", lambda m: m[1] + when.encode() + m[2], core)

    return change


def test_a_modification_time_with_an_offset_orders_files_of_one_name_as_utc(db, actor, tmp_path):
    """10:00-05:00 is 15:00 UTC, later than 12:00 UTC: it was stored as 10:00 (SQLite keeps no offset), so the file
    ingested second was in force whichever was modified later."""
    sheet = "xl/worksheets/sheet1.xml"
    later = edited(MAY_29, tmp_path / "a" / MAY_29.name, {"docProps/core.xml": _modified("2025-05-29T10:00:00-05:00")})
    earlier = edited(
        MAY_29, tmp_path / "b" / MAY_29.name,
        {"docProps/core.xml": _modified("2025-05-29T12:00:00Z"), sheet: lambda b: re.sub(rb'<row r="2".*?</row>', b"", b, count=1, flags=re.S)},
    )
    ingest_file(db, later, actor)
    ingest_file(db, earlier, actor)
    with db.session() as session:
        assert figures.stats(session)["participating"]["moas"] == 635  # the later-modified file: all its rows


def _with_header_field(path: Path, member: str, fmt: str, local: int, central: int, value: int) -> Path:
    """The archive with one field of `member`'s headers set to `value`: at offset `local` of its local header and
    `central` of its central directory entry (struct format `fmt`)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(member).header_offset
    struct.pack_into(fmt, data, offset + local, value)
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + length] == member.encode():
            struct.pack_into(fmt, data, entry + central, value)
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))
    return path


def _declaring(path: Path, member: str, size: int) -> Path:
    """The archive with `member` declaring `size` bytes, in its local header and in the central directory."""
    return _with_header_field(path, member, "<I", 22, 24, size)


def test_a_part_holding_more_than_it_declares_is_refused_before_it_is_decompressed(db, actor, tmp_path, monkeypatch):
    """Declared 1,000 bytes, the shared strings held 5 MB (600 MB took 1.3 GB of memory, whatever the limit)."""
    monkeypatch.setenv("G287_MAX_WORKBOOK_MB", "2")
    strings = "xl/sharedStrings.xml"
    path = edited(MAY_29, tmp_path / MAY_29.name, {strings: lambda b: b.replace(b"<si><t>Colbert County</t></si>", b"<si><t>" + b"A" * 5_000_000 + b"</t></si>", 1)})
    _declaring(path, strings, 1000)
    assert zipfile.ZipFile(path).getinfo(strings).file_size == 1000
    before = snapshot(db)
    with pytest.raises(SourceError, match=r"xl/sharedStrings.xml holds more than the archive declares.*zip bomb"):
        ingest_file(db, path, actor)
    assert snapshot(db) == before


def test_a_row_that_is_not_a_listing_is_quoted_as_excel_shows_it(db, actor, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "NOTES"])
    sheet.append(["TEXAS", "Waller County Sheriff's Office", "County", "Waller", "Task Force Model", dt.date(2025, 5, 1), "link"])
    sheet.append([None] * 7 + [635])  # a total under the list
    sheet.append([None] * 7 + [True])
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    book.save(path)
    ingest_file(db, path, actor)
    with db.session() as session:
        entries = register(session, resolve(session, path.name))
    assert [(e.row, e.raw_value) for e in entries if e.category == "not_a_listing"] == [(3, "635"), (4, "TRUE")]


def test_a_link_to_no_web_address_is_no_documents_address_and_is_not_kept(tmp_path):
    """mailto:john.doe@... was stored (and published by the API) as the MOA's address."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    targets = ["mailto:john.doe@ice.dhs.gov", "file:///C:/Users/jdoe/Documents/MOA.pdf", "HTTPS://www.ice.gov/doclib/287gMOA/a.pdf"]
    for index, target in enumerate(targets):
        sheet.append(["TEXAS", f"Agency {index}", "County", "Harris", "Task Force Model", dt.date(2025, 5, 1), "link"])
        sheet.cell(index + 2, 7).hyperlink = target
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    book.save(path)
    prepared = prepare(path)
    assert [r.moa_url for r in prepared.readings] == [None, None, targets[2]]
    kept = repr((prepared.table.rows, [(r.content, r.problems) for r in prepared.readings]))
    assert "jdoe" not in kept and "john.doe" not in kept
    assert [r.problems[0].problem for r in prepared.readings[:2]] == ["the cell says there is a link but carries no address"] * 2
    assert any(note.problem.startswith("2 links to no web address") for note in prepared.table.notes)


@pytest.mark.parametrize("text", [
    "8-May-2025", "08-May-25", "8 May 25", "5/8/2025 0:00", "5/8/25 0:00", "05/08/2025 12:00 AM", "5/8/2025 12:00:00 AM", "2025/05/08 00:00",
    "2025-05-08T00:00:00Z", "2025-05-08T00:00:00.000-05:00", "Thursday, May 8, 2025", "Thu, May 8, 2025", "May 8th, 2025", "Sept. 8, 2025",
])
def test_a_date_typed_as_text_with_one_reading_is_read(text):
    """Each stayed unknown ("not a date"): Excel's d-mmm-yy, a date and time as programs export them, the long date."""
    expected = dt.date(2025, 9, 8) if text.startswith("Sept") else dt.date(2025, 5, 8)
    assert read_date(text).value == expected and read_date(text).category == "repaired"
    two_digits = text in ("08-May-25", "8 May 25", "5/8/25 0:00")
    assert read_date(text, from_csv=True).problem == ("date written as text with a two-digit year" if two_digits else None)


def test_a_weekday_that_is_not_the_dates_leaves_it_unknown():
    assert read_date("Friday, May 8, 2025").value is None  # 8 May 2025 was a Thursday: which was meant?
    assert read_date("Thursday, May 8, 2025").value == dt.date(2025, 5, 8)


def _compressed_with(path: Path, member: str, method: int) -> Path:
    """The archive with `member` marked as compressed with `method` (9: Deflate64), in both of its headers."""
    return _with_header_field(path, member, "<H", 8, 10, method)


def test_a_part_compressed_with_a_method_zipfile_does_not_read(tmp_path):
    sheet = _compressed_with(edited(MAY_29, tmp_path / "a" / MAY_29.name, {}), "xl/worksheets/sheet1.xml", 9)
    with pytest.raises(SourceError, match=r"xl/worksheets/sheet1.xml is compressed with a method this reader does not know"):
        prepare(sheet)
    properties = _compressed_with(edited(MAY_29, tmp_path / "b" / MAY_29.name, {}), "docProps/core.xml", 9)
    prepared = prepare(properties)  # only the modification time is read there: the list is read without it
    assert prepared.table.modified_at is None and sum(r.listing for r in prepared.readings) == 635


def test_a_long_row_that_is_not_a_listing_is_quoted_cut_and_says_so(db, actor, tmp_path):
    # Cut at 500 characters with no mark: the register read as if the row ended there.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "NOTES"])
    sheet.append(["TEXAS", "Waller County Sheriff's Office", "County", "Waller", "Task Force Model", dt.date(2025, 5, 1), "link"])
    note = "Note: " + "x" * 994
    sheet.append([None] * 7 + [note])
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    book.save(path)
    ingest_file(db, path, actor)
    with db.session() as session:
        (entry,) = [e for e in register(session, resolve(session, path.name)) if e.category == "not_a_listing"]
    assert entry.raw_value == note[:500] + " … (cut: 1,000 characters in all)"


def test_a_row_holding_only_a_link_is_registered_with_its_address(db, actor, tmp_path):
    # It was an "empty row" quoted '', the link dropped without a word.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    sheet.append(["TEXAS", "Waller County Sheriff's Office", "County", "Waller", "Task Force Model", dt.date(2025, 5, 1), "link"])
    sheet.append(["TEXAS", "Harris County Sheriff's Office", "County", "Harris", "Task Force Model", dt.date(2025, 5, 2), "link"])
    sheet["G3"].hyperlink = "https://www.ice.gov/doclib/287gMOA/harris.pdf"
    sheet.append(["TEXAS", "Polk County Sheriff's Office", "County", "Polk", "Task Force Model", dt.date(2025, 5, 3), "link"])
    book.save(tmp_path / "with-values.xlsx")
    # The row's values deleted, its link left behind (openpyxl drops a link with its cell's value: the XML is edited).
    path = edited(tmp_path / "with-values.xlsx", tmp_path / "participatingAgencies05292025am.xlsx", {
        "xl/worksheets/sheet1.xml": lambda xml: re.sub(rb'<row r="3"[^>]*>.*?</row>', b'<row r="3"><c r="G3"/></row>', xml, flags=re.S),
    })
    result = ingest_file(db, path, actor)
    with db.session() as session:
        (entry,) = [e for e in register(session, resolve(session, path.name)) if e.category == "not_a_listing"]
    assert (entry.row, entry.problem) == (3, "no values, only a link (https://www.ice.gov/doclib/287gMOA/harris.pdf)")
    assert (result.source_rows, result.listings) == (3, 2)


def test_a_formula_with_no_saved_result_is_registered_with_the_formula(db, actor, tmp_path):
    """A workbook written by a program has no formula results: calamine reads the cells as empty, and the register
    said "no agency name" quoting '' (a row of them was an "empty row")."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    sheet.append(["TEXAS", '="Harris"&" County Sheriff\'s Office"', "County", "Harris", "Task Force Model", "=DATE(2025,5,1)", "link"])
    sheet.append(['="TEXAS"', '="Polk County"', '="County"', None, None, None, None])
    sheet.append(["TEXAS", "Waller County Sheriff's Office", "County", "Waller", "Task Force Model", dt.date(2025, 5, 1), "link"])
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    book.save(path)
    result = ingest_file(db, path, actor)
    with db.session() as session:
        entries = [(e.row, e.column, e.raw_value, e.problem) for e in register(session, resolve(session, path.name)) if e.row in (2, 3)]
    assert (2, "LAW ENFORCEMENT AGENCY", '="Harris"&" County Sheriff\'s Office"', "a formula with no saved result instead of agency name") in entries
    assert (2, "SIGNED", "=DATE(2025,5,1)", "a formula with no saved result instead of a date") in entries
    assert any(row == 3 and "no data in the list's columns" in problem for row, _c, _v, problem in entries)  # not "empty row"
    assert (result.source_rows, result.listings) == (3, 2)


def test_what_a_review_of_these_fixes_found(tmp_path):
    """An unsaved HYPERLINK formula in the MOA cell is a link, not an unknown value; a formula saved with an empty
    result (<v></v>) is an empty cell; a link over a whole row is named once; "www." is a web address; "Monday,
    Monday, ..." is not a date (it recursed without end, RecursionError); a damaged part nothing needs refuses
    nothing when the size probe reads it."""
    from g287.sources.xlsx import _unsaved_formulas

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    sheet.append(["TEXAS", "Waller County Sheriff's Office", "County", "Waller", "Task Force Model", dt.date(2025, 5, 1), "link"])
    sheet["G2"].hyperlink = "www.ice.gov/doclib/287gMOA/waller.pdf"
    sheet.append(["TEXAS", "Harris County Sheriff's Office", "County", "Harris", "Task Force Model", dt.date(2025, 5, 2), '=HYPERLINK("https://www.ice.gov/doclib/287gMOA/harris.pdf","link")'])
    sheet.append(["TEXAS", "Polk County Sheriff's Office", "County", "Polk", "Task Force Model", dt.date(2025, 5, 3), "link"])
    sheet.append(["TEXAS", "Waco Police Department", "Municipality", "McLennan", "Task Force Model", dt.date(2025, 5, 3), "link"])
    book.save(tmp_path / "made.xlsx")

    def one_link_over_row_4(xml: bytes) -> bytes:
        xml = re.sub(rb'<row r="4"[^>]*>.*?</row>', b'<row r="4"><c r="A4"/></row>', xml, flags=re.S)
        return xml.replace(b"<hyperlinks>", b'<hyperlinks><hyperlink ref="A4:G4" r:id="rIdX"/>')

    def with_the_link(rels: bytes) -> bytes:
        target = b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.ice.gov/x.pdf" TargetMode="External"/>'
        return rels.replace(b"</Relationships>", target + b"</Relationships>")

    path = edited(tmp_path / "made.xlsx", tmp_path / "participatingAgencies05292025am.xlsx", {
        "xl/worksheets/sheet1.xml": one_link_over_row_4, "xl/worksheets/_rels/sheet1.xml.rels": with_the_link,
    })
    readings = prepare(path).readings
    assert [(r.moa_status, r.moa_url) for r in readings[:2]] == [("link", "www.ice.gov/doclib/287gMOA/waller.pdf"), ("link", "https://www.ice.gov/doclib/287gMOA/harris.pdf")]
    assert readings[2].not_listing_reason == "no values, only a link (https://www.ice.gov/x.pdf)"
    assert _unsaved_formulas(b'<row r="3"><c r="H3" t="str"><f>IF(A5="","",A5)</f><v></v></c><c r="I3"><f>1+1</f></c></row>') == {3: {8: "=1+1"}}
    assert read_date("mon " * 2000 + "1").problem == "not a date"


def test_a_damaged_part_nothing_needs_refuses_nothing_when_the_size_probe_reads_it(tmp_path):
    # Past about 200 KB compressed the probe decompresses every part: damaged document properties refused the file
    # ("damaged or truncated (docProps/core.xml)"), which the readers take as a modification time unknown.
    import os

    from g287.sources.xlsx import read_xlsx

    path = tmp_path / MAY_29.name
    with zipfile.ZipFile(MAY_29) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in original.namelist():
            copy.writestr(name, original.read(name))
        copy.writestr("xl/media/image1.png", os.urandom(300_000))  # incompressible: the probe must look
    with zipfile.ZipFile(path) as archive:
        crc = archive.getinfo("docProps/core.xml").CRC
    _with_header_field(path, "docProps/core.xml", "<I", 14, 16, crc ^ 1)
    table = read_xlsx(path)
    assert table.modified_at is None and len(table.rows) == 635
