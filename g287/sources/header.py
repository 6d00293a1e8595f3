"""Finding the header row of a list (the first of the top rows that names both STATE and the agency column), and
which of its columns holds each field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Sequence

from g287.sources.rules import Column, source_rules
from g287.sources.table import Note, column_letter

HEADER_SEARCH_ROWS = 25


def find_header(grid: Sequence[Sequence[Any]]) -> int | None:
    """Index (0-based) of the header row, or None when the top rows hold no such header."""
    rules = source_rules()
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        fields = {c.field for cell in row if isinstance(cell, str) for c in [rules.column_for(cell)] if c}
        if {"state", "agency"} <= fields:
            return index
    return None


def is_header_repeat(cells: Sequence[Any], columns: dict[str, int]) -> bool:
    """A row below the header that repeats it (lists pasted together): its STATE and agency cells are headers."""
    rules = source_rules()
    for field in ("state", "agency"):
        index = columns.get(field)
        cell = cells[index] if index is not None and index < len(cells) else None
        column = rules.column_for(cell) if isinstance(cell, str) and len(cell) < 40 else None
        if column is None or column.field != field:
            return False
    return True


@dataclass(frozen=True)
class Repeat:
    """A column whose header names a column of the list that an earlier column names already (two cells COUNTY, or
    MOA and MOA LINK): the earlier column is read, this one is not."""

    column: Column
    read: int  # the index of the column read for the field
    index: int  # the index of this column


def columns_of_fields(header: Sequence[str]) -> tuple[dict[str, int], dict[int, Repeat]]:
    """The index of the column holding each field (the first whose header names it), and the columns whose header
    names a field again, by index."""
    rules = source_rules()
    fields: dict[str, int] = {}
    repeats: dict[int, Repeat] = {}
    for index, text in enumerate(header):
        column = rules.column_for(text) if text else None
        if column is None:
            continue
        if column.field in fields:
            repeats[index] = Repeat(column, fields[column.field], index)
        else:
            fields[column.field] = index
    return fields, repeats


def column_keys(header: Sequence[str]) -> list[str]:
    """The name of each column in a raw row: its header, (C) for a column without one, and a header that an earlier
    column has too marked with a prime (COUNTY, COUNTY')."""
    keys, seen = [], set()
    for index, text in enumerate(header):
        key = text or f"({column_letter(index)})"
        while key in seen:
            key += "'"
        seen.add(key)
        keys.append(key)
    return keys


def repeated_column_notes(header: Sequence[str], header_row: int, kind: str, read_columns: Collection[int]) -> list[Note]:
    """One note for each column whose header names a column of the list again: which columns, which is read. Its
    values are registered row by row too (interpret.py). `read_columns`: the indexes of the columns a list of this
    kind reads (interpret.Layout): a pending list reads no ADDENDUM column, not even the first."""
    _fields, repeats = columns_of_fields(header)
    keys = column_keys(header)
    notes = []
    for repeat in repeats.values():
        read, other = column_letter(repeat.read), column_letter(repeat.index)
        name = repeat.column.header
        if repeat.read in read_columns:
            action = f"column {read} is read; column {other} is not: its values are kept in the raw rows, each registered"
        else:
            action = f"neither column is read (a {kind} list's rows have no {name}): their values are kept in the raw rows, each registered"
        notes.append(
            Note(
                problem=f"the header names {name} twice: column {read} ({header[repeat.read]!r}) and column {other} ({header[repeat.index]!r})",
                action=action,
                raw_value=header[repeat.index],
                row_number=header_row,
                column=keys[repeat.index],
            )
        )
    return notes
