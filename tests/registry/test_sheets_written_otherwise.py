"""Sheets written otherwise than Excel writes them, which calamine reads alike: the reader finds their links, error
cells, hidden rows and trailing empty rows as in the sheet Excel writes.

- The spreadsheet namespace bound to a prefix (<x:c r="A1">), or the relationships' namespace to a prefix other
  than "r": before, every MOA link of such a sheet was lost (each row registered as a link without an address).
- Rows and cells without their references (r="7", r="C7"), which the format lets a writer leave out: before, error
  cells were read as empty ones and the trailing empty rows went unnoticed.
- References in lower case (r="b3"), and attributes with spaces around their "=" (t = "e", hidden = "1") in tags
  that begin with their reference as Excel writes it: before, error cells read as empty ones, hidden rows as visible."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from g287.errors import SourceError
from g287.registry.ingest import prepare
from g287.sources.xlsx_parts import with_plain_attributes, with_references, without_prefixes
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


def rewritten(source: Path, target: Path, change, drop: str = "") -> Path:
    """A copy of `source` with its sheet changed, and the part `drop` left out."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            if info.filename == drop:
                continue
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


def test_a_tag_given_its_reference_is_read_past_its_quoted_values():
    """with_references read a row's or a cell's tag up to its first ">": a ">" inside a quoted value (XML allows it) ended
    the tag, and a tag whose reference came after it was given a second one (r="D3" ... r="F3", the cells after it
    numbered from D3); r="Z9" inside another attribute's value was taken for the tag's own, and the cell went ungiven."""
    xml = (
        b"""<sheetData><row r="3"><c r="C3"/><c t="s" cm='a > b' r="F3"><v>0</v></c><c/><c vm='see r="Z9"'/></row>"""
        b"""<row x="1 > 0" r="9"><c/></row></sheetData>"""
    )
    assert with_references(xml) == (
        b"""<sheetData><row r="3"><c r="C3"/><c t="s" cm='a > b' r="F3"><v>0</v></c><c r="G3"/><c r="H3" vm='see r="Z9"'/></row>"""
        b"""<row x="1 > 0" r="9"><c r="A9"/></row></sheetData>"""
    )


def test_a_value_holding_a_less_than_sign_is_taken_whole(tmp_path):
    """XML allows no "<" in a value, but calamine reads one there: <c foo="a<b" r = "IW4"> is its cell IW4. The spaces
    beside the "=" after such a value were left, and the cell's reference went unchecked by the size checks."""
    assert with_plain_attributes(b"""<c foo="a<b" r = "B3" t= 'x<y' s ="1"/>""") == b"""<c foo="a<b" r="B3" t='x<y' s="1"/>"""
    wide = rewritten(MAY_29, tmp_path / MAY_29.name, lambda xml: xml.replace(b'<c r="C4"', b'<c foo="a<b" r = "IW4"', 1))
    assert read_as(wide) == f"{MAY_29.name}: refused: sheet 'Sheet1' has cells beyond 200000 rows or 256 columns"


def test_a_sheet_as_excel_writes_it_is_left_as_it_is():
    with zipfile.ZipFile(ICE / "participating" / "participatingAgencies05292025am.xlsx") as archive:
        xml = archive.read(SHEET)
    assert without_prefixes(xml) is xml and with_references(xml) is xml


MAY_29 = ICE / "participating" / "participatingAgencies05292025am.xlsx"


def read_as(path: Path):
    """What the reader makes of a workbook: each row's cells, links and hiddenness, the register's notes and the
    rows' readings; or its one-line error."""
    try:
        prepared = prepare(path)
    except SourceError as error:
        return str(error)
    table = prepared.table
    return (
        [(row.number, row.hidden, row.cells, row.links) for row in table.rows],
        [(note.problem, note.raw_value, note.row_number, note.column) for note in table.notes],
        [(reading.content, reading.problems) for reading in prepared.readings],
    )


def in_cell(reference: bytes, body: bytes):
    """The sheet with cell `reference` (its style kept) written with `body`: its type and what follows its opening tag."""
    return lambda xml: re.sub(rb'<c r="' + reference + rb'"( s="\d+")[^>]*>.*?</c>', lambda m: b'<c r="' + reference + b'"' + m[1] + body, xml, count=1)




