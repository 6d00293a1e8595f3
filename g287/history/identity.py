"""One agency across publications: joining the names ICE publishes it under, and undoing a join.

On every ingest, each agency created for a name never seen before is compared with the known agencies of its
state (names.compare). The reviewed alias table decides first; a match at or above the threshold is merged,
recording its rule, confidence and evidence; a weaker one waits in the review list. A merge never deletes
anything: the absorbed agency and its agreements point to the survivors (merged_into_id), so it can be undone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from g287.db.models.history import IdentityCandidate, IdentityMerge
from g287.db.models.registry import Agency, AgencyName, Agreement, ListingRun, Publication, RawRow, series_of
from g287.db.chunks import CHUNK
from g287.db.plain import plain
from g287.history import aliases
from g287.history.matching import alias_table_contradiction, alias_targets, index_names, keep_closest, normalization_matches, with_tie
from g287.history.names import Match, compare, compare_across_lists, core_key, identity_rules
from g287.history.refresh import give_agreements_to_listing_agencies, refresh
from g287.registry.names import agency_key
from g287.registry.publications import half_rank
from g287.sources.text import one_edit_apart

SYSTEM = "system:identity"


def resolve_new_agencies(
    conn: Connection, publication_id: int, series: str, seq: int, new_agency_ids: list[int], not_known_yet: dict[int, set[int]] | None = None, first_given_next: set[int] = frozenset()
) -> None:
    """Compare each newly created agency (or one whose names this list is now the first to give: late_lists) with the
    known agencies of its state, except those `not_known_yet` gives it (first listed after this list), and by
    continuity backwards with those the next list is the first to give (`first_given_next`); merge or propose. Then
    follow the agreements that left the pending list to the participating list (follow_pending_departures)."""
    _resolve_names(conn, publication_id, series, seq, new_agency_ids, not_known_yet or {}, first_given_next)
    follow_pending_departures(conn, publication_id, series, seq)


def _resolve_names(conn: Connection, publication_id: int, series: str, seq: int, new_agency_ids: list[int], not_known_yet: dict[int, set[int]], first_given_next: set[int]) -> None:
    if not new_agency_ids:
        return
    new = set(new_agency_ids)
    # Names are compared within a state only: only the states of the new agencies are read.
    states = {state for (state,) in _STATES_OF.rows(conn, ids=sorted(new))} if len(new) <= CHUNK else None
    names_of, state_of = _live_names(conn, states)
    (listed_now, arrived), before, after = agreements_at(conn, series, seq, states)
    departed = {a: pairs - arrived.get(a, set()) for a, pairs in before.items()}
    # A list older than some already held (ingested out of order): a name it brings may be the earlier name of an
    # agency the next list is the first to give, whose agreements this list gives under the old name (continuity,
    # backwards). Only then: publication order compares a name with the list before it where the name is new.
    arriving = {a: pairs - arrived.get(a, set()) for a, pairs in after.items() if a in first_given_next}
    departed_by_pair: dict[tuple, set[int]] = defaultdict(set)
    for neighbours in (departed, arriving):
        for neighbour_id, pairs in neighbours.items():
            for pair in pairs:
                departed_by_pair[pair].add(neighbour_id)
    alias_table = aliases.load()
    rules = identity_rules()
    by_state: dict[str | None, list[int]] = defaultdict(list)
    for agency_id, state in state_of.items():
        by_state[state].append(agency_id)
    # Normalized keys of every known name, per state: joins by the normalization rules are dictionary lookups.
    index: dict[tuple[str | None, str], list[int]] = {}
    by_length: dict[tuple[str | None, int], list[tuple[int, str]]] = defaultdict(list)  # (agency, core key): for spelling candidates
    for agency_id, state in state_of.items():
        if agency_id not in new:
            index_names(index, state, agency_id, names_of[agency_id])
            if agency_id not in listed_now:  # an agency listed now is never a candidate for the evidence rules below
                for known_name in names_of[agency_id]:
                    core = core_key(known_name)
                    by_length[(state, len(core))].append((agency_id, core))
    # Survivors are refreshed once, after every merge: an agency created by this publication has no agreements
    # yet (they are derived after the processors), so no merge here reads what a refresh would change.
    survivors: set[int] = set()
    for agency_id in sorted(new):
        state = state_of[agency_id]
        name = names_of[agency_id][0]
        targets, blocked = alias_targets(alias_table, state, name, by_state[state], state_of, names_of, agency_id)
        if len(targets) == 1 and not targets.keys() & blocked:
            [target] = targets
            merge(conn, agency_id, target, Match("alias", 1.0), {"alias": f"{state}: {name!r} is {names_of[target][0]!r}"}, SYSTEM, publication_id, refresh_survivor=False)
            survivors.add(target)
            del state_of[agency_id]
            continue
        if targets:
            # The table contradicts itself or the database: the name is names that several agencies hold, or is and
            # is not one agency's names. Joining one would be a guess by order: each pair waits for review, a tie.
            said = alias_table_contradiction(alias_table, state, name, targets, names_of)
            for other in targets:
                evidence = {"alias": said, "names": [name, targets[other][0]], "continuity": [], "listed_together": other in listed_now}
                propose(conn, state, agency_id, other, Match("alias_contradiction", 1.0), with_tie(evidence, other, list(targets)), publication_id)
            index_names(index, state, agency_id, names_of[agency_id])
            continue
        blocked = blocked | not_known_yet.get(agency_id, set())
        # The closest known agencies: several when the name is as close to each (never one of them by row order).
        closest = normalization_matches(index, state, name, agency_id, blocked, names_of, listed_now)
        if not closest:
            # The other rules need evidence: agreements passing from a departed name (continuity), or a name one
            # letter off. Names listed together are two agencies unless normalization says otherwise.
            core = core_key(name)
            mine = arrived.get(agency_id, set())
            # Without continuity, compare() joins only names whose core keys are equal or one letter apart: the
            # agencies with such a name are the only candidates without it.
            spelled_alike = {a for delta in (-1, 0, 1) for a, old in by_length.get((state, len(core) + delta), ()) if old == core or one_edit_apart(core, old)}
            others = {a for pair in mine for a in departed_by_pair.get(pair, ())} | spelled_alike
            for other in sorted(others):
                if other == agency_id or state_of.get(other) != state or other in blocked or other in new or other in listed_now:
                    continue
                common = mine & departed.get(other, set()) if mine else set()
                later = not common and bool(mine & arriving.get(other, set()))  # the other's name is the newer one
                if later:
                    common = mine & arriving[other]
                if not common and other not in spelled_alike:
                    continue
                evidence_pairs = sorted(common, key=str)
                pairs_of_names = ((known, name) if later else (name, known) for known in names_of[other])  # (newer, older)
                match = max(
                    (m for m in (compare(newer, older, continuity=bool(evidence_pairs), co_listed=False) for newer, older in pairs_of_names) if m),
                    key=lambda m: m.confidence,
                    default=None,
                )
                if match:
                    evidence = {"names": [name, names_of[other][0]], "continuity": [{"model": m, "signed": str(s)} for m, s in evidence_pairs], "listed_together": False}
                    closest = keep_closest(closest, (match, other, evidence))
        if not closest or closest[0][0].confidence < rules.review_floor:
            index_names(index, state, agency_id, names_of[agency_id])
            continue
        if len(closest) == 1 and closest[0][0].confidence >= rules.threshold:
            match, other, evidence = closest[0]
            merge(conn, agency_id, other, match, evidence, SYSTEM, publication_id, refresh_survivor=False)
            survivors.add(other)
            del state_of[agency_id]
        else:
            # Below the threshold, or as likely any of several agencies: each pair waits for review, whatever the
            # confidence (merging one would be a guess by row order; the reviewer chooses).
            tie = [other for _m, other, _e in closest]
            for match, other, evidence in closest:
                propose(conn, state, agency_id, other, match, with_tie(evidence, other, tie), publication_id)
            index_names(index, state, agency_id, names_of[agency_id])
    refresh(conn, sorted(survivors))


# Columns of the tables the plain statements below use (Core, not ORM attributes: see g287.db.plain).
_agencies = Agency.__table__.c
_agency_names = AgencyName.__table__.c
_agreements = Agreement.__table__.c
_raw_rows = RawRow.__table__.c
_runs = ListingRun.__table__.c
_publications = Publication.__table__.c
_candidates = IdentityCandidate.__table__.c


class _InStates:
    """One query in three forms: for every state, for a list of states, and for a list that includes "no state"
    (compiled once each; see g287.db.plain)."""

    def __init__(self, query, column) -> None:
        states = bindparam("states", expanding=True)
        self.every = plain(query)
        self.listed = plain(query.where(column.in_(states)))
        self.listed_or_none = plain(query.where(or_(column.in_(states), column.is_(None))))

    def rows(self, conn: Connection, states: set[str | None] | None, **params) -> list[tuple]:
        """The rows whose column is one of `states` (None: every state; a None in it: no state)."""
        if states is None:
            return self.every.rows(conn, **params)
        known = sorted(s for s in states if s is not None)
        if None in states:
            return self.listed_or_none.rows(conn, states=known, **params)
        return self.listed.rows(conn, states=known, **params) if known else []


_LIVE_NAMES = _InStates(
    select(_agencies.id, _agencies.state_usps, _agency_names.name)
    .join(AgencyName.__table__, _agency_names.agency_id == _agencies.id)
    .where(_agencies.merged_into_id.is_(None))
    .order_by(_agency_names.id),
    _agencies.state_usps,
)


def _live_names(conn: Connection, states: set[str | None] | None = None) -> tuple[dict[int, list[str]], dict[int, str | None]]:
    """The names of every live agency of `states` (None: all), first name first, and the state of each agency.
    (A merged agency's names belong to its survivor, so every live agency has names.)"""
    names: dict[int, list[str]] = defaultdict(list)
    state_of: dict[int, str | None] = {}
    for agency_id, state, name in _LIVE_NAMES.rows(conn, states):
        names[agency_id].append(name)
        state_of[agency_id] = state
    return names, state_of


_AGREEMENTS_AT = _InStates(
    select(_agency_names.agency_id, _raw_rows.model, _raw_rows.signed_on, _runs.first_seq, _runs.last_seq)
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, _raw_rows.id == _runs.raw_row_id)
    .join(AgencyName.__table__, _agency_names.id == _raw_rows.agency_name_id)
    .where(_runs.series == bindparam("series"), _runs.first_seq <= bindparam("seq"), _runs.last_seq >= bindparam("before")),
    _raw_rows.state_usps,
)


