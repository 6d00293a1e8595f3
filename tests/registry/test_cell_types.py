"""A cell whose stored value does not fit its type: one was enough for calamine to refuse the whole workbook, and
the ingest said only "the workbook is damaged or truncated (Parse float error: invalid float literal)". Errors that
Excel shows but calamine does not know (#SPILL!, #CALC!...) were refused the same way. Now such a cell is read as
the text it holds, with an entry saying so, and such an error is an error cell like any other."""

from __future__ import annotations

import re

import pytest

from g287.errors import SourceError
from g287.registry.ingest import ingest_file
from g287.sources.table import CellError
from g287.sources.xlsx import read_xlsx
from tests.registry.test_damaged_parts import MAY_29, copy_of
from tests.registry.test_non_text_cells import register

SHEET = "xl/worksheets/sheet1.xml"
SIGNED_OF_ROW_2 = re.compile(rb'<c r="F2"([^>]*)><v>([^<]*)</v>')


def with_cell(tmp_path, cell_type: bytes, stored: bytes, *, more=None):
    """A copy of the 29 May list whose cell F2 (SIGNED of the first listing) has the type and stored value given."""

    def change(xml: bytes) -> bytes:
        attributes = re.sub(rb'\st="[^"]*"', b"", SIGNED_OF_ROW_2.search(xml)[1])
        typed = attributes + (b' t="' + cell_type + b'"' if cell_type else b"")
        xml = SIGNED_OF_ROW_2.sub(lambda m: b'<c r="F2"' + typed + b"><v>" + stored + b"</v>", xml, count=1)
        return more(xml) if more else xml

    return copy_of(tmp_path / MAY_29.name, {SHEET: change})


MISFITS = {
    "a number holding text": (b"n", b"abc", "abc", "cell F2 is typed as a number but holds text"),
    "true or false holding text": (b"b", b"2", "2", "cell F2 is typed as true or false but holds text"),
    "a type no spreadsheet has": (b"z", b"x&amp;y", "x&y", 'cell F2 has a type no spreadsheet has (t="z")'),
}


@pytest.mark.parametrize("case", list(MISFITS))
def test_a_cell_whose_value_does_not_fit_its_type_is_read_as_its_text_and_registered(db, actor, tmp_path, case):
    cell_type, stored, text, problem = MISFITS[case]
    path = with_cell(tmp_path, cell_type, stored)
    table = read_xlsx(path)
    assert table.rows[0].cells[5] == text and len(table.rows) == len(read_xlsx(MAY_29).rows)
    result = ingest_file(db, path, actor)
    assert result.listings == 635  # every listing of 29 May still one
    entries = {(e.row, e.column, e.raw_value, e.problem, e.category) for e in register(db, result) if e.row == 2}
    assert (2, "SIGNED", text, problem, "repaired") in entries
    assert any(e[1] == "SIGNED" and e[2] == text and e[3] != problem for e in entries)  # and the value's own entry: no date


@pytest.mark.parametrize("code", ["#SPILL!", "#CALC!", "#GETTING_DATA", "#BLOCKED!"])
def test_an_error_excel_shows_that_calamine_does_not_know_is_an_error_cell(db, actor, tmp_path, code):
    path = with_cell(tmp_path, b"e", code.encode())
    assert read_xlsx(path).rows[0].cells[5] == CellError(code)
    (tmp_path / "na").mkdir()
    known = ingest_file(db, with_cell(tmp_path / "na", b"e", b"#N/A"), actor)  # an error calamine reads
    result = ingest_file(db, path, actor)

    def signed_entries(outcome, shown):
        return {(e.problem.replace(shown, "CODE"), e.action, e.category) for e in register(db, outcome) if e.row == 2 and e.column == "SIGNED"}

    assert signed_entries(result, code) == signed_entries(known, "#N/A") != set()


def test_a_misfit_beside_a_number_calamine_cannot_show_as_a_date(tmp_path):
    """Both mends at once: the sheet read without date formats (-INF in a date cell) and F2 read as its text."""
    path = with_cell(tmp_path, b"n", b"abc", more=lambda xml: re.sub(rb'(<c r="F3"[^>]*><v>)[^<]*(</v>)', rb"\g<1>-INF\g<2>", xml, count=1))
    table = read_xlsx(path)
    assert table.rows[0].cells[5] == "abc" and table.rows[1].cells[5] == float("-inf")
    assert any(n.problem == "cell F2 is typed as a number but holds text" for n in table.notes)


@pytest.mark.parametrize("misfit_too", [False, True])
def test_a_sheet_calamine_cannot_read_for_another_reason_is_named(tmp_path, misfit_too):
    """A shared string that does not exist, alone or beside a misfit cell (mended, the sheet still cannot be read)."""
    no_such_string = lambda xml: re.sub(rb'(<c r="B3"[^>]*t="s"[^>]*><v>)\d+(</v>)', rb"\g<1>99999\g<2>", xml, count=1)  # noqa: E731
    path = with_cell(tmp_path, b"n" if misfit_too else b"", b"abc" if misfit_too else b"45785", more=no_such_string)
    with pytest.raises(SourceError) as raised:
        read_xlsx(path)
    assert re.fullmatch(rf"{MAY_29.name}: the workbook's sheet 'Sheet1' cannot be read \(.*shared strings.*\) \({SHEET}\)", str(raised.value)), str(raised.value)
