"""What one source row says: state, agency, type, county, model, signed date, document addresses.

Interpretation depends only on the row's content (and the rules in data/rules), so a row published unchanged in
many publications is interpreted, stored and registered once. Every repaired or unknown value yields a Problem
carrying the raw value. A row is a listing when it has data in the list's columns, whether hidden or not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from g287.errors import SourceError
from g287.sources.dates import read_date
from g287.sources.header import column_keys, columns_of_fields, is_header_repeat
from g287.sources.links import looks_like_url, names_a_wrapper, refused_address, unwrap, without_wrappers
from g287.sources.rules import source_rules, state_lookup, states, value_key
from g287.sources.table import EXCEL_ERRORS, CellError, SourceRow, SourceTable, is_blank
from g287.sources.text import clean_text, one_edit_apart

FIELDS = ("state", "agency", "type", "county", "model", "signed", "moa", "addendum")


@dataclass(frozen=True)
class Problem:
    column: str | None
    raw_value: str | None
    problem: str
    action: str
    category: str  # repaired | unknown | note


@dataclass
class RowReading:
    content: str  # canonical JSON of the raw row
    digest: str
    listing: bool
    not_listing_reason: str | None = None
    state: str | None = None
    agency_name: str | None = None
    model: str | None = None
    agency_type: str | None = None
    county_text: str | None = None
    signed_on: dt.date | None = None
    moa_status: str | None = None
    moa_url: str | None = None
    addendum_url: str | None = None
    problems: list[Problem] = field(default_factory=list)


class Layout:
    """Which column holds which field, for one table; checked against the list's required columns."""

    def __init__(self, table: SourceTable, kind: str):
        rules = source_rules()
        self.header = table.header
        self.keys = column_keys(table.header)
        # A field named by two columns is read from the first; the other's values are registered (_interpret).
        self.fields, self.repeats = columns_of_fields(table.header)
        missing = [c.header for c in rules.columns if kind in c.required_for and c.field not in self.fields]
        if missing:
            raise SourceError(table.file_name, f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} for a {kind} list (header in row {table.header_row})")
        self.kind = kind
        # The columns read for this kind of list: a pending agreement has no signed date or document (_read_fields).
        # A pending list with SIGNED or MOA is refused (ingest.kind_of_columns); one with ADDENDUM is read, and its
        # values are registered as not read, as any other column's.
        self.read_columns = frozenset(i for field, i in self.fields.items() if kind == "participating" or field not in _PARTICIPATING_ONLY)
        # The columns whose cells' links are read (documents' addresses): a link on another column's cell is registered.
        self.text_columns = self.read_columns - {self.fields.get("moa"), self.fields.get("addendum")}
        self.carries_hyperlinks = table.carries_hyperlinks
        self.source_format = table.source_format
        self.dates_from_1904 = table.dates_from_1904
        self.text_may_name_wrappers = table.text_may_name_wrappers
        self.signature = (kind, table.carries_hyperlinks, tuple(sorted(self.fields.items())), self.dates_from_1904)
        self.named = [bool(text) for text in table.header]
        # Everything besides a row's cells and links that its reading depends on (see read_row).
        self.row_key = (kind, self.signature, tuple(self.keys), tuple(self.named), self.source_format)
        # The same as a small number, for the cache of rows by their cells: a tuple is hashed anew, and compared
        # item by item with an equal one from another file, on every row looked up.
        self.row_key_number = _ROW_KEY_NUMBERS.setdefault(self.row_key, len(_ROW_KEY_NUMBERS))
        # What a row's reading depends on besides its content (see reading_key): the header of each field's column,
        # not its position, so that a list that gains, loses or moves a column shares the readings of its rows.
        self._columns_of_fields = tuple(sorted((name, self.keys[index]) for name, index in self.fields.items()))
        self._optional = [(name, index) for name, index in self.fields.items() if name in _READ_THE_SAME_WHEN_EMPTY]
        self._repeated = tuple(sorted(self.keys[index] for index in self.repeats))
        self._reading_keys: dict[tuple[str, ...], tuple] = {}

    def reading_key(self, row: SourceRow) -> tuple:
        """What, besides the row's content, its reading depends on. The content (raw_content) names each cell that is
        not empty by its column's header; a field whose cell is empty is read with its column's header too (a missing
        state is registered under the state's column), except the fields read alike whether their column is there and
        the cell empty or the list has no such column (_READ_THE_SAME_WHEN_EMPTY)."""
        empty = tuple(name for name, index in self._optional if index not in row.links and _omitted_from_content(row.cells[index] if index < len(row.cells) else None))
        found = self._reading_keys.get(empty)
        if found is None:
            columns = tuple(item for item in self._columns_of_fields if item[0] not in empty)
            found = self._reading_keys[empty] = (self.kind, self.carries_hyperlinks, self.dates_from_1904, self.source_format, columns, self._repeated)
        return found