def agreements_at(conn: Connection, series: str, seq: int, states: set[str | None] | None = None):
    """For the publication at `seq` (one query): the agencies (of `states`; None: all) it lists and their (model,
    signed date) pairs; and the pairs of the agencies the publications at `seq - 1` and `seq + 1` list."""
    now: tuple[set[int], dict[int, set[tuple[str, dt.date]]]] = (set(), defaultdict(set))
    before: dict[int, set[tuple[str, dt.date]]] = defaultdict(set)
    after: dict[int, set[tuple[str, dt.date]]] = defaultdict(set)
    for agency_id, model, signed, first_seq, last_seq in _AGREEMENTS_AT.rows(conn, states, series=series, seq=seq + 1, before=seq - 1):
        if first_seq <= seq <= last_seq:
            now[0].add(agency_id)
        if not (model and signed):
            continue
        for position, pairs in ((seq, now[1]), (seq - 1, before), (seq + 1, after)):
            if first_seq <= position <= last_seq:
                pairs[agency_id].add((model, signed))
    return now, before, after


_STATES_OF = plain(select(_agencies.state_usps).distinct().where(_agencies.id.in_(bindparam("ids", expanding=True))))
_LIVE_AGREEMENTS_OF = plain(select(_agreements.id, _agreements.model).where(_agreements.agency_id == bindparam("agency"), _agreements.merged_into_id.is_(None)).order_by(_agreements.id))
_JOIN_AGREEMENT = plain(update(Agreement.__table__).where(_agreements.id == bindparam("_id")), columns=("merged_into_id",))
_MOVE_AGREEMENT = plain(update(Agreement.__table__).where(_agreements.id == bindparam("_id")), columns=("agency_id",))
_NAME_IDS_OF = plain(select(_agency_names.id).where(_agency_names.agency_id == bindparam("agency")).order_by(_agency_names.id))
_NEW_MERGE = plain(
    insert(IdentityMerge.__table__),
    columns=("agency_name_id", "from_agency_id", "to_agency_id", "rule", "confidence", "evidence", "publication_id", "actor", "at"),
)
_REPOINT_NAMES = plain(update(AgencyName.__table__).where(_agency_names.agency_id == bindparam("absorbed")), columns=("agency_id", "rule", "confidence"))
_MARK_MERGED = plain(update(Agency.__table__).where(_agencies.id == bindparam("_id")), columns=("merged_into_id",))


