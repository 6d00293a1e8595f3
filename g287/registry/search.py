"""Search agencies (by every name they were published under), states and counties, tolerating typos.

Names are compared by their normalized keys (case, spacing, punctuation and apostrophes ignored, and the
abbreviations g287/data/rules/identity.toml lists written out, on both sides: "saint lucie" finds "St. Lucie", "ft
myers" "Fort Myers", whole words only: "saint" never finds "Stanislaus"); a query that
is not contained in a name is matched with a fuzzy score, so "hilsborough sherif" finds "Hillsborough County
Sheriff's Office". Agencies are the live ones (an agency absorbed by an identity merge is found under the agency it
joined, by every name). Counties are every county and county equivalent of the reference list (g287.geo), found by
name with or without its designation ("Brevard", "Orleans Parish"), and referred to by FIPS code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.db.models.registry import Agency, AgencyName
from g287.geo import reference
from g287.history.names import expanded_key
from g287.registry.names import agency_key
from g287.sources.rules import states

KINDS = ("agency", "state", "county")
MIN_SCORE = 75  # below this a fuzzy match is more often wrong than right (checked on the bundled names)


@dataclass(frozen=True)
class Hit:
    kind: str  # agency | state | county
    label: str  # what to show: the agency's current name, the state's or county's name
    state: str | None  # USPS code
    ref: str  # agency id, USPS code, or county FIPS code
    matched: str  # the name that matched (an earlier name of an agency, a state's code...)
    score: float  # 100 = the query is contained in the name


@dataclass(frozen=True)
class _Entry:
    kind: str
    label: str
    state: str | None
    ref: str
    matched: str
    key: str  # expanded_key of `matched` (a state's USPS code as it is: "MT" is Montana, not "mount")


def _entries(session: Session) -> list[_Entry]:
    entries = []
    current = {a.id: a for a in session.scalars(select(Agency).where(Agency.merged_into_id.is_(None)))}
    for agency in current.values():
        entries.append(_Entry("agency", agency.name, agency.state_usps, str(agency.id), agency.name, expanded_key(agency.name)))
    for name in session.scalars(select(AgencyName)):
        agency = current.get(name.agency_id)
        if agency is not None and name.name != agency.name:
            entries.append(_Entry("agency", agency.name, agency.state_usps, str(agency.id), name.name, expanded_key(name.name)))
    for state in states():
        entries.append(_Entry("state", state.name, state.usps, state.usps, state.name, expanded_key(state.name)))
        entries.append(_Entry("state", state.name, state.usps, state.usps, state.usps, state.usps.lower()))
    return entries + _county_entries()


@cache
def _county_entries() -> list[_Entry]:
    """Every county of the reference list (each FIPS code once, its latest name), by its name with and without
    its designation."""
    latest: dict[str, reference.County] = {}
    for county in reference.all_versions():
        latest[county.fips] = county
    entries = []
    for county in latest.values():
        entries.append(_Entry("county", county.name, county.usps, county.fips, county.name, expanded_key(county.name)))
        if county.base_name != county.name:
            entries.append(_Entry("county", county.name, county.usps, county.fips, county.base_name, expanded_key(county.base_name)))
    return entries


def search(session: Session, query: str, limit: int = 20, kinds: tuple[str, ...] = KINDS) -> list[Hit]:
    """The best matches for `query`, best first; one hit per agency, state or county."""
    typed = agency_key(query or "")
    if not typed:
        return []
    wanted = expanded_key(query)
    entries = [e for e in _entries(session) if e.kind in kinds]
    scored: dict[tuple[str, str, str | None], Hit] = {}

    def offer(entry: _Entry, score: float) -> None:
        ident = (entry.kind, entry.ref, entry.state)
        if ident not in scored or scored[ident].score < score:
            scored[ident] = Hit(entry.kind, entry.label, entry.state, entry.ref, entry.matched, round(score, 1))

    words = wanted.split()
    for entry in entries:
        if entry.key in (wanted, typed):  # typed: a state's code ("MT") as it is
            offer(entry, 101.0)  # exact: before any other match
            continue
        score = _entry_score(words, entry.key.split())
        if score >= MIN_SCORE:
            offer(entry, score)
    order = {kind: i for i, kind in enumerate(("state", "county", "agency"))}
    hits = sorted(scored.values(), key=lambda h: (-h.score, order[h.kind], h.label.lower()))
    return hits[:limit]


def _word_score(word: str, candidates: list[str]) -> float:
    """100 for the same word, 97 for the start of a word, else the closest spelling (only for words of 4 letters
    or more: shorter ones match exactly or as a start, so "WSO" never finds "Dawson")."""
    best = 0.0
    for candidate in candidates:
        if candidate == word:
            return 100.0
        if candidate.startswith(word):
            best = max(best, 97.0)
        elif len(word) >= 4:
            best = max(best, fuzz.ratio(word, candidate), fuzz.ratio(word, candidate[: len(word)]) - 4)
    return best


def _entry_score(words: list[str], candidates: list[str]) -> float:
    """Every word of the query must match a word of the name; the name's other words cost a little."""
    scores = []
    for word in words:
        score = _word_score(word, candidates)
        if score < MIN_SCORE:
            return 0.0
        scores.append(score)
    return sum(scores) / len(scores) - 0.5 * max(len(candidates) - len(words), 0)