def merged_down_column_a(xml: bytes) -> bytes:
    """A2:A4 merged, A3 and A4 holding no value of their own: each shows A2's."""
    xml = re.sub(rb'<c r="A([34])"( s="\d+")[^>]*>.*?</c>', rb'<c r="A\1"\2/>', xml)
    return xml.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A2:A4"/></mergeCells>')


# Each a change that gives the sheet a kind of cell the reader finds in its XML itself (besides calamine's values).
CELLS_READ_FROM_THE_XML = {
    "the sheet as ICE wrote it (191 error cells)": lambda xml: xml,
    "a formula with no saved result": in_cell(b"B3", b"><f>1+1</f></c>"),
    "a HYPERLINK formula": in_cell(b"G3", b' t="str"><f>HYPERLINK("https://www.ice.gov/x.pdf","x")</f><v>x</v></c>'),
    "text in a cell typed as a number": in_cell(b"B3", b' t="n"><v>Harris County</v></c>'),
    "a number no date shows in a date cell": in_cell(b"F3", b"><v>-5</v></c>"),
    "a shared string named by no number": in_cell(b"B3", b' t="s"><v>abc</v></c>'),
    "cells merged down column A": merged_down_column_a,
}


def with_lower_case_references(xml: bytes) -> bytes:
    xml, cells = re.subn(rb'(<c r=")([A-Z]+)', lambda m: m[1] + m[2].lower(), xml)
    xml, ranges = re.subn(rb'(<mergeCell ref=")([^"]*)', lambda m: m[1] + m[2].lower(), xml)
    assert cells > 4000
    return xml


@pytest.mark.parametrize("cells", list(CELLS_READ_FROM_THE_XML))
def test_cell_references_in_lower_case_read_as_in_upper_case(tmp_path, cells):
    """calamine reads a reference in either case (r="b3"), but the patterns that find error cells, formulas with no
    saved result, the number a cell stores and the cells of merged ranges took upper-case letters only: such cells read
    as empty, or as the time calamine makes of a negative number, and a note named cell "?" (no row)."""
    change = CELLS_READ_FROM_THE_XML[cells]
    (tmp_path / "upper").mkdir()
    (tmp_path / "lower").mkdir()
    upper = rewritten(MAY_29, tmp_path / "upper" / MAY_29.name, change)
    lower = rewritten(MAY_29, tmp_path / "lower" / MAY_29.name, lambda xml: with_lower_case_references(change(xml)))
    assert read_as(lower) == read_as(upper)


def with_spaced_attributes(xml: bytes) -> bytes:
    """Every attribute of every tag written with spaces around its "=" (t = "e", hidden = "1"), but the reference that
    begins a row or a cell, as Excel writes it (<c r="B3" s = "15" t = "e">), and the XML declaration's."""
    xml, spaced = re.subn(rb"""(<(?!\?)[^<>]*?\s(?!r=)[\w:.-]+)=(["'])""", rb"\1 = \2", xml)
    while spaced:  # one attribute a tag a pass (the pattern's match takes the tag up to it)
        xml, spaced = re.subn(rb"""(<(?!\?)[^<>]*?\s(?!r=)[\w:.-]+)=(["'])""", rb"\1 = \2", xml)
    assert b'<c r="A1" s = "1" t = "s">' in xml.replace(b"x:", b"")
    return xml


SPACED = {
    **CELLS_READ_FROM_THE_XML,
    "rows hidden by a filter": lambda xml: re.sub(rb'<row r="(3|4|9)"', rb'<row r="\1" hidden="1"', xml),
    "a formula saved with an empty result": in_cell(b"B3", b' t="str"><f>IF(A3="","",A3)</f><v></v></c>'),
    "a number no date shows, past what calamine reads": in_cell(b"F3", b"><v>-1e300</v></c>"),
    "a dimension reaching column ZZ": lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:ZZ9"/>', xml),
    "the spreadsheet namespace bound to a prefix": lambda xml: prefixed(xml, b"rel"),
}


