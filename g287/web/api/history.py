"""API resources over history: what changed between two publications, the figures over time, the pending
pipeline. Thin layers over g287.history (README, section history)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Optional

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from g287 import days as clock  # g287.days.today, looked up at each call (a test fixes the day there)
from g287.db.ids import MAX_ID, record_id
from g287.errors import G287Error, NotFound
from g287.history.diff import check_in_order, diff as diff_service, pending_changes as pending_changes_service
from g287.history.listings import publications
from g287.history.names import identity_rules
from g287.history.pipeline import pipeline as pipeline_service
from g287.history.review import candidates as review_candidates
from g287.history.timeline import timeline as timeline_service
from g287.registry.publications import resolve, whose_list
from g287.web.api import schemas
from g287.web.api.errors import ERROR_RESPONSES, ErrorBody, invalid_parameter
from g287.web.app import API_PREFIX, site_of
from g287.web.params import MODEL_DESCRIPTION, STATE_DESCRIPTION, Day, ModelCode, PublicationName, StateCode, choice, described, whole_number
from g287.wording import quoted

router = APIRouter(prefix=API_PREFIX, tags=["history"], responses={**ERROR_RESPONSES, 400: {"model": ErrorBody, "description": "A request the data cannot answer (named in the message)"}})
Dates = list[Optional[str]]


class PublicationSource(BaseModel):
    publication: str = Field(description="The file")
    publication_id: int
    published: str
    half: Optional[str]
    source: str = Field(description="ICE, or this registry for its own lists")


class AgencyRef(BaseModel):
    agency: str
    agency_id: int


class Change(BaseModel):
    state: Optional[str]
    agency: Optional[str] = Field(description="The name the list gives")
    agency_id: int
    model: str
    signed: Dates
    model_added: Optional[bool] = Field(None, description="Added: the agency lists, in both lists, another model (one model more of several)")
    model_dropped: Optional[bool] = Field(None, description="Removed: the agency keeps, in the later list, another model it had")
    status_since: Optional[str] = Field(None, description="Removed: no longer listed (absent from K consecutive lists in force, what this registry counts as an end; ICE gives no reason) or an omission")
    status_decided_by: Optional[int] = Field(
        None, description="Removed: the id of the publication, ingested after FROM and TO, whose arrival last changed status_since (none when none did)"
    )
    pending_decided_by: Optional[int] = Field(
        None,
        description="Added or removed: the id of the pending publication, ingested after FROM and TO, whose arrival last changed whether it came from "
        "or went back to the pending list (none when none did)",
    )
    old_signed: Optional[Dates] = None
    new_signed: Optional[Dates] = None
    same_moa_now_under: Optional[AgencyRef] = Field(None, description="Removed: the later list gives its MOA (the same document and signed date) to this other agency")
    same_moa_before_under: Optional[AgencyRef] = Field(None, description="Added: the earlier list gave its MOA (the same document and signed date) to this other agency")
    note: Optional[str] = Field(None, description="Added: what the lists show of its MOA, in words")
    note_decided_by: Optional[int] = Field(
        None, description="Added: the id of the publication, ingested after FROM and TO, whose arrival last changed note (none when none did)"
    )


class Rename(BaseModel):
    state: Optional[str]
    agency: str
    agency_id: int
    old_name: str
    new_name: str
    models: list[str]
    reason: Optional[str] = Field(description="The identity rule that joined the names, with its confidence")


class Diff(BaseModel):
    from_: PublicationSource = Field(alias="from")
    to: PublicationSource
    end_after: int = Field(description="K: consecutive participating lists an agreement must be absent from to have ended")
    added: list[Change]
    removed: list[Change]
    renamed: list[Rename]
    signed_date_changed: list[Change]
    from_pending: list[Change] = Field(
        description="Added, and listed by the pending list in force at FROM or by one published from FROM's date and half (one replaced that "
        "half-day too) and before TO"
    )
    to_pending: list[Change] = Field(
        description="Removed, and listed by the pending list in force at TO or by one published after FROM's date and half and up to TO's (one "
        "replaced that half-day too)"
    )
    state: Optional[str] = Field(description="The state whose changes these are (USPS code); null: every state")
    counts: dict[str, int]


# A field an item does not have (old_signed of an agreement added, note of one never listed before) is left out, as
# `g287 diff --json` leaves it out, not given as null: the README gives this answer as that command's JSON.
@router.get("/diff", response_model=Diff, response_model_exclude_unset=True, summary="What changed between two participating publications, agreement by agreement")
def diff(
    request: Request,
    from_: Annotated[PublicationName, Query(alias="from", description="A participating publication: id, file name or date YYYY-MM-DD[am|pm]")],
    to: Annotated[PublicationName, Query(description="The same, for the other publication")],
    end_after: Optional[whole_number(1, 100)] = Query(None, description="K (default: G287_END_AFTER, 2)"),
    state: Optional[StateCode] = described(STATE_DESCRIPTION),
):
    with site_of(request).read() as session:
        older, newer = _two_lists(session, from_, to, "participating", "diff")
        return diff_service(session, older, newer, end_after, state)


class PendingChange(BaseModel):
    state: Optional[str]
    agency: Optional[str] = Field(description="The name the list gives")
    agency_id: int
    model: str


class PendingDeparture(PendingChange):
    signed_decided_by: Optional[int] = Field(
        description="The id of the participating publication, ingested after FROM and TO, whose arrival last changed whether it is on the "
        "participating list in force at TO or on one published after FROM and up to TO (none when none did)",
    )


class PendingChanges(BaseModel):
    from_: PublicationSource = Field(alias="from")
    to: PublicationSource
    added: list[PendingChange] = Field(description="Listed by TO and not by FROM: newly pending")
    to_participating: list[PendingDeparture] = Field(
        description="No longer pending, and listed by the participating list in force at TO or by one published after FROM and up to TO, by date "
        "and half (ICE listed it as signed)"
    )
    not_participating: list[PendingDeparture] = Field(
        description="No longer pending, and listed by neither the participating list in force at TO nor one published after FROM and up to TO"
    )
    renamed: list[Rename]
    state: Optional[str] = Field(description="The state whose changes these are (USPS code); null: every state")
    counts: dict[str, int]


@router.get("/pending-changes", response_model=PendingChanges, summary="What changed between two pending publications, agreement by agreement")
def pending_changes(
    request: Request,
    from_: Annotated[PublicationName, Query(alias="from", description="A pending publication: id, file name or date YYYY-MM-DD[am|pm] (the pending list in force then)")],
    to: Annotated[PublicationName, Query(description="The same, for the other publication")],
    state: Optional[StateCode] = described(STATE_DESCRIPTION),
):
    with site_of(request).read() as session:
        older, newer = _two_lists(session, from_, to, "pending", "pending-changes")
        return pending_changes_service(session, older, newer, state)


def _two_lists(session, from_: str, to: str, kind: str, resource: str):
    """The two publications FROM and TO name (a date: the list of `kind` in force then), both of `kind` and of one
    origin, FROM the earlier; else a 422 naming the parameter (a name no publication has stays a 404)."""
    chosen = [named_publication(session, name, ref, kind) for name, ref in (("from", from_), ("to", to))]
    for name, publication in zip(("from", "to"), chosen):
        if publication.kind != kind:
            # The publication exists: the request names the wrong kind of list (a bad parameter, not a missing record),
            # named by its origin, as the page /changes names it.
            raise invalid_parameter(name, f"publication {publication.id} is {whose_list(publication)}: {resource} compares {kind} lists")
    if chosen[0].origin != chosen[1].origin:
        # So is one of this registry's own lists paired with one of ICE's (never mixed): named as the page
        # /changes names it, the parameter that gives this registry's list.
        name, own = ("from", chosen[0]) if chosen[0].origin != "ice" else ("to", chosen[1])
        raise invalid_parameter(name, f"publication {own.id} is this registry's {own.kind} list: {resource} compares two lists of one origin (ICE's, or this registry's own), never one with the other")
    checked_in_order(chosen[0], chosen[1])
    return chosen


def checked_in_order(older, newer) -> None:
    """FROM published after TO is a 422 naming `from`, as a reversed timeline range is (check_in_order's words), on
    the API's diff and on the page /changes."""
    try:
        check_in_order(older, newer)
    except G287Error as error:
        raise invalid_parameter("from", str(error)) from None


def named_publication(session, name: str, ref: str, kind: str = "participating"):
    """The publication a parameter names (a date: the list of `kind` in force then); a date that is no date, or out
    of range, is a 422 naming the parameter (a name or id that names no publication stays a 404), on the API's diff
    and on the page /changes."""
    if "\x00" in ref:
        # No file name holds a NUL, and PostgreSQL refuses one even in a query (a 500): a name no publication has.
        raise NotFound(f"no publication named {quoted(ref.strip())}: give an id, a file name or a date YYYY-MM-DD")
    if ref.strip().isascii() and ref.strip().isdigit() and record_id(ref, exact=True) is None:
        # An id as the registry writes it, as every other parameter naming a record takes it: `010`, ` 2` (the
        # command line's forgiving reading) were other addresses of publications 10 and 2, and `0` a 404.
        raise invalid_parameter(name, f"{quoted(ref)}: not a record's id (a whole number from 1 to {MAX_ID}, in digits)")
    try:
        return resolve(session, ref, kind, list_hint="")
    except NotFound:
        raise
    except G287Error as error:
        raise invalid_parameter(name, str(error)) from None


class TimelineEntry(BaseModel):
    date: str
    participating_publication: Optional[schemas.PublicationRefShort]
    participating_moas: Optional[int] = Field(description="Rows of the participating list in force, as ICE counts MOAs")
    agreements: Optional[int] = Field(description="Distinct agreements (agency x model)")
    agencies: Optional[int]
    states: Optional[int] = Field(description=schemas.STATES)
    territories: Optional[int] = Field(description=schemas.TERRITORIES)
    by_model: Optional[dict[str, int]]
    pending_publication: Optional[schemas.PublicationRefShort]
    pending_listings: Optional[int]
    pending_by_model: Optional[dict[str, int]]


class Timeline(BaseModel):
    state: Optional[str]
    model: Optional[str]
    every: str
    items: list[TimelineEntry]


Every = choice("a step of the timeline", "day", "week", "month", "publication")


@router.get("/timeline", response_model=Timeline, summary="The figures on each date, from ICE's lists in force that day")
def timeline(
    request: Request,
    state: Optional[StateCode] = described(STATE_DESCRIPTION),
    model: Optional[ModelCode] = described(MODEL_DESCRIPTION),
    every: Annotated[Every, Query(description="One entry per day, week, month end, or publication date")] = "publication",
    from_: Optional[Day] = Query(None, alias="from", description="First date (default: the first publication); a range without a day answers no entry; a first date after the last is refused (422)"),
    to: Optional[Day] = Query(None, description="Last date (default: the latest publication)"),
):
    if from_ is not None and to is not None and from_ > to:
        raise invalid_parameter("from", f"the first date ({from_.isoformat()}) is after the last ({to.isoformat()})")
    with site_of(request).read() as session:
        days = [p.published_on for kind in ("participating", "pending") for p in publications(session, kind)]
        first_day, last_day = min(days, default=None), max(days, default=None)
        start, end = from_ or first_day, to or last_day
        # A range with no day in it (a start after the end, or a range wholly before the first list or after
        # today, which the service holds the range to) has no entry, and nor has any range before the first ingest.
        held = first_day is not None and start and end and start <= end and end >= first_day and start <= max(clock.today(), last_day)
        items = timeline_service(session, state=state, model=model, every=every, start=from_, end=to) if held else []
    return {"state": state, "model": model, "every": every, "items": items}


class Durations(BaseModel):
    count: int
    median_days: Optional[float]
    min_days: Optional[int]
    max_days: Optional[int]
    distribution: dict[str, int] = Field(description="Agreements per span of days")


class DurationPair(BaseModel):
    to_listed: Durations = Field(description="Days from the first pending listing to the first participating listing")
    to_signed: Durations = Field(description="Days from the first pending listing to the signed date ICE gives")


class Pipeline(BaseModel):
    as_of: Optional[str] = Field(None, description="The date asked (as_of): the lists of both kinds published on or before it only; absent without one (every list held)")
    pending_publications: int
    first_pending_publication: Optional[schemas.PublicationRefShort] = None
    durations: Optional[DurationPair] = None
    by_model: dict[str, DurationPair] = {}
    by_state: dict[str, DurationPair] = {}
    moved: list[dict[str, Any]] = Field(description="Agreements seen pending, then participating, with their days")
    moved_pending_before_first_publication: list[dict[str, Any]] = Field([], description="Already pending in the first pending list held: wait unknown, not in the durations")
    left_without_signing: list[dict[str, Any]]
    still_pending: list[dict[str, Any]]
    pending_after_participating: list[dict[str, Any]] = Field(
        [], description="Listed as pending only when or after ICE listed them as participating (a list of the same day and half, or later): no wait, not in the durations"
    )
    stayed_pending_after_participating: list[dict[str, Any]] = Field(
        [],
        description="Still listed by pending lists later (by date and half) than their first participating listing, without a break since a pending list before it or of its half-day, each in stayed_pending"
        " (a stale pending entry, or a second agreement): also in the lists above, counted there; every item with a first_participating carries its stayed_pending",
    )


PIPELINE_AS_OF = (
    "Only the lists of both kinds published on or before this date, as if no later list were held (the lists in force on it and those before; "
    "default: every list held)"
)


# Unset fields left out: `as_of` is there only when a date is asked, as `g287 pipeline --json` gives it.
@router.get("/pipeline", response_model=Pipeline, response_model_exclude_unset=True, summary="How long agreements wait on ICE's pending list, per model and state")
def pipeline(request: Request, as_of: Optional[Day] = described(PIPELINE_AS_OF)):
    with site_of(request).read() as session:
        return pipeline_service(session, as_of=as_of)


class ReviewCandidate(BaseModel):
    id: int
    state: Optional[str] = Field(description="USPS code")
    name: str = Field(description="The name as a list gives it")
    candidate_agency_id: int
    candidate_name: str = Field(description="The agency the name may be")
    rule: str
    reason: str = Field(description="The rule, in words")
    confidence: float = Field(description="The rule's confidence: below the threshold of a merge, at or above the review floor")
    evidence: Optional[dict[str, Any]] = Field(description="What the rule found (with what the alias table says, in `alias`, when it contradicts itself)")


class ReviewList(BaseModel):
    threshold: float = Field(description="A merge is applied at this confidence or more")
    review_floor: float = Field(description="Weaker proposals are never made")
    candidates: list[ReviewCandidate] = Field(description="Strongest first")


@router.get("/review", response_model=ReviewList, summary="Possible merges of agency names waiting for a person's decision (the list `g287 review` gives)")
def review(request: Request):
    """Until a person decides, each name counts as an agency of its own. Who decided, and their notes, are not part
    of this list (it holds only the undecided)."""
    with site_of(request).read() as session:
        waiting = review_candidates(session)
    rules = identity_rules()
    fields = ReviewCandidate.model_fields
    return {"threshold": rules.threshold, "review_floor": rules.review_floor, "candidates": [{k: v for k, v in asdict(c).items() if k in fields} for c in waiting]}

