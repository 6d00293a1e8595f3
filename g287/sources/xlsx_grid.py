"""A sheet's values as calamine reads them, mended where calamine gives a value the cell does not hold.

calamine reads a number in a date or time format as a date or a time whatever the number: any number below 1 is a
time of day (0 and -5 both 00:00:00), NaN is 1899-12-30 00:00:00, and -INF or a number below about -1.07e11 makes
it panic (a Rust panic, raised in Python as a BaseException that no `except Exception` catches, after printing to
standard error); a number too large for a duration ([h]:mm:ss) or INF makes a value Python refuses (OverflowError).
The register quotes a cell's raw value, and these are values no cell holds: such cells get back the number they
store, and a sheet holding a number calamine would panic or overflow on is read without those numbers' formats.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
import zlib
from pathlib import Path

from python_calamine import CalamineWorkbook

from g287.sources.table import parse_cell_ref
from g287.sources.xlsx_attributes import CELL_TAG, attributes_given, with_attribute
from g287.sources.xlsx_types import CELL_WITH_VALUE, FORMULA_AND_VALUE, CellOpenings, MisfitCell, readable
from g287.wording import quoted

# Any cell's attributes and stored value; its reference and style are its own attributes (xlsx_attributes), none read
# inside another's value, nor its tag ended by a ">" in a value.
_CELL_VALUE = re.compile(CELL_TAG + rb">" + FORMULA_AND_VALUE)
_LAST_EXCEL_DATE = 2958465  # 9999-12-31, the last day a date format shows
# calamine counts a date's milliseconds in 64 bits: from -1.0675e11 days down (and at -INF) the count overflows.
_PANICS_FROM = -1e11
_INVENTED_BEFORE = 1900  # calamine gives no date of a number in an earlier year but NaN's (1899-12-30)


def read_grids(path: Path, sheets: list[tuple[str, str]], parts: dict[str, bytes]) -> tuple[dict[str, list[list]], dict[str, list[MisfitCell]]]:
    """Each sheet's values by name (`sheets`: (name, path of its XML); `parts`: each sheet's XML by name), and the
    cells of each sheet that were read as text because their value did not fit their type (xlsx_types)."""
    workbook = CalamineWorkbook.from_path(str(path))
    grids, misfits = {}, {}
    for name, target in sheets:
        damaged = bad_string_reference(parts[name])
        if damaged:
            raise SheetUnreadable(name, target) from ValueError(f"cell {damaged[0]} names shared string {quoted(damaged[1])}, which is not a string's number")
        try:
            grids[name] = _sheet_values(path, name, target, parts[name], workbook)
        except Exception as error:  # calamine's errors (a panic is no Exception: it is left to the caller)
            mended, found = readable(parts[name])
            if mended is parts[name]:
                raise SheetUnreadable(name, target) from error
            try:
                grids[name] = _sheet_values(path, name, target, mended)
            except Exception as again:  # something else is wrong with the sheet as well
                raise SheetUnreadable(name, target) from again
            misfits[name] = found
    return grids, misfits


def bad_string_reference(xml: bytes) -> tuple[str, str] | None:
    """The first cell of shared-string type whose value is not a string's number (`<v>abc</v>`, `<v>-1</v>`,
    `<v>5.0</v>`, or a whole number past 64 bits), as (reference, value), or None. calamine reads every such cell as
    the first shared string (often the header's first word): a value the cell does not hold. Such values are few
    (dates and string numbers are whole, and short): each is found by a fast scan, and only its cell's tag is looked at."""
    openings = CellOpenings(xml, b"<c ")
    for match in _NOT_A_WHOLE_NUMBER.finditer(xml):
        if match[1].isdigit() and int(match[1]) < _STRING_NUMBERS_END:
            continue  # a long number calamine reads (leading zeros: 0000000000000000000005 is string 5)
        start, new = openings.before(match.start())
        if not new:
            continue  # no cell, or one looked at already
        tag = _CELL_TAG.match(xml, start)
        if tag is None or tag.end() > match.start():
            continue  # no cell's tag, or "<v>" in an attribute's value
        attributes = attributes_given(tag[1])
        if attributes.get(b"t") == b"s":
            reference = attributes.get(b"r", b"")
            return (reference.decode("ascii").upper() if _REFERENCE.fullmatch(reference) else "?"), match[1].decode("utf-8", "replace")
    return None


_NOT_A_WHOLE_NUMBER = re.compile(rb"<v>([^<]*[^0-9<][^<]*|[0-9]{20,})</v>")  # or a long one, which may be past 64 bits
_STRING_NUMBERS_END = 1 << 64  # calamine reads a string's number in 64 bits: 2**64 and past it are string 0
# A cell typed as a shared string (t="s", spaced or not) anywhere in a sheet: how xlsx_parts tells whether it uses them.
SHARED_STRING_TYPE = re.compile(rb"""\st\s*=\s*["']s["']""")
# A cell's tag, read attribute by attribute (xlsx_attributes): t="s" or r="C3" in another attribute's value named a cell
# whose number is text a shared string (the sheet refused), or another cell; a ">" in a value hid the cell's own t="s".
_CELL_TAG = re.compile(CELL_TAG + rb">")
_REFERENCE = re.compile(rb"[A-Za-z]+[0-9]+")


class SheetUnreadable(Exception):
    """calamine failed on a sheet (its error is the cause)."""

    def __init__(self, sheet_name: str, part: str):
        super().__init__(sheet_name)
        self.sheet_name, self.part = sheet_name, part


def _sheet_values(path: Path, name: str, target: str, xml: bytes, workbook: CalamineWorkbook | None = None) -> list[list]:
    """A sheet's values from `workbook` (calamine's reading of the file), or from a copy of the file holding `xml`."""
    if _would_panic(xml):
        return _read_copy(path, name, target, _unformatted(xml))
    try:
        if workbook is None:
            return _read_copy(path, name, target, xml)
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except OverflowError:
        # A number too large for the duration or date its format shows (1e12 as [h]:mm:ss, INF): calamine makes a
        # value Python cannot hold. The sheet is read again with such cells unformatted: the number they store.
        return _read_copy(path, name, target, _unformatted(xml))


def _would_panic(xml: bytes) -> bool:
    """Whether a cell stores a number calamine panics on in a date format (whether it has one is not looked up:
    reading such a sheet without formats gives the same values). Negative numbers are rare: a fast scan finds them."""
    start = xml.find(b"<v>-")
    while start != -1:
        end = xml.find(b"<", start + 3)
        try:
            if not float(xml[start + 3 : end]) > _PANICS_FROM:
                return True
        except ValueError:
            pass
        start = xml.find(b"<v>-", start + 3)
    return False


def is_panic(error: BaseException) -> bool:
    """A panic of calamine's Rust code (pyo3_runtime.PanicException, which cannot be imported to be named)."""
    return type(error).__name__ == "PanicException"


def _read_copy(path: Path, name: str, target: str, xml: bytes) -> list[list]:
    """The sheet read from a copy of the workbook in memory whose sheet holds `xml`: the sheet with the cells that
    calamine cannot read rewritten (a number no date format can show, unformatted: calamine gives the number itself,
    what the cell holds, instead of panicking on it; see also xlsx_types)."""
    copy = io.BytesIO()
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in archive.infolist():
            if info.filename == target:
                rewritten.writestr(info.filename, xml)
                continue
            # A part encrypted (bit 0 of its flags: zipfile would ask for a password) or that cannot be read is left
            # out: one calamine does not read (the document properties...), or one whose damage is named when calamine
            # fails on the copy without it (xlsx_parts.calamine_failure). Copied, zipfile's error was quoted as the
            # sheet's ("File <ZipInfo filename='docProps/core.xml' ...> is encrypted, password required for extraction").
            if info.flag_bits & 0x1:
                continue
            try:
                rewritten.writestr(info.filename, archive.read(info))
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
                continue
    copy.seek(0)
    return CalamineWorkbook.from_object(copy).get_sheet_by_name(name).to_python(skip_empty_area=False)


def _unformatted(xml: bytes) -> bytes:
    def without_style(match: re.Match) -> bytes:
        try:
            number = float(match[3])
        except ValueError:
            return match[0]
        if math.isfinite(number) and 0 <= number <= _LAST_EXCEL_DATE:
            return match[0]
        return b"<c" + with_attribute(match[1], b"s", b"") + b">" + match[2] + match[3]

    return CELL_WITH_VALUE.sub(without_style, xml)


def invented(value) -> bool:
    """A value calamine may have made of a number in a date or time format that is no date: a time of day, a
    duration, or a date before 1900."""
    return isinstance(value, (dt.time, dt.timedelta)) or (isinstance(value, dt.date) and value.year < _INVENTED_BEFORE)


_DATE_AND_TIME_TYPES = frozenset((dt.time, dt.timedelta, dt.date, dt.datetime))


def rows_with_invented_values(grid: list[list]) -> set[int]:
    """The indexes of the rows holding a value calamine may have invented (see invented). Asked of every cell of a
    sheet at once, by its exact type first: most cells are text, and a type lookup is cheaper than a call per cell
    (calamine gives these four types themselves, never subclasses)."""
    return {index for index, row in enumerate(grid) for value in row if type(value) in _DATE_AND_TIME_TYPES and invented(value)}


class StoredNumbers:
    """The numbers a sheet's cells store, by (row, column), read from its XML the first time one is asked for."""

    def __init__(self, xml: bytes):
        self.xml = xml
        self.numbers: dict[tuple[int, int], int | float] | None = None

    def restore(self, row_number: int, cells: list) -> list:
        """The row's cells, each value calamine invented replaced by the number its cell stores."""
        if self.numbers is None:
            self.numbers = _stored_numbers(self.xml)
        return [_as_stored(v, self.numbers.get((row_number, column))) if invented(v) else v for column, v in enumerate(cells)]


def _stored_numbers(xml: bytes) -> dict[tuple[int, int], int | float]:
    found = {}
    for attributes, stored in _CELL_VALUE.findall(xml):
        try:
            number = float(stored)
        except ValueError:
            continue
        reference = attributes_given(attributes).get(b"r")
        cell = parse_cell_ref(reference.decode("ascii", "replace")) if reference else None
        if cell:
            found[cell] = int(number) if number.is_integer() else number
    return found


def _as_stored(value, stored: int | float | None):
    """The number the cell stores, as the raw value. Without one (a date cell, t="d", stores its date as text, which
    calamine read), a date as it is, and a time or a duration as text."""
    if stored is not None:
        return stored
    if isinstance(value, dt.timedelta):
        return str(value)
    return value.isoformat() if isinstance(value, dt.time) else value
