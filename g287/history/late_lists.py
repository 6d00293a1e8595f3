"""A list ingested after newer ones: the identity rules' merges and proposals made as publication order makes them.

A merge by a rule that needs continuity (identity.toml: suffix, spelling_with_continuity) joined a name first
listed by a publication to a name of the publication before it, the same agreements (model and signed date)
passing from one to the other, the older name no longer listed. A list ingested later may fall between the two:
in publication order the newer name was then first listed beside the older one, or the list before its first
listing no longer gives those agreements under the older name, and the ingest in that order never joins them; or
it is a pending list giving the newer name before any participating list does, and the name, known then, is not
new where the participating list first gives it (only new names are compared). Such a merge is undone (recorded
as undone by the identity rules, with the reason), and the two names are judged again as the ingest of the newer
one would have (pair_rules.judge_pair: left apart or proposed for review; not proposed when a list held gives both
names, as that list withdrew the proposal in publication order). A proposal by continuity waiting for
review is withdrawn on the same grounds, and the pair judged again. A known name the list is now the first to give
is compared with the agencies there, as that ingest compared it new (judge_first_listings_again). A merge the lists
still support is left as it is, so lists ingested in order change nothing. Only the rules' own merges (actor
system:identity) with continuity in their evidence are judged, and the alias table decides first in every judgement:
a person's merge (a review accepted, an alias added) is that person's decision, even when its evidence gives
continuity, and the alias table's needs none.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam, func, select

from g287.db.models.history import IdentityCandidate, IdentityMerge
from g287.db.models.registry import Agency, AgencyName, ListingRun, Publication, RawRow, series_of
from g287.db.plain import plain
from g287.history.identity import SYSTEM, agreements_at, live_survivor, resolve_new_agencies, unmerge
from g287.history.names import compare
from g287.history.pair_rules import agency_of_name, judge_pair, withdraw, withdraw_listed_together_anywhere
from g287.registry.agencies import agencies_of_raw_rows
from g287.registry.publications import half_rank, order_key

# Continuity is a signed date passing between names: only ICE's participating list gives signed dates.
PARTICIPATING = series_of("ice", "participating")
PENDING = series_of("ice", "pending")

_merges = IdentityMerge.__table__.c
_names = AgencyName.__table__.c
_agencies = Agency.__table__.c
_raw_rows = RawRow.__table__.c
_runs = ListingRun.__table__.c
_publications = Publication.__table__.c
_candidates = IdentityCandidate.__table__.c

_LIVE_SYSTEM_MERGES = plain(
    select(_merges.id, _merges.from_agency_id, _merges.to_agency_id, _merges.agency_name_id, _merges.evidence)
    .where(_merges.actor == SYSTEM, _merges.undone_at.is_(None))
    .order_by(_merges.id)
)
_NAMES_OF_AGENCY = plain(select(_names.id, _names.name).where(_names.agency_id == bindparam("agency")).order_by(_names.id))
_STATE_OF = plain(select(_agencies.state_usps).where(_agencies.id == bindparam("agency")))
_RUNS_OF_NAMES = plain(
    select(_raw_rows.agency_name_id, _raw_rows.model, _raw_rows.signed_on, _runs.first_seq, _runs.last_seq)
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, _raw_rows.id == _runs.raw_row_id)
    .where(_runs.series == bindparam("series"), _raw_rows.agency_name_id.in_(bindparam("names", expanding=True)))
)
_WAITING_PROPOSALS = plain(
    select(_candidates.id, _names.agency_id, _candidates.candidate_agency_id, _candidates.evidence)
    .join(AgencyName.__table__, _names.id == _candidates.agency_name_id)
    .where(_candidates.status == "pending")
    .order_by(_candidates.id)
)
_LATEST_SEQ = plain(select(func.max(_publications.seq)).where(_publications.series == bindparam("series")))
_MOMENT_OF = plain(select(_publications.published_on, _publications.half).where(_publications.series == bindparam("series"), _publications.seq == bindparam("seq")))


def is_late(conn, event) -> bool:
    """Whether a list of ICE's is older than one held: of its own series, or of ICE's other list (a name the pending
    list gives first is not new when the participating list first gives it, and the other way round)."""
    if event.origin != "ice":
        return False
    if not event.is_latest:
        return True
    other = {PENDING: PARTICIPATING, PARTICIPATING: PENDING}.get(event.series)
    latest = _LATEST_SEQ.rows(conn, series=other)[0][0] if other else None
    return latest is not None and _moment(conn, event.series, event.seq) < _moment(conn, other, latest)


def _moment(conn, series: str, seq: int) -> tuple:
    """When a list was published, by date and half (am before pm), as the pending and participating lists compare."""
    [(published_on, half)] = _MOMENT_OF.rows(conn, series=series, seq=seq)
    return (published_on, half_rank(half))


def _list_of(conn, series: str, seq: int) -> str:
    """A list as a reader names it: its date, and its half of the day when it has one (two lists of a day)."""
    [(published_on, half)] = _MOMENT_OF.rows(conn, series=series, seq=seq)
    return f"{published_on} {half}" if half else str(published_on)


def recheck_continuity_merges(conn, series: str, seq: int) -> list[int]:
    """After a list of `series` was ingested at `seq`, older than some held: undo each automatic continuity merge
    that publication order would not have made, and judge its two names again. Returns the merges undone."""
    if series not in (PARTICIPATING, PENDING):
        return []
    by_pair: dict[tuple[int, int], tuple[int, list[int]]] = {}  # (absorbed, survivor) -> (first merge row, its names)
    for merge_id, absorbed, survivor, name_id, evidence in _LIVE_SYSTEM_MERGES.rows(conn):
        if (evidence or {}).get("continuity"):
            by_pair.setdefault((absorbed, survivor), (merge_id, []))[1].append(name_id)
    undone = []
    for (absorbed, survivor), (merge_id, absorbed_name_ids) in sorted(by_pair.items(), key=lambda item: item[1][0]):
        names = dict(_NAMES_OF_AGENCY.rows(conn, agency=live_survivor(conn, survivor)))
        sides = ({i: names[i] for i in absorbed_name_ids if i in names}, {i: n for i, n in names.items() if i not in absorbed_name_ids})
        verdict = _not_in_publication_order(conn, series, seq, *sides)
        if verdict is None:
            continue
        why, newer_name, older_name = verdict
        unmerge(conn, merge_id, SYSTEM, f"in publication order, with the list of {_list_of(conn, series, seq)} ingested since: {why}")
        undone.append(merge_id)
        _judge_again(conn, _STATE_OF.rows(conn, agency=absorbed)[0][0], newer_name, older_name)
    return undone


def withdraw_continuity_proposals(conn, series: str, seq: int) -> list[int]:
    """After a list of `series` was ingested at `seq`, older than some held: withdraw each proposal waiting for review
    whose evidence is continuity that publication order would not give (as recheck_continuity_merges judges a
    merge), and judge its two names again (pair_rules.judge_pair: spelled alike, they may be proposed without it).
    Returns the proposals withdrawn. A decided proposal is a person's decision, and is left as it is."""
    if series not in (PARTICIPATING, PENDING):
        return []
    withdrawn = []
    for candidate_id, agency, other, evidence in _WAITING_PROPOSALS.rows(conn):
        other = live_survivor(conn, other)
        if not (evidence or {}).get("continuity") or agency == other:
            continue
        sides = (dict(_NAMES_OF_AGENCY.rows(conn, agency=agency)), dict(_NAMES_OF_AGENCY.rows(conn, agency=other)))
        verdict = _not_in_publication_order(conn, series, seq, *sides)
        if verdict is None:
            continue
        _why, newer_name, older_name = verdict
        withdraw(conn, [candidate_id])
        withdrawn.append(candidate_id)
        _judge_again(conn, _STATE_OF.rows(conn, agency=agency)[0][0], newer_name, older_name)
    return withdrawn


