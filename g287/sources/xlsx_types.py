"""Cells whose stored value does not fit their type, over which calamine refuses the whole workbook.

One such cell made calamine refuse every sheet ("Parse float error: invalid float literal"), and the ingest said
only that the workbook was damaged:
- an error cell holding an error Excel shows but calamine does not know (#SPILL!, #CALC!, #GETTING_DATA...);
- a cell typed as a number (t="n") or as true/false (t="b") that holds text, or a cell of a type no spreadsheet has.
When calamine fails on a sheet, the sheet is read again from a copy in memory in which such cells are given a form
calamine reads: an error cell the error #N/A (the reader takes each error cell's own code from the sheet itself,
g287.sources.xlsx), any other the text it holds, which the register then quotes with the type it had.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from g287.sources.table import Note, parse_cell_ref
from g287.sources.xlsx_attributes import ATTRIBUTE_TEXT, CELL_TAG, attributes_given, with_attribute

# After a cell's opening tag: its formula, if any, then its stored value. A formula is either self-closing (a shared
# formula's follower, <f t="shared" si="0"/>) or has a body. Its tag, as a cell's, is read attribute by attribute, each
# quoted value whole (xlsx_attributes): a ">" in a value ended it early, and a self-closing formula holding one was no
# formula, its cell unread. A body is escaped text, which holds no "<": one never closed (a damaged sheet, read again
# by readable) is no formula, rather than the start of a search to the sheet's end from each such cell (10,000 of them
# took 66 s).
FORMULA_TAG = rb"<f\b" + ATTRIBUTE_TEXT  # up to its closing ">", which follows a "/" when it is self-closing
FORMULA = rb"(?:" + FORMULA_TAG + rb"(?:(?<=/)>|(?<!/)>[^<]*</f>))?"
FORMULA_AND_VALUE = FORMULA + rb'\s*<v>([^<]*)</v>'
# A cell's attributes (its tag is <c ...>), what comes before its stored value, and the value: to change the tag, or
# the value. The cell's type and reference are its own attributes (attributes_given), none read inside another's value.
CELL_WITH_VALUE = re.compile(CELL_TAG + rb'>(' + FORMULA + rb'\s*<v>)([^<]*)(?=</v>)', re.S)
_REFERENCE = re.compile(rb"[A-Za-z]+[0-9]+")
# What calamine reads: a number as Rust parses one (no spaces, no "_" or "0x"), true/false as 0, 1, true or false,
# and these errors; text of the other types is read as it is.
_NUMBER = re.compile(rb"[+-]?(?:inf|infinity|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)", re.I)
_TRUE_OR_FALSE = frozenset((b"0", b"1", b"true", b"false"))
_ERRORS_READ = frozenset((b"#DIV/0!", b"#N/A", b"#NAME?", b"#NULL!", b"#NUM!", b"#REF!", b"#VALUE!"))
_TEXT_TYPES = frozenset((b"s", b"str", b"inlineStr", b"d"))
_TYPE_WORDS = {b"n": "a number", b"b": "true or false"}


class CellOpenings:
    """Where the cell before each of a sheet's positions opens, for positions asked in increasing order: the sheet is
    searched back only to the position asked before, so that each byte is searched once. Searching back from each
    position to the sheet's start made a cell holding many matches quadratic (40,000 <v> in one cell: 9 s; 400,000:
    hours)."""

    def __init__(self, xml: bytes, opening: bytes = b"<c"):
        self.xml, self.opening = xml, opening
        self.last, self.searched_to = -1, 0

    def before(self, position: int) -> tuple[int, bool]:
        """The start of the last opening before `position` (-1: none), and whether it is another than the one given
        for the position asked before (a caller looks at each cell once)."""
        found = self.xml.rfind(self.opening, max(0, self.searched_to - len(self.opening) + 1), position)
        self.searched_to = max(self.searched_to, position)
        if found == -1 or found == self.last:
            return self.last, False
        self.last = found
        return found, True


@dataclass(frozen=True)
class MisfitCell:
    reference: str  # "F2"
    cell_type: bytes  # as the cell's t= gives it
    value: str  # as the cell stores it

    def note(self, header: list[str]) -> Note:
        """The register's entry (`header`: the sheet's column names, when it is the list's sheet)."""
        kind = _TYPE_WORDS.get(self.cell_type)
        problem = f"is typed as {kind} but holds text" if kind else f"has a type no spreadsheet has (t=\"{self.cell_type.decode('utf-8', 'replace')}\")"
        cell = parse_cell_ref(self.reference)
        return Note(
            problem=f"cell {self.reference} {problem}",
            action="read as the text it holds",
            raw_value=self.value,
            row_number=cell[0] if cell else None,
            column=(header[cell[1]] or None) if cell and cell[1] < len(header) else None,
            category="repaired",
        )


def _misfit_type(attributes: dict[bytes, bytes], value: bytes) -> bytes | None:
    """The cell's type (t=) when its stored value does not fit it; None for a cell calamine reads."""
    kind = attributes.get(b"t")
    if kind is None or kind in _TEXT_TYPES or value == b"":
        return None  # without a type calamine reads text as text
    if kind == b"n":
        fits = _NUMBER.fullmatch(value) is not None
    elif kind == b"b":
        fits = value.strip().lower() in _TRUE_OR_FALSE
    elif kind == b"e":
        fits = value in _ERRORS_READ
    else:
        fits = False
    return None if fits else kind


def readable(xml: bytes) -> tuple[bytes, list[MisfitCell]]:
    """The sheet with every misfit cell in a form calamine reads (the same object when it has none), and those cells
    but the error cells (which the reader registers as every error cell)."""
    found: list[MisfitCell] = []

    def mended(match: re.Match) -> bytes:
        attributes = attributes_given(match[1])
        cell_type = _misfit_type(attributes, match[3])
        if cell_type is None:
            return match[0]
        if cell_type == b"e":  # its own code is read from the sheet: calamine need only take it for an error
            return b"<c" + match[1] + b">" + match[2] + b"#N/A"
        reference = attributes.get(b"r", b"")
        cell = reference.decode("ascii").upper() if _REFERENCE.fullmatch(reference) else "?"
        found.append(MisfitCell(cell, cell_type, html.unescape(match[3].decode("utf-8", "replace"))))
        return b"<c" + with_attribute(match[1], b"t", b' t="str"') + b">" + match[2] + match[3]

    rewritten = CELL_WITH_VALUE.sub(mended, xml)
    return (rewritten if rewritten != xml else xml), found