def merge(
    conn: Connection, absorbed_id: int, survivor_id: int, match: Match, evidence: dict, actor: str, publication_id: int | None, *, refresh_survivor: bool = True
) -> None:
    """Attach every name of `absorbed_id` to `survivor_id`; its agreements join the survivor's. `refresh_survivor`:
    False when the caller refreshes the survivor itself (after several merges)."""
    now = dt.datetime.now(dt.timezone.utc)
    moved, joined = [], []
    survivor_agreements = {model: agreement_id for agreement_id, model in _LIVE_AGREEMENTS_OF.rows(conn, agency=survivor_id)}
    joins = []
    for agreement_id, model in _LIVE_AGREEMENTS_OF.rows(conn, agency=absorbed_id):
        if model in survivor_agreements:
            joins.append({"_id": agreement_id, "merged_into_id": survivor_agreements[model]})
            joined.append(agreement_id)
        else:
            moved.append(agreement_id)
    _JOIN_AGREEMENT.many(conn, joins)
    _MOVE_AGREEMENT.many(conn, [{"_id": agreement_id, "agency_id": survivor_id} for agreement_id in moved])
    evidence = dict(evidence, moved_agreements=moved, joined_agreements=joined)
    _NEW_MERGE.many(
        conn,
        [  # never empty: every live agency has a name
            {
                "agency_name_id": name_id, "from_agency_id": absorbed_id, "to_agency_id": survivor_id, "rule": match.rule,
                "confidence": match.confidence, "evidence": evidence, "publication_id": publication_id, "actor": actor, "at": now,
            }
            for (name_id,) in _NAME_IDS_OF.rows(conn, agency=absorbed_id)
        ],
    )
    _REPOINT_NAMES.many(conn, [{"absorbed": absorbed_id, "agency_id": survivor_id, "rule": match.rule, "confidence": match.confidence}])
    _MARK_MERGED.many(conn, [{"_id": absorbed_id, "merged_into_id": survivor_id}])
    if refresh_survivor:
        refresh(conn, [survivor_id])