def _judge_again(conn, state, newer_name: str, older_name: str) -> None:
    """Judge two names again where the newer one was first listed (pair_rules.judge_pair); a proposal so made is
    withdrawn when a list held gives both names: in publication order that list withdrew it (withdraw_listed_together)."""
    if judge_pair(conn, state, newer_name, older_name).outcome == "proposed":
        withdraw_listed_together_anywhere(conn, {agency_of_name(conn, state, newer_name), agency_of_name(conn, state, older_name)})


def _not_in_publication_order(conn, late_series: str, late_seq: int, side: dict[int, str], other_side: dict[int, str]) -> tuple[str, str, str] | None:
    """Why the ingest in publication order would not join the two sides' names by continuity (with the newer side's
    first name and the older side's), with the list of `late_series` at `late_seq` held, or None when it would, or
    when the participating lists cannot tell."""
    if not side or not other_side:
        return None
    series = PARTICIPATING
    runs: dict[int, list[tuple]] = defaultdict(list)
    for name_id, model, signed, first, last in _RUNS_OF_NAMES.rows(conn, series=series, names=sorted(side.keys() | other_side.keys())):
        runs[name_id].append((model, signed, first, last))

    def first_listed(names: dict[int, str]) -> int | None:
        return min((first for i in names for _m, _s, first, _l in runs[i]), default=None)

    firsts = (first_listed(side), first_listed(other_side))
    if None in firsts:
        return None  # one side is not listed in this series: not a merge these lists made
    newer, older = (side, other_side) if firsts[0] >= firsts[1] else (other_side, side)
    first = max(firsts)
    # Named in the reason, and judged again: the newer side's name its first list gives, and the older side's name
    # listed last up to that list.
    newer_name = next(newer[i] for i in newer if any(f == first for _m, _s, f, _l in runs[i]))
    older_name = older[max(older, key=lambda i: max((min(last, first) for _m, _s, f, last in runs[i] if f <= first), default=0))]

    def listed_at(names: dict[int, str], seq: int) -> list[tuple]:
        return [(m, s) for i in names for m, s, f, last in runs[i] if f <= seq <= last]

    if late_series == PENDING:
        # A name the pending list gives first is known when the participating list first gives it: not new there,
        # it is compared with no agency then, and no continuity joins it (resolve_new_agencies judges new names).
        pending = _RUNS_OF_NAMES.rows(conn, series=PENDING, names=sorted(newer))
        if _moment(conn, PENDING, late_seq) < _moment(conn, series, first) and any(f <= late_seq <= last for _i, _m, _s, f, last in pending):
            why = f"the pending list of {_list_of(conn, PENDING, late_seq)} gives {newer_name!r} before the list of {_list_of(conn, series, first)}, the first participating list to give it"
            return why, newer_name, older_name
        return None  # the participating lists are as they were
    if listed_at(older, first):
        return f"the list of {_list_of(conn, series, first)}, the first to give {newer_name!r}, gives {older_name!r} too", newer_name, older_name
    # The older side was listed first, and not by the newer side's first list: that list has one before it.
    passed = {(m, s) for m, s in listed_at(newer, first) if m and s} & {(m, s) for m, s in listed_at(older, first - 1) if m and s}
    if not passed:
        first_list, before = _list_of(conn, series, first), _list_of(conn, series, first - 1)
        why = f"the list of {first_list} is the first to give {newer_name!r}; the list before it ({before}) gives none of its agreements under {older_name!r}"
        return why, newer_name, older_name
    return None


