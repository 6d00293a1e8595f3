"""Input checks shared by the services: each problem names its field, so a web form can show it beside the field
and the JSON API can answer 422 with the field named; the command line prints them on one line."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from g287.catalog import MODEL_CODES
from g287.days import DAY_RANGE_PROBLEM, in_day_range, parse_day
from g287.errors import G287Error
from g287.numbers import number_in
from g287.sources.text import BRAILLE_BLANK, CONTROL, without_invisible
from g287.xmlchars import BIDIRECTIONAL_OVERRIDES, NOT_IN_XML
from g287.wording import quoted

EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
# The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): invisible, they make text
# display in another order than it is stored ("a\u202eb" and its neighbours shown reversed), so a nominee's or an
# agency's name read on a page or in a document would not be the name recorded, searched for and audited.
BIDI_CONTROL = re.compile(f"[{BIDIRECTIONAL_OVERRIDES}]")
BIDI_CONTROL_PROBLEM = "contains bidirectional control characters (U+202A to U+202E, U+2066 to U+2069), which change the order text is shown in"
# Every character XML 1.0 cannot hold (C0 controls other than tab and line breaks, lone surrogates, U+FFFE and
# U+FFFF): the DOCX documents are XML, and the databases refuse lone surrogates (not UTF-8) and PostgreSQL NUL.
# JSON can carry all of them ("\u0000", "\ud800"), so they are refused before they are stored.
UNSTORABLE_PROBLEM = "contains characters that cannot be stored"
# What a text made only of shows nothing: spaces, line and paragraph separators, and format characters (zero-width
# space U+200B, zero-width no-break space U+FEFF, the bidirectional marks...), none of which str.strip() removes.
INVISIBLE = ("Zs", "Zl", "Zp", "Cf")


class InvalidInput(G287Error):
    """One or more fields are invalid; `fields` maps each field name to its problem."""

    def __init__(self, fields: dict[str, str]):
        self.fields = dict(fields)
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in self.fields.items()))


class Conflict(G287Error):
    """The record is not in a state that allows this step (e.g. recording a signed MOA twice)."""


def day_argument(name: str, value: dt.date | None) -> dt.date | None:
    """A date a read service is asked about (as_of, since, until), or None: InvalidInput naming the parameter
    when it is outside EARLIEST_DAY..LATEST_DAY."""
    if value is not None and not in_day_range(value):
        raise InvalidInput({name: DAY_RANGE_PROBLEM})
    return value


def filter_text(name: str, value: str | None) -> str | None:
    """A text a read service filters on (a user name, an action): InvalidInput naming it when it holds a character
    that no record can hold (PostgreSQL refuses a NUL even in a query)."""
    if value is not None and NOT_IN_XML.search(value):
        raise InvalidInput({name: UNSTORABLE_PROBLEM})
    return value


def storable(text: str) -> str:
    """The text with every character no record can hold replaced by U+FFFD (to record what was typed, e.g. a
    refused login's user name, without failing on it)."""
    return NOT_IN_XML.sub("\ufffd", text)


class Checker:
    """Collects problems field by field, then raises them all at once."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def fail(self, name: str, problem: str) -> None:
        self.problems.setdefault(name, problem)

    def text(self, name: str, value: Any, *, required: bool = True, max_length: int = 200, multiline: bool = False) -> str | None:
        # Control characters are looked for in the value as given: strip() and split() take some (U+001C to U+001F,
        # U+0085) for spaces, and would turn them into a space instead of refusing them.
        if isinstance(value, str) and CONTROL.search(value):
            self.fail(name, "contains control characters")
            return None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, "required")
            return None
        if not isinstance(value, str):
            self.fail(name, "expected text")
            return None
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not multiline:
            text = " ".join(text.split())
        if not any(unicodedata.category(c) not in INVISIBLE for c in without_invisible(text).replace(BRAILLE_BLANK, " ")):
            # Only spaces, invisible format characters (U+200B, U+FEFF...) and the letters and symbols that show
            # nothing (Hangul fillers, the braille blank...): nothing to read, so nothing given.
            if required:
                self.fail(name, "required")
            return None
        if BIDI_CONTROL.search(text):
            self.fail(name, BIDI_CONTROL_PROBLEM)
            return None
        if NOT_IN_XML.search(text):
            self.fail(name, UNSTORABLE_PROBLEM)
            return None
        if len(text) > max_length:
            self.fail(name, f"at most {max_length} characters")
            return None
        return text

    def email(self, name: str, value: Any, *, required: bool = True) -> str | None:
        text = self.text(name, value, required=required, max_length=254)
        if text is not None and not EMAIL.match(text):
            self.fail(name, "not an e-mail address")
            return None
        return text

    def choice(self, name: str, value: Any, choices: tuple[str, ...], *, required: bool = True) -> str | None:
        if value in (None, ""):
            if required:
                self.fail(name, "required")
            return None
        if value not in choices:
            self.fail(name, f"one of {', '.join(choices)}")
            return None
        return value

    def models(self, name: str, value: Any) -> list[str]:
        chosen = [value] if isinstance(value, str) else list(value or [])
        unknown = [m for m in chosen if m not in MODEL_CODES]
        if not chosen:
            self.fail(name, "choose at least one model")
        elif unknown:
            self.fail(name, f"unknown model {quoted(str(unknown[0]))}: one of {', '.join(MODEL_CODES)}")
        elif len(set(chosen)) != len(chosen):
            self.fail(name, "a model is chosen twice")
        return [m for m in MODEL_CODES if m in chosen]  # in the catalog's order

    def date(self, name: str, value: Any, *, required: bool = True, not_after: dt.date | None = None) -> dt.date | None:
        if value in (None, ""):
            if required:
                self.fail(name, "required")
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = parse_day(value)
            except ValueError:
                self.fail(name, "expected a date YYYY-MM-DD")
                return None
        if not isinstance(value, dt.date):
            self.fail(name, "expected a date YYYY-MM-DD")
            return None
        if not in_day_range(value):
            self.fail(name, DAY_RANGE_PROBLEM)
            return None
        if not_after is not None and value > not_after:
            self.fail(name, f"must not be after {not_after.isoformat()}")
            return None
        return value

    def boolean(self, name: str, value: Any, *, required: bool = False) -> bool | None:
        if value in (None, ""):
            if required:
                self.fail(name, "required")
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("yes", "true", "1", "on"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("no", "false", "0", "off"):
            return False
        self.fail(name, "expected yes or no")
        return None

    def number(self, name: str, value: Any, low: float, high: float, problem: str, *, whole: bool = False) -> float | int | None:
        number = number_in(value, low, high, whole=whole)
        if number is None:
            self.fail(name, problem)
        return number

    def done(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)
