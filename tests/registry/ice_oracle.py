"""An oracle of ICE's figures for the oracle tests (test_figures_oracle.py): ICE's workbooks read with openpyxl
directly, by the counting rule the data's README gives (a data row is an MOA), deliberately simple and sharing no
code with g287.sources or g287.registry. Its only inputs besides the workbooks are reference data: the states'
names (g287/data/reference/states.csv) and the reviewed alias table (g287/data/rules/agency_aliases.csv)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from tests.conftest import ROOT

STATES = ROOT / "g287" / "data" / "reference" / "states.csv"
ALIASES = ROOT / "g287" / "data" / "rules" / "agency_aliases.csv"

# SUPPORT TYPE names the model (the data's README), and TYPE the kind of agency (the stats' "by agency type").
MODELS = {"jail enforcement model": "JEM", "task force model": "TFM", "warrant service officer": "WSO"}
TYPES = {"county": "county", "municipality": "municipality", "state agency": "state_agency"}
EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"}
PLACE_PREFIXES = ("city of ", "town of ")  # README, History: a "City of"/"Town of" prefix does not change the agency
FILE_NAME = re.compile(r"^(participating|pending)Agencies(\d\d)(\d\d)(\d{4})(am|pm)", re.I)


def spaced(value) -> str:
    """A cell's text with its spacing repaired (non-breaking spaces too: str.split takes them as spaces)."""
    return " ".join(str(value).split()) if value is not None else ""


def one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _state_codes() -> dict[str, str]:
    with open(STATES, newline="", encoding="utf-8") as handle:
        return {row["name"].upper(): row["usps"] for row in csv.DictReader(handle)}


_STATE_CODES = _state_codes()


def state_code(value) -> str | None:
    """The state a STATE cell names: its name in any case, or (README: repaired when there is one reading) the one
    state name a letter off it ("UTAHJ")."""
    text = spaced(value).upper()
    if text in _STATE_CODES:
        return _STATE_CODES[text]
    near = [code for name, code in _STATE_CODES.items() if one_edit_apart(name, text)]
    return near[0] if len(near) == 1 else None


def name_key(name: str) -> str:
    """A name up to case, spacing, punctuation and apostrophes (Sheriff's / Sheriff’s), without a place prefix."""
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", re.sub(r"['’‘`]", "", name.lower())).split())
    for prefix in PLACE_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def _aliases() -> dict[tuple[str, str], tuple[str, str]]:
    """The reviewed alias table's `same` pairs as a union of (state, name_key): each name's representative."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(item):
        while parent.get(item, item) != item:
            item = parent[item]
        return item

    with open(ALIASES, newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    for entry in csv.DictReader(lines):
        if entry["relation"] == "same":
            a, b = (entry["state"], name_key(entry["name"])), (entry["state"], name_key(entry["other_name"]))
            parent.setdefault(b, b)
            parent[root(a)] = root(b)
    return {item: root(item) for item in parent}


_ALIASES = _aliases()


def agency(state: str | None, name: str) -> tuple[str | None, str]:
    """One agency's identity, as far as the README's rules make names one within a list: the same name up to case,
    spacing, punctuation and apostrophes, with or without "City of"/"Town of", or one the alias table joins."""
    item = (state, name_key(name))
    return _ALIASES.get(item, item)


def aliased(state: str, name: str, other: str) -> bool:
    """Whether the reviewed alias table says two names of a state are one agency."""
    return (state, name_key(name)) in _ALIASES and (state, name_key(other)) in _ALIASES and agency(state, name) == agency(state, other)


@dataclass(frozen=True)
class Row:
    state: str | None
    name: str
    agency_type: str | None
    model: str | None
    signed: dt.date | None


@dataclass(frozen=True)
class Publication:
    file: str
    kind: str
    published: dt.date
    half: str
    modified: dt.datetime | None
    rows: tuple[Row, ...]

    @property
    def moment(self) -> tuple:
        """Its place in publication order: date, am before pm, then (the same list twice) the later modification."""
        return (self.published, self.half == "pm", self.modified or dt.datetime.min)

    def keys(self) -> set[tuple]:
        """(state, name, model) of every row: what a naive comparison of two lists compares."""
        return {(r.state, r.name, r.model) for r in self.rows}

    def figures(self) -> dict:
        count = "moas" if self.kind == "participating" else "listings"
        result = {
            count: len(self.rows),
            "states": len({r.state for r in self.rows if r.state}),
            "agencies": len({agency(r.state, r.name) for r in self.rows if r.name}),
            "by_model": {m: n for m, n in Counter(r.model or "unknown" for r in self.rows).items()},
        }
        if self.kind == "participating":
            result["by_agency_type"] = dict(Counter(r.agency_type or "unknown" for r in self.rows))
        return result


def _is_data(cells: list) -> bool:
    """A row is a listing unless it is empty (formatted but empty too) or holds only Excel error values."""
    values = [spaced(v) for v in cells if spaced(v)]
    return bool(values) and not all(v in EXCEL_ERRORS for v in values)


def read(path: Path) -> Publication:
    match = FILE_NAME.match(path.name)
    assert match, path.name
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        (sheet,) = [s for s in workbook.worksheets if s.sheet_state == "visible"]  # each bundled list has one sheet
        lines = list(sheet.iter_rows(values_only=True))
        modified = workbook.properties.modified
    finally:
        workbook.close()
    header_at = next(i for i, line in enumerate(lines) if "STATE" in [spaced(v).upper() for v in line])
    header = [spaced(v).upper() for v in lines[header_at]]
    column = {name: header.index(name) for name in ("STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE")}
    signed = header.index("SIGNED") if "SIGNED" in header else None
    rows = []
    for line in lines[header_at + 1:]:
        cells = list(line)
        if not _is_data(cells) or [spaced(v).upper() for v in cells] == header:
            continue
        when = cells[signed] if signed is not None else None
        rows.append(
            Row(
                state=state_code(cells[column["STATE"]]),
                name=spaced(cells[column["LAW ENFORCEMENT AGENCY"]]),
                agency_type=TYPES.get(spaced(cells[column["TYPE"]]).lower()),
                model=MODELS.get(spaced(cells[column["SUPPORT TYPE"]]).lower()),
                signed=when.date() if isinstance(when, dt.datetime) else None,
            )
        )
    kind, month, day, year, half = match.groups()
    return Publication(path.name, kind, dt.date(int(year), int(month), int(day)), half.lower(), modified, tuple(rows))


def in_force(publications: list[Publication], kind: str, day: dt.date) -> Publication | None:
    """The list of `kind` in force on `day`: the latest published on or before it (README, `g287 stats`)."""
    held = [p for p in publications if p.kind == kind and p.published <= day]
    return max(held, key=lambda p: p.moment) if held else None