def unmerge(conn: Connection, merge_id: int, actor: str, reason: str) -> int:
    """Undo a merge: the absorbed agency, its names and agreements stand alone again. Returns its id."""
    record = conn.execute(select(IdentityMerge).where(IdentityMerge.id == merge_id)).one()
    if record.undone_at is not None:
        return record.from_agency_id
    siblings = conn.execute(
        select(IdentityMerge.id, IdentityMerge.agency_name_id).where(
            IdentityMerge.from_agency_id == record.from_agency_id, IdentityMerge.to_agency_id == record.to_agency_id, IdentityMerge.undone_at.is_(None)
        )
    ).all()
    evidence = record.evidence or {}
    for agreement_id in evidence.get("moved_agreements", []):
        conn.execute(update(Agreement).where(Agreement.id == agreement_id).values(agency_id=record.from_agency_id))
    for agreement_id in evidence.get("joined_agreements", []):
        conn.execute(update(Agreement).where(Agreement.id == agreement_id).values(merged_into_id=None))
    name_ids = [name_id for _id, name_id in siblings]
    conn.execute(update(AgencyName).where(AgencyName.id.in_(name_ids)).values(agency_id=record.from_agency_id, rule="separated", confidence=1.0))
    # Names listed since under a key of the separated names were attached by that key to the agency that held them
    # then: they go with them, or two live agencies would hold one key (and a later name of it go to either).
    moved = conn.execute(select(AgencyName.state_usps, AgencyName.key).where(AgencyName.id.in_(name_ids))).all()
    for state, key in set(moved):
        conn.execute(
            update(AgencyName)
            .where(AgencyName.state_usps.is_(state) if state is None else AgencyName.state_usps == state, AgencyName.key == key, AgencyName.id.not_in(name_ids))
            .values(agency_id=record.from_agency_id)
        )
    conn.execute(update(Agency).where(Agency.id == record.from_agency_id).values(merged_into_id=None))
    now = dt.datetime.now(dt.timezone.utc)
    conn.execute(update(IdentityMerge).where(IdentityMerge.id.in_([i for i, _n in siblings])).values(undone_at=now, undone_by=actor, undone_reason=reason))
    # The agency holding the other names now (the survivor, or one it was merged into since) keeps the agreements
    # created from the separated names' listings while they were one: they go with those names.
    survivor = live_survivor(conn, record.to_agency_id)
    give_agreements_to_listing_agencies(conn, [record.from_agency_id, survivor])
    refresh(conn, sorted({record.from_agency_id, record.to_agency_id, survivor}))
    return record.from_agency_id


