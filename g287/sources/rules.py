"""The rules for reading ICE's values, loaded from g287/data/rules/source_values.toml."""

from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from g287.config import DATA_DIR
from g287.errors import G287Error
from g287.sources.table import normalize_header
from g287.wording import quoted


_NOT_KEY_CHARACTER = re.compile(r"[^A-Z0-9#]")


@lru_cache(maxsize=65536)
def value_key(text: str) -> str:
    """Compare values without case, spacing or punctuation: ' Task Force  Model ' -> 'TASKFORCEMODEL'."""
    text = unicodedata.normalize("NFKC", text)
    return _NOT_KEY_CHARACTER.sub("", text.upper())


@dataclass(frozen=True)
class Column:
    field: str  # state | agency | type | county | model | signed | moa | addendum
    header: str
    keys: frozenset[str]
    required_for: frozenset[str]


@dataclass(frozen=True)
class SourceRules:
    columns: tuple[Column, ...]
    models: dict[str, str]  # value key -> model code
    agency_types: dict[str, str]  # value key -> agency type
    placeholders: frozenset[str]  # value keys
    moa_link: frozenset[str]
    moa_pending: frozenset[str]

    def column_for(self, header_text: str) -> Column | None:
        key = normalize_header(header_text)
        return next((c for c in self.columns if key in c.keys), None)


@cache
def source_rules() -> SourceRules:
    with open(DATA_DIR / "rules" / "source_values.toml", "rb") as handle:
        data = tomllib.load(handle)
    columns = tuple(
        Column(
            field=field,
            header=spec["header"],
            keys=frozenset(normalize_header(h) for h in [spec["header"], *spec.get("aliases", [])]),
            required_for=frozenset(spec.get("required", [])),
        )
        for field, spec in data["columns"].items()
    )
    models = {value_key(v): code for code, values in data["models"].items() for v in values}
    types = {value_key(v): kind for kind, values in data["agency_types"].items() for v in values}
    return SourceRules(
        columns=columns,
        models=models,
        agency_types=types,
        placeholders=frozenset(value_key(v) for v in data["placeholders"]["values"]),
        moa_link=frozenset(value_key(v) for v in data["moa_cell"]["link"]),
        moa_pending=frozenset(value_key(v) for v in data["moa_cell"]["pending"]),
    )


@dataclass(frozen=True)
class StateRef:
    usps: str
    fips: str
    name: str
    category: str


@cache
def states() -> tuple[StateRef, ...]:
    with open(DATA_DIR / "reference" / "states.csv", newline="", encoding="utf-8") as handle:
        return tuple(StateRef(r["usps"], r["fips"], r["name"], r["category"]) for r in csv.DictReader(handle))


def usps_code(value: str | None, what: str = "--state") -> str | None:
    """A state's USPS code as a person gives it (any case, spaces around it), or None for none given; a code no
    state has is one clear error naming `what` (an unknown code would give an empty answer, read as "nothing there")."""
    if value is None:
        return None
    code = two_letter_code(value.strip())
    if code not in {s.usps for s in states()}:
        raise G287Error(f"{what} {quoted(value)}: not a state's USPS code (AL, AK, ..., WY, DC, PR...)")
    return code


def two_letter_code(text: str) -> str | None:
    """`text` in capitals when it is two ASCII letters, else None: the one test of a state's code as given, for the
    command line, the API, the pages and the program's forms. ASCII first, because str.upper() makes letters of
    other characters: "\ufb02".upper() is "FL" and "\u0131a".upper() is "IA", which would make a second name of a state."""
    return text.upper() if len(text) == 2 and text.isascii() and text.isalpha() else None


@cache
def state_lookup() -> dict[str, str]:
    """Value key of a state's name or USPS code -> USPS code."""
    lookup: dict[str, str] = {}
    for state in states():
        lookup[value_key(state.name)] = state.usps
        lookup[value_key(state.usps)] = state.usps
    # Spellings seen in hand-made lists (defensive): abbreviated directions and DC's long forms.
    for prefix, word in (("N", "NORTH"), ("S", "SOUTH"), ("W", "WEST")):
        for state in states():
            key = value_key(state.name)
            if key.startswith(word):
                lookup[prefix + key[len(word):]] = state.usps
    for alias in ("WASHINGTONDC", "DISTRICTOFCOLUMBIA", "WASHINGTONDISTRICTOFCOLUMBIA"):
        lookup[alias] = "DC"
    return lookup
