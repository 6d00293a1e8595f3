"""Comparing two published names of agencies in one state: which identity rule, if any, says they are one.

Pure functions over names and evidence; the database side is in identity.py. The rules and their confidences
are data (g287/data/rules/identity.toml).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache

from g287.config import DATA_DIR
from g287.registry.names import agency_key
from g287.sources.text import edit_distance, one_edit_apart


@dataclass(frozen=True)
class IdentityRules:
    threshold: float
    review_floor: float
    confidence: dict[str, float]
    abbreviations: dict[str, str]
    address_abbreviations: frozenset[str]  # also a word of an address: a spelling in document search only before another word
    place_prefixes: tuple[str, ...]
    kinds: dict[str, tuple[str, ...]]


@cache
def identity_rules() -> IdentityRules:
    with open(DATA_DIR / "rules" / "identity.toml", "rb") as handle:
        data = tomllib.load(handle)
    return IdentityRules(
        threshold=float(data["threshold"]),
        review_floor=float(data["review_floor"]),
        confidence={k: float(v) for k, v in data["confidence"].items()},
        abbreviations=dict(data["abbreviations"]),
        address_abbreviations=frozenset(data["address_abbreviations"]["words"]),
        place_prefixes=tuple(data["place_prefixes"]["words"]),
        kinds={k: tuple(v) for k, v in data["kinds"].items()},
    )


RULE_TEXT = {
    "first_seen": "the first name the agency was published under",
    "separated": "separated from a merge found wrong",
    "same_key": "same name up to case, spacing, punctuation and apostrophes",
    "abbreviation": "same name once abbreviations are written out",
    "place_prefix": "same name without a 'City of' / 'Town of' prefix",
    "suffix": "one name is the other with words added, and the same agreements pass from one to the other",
    # not "a correction": the newer name may be the misspelt one (Indialantic, FL, published later as "Indiatlantic")
    "spelling_with_continuity": "a spelling difference of one or two letters, and the same agreements pass from one name to the other",
    "spelling_only": "a spelling difference of one or two letters (not enough on its own)",
    "continuity_similar": "the same agreements (model and signed date) pass between two names that share most words",
    "continuity_only": "the same agreements (model and signed date) pass between two names",
    "pending_suffix": "one name is the other with words added, and an agreement left the pending list under one as an agreement of its model was first listed as signed under the other",
    "pending_spelling": "names one or two letters apart, and an agreement left the pending list under one as an agreement of its model was first listed as signed under the other",
    "pending_only": "an agreement left the pending list under one name as an agreement of its model was first listed as signed under the other",
    "alias": "the reviewed alias table says so",
    "alias_contradiction": "the reviewed alias table contradicts itself or the database: a reviewer decides, and corrects the table with `g287 alias`",
    "review": "accepted in review",
}


@lru_cache(maxsize=65536)
def expanded_key(name: str) -> str:
    """The agency key with abbreviations written out: 'Ft. Myers PD' -> 'fort myers police department'."""
    rules = identity_rules()
    words = [rules.abbreviations.get(w, w) for w in agency_key(name).split()]
    return " ".join(" ".join(words).split())


def spellings(word: str) -> tuple[str, ...]:
    """The ways of writing a word that expanded_key writes out the same, the word as given first: 'st' -> ('st',
    'saint'), 'County' -> ('County', 'co', 'cnty'), 'pd' -> ('pd', 'police department'); a word no
    abbreviation stands for is only itself. Whole words only: 'saint' is not 'st' + 'aint'."""
    abbreviations = identity_rules().abbreviations
    written_out = abbreviations.get(word.lower(), word.lower())
    if written_out not in abbreviations.values():
        return (word,)
    found = {word.lower(): word}
    for other in (written_out, *(short for short, full in abbreviations.items() if full == written_out)):
        found.setdefault(other, other)
    return tuple(found.values())


@lru_cache(maxsize=65536)
def core_key(name: str) -> str:
    """The expanded key without a place prefix ('city of ...')."""
    key = expanded_key(name)
    for prefix in identity_rules().place_prefixes:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :]
        if key.endswith(" " + prefix):  # "Melbourne Police Department, City of"
            return key[: -len(prefix) - 1]
    return key


@lru_cache(maxsize=65536)
def kind(name: str) -> str | None:
    """sheriff, police, constable...: None when the name says no known kind."""
    key = f" {expanded_key(name)} "
    found = [k for k, words in identity_rules().kinds.items() if any(f" {w} " in key for w in words)]
    return found[0] if len(found) == 1 else ("+".join(sorted(found)) if found else None)


def kinds_conflict(a: str, b: str) -> bool:
    ka, kb = kind(a), kind(b)
    return ka is not None and kb is not None and ka != kb


def _county_part(key: str) -> str | None:
    """'walker county sheriffs office' -> 'walker'; None when the name names no county."""
    words = key.split()
    return " ".join(words[: words.index("county")]) if "county" in words else None


def _words(key: str) -> set[str]:
    return set(key.split())


@dataclass(frozen=True)
class Match:
    rule: str
    confidence: float

    @property
    def reason(self) -> str:
        return RULE_TEXT[self.rule]


def compare(new_name: str, old_name: str, *, continuity: bool, co_listed: bool) -> Match | None:
    """Whether two names of one state are one agency, by which rule and with what confidence.

    `continuity`: the same agreements (model and signed date) left the old name and arrived under the new one
    between consecutive publications. `co_listed`: both names appear in one publication (then only the
    normalization rules can join them: ICE listing one agency twice)."""
    rule = _rule_relating(new_name, old_name, continuity, co_listed)
    return Match(rule, identity_rules().confidence[rule]) if rule is not None else None


# The rule relating two names depends on the names and the evidence only; its confidence is looked up on each call
# (the rules' data, which a reviewer may change). Ingests ask about the same pairs again and again: every list
# re-examines the agencies that left the pending list against those first listed as signed (identity.py).
@lru_cache(maxsize=65536)
def _rule_relating(new_name: str, old_name: str, continuity: bool, co_listed: bool) -> str | None:
    if agency_key(new_name) == agency_key(old_name):
        return "same_key"
    if kinds_conflict(new_name, old_name):
        return None
    if expanded_key(new_name) == expanded_key(old_name):
        return "abbreviation"
    if core_key(new_name) == core_key(old_name):
        return "place_prefix"
    if co_listed:
        return None
    a, b = core_key(new_name), core_key(old_name)
    if abs(len(a) - len(b)) > (2 if continuity else 1):
        return _continuity_rule(a, b, continuity)
    # Without continuity only one letter may differ: a linear check spares the full distance.
    distance = edit_distance(a, b) if continuity else (1 if one_edit_apart(a, b) else 3)
    if distance <= 2 and distance <= max(1, len(max(a, b, key=len)) // 10):
        # Counties one letter apart are real and distinct (Walker and Waller, Texas): a difference in the county's
        # own name is never corrected automatically, whatever the continuity.
        same_county = _county_part(a) == _county_part(b)
        if continuity and same_county:
            return "spelling_with_continuity"
        if continuity or (same_county and distance == 1):
            return "spelling_only"
        return None
    return _continuity_rule(a, b, continuity)


def _continuity_rule(a: str, b: str, continuity: bool) -> str | None:
    if not continuity:
        return None
    wa, wb = _words(a), _words(b)
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(shorter) >= 3 and shorter < longer and (a.startswith(b) or b.startswith(a)):
        return "suffix"
    if wa and wb and len(wa & wb) / len(wa | wb) >= 0.5:  # kinds do not conflict (checked above)
        return "continuity_similar"
    return "continuity_only"


# The rules a name relation makes when its evidence is an agreement leaving the pending list (which gives no signed
# date) rather than the same agreements passing within one list. Other relations keep their own rule: the
# normalization rules need no evidence, and a county's own name one letter off (spelling_only) stays a question.
_ACROSS_LISTS = {"suffix": "pending_suffix", "spelling_with_continuity": "pending_spelling", "continuity_similar": "pending_only", "continuity_only": "pending_only"}


def compare_across_lists(participating_name: str, pending_name: str) -> Match | None:
    """Whether a name first listed as participating and a name that left the pending list (same state and model,
    at about the same time: see identity.follow_pending_departures) are one agency, by which rule."""
    match = compare(participating_name, pending_name, continuity=True, co_listed=False)
    if match is None or match.rule not in _ACROSS_LISTS:
        return match
    rule = _ACROSS_LISTS[match.rule]
    return Match(rule, identity_rules().confidence[rule])