_MERGED_INTO = plain(select(_agencies.merged_into_id).where(_agencies.id == bindparam("agency")))


def live_survivor(conn: Connection, agency_id: int) -> int:
    """The live agency `agency_id` is, following merges."""
    seen = {agency_id}
    while (merged_into := _MERGED_INTO.rows(conn, agency=agency_id)[0][0]) is not None and merged_into not in seen:
        agency_id = merged_into
        seen.add(agency_id)
    return agency_id


_CANDIDATE_OF_PAIR = plain(select(_candidates.id).where(_candidates.agency_name_id == bindparam("name_id"), _candidates.candidate_agency_id == bindparam("other")))
_NEW_CANDIDATE = plain(
    insert(IdentityCandidate.__table__),
    columns=("state_usps", "agency_name_id", "candidate_agency_id", "rule", "confidence", "evidence", "publication_id", "status", "created_at"),
)


def propose(conn: Connection, state: str | None, agency_id: int, other: int, match: Match, evidence: dict, publication_id: int | None) -> None:
    """Put a merge below the threshold on the review list (once; a decided pair is never proposed again)."""
    name_id = _NAME_IDS_OF.rows(conn, agency=agency_id)[0][0]  # the agency's first name: every live agency has one
    if _CANDIDATE_OF_PAIR.rows(conn, name_id=name_id, other=other):
        return
    _NEW_CANDIDATE.many(
        conn,
        [
            {
                "state_usps": state, "agency_name_id": name_id, "candidate_agency_id": other, "rule": match.rule, "confidence": match.confidence,
                "evidence": evidence, "publication_id": publication_id, "status": "pending", "created_at": dt.datetime.now(dt.timezone.utc),
            }
        ],
    )


