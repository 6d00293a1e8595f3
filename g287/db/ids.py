"""Record ids written by people (command arguments, form fields, URLs): read in one place, with one range."""

from __future__ import annotations

MAX_ID = 2**31 - 1  # ids are INTEGER columns, 32 bits in PostgreSQL: a larger number is no record, not an error


def record_id(text: str) -> int | None:
    """The id `text` writes, in ASCII digits ("²" passes str.isdigit) from 1 to MAX_ID; None for anything else."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
