"""A source table as read from a workbook or CSV file, before any interpretation.

Readers (xlsx.py, csvfile.py) produce a SourceTable: the header, every row below it with its cells exactly as
stored, the addresses of cell hyperlinks, and what the file says about itself. Interpretation is elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

EXCEL_ERRORS = frozenset(
    ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#BUSY!", "#CONNECT!"]
)


@dataclass(frozen=True)
class CellError:
    """An Excel error value (#N/A, #REF!, ...): the cell has no usable value. Also a formula with no saved result
    (a workbook written by a program, never calculated): `code` is then the formula, and `kind` says so."""

    code: str
    kind: str = "Excel error value"


UNSAVED_FORMULA = "a formula with no saved result"
# What a file given as a list may be instead, by its first bytes, as each reader says it: a zip archive (an .xlsx
# workbook is one) and a compound file (an Excel 97-2003 workbook, or an encrypted .xlsx).
ZIP_HEADER = b"PK\x03\x04"
COMPOUND_FILE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLD_STYLE_WORKBOOK = "an old-style .xls workbook (or an encrypted one)"


@dataclass
class SourceRow:
    number: int  # the row number as the spreadsheet shows it (CSV: the line's record number, header = 1)
    cells: list[Any]  # str | int | float | bool | date | datetime | CellError | None, one per column
    links: dict[int, str] = field(default_factory=dict)  # column index -> hyperlink address (unwrapped)
    hidden: bool = False


@dataclass
class Note:
    """Something the reader noticed about the file as a whole (registered in the quality register)."""

    problem: str
    action: str
    raw_value: str | None = None
    row_number: int | None = None
    column: str | None = None
    category: str = "note"
    rows_skipped: int = 0


@dataclass
class SourceTable:
    path: str
    file_name: str
    source_format: str  # xlsx | csv
    header_row: int
    header: list[str]
    rows: list[SourceRow]
    source_rows: int  # rows below the header, through the last row the file declares
    sheet_name: str | None = None
    modified_at: dt.datetime | None = None
    notes: list[Note] = field(default_factory=list)
    carries_hyperlinks: bool = True
    # False when the reader found that no text of the file names a safety redirect's host (links.names_a_wrapper):
    # then no cell does, and the interpreter does not ask each cell again.
    text_may_name_wrappers: bool = True
    dates_from_1904: bool = False  # the workbook counts date serial numbers in the 1904 date system


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    value = 0
    for char in letters.upper():
        value = value * 26 + (ord(char) - 64)
    return value - 1


_NOT_HEADER_CHARACTER = re.compile(r"[^A-Z0-9]")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=65536)  # the same references recur in every sheet of a batch
def parse_cell_ref(ref: str) -> tuple[int, int] | None:
    """'G12' -> (12, 6): 1-based row, 0-based column."""
    match = _CELL_REF.match(ref.strip())
    if not match:
        return None
    return int(match[2]), column_index(match[1])


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return False


def normalize_header(text: Any) -> str:
    """Header cells compared without case, spacing or punctuation: 'Law Enforcement  Agency ' -> 'LAWENFORCEMENTAGENCY'."""
    if not isinstance(text, str):
        return ""
    return _NOT_HEADER_CHARACTER.sub("", text.upper())