# Fields whose empty cell (no value, no link) is read exactly as a list without their column: no value, nothing
# registered (interpret.py: a county is not required, and an addendum cell that is empty says there is none). The
# other fields register an empty cell under their column's header (tests/registry/test_reading_across_layouts.py).
_READ_THE_SAME_WHEN_EMPTY = frozenset({"county", "addendum"})
_PARTICIPATING_ONLY = frozenset({"signed", "moa", "addendum"})  # the fields only a participating list's rows have


def _omitted_from_content(value: Any) -> bool:
    """Whether raw_content leaves the cell out (see there): no value, or empty text."""
    return value is None or (type(value) is str and not value)


# Interpretation is a pure function of a row's content and the list's layout, and ICE republishes most rows
# unchanged: rows already read in this process (an earlier file of the same run) are not read again. They are
# found by their cells, without building the canonical content (most of the cost of a row seen before), or by
# the content's digest when the cells differ but the content does not (an address wrapped differently).
# The reading rules' version, in every row's digest. A stored row is reused by a later list with the same content,
# register entries included: rows stored under earlier rules would give a list read under these the earlier rules'
# entries beside its new rows' (a date registered as text in one row and not in the next). Change it with any
# change to what a row's reading is (its fields, its problems); the next list then stores its rows anew, once.
READING_RULES = "2026-12-04.20"

_readings: dict[tuple, RowReading] = {}
_ROW_KEY_NUMBERS: dict[tuple, int] = {}  # Layout.row_key -> its number (a process reads few layouts)
_readings_by_cells: dict[tuple, RowReading] = {}
_READINGS_KEPT = 200_000


def read_row(layout: Layout, row: SourceRow) -> RowReading:
    cells_key = _cells_key(layout, row)
    if cells_key is not None:
        try:
            cached = _readings_by_cells.get(cells_key)
        except TypeError:  # a value that cannot be hashed
            cells_key = cached = None
        if cached is not None:
            return cached
    content = _raw_content(layout, row)
    digest = hashlib.sha256((READING_RULES + "\n" + content).encode("utf-8")).hexdigest()
    cache_key = (layout.reading_key(row), digest)
    reading = _readings.get(cache_key)
    if reading is None:
        if len(_readings) >= _READINGS_KEPT or len(_readings_by_cells) >= _READINGS_KEPT:
            _readings.clear()
            _readings_by_cells.clear()
        reading = _interpret(layout, row, content, digest)
        _readings[cache_key] = reading
    if cells_key is not None:
        _readings_by_cells[cells_key] = reading
    return reading


def _cells_key(layout: Layout, row: SourceRow) -> tuple | None:
    """The row's cells and links as a dictionary key that only an identical row shares, or None.

    Equal values of different types (1, 1.0, True) are told apart by the types; floats are left out (0.0 equals
    -0.0 but is written differently, and NaN equals nothing)."""
    types = tuple(map(type, row.cells))
    if float in types:
        return None
    return (layout.row_key_number, types, tuple(row.cells), tuple(sorted(row.links.items())) if row.links else ())


