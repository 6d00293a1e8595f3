"""The program over time: for each date, the figures of the participating and pending publications in force.

Figures per publication come from one sweep over the listing runs (a run adds its row at its first publication
and removes it after its last), so the cost grows with the number of changes, not publications × rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.orm import Session

from g287 import days as clock  # g287.days.today, looked up at each call (a test fixes the day there)
from g287.errors import G287Error
from g287.history.listings import Run, SeriesPublication, in_force_indexes, publications, runs_of
from g287.registry.figures import MODELS, states_and_territories
from g287.sources.rules import usps_code
from g287.wording import quoted

EVERY = ("day", "week", "month", "publication")


@dataclass
class Figures:
    moas: int
    agreements: int
    agencies: int
    states: int  # the 50 states and DC
    territories: int  # counted apart (figures.states_and_territories)
    by_model: dict[str, int]


def per_publication(pubs: list[SeriesPublication], run_list: list[Run], model: str | None = None) -> list[Figures]:
    """Figures of every publication of a series, by sweeping the runs once."""
    starts: dict[int, list[Run]] = {}
    stops: dict[int, list[Run]] = {}
    for run in run_list:
        if model and run.model != model:
            continue
        starts.setdefault(run.first_seq, []).append(run)
        stops.setdefault(run.last_seq + 1, []).append(run)
    rows = 0
    agreements: Counter = Counter()
    agencies: Counter = Counter()
    states: Counter = Counter()
    models: Counter = Counter()

    def apply(run: Run, step: int) -> None:
        nonlocal rows
        rows += step
        models[run.model] += step
        if run.state:
            states[run.state] += step
            if not states[run.state]:
                del states[run.state]
        if run.agency_id is not None:
            agencies[run.agency_id] += step
            if not agencies[run.agency_id]:
                del agencies[run.agency_id]
            if run.model:
                key = (run.agency_id, run.model)
                agreements[key] += step
                if not agreements[key]:
                    del agreements[key]

    result = []
    for pub in pubs:
        for run in stops.get(pub.seq, []):
            apply(run, -1)
        for run in starts.get(pub.seq, []):
            apply(run, +1)
        by_model = {m: models.get(m, 0) for m in MODELS}
        if models.get(None):
            by_model["unknown"] = models[None]
        result.append(Figures(rows, len(agreements), len(agencies), **states_and_territories(states), by_model=by_model))
    return result


def dates(first: dt.date, last: dt.date, every: str, pub_dates: list[dt.date]) -> list[dt.date]:
    if every == "publication":
        return sorted(set(pub_dates))
    if every == "day":
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    if every == "week":
        result = [first + dt.timedelta(days=7 * i) for i in range((last - first).days // 7 + 1)]
    elif every == "month":
        result, cursor = [], dt.date(first.year, first.month, 1)
        while cursor <= last:
            following = dt.date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
            result.append(min(following - dt.timedelta(days=1), last))  # the figures at the end of each month
            cursor = following
    else:
        raise G287Error(f"--every {quoted(every)}: choose one of {', '.join(EVERY)}")
    if result[-1] != last:
        result.append(last)
    return result


def check_request(*, state: str | None = None, model: str | None = None, every: str = "day", start: dt.date | None = None, end: dt.date | None = None) -> str | None:
    """The state's USPS code (None for the nation) of a timeline that can be asked for; G287Error for a request
    that cannot, whatever the database holds (timeline checks it; the command line before it opens the database)."""
    if every not in EVERY:
        raise G287Error(f"--every {quoted(every)}: choose one of {', '.join(EVERY)}")
    state = usps_code(state or None)  # an empty field is no state
    if model and model not in MODELS:
        raise G287Error(f"--model {quoted(model)}: one of {', '.join(MODELS)}")
    if start and end and start > end:
        raise G287Error(f"the start {start} is after the end {end}")
    return state


def timeline(
    session: Session,
    *,
    state: str | None = None,
    model: str | None = None,
    every: str = "day",
    origin: str = "ice",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[dict]:
    """Per date: participating MOAs listed, distinct agreements, agencies, states, by model; pending listings."""
    # The request is checked before looking at the data: an empty database answers a bad request with its error,
    # not with an empty list.
    state = check_request(state=state, model=model, every=every, start=start, end=end)
    participating = publications(session, "participating", origin)
    pending = publications(session, "pending", origin)
    if not participating and not pending:
        return []
    figures_p = per_publication(participating, runs_of(session, "participating", origin, state=state), model)
    figures_q = per_publication(pending, runs_of(session, "pending", origin, state=state), model)
    all_dates = [p.published_on for p in participating + pending]
    # Nothing is known before the first publication, nor after today: the range is held to that span, so a
    # request cannot ask for millions of entries.
    first = max(start, min(all_dates)) if start else min(all_dates)
    last = min(end, max(clock.today(), max(all_dates))) if end else max(all_dates)
    if first > last:
        return []  # a range wholly outside the publications held, once cut to them, has no day (the API says the same)
    result = []
    days = dates(first, last, every, [d for d in all_dates if first <= d <= last])
    for day, ip, iq in zip(days, in_force_indexes(participating, days), in_force_indexes(pending, days)):
        entry = {"date": day.isoformat()}
        if ip is None:
            entry.update(participating_publication=None, participating_moas=None, agreements=None, agencies=None, states=None, territories=None, by_model=None)
        else:
            f = figures_p[ip]
            entry.update(
                participating_publication=participating[ip].ref,
                participating_moas=f.moas,
                agreements=f.agreements,
                agencies=f.agencies,
                states=f.states,
                territories=f.territories,
                by_model=f.by_model,
            )
        if iq is None:
            entry.update(pending_publication=None, pending_listings=None, pending_by_model=None)
        else:
            entry.update(pending_publication=pending[iq].ref, pending_listings=figures_q[iq].moas, pending_by_model=figures_q[iq].by_model)
        result.append(entry)
    return result
