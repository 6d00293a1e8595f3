"""Sheets written otherwise than Excel writes them, which calamine reads alike: the reader finds their links, error
cells, hidden rows and trailing empty rows as in the sheet Excel writes.

- The spreadsheet namespace bound to a prefix (<x:c r="A1">), or the relationships' namespace to a prefix other
  than "r": before, every MOA link of such a sheet was lost (each row registered as a link without an address).
- Rows and cells without their references (r="7", r="C7"), which the format lets a writer leave out: before, error
  cells were read as empty ones and the trailing empty rows went unnoticed."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from g287.registry.ingest import prepare
from g287.sources.xlsx_parts import with_references, without_prefixes
from tests.conftest import ICE

SHEET = "xl/worksheets/sheet1.xml"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELATIONSHIPS = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def prefixed(xml: bytes, relationships_prefix: bytes) -> bytes:
    assert MAIN in xml and RELATIONSHIPS in xml
    xml = xml.replace(MAIN, MAIN.replace(b"xmlns=", b"xmlns:x="))
    xml = re.sub(rb"<(/?)([A-Za-z]\w*)(?=[\s>/])", lambda m: b"<" + m[1] + b"x:" + m[2], xml)  # every element unprefixed until now
    if relationships_prefix != b"r":
        xml = xml.replace(RELATIONSHIPS, RELATIONSHIPS.replace(b"xmlns:r=", b"xmlns:" + relationships_prefix + b"="))
        xml = xml.replace(b" r:id=", b" " + relationships_prefix + b":id=")
    return xml


def without_references(xml: bytes) -> bytes:
    xml, cells = re.subn(rb'(<c\b[^>]*?)\sr="[A-Z]+\d+"', rb"\1", xml)
    xml, rows = re.subn(rb'(<row\b[^>]*?)\sr="\d+"', rb"\1", xml)
    assert cells > 1000 and rows > 600
    return xml


def rewritten(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            copy.writestr(info, change(data) if info.filename == SHEET else data)
    return target


def assert_read_alike(original, written) -> None:
    assert sum(1 for r in written.readings if r.moa_url) == sum(1 for r in original.readings if r.moa_url) > 400
    assert [(r.content, r.problems) for r in written.readings] == [(r.content, r.problems) for r in original.readings]
    assert any(r.problems for r in original.readings) and any('"error"' in r.content for r in original.readings)  # error cells
    assert [n.problem for n in written.table.notes] == [n.problem for n in original.table.notes] != []
    assert [(row.number, row.hidden) for row in written.table.rows] == [(row.number, row.hidden) for row in original.table.rows]


@pytest.mark.parametrize("relationships_prefix", [b"r", b"rel"])
def test_a_sheet_written_with_prefixes_reads_as_the_sheet_excel_wrote(tmp_path, relationships_prefix):
    source = ICE / "participating" / "participatingAgencies05292025am.xlsx"
    copy = rewritten(source, tmp_path / source.name, lambda xml: prefixed(xml, relationships_prefix))
    with zipfile.ZipFile(copy) as archive:
        assert b"<x:hyperlink " in archive.read(SHEET)
    assert_read_alike(prepare(source), prepare(copy))


def test_a_sheet_whose_rows_and_cells_carry_no_references_reads_as_the_sheet_excel_wrote(tmp_path):
    source = ICE / "participating" / "participatingAgencies05292025am.xlsx"
    assert_read_alike(prepare(source), prepare(rewritten(source, tmp_path / source.name, without_references)))


def test_a_left_out_reference_is_the_one_after_the_row_or_cell_before_it():
    xml = b'<sheetData><row r="3"><c r="C3" t="s"><v>0</v></c><c t="e"><v>#N/A</v></c><c/></row><row><c s="1"/><c r="AA4"/><c/></row></sheetData>'
    assert with_references(xml) == (
        b'<sheetData><row r="3"><c r="C3" t="s"><v>0</v></c><c r="D3" t="e"><v>#N/A</v></c><c r="E3"/></row>'
        b'<row r="4"><c r="A4" s="1"/><c r="AA4"/><c r="AB4"/></row></sheetData>'
    )


def test_a_sheet_as_excel_writes_it_is_left_as_it_is():
    with zipfile.ZipFile(ICE / "participating" / "participatingAgencies05292025am.xlsx") as archive:
        xml = archive.read(SHEET)
    assert without_prefixes(xml) is xml and with_references(xml) is xml
