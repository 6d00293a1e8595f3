"""The life of each agreement (agency × model) across ICE's publications.

First listed as pending, first listed as participating, its signed date and every correction of it (with the
publication that made it), last listed, ended (absent from K consecutive participating publications, so a
one-off omission is not an end), reinstated, moved back to pending, and the pending lists that still listed it after
its first participating listing (stayed_pending).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy.orm import Session

from g287.config import env_count
from g287.history.listings import Run, SeriesPublication, publications, runs_of
from g287.registry.agencies import listing_rank
from g287.registry.publications import half_rank

AgreementKey = tuple[int, str]  # (agency id, model)


def end_after_default() -> int:
    """K: consecutive participating publications an agreement must be absent from to count as ended
    (G287_END_AFTER, default 2)."""
    return env_count("G287_END_AFTER", 2, 1, "publications")


@dataclass
class Lifecycle:
    agency_id: int
    model: str
    state: str | None
    name: str | None  # the latest name it was listed under
    status: str  # participating | omitted lately | ended | pending | left pending
    first_pending: dict | None = None
    last_pending: dict | None = None
    first_participating: dict | None = None
    last_participating: dict | None = None
    signed_on: dt.date | None = None
    signed_dates: list[dict] = field(default_factory=list)  # each value with the publication that brought it
    omissions: list[dict] = field(default_factory=list)  # absences from fewer than K lists in force
    ended: dict | None = None  # the first publication of the absence that ended it (when it has not come back)
    ends: list[dict] = field(default_factory=list)  # every end, reinstated or not
    reinstated: list[dict] = field(default_factory=list)
    back_to_pending: list[dict] = field(default_factory=list)
    # Pending lists later (by date and half) than its first participating listing that still listed it, in a stretch
    # of pending listings begun before it or the same half-day (one begun later is back_to_pending): a stale pending
    # entry, or a second agreement. Facts of the lists only: no other field or count depends on them.
    stayed_pending: list[dict] = field(default_factory=list)
    participating_publications: int = 0
    pending_publications: int = 0
    # The lists in force that list it, as K counts lists: a list and its re-issue of the same half-day are one.
    participating_lists_in_force: int = 0
    pending_lists_in_force: int = 0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["signed_on"] = self.signed_on.isoformat() if self.signed_on else None
        return data


def _intervals(runs: list[Run]) -> list[tuple[int, int]]:
    """Union of the runs' [first, last] seq ranges."""
    merged: list[list[int]] = []
    for first, last in sorted((r.first_seq, r.last_seq) for r in runs):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(a, b) for a, b in merged]


def _segments(runs: list[Run]) -> list[tuple[int, int, frozenset]]:
    """(first, last, signed dates listed) for the stretches in which the set of signed dates is constant."""
    bounds = sorted({r.first_seq for r in runs} | {r.last_seq + 1 for r in runs})
    result = []
    for start, stop in zip(bounds, bounds[1:]):
        values = frozenset(r.signed_on for r in runs if r.first_seq <= start and r.last_seq >= start)
        if values:
            result.append((start, stop - 1, values))
    return result


def lifecycles(
    session: Session, *, agency_ids: list[int] | None = None, end_after: int | None = None, origin: str = "ice", as_of: dt.date | None = None
) -> dict[AgreementKey, Lifecycle]:
    """Every agreement's lifecycle; with `as_of`, from the lists of both kinds published on or before that day only,
    as a database that ingested no later list would give it: the publications and the listing runs are cut at the
    last publication of each list by then, and every field below is computed from them alone."""
    k = end_after or end_after_default()
    participating = publications(session, "participating", origin, as_of)
    pending = publications(session, "pending", origin, as_of)
    by_seq_p = {p.seq: p for p in participating}
    by_seq_q = {p.seq: p for p in pending}
    last_p = participating[-1].seq if participating else 0
    last_q = pending[-1].seq if pending else 0
    runs_p: dict[AgreementKey, list[Run]] = defaultdict(list)
    runs_q: dict[AgreementKey, list[Run]] = defaultdict(list)
    for run in runs_of(session, "participating", origin, agency_ids=agency_ids, upto_seq=last_p if as_of is not None else None):
        if run.agency_id is not None and run.model:
            runs_p[(run.agency_id, run.model)].append(run)
    for run in runs_of(session, "pending", origin, agency_ids=agency_ids, upto_seq=last_q if as_of is not None else None):
        if run.agency_id is not None and run.model:
            runs_q[(run.agency_id, run.model)].append(run)
    in_force_upto = _in_force_upto(by_seq_p)
    pending_in_force_upto = _in_force_upto(by_seq_q)
    result = {}
    for key in set(runs_p) | set(runs_q):
        life = _lifecycle(key, runs_p.get(key, []), runs_q.get(key, []), by_seq_p, by_seq_q, last_p, last_q, k, in_force_upto)
        life.participating_lists_in_force = _lists_in_force(runs_p.get(key, []), in_force_upto)
        life.pending_lists_in_force = _lists_in_force(runs_q.get(key, []), pending_in_force_upto)
        result[key] = life
    return result