def judge_first_listings_again(conn, event) -> None:
    """After a list older than some held (ICE's `event`): compare its new agencies, and the known ones whose every
    name it is now the first of ICE's lists to give (up to its key), with the agencies, as the ingest in publication
    order would have when it created them. Against an agency first listed before this list, as any new name is
    (identity.resolve_new_agencies: continuity from the list before, spelling, normalization); a new name also by
    continuity with the next list, against an agency that list is the first to give (its ingest compared that
    agency's name, new there, with this list's), never one a list before this gives. An agency first
    listed after it was, in that order, created later and compared then, where it was first listed: that pair is
    judged as that ingest would have judged it (pair_rules.judge_pair), if the two share an agreement between this
    list and the next or their names are spelled alike. The alias table decides first, in both (a review's decision
    is written there).

    A known agency holding a name first listed by another list is left as it is: it was joined since (by a rule, an
    alias or a person), and judging the group would compare names an ingest never compared (as judge_pair does)."""
    series, seq = event.series, event.seq
    if series not in (PENDING, PARTICIPATING):
        resolve_new_agencies(conn, event.publication_id, series, seq, event.new_agency_ids)
        return
    known = agencies_of_raw_rows(conn, event.listed_raw_row_ids) - set(event.new_agency_ids)
    first = _first_listings(_FIRST_LISTINGS_OF_AGENCIES.rows_in_chunks(conn, "agencies", sorted(known)))
    keys: dict[int, set[str]] = defaultdict(set)
    for agency, key in _KEYS_OF_AGENCIES.rows_in_chunks(conn, "agencies", sorted(known)):
        keys[agency].add(key)
    again = [a for a in sorted(known) if keys[a] and all(first.get((a, k), (None,))[1:] == (series, seq) for k in keys[a])]
    state_of = dict(_STATES_OF_AGENCIES.rows_in_chunks(conn, "agencies", sorted([*event.new_agency_ids, *again])))
    first_of_agency = _first_listing_of_agencies(conn, set(state_of.values()))
    # Continuity backwards joins a name of this list only to an agency the next list is the first to give: publication
    # order compares that agency's name with this list's there, as new; a name known before it is not compared.
    first_given_next = {a for a, listing in first_of_agency.items() if listing[1:] == (series, seq + 1)}
    if not again:
        resolve_new_agencies(conn, event.publication_id, series, seq, event.new_agency_ids, first_given_next=first_given_next)
        return
    here = first[(again[0], min(keys[again[0]]))][0]
    later = {a for a, listing in first_of_agency.items() if listing[0] > here}
    later_in_state: dict[str | None, set[int]] = defaultdict(set)
    for agency, state in _STATES_OF_AGENCIES.rows_in_chunks(conn, "agencies", sorted(later)):
        later_in_state[state].add(agency)
    resolve_new_agencies(conn, event.publication_id, series, seq, sorted([*event.new_agency_ids, *again]), {a: later for a in again}, first_given_next)
    (_listed_now, arrived), _before, after = agreements_at(conn, series, seq, set(state_of.values()))
    for agency in again:
        agency_now = live_survivor(conn, agency)  # joined just now to an agency first listed before, perhaps
        names = _live_names_of(conn, later_in_state[state_of[agency]] | {agency_now})
        for other in sorted(later_in_state[state_of[agency]] & names.keys()):
            if other == agency_now:
                continue
            passing = arrived.get(agency, set()) & (after.get(other, set()) - arrived.get(other, set()))
            if passing or any(compare(n, o, continuity=False, co_listed=False) for n in names[other] for o in names[agency_now]):
                judge_pair(conn, state_of[agency], names[other][0], names[agency_now][0])
    withdraw_listed_together_anywhere(conn, {live_survivor(conn, agency) for agency in again})