def _interpret(layout: Layout, row: SourceRow, content: str, digest: str) -> RowReading:
    reading = RowReading(content=content, digest=digest, listing=True)
    named = [row.cells[i] for i in layout.read_columns if i < len(row.cells)]
    if all(is_blank(v) for v in row.cells):
        reading.listing = False
        # A link in a row with no value is no listing either, but is said with its address (never dropped unsaid).
        links = list(dict.fromkeys(url for _column, url in sorted(row.links.items())))  # one link may span the row
        if links:
            reading.not_listing_reason = f"no values, only {'a link' if len(links) == 1 else 'links'} ({', '.join(links)})"
        else:
            reading.not_listing_reason = "empty row"
        return reading
    if is_header_repeat(row.cells, layout.fields):
        reading.listing, reading.not_listing_reason = False, "the header repeated inside the list"
        return reading
    if not any(_is_data(v) for v in named):
        reading.listing, reading.not_listing_reason = False, "no data in the list's columns (only error values, formulas with no saved result, placeholders or notes in other columns)"
        return reading
    where = _only_where_it_is(layout, row)
    if where:
        reading.listing, reading.not_listing_reason = False, where
        return reading
    _read_fields(layout, row, reading)
    read = layout.read_columns
    links_said: set[str] = set()  # a link whose range spans several such cells is said once
    for index, value in enumerate(row.cells):
        link = row.links.get(index)
        if index in read:
            if index in layout.text_columns and link is not None and link not in links_said and link not in (reading.moa_url, reading.addendum_url):
                # A link on a name, a state...: kept in the raw row, and said (a link spanning the row to the MOA is not)
                links_said.add(link)
                where = f"the {layout.header[index]} column, whose links are not read"
                reading.problems.append(Problem(layout.keys[index], link, f"a link in {where}", "kept in the raw row; not read: documents' addresses are read from the MOA and ADDENDUM cells", "note"))
            continue
        if is_blank(value) and (link is None or link in links_said):
            continue
        repeat = layout.repeats.get(index)
        if index in layout.fields.values():  # a column of participating lists, in a pending list
            name = layout.header[index]
            where, action = f"the {name} column of a pending list", _NOT_READ_IN_PENDING
        elif repeat is None:
            where, action = "a column that is not part of the list", "kept in the raw row; not interpreted"
        elif repeat.read not in read:  # the first column naming it is not read either (a second ADDENDUM, in a pending list)
            name = repeat.column.header
            where, action = f"a second {name} column of a pending list (the header names {name} twice)", _NOT_READ_IN_PENDING
        else:
            name = repeat.column.header
            where, action = f"a second {name} column (the header names {name} twice)", f"kept in the raw row; not read: {name} is read from the first column that names it"
        if not is_blank(value):
            reading.problems.append(Problem(layout.keys[index], as_shown(value), f"a value in {where}", action, "note"))
        if link is not None and link not in links_said and link != as_shown(value):  # a cell showing its address: said once
            links_said.add(link)
            reading.problems.append(Problem(layout.keys[index], link, f"a link in {where}", action, "note"))
    return reading


def _only_where_it_is(layout: Layout, row: SourceRow) -> str | None:
    """Why a row whose only data is in the STATE and/or COUNTY columns is not a listing, else None: no agency, type,
    model, signed date, document or link names an agreement (a state's or a county's name alone, as a heading above
    its rows or a line left over). Values in other columns are kept in the raw row, as for any row that is not a listing."""
    if row.links:
        return None
    places = {layout.fields.get("state"): "STATE", layout.fields.get("county"): "COUNTY"}
    # Any other of the list's cells that is not blank keeps the row a listing, an error value or a placeholder too
    # ("#N/A" or "N/A" where the agency goes): ICE counts that row, and its unknown agency is registered.
    if any(i not in places and i < len(row.cells) and not is_blank(row.cells[i]) for i in layout.read_columns):
        return None
    holding = {places[i] for i in layout.read_columns if i in places and i < len(row.cells) and _is_data(row.cells[i])}
    if not holding:
        return None
    where = " and ".join(name for name in ("STATE", "COUNTY") if name in holding)
    missing = "agency name, type, model, signed date or document" if layout.kind == "participating" else "agency name, type or model"
    return f"data only in {where}: no {missing}, nor any link"


def _is_data(value: Any) -> bool:
    return not (is_blank(value) or isinstance(value, CellError) or _is_placeholder(value))


_NOT_READ_IN_PENDING = "kept in the raw row; not read: a pending agreement has no signed document, so a pending list's rows have no addendum"


def _raw_content(layout: Layout, row: SourceRow) -> str:
    """The row exactly as read: every cell that is not empty, by its column's header, links unwrapped, and the format.

    An empty cell is left out, whether its column has a header or not (the publication keeps the header): a column
    ICE adds empty to every row (ADDENDUM, in July 2025) then leaves its rows what they were, so the rows listed
    before and after it are one row each, not two, and the history stores only the rows that changed."""
    cells: dict[str, Any] = {}
    keys = layout.keys
    wrappers = layout.text_may_name_wrappers
    for index, value in enumerate(row.cells):
        if type(value) is str and not (wrappers and names_a_wrapper(value)):
            if value:
                cells[keys[index]] = value
        elif not is_blank(value):
            cells[keys[index]] = _encode(value)
    links = {layout.keys[i]: url for i, url in sorted(row.links.items()) if i < len(layout.keys)}
    document = {"cells": cells}
    if links:
        document["links"] = links
    document["format"] = layout.source_format
    if layout.dates_from_1904:  # the row's numbers read as dates differently: it is another row
        document["dates"] = "1904"
    # allow_nan=False: the content is stored and published as JSON, which has no NaN or Infinity (_encode writes
    # them as text); a value that slipped through would fail here rather than be stored as invalid JSON.
    return _CONTENT_JSON.encode(document)


