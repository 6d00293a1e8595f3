"""Numbers as people write them to g287 (form fields, options, query parameters, settings): ASCII digits with an
optional decimal part, and nothing else.

float() and int() read more ("7_0" is 70, "1e1" is 10, " 70 ", "+70", "inf", "٧٠", "７０"), which would take a value
nobody typed. The program's forms and JSON API, the command line's options, the API's query parameters and the
numeric settings (g287.config) all read numbers with these patterns.
"""

from __future__ import annotations

import re
from typing import Any

# A number as a form's number field sends it: ASCII digits with an optional decimal part.
DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
WHOLE = re.compile(r"[0-9]+")
_MOST_DIGITS = 4300  # as many as int() reads from text (sys.get_int_max_str_digits())


def number_in(value: Any, low: float, high: float, *, whole: bool = False) -> float | int | None:
    """`value` as a number from `low` to `high` (an int when `whole`), or None for anything else. Text is read
    strictly (DECIMAL, or WHOLE); a number already typed as one (JSON, the command line) is taken as it is, a bool
    never (True would be 1)."""
    if isinstance(value, str):
        if not (WHOLE if whole else DECIMAL).fullmatch(value):
            return None
        if whole:
            # int() refuses text of more than 4,300 digits, leading zeros included (ValueError): no range reaches them
            digits = value.lstrip("0") or "0"
            if len(digits) > _MOST_DIGITS:
                return None
            value = int(digits)
        else:
            value = float(value)
    elif isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
        return None
    if not low <= value <= high:  # NaN is in no range
        return None
    return value if whole else float(value)
