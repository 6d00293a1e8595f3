"""A mutation campaign on real publications: each of a fixed list of damaged or hostile copies of ICE's files goes
through `g287 ingest` (in this process, as the command runs) and must keep the promise of README (issue 2): either
it is ingested with every source row counted (a listing, or a quality-register entry that says why not), or the
command prints one line `g287: error: <file>: <problem>`, exits with status 1, and leaves every table as it was —
never a traceback, never a hang, never memory out of bounds.

Each case also says what it gives: the listings it ingests, or words of its one-line error, so that a case that
changes its outcome is seen. The copies are made by tests/registry/mutations.py from the bundled files; the cases
run on SQLite (a copy of one database per case), a few on PostgreSQL too."""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import shutil
import signal
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from g287.access import Actor
from g287.db.engine import Database
from g287.registry.ingest import ingest_file
from tests.conftest import ICE, ICE_CSV, make_database, snapshot
from tests.in_process import run_g287
from tests.registry.mutations import (
    CONTENT_TYPES, CORE, SHEET, SHEET_RELS, STRINGS, STYLES, TOC, WORKBOOK, WORKBOOK_RELS, after_declaration, cut, declaring, encoded,
    flagged_encrypted, flipped, in_cell, lines_changed, part, parts_changed, replaced, stored_then, text_replaced, wrong_checksum,
)

PENDING = ICE / "pending" / "pendingAgencies07112025am_b.xlsx"  # 39 listings
MAY_29 = ICE / "participating" / "participatingAgencies05292025am.xlsx"  # 635 listings, with links
JULY_9 = ICE / "participating" / "participatingAgencies07092025am.xlsx"  # 807 listings, with an ADDENDUM column
PENDING_CSV = ICE_CSV / "pendingAgencies05152025am.csv"  # 92 listings
PARTICIPATING_CSV = ICE_CSV / "participatingAgencies05162025am.csv"  # 571 listings
HELD_BEFORE = ICE / "pending" / "pendingAgencies05152025am.xlsx"  # in the database before every case
LISTINGS = {PENDING: 39, MAY_29: 635, JULY_9: 807, PENDING_CSV: 92, PARTICIPATING_CSV: 571}
LABELS = {PENDING: "07/11", MAY_29: "05/29", JULY_9: "07/09", PENDING_CSV: "05/15 csv", PARTICIPATING_CSV: "05/16 csv"}
SECONDS = 30  # far above any case's time (a few tenths of a second): a case past it hangs


@dataclass(frozen=True)
class Case:
    name: str
    source: Path
    mutation: object  # bytes -> bytes
    expect: int | str  # the listings it ingests (a number), or words of its error line (after "<file>: ")


def ingests(name, source, mutation, listings=None) -> Case:
    return Case(name, source, mutation, LISTINGS[source] if listings is None else listings)


def refused(name, source, mutation, words) -> Case:
    return Case(name, source, mutation, words)


BOMB = (
    b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
    b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>'
)
NOISE = b"".join(hashlib.sha256(number.to_bytes(4, "big")).digest() for number in range(10_000))  # incompressible: the size probe reads every part
DAMAGED = "damaged or truncated"
NOT_A_ZIP = "the zip archive cannot be opened"
NO_HEADER = "no header row with the columns STATE and LAW ENFORCEMENT AGENCY"