# json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False), without making the encoder anew
# for every row.
_CONTENT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _encode(value: Any) -> Any:
    if isinstance(value, str) and names_a_wrapper(value):
        # A cell's text may hold a safety redirect carrying e-mail identifiers (the readers replace them first; this
        # is the last guard before a row is stored): keep only the real address.
        return without_wrappers(value)[0]
    if isinstance(value, CellError):
        return {"error": value.code} if value.kind == CellError.kind else {"formula": value.code}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if value is None:
        return ""
    if type(value) is float and not math.isfinite(value):
        # A sheet's XML can store NaN or an infinity, which JSON cannot hold: kept as the text the cell stores,
        # tagged (as dates and errors are) so that it is not the same row as one holding the text "NaN".
        return {"number": as_shown(value)}
    return value


def _show(value: Any) -> str:
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if type(value) is float and not math.isfinite(value):  # as the row's content keeps it (NaN, not Python's "nan")
        return _number_shown(value)
    return "" if value is None else str(value)


def as_shown(value: Any) -> str:
    """A cell's value as Excel shows it (in the General format), for the register: 12345 (not 12345.0), TRUE, a date
    as 2025-05-08 (with its time only when it has one). A raw value is what a reader of the list saw, and Python's
    spellings ("12345.0", "True", "2025-05-08T00:00:00") are values no cell shows."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _number_shown(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() and value.tzinfo is None else value.isoformat(sep=" ")
    return _show(value)


def _number_shown(number: int | float) -> str:
    if isinstance(number, int):
        return str(number)
    if math.isnan(number):  # Excel cannot hold these (it would show #NUM!): the spelling the sheet's XML stores
        return "NaN"
    if math.isinf(number):
        return "INF" if number > 0 else "-INF"
    if number == 0:  # -0.0 too: Excel has no negative zero
        return "0"
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number).upper()  # every digit kept: 0.25, 1E+20, 1.5E-07


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_placeholder(value: Any) -> bool:
    # A numeric 0 is the placeholder "0" typed into a cell Excel made a number (bool excluded: False == 0).
    if _is_number(value):
        return value == 0
    return isinstance(value, str) and (value_key(value) in source_rules().placeholders or _is_error_text(value))


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if _is_number(value) and not math.isfinite(value):
        return "a number Excel cannot hold (NaN or infinity)"
    return "a number" if _is_number(value) else f"a {type(value).__name__} value"


def _is_error_text(value: str) -> bool:
    """An Excel error value typed as text ("#REF!" in a text cell, or any cell of a CSV export)."""
    return value[:1] == "#" and value.strip().upper() in EXCEL_ERRORS


def _cell(layout: Layout, row: SourceRow, field_name: str) -> tuple[str | None, Any]:
    index = layout.fields.get(field_name)
    if index is None or index >= len(row.cells):
        return None, None
    return layout.keys[index], row.cells[index]


def _text_value(column: str, value: Any, reading: RowReading, *, what: str, required: bool) -> str | None:
    """Clean text, or None (unknown) for error cells and placeholders; registers both and every repair."""
    if isinstance(value, CellError):
        reading.problems.append(Problem(column, value.code, f"{value.kind} instead of {what}", f"{what} unknown", "unknown"))
        return None
    if is_blank(value):
        if required:
            reading.problems.append(Problem(column, "" if value is None else str(value), f"no {what}", f"{what} unknown", "unknown"))
        return None
    if not isinstance(value, str):
        # Every text field of ICE's lists (state, agency, type, county, model) holds words: no state, agency, county,
        # type or model is named by a number, a true/false value or a date, so such a cell is never read as text
        # (12345 would become the agency "12345.0"). A numeric 0 is the placeholder "0", as in a text cell.
        shown = as_shown(value)
        if _is_placeholder(value):
            reading.problems.append(Problem(column, shown, f"placeholder instead of {what}", f"{what} unknown", "unknown"))
        else:
            reading.problems.append(Problem(column, shown, f"{_kind_of(value)} instead of {what}", "not a name: left unknown", "unknown"))
        return None
    text, repairs = clean_text(value)
    if _is_placeholder(text):
        problem = f"Excel error value written as text instead of {what}" if _is_error_text(text) else f"placeholder instead of {what}"
        reading.problems.append(Problem(column, value, problem, f"{what} unknown", "unknown"))
        return None
    if repairs:
        reading.problems.append(Problem(column, value, "; ".join(repairs), f"repaired to {text!r}", "repaired"))
    return text


# What each field's cell says, by the cell's column, value and type (and the link, for a document cell): rows that
# differ in one cell (a new column, a changed address) share the reading of every other field. Floats are left
# out, as in _cells_key (0.0 and -0.0 are equal keys but are shown differently).
_field_readings: dict[tuple, tuple[Any, tuple[Problem, ...]]] = {}


class _Problems:
    """Collects the problems of one field's reading (the reading functions append to `.problems`)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []


