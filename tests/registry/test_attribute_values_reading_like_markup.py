"""A row's, a cell's or a formula's tag whose attribute values hold text that reads like markup: hidden="1", t="e",
t="s", t="str" or r="Z9" inside another attribute's value (title='hidden="1"'), or a ">" inside a value (XML allows
it). The reader found hidden rows, error cells, formulas with no saved result, shared-string cells naming no string,
cells holding text their type does not take and the numbers of cells in a date format by patterns that looked
anywhere in the tag, or read it up to its first ">": a visible row was marked hidden, a number read as an error cell
or refused as a damaged shared-string cell, an error cell read as an empty one, a formula with no saved result went
unseen or was put in another cell. Each tag is now read attribute by attribute, each quoted value whole
(xlsx_attributes), as calamine reads it."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from g287.sources.table import UNSAVED_FORMULA, CellError
from g287.sources.xlsx import read_xlsx
from g287.sources.xlsx_attributes import attributes_given
from tests.registry.test_non_text_cells import workbook  # a workbook of ICE's participating columns, built with openpyxl
from tests.registry.test_sheets_written_otherwise import MAY_29, in_cell, read_as, rewritten


def rows_of(path) -> dict[int, tuple[bool, list]]:
    """Each row the reader gives, by number: whether it is hidden, and its cells."""
    table = read_xlsx(path)
    return {row.number: (row.hidden, row.cells) for row in table.rows}


def written(tmp_path, name: str, change):
    (tmp_path / name).mkdir()
    return rewritten(MAY_29, tmp_path / name / MAY_29.name, change)


def test_a_tags_attributes_are_read_one_after_another_each_value_whole():
    attributes = b""" s="15" title='hidden="1" t="e"' note="a > b" t = 'e' x:y="1" r="B3" t="n\""""
    assert attributes_given(attributes) == {b"s": b"15", b"title": b'hidden="1" t="e"', b"note": b"a > b", b"t": b"n", b"x:y": b"1", b"r": b"B3"}


# Row 3 of the 29 May list with its tag changed; the second: whether the reader gives it hidden.
ROW_TAGS = {
    "hidden=\"1\" in another attribute's value": (b"""<row r="3" title='hidden="1"' spans="1:8">""", False),
    "hidden='true' in another attribute's value, spaced": (b"""<row r="3" title="x hidden = 'true'">""", False),
    "hidden after a value holding it": (b"""<row r="3" title='hidden="1"' hidden="1">""", True),
    "hidden after a value holding \">\"": (b"""<row r="3" title="a > b" hidden="1">""", True),
    "hidden, as Excel writes it": (b"""<row r="3" spans="1:8" ht="33.75" hidden="1" customHeight="1">""", True),
    "hidden given as false": (b"""<row r="3" hidden="0">""", False),
}


@pytest.mark.parametrize("tag", list(ROW_TAGS))
def test_a_row_is_hidden_by_its_own_hidden_attribute_alone(tmp_path, tag):
    row_tag, hidden = ROW_TAGS[tag]
    path = written(tmp_path, "row", lambda xml: re.sub(rb'<row r="3"[^>]*>', row_tag, xml, count=1))
    rows = rows_of(path)
    assert rows[3][0] is hidden
    assert [number for number, (is_hidden, _cells) in rows.items() if is_hidden] == ([3] if hidden else [])


# Cell B3 of the 29 May list (its style kept) written otherwise; the second: what the reader gives for it.
CELLS = {
    "t=\"e\" in another attribute's value": (b""" note='t="e"'><v>7</v></c>""", 7),
    "t=\"e\" in another attribute's value, with a type of its own": (b""" note='t="e"' t="n"><v>7</v></c>""", 7),
    "an error cell with \">\" in a value before its type": (b""" note="a > b" t="e"><v>#REF!</v></c>""", CellError("#REF!")),
    "an error cell with t=\"e\" in a value too": (b""" note='t="e"' t="e"><v>#DIV/0!</v></c>""", CellError("#DIV/0!")),
    "an error cell, as Excel writes it": (b""" t="e"><v>#NAME?</v></c>""", CellError("#NAME?")),
    "a formula with no saved result, with \">\" in a value": (b""" note="a > b"><f>1+1</f></c>""", CellError("=1+1", UNSAVED_FORMULA)),
    "a formula with no saved result, t=\"str\" in a value": (b""" note='t="str"'><f>1+1</f><v></v></c>""", CellError("=1+1", UNSAVED_FORMULA)),
    "a formula with no saved result, as a program writes it": (b"""><f>1+1</f></c>""", CellError("=1+1", UNSAVED_FORMULA)),
    "a formula with no saved result, \">\" in its formula's tag": (b"""><f note="a>b">1+1</f></c>""", CellError("=1+1", UNSAVED_FORMULA)),
    "an error cell whose shared formula's tag holds \">\"": (b""" t="e"><f t="shared" note="a>b" si="0"/><v>#REF!</v></c>""", CellError("#REF!")),
    "a formula saved with an empty result": (b""" t="str"><f>IF(A3="","",A3)</f><v></v></c>""", ""),
}


