"""Finding the header row of a list: the first of the top rows that names both STATE and the agency column."""

from __future__ import annotations

from typing import Any, Sequence

from g287.sources.rules import source_rules

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