# Following an agreement from the pending list to the participating list under another name.
_ICE_PARTICIPATING = series_of("ice", "participating")
_ICE_PENDING = series_of("ice", "pending")
_PUBLICATION_MOMENTS = plain(select(_publications.series, _publications.seq, _publications.published_on, _publications.half))
_LATEST_SEQ = plain(select(func.max(_publications.seq)).where(_publications.series == bindparam("series")))
_STATES_OF_RUNS = plain(
    select(_raw_rows.state_usps)
    .distinct()
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, _raw_rows.id == _runs.raw_row_id)
    .where(_runs.series == bindparam("series"), or_(_runs.first_seq == bindparam("seq"), _runs.last_seq == bindparam("ended")))
)
_RUNS_OF_BOTH_LISTS = _InStates(
    select(_agency_names.agency_id, _raw_rows.state_usps, _agency_names.name, _runs.series, _raw_rows.model, _raw_rows.signed_on, _runs.first_seq, _runs.last_seq)
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, _raw_rows.id == _runs.raw_row_id)
    .join(AgencyName.__table__, _agency_names.id == _raw_rows.agency_name_id)
    .where(_runs.series.in_([_ICE_PENDING, _ICE_PARTICIPATING]))
    .order_by(_agency_names.id),
    _raw_rows.state_usps,
)
_CANDIDATES_IN_STATES = _InStates(
    select(_candidates.id, _agency_names.agency_id, _candidates.candidate_agency_id, _candidates.status, _candidates.evidence)
    .join(AgencyName.__table__, _agency_names.id == _candidates.agency_name_id),
    _candidates.state_usps,
)
_WITHDRAW_CANDIDATE = plain(delete(IdentityCandidate.__table__).where(_candidates.id == bindparam("_id")))
_RESTATE_CANDIDATE = plain(update(IdentityCandidate.__table__).where(_candidates.id == bindparam("_id")), columns=("rule", "confidence", "evidence"))
# Agreements that left the pending list (a later pending list omits them), and which of their agencies' models are
# listed as participating: the rest left unsigned, the only agreements a pending departure can follow.
_ENDED_PENDING = plain(
    select(_agency_names.agency_id, _raw_rows.model, _raw_rows.state_usps)
    .distinct()
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, _raw_rows.id == _runs.raw_row_id)
    .join(AgencyName.__table__, _agency_names.id == _raw_rows.agency_name_id)
    .where(_runs.series == _ICE_PENDING, _runs.last_seq < bindparam("latest_pending"))
)
_SIGNED_MODELS_OF = plain(
    select(_agency_names.agency_id, _raw_rows.model)
    .distinct()
    .select_from(AgencyName.__table__)
    .join(RawRow.__table__, _raw_rows.agency_name_id == _agency_names.id)
    .join(ListingRun.__table__, _runs.raw_row_id == _raw_rows.id)
    .where(_agency_names.agency_id.in_(bindparam("agencies", expanding=True)), _runs.series == _ICE_PARTICIPATING)
)
_WAITING_CANDIDATES = plain(select(_candidates.state_usps, _candidates.evidence).where(_candidates.status == "pending"))


