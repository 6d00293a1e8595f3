"""Record ids written by people (command arguments, form fields, URLs): read in one place, with one range."""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # ids are INTEGER columns, 32 bits in PostgreSQL: a larger number is no record, not an error
_EXACT = re.compile(r"[1-9][0-9]{0,9}")  # an id as written in a URL: ASCII digits, no sign, no leading zero


def _up_to(limit: str) -> str:
    """A regular expression (ECMAScript's and Python's alike) for the numbers from 1 to `limit`, written as the
    registry writes ids: a shorter number any, one as long as `limit` digit by digit no greater."""
    shorter = [f"[1-9][0-9]{{0,{len(limit) - 2}}}"] if len(limit) > 1 else []
    same_length = []
    for position, digit in enumerate(limit):
        low = 1 if position == 0 else 0
        if int(digit) > low:
            rest = len(limit) - position - 1
            same_length.append(f"{limit[:position]}[{low}-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "|".join(shorter + same_length + [limit])


# The ids from 1 to MAX_ID as a pattern, for documents that describe a text parameter which may be an id (the OpenAPI
# document's `from` and `to` of the diffs): a number the registry would refuse as an id is outside it.
ID_PATTERN = _up_to(str(MAX_ID))


def record_id(text: str, *, exact: bool = False) -> int | None:
    """The id `text` writes, in ASCII digits ("²" passes str.isdigit) from 1 to MAX_ID; None for anything else.

    `exact` (a URL's path): the id only as the registry writes it, with nothing around it and no leading zero, so
    that `/agencies/01`, `/agencies/%201` or `/agencies/1.0` is no agency's address (a command line forgives the
    spaces and zeros a person types)."""
    if exact:
        value = int(text) if _EXACT.fullmatch(text) else 0
        return value if 1 <= value <= MAX_ID else None
    text = text.strip()
    digits = text.lstrip("0")  # int() counts leading zeros, and refuses 4,301 digits (ValueError)
    if not (text.isascii() and text.isdigit()) or len(digits) > len(str(MAX_ID)):
        return None
    value = int(digits or "0")
    return value if 1 <= value <= MAX_ID else None
