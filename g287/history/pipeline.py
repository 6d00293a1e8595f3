"""The pending pipeline: how long agreements wait on the pending list before ICE lists them as signed.

For each agreement first seen pending and later participating: days from its first pending listing to its
first participating listing, and to its signed date. "Later" is by the lists' dates and halves (am, pm): an
agreement listed as participating first, or by a list of the same day and half, is counted apart
(pending_after_participating), as ICE then listed it as pending when, or after, it listed it as signed.
Agreements already pending in the first pending publication held here (or in ICE's corrected re-publication of it,
the same date and half) were pending for an unknown time before it: they are counted apart, not in durations.
Also: agreements that left the pending list without ever being listed as signed, and those still pending. And,
apart from all of these, those ICE's pending list still listed after its first participating listing, by pending
lists of a stretch begun before it (stayed_pending: facts of the lists; no wait or count above depends on them).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from sqlalchemy.orm import Session

from g287.history.lifecycle import lifecycles
from g287.history.listings import publications
from g287.registry.publications import half_rank

BUCKETS = ((0, 30), (31, 60), (61, 90), (91, 180), (181, None))


def _day(ref: dict) -> dt.date:
    return dt.date.fromisoformat(ref["published"])


def _moment(ref: dict) -> tuple[dt.date, int]:
    """When a list was published, as far as its name tells: the day, then its half, ranked as publication order
    ranks it (registry.publications.half_rank)."""
    return (_day(ref), half_rank(ref.get("half")))


def _summary(values: list[int]) -> dict:
    if not values:
        return {"count": 0, "median_days": None, "min_days": None, "max_days": None, "distribution": {}}
    distribution = {}
    for low, high in BUCKETS:
        label = f"{low}-{high}" if high is not None else f"{low}+"
        distribution[label] = sum(1 for v in values if v >= low and (high is None or v <= high))
    below = sum(1 for v in values if v < 0)
    if below:
        distribution["negative"] = below  # signed before the agreement was first seen pending
    median = statistics.median(values)  # of an even count: the mean of the middle two, a whole day when they agree
    return {"count": len(values), "median_days": int(median) if median == int(median) else median, "min_days": min(values), "max_days": max(values), "distribution": distribution}


def observation_window(publications: list) -> dict | None:
    """The days the lists held span (both kinds): no wait longer than that can be measured, whatever ICE's."""
    if not publications:
        return None
    first = min(p.published_on for p in publications)
    last = max(p.published_on for p in publications)
    return {"first": first, "last": last, "days": (last - first).days}


def observable_spans(distribution: dict, window: int) -> tuple[list[dict], list[str]]:
    """The histogram's spans of days that the lists held can observe (a span reaching past the window ends at it:
    no wait in it can be longer), and the labels of those they cannot: a column of zeros there read as "no
    agreement waits that long", which these lists cannot tell. The site's histogram and `g287 pipeline` show these."""
    shown, unobservable = [], []
    for key, count in distribution.items():
        if key == "negative":
            shown.append({"label": "below 0", "count": count})
            continue
        low, _, high = key.rstrip("+").partition("-")
        low, high = int(low), (int(high) if high else None)
        whole = f"{low}–{high}" if high is not None else f"{low} or more"
        if low > window and not count:
            unobservable.append(whole)
        elif low > window:  # a wait past the window (a signed date after the lists held): shown, never dropped
            shown.append({"label": whole, "count": count})
        else:
            shown.append({"label": f"{low}–{window if high is None or high > window else high}", "count": count})
    return shown, unobservable


def pipeline(session: Session, origin: str = "ice", as_of: dt.date | None = None) -> dict:
    """The pipeline of every list held; with `as_of`, of the lists of both kinds published on or before that day
    only, as if no later list had been ingested (lifecycles(as_of=)), the day given back as `as_of`."""
    asked = {"as_of": as_of.isoformat()} if as_of is not None else {}  # without a date, the answer it always was
    pending_pubs = publications(session, "pending", origin, as_of)
    if not pending_pubs:
        # every key, as when lists are held (and as the API gives it): a reader of the JSON needs no special case
        return {
            **asked,
            "pending_publications": 0, "first_pending_publication": None, "durations": None, "by_model": {}, "by_state": {}, "moved": [],
            "moved_pending_before_first_publication": [], "left_without_signing": [], "still_pending": [], "pending_after_participating": [],
            "stayed_pending_after_participating": [],
        }
    first_pending_pub = pending_pubs[0]
    moved, censored, left, still, pending_after, stayed = [], [], [], [], [], []
    for (agency_id, model), life in sorted(lifecycles(session, origin=origin, as_of=as_of).items(), key=lambda kv: (kv[1].state or "", kv[1].name or "", kv[0][1])):
        if life.first_pending is None:
            continue
        base = {"state": life.state, "agency": life.name, "agency_id": agency_id, "model": model, "first_pending": life.first_pending}
        if life.first_participating is not None:
            # The pending lists that still listed it after its first participating listing (lifecycle.stayed_pending).
            base = dict(base, first_participating=life.first_participating, stayed_pending=life.stayed_pending)
            if life.stayed_pending:
                stayed.append(dict(base))
        if life.first_participating is not None and _moment(life.first_participating) <= _moment(life.first_pending):
            # Listed as participating first, or by a list of the same day and half (which came first is unknown):
            # not "seen pending, then participating", so no wait to measure (a late or stale pending listing).
            pending_after.append(base)
        elif life.first_participating is not None:
            item = dict(base)
            first_signed = life.signed_dates[0]["signed"] if life.signed_dates else []
            # Only one date known: two rows giving two dates, or none, leave the wait to the signed date unknown.
            signed = dt.date.fromisoformat(first_signed[0]) if len(first_signed) == 1 and first_signed[0] else None
            item["days_to_listed"] = (_day(life.first_participating) - _day(life.first_pending)).days
            item["days_to_signed"] = (signed - _day(life.first_pending)).days if signed else None
            # The first pending list held, or ICE's corrected re-publication of it the same half-day (07032025pm and
            # its __v2 are one list in force): pending for an unknown time before it.
            if _moment(life.first_pending) == _moment(first_pending_pub.ref):
                censored.append(item)
            else:
                moved.append(item)
        elif life.first_participating is None:
            if life.status == "pending":
                still.append(base)
            else:
                left.append(dict(base, last_pending=life.last_pending))

    def grouped(key: str) -> dict:
        groups: dict[str, list[dict]] = defaultdict(list)
        for item in moved:
            groups[item[key] or "unknown"].append(item)
        return {g: _durations(items) for g, items in sorted(groups.items())}

    return {
        **asked,
        "pending_publications": len(pending_pubs),
        "first_pending_publication": first_pending_pub.ref,
        "durations": _durations(moved),
        "by_model": grouped("model"),
        "by_state": grouped("state"),
        "moved": moved,
        "moved_pending_before_first_publication": censored,
        "left_without_signing": left,
        "still_pending": still,
        "pending_after_participating": pending_after,
        # Also in the lists above (moved, its first-publication part, or pending_after_participating): counted once there.
        "stayed_pending_after_participating": stayed,
    }


def _durations(items: list[dict]) -> dict:
    return {
        "to_listed": _summary([i["days_to_listed"] for i in items]),
        "to_signed": _summary([i["days_to_signed"] for i in items if i["days_to_signed"] is not None]),
    }