@pytest.mark.parametrize("cell", list(CELLS))
def test_an_error_cell_or_a_formula_with_no_saved_result_is_told_by_its_own_attributes(tmp_path, cell):
    body, expected = CELLS[cell]
    rows, before = rows_of(written(tmp_path, "cell", in_cell(b"B3", body))), rows_of(MAY_29)
    assert rows[3][1][1] == expected
    assert rows[3][1][:1] + rows[3][1][2:] == before[3][1][:1] + before[3][1][2:]  # the cells beside it as they were


def test_a_formula_with_no_saved_result_is_in_its_own_cell_whatever_another_value_names(tmp_path):
    """<c note='r="Z9"' r="B3"> is cell B3: the pattern took the first r=" in the tag, Z9, and put the formula there."""
    path = written(tmp_path, "cell", lambda xml: re.sub(rb'<c r="B3"( s="\d+")[^>]*>.*?</c>', rb"""<c note='r="C3"' r="B3"\1><f>1+1</f></c>""", xml, count=1))
    rows = rows_of(path)
    assert rows[3][1][1] == CellError("=1+1", UNSAVED_FORMULA)
    assert not isinstance(rows[3][1][2], CellError)


def test_the_bundled_list_reads_alike_with_values_reading_like_markup_in_every_tag(tmp_path):
    """Every row's and cell's tag given an attribute whose value reads like a hidden row and an error cell, with a ">":
    the list reads as ICE wrote it (its 191 error cells, its rows all visible)."""
    decoy = b""" note='hidden="1" t="e" t="str" > r="Z9"'"""
    path = written(tmp_path, "decoys", lambda xml: re.sub(rb'(<(?:row|c) r="[^"]*")', lambda m: m[1] + decoy, xml))
    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/worksheets/sheet1.xml").count(decoy) > 4000
    assert read_as(path) == read_as(MAY_29)


def calamine_rows(path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet1").to_python(skip_empty_area=False)


def test_a_tag_giving_its_reference_twice_is_numbered_as_calamine_numbers_it(tmp_path):
    """No XML, but calamine reads it: a row by its first r (row 3, not 900), a cell by its last (<c r="E3" r="B3"> is
    B3, and the cell after it, without a reference, C3). The reader's error cells sit where calamine puts the values:
    with_references numbered the cells after such a cell from its first reference (D3 for C3's error)."""

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b'<row r="3" ', b'<row r="3" r="900" hidden="1" ', 1)
        return re.sub(rb'<c r="B3"( s="\d+")[^>]*>.*?</c><c r="C3"[^>]*>.*?</c>', rb'<c r="E3" r="B3"\1><v>7</v></c><c t="e"><v>#REF!</v></c>', xml, count=1)

    path = written(tmp_path, "twice", change)
    grid = calamine_rows(path)
    assert len(grid) == len(calamine_rows(MAY_29)) and grid[2][1:3] == [7, ""]  # row 3's B3 and C3 (#REF! read as empty)
    rows = rows_of(path)
    assert 900 not in rows and rows[3][0] is True
    assert rows[3][1][1:4] == [7, CellError("#REF!"), rows_of(MAY_29)[3][1][3]]


def test_a_number_with_t_s_in_another_attributes_value_is_a_number(tmp_path):
    """bad_string_reference took t="s" from anywhere in a cell's tag: a number holding it in another attribute's value
    was a shared-string cell naming no string by number, and the sheet was refused; calamine reads the number."""
    path = written(tmp_path, "cell", in_cell(b"B3", b""" note=' t="s"'><v>1.5</v></c>"""))
    assert calamine_rows(path)[2][1] == 1.5
    assert rows_of(path)[3][1][1] == 1.5