def _in_force_upto(by_seq: dict[int, SeriesPublication]) -> list[int]:
    """For each seq, how many publications up to it count toward K: the last of each date and half. A list ICE
    replaced the same half-day (07/03 pm, then its corrected __v2) is one list in force, as the figures take it, not
    two absences. (A running count: an absence over publications a to b counts upto[b] - upto[a - 1].)"""
    last: dict[tuple, int] = {}
    for seq, publication in by_seq.items():
        slot = (publication.published_on, publication.half)
        last[slot] = max(seq, last.get(slot, seq))
    counted = set(last.values())
    upto = [0] * (max(by_seq, default=0) + 1)
    for seq in range(1, len(upto)):
        upto[seq] = upto[seq - 1] + (seq in counted)
    return upto


def _lists_in_force(runs: list[Run], in_force_upto: list[int]) -> int:
    """How many lists in force list the runs' agreement: a list listing it that its re-issue of the same half-day
    replaced without it counts for none, and a list and its re-issue both listing it count once."""
    return sum(in_force_upto[b] - in_force_upto[a - 1] for a, b in _intervals(runs))


def _latest(runs: list[Run]) -> Run:
    return max(runs, key=lambda r: (r.last_seq, r.first_seq))


def _lifecycle(key, rp, rq, by_seq_p: dict[int, SeriesPublication], by_seq_q: dict[int, SeriesPublication], last_p, last_q, k, in_force_upto: list[int]) -> Lifecycle:
    agency_id, model = key
    latest = _latest(rp) if rp else _latest(rq)
    life = Lifecycle(agency_id=agency_id, model=model, state=latest.state, name=latest.name, status="pending")
    if rq:
        pending_intervals = _intervals(rq)
        life.first_pending = by_seq_q[pending_intervals[0][0]].ref
        life.last_pending = by_seq_q[pending_intervals[-1][1]].ref
        life.pending_publications = sum(b - a + 1 for a, b in pending_intervals)
    if rp:
        intervals = _intervals(rp)
        life.first_participating = by_seq_p[intervals[0][0]].ref
        life.last_participating = by_seq_p[intervals[-1][1]].ref
        life.participating_publications = sum(b - a + 1 for a, b in intervals)
        for (_a, b), (c, _d) in zip(intervals, intervals[1:]):
            # Counted as K is, in lists in force: a list and its re-issue of the same half-day (07/03 pm and its
            # __v2) both missing are one omission from one list, as a reader counts them, not two; missing from a
            # list replaced the same half-day by one that lists it is an omission from no list in force.
            in_force = in_force_upto[c - 1] - in_force_upto[b]
            absence = {"from": by_seq_p[b + 1].ref, "to": by_seq_p[c - 1].ref, "publications": c - b - 1, "lists_in_force": in_force}
            if in_force >= k:
                life.ends.append(by_seq_p[b + 1].ref)
                life.reinstated.append(by_seq_p[c].ref)
            else:
                life.omissions.append(absence)
        trailing = last_p - intervals[-1][1]
        if in_force_upto[last_p] - in_force_upto[intervals[-1][1]] >= k:
            life.ends.append(by_seq_p[intervals[-1][1] + 1].ref)
            life.ended = life.ends[-1]
            life.status = "ended"
        elif trailing > 0:
            life.status = "omitted lately"
        else:
            life.status = "participating"
        previous = None
        for first, _last, values in _segments(rp):
            if values != previous:
                shown = [v.isoformat() if v else None for v in sorted(values, key=lambda v: (v is None, v or dt.date.min))]
                # Always a list (one JSON type): two values at once when ICE listed the agreement twice with different dates.
                life.signed_dates.append({"signed": shown, "from": by_seq_p[first].ref})
                previous = values
        # The date the agreement itself carries (the ingest's choice among duplicate listings: listing_rank).
        life.signed_on = max((r for r in rp if r.last_seq == intervals[-1][1]), key=lambda r: listing_rank(r.moa_url, r.signed_on)).signed_on
        # Later by date and half (am before pm), as the pipeline orders the two lists: a pending list of the afternoon
        # after a participating list of the morning listed it back on the pending list.
        first = by_seq_p[intervals[0][0]]
        signed_moment = (first.published_on, half_rank(first.half))

        def later(seq: int) -> bool:
            return (by_seq_q[seq].published_on, half_rank(by_seq_q[seq].half)) > signed_moment

        for a, b in _intervals(rq) if rq else []:
            if later(a):
                life.back_to_pending.append(by_seq_q[a].ref)
            else:  # begun before it, or the same half-day (which came first is unknown): its later lists stayed
                life.stayed_pending.extend(by_seq_q[seq].ref for seq in range(a, b + 1) if later(seq))
    if rq and life.status != "participating" and _intervals(rq)[-1][1] == last_q:
        life.status = "pending"
    elif not rp:
        life.status = "left pending"
    return life
