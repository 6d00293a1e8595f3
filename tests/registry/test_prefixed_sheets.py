"""A sheet whose writer bound the spreadsheet namespace to a prefix (<x:c r="A1">, as some programs other than Excel
write it), or the relationships' namespace to a prefix other than "r": calamine reads its values alike, and the
reader finds its links, error cells, hidden rows and trailing empty rows as in the sheet Excel writes. Before, every
MOA link of such a sheet was lost (each row registered as a cell saying there is a link but carrying no address)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from g287.registry.ingest import prepare
from g287.sources.xlsx_parts import without_prefixes
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


def rewritten(source: Path, target: Path, relationships_prefix: bytes) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            copy.writestr(info, prefixed(data, relationships_prefix) if info.filename == SHEET else data)
    return target


@pytest.mark.parametrize("relationships_prefix", [b"r", b"rel"])
def test_a_sheet_written_with_prefixes_reads_as_the_sheet_excel_wrote(tmp_path, relationships_prefix):
    source = ICE / "participating" / "participatingAgencies05292025am.xlsx"
    copy = rewritten(source, tmp_path / source.name, relationships_prefix)
    with zipfile.ZipFile(copy) as archive:
        assert b"<x:hyperlink " in archive.read(SHEET)
    original, written = prepare(source), prepare(copy)
    assert sum(1 for r in written.readings if r.moa_url) == sum(1 for r in original.readings if r.moa_url) > 400
    assert [(r.content, r.problems) for r in written.readings] == [(r.content, r.problems) for r in original.readings]
    assert [n.problem for n in written.table.notes] == [n.problem for n in original.table.notes] != []
    assert [row.hidden for row in written.table.rows] == [row.hidden for row in original.table.rows]


def test_a_sheet_as_excel_writes_it_is_left_as_it_is():
    with zipfile.ZipFile(ICE / "participating" / "participatingAgencies05292025am.xlsx") as archive:
        xml = archive.read(SHEET)
    assert without_prefixes(xml) is xml