# Cell B3 typed as a shared string and naming none by number (\1: its style), which calamine reads as the first string.
DAMAGED_SHARED_STRING_CELLS = {
    "a \">\" in a value before its own t=\"s\"": rb"""<c r="B3"\1 note="a > b" t="s"><v>abc</v></c>""",
    "r=\"C3\" in a value before its own": rb"""<c note=' r="C3"' r="B3"\1 t="s"><v>abc</v></c>""",
}


@pytest.mark.parametrize("cell", list(DAMAGED_SHARED_STRING_CELLS))
def test_a_damaged_shared_string_cell_is_told_and_named_by_its_own_attributes(tmp_path, cell):
    """bad_string_reference read the cell's tag up to its first ">": the cell's own t="s" after a ">" went unseen, and
    calamine's "STATE" stood for text that names no string; r="C3" in another attribute's value named C3."""
    path = written(tmp_path, "cell", lambda xml: re.sub(rb'<c r="B3"( s="\d+")[^>]*>.*?</c>', DAMAGED_SHARED_STRING_CELLS[cell], xml, count=1))
    assert calamine_rows(path)[2][1] == "STATE"
    assert read_as(path) == (
        f"{MAY_29.name}: the workbook's sheet 'Sheet1' cannot be read (cell B3 names shared string 'abc', which is not a string's number) "
        "(xl/worksheets/sheet1.xml)"
    )


# Cell B3 typed as a number and holding text, over which calamine refuses the sheet (\1: its style): the sheet is read
# again with such cells mended (xlsx_types.readable), which read a cell's tag up to its first ">" and took its t= and
# r= from anywhere in it: the sheet was refused, or the register named another cell.
MISFIT_CELLS = {
    "t=\"e\" in another attribute's value": rb"""<c r="B3"\1 note=' t="e"' t="n"><v>abc</v></c>""",
    "a \">\" in a value": rb"""<c r="B3"\1 note="a > b" t="n"><v>abc</v></c>""",
    "r=\"C3\" in a value before its own": rb"""<c note=' r="C3"' r="B3"\1 t="n"><v>abc</v></c>""",
    "a shared formula whose tag holds \">\"": rb"""<c r="B3"\1 t="n"><f t="shared" note="a>b" si="0"/><v>abc</v></c>""",
}


@pytest.mark.parametrize("cell", list(MISFIT_CELLS))
def test_a_cell_holding_text_its_type_does_not_take_is_told_by_its_own_attributes(tmp_path, cell):
    path = written(tmp_path, "cell", lambda xml: re.sub(rb'<c r="B3"( s="\d+")[^>]*>.*?</c>', MISFIT_CELLS[cell], xml, count=1))
    with pytest.raises(Exception, match="invalid float literal"):
        calamine_rows(path)
    table = read_xlsx(path)
    assert {row.number: row.cells for row in table.rows}[3][1] == "abc"
    assert [note.problem for note in table.notes if "typed as" in note.problem] == ["cell B3 is typed as a number but holds text"]


# Cell F2 of a list built with openpyxl, its SIGNED date written otherwise (\1: its date format).
DATE_CELLS = {
    "a time of day, r=\"G2\" in a value before its own": (rb"""<c note=' r="G2"' r="F2"\1><v>0.5</v></c>""", 0.5),
    "a time of day, a \">\" in a value": (rb"""<c r="F2" note="a > b"\1><v>0.5</v></c>""", 0.5),
    "a number calamine panics on, a \">\" in a value": (rb"""<c r="F2" note="a > b"\1><v>-1e15</v></c>""", -1e15),
}


@pytest.mark.parametrize("cell", list(DATE_CELLS))
def test_a_number_in_a_date_format_that_is_no_date_is_read_from_its_own_cell(tmp_path, cell):
    """calamine reads 0.5 in a date format as 12:00:00, and panics on -1e15: the reader takes such a cell's number from
    the sheet (xlsx_grid), by a pattern that read the cell's tag up to its first ">" and its r= from anywhere in it.
    The number was not found ("12:00:00" was quoted as the cell's value), or its format was left on it and calamine's
    panic ended the reading ("please report this file")."""
    (tmp_path / "built").mkdir()
    built = workbook(tmp_path / "built", [["TEXAS", "Harris County Sheriff's Office", "County", "Harris", "Task Force Model", dt.date(2025, 5, 1), "link"]])
    body, expected = DATE_CELLS[cell]
    path = rewritten(built, tmp_path / built.name, lambda xml: re.sub(rb'<c r="F2"( s="\d+")[^>]*>.*?</c>', body, xml, count=1))
    assert {row.number: row.cells for row in read_xlsx(path).rows}[2][5:7] == [expected, "link"]