def _field(reading: RowReading, name: str, column: str | None, value: Any, read, *more_key) -> Any:
    """read(collector) for a field's cell, once per (field, column, type and value of the cell, `more_key`); the
    problems it registers are added to `reading` either way."""
    key = None if type(value) is float else (name, column, type(value), value, *more_key)
    found = None
    if key is not None:
        try:
            found = _field_readings.get(key)
        except TypeError:  # a value that cannot be hashed
            key = None
    if found is None:
        collector = _Problems()
        found = (read(collector), tuple(collector.problems))
        if key is not None:
            if len(_field_readings) >= _READINGS_KEPT:
                _field_readings.clear()
            _field_readings[key] = found
    reading.problems.extend(found[1])
    return found[0]


def _read_fields(layout: Layout, row: SourceRow, reading: RowReading) -> None:
    rules = source_rules()
    column, value = _cell(layout, row, "state")
    reading.state = _field(reading, "state", column, value, lambda r: _state_of(column, value, r))

    column, value = _cell(layout, row, "agency")
    reading.agency_name = _field(reading, "agency", column, value, lambda r: _text_value(column, value, r, what="agency name", required=True))

    column, value = _cell(layout, row, "type")
    reading.agency_type = _field(reading, "type", column, value, lambda r: _code_of(column, value, r, "agency type", rules.agency_types, _UNKNOWN_TYPE))

    column, value = _cell(layout, row, "county")
    reading.county_text = _field(reading, "county", column, value, lambda r: _text_value(column, value, r, what="county", required=False))

    column, value = _cell(layout, row, "model")
    reading.model = _field(reading, "model", column, value, lambda r: _code_of(column, value, r, "model", rules.models, _UNKNOWN_MODEL))

    if layout.kind == "participating":
        column, value = _cell(layout, row, "signed")
        if column is not None:
            from_csv = layout.source_format == "csv"
            reading.signed_on = _field(reading, "signed", column, value, lambda r: _signed_on(column, value, r, layout.dates_from_1904, from_csv), layout.dates_from_1904, from_csv)
        reading.moa_status, reading.moa_url = _document_field(layout, row, "moa", reading)
        _status, reading.addendum_url = _document_field(layout, row, "addendum", reading)


def _state_of(column: str, value: Any, reading) -> str | None:
    text = _text_value(column, value, reading, what="state", required=True)
    return _read_state(column, value, text, reading) if text is not None else None


# What a type or model cell whose text the rules do not know is read as: (code, problem, action, category).
_UNKNOWN_TYPE = ("other", "an agency type the registry does not know", "counted as 'other'", "note")
_UNKNOWN_MODEL = (None, "not one of the three models", "model unknown", "unknown")


def _code_of(column: str, value: Any, reading, what: str, codes: dict[str, str], unknown: tuple) -> str | None:
    """The code the rules give the cell's text (None when there is no text), or `unknown`'s, registered."""
    text = _text_value(column, value, reading, what=what, required=True)
    if text is None:
        return None
    code = codes.get(value_key(text))
    if code is None:
        code, problem, action, category = unknown
        reading.problems.append(Problem(column, text, problem, action, category))
    return code


