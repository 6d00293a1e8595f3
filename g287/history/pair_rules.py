"""The identity rules for names, run again for one pair of names: when the alias entry that decided the pair is
removed, the pair is left as an ingest without the entry would have left it.

An ingest compares an agency created for a new name with the known agencies of its state (identity._resolve_names):
the normalization rules join names whatever the evidence; the others need it (the same agreements passing from the
known name, in the list before, to the new one) and never join names one publication lists together. Here the
newer of the two names is compared with the older one's agency at the publication that first listed it, with the lists'
evidence of that publication. At or above the threshold the two are merged (as the ingest would have merged them,
with no one to ask); below it, the pair is proposed for review. Only the entry's own names are judged, each where it
was first listed: when the newer name's agency holds other names since (joined by a rule, an alias or a review),
judging it would join names an ingest never compared, so the pair is left to a reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.engine import Connection

from g287.db.models.history import IdentityCandidate
from g287.db.plain import plain
from g287.db.models.registry import AgencyName, ListingRun, Publication, RawRow, series_of
from g287.history import aliases
from g287.history.identity import SYSTEM, live_survivor, agreements_at, merge, propose
from g287.history.names import Match, compare, identity_rules
from g287.registry.agencies import agencies_of_raw_rows
from g287.registry.names import agency_key
from g287.registry.publications import order_key


@dataclass(frozen=True)
class Judgement:
    """What the rules did with the pair. `outcome`: "merged", "proposed", "apart" (no rule relates the names, or
    too weakly), "one agency" (already), "waiting" (a review candidate of the pair waits: the review decides),
    "kept apart" (another alias entry between their names), "joined to other names" (the newer name's agency holds
    other names since: not judged alone), "listed together" (proposed, and withdrawn: a list held gives both;
    unless_listed_together) or "unknown" (a name not in the database)."""

    outcome: str
    match: Match | None = None
    candidate_id: int | None = None


def judge_pair(conn: Connection, state: str, name: str, other_name: str) -> Judgement:
    """Run the identity rules for names on the agencies of two names of a state, as the ingest of the newer one would
    have: merge them, propose them for review, or leave them apart."""
    agency, other = agency_of_name(conn, state, name), agency_of_name(conn, state, other_name)
    if agency is None or other is None:
        return Judgement("unknown")
    if agency == other:
        return Judgement("one agency")
    if _candidate_between(conn, agency, other) is not None:
        # Proposed already (a candidate reopened with the entry's removal, say): the reviewer decides, not a rerun.
        return Judgement("waiting")
    names = {agency: _names_of(conn, agency), other: _names_of(conn, other)}
    table = aliases.load()  # without the removed entry: another entry may still part the two agencies' names
    parted = set().union(*(table.different_from(state, n) for n in names[agency]))
    if parted & {agency_key(n) for n in names[other]}:
        return Judgement("kept apart")
    # The entry's own names are judged, each where it was first listed, not the groups the agencies have become:
    # an ingest compared the agency created for the newer name, holding that name alone, with the known agencies.
    first = {n: _first_listing_of_name(conn, state, n) for n in (name, other_name)}
    if first[name] is None or first[other_name] is None:
        return Judgement("apart")  # a name no list gives was never compared by an ingest
    agency_named = {name: agency, other_name: other}
    newer_name = max((name, other_name), key=lambda n: (first[n][0], agency_named[n]))
    newer, older = agency_named[newer_name], agency_named[name if newer_name == other_name else other_name]
    if {agency_key(n) for n in names[newer]} != {agency_key(newer_name)}:
        # Joined since to other names (by a rule, an alias or a review): judging the group would join names an ingest
        # never compared (a third agency with it), so the rules do not judge it alone; a reviewer may.
        return Judgement("joined to other names")
    _order, series, seq = first[newer_name]
    (listed_now, arrived), before, _after = agreements_at(conn, series, seq, {state})
    listed_together = older in listed_now
    continuity = sorted(arrived.get(newer, set()) & (before.get(older, set()) - arrived.get(older, set())), key=str)
    match = _best(compare(n, o, continuity=False, co_listed=True) for n in names[newer] for o in names[older])
    if match is not None or listed_together:
        continuity = []  # the normalization rules need no evidence (the ingest records none); the others are not tried
    else:
        match = _best(compare(n, o, continuity=bool(continuity), co_listed=False) for n in names[newer] for o in names[older])
    rules = identity_rules()
    if match is None or match.confidence < rules.review_floor:
        return Judgement("apart", match)
    evidence = {
        "names": [names[newer][0], names[older][0]],
        "continuity": [{"model": m, "signed": str(s)} for m, s in continuity],
        "listed_together": listed_together,
    }
    if match.confidence >= rules.threshold:
        merge(conn, newer, older, match, evidence, SYSTEM, None)
        return Judgement("merged", match)
    propose(conn, state, newer, older, match, evidence, None)
    return Judgement("proposed", match, _candidate_between(conn, newer, older))


def _best(matches) -> Match | None:
    return max((m for m in matches if m), key=lambda m: m.confidence, default=None)


def agency_of_name(conn: Connection, state: str, name: str) -> int | None:
    """The live agency of a name (a merge moves the absorbed agency's names to the survivor)."""
    query = select(AgencyName.agency_id).where(AgencyName.state_usps == state, AgencyName.key == agency_key(name)).order_by(AgencyName.id)
    return conn.execute(query).scalars().first()


def _names_of(conn: Connection, agency_id: int) -> list[str]:
    """The agency's names, first published first."""
    return list(conn.execute(select(AgencyName.name).where(AgencyName.agency_id == agency_id).order_by(AgencyName.id)).scalars())


def _candidate_between(conn: Connection, agency: int, other: int) -> int | None:
    """A review candidate of the two agencies, in either direction, whatever its status."""
    query = (
        select(IdentityCandidate.id)
        .join(AgencyName, AgencyName.id == IdentityCandidate.agency_name_id)
        .where(
            or_(
                (AgencyName.agency_id == agency) & (IdentityCandidate.candidate_agency_id == other),
                (AgencyName.agency_id == other) & (IdentityCandidate.candidate_agency_id == agency),
            )
        )
        .order_by(IdentityCandidate.id)
    )
    return conn.execute(query).scalars().first()


def _first_listing_of_name(conn: Connection, state: str, name: str) -> tuple[tuple, str, int] | None:
    """The first publication (in ICE's order of publishing) that lists the name (up to its key): (its order, its
    series, its seq), or None."""
    query = (
        select(ListingRun.series, ListingRun.first_seq, Publication.published_on, Publication.half, Publication.source_modified_at, Publication.imported_at, Publication.id)
        .select_from(ListingRun)
        .join(RawRow, RawRow.id == ListingRun.raw_row_id)
        .join(AgencyName, AgencyName.id == RawRow.agency_name_id)
        .join(Publication, (Publication.series == ListingRun.series) & (Publication.seq == ListingRun.first_seq))
        .where(AgencyName.state_usps == state, AgencyName.key == agency_key(name))
    )
    found = [(order_key(published_on, half, modified_at, imported_at, publication_id), series, seq) for series, seq, published_on, half, modified_at, imported_at, publication_id in conn.execute(query)]
    return min(found, key=lambda f: f[0]) if found else None


# The rules that never join two names one publication lists together (names.compare with co_listed): only the
# normalization rules (same_key, abbreviation, place_prefix) and the alias table may.
_NEEDS_APART = ("spelling_only", "spelling_with_continuity", "suffix", "continuity_similar", "continuity_only", "pending_suffix", "pending_spelling", "pending_only")


def withdraw_listed_together(conn: Connection, series: str, raw_row_ids: list[int]) -> list[int]:
    """Withdraw the proposals waiting for review of two agencies that one of ICE's lists (its rows: `raw_row_ids`)
    lists together, made by a rule that never joins names so listed: a name proposed when it was first listed, by
    a list that gave only one of the two, would otherwise stay on the review list after a list ingested later gave
    both, while ingested in another order it is never proposed. Returns the ids withdrawn."""
    if series not in (series_of("ice", "participating"), series_of("ice", "pending")):
        return []  # the registry's own lists are made from its agencies: two of them listed are no evidence
    waiting = _WAITING_APART.rows(conn, rules=list(_NEEDS_APART))
    if not waiting:
        return []
    listed = agencies_of_raw_rows(conn, raw_row_ids)
    withdrawn = [candidate_id for candidate_id, agency_id, other in waiting if agency_id in listed and live_survivor(conn, other) in listed - {agency_id}]
    withdraw(conn, withdrawn)
    return withdrawn


def withdraw_listed_together_anywhere(conn: Connection, agency_ids: set[int]) -> list[int]:
    """Withdraw the proposals waiting for review of one of `agency_ids` and an agency that one of ICE's lists held lists
    with it, made by a rule that never joins names so listed (as withdraw_listed_together does for the lists as they
    arrive): a name judged again where a list ingested late first gives it may be proposed with an agency a newer list
    gives beside it, a proposal that list withdrew, ingested in publication order. Returns the ids withdrawn."""
    waiting = [(c, a, live_survivor(conn, o)) for c, a, o in _WAITING_APART.rows(conn, rules=list(_NEEDS_APART)) if a in agency_ids or live_survivor(conn, o) in agency_ids]
    withdrawn = _listed_together(conn, waiting)
    withdraw(conn, withdrawn)
    return withdrawn


def unless_listed_together(conn: Connection, judgement: Judgement) -> Judgement:
    """judge_pair's proposal, withdrawn when one of ICE's lists held gives both agencies and the rule that made it never
    joins names so listed: in publication order that list withdrew it (withdraw_listed_together). Only this proposal:
    another of the two agencies waiting (one a removed alias entry reopened, say) is a reviewer's to decide."""
    if judgement.outcome != "proposed":
        return judgement
    waiting = [(c, a, live_survivor(conn, o)) for c, a, o in _WAITING_APART.rows(conn, rules=list(_NEEDS_APART)) if c == judgement.candidate_id]
    if not _listed_together(conn, waiting):
        return judgement
    withdraw(conn, [judgement.candidate_id])
    return Judgement("listed together", judgement.match)


def _listed_together(conn: Connection, waiting: list[tuple[int, int, int]]) -> list[int]:
    """The proposals (candidate, agency, other agency) whose two agencies one of ICE's lists held lists together."""
    runs: dict[int, list[tuple[str, int, int]]] = {}
    for agency, series, first, last in _RUNS_OF_AGENCIES.rows_in_chunks(conn, "agencies", sorted({x for _c, a, o in waiting for x in (a, o)})):
        runs.setdefault(agency, []).append((series, first, last))
    return [
        c for c, a, o in waiting
        if any(s == t and first <= other_last and other_first <= last for s, first, last in runs.get(a, ()) for t, other_first, other_last in runs.get(o, ()))
    ]


def withdraw(conn: Connection, candidate_ids: list[int]) -> None:
    """Take proposals waiting for review off the list: the rules no longer make them (a list ingested since shows
    it). Nothing was decided, so nothing is kept: ingested in publication order, they are never made."""
    if candidate_ids:
        _untie(conn, candidate_ids)
        _WITHDRAW.rows_in_chunks(conn, "ids", candidate_ids)


def _untie(conn: Connection, candidate_ids: list[int]) -> None:
    """The other proposals of a withdrawn proposal's tie (the same name, the evidence's "tied_with": matching.with_tie)
    no longer name its agency: the name is not as close to it now, a reviewer is not told of a tie that is gone, and
    an accepted proposal's merge does not carry one into its evidence. A proposal left with no other loses the key,
    as one never tied has none."""
    gone: dict[int, set[int]] = {}  # name -> the agencies its withdrawn proposals named
    for name_id, agency_id in _NAME_AND_AGENCY.rows_in_chunks(conn, "ids", candidate_ids):
        gone.setdefault(name_id, set()).add(agency_id)
    withdrawn = set(candidate_ids)
    restated = []
    for candidate_id, name_id, evidence in _PROPOSALS_OF_NAMES.rows_in_chunks(conn, "names", sorted(gone)):
        tied_with = (evidence or {}).get("tied_with") or []
        if candidate_id in withdrawn or not set(tied_with) & gone[name_id]:
            continue
        kept = [a for a in tied_with if a not in gone[name_id]]
        evidence = {k: v for k, v in evidence.items() if k != "tied_with"}
        restated.append({"_id": candidate_id, "evidence": dict(evidence, tied_with=kept) if kept else evidence})
    _RESTATE_EVIDENCE.many(conn, restated)


# Core statements (g287.db.plain), as every statement an ingest runs: one built from ORM attributes configures every
# mapper first, some 10 ms a process (tests/test_plain_statements.py).
_candidates = IdentityCandidate.__table__.c
_names = AgencyName.__table__.c
_runs = ListingRun.__table__.c
_WAITING_APART = plain(
    select(_candidates.id, _names.agency_id, _candidates.candidate_agency_id)
    .join(AgencyName.__table__, _names.id == _candidates.agency_name_id)
    .where(_candidates.status == "pending", _candidates.rule.in_(bindparam("rules", expanding=True)))
    .order_by(_candidates.id)
)
_RUNS_OF_AGENCIES = plain(
    select(_names.agency_id, _runs.series, _runs.first_seq, _runs.last_seq)
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, RawRow.__table__.c.id == _runs.raw_row_id)
    .join(AgencyName.__table__, _names.id == RawRow.__table__.c.agency_name_id)
    .where(_runs.series.in_([series_of("ice", "participating"), series_of("ice", "pending")]), _names.agency_id.in_(bindparam("agencies", expanding=True)))
)
_WITHDRAW = plain(delete(IdentityCandidate.__table__).where(_candidates.id.in_(bindparam("ids", expanding=True))))
_NAME_AND_AGENCY = plain(select(_candidates.agency_name_id, _candidates.candidate_agency_id).where(_candidates.id.in_(bindparam("ids", expanding=True))))
_PROPOSALS_OF_NAMES = plain(
    select(_candidates.id, _candidates.agency_name_id, _candidates.evidence).where(_candidates.agency_name_id.in_(bindparam("names", expanding=True))).order_by(_candidates.id)
)
_RESTATE_EVIDENCE = plain(update(IdentityCandidate.__table__).where(_candidates.id == bindparam("_id")), columns=("evidence",))