def follow_pending_departures(conn: Connection, publication_id: int | None, series: str, seq: int, *, only_states: set[str | None] | None = None) -> None:
    """Evidence across ICE's two lists: an agreement left the pending list under one name while an agreement of its
    state and model was first listed as participating under another, between its first pending listing and the
    first pending list without it. Names the identity rules relate (identity.toml: pending_suffix...) are merged
    or proposed like any other pair; names listed together in one publication, or a pair proposed or decided
    already, never are. Looked for in the states where an agreement left the pending list unsigned or such a
    proposal waits; after a new latest list, only those of them where it began a listing or (a pending list) ended
    one; or, with `only_states`, in those of them."""
    if series not in (_ICE_PENDING, _ICE_PARTICIPATING):
        return  # the registry's own lists are made from its agreements: nothing to follow
    # Only where an agreement left the pending list unsigned, or a proposal of this kind waits (and may have to be
    # withdrawn), can anything change: every other state is left alone, and most ingests end here.
    left = _ENDED_PENDING.rows(conn, latest_pending=_LATEST_SEQ.rows(conn, series=_ICE_PENDING)[0][0] or 0)
    signed = set(_SIGNED_MODELS_OF.rows_in_chunks(conn, "agencies", sorted({agency for agency, _model, _state in left})))
    states = {state for agency, model, state in left if (agency, model) not in signed}
    states |= {state for state, evidence in _WAITING_CANDIDATES.rows(conn) if "pending" in (evidence or {})}
    if only_states is not None:  # asked about some states (an alias removed there): whatever the last list touched
        states &= only_states
    elif states and seq == _LATEST_SEQ.rows(conn, series=series)[0][0]:
        # A new latest list changes only the states where it began a listing or (a pending list) ended one.
        ended_seq = seq - 1 if series == _ICE_PENDING else -1
        states &= {state for (state,) in _STATES_OF_RUNS.rows(conn, series=series, seq=seq, ended=ended_seq)}
    if not states:
        return
    lists = _BothLists(conn, states)
    # A proposal made here (its evidence is a pending departure) that still waits for review and that the lists no
    # longer support (a list ingested since, older or newer, lists the pending agreement as signed under its own name,
    # say) is withdrawn, so that the same proposals come out of any ingest order. Decided pairs are never redone.
    waiting, settled = {}, set()
    for candidate_id, agency_id, other, status, evidence in _CANDIDATES_IN_STATES.rows(conn, states):
        if status == "pending" and "pending" in (evidence or {}):
            waiting[(agency_id, other)] = candidate_id
        else:
            settled |= {(agency_id, other), (other, agency_id)}
    found = lists.renamed_departures(settled)
    rules = identity_rules()
    # Merged: a match at the threshold, unless the arriving agency is as likely any of several departed ones (proposed).
    merging = {pair for pair, (match, _e) in found.items() if match.confidence >= rules.threshold and [a for a, _d in found].count(pair[0]) == 1}
    # Withdrawn: what the lists no longer support, and what they now support enough to merge (merged below).
    _WITHDRAW_CANDIDATE.many(
        conn, [{"_id": candidate_id} for pair, candidate_id in waiting.items() if pair not in found or pair in merging or found[pair][0].confidence < rules.review_floor]
    )
    survivors, restated = set(), []
    for (arriving, departed), (match, evidence) in sorted(found.items()):
        if (arriving, departed) in merging:
            merge(conn, arriving, departed, match, evidence, SYSTEM, publication_id, refresh_survivor=False)
            survivors.add(departed)
        elif match.confidence >= rules.review_floor and (arriving, departed) in waiting:
            # Still waiting: stated as the lists held now show it (a list ingested since may move its dates).
            restated.append({"_id": waiting[(arriving, departed)], "rule": match.rule, "confidence": match.confidence, "evidence": evidence})
        elif match.confidence >= rules.review_floor:
            propose(conn, lists.state_of[arriving], arriving, departed, match, evidence, publication_id)
    _RESTATE_CANDIDATE.many(conn, restated)
    refresh(conn, sorted(survivors))


def reconsider_departures(conn: Connection, state: str | None) -> None:
    """Propose again, in one state, the pairs the lists relate across a pending departure, as an ingest would: after
    the alias that joined (or parted) such a pair is removed, the pair is the identity rules' to judge again."""
    latest = _LATEST_SEQ.rows(conn, series=_ICE_PARTICIPATING)[0][0]
    if latest:
        follow_pending_departures(conn, None, _ICE_PARTICIPATING, latest, only_states={state})