@pytest.mark.parametrize("cells", list(SPACED))
def test_attributes_spaced_around_their_equals_sign_read_as_excel_writes_them(tmp_path, cells):
    """XML allows spaces around an attribute's "=", and calamine reads them; the reader's patterns looked for t="e",
    hidden="1", ref="A2:A20"... as Excel writes them, unless a row or a cell did not begin with its reference: a sheet
    whose every cell began with r="..." had its error cells read as empty, its hidden rows as visible, a number
    calamine cannot read refused with "please report this file"."""
    change = SPACED[cells]
    (tmp_path / "plain").mkdir()
    (tmp_path / "spaced").mkdir()
    plain = rewritten(MAY_29, tmp_path / "plain" / MAY_29.name, change)
    spaced = rewritten(MAY_29, tmp_path / "spaced" / MAY_29.name, lambda xml: with_spaced_attributes(change(xml)))
    assert read_as(spaced) == read_as(plain)


def test_a_spaced_sheet_whose_shared_strings_are_missing_says_so(tmp_path):
    """Shared strings are required when a cell names one (t="s"); with t = "s" the line quoted calamine instead."""
    (tmp_path / "plain").mkdir()
    (tmp_path / "spaced").mkdir()
    plain = rewritten(MAY_29, tmp_path / "plain" / MAY_29.name, lambda xml: xml, drop="xl/sharedStrings.xml")
    spaced = rewritten(MAY_29, tmp_path / "spaced" / MAY_29.name, with_spaced_attributes, drop="xl/sharedStrings.xml")
    assert read_as(spaced) == read_as(plain) == f"{MAY_29.name}: the workbook's shared strings (the text of its cells) are missing (xl/sharedStrings.xml is not in the archive)"


def test_a_default_namespace_declared_with_spaces_is_not_declared_twice():
    """A prefixed sheet whose root declares the default namespace as well, spaced (xmlns = "..."), was given a second
    declaration (an attribute written twice: no XML), as if it had none."""
    main = b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = b"<x:worksheet xmlns = " + main + b" xmlns:x=" + main + b"><x:sheetData/></x:worksheet>"
    assert without_prefixes(xml) == b"<worksheet xmlns = " + main + b" xmlns:x=" + main + b"><sheetData/></worksheet>"


def test_only_the_spaces_beside_an_attributes_equals_sign_are_taken_out():
    """Not those inside a quoted value (either quote, a ">" in it too) nor in a cell's text."""
    xml = b"""<c r = "B3" t= 'inlineStr' s\n=\n"1"><is><t>1 = "2"</t></is></c><hyperlink location="a = 'b'" display='x > y = "z"' ref ="G2"/>"""
    assert with_plain_attributes(xml) == (
        b"""<c r="B3" t='inlineStr' s="1"><is><t>1 = "2"</t></is></c><hyperlink location="a = 'b'" display='x > y = "z"' ref="G2"/>"""
    )


# A reference written as Excel writes it (r="B3") or otherwise: in single quotes, which XML allows, or with spaces or a
# line break beside its "=". The checks of a sheet's size find the cells and rows it names in its XML.
REFERENCE_FORMS = {
    "double-quoted": lambda name, value: b'%s="%s"' % (name, value),
    "single-quoted": lambda name, value: b"%s='%s'" % (name, value),
    "spaced": lambda name, value: b'%s = "%s"' % (name, value),
    "single-quoted after a line break": lambda name, value: b"%s=\n'%s'" % (name, value),
}
REFERENCES = {  # what the reference names, and whether the sheet is refused for it
    "cell B3": (lambda form: lambda xml: xml.replace(b'<c r="B3"', b"<c " + form(b"r", b"B3"), 1), False),
    "cell IV3, the last column read": (lambda form: lambda xml: xml.replace(b'<c r="B3"', b"<c " + form(b"r", b"IV3"), 1), False),
    "cell IW3, a column past the limit": (lambda form: lambda xml: xml.replace(b'<c r="B3"', b"<c " + form(b"r", b"IW3"), 1), True),
    "cell zzz3": (lambda form: lambda xml: xml.replace(b'<c r="B3"', b"<c " + form(b"r", b"zzz3"), 1), True),
    "cell A250000, a row past the limit": (lambda form: lambda xml: xml.replace(b'<c r="B3"', b"<c " + form(b"r", b"A250000"), 1), True),
    "row 250000": (lambda form: lambda xml: xml.replace(b'<row r="3"', b"<row " + form(b"r", b"250000"), 1), True),
    "a dimension reaching ZZ9": (lambda form: lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b"<dimension " + form(b"ref", b"A1:ZZ9") + b"/>", xml), True),
}