def _archive_cases(source: Path) -> list[Case]:
    size = source.stat().st_size
    named = LABELS[source]
    cases = [refused(f"{named}: cut at byte {offset}", source, cut(offset), NOT_A_ZIP) for offset in (2, 30, size // 2, size - 22, size - 1)]
    cases += [
        refused(f"{named}: cut at byte 1", source, cut(1), "not a zip archive"),
        refused(f"{named}: sheet's data flipped", source, flipped(SHEET, 0.5), f"the workbook's sheet 'Sheet1' is {DAMAGED}"),
        refused(f"{named}: shared strings' data flipped", source, flipped(STRINGS, 0.5), f"shared strings (the text of its cells) are {DAMAGED}"),
        refused(f"{named}: list of sheets' data flipped", source, flipped(WORKBOOK, 0.5), f"list of sheets is {DAMAGED}"),
        refused(f"{named}: index of parts flipped", source, flipped(WORKBOOK_RELS, 0.5), f"index of its parts is {DAMAGED}"),
        refused(f"{named}: cell formats flipped", source, flipped(STYLES, 0.5), f"cell formats are {DAMAGED}"),
        refused(f"{named}: table of contents flipped", source, flipped(TOC, 0.5), f"table of contents is {DAMAGED}"),
        ingests(f"{named}: content types flipped (read by no one)", source, flipped(CONTENT_TYPES, 0.5)),
        ingests(f"{named}: document properties flipped", source, flipped(CORE, 0.5)),
        refused(f"{named}: sheet's checksum wrong", source, wrong_checksum(SHEET), f"the workbook's sheet 'Sheet1' is {DAMAGED}"),
        refused(f"{named}: list of sheets' checksum wrong", source, wrong_checksum(WORKBOOK), f"list of sheets is {DAMAGED}"),
        ingests(f"{named}: document properties' checksum wrong", source, wrong_checksum(CORE)),
        refused(f"{named}: shared strings' checksum wrong", source, wrong_checksum(STRINGS), f"shared strings (the text of its cells) are {DAMAGED}"),
        refused(f"{named}: cell formats' checksum wrong", source, wrong_checksum(STYLES), f"cell formats are {DAMAGED}"),
        refused(f"{named}: shared strings declaring 4,294,967,295 strings", source, part(STRINGS, replaced(rb'uniqueCount="\d+"', b'uniqueCount="4294967295"')), "refused: the workbook's shared strings declare 4,294,967,295 strings, more than their"),
        ingests(f"{named}: shared strings declaring fewer strings than they hold", source, part(STRINGS, replaced(rb'uniqueCount="\d+"', b'uniqueCount="3"'))),
        refused(f"{named}: a stored shared string changed in place", source, stored_then(lambda data: data.replace(b"Sheriff", b"Xheriff", 1)), f"shared strings (the text of its cells) are {DAMAGED}"),
        refused(f"{named}: sheet encrypted", source, flagged_encrypted(SHEET), "the workbook's sheet 'Sheet1' is encrypted with a password in the zip archive"),
        refused(f"{named}: shared strings encrypted", source, flagged_encrypted(STRINGS), "shared strings (the text of its cells) are encrypted with a password"),
        refused(f"{named}: list of sheets encrypted", source, flagged_encrypted(WORKBOOK), "list of sheets is encrypted with a password"),
        refused(f"{named}: table of contents encrypted", source, flagged_encrypted(TOC), "table of contents is encrypted with a password"),
        ingests(f"{named}: document properties encrypted", source, flagged_encrypted(CORE)),
        ingests(f"{named}: content types encrypted", source, flagged_encrypted(CONTENT_TYPES)),
        ingests(f"{named}: document properties encrypted beside a picture of 320 KB", source, lambda data: flagged_encrypted(CORE)(parts_changed(extra=(("xl/media/image1.png", NOISE),))(data))),
        refused(f"{named}: shared strings left out", source, parts_changed(drop=(STRINGS,)), "shared strings (the text of its cells) are missing"),
        refused(f"{named}: list of sheets left out", source, parts_changed(drop=(WORKBOOK,)), "list of sheets is missing"),
        refused(f"{named}: index of parts left out", source, parts_changed(drop=(WORKBOOK_RELS,)), "index of its parts is missing"),
        refused(f"{named}: table of contents left out", source, parts_changed(drop=(TOC,)), "table of contents is missing"),
        refused(f"{named}: sheet left out", source, parts_changed(drop=(SHEET,)), "the workbook's sheet 'Sheet1' is missing"),
        ingests(f"{named}: content types left out", source, parts_changed(drop=(CONTENT_TYPES,))),
        ingests(f"{named}: cell formats left out", source, parts_changed(drop=(STYLES,))),
        ingests(f"{named}: document properties left out", source, parts_changed(drop=(CORE,))),
        ingests(f"{named}: every part stored, none deflated", source, parts_changed(method=zipfile.ZIP_STORED)),
        refused(f"{named}: every part compressed with bzip2", source, parts_changed(method=zipfile.ZIP_BZIP2), "the workbook's table of contents is compressed with a method this reader does not know (_rels/.rels)"),
        refused(f"{named}: every part compressed with LZMA", source, parts_changed(method=zipfile.ZIP_LZMA), "the workbook's table of contents is compressed with a method this reader does not know (_rels/.rels)"),
        refused(f"{named}: the sheet compressed with bzip2", source, _one_part_compressed(SHEET, zipfile.ZIP_BZIP2), "the workbook's sheet 'Sheet1' is compressed with a method this reader does not know (xl/worksheets/sheet1.xml)"),
        ingests(f"{named}: the document properties compressed with bzip2", source, _one_part_compressed(CORE, zipfile.ZIP_BZIP2)),
        refused(f"{named}: sheet declares 4 GB", source, declaring(SHEET, 0xFFFFFFFF), "(a zip bomb, not a spreadsheet)"),
        refused(f"{named}: shared strings declare 4 GB", source, declaring(STRINGS, 0xFFFFFFFF), "(a zip bomb, not a spreadsheet)"),
        refused(f"{named}: sheet declares 0 bytes", source, declaring(SHEET, 0), f"the workbook's sheet 'Sheet1' is {DAMAGED}"),
        refused(f"{named}: a second sheet of the same name, without row 2", source, lambda data: parts_changed(extra=((SHEET, _without_row_2(data)),))(data), f"the zip archive holds two parts named {SHEET}"),
        refused(f"{named}: a second shared strings part of the same name", source, lambda data: parts_changed(extra=((STRINGS, _strings(data).replace(b"County", b"Parish")),))(data), f"the zip archive holds two parts named {STRINGS}"),
        ingests(f"{named}: junk before the archive", source, lambda data: b"JUNK" * 100 + data),
        ingests(f"{named}: junk after the archive", source, lambda data: data + b"JUNK" * 100),
    ]
    return cases


def _one_part_compressed(member: str, method: int):
    """The archive with `member` compressed with `method`, the other parts deflated."""

    def rewrite(data: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in original.infolist():
                copy.writestr(info.filename, original.read(info), compress_type=method if info.filename == member else zipfile.ZIP_DEFLATED)
        return out.getvalue()

    return rewrite


def _in_utf16(xml: bytes) -> bytes:
    return xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def _strings(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(STRINGS)


def _without_row_2(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return replaced(rb'<row r="2".*?</row>', b"")(archive.read(SHEET))


def _numbered(xml: bytes, count: int = 200_000) -> bytes:
    """`xml` (holding %d) written `count` times, numbered (repeated as they are, they would be refused as a zip bomb)."""
    return b"".join(xml % number for number in range(count))


def _sheet_cases(source: Path) -> list[Case]:
    named = LABELS[source]
    sheet = lambda mutation: part(SHEET, mutation)  # noqa: E731
    strings = lambda mutation: part(STRINGS, mutation)  # noqa: E731
    listings = LISTINGS[source]
    return [
        refused(f"{named}: header's STATE cell removed", source, sheet(replaced(rb'<c r="A1"[^>]*><v>0</v></c>', b"")), NO_HEADER),
        refused(f"{named}: header's STATE renamed", source, strings(replaced(rb"<t>STATE</t>", b"<t>ESTATE</t>")), NO_HEADER),
        refused(f"{named}: header's TYPE renamed", source, strings(replaced(rb"<t>TYPE</t>", b"<t>KIND</t>")), "missing required column TYPE"),
        refused(f"{named}: header row removed", source, sheet(replaced(rb'<row r="1".*?</row>', b"")), NO_HEADER),
        refused(f"{named}: a shared string past the last", source, sheet(in_cell("B3", b' t="s"><v>4294967296</v></c>')), "Cell string index not found"),
        refused(f"{named}: a shared string by a number past 64 bits", source, sheet(in_cell("B3", b' t="s"><v>18446744073709551616</v></c>')), "names shared string '18446744073709551616', which is not a string's number"),
        ingests(f"{named}: a shared string by its number after 20 zeros", source, sheet(replaced(rb'(<c r="B3"[^>]*><v>)', rb"\g<1>00000000000000000000"))),
        refused(f"{named}: a shared string by a negative number", source, sheet(in_cell("B3", b' t="s"><v>-1</v></c>')), "which is not a string's number"),
        refused(f"{named}: a row numbered -3", source, sheet(replaced(rb'<row r="3"', b'<row r="-3"')), "the workbook's sheet 'Sheet1' cannot be read"),
        refused(f"{named}: a row numbered abc", source, sheet(replaced(rb'<row r="3"', b'<row r="abc"')), "the workbook's sheet 'Sheet1' cannot be read"),
        refused(f"{named}: a row numbered 0", source, sheet(replaced(rb'<row r="3"', b'<row r="0"')), "the workbook's sheet 'Sheet1' cannot be read"),
        refused(f"{named}: a row numbered past any limit", source, sheet(replaced(rb'<row r="3"', b'<row r="99999999999999999999"')), "has cells beyond 200000 rows"),
        refused(f"{named}: a cell B-3", source, sheet(replaced(rb'<c r="B3"', b'<c r="B-3"')), "the workbook's sheet 'Sheet1' cannot be read"),
        refused(f"{named}: a cell named by its row alone", source, sheet(replaced(rb'<c r="B3"', b'<c r="3"')), "the workbook's sheet 'Sheet1' cannot be read"),
        refused(f"{named}: a cell in column XFE", source, sheet(replaced(rb'<c r="B3"', b'<c r="XFE3"')), "has cells beyond 200000 rows or 256 columns"),
        refused(f"{named}: a cell in column AAAA", source, sheet(replaced(rb'<c r="B3"', b'<c r="AAAA3"')), "has cells beyond 200000 rows or 256 columns"),
        refused(f"{named}: a cell in column zzz", source, sheet(replaced(rb'<c r="B3"', b'<c r="zzz3"')), "has cells beyond 200000 rows or 256 columns"),
        refused(f"{named}: a cell in row a250000", source, sheet(replaced(rb'<c r="B3"', b'<c r="a250000"')), "has cells beyond 200000 rows or 256 columns"),
        refused(f"{named}: 1,000 cells without a reference amid the rows", source, sheet(replaced(rb'(<row r="20"[^>]*>)', lambda m: m[1] + b"<c><v>1</v></c>" * 1000)), "has cells beyond 200000 rows or 256 columns"),
        refused(f"{named}: 200,001 rows without a reference amid the rows", source, sheet(replaced(rb'(<row r="20")', lambda m: b"".join(b"<row><c><v>%d</v></c></row>" % number for number in range(200_001)) + m[1])), "has cells beyond 200000 rows or 256 columns"),
        refused(f"{named}: a cell in column ZZZ, its reference spaced", source, sheet(replaced(rb'<c r="B3"', b'<c r = "ZZZ3"')), "has cells beyond 200000 rows or 256 columns"),
        refused(f"{named}: a cell in row 250,000, its reference spaced", source, sheet(replaced(rb'<c r="B3"', b'<c r=\n"A250000"')), "has cells beyond 200000 rows or 256 columns"),
        ingests(f"{named}: every attribute spaced", source, sheet(replaced(rb'(<[^<>?]*?)(\s\w+)="', rb'\1\2 = "', count=0))),
        ingests(f"{named}: a cell written b3", source, sheet(replaced(rb'<c r="B3"', b'<c r="b3"'))),
        ingests(f"{named}: a cell named by a row below its own", source, sheet(replaced(rb'<c r="B3"', b'<c r="B5"'))),
        ingests(f"{named}: two cells out of order", source, sheet(replaced(rb'(<c r="A3".*?</c>)(<c r="B3".*?</c>)', rb"\2\1"))),
        ingests(f"{named}: two rows out of order", source, sheet(replaced(rb'(<row r="3".*?</row>)(<row r="4".*?</row>)', rb"\2\1"))),
        ingests(f"{named}: a row written twice", source, sheet(replaced(rb'(<row r="3".*?</row>)', rb"\1\1"))),
        ingests(f"{named}: a row holding no cell", source, sheet(replaced(rb'<row r="3"[^>]*>.*?</row>', b'<row r="3"/>')), listings - 1),
        ingests(f"{named}: cells merged down column A", source, sheet(replaced(rb"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A2:A20"/></mergeCells>'))),
        ingests(f"{named}: the whole sheet merged", source, sheet(replaced(rb"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'))),
        ingests(f"{named}: every row hidden", source, sheet(replaced(rb'<row r="(\d+)"', rb'<row r="\1" hidden="1"', count=0))),
        ingests(f"{named}: a link without a target", source, sheet(replaced(rb"</sheetData>", b'</sheetData><hyperlinks><hyperlink ref="B3"/></hyperlinks>'))),
        ingests(f"{named}: a link to a target the sheet lacks", source, sheet(replaced(rb"</sheetData>", b'</sheetData><hyperlinks><hyperlink ref="B3" r:id="rId999"/></hyperlinks>'))),
        ingests(f"{named}: a link on no cell", source, sheet(replaced(rb"</sheetData>", b'</sheetData><hyperlinks><hyperlink ref="-1" r:id="rId9"/><hyperlink ref="A1:XFD1048576" location="Sheet1!A1"/></hyperlinks>'))),
        ingests(f"{named}: the header repeated below", source, sheet(replaced(rb'(<row r="1"[^>]*>)(.*?)(</row>)(<row r="2"[^>]*>)(.*?)(</row>)', lambda m: m[1] + m[2] + m[3] + m[4] + m[2].replace(b'1"', b'2"') + m[6])), listings - 1),
        ingests(f"{named}: a date typed as text in no form", source, sheet(in_cell("A3", b' t="inlineStr"><is><t>31/31/31</t></is></c>'))),
        ingests(f"{named}: a cell of date type holding no date", source, sheet(in_cell("C3", b' t="d"><v>2025-13-45T99:99:99</v></c>'))),
        ingests(f"{named}: an empty value in a shared-string cell", source, sheet(replaced(rb'(<c r="B3"[^>]*)><v>\d+</v>', rb"\1><v/>"))),
        ingests(f"{named}: an empty value in a true/false cell", source, sheet(in_cell("B3", b' t="b"><v></v></c>'))),
        ingests(f"{named}: an error no spreadsheet has", source, sheet(in_cell("B3", b' t="e"><v>#WHAT?</v></c>'))),
        ingests(f"{named}: #N/A for a state", source, sheet(in_cell("A3", b' t="e"><v>#N/A</v></c>'))),
        ingests(f"{named}: a cell of a type no spreadsheet has", source, sheet(replaced(rb'(<c r="B3"[^>]*) t="s">', rb'\1 t="zz">'))),
        ingests(f"{named}: a number past any (1e999)", source, sheet(in_cell("B3", b"><v>1e999</v></c>"))),
        ingests(f"{named}: NaN", source, sheet(in_cell("B3", b"><v>NaN</v></c>"))),
        ingests(f"{named}: a format the styles lack", source, sheet(replaced(rb'<c r="B3" s="\d+"', b'<c r="B3" s="99999"'))),
        ingests(f"{named}: a string of a million characters", source, strings(replaced(rb"(<si><t>)(Marion County Sheriff)", lambda m: m[1] + b"M" * 1_000_000 + m[2]))),
        ingests(f"{named}: control characters in a string", source, strings(replaced(rb"<t>County</t>", b"<t>Cou&#1;nt\x02y_x0003_</t>"))),
        refused(f"{named}: a character reference to NUL", source, strings(replaced(rb"<t>County</t>", b"<t>Cou&#0;nty</t>")), f"shared strings (the text of its cells) are {DAMAGED}"),
        ingests(f"{named}: a right-to-left override in a name", source, strings(replaced(rb"Sheriff", "Sher\u202eiff".encode()))),
        refused(f"{named}: an XML bomb in the shared strings", source, strings(lambda xml: after_declaration(BOMB)(xml).replace(b"<t>County</t>", b"<t>&i;</t>", 1)), "shared strings"),
        refused(f"{named}: an XML bomb in the list of sheets", source, part(WORKBOOK, lambda xml: after_declaration(BOMB.replace(b"sst", b"workbook"))(xml).replace(b'name="Sheet1"', b'name="&i;"')), "list of sheets"),
        ingests(f"{named}: an XML bomb declared, not used, in the sheet", source, sheet(after_declaration(BOMB.replace(b"sst", b"worksheet")))),
        refused(f"{named}: an external entity in the list of sheets", source, part(WORKBOOK, lambda xml: after_declaration(b'<!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/hostname">]>')(xml).replace(b'name="Sheet1"', b'name="&x;"')), "list of sheets"),
        ingests(f"{named}: a comment holding a row 999,999", source, sheet(replaced(rb'<row r="3"', b'<!-- <row r="999999"><c r="A999999"/></row> --><row r="3"'))),
        ingests(f"{named}: a processing instruction holding a row 1,048,576", source, sheet(replaced(rb'<row r="3"', b'<?note <row r="1048576"> ?><row r="3"'))),
        ingests(f"{named}: the header's DOCTYPE", source, sheet(after_declaration(b"<!DOCTYPE worksheet>"))),
        refused(f"{named}: the sheet in UTF-16", source, sheet(_in_utf16), "the workbook's sheet 'Sheet1' is written in UTF-16, which this reader does not read (xl/worksheets/sheet1.xml)"),
        refused(f"{named}: the shared strings in UTF-16", source, strings(_in_utf16), "the workbook's shared strings (the text of its cells) are written in UTF-16"),
        refused(f"{named}: the list of sheets in UTF-16", source, part(WORKBOOK, _in_utf16), "the workbook's list of sheets is written in UTF-16"),
        ingests(f"{named}: the document properties in UTF-16", source, part(CORE, _in_utf16)),
        ingests(f"{named}: a byte-order mark before the sheet", source, sheet(lambda xml: codecs.BOM_UTF8 + xml)),
        ingests(f"{named}: rich text runs in a string", source, strings(replaced(rb"<t>County</t>", b'<r><rPr><b/></rPr><t>Cou</t></r><r><t>nty</t></r><rPh sb="0" eb="1"><t>X</t></rPh>'))),
        refused(f"{named}: a dimension reaching zz9", source, sheet(replaced(rb'<dimension ref="[^"]*"/>', b'<dimension ref="a1:zz9"/>')), "declares its data reaches zz9"),
        ingests(f"{named}: a dimension that is no reference", source, sheet(replaced(rb'<dimension ref="[^"]*"/>', b'<dimension ref="ZZZZ99999999999"/>'))),
        ingests(f"{named}: two sheets of one part", source, part(WORKBOOK, replaced(rb"</sheets>", b'<sheet name="Copy" sheetId="2" r:id="rId1"/></sheets>'))),
        ingests(f"{named}: a sheet named by an absolute path", source, part(WORKBOOK_RELS, replaced(rb'Target="worksheets/sheet1.xml"', b'Target="/xl/worksheets/sheet1.xml"'))),
        refused(f"{named}: a sheet's path out of the archive", source, part(WORKBOOK_RELS, replaced(rb'Target="worksheets/sheet1.xml"', b'Target="../../../../etc/passwd"')), "is missing (../../../etc/passwd is not in the archive)"),
        refused(f"{named}: a sheet without a name", source, part(WORKBOOK, replaced(rb'name="Sheet1" ', b"")), f"the workbook's list of sheets is {DAMAGED} (xl/workbook.xml)"),
        ingests(f"{named}: a sheet named by an empty name", source, part(WORKBOOK, replaced(rb'name="Sheet1"', b'name=""'))),
        refused(f"{named}: no sheet in the list", source, part(WORKBOOK, replaced(rb"<sheets>.*?</sheets>", b"<sheets/>")), "the workbook has no worksheet"),
        ingests(f"{named}: the 1904 date system written oddly", source, part(WORKBOOK, replaced(rb"<workbookPr/>", b'<workbookPr date1904="maybe"/>'))),
        refused(f"{named}: no rows at all", source, sheet(replaced(rb"<sheetData>.*</sheetData>", b"<sheetData/>")), "the workbook is empty"),
        refused(f"{named}: the sheet is no XML", source, sheet(lambda xml: b"hello"), f"the workbook's sheet 'Sheet1' is {DAMAGED}"),
        refused(f"{named}: the shared strings are empty", source, strings(lambda xml: b""), f"shared strings (the text of its cells) are {DAMAGED}"),
        ingests(f"{named}: a formula with no saved result", source, sheet(in_cell("B3", b' t="str"><f>REPT("x",99999)</f><v></v></c>'))),
        ingests(f"{named}: a shared formula's follower", source, sheet(in_cell("B3", b'><f t="shared" si="0"/></c>'))),
        ingests(f"{named}: text in a CDATA section", source, sheet(in_cell("B3", b' t="inlineStr"><is><t><![CDATA[Acme <Sheriff> & Co]]></t></is></c>'))),
        ingests(f"{named}: prefixed tags (<x:c>)", source, sheet(lambda xml: xml.replace(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"', b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"').replace(b"<", b"<x:").replace(b"<x:/", b"</x:").replace(b"<x:?", b"<?"))),
        ingests(f"{named}: attributes in single quotes", source, sheet(replaced(rb'(\s\w+)="([^"]*)"', rb"\1='\2'", count=0))),
        ingests(f"{named}: no references at all", source, sheet(replaced(rb'\sr="[A-Z]*\d+"', b"", count=0))),
        ingests(f"{named}: 200,000 values in one text cell", source, sheet(in_cell("B3", b' t="str">' + _numbered(b"<v>x%d</v>") + b"</c>"))),
        ingests(f"{named}: 200,000 error types in one cell's text", source, sheet(in_cell("B3", b' t="inlineStr"><is><t>' + _numbered(b' t="e"%d') + b"</t></is></c>"))),
        ingests(f"{named}: 200,000 formulas in one cell", source, sheet(in_cell("B3", b' t="str">' + _numbered(b"<f>%d</f>") + b"<v>x</v></c>"))),
        refused(f"{named}: 20,000 formulas never closed", source, sheet(replaced(rb"</sheetData>", lambda m: b"".join(b'<row r="%d"><c r="A%d" t="str"><f>%d<v>x</v></c></row>' % (n, n, n) for n in range(41, 20_041)) + m[0])), f"the workbook's sheet 'Sheet1' is {DAMAGED}"),
        ingests(f"{named}: elements nested 50,000 deep", source, sheet(replaced(rb'<row r="3"', b"<extLst>" + b"<a>" * 50000 + b"</a>" * 50000 + b'</extLst><row r="3"'))),
    ]


def _link_cases() -> list[Case]:
    links = lambda mutation: part(SHEET_RELS, mutation)  # noqa: E731
    return [
        refused("05/29: sheet's links flipped", MAY_29, flipped(SHEET_RELS, 0.5), f"the links of the workbook's sheet 'Sheet1' are {DAMAGED}"),
        refused("05/29: sheet's links' checksum wrong", MAY_29, wrong_checksum(SHEET_RELS), f"the links of the workbook's sheet 'Sheet1' are {DAMAGED}"),
        ingests("05/29: sheet's links left out", MAY_29, parts_changed(drop=(SHEET_RELS,))),
        refused("05/29: sheet's links empty", MAY_29, links(lambda xml: b""), f"the links of the workbook's sheet 'Sheet1' are {DAMAGED}"),
        ingests("05/29: sheet's links hold no target", MAY_29, links(replaced(rb"<Relationship .*</Relationships>", b"</Relationships>"))),
        ingests("05/29: links to javascript:", MAY_29, links(replaced(rb'Target="[^"]*"', b'Target="javascript:alert(1)"', count=5))),
        ingests("05/29: a link written twice, the second elsewhere", MAY_29, links(lambda xml: xml.replace(b"</Relationships>", xml[xml.find(b"<Relationship ") : xml.find(b"/>", xml.find(b"<Relationship ")) + 2].replace(b'Target="', b'Target="https://example.org/') + b"</Relationships>"))),
        refused("05/29: an XML bomb in the sheet's links", MAY_29, links(lambda xml: after_declaration(BOMB.replace(b"sst", b"Relationships"))(xml).replace(b'TargetMode="External"', b'TargetMode="External" X="&i;"', 1)), "the links of the workbook's sheet 'Sheet1'"),
        ingests("05/29: 100,000 links to a place in the workbook", MAY_29, part(SHEET, replaced(rb"<hyperlinks>", b"<hyperlinks>" + b"".join(b'<hyperlink ref="A%d" location="Sheet1!A1"/>' % i for i in range(2, 100_000))))),
        refused("05/29: 40,000 links over the list's rows", MAY_29, part(SHEET, replaced(rb"<hyperlinks>", lambda m: m[0] + _numbered(b'<hyperlink ref="A1:H1%05d" r:id="rId1"/>', 40_000))), "the sheet's links name its cells over and over"),
        ingests("05/29: a link over the whole sheet besides each cell's", MAY_29, part(SHEET, replaced(rb"<hyperlinks>", b'<hyperlinks><hyperlink ref="A1:XFD1048576" r:id="rId1"/>'))),
        refused("05/29: 40,000 merged ranges over the list's rows", MAY_29, part(SHEET, replaced(rb"</sheetData>", lambda m: m[0] + b"<mergeCells>" + _numbered(b'<mergeCell ref="A2:G1%05d"/>', 40_000) + b"</mergeCells>")), "the sheet's merged ranges name its cells over and over"),
        ingests("07/09: 1904 dates", JULY_9, part(WORKBOOK, replaced(rb"<workbookPr/>", b'<workbookPr date1904="1"/>'))),
        ingests("07/09: every row hidden", JULY_9, part(SHEET, replaced(rb'<row r="(\d+)" ', rb'<row r="\1" hidden="1" ', count=0))),
    ]


def _csv_cases(source: Path) -> list[Case]:
    named = LABELS[source]
    header = source.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    first = "Houston County Sheriff's Office" if source == PENDING_CSV else "Colbert County Sheriff's Office"
    return [
        ingests(f"{named}: a byte-order mark", source, lambda data: codecs.BOM_UTF8 + data),
        ingests(f"{named}: UTF-16 with a byte-order mark", source, encoded("utf-16")),
        ingests(f"{named}: UTF-16 big-endian with a byte-order mark", source, encoded("utf-16-be", codecs.BOM_UTF16_BE)),
        refused(f"{named}: UTF-16 without a byte-order mark", source, encoded("utf-16-le"), "the text holds control characters"),
        refused(f"{named}: a UTF-16 mark over bytes that are not", source, lambda data: codecs.BOM_UTF16_LE + b"\x00\xd8", "starts with a utf-16 byte-order mark but is not utf-16"),
        refused(f"{named}: NUL bytes", source, lambda data: data.replace(b"County", b"Cou\x00nty", 3), "the text holds control characters"),
        refused(f"{named}: a quote never closed", source, text_replaced(first, '"' + first), "a quoted field opened on line 2 is"),
        refused(f"{named}: a quoted field closed mid-cell", source, text_replaced(first, '"Houston" ' + first), "by a quote followed by more text"),
        ingests(f"{named}: a quote inside a cell", source, text_replaced(first, first.replace(" County", ' "County"'))),
        ingests(f"{named}: rows cut short", source, lines_changed(lambda n, line: line.rstrip("\r\n").rsplit(",", 2)[0] + "\r\n" if n % 3 == 1 else line)),
        ingests(f"{named}: rows running long", source, lines_changed(lambda n, line: line.rstrip("\r\n") + ",x,y,z\r\n" if n % 3 == 1 else line)),
        refused(f"{named}: the header alone", source, lambda data: header.encode(), "the list has a header but no rows with data"),
        ingests(f"{named}: the header twice", source, lambda data: header.encode() + data),
        ingests(f"{named}: a line break inside each line break", source, lambda data: data.replace(b"\r\n", b"\r\r\n")),
        ingests(f"{named}: semicolons", source, lambda data: data.replace(b",", b";")),
        ingests(f"{named}: tabs", source, lambda data: data.replace(b",", b"\t")),
        refused(f"{named}: pipes", source, lambda data: data.replace(b",", b"|"), NO_HEADER),
        ingests(f"{named}: a title line", source, lambda data: b"287(g) list; as of May 2025\r\n" + data),
        refused(f"{named}: 30 title lines", source, lambda data: b"title\r\n" * 30 + data, NO_HEADER),
        ingests(f"{named}: 20,000 empty lines after the list", source, lambda data: data + b"\r\n" * 20_000),
        refused(f"{named}: a byte-order mark alone", source, lambda data: codecs.BOM_UTF8, NO_HEADER),
        refused(f"{named}: blank lines alone", source, lambda data: b"  \n\n \t\n", "the file is empty"),
        ingests(f"{named}: Windows-1252", source, lambda data: data.decode("utf-8").replace("Sheriff's", "Sheriff\u2019s").encode("cp1252")),
        refused(f"{named}: bytes neither UTF-8 nor Windows-1252", source, lambda data: data + b"TEXAS,Agency \x81\x8d,County,Harris,Task Force Model\r\n", "neither UTF-8 nor Windows-1252"),
        refused(f"{named}: a control character", source, text_replaced("Houston" if source == PENDING_CSV else "Colbert", "Hou\x07ston"), "the text holds control characters"),
        ingests(f"{named}: a C1 control and a line separator", source, text_replaced(first, first.replace("County", "Cou\u0085n\u2028ty"))),
        ingests(f"{named}: a cell of 2 MB", source, text_replaced(first, "H" * 2_000_000)),  # read whole (csv's own limit refused it)
        ingests(f"{named}: a quoted line break in a cell", source, text_replaced(first, '"' + first.replace(" Sheriff", "\nSheriff") + '"')),
        refused(f"{named}: a quoted cell over six lines", source, text_replaced(first, '"a\nb\nc\nd\ne\nf"'), "runs over 6 lines"),
        ingests(f"{named}: the header in lower case, quoted, spaced", source, lambda data: data.replace(header.encode(), (",".join(f'" {h.lower()} "' for h in header.strip().split(",")) + "\r\n").encode())),
        ingests(f"{named}: no line break at the end", source, lambda data: data.rstrip(b"\r\n")),
        refused(f"{named}: a workbook's bytes", source, lambda data: PENDING.read_bytes(), "an Excel workbook (.xlsx) named .csv, not a CSV file"),
        refused(f"{named}: an HTML page", source, lambda data: b"<html><body>Not found</body></html>", NO_HEADER),
        refused(f"{named}: STATE and agency only", source, lambda data: b"STATE,LAW ENFORCEMENT AGENCY\nTEXAS,X\n", "missing required columns"),
    ]


CASES = [
    *_archive_cases(PENDING), *_archive_cases(MAY_29), *_sheet_cases(PENDING), *_link_cases(), *_csv_cases(PENDING_CSV), *_csv_cases(PARTICIPATING_CSV),
]


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    """A SQLite database holding one publication (each case runs on a copy of it), and a snapshot of its tables."""
    folder = tmp_path_factory.mktemp("held")
    database, close = make_database("sqlite", folder)
    ingest_file(database, HELD_BEFORE, Actor.command_line())
    before = snapshot(database)
    close()  # the last connection closed: the file holds everything, and may be copied
    return folder / "g287.sqlite", before


class Hang(BaseException):
    """A case still running past its time (no handler of g287's catches it: it ends the case)."""


@contextmanager
def within(seconds: float):
    """Fails a case that runs past `seconds` (a hang) instead of waiting for it."""

    def too_long(_signum, _frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check(case: Case, url: str, before: dict, folder: Path) -> None:
    """Runs `g287 ingest` on the case's file and checks the promise, and what the case says it gives."""
    path = folder / case.source.name
    path.write_bytes(case.mutation(case.source.read_bytes()))
    with within(SECONDS):
        status, out, err = run_g287(url, "ingest", str(path))
    database = Database(url)
    try:
        if isinstance(case.expect, int):
            assert (status, err) == (0, ""), err
            with database.engine.connect() as conn:
                publication, rows, listings = conn.execute(text("SELECT id, source_rows, listing_count FROM publications WHERE file_name = :name"), {"name": path.name}).one()
                skipped = conn.execute(
                    text("SELECT COALESCE(SUM(rows_skipped), 0) FROM quality_issues WHERE publication_id = :id AND category = 'not_a_listing'"), {"id": publication}
                ).scalar()
            assert listings == case.expect, out
            assert listings + skipped == rows  # every source row counted: a listing, or an entry saying why not
        else:
            lines = err.splitlines()
            assert status == 1 and len(lines) == 1 and lines[0].startswith(f"g287: error: {path}: "), err
            assert case.expect in lines[0], lines[0]
            assert not re.search(r"unexpected \w+(Error|Exception)|please report", lines[0]), lines[0]  # a failure no reader foresaw
            assert snapshot(database) == before
    finally:
        database.dispose()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_damaged_or_hostile_file_is_ingested_whole_or_refused_in_one_line(held, tmp_path, case):
    source, before = held
    shutil.copyfile(source, tmp_path / "g287.sqlite")
    check(case, f"sqlite:///{tmp_path / 'g287.sqlite'}", before, tmp_path)


ON_BOTH = ["07/11: cut at byte 30", "07/11: a row holding no cell", "05/29: sheet's links hold no target", "05/15 csv: a quote never closed", "05/15 csv: rows running long"]


@pytest.mark.parametrize("name", ON_BOTH)
def test_the_promise_holds_on_either_database(db, actor, tmp_path, name):
    (case,) = [case for case in CASES if case.name == name]
    ingest_file(db, HELD_BEFORE, actor)
    check(case, db.url, snapshot(db), tmp_path)


def test_a_folder_of_damaged_and_sound_copies(held, tmp_path):
    """Several files (read by a worker process while the writer writes): each refused one says so in its line, the
    others are ingested, and the exit status is 1."""
    source, _before = held
    shutil.copyfile(source, tmp_path / "g287.sqlite")
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / PENDING.name).write_bytes(PENDING.read_bytes()[:100])
    (folder / MAY_29.name).write_bytes(parts_changed(drop=(CORE,))(MAY_29.read_bytes()))
    (folder / "participatingAgencies06012025am.xlsx").write_bytes(flipped(SHEET, 0.5)(MAY_29.read_bytes()))
    (folder / PENDING_CSV.name).write_bytes(codecs.BOM_UTF8 + PENDING_CSV.read_bytes())
    with within(SECONDS * 2):
        status, out, err = run_g287(f"sqlite:///{tmp_path / 'g287.sqlite'}", "ingest", str(folder))
    assert status == 1
    assert sorted(line.split(": ")[2] for line in err.splitlines()) == [str(folder / "participatingAgencies06012025am.xlsx"), str(folder / PENDING.name)]
    assert [line.split(":")[0] for line in out.splitlines()] == [str(folder / PENDING_CSV.name), str(folder / MAY_29.name)]  # as given


@pytest.mark.parametrize("encoding, words", [
    ("undefined", "cannot be decoded as undefined ("), ("utf-32", "cannot be decoded as utf-32 ("),
    ("unknown-codec", "cannot be decoded as unknown-codec: no encoding of text has that name"), ("hex", "cannot be decoded as hex: no encoding of text has that name"),
])
def test_an_encoding_that_cannot_decode_the_file_is_one_line(held, tmp_path, encoding, words):
    """--encoding undefined (a codec of Python's that decodes nothing, raising UnicodeError) gave 'unexpected
    UnicodeError; please report this file'; --encoding hex, a codec of bytes to bytes, quoted Python's advice to
    programmers ("use codecs.decode() to handle arbitrary codecs")."""
    source, before = held
    shutil.copyfile(source, tmp_path / "g287.sqlite")
    url = f"sqlite:///{tmp_path / 'g287.sqlite'}"
    status, _out, err = run_g287(url, "ingest", str(PENDING_CSV), "--encoding", encoding)
    assert status == 1 and err.startswith(f"g287: error: {PENDING_CSV}: {words}") and err.count("\n") == 1, err
    assert not re.search(r"unexpected \w+(Error|Exception)|please report", err), err
    database = Database(url)
    assert snapshot(database) == before
    database.dispose()


def test_a_named_pipe_or_a_device_given_as_a_file_is_refused_unread(held, tmp_path):
    """Given as a file, a named pipe was opened, which waits for a writer, and a link to /dev/zero was read, which
    never ends: g287 ingest hung, on either."""
    source, before = held
    shutil.copyfile(source, tmp_path / "g287.sqlite")
    url = f"sqlite:///{tmp_path / 'g287.sqlite'}"
    pipe = tmp_path / PENDING_CSV.name
    os.mkfifo(pipe)
    device = tmp_path / MAY_29.name
    device.symlink_to("/dev/zero")
    for path, kind in ((pipe, "a named pipe"), (device, "a device")):
        with within(10):
            status, _out, err = run_g287(url, "ingest", str(path))
        assert (status, err) == (1, f"g287: error: {path}: not a file of data but {kind}: it is not read\n")
    database = Database(url)
    assert snapshot(database) == before
    database.dispose()


NO_CELL_MARKUP = {
    "a comment holding an error cell": replaced(rb'(<row r="4")', rb'<!-- <c r="B4" t="e"><v>#REF!</v></c> -->\1'),
    "a comment holding a hidden row": replaced(rb'(<row r="4")', rb'<!-- <row r="4" hidden="1"> -->\1'),
    "a comment holding a link": replaced(rb"</hyperlinks>", b'<!-- <hyperlink ref="G2" r:id="rId9"/> --></hyperlinks>'),
    "a CDATA section holding a link": replaced(rb'(<c r="G2"[^>]*>.*?</c>)', rb'\1<c r="I2" t="inlineStr"><is><t><![CDATA[<hyperlink ref="G2" r:id="rId9"/>]]></t></is></c>'),
}


@pytest.mark.parametrize("markup", list(NO_CELL_MARKUP))
def test_markup_that_holds_no_cell_changes_no_value(tmp_path, markup):
    """A comment, a processing instruction or a CDATA section holds no cell, but the patterns that find links, error
    cells and hidden rows in a sheet's bytes read the tags written in them: a comment holding an error cell B4 made
    the agency of row 4 unknown, though Excel shows its name."""
    from g287.registry.ingest import prepare

    path = tmp_path / MAY_29.name
    path.write_bytes(part(SHEET, NO_CELL_MARKUP[markup])(MAY_29.read_bytes()))
    assert path.read_bytes() != MAY_29.read_bytes()

    def values(prepared):
        return [(row.number, row.hidden, reading.agency_name, reading.moa_url) for row, reading in zip(prepared.table.rows, prepared.readings)]

    assert values(prepare(path)) == values(prepare(MAY_29))


def test_a_file_larger_than_any_list_is_refused_before_it_is_read(held, tmp_path):
    """A sparse file of 50 GB named as a list (no disk space taken) was read whole for its sha256, for minutes,
    before its first bytes refused it."""
    source, before = held
    shutil.copyfile(source, tmp_path / "g287.sqlite")
    url = f"sqlite:///{tmp_path / 'g287.sqlite'}"
    path = tmp_path / MAY_29.name
    with open(path, "wb") as handle:
        handle.truncate(50 << 30)
    with within(10):
        status, _out, err = run_g287(url, "ingest", str(path))
    assert (status, err) == (1, f"g287: error: {path}: refused: 51,200 MB is larger than any list (limit G287_MAX_WORKBOOK_MB)\n")
    database = Database(url)
    assert snapshot(database) == before
    database.dispose()
