"""Days as people write them to g287 (options, form fields): YYYY-MM-DD and nothing else.

Python's date.fromisoformat also reads "20250529" and "2025W221" (ISO week dates) since 3.11: a typo such as a
missing dash would silently name another day than the one the message "expected a date YYYY-MM-DD" promises.
"""

from __future__ import annotations

import datetime as dt
import re

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> dt.date:
    """The day `text` writes as YYYY-MM-DD (spaces around it allowed); ValueError for anything else."""
    text = text.strip()
    if not _DAY.fullmatch(text):
        raise ValueError(f"not a date YYYY-MM-DD: {text!r}")
    return dt.date.fromisoformat(text)
