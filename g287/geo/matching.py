"""Matching ICE's COUNTY text to a county's FIPS code, within the listing's state — never by guessing.

A text matches when, after case, spacing, punctuation, accents and apostrophes are set aside, it is the name of
exactly one county of the stated state: with or without its designation ("Hillsborough", "Hillsborough
County"), or with a designation that kind of county equivalent accepts ("Union County" for Union Parish,
Louisiana; "Juneau Borough"; "Baltimore City"). Rules: g287/data/geo/matching.toml.

A text naming no county of the state (even one that exists in another state), or several ("Richmond" in
Virginia: the county or the city; "Polk and Hillsborough", Florida; "Richmond and Henrico", Virginia, whose "Richmond"
is the county or the city), is not matched; only a reviewed line of g287/data/geo/county_fixes.csv maps a
misspelling. Texts that stand for no county ("Statewide"; "N/A" is already no value) mean "no county".
The pure function is `match_county`; storing matches and their quality-register entries is in g287/geo/store.py.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache

from g287.errors import G287Error
from g287.geo.reference import GEO_DIR, County, all_versions, counted_states, counties_in, states, versions_of, vintage
from g287.registry.names import agency_key


MATCHED = "matched"  # the text names one county of the state
FIXED = "fixed"  # mapped by a reviewed fix (a misspelling)
FORMER = "former"  # names one county of the state that no longer exists (matched to it)
NO_COUNTY = "no_county"  # a text that stands for no county ("Statewide")
UNMATCHED = "unmatched"  # names no county of the state
AMBIGUOUS = "ambiguous"  # names several counties of the state
STATE_UNKNOWN = "state_unknown"  # the listing's state is unknown (registered by the core already)
# A territory's: the registry holds no county list for it, so its text is no failed match (the figures report the
# territories apart; counted as unmatched, Puerto Rico's "San Juan" lowered the match rate of the states' texts).
NO_COUNTY_LIST = "no_county_list"
FAILED = (UNMATCHED, AMBIGUOUS, STATE_UNKNOWN)


@dataclass(frozen=True)
class Match:
    status: str
    fips: str | None
    rule: str  # how it was matched, or why not (one line)
    problem: str | None = None  # quality-register entry: what is wrong, with the raw value
    action: str | None = None
    category: str | None = None  # repaired | unknown | note


@dataclass(frozen=True)
class Rules:
    words: dict[str, str]
    designations: dict[tuple[str, ...], frozenset[str]]  # tokens of a designation -> kinds it may name
    no_county: frozenset[str]


@cache
def rules() -> Rules:
    with open(GEO_DIR / "matching.toml", "rb") as handle:
        data = tomllib.load(handle)
    words = {k: v for k, v in data["words"].items()}
    designations = {tuple(name.split()): frozenset(kinds) for name, kinds in data["designations"].items()}
    no_county = frozenset(key_of(v, words) for v in data["no_county"]["values"])
    return Rules(words, designations, no_county)


def tokens_of(text: str, words: dict[str, str] | None = None) -> list[str]:
    """Lower-case word tokens (an agency name's normalization: accents and apostrophes removed, "&" read as
    "and"), abbreviations expanded."""
    words = rules().words if words is None else words
    return [words.get(t, t) for t in agency_key(text).split()]


def key_of(text: str, words: dict[str, str] | None = None) -> str:
    """One key for the spellings that differ in case, spacing, punctuation, accents, apostrophes:
    "Prince George's County" = "PRINCE GEORGES COUNTY", "De Kalb" = "DeKalb", "St. Landry" = "Saint Landry"."""
    if words is None:
        return _key_with_rules(text)
    return "".join(tokens_of(text, words))


@lru_cache(maxsize=65536)
def _key_with_rules(text: str) -> str:
    return "".join(tokens_of(text))


@lru_cache(maxsize=65536)
def readings(text: str) -> tuple[tuple[str, frozenset[str] | None], ...]:
    """The ways a text can name a county: (key of the name, kinds allowed or None for any kind)."""
    tokens = tokens_of(text)
    result: list[tuple[str, frozenset[str] | None]] = [("".join(tokens), None)]
    for designation, kinds in rules().designations.items():
        n = len(designation)
        if len(tokens) > n and tuple(tokens[-n:]) == designation:
            result.append(("".join(tokens[:-n]), kinds))
        if len(tokens) > n + 1 and tuple(tokens[:n]) == designation and tokens[n] == "of":  # "City of Richmond"
            result.append(("".join(tokens[n + 1 :]), kinds))
    return tuple(result)


@cache
def _index() -> tuple[dict[tuple[str, str], list[County]], dict[tuple[str, str], list[County]]]:
    """(state, key of the base name) -> counties, and (state, key of the full name) -> counties, every version."""
    by_base: dict[tuple[str, str], list[County]] = {}
    by_full: dict[tuple[str, str], list[County]] = {}
    for c in all_versions():
        base_key = key_of(c.base_name)
        by_base.setdefault((c.usps, base_key), []).append(c)
        by_full.setdefault((c.usps, _full_key(c.name, c.base_name, base_key)), []).append(c)
    return by_base, by_full


def _full_key(name: str, base_name: str, base_key: str) -> str:
    """key_of(name) for "<base name> <designation>": the base's key and the designation's (the keys are made word by
    word, and the designation is a word apart), which spares working out every county's key twice on the way to
    the first match; tests check it equals key_of(name) for every county."""
    if name.startswith(base_name + " "):
        return base_key + key_of(name[len(base_name) :])
    return key_of(name)


def warm_up() -> None:
    """Load the reference data and build the index of names now (the first match would otherwise)."""
    _index()
    fixes()


def candidates(usps: str, text: str, pool: dict[str, County] | None = None) -> list[County]:
    """Counties of the state (restricted to the versions `pool` holds, when given) that the text can name."""
    by_base, by_full = _index()
    found: dict[str, County] = {}
    for name_key, kinds in readings(text):
        if kinds is None:
            matches = by_base.get((usps, name_key), []) + by_full.get((usps, name_key), [])
        else:
            matches = [c for c in by_base.get((usps, name_key), []) if c.kind in kinds]
        for county in matches:
            # The very version the pool holds, not only its code: Petersburg Census Area (2008-2013) shares 02195
            # with today's Petersburg Borough, of another extent, and was read as the borough with no note.
            if pool is None or pool.get(county.fips) == county:
                found.setdefault(county.fips, county)
    return sorted(found.values(), key=lambda c: c.fips)


@cache
def fixes() -> dict[tuple[str, str], dict]:
    """Reviewed fixes by (state, key of the text as published)."""
    with open(GEO_DIR / "county_fixes.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for line, r in enumerate(rows, start=2):  # a fix must name a county of its own state (the file is edited by hand)
        if not any(c.usps == r["usps"] for c in versions_of(r["fips"])):
            raise G287Error(f"county_fixes.csv line {line}: {r['fips']!r} is not a county of {r['usps']!r}")
    return {(r["usps"], key_of(r["county_text"])): r for r in rows}


def _state_name(usps: str) -> str:
    info = states().get(usps)
    return info.name if info else usps


@cache
def match_county(usps: str | None, text: str) -> Match:
    """What a COUNTY text means in a state. Pure: depends only on the reference data and rules."""
    if names_no_county(text):
        return Match(NO_COUNTY, None, "a text that stands for no single county")
    if usps is None:
        return Match(STATE_UNKNOWN, None, "the listing's state is unknown, so the county cannot be looked up")
    state_name = _state_name(usps)
    counted = {s.usps for s in counted_states()}
    fix = fixes().get((usps, key_of(text)))
    if fix is not None:
        county = versions_of(fix["fips"])[-1]
        return Match(
            FIXED,
            county.fips,
            f"reviewed fix: {fix['reason']}",
            f"county {text!r} does not exist in {state_name}: {fix['reason']}",
            f"read as {county.name} ({county.fips}), a reviewed fix (g287/data/geo/county_fixes.csv)",
            "repaired",
        )
    if usps not in counted:
        return Match(
            NO_COUNTY_LIST,
            None,
            f"the registry holds no county list for {state_name}",
            f"county {text!r} cannot be matched: the registry holds no county list for {state_name}",
            "county unknown",
            "unknown",
        )
    latest = counties_in(vintage(None).name)
    found = candidates(usps, text, latest)
    former = False
    if not found:
        found = candidates(usps, text)
        former = bool(found)
    if len(found) == 1:
        county = found[0]
        if former:
            return Match(
                FORMER,
                county.fips,
                f"names {county.name}, which no longer exists (until {county.valid_until})",
                f"county {text!r} names {county.name} ({county.fips}), a county of {state_name} only until {county.valid_until}",
                f"matched to the former county {county.fips}",
                "note",
            )
        return Match(MATCHED, county.fips, "the name of one county of the state")
    if len(found) > 1:
        options = " or ".join(f"{c.name} ({c.fips})" for c in found)
        return Match(
            AMBIGUOUS,
            None,
            f"names several counties of {state_name}: {options}",
            f"county {text!r} is ambiguous in {state_name}: {options}",
            "county unknown: not guessed",
            "unknown",
        )
    elsewhere = sorted({_state_name(c.usps) for s in counted if s != usps for c in candidates(s, text, latest)})
    together = [] if elsewhere else counties_named_together(usps, text, latest)
    if together:
        names = [_part_named(part, counties) for part, counties in together]
        named = f"{', '.join(names[:-1])} and {names[-1]}"
        return Match(
            AMBIGUOUS,
            None,
            f"names several counties of {state_name}: {named}",
            f"county {text!r} names several counties of {state_name}: {named}",
            "county unknown: not guessed",
            "unknown",
        )
    hint = f" (a county of that name exists in {', '.join(elsewhere[:3])}{' and others' if len(elsewhere) > 3 else ''})" if elsewhere else ""
    return Match(
        UNMATCHED,
        None,
        f"no county of {state_name} has that name{hint}",
        f"county {text!r} does not exist in {state_name}{hint}",
        "county unknown: not matched to a FIPS code (a reviewed fix in g287/data/geo/county_fixes.csv can map a misspelling)",
        "unknown",
    )


_SEPARATORS = re.compile(r"\s*(?:,|;|/|&|\+|\band\b)\s*", re.I)
_PLURALS = {"counties": "County", "parishes": "Parish", "boroughs": "Borough"}


def counties_named_together(usps: str, text: str, pool: dict[str, County]) -> list[tuple[str, list[County]]]:
    """The parts of a text that is no county's name and lists counties together ("Polk and Hillsborough", "Polk &
    Hillsborough Counties", "Richmond and Henrico"), each with the counties of the state it can name: every part
    names one county or more (a part such as "Richmond", Virginia, the county or the city, names several), and
    the parts name two counties or more; else none. Such a text places its listing in no single county, and says
    so rather than that no county has its name."""
    parts = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    if len(parts) < 2:
        return []
    last = parts[-1].split()
    if len(last) > 1 and last[-1].lower() in _PLURALS:  # the designation said once for all the names
        designation = _PLURALS[last[-1].lower()]
        parts = [*parts[:-1], " ".join(last[:-1])]
        parts = [f"{part} {designation}" for part in parts]
    found: dict[frozenset[str], tuple[str, list[County]]] = {}
    for part in parts:
        named = candidates(usps, part, pool) or candidates(usps, part)
        if not named:
            return []
        found.setdefault(frozenset(c.fips for c in named), (part, named))
    # Two parts naming different sets of counties can always be read as two different counties.
    return list(found.values()) if len(found) > 1 else []


def _part_named(part: str, counties: list[County]) -> str:
    """One part of a text listing counties, as the register says it: its county, or the counties it may name."""
    if len(counties) == 1:
        return f"{counties[0].name} ({counties[0].fips})"
    return f"{part!r} (ambiguous: {' or '.join(f'{c.name} ({c.fips})' for c in counties)})"


def names_no_county(text: str | None) -> bool:
    """Whether a COUNTY cell places its listing in no county by its own account: empty, or a text that stands for
    no single county ("Statewide"). Such a listing is counted with those ICE gives no county for, never as a county
    that could not be matched."""
    if text is None:
        return True
    key = key_of(text)
    return not key or key in rules().no_county


# "City" too: the sheriff of an independent city ("Richmond City Sheriff's Office", Virginia; Baltimore; St. Louis)
# is a county-level agency, and its name names the city, a county equivalent, not the county of the same name. A
# city that is no county equivalent ("Oklahoma City") names no county, and gives no note.
_NAMED_COUNTY = re.compile(r"^(?P<name>.+?)\s+(County|Parish|Borough|City)\b", re.I)


def county_named_by_agency(usps: str | None, agency_name: str | None) -> County | None:
    """The county an agency's own name names ("Bradford County Sheriff's Office" -> Bradford County, "Richmond City
    Sheriff's Office" -> Richmond city), when it names exactly one county of the state; used only to flag disagreements, never to set a county."""
    if not usps or not agency_name:
        return None
    found = _NAMED_COUNTY.match(agency_name.strip())
    if not found:
        return None
    matched = candidates(usps, found.group(0), counties_in(vintage(None).name))
    return matched[0] if len(matched) == 1 else None