def _signed_on(column: str, value: Any, reading, from_1904: bool = False, from_csv: bool = False) -> dt.date | None:
    date = read_date(value, from_1904=from_1904, from_csv=from_csv)
    if date.problem:
        action = f"read as {date.value.isoformat()}" if date.value else "signed date unknown"
        reading.problems.append(Problem(column, as_shown(value), date.problem, action, date.category or "unknown"))
    return date.value


def _document_field(layout: Layout, row: SourceRow, field_name: str, reading: RowReading) -> tuple[str | None, str | None]:
    index = layout.fields.get(field_name)
    if index is None:
        return None, None
    value = row.cells[index] if index < len(row.cells) else None
    return _field(
        reading, field_name, layout.keys[index], value, lambda r: _read_document(layout, row, field_name, r), row.links.get(index), layout.carries_hyperlinks
    )


def _read_state(column: str, raw: Any, text: str, reading: RowReading) -> str | None:
    lookup = state_lookup()
    key = value_key(text)
    if key in lookup:
        return lookup[key]
    close = {usps for candidate, usps in lookup.items() if len(candidate) > 3 and one_edit_apart(key, candidate)}
    if len(close) == 1:
        usps = close.pop()
        name = next(s.name for s in states() if s.usps == usps)
        reading.problems.append(Problem(column, _show(raw), "misspelled state name (one character off, and only one state is that close)", f"read as {name}", "repaired"))
        return usps
    reading.problems.append(Problem(column, _show(raw), "not a state", "state unknown", "unknown"))
    return None


def _read_document(layout: Layout, row: SourceRow, field_name: str, reading: RowReading) -> tuple[str | None, str | None]:
    """(status, address) of the MOA or addendum cell: status link | pending | none | unknown."""
    index = layout.fields.get(field_name)
    if index is None:
        return None, None
    column = layout.keys[index]
    value = row.cells[index] if index < len(row.cells) else None
    link = row.links.get(index)
    rules = source_rules()
    if isinstance(value, CellError):
        reading.problems.append(Problem(column, value.code, f"{value.kind} in the document cell", "document status unknown", "unknown"))
        return "unknown", link
    # The status is read from the text with its spacing repaired; the register quotes the cell as it is (ICE's
    # "link\xa0|\xa0addendum"), as for every other column, a wrapper left out.
    shown = "" if is_blank(value) else as_shown(value)
    text = clean_text(shown)[0]
    raw = without_wrappers(shown)[0]  # the text itself when it names no wrapper
    key = value_key(text)
    if not text:
        status = "link" if link else "none"
        if status == "none" and field_name == "moa":
            # Every row of a participating list is a signed MOA: a cell with neither a link nor "link pending" leaves
            # its document unknown, and says so (an empty ADDENDUM cell says there is no addendum: nothing to say).
            reading.problems.append(Problem(column, raw, "no MOA document link", "document status 'none': the MOA's address is unknown", "unknown"))
    elif looks_like_url(text):
        unwrapped = unwrap(text)
        # As a link's address (xlsx_links): one with bidirectional controls (taken off the text, not off the cell) or a
        # user and password before its host is not taken, and is said as written (unwrapped: no wrapper).
        refused = refused_address(unwrapped.url or "") or (None if unwrapped.wrapper else refused_address(shown))
        if refused:
            reading.problems.append(Problem(column, unwrapped.url if unwrapped.wrapper else raw, f"the address written in the cell holds {refused}", "not taken as the document's address", "unknown"))
            status = "link" if link else "unknown"
        else:
            if not link:
                link = unwrapped.url
            reading.problems.append(Problem(column, "(an address)" if unwrapped.wrapper else raw, "the address is written in the cell instead of a link", "taken as the document's address", "note"))
            status = "link"
    elif key in rules.moa_pending:
        status = "pending"
        if link:
            reading.problems.append(Problem(column, raw, "the cell says the link is pending but links to an address", "the address is kept", "note"))
    elif key in rules.moa_link:
        status = "link"
        if "ADDENDUM" in key and field_name == "moa":
            reading.problems.append(Problem(column, raw, "the MOA cell names an addendum too, but a cell carries only one link", "the link is taken as the MOA's; the addendum's address is unknown", "note"))
    else:
        status = "unknown"
        reading.problems.append(Problem(column, raw, "unexpected text in the document cell", "document status unknown", "unknown"))
    if status == "link" and not link and layout.carries_hyperlinks:
        reading.problems.append(Problem(column, raw, "the cell says there is a link but carries no address", "document address unknown", "unknown"))
    return status, link