@pytest.mark.parametrize("reference", list(REFERENCES))
def test_a_reference_in_single_quotes_or_spaced_is_checked_as_excel_writes_it(tmp_path, reference):
    """The patterns that find a sheet's widest and deepest cells look for r=" or r=' only; a reference spaced around its
    "=" sends the sheet through with_plain_attributes first. Whichever form, the sheet reads, or is refused, alike."""
    change, refused = REFERENCES[reference]
    read = {}
    for form_name, form in REFERENCE_FORMS.items():
        (tmp_path / form_name).mkdir()
        read[form_name] = read_as(rewritten(MAY_29, tmp_path / form_name / MAY_29.name, change(form)))
    plain = read.pop("double-quoted")
    assert isinstance(plain, str) == refused and (not refused or plain.startswith(f"{MAY_29.name}: refused: sheet 'Sheet1' "))
    assert read == {form_name: plain for form_name in read}


# Text reading like a reference past the limits, in no cell's reference: a cell's text (inline, or its formula's), and
# the values of other attributes (a cell's, a row's, a link's). XML allows '"' in text and in a value in single quotes.
BEYOND = b"""r="ZZZ3" r='IW3' r="A9999999" r='B250000'"""
TEXT_READING_LIKE_REFERENCES = {
    "a cell's inline text": in_cell(b"B3", b' t="inlineStr"><is><t>Harris ' + BEYOND + b"</t></is></c>"),
    "a cell's formula": in_cell(b"B3", b' t="str"><f>"' + BEYOND.replace(b'"', b'""') + b'"</f><v>Harris</v></c>'),
    "another attribute of a cell": lambda xml: xml.replace(b'<c r="B3" s="15"', b"<c r=\"B3\" s='15' cm='" + BEYOND.replace(b"'", b"&apos;") + b"'", 1),
    "another attribute of a row, before its own": lambda xml: xml.replace(b'<row r="3" ', b"<row x14ac:dyDescent='" + BEYOND.replace(b"'", b"&apos;") + b' r="250000"\' r="3" ', 1),
    "a link's display text": lambda xml: xml.replace(b'<hyperlink ref="G506"', b"<hyperlink display='" + BEYOND.replace(b"'", b"&apos;") + b"' ref=\"G506\"", 1),
}


@pytest.mark.parametrize("text", list(TEXT_READING_LIKE_REFERENCES))
def test_text_reading_like_a_reference_past_the_limits_is_no_cell(tmp_path, text):
    """The checks of a sheet's size looked for r="..." anywhere in its XML: a sheet whose text or attribute values read
    r="ZZZ3" was refused ("cells beyond ... 256 columns"), though calamine reads no such cell. They look at the
    references of the cells and rows alone; a cell or a row that does name one past the limits is refused still."""
    change = TEXT_READING_LIKE_REFERENCES[text]
    for name, beyond in (("plain", None), ("ZZZ3", b'<c r="ZZZ3"'), ("A9999999", b'<c r="A9999999"'), ("row 250000", b'<row r="250000"')):
        (tmp_path / name).mkdir()
        if beyond is None:
            read = read_as(rewritten(MAY_29, tmp_path / name / MAY_29.name, change))
            assert not isinstance(read, str), read
            rows = {number: cells for number, _hidden, cells, _links in read[0]}
            assert rows[3][1] == ("Harris " + BEYOND.decode() if text == "a cell's inline text" else "Harris" if text == "a cell's formula" else rows[3][1])
            continue
        wider = (lambda xml: change(xml).replace(b'<c r="C4"', beyond, 1)) if beyond.startswith(b"<c") else (lambda xml: change(xml).replace(b'<row r="649"', beyond, 1))
        read = read_as(rewritten(MAY_29, tmp_path / name / MAY_29.name, wider))
        assert read == f"{MAY_29.name}: refused: sheet 'Sheet1' has cells beyond 200000 rows or 256 columns"