def _first_listings(rows) -> dict[tuple[int, str], tuple]:
    """(agency, key) -> (order published, series, seq) of the first of ICE's lists to give a name of that key."""
    first: dict[tuple[int, str], tuple] = {}
    for agency, key, listed_series, first_seq, *moment in rows:
        listing = (order_key(*moment), listed_series, first_seq)
        if (agency, key) not in first or listing < first[(agency, key)]:
            first[(agency, key)] = listing
    return first


def _first_listing_of_agencies(conn, states) -> dict[int, tuple]:
    """Agency of `states` -> (order published, series, seq) of the first of ICE's lists to give one of its names."""
    first_of_agency: dict[int, tuple] = {}
    if states:
        for (agency, _key), listing in _first_listings(_FIRST_LISTINGS_IN_STATES.rows(conn, states=sorted(states, key=str))).items():
            first_of_agency[agency] = min(first_of_agency.get(agency, listing), listing)
    return first_of_agency


def _live_names_of(conn, agency_ids) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    for agency, name in _NAMES_OF_AGENCIES.rows_in_chunks(conn, "agencies", sorted(agency_ids)):
        names[agency].append(name)
    return dict(names)


_KEYS_OF_AGENCIES = plain(select(_names.agency_id, _names.key).where(_names.agency_id.in_(bindparam("agencies", expanding=True))))
_NAMES_OF_AGENCIES = plain(select(_names.agency_id, _names.name).where(_names.agency_id.in_(bindparam("agencies", expanding=True))).order_by(_names.id))
_STATES_OF_AGENCIES = plain(select(_agencies.id, _agencies.state_usps).where(_agencies.id.in_(bindparam("agencies", expanding=True))))
_FIRST_LISTINGS = (
    select(
        _names.agency_id, _names.key, _runs.series, _runs.first_seq,
        _publications.published_on, _publications.half, _publications.source_modified_at, _publications.imported_at, _publications.id,
    )
    .select_from(AgencyName.__table__)
    .join(RawRow.__table__, _raw_rows.agency_name_id == _names.id)
    .join(ListingRun.__table__, _runs.raw_row_id == _raw_rows.id)
    .join(Publication.__table__, (_publications.series == _runs.series) & (_publications.seq == _runs.first_seq))
    .where(_runs.series.in_([PENDING, PARTICIPATING]))
)
_FIRST_LISTINGS_OF_AGENCIES = plain(_FIRST_LISTINGS.where(_names.agency_id.in_(bindparam("agencies", expanding=True))))
_FIRST_LISTINGS_IN_STATES = plain(_FIRST_LISTINGS.where(_names.state_usps.in_(bindparam("states", expanding=True))))
