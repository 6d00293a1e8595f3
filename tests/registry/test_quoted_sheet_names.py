"""A workbook refused names its sheet as an error line names a value (wording.quoted): in single quotes whatever
quotes it holds, a line break written \\n, a name of thousands of characters cut to its start with its length.
Python's repr, which these lines took, quoted "O'Brien's" in double quotes and a long name whole. The quality
register's notes keep the wording they are stored in."""

import pytest

from g287.sources.xlsx import read_xlsx
from tests.in_process import run_g287
from tests.registry.mutations import in_cell, replaced
from tests.registry.test_damaged_parts import MAY_29, copy_of, only_sheet_at, truncated, with_sheet

# The sheet's name in the workbook's XML, and as an error line quotes it.
TRICKY = b"O&apos;Brien&apos;s&#10;list"
QUOTED = "'O'Brien's\\nlist'"
LONG = b"x" * 5000
CUT = f"'{'x' * 80}' … (cut: 5,000 characters in all)"
SHEET = "xl/worksheets/sheet1.xml"


def named(name: bytes) -> dict:
    return {"xl/workbook.xml": lambda data: data.replace(b'<sheet name="Sheet1"', b'<sheet name="' + name + b'"', 1)}


@pytest.mark.parametrize("name, changes, problem", [
    (TRICKY, {SHEET: None}, f"the workbook's sheet {QUOTED} is missing ({SHEET} is not in the archive)"),
    (TRICKY, only_sheet_at(b"styles.xml"), f"the workbook's sheet {QUOTED} is not a worksheet: its part (xl/styles.xml) holds no rows of cells"),
    (TRICKY, {SHEET: truncated}, f"the workbook's sheet {QUOTED} is damaged or truncated ({SHEET})"),
    (TRICKY, {SHEET: in_cell("B3", b""" t="s"><v>O'Brien's</v></c>""")}, f"the workbook's sheet {QUOTED} cannot be read (cell B3 names shared string 'O'Brien's', which is not a string's number) ({SHEET})"),
    (LONG, {SHEET: replaced(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>')}, f"refused: sheet {CUT} declares its data reaches XFD1048576 (limit 200000 rows, G287_MAX_SOURCE_ROWS, and 256 columns)"),
    (LONG, {SHEET: replaced(rb'<c r="B3"', b'<c r="A250000"')}, f"refused: sheet {CUT} has cells beyond 200000 rows or 256 columns"),
], ids=["missing", "not a worksheet", "damaged", "a shared string by no number", "declared oversized", "oversized"])
def test_a_workbook_refused_quotes_its_sheet(tmp_path, name, changes, problem):
    path = copy_of(tmp_path / MAY_29.name, {**named(name), **changes})
    status, out, error = run_g287(f"sqlite:///{tmp_path / 'registry.sqlite'}", "ingest", str(path))
    assert (status, error) == (1, f"g287: error: {path}: {problem}\n"), out


def test_the_register_s_note_on_a_sheet_keeps_its_stored_wording(tmp_path):
    path = copy_of(tmp_path / MAY_29.name, with_sheet(b"O&apos;Brien&apos;s", b"styles.xml"))
    assert [n.problem for n in read_xlsx(path).notes if "Brien" in n.problem] == [
        "the workbook's sheet \"O'Brien's\" is not a worksheet: its part (xl/styles.xml) holds no rows of cells"
    ]
