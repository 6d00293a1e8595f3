"""Which known agencies a new name may be, from what identity.py has read: the helpers of its name resolution.

- The reviewed alias table, asked about one name: the agencies holding names it says the name is (to join), those
  holding names it says the name is not (kept apart), and, when it says both or names several agencies, the
  contradiction in words for a reviewer.
- The normalization rules as dictionary lookups: every known name of a state indexed by its expanded and core keys,
  and the agencies a new name's keys lead to, compared with it.
- Ties: only the agencies found at the highest confidence are kept, all of them when several are as close (never one
  by row order), and each proposal of a tie names the others (tied_with), so that accepting one supersedes them.

None of them reads or writes the database; they sit apart from identity.py so that it stays within the size limit.
"""

from __future__ import annotations

from g287.history.names import Match, compare, core_key, expanded_key
from g287.registry.names import agency_key


def with_tie(evidence: dict | None, agency_id: int, tie: list[int]) -> dict | None:
    """A proposal's evidence, with the other agencies of its tie (`tie`: every agency the name is as close to) under
    "tied_with": accepting one proposal of a tie supersedes the others (review.decide)."""
    others = [a for a in tie if a != agency_id]
    return dict(evidence, tied_with=others) if evidence is not None and others else evidence


def keep_closest(closest: list[tuple[Match, int, dict]], found: tuple[Match, int, dict]) -> list[tuple[Match, int, dict]]:
    """The (match, agency, evidence) found so far at the highest confidence, with `found` if it is as high."""
    if not closest or found[0].confidence > closest[0][0].confidence:
        return [found]
    return closest + [found] if found[0].confidence == closest[0][0].confidence else closest


def index_names(index: dict, state: str | None, agency_id: int, names: list[str]) -> None:
    # Every agency of a key, in the order indexed: two agencies share one when the alias table keeps them apart, or
    # while a review decides whether they are one.
    for name in names:
        for key in ((state, "x:" + expanded_key(name)), (state, "c:" + core_key(name))):
            holders = index.setdefault(key, [])
            if agency_id not in holders:
                holders.append(agency_id)


def normalization_matches(index, state, name, agency_id, blocked, names_of, listed_now) -> list[tuple[Match, int, dict]]:
    """The known agencies the normalization rules join `name` to, at the highest confidence: (match, agency, evidence)."""
    closest: list[tuple[Match, int, dict]] = []
    others = dict.fromkeys(o for key in ("x:" + expanded_key(name), "c:" + core_key(name)) for o in index.get((state, key), ()))
    for other in others:
        if other == agency_id or other in blocked:
            continue
        match = max((m for m in (compare(name, old, continuity=False, co_listed=True) for old in names_of[other]) if m), key=lambda m: m.confidence, default=None)
        if match:
            closest = keep_closest(closest, (match, other, {"names": [name, names_of[other][0]], "continuity": [], "listed_together": other in listed_now}))
    return closest


def alias_targets(table, state, name, candidates, state_of, names_of, agency_id) -> tuple[dict[int, list[str]], set[int]]:
    """The agencies holding names the alias table says `name` is (each with those names, in the order of
    `candidates`), and the agencies holding names it says `name` is not."""
    same, different = table.same_as(state, name), table.different_from(state, name)
    if not same and not different:
        return {}, set()
    targets: dict[int, list[str]] = {}
    blocked = set()
    for other in candidates:
        if other == agency_id or other not in state_of:
            continue
        named = [n for n in names_of[other] if agency_key(n) in same]
        if named:
            targets[other] = named
        if any(agency_key(n) in different for n in names_of[other]):
            blocked.add(other)
    return targets, blocked


def alias_table_contradiction(table, state, name, targets: dict[int, list[str]], names_of) -> str:
    """What the alias table says of `name` that cannot all be true, for a reviewer."""
    same = [n for named in targets.values() for n in named]
    if len(targets) > 1:
        return f"{state}: the alias table says {name!r} is {_and(same)}, names of {len(targets)} agencies"
    different = table.different_from(state, name)
    [other] = targets
    return f"{state}: the alias table says {name!r} is {_and(same)} and is not {_and([n for n in names_of[other] if agency_key(n) in different])}, names of one agency"


def _and(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
