"""The counties and county equivalents of the 50 states and DC, by vintage: reference data shipped in
g287/data/geo/ (built by g287/geo/build.py; sources in g287/data/geo/SOURCES.md).

A vintage is the set of counties in force on a date: "2000" (Census 2000, 3,141), "2010" (3,143), "2020"
(3,143) and "2022" (from 6 June 2022, with Connecticut's planning regions: 3,144). A FIPS code is one county
version per vintage; a few codes changed name or extent (see county_changes.csv).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import cache

from g287.config import DATA_DIR
from g287.errors import G287Error, NotFound
from g287.sources.rules import StateRef
from g287.sources.rules import states as state_records
from g287.wording import quoted

GEO_DIR = DATA_DIR / "geo"

# The designation at the end of a Census county name, and what kind of entity it makes.
DESIGNATIONS = (
    (" City and Borough", "city and borough"),
    (" Census Area", "census area"),
    (" Planning Region", "planning region"),
    (" Municipality", "municipality"),
    (" Borough", "borough"),
    (" County", "county"),
    (" Parish", "parish"),
    (" city", "city"),  # Census writes independent cities with a lower-case "city": "Richmond city"
)


@dataclass(frozen=True)
class County:
    fips: str
    usps: str
    name: str  # legal name with its designation: "Hillsborough County", "Richmond city", "Carson City"
    base_name: str  # without the designation: "Hillsborough", "Richmond", "Carson City"
    kind: str  # county | parish | borough | census area | city and borough | municipality | city | planning region | district | consolidated city
    class_code: str  # Census class code (H1, H4, H5, H6, C7)
    valid_from: str  # ISO date, "" when it existed before 2000
    valid_until: str  # ISO date, "" when it still exists
    vintages: tuple[str, ...]
    shape: str  # the shape the maps draw it with: its own FIPS, a predecessor's, "state:09", or ""
    shape_note: str

    def label(self) -> str:
        """'Hillsborough County, FL'."""
        return f"{self.name}, {self.usps}"

    def as_dict(self) -> dict:
        return {
            "fips": self.fips,
            "name": self.name,
            "state": self.usps,
            "base_name": self.base_name,
            "kind": self.kind,
            "vintages": list(self.vintages),
            "valid_from": self.valid_from or None,
            "valid_until": self.valid_until or None,
        }


@dataclass(frozen=True)
class Vintage:
    name: str
    as_of: dt.date
    description: str


StateInfo = StateRef  # usps, fips, name, category (state | district | territory): the registry's own state record


def split_designation(name: str, class_code: str) -> tuple[str, str]:
    if name.endswith(" County") and len(name) > 7:  # most names: no other designation ends with " County"
        return name[:-7], "county"
    for suffix, kind in DESIGNATIONS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], kind
    if name == "District of Columbia":
        return name, "district"
    if class_code == "C7":
        return name, "consolidated city"  # Carson City
    raise ValueError(f"a county name without a known designation: {name!r}")


@cache
def all_versions() -> tuple[County, ...]:
    # Read once per process, on the way to the first county match of an ingest: csv.reader, not DictReader.
    with open(GEO_DIR / "counties.csv", newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        column = {name: index for index, name in enumerate(next(rows))}
        fips, usps, name, class_code = column["fips"], column["usps"], column["name"], column["class"]
        valid_from, valid_until, vintages, shape, shape_note = (column[c] for c in ("valid_from", "valid_until", "vintages", "shape", "shape_note"))
        result = []
        fields = [f.name for f in dataclasses.fields(County)]
        for r in rows:
            base, kind = split_designation(r[name], r[class_code])
            # A frozen dataclass's __init__ sets each field through object.__setattr__: for 3,000-odd counties, on
            # the way to an ingest's first match, filling the instance's dictionary directly takes a third of it.
            county = object.__new__(County)
            county.__dict__.update(
                zip(fields, (r[fips], r[usps], r[name], base, kind, r[class_code], r[valid_from], r[valid_until], tuple(r[vintages].split()), r[shape], r[shape_note]))
            )
            result.append(county)
    return tuple(result)


@cache
def vintages() -> tuple[Vintage, ...]:
    with open(GEO_DIR / "vintages.csv", newline="", encoding="utf-8") as handle:
        return tuple(Vintage(r["vintage"], dt.date.fromisoformat(r["as_of"]), r["description"]) for r in csv.DictReader(handle))


VINTAGE_NAMES = ("2000", "2010", "2020", "2022")


def vintage(name: str | None) -> Vintage:
    """A vintage by name; None means the latest."""
    known = vintages()
    if name is None:
        return known[-1]
    for v in known:
        if v.name == str(name):
            return v
    raise G287Error(f"unknown county vintage {quoted(str(name))}: one of {', '.join(v.name for v in known)}")


def vintage_on(day: dt.date | None) -> Vintage:
    """The vintage in force on a date: the latest whose date is on or before it (the earliest for older dates)."""
    known = vintages()
    if day is None:
        return known[-1]
    chosen = known[0]
    for v in known:
        if v.as_of <= day:
            chosen = v
    return chosen


@cache
def counties_in(vintage_name: str) -> dict[str, County]:
    """The counties of a vintage, by FIPS code."""
    return {c.fips: c for c in all_versions() if vintage_name in c.vintages}


@cache
def states() -> dict[str, StateInfo]:
    """The states, DC and the territories (g287/data/reference/states.csv, read by g287.sources.rules), by USPS code."""
    return {s.usps: s for s in state_records()}


def counted_states() -> list[StateInfo]:
    """The 50 states and DC: the ones whose counties make up the national totals."""
    return [s for s in states().values() if s.category in ("state", "district")]


def state_info(usps: str) -> StateInfo:
    found = states().get(str(usps).strip().upper())
    if found is None:
        raise NotFound(f"no state {quoted(str(usps))}: give a USPS code such as FL")
    return found


@cache
def _versions_by_fips() -> dict[str, list[County]]:
    result: dict[str, list[County]] = {}
    for c in all_versions():
        result.setdefault(c.fips, []).append(c)
    return result


def versions_of(fips: str) -> list[County]:
    """Every version of a county (oldest first), by FIPS code; none for an unknown code. A lookup, not a scan:
    state pages ask for each of their counties."""
    return _versions_by_fips().get(str(fips).strip(), [])


def county(fips: str, vintage_name: str | None = None) -> County:
    """A county by FIPS code: its version in the given vintage, else its latest version."""
    fips = str(fips).strip()
    if vintage_name is not None:
        found = counties_in(vintage(vintage_name).name).get(fips)
        if found is not None:
            return found
    versions = versions_of(fips)
    if not versions:
        # A spreadsheet reads 09003 as the number 9003: the code with its leading zero back is named when it exists.
        padded = fips.zfill(5) if fips.isascii() and fips.isdigit() and len(fips) < 5 else None
        hint = f" (FIPS codes have five digits: {padded}?)" if padded and versions_of(padded) else ""
        raise NotFound(f"no county with FIPS code {quoted(fips)}{hint}")
    return versions[-1]


def counties_of_state(usps: str, vintage_name: str | None = None) -> list[County]:
    """The counties of a state in a vintage (default: the latest), by name."""
    info = state_info(usps)
    chosen = vintage(vintage_name).name
    return sorted((c for c in counties_in(chosen).values() if c.usps == info.usps), key=lambda c: (c.name, c.fips))


@cache
def _containment() -> dict[tuple[str, str], str]:
    """(FIPS, name) of a county version -> the FIPS of the county that wholly contains it in another vintage (a
    predecessor it was split from, or a successor it was renamed to or merged into), from county_changes.csv.
    Keyed by version, not by code: one code can name two counties of different extent (02195 is Petersburg Census
    Area, 2008-2013, the rest of Wrangell-Petersburg; and Petersburg Borough, which also took part of Hoonah-Angoon,
    so no county of 2000 contains it)."""
    with open(GEO_DIR / "county_changes.csv", newline="", encoding="utf-8") as handle:
        return {(r["fips"], r["name"]): r["contained_in"] for r in csv.DictReader(handle) if r["contained_in"]}


def in_vintage(fips: str, vintage_name: str) -> str | None:
    """The county of `vintage_name` that a county (of any vintage) lies in: itself when it exists in that
    vintage; else the one that wholly contains it (Chugach Census Area in 2000 → Valdez-Cordova Census Area);
    None when no single county does (Broomfield County in 2000: formed from parts of four counties; Petersburg
    Borough in 2000: it lies in parts of Wrangell-Petersburg and of Skagway-Hoonah-Angoon)."""
    members = counties_in(vintage_name)
    seen = set()
    current = fips
    while current and current not in seen:
        if current in members:
            return current
        seen.add(current)
        # A code outside the vintage stands for its latest version: the county a listing is matched to today.
        versions = versions_of(current)
        current = _containment().get((current, versions[-1].name), "") if versions else ""
    return None
