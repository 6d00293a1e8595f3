"""Counts written with their noun: "1 state", "2 states" (never "1 states"); values quoted in an error line, and
names stored in Python's quotes (repr) quoted again that way."""

from __future__ import annotations

import ast
import re

# Nouns whose plural is not the singular plus "s".
_PLURALS = {
    "agency": "agencies",
    "state or territory": "states and territories",
    "pending listing": "pending listings",
}


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """The noun for a count: the singular for exactly one, else the plural."""
    if count == 1:
        return singular
    return plural or _PLURALS.get(singular, singular + "s")


def has_of(count: int, total: int) -> str:
    """The verb of "COUNT of TOTAL counties": "1 of 64 counties has", "0 of 1 county has", "5 of 64 counties have"."""
    return "has" if 1 in (count, total) else "have"


def is_of(count: int, total: int) -> str:
    """The verb "to be" of "COUNT of TOTAL listings", as has_of: "1 of 2 listings is", "5 of 8 listings are"."""
    return "is" if 1 in (count, total) else "are"


def none_of(total: int, whose: str = "the", start: bool = False) -> str:
    """The subject that says "at least 0 of TOTAL counties" as a reader would (a count of counties is a lower bound
    while some listings are not located: none counted is none known): "none of the 30 counties", "none of Alaska's 30
    counties", "the one county" (`whose`: "the", or a state's name with "'s"); is_known_to_have(total) is its verb,
    or has_none(total) when the count is exact ("0 of TOTAL counties")."""
    text = f"{whose} one county" if total == 1 else f"none of {whose} {total:,} counties"
    return text[:1].upper() + text[1:] if start else text


def is_known_to_have(total: int) -> str:
    """The verb of none_of's subject: "none of the 30 counties is known to have", "the one county is not known to have"."""
    return "is not known to have" if total == 1 else "is known to have"


def has_none(total: int) -> str:
    """The verb of none_of's subject when the count is exact (every listing located, so 0 is no lower bound): "none of
    the 58 counties has", "the one county does not have" (never "0 of 58 counties have")."""
    return "does not have" if total == 1 else "has"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun, the count with thousands separators: "1 MOA", "1,204 MOAs"."""
    return f"{count:,} {noun(count, singular, plural)}"


def megabytes(size: float) -> str:
    """A size in MB as a reader wants it: whole MB from 10 up, else with the digits that tell it from the limit
    beside it ("0.01 MB", not "0 MB")."""
    mb = size / 1048576
    return f"{mb:,.0f} MB" if mb >= 10 else f"{mb:.3g} MB"


def in_quotes(text: str) -> str:
    """`text` whole in single quotes, whatever quotes it holds: 'Ocala PD', 'O'Brien's' (Python's repr took the quote
    the text did not hold: 'X' beside "O'Brien's"). A character that would break the line (a line break, a tab) is
    written as its escape, \\n, so that one value stays on one line."""
    return "'" + "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) + "'"


def quoted(text: str, kept: int = 80) -> str:
    """`text` quoted as an error line names a value: 'Elmore' (in_quotes); a longer one by its first `kept`
    characters, with its length: '999…999' … (cut: 5,000 characters in all), as the quality register cuts a long row.
    A value of thousands of characters quoted whole fills the screen, and the error is lost in it."""
    if len(text) <= kept:
        return in_quotes(text)
    return f"{in_quotes(text[:kept])} … (cut: {len(text):,} characters in all)"


# A string literal as Python's repr writes one: in single quotes, or in double quotes when the text holds a single
# quote and no double quote; inside, a backslash starts one of the escapes repr writes. Any other backslash is not
# repr's, and the text around it is not read.
_REPR_ESCAPE = r"\\(?:[\\'nrt]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"
_REPR_LITERAL = re.compile(r"'(?:[^'\\\n]|" + _REPR_ESCAPE + r")*'" + r'|"(?:[^"\\\n]|' + _REPR_ESCAPE + r')*"')


def requoted(text: str) -> str:
    """A text stored with names quoted by Python's repr (identity evidence: "FL: 'Ocala PD' is \"O'Brien's PD\"")
    as the project quotes names: each literal read back (ast.literal_eval) and written with in_quotes ("FL: 'Ocala
    PD' is 'O'Brien's PD'"). Such a text holds a quote or a backslash only inside a literal (its other words are dates
    and fixed words); one that does not read that way whole (a quote left open, a backslash between literals, a
    person's free text) is returned as it is, never half rewritten."""
    parts, end = [], 0
    for found in _REPR_LITERAL.finditer(text):
        between = text[end:found.start()]
        if any(c in between for c in "'\"\\"):
            return text
        parts += [between, in_quotes(ast.literal_eval(found.group()))]
        end = found.end()
    rest = text[end:]
    return text if any(c in rest for c in "'\"\\") else "".join(parts) + rest