class _BothLists:
    """Every listing of ICE's pending and participating lists in some states (None: all), by agency and model."""

    def __init__(self, conn: Connection, states: set[str | None] | None) -> None:
        # When each list was published, by date and half (am before pm): the window of a departure goes by both.
        self.moments = {(s, q): (published, half_rank(half)) for s, q, published, half in _PUBLICATION_MOMENTS.rows(conn)}
        self.dates = {key: moment[0] for key, moment in self.moments.items()}
        self.latest_pending = max((q for s, q in self.dates if s == _ICE_PENDING), default=0)
        self.names: dict[int, list[str]] = defaultdict(list)
        self.state_of: dict[int, str | None] = {}
        self.runs: dict[int, list[tuple[str, int, int]]] = defaultdict(list)  # every listing, any model: for "listed together"
        self.spans: dict[tuple[int, str, str], list[int]] = {}  # (agency, series, model) -> [first seq, last seq]
        self.signed: dict[tuple[int, str, str], dt.date | None] = {}  # (agency, series, model) -> the signed date first listed
        for agency_id, state, name, series, model, signed_on, first_seq, last_seq in _RUNS_OF_BOTH_LISTS.rows(conn, states):
            if name not in self.names[agency_id]:
                self.names[agency_id].append(name)
            self.state_of[agency_id] = state
            self.runs[agency_id].append((series, first_seq, last_seq))
            if model:
                key = (agency_id, series, model)
                span = self.spans.setdefault(key, [first_seq, last_seq])
                if first_seq <= span[0]:
                    span[0], self.signed[key] = first_seq, signed_on
                span[1] = max(span[1], last_seq)

    def renamed_departures(self, settled: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[Match, dict | None]]:
        """(arriving agency, departed agency) -> the identity rule relating their names, with its evidence (None for
        a match below the review floor): for each agency first listed as participating for a model, the pending
        agency it most likely is, or every one of them as likely (the reviewer chooses: never a guess by row order)."""
        arrivals: dict[tuple[str | None, str], list[tuple[int, tuple[dt.date, int]]]] = defaultdict(list)  # (agency, moment first listed)
        for (agency_id, series, model), (first_seq, _last) in self.spans.items():
            if series == _ICE_PARTICIPATING:
                arrivals[(self.state_of[agency_id], model)].append((agency_id, self.moments[(series, first_seq)]))
        alias_table = aliases.load()
        review_floor = identity_rules().review_floor
        best: dict[int, tuple[float, dict[int, tuple[Match, dict | None]]]] = {}  # arriving -> (confidence, {departed: match})
        for (agency_id, series, model), (first_seq, last_seq) in sorted(self.spans.items()):
            # An agreement that left the pending list (a later pending list omits it) and was never listed as signed.
            if series != _ICE_PENDING or last_seq >= self.latest_pending or (agency_id, _ICE_PARTICIPATING, model) in self.spans:
                continue
            state = self.state_of[agency_id]
            first_pending, left_by = self.moments[(series, first_seq)], self.moments[(series, last_seq + 1)]
            different = set().union(*(alias_table.different_from(state, n) for n in self.names[agency_id]))
            for other, listed in arrivals.get((state, model), ()):
                if not first_pending <= listed <= left_by or (other, agency_id) in settled or self.listed_together(agency_id, other):
                    continue
                if different & {agency_key(n) for n in self.names[other]}:
                    continue
                match = max((m for m in (compare_across_lists(new, old) for new in self.names[other] for old in self.names[agency_id]) if m), key=lambda m: m.confidence, default=None)
                if match is None or (other in best and (best[other][0] > match.confidence or agency_id in best[other][1])):
                    continue
                if other not in best or best[other][0] < match.confidence:
                    best[other] = (match.confidence, {})
                if match.confidence < review_floor:  # neither merged nor proposed: its evidence is never read
                    best[other][1][agency_id] = (match, None)
                    continue
                evidence = {
                    "names": [self.names[other][0], self.names[agency_id][0]],
                    "pending": {"model": model, "first_listed": str(first_pending[0]), "last_listed": str(self.dates[(series, last_seq)]), "not_on_the_list_of": str(left_by[0])},
                    "participating": {"model": model, "first_listed": str(listed[0]), "signed": str(self.signed[(other, _ICE_PARTICIPATING, model)] or "unknown")},
                    "listed_together": False,
                }
                best[other][1][agency_id] = (match, evidence)
        return {
            (other, agency_id): (match, with_tie(evidence, agency_id, list(departed)))
            for other, (_c, departed) in best.items()
            for agency_id, (match, evidence) in departed.items()
        }

    def listed_together(self, agency_id: int, other: int) -> bool:
        """Whether one publication lists both agencies (two agencies, unless a normalization rule says otherwise)."""
        return any(s == t and first <= other_last and other_first <= last for s, first, last in self.runs[agency_id] for t, other_first, other_last in self.runs[other])
