"""The program office's views: who is authorized per agency and model, the summary, what is due; and the audit
log with its filters (program officers and administrators)."""

from __future__ import annotations

from typing import Annotated, Optional

from fastapi import APIRouter, Query, Request

from g287 import days
from g287.access import allowed
from g287.catalog import MODEL_CODES
from g287.errors import AccessDenied
from g287.program import agencies, audit_log, training
from g287.program.audit_log import AuditFilter
from g287.program.courses import course_catalog
from g287.program.validation import InvalidInput
from g287.web.app import site_of
from g287.web.program.core import FilterId, PrivateRoute, caller_of, page, problem_of
from g287.web.params import Day, ModelCode, whole_number

router = APIRouter(route_class=PrivateRoute, include_in_schema=False)


@router.get("/program/training")
def training_page(
    request: Request,
    agency_id: FilterId = None,
    model: Optional[ModelCode] = None,
    as_of: Optional[Day] = None,
    within_days: Annotated[whole_number(0, training.MAX_WITHIN_DAYS), Query()] = 60,
):
    caller = caller_of(request)
    if not caller.signed_in:
        raise AccessDenied("sign in to read who is authorized and what is due")
    actor = caller.actor
    with site_of(request).db.session() as session:
        context = {
            "authorized": training.authorized_officers(session, actor, as_of=as_of, agency_id=agency_id, model=model),
            "summary": training.summary(session, actor, as_of=as_of, agency_id=agency_id),
            "due": training.due(session, actor, as_of=as_of, within_days=within_days, agency_id=agency_id),
            "agencies": agencies.list_agencies(session, actor) if allowed(actor, "training.read_all") else [],
        }
    assumed = _assumed_periods()
    context["due"] = due_marked(context["due"], assumed)
    return page(
        request, "program/training.html", **context, agency_id=agency_id, model=model, models=MODEL_CODES,
        as_of=(as_of or days.today()).isoformat(), within_days=within_days, max_within_days=training.MAX_WITHIN_DAYS,
        assumed=assumed,
        any_assumed=any(assumed[o["model"]]["expires"] or (o["refresher_due_on"] and assumed[o["model"]]["refresher"]) for o in context["authorized"])
        or any(d["assumed"] for d in context["due"]),
    )


def _assumed_periods() -> dict[str, dict[str, bool]]:
    """For each model, whether its expiry and refresher dates follow a period no source confirms (the registry's
    working assumption in courses.toml): the page marks those dates, as the course data marks the periods."""
    courses = course_catalog()
    return {
        model: {"expires": not course.certification.confirmed, "refresher": not course.refresher.confirmed}
        for model in MODEL_CODES
        for course in [courses.for_model(model)]
    }


# The items of what is due whose day is a period's end (training.due): the expiry, or the refresher's due date.
_DATED_BY_PERIOD = {"certification_expires": "expires", "certification_expired": "expires", "refresher_due": "refresher"}


def due_marked(due: list[dict], assumed: dict[str, dict[str, bool]] | None = None) -> list[dict]:
    """What is due as the pages show it (program/_due_table.html): each item with `assumed`, whether its day follows
    a period no source confirms, marked "(assumed)" as the authorized officers' dates are."""
    assumed = assumed or _assumed_periods()
    return [dict(d, assumed=bool(d["due_on"]) and d["kind"] in _DATED_BY_PERIOD and assumed[d["model"]][_DATED_BY_PERIOD[d["kind"]]]) for d in due]


@router.get("/program/audit")
def audit_page(
    request: Request,
    actor: Optional[str] = Query(None, max_length=100, description="A user name or an actor label"),
    action: Optional[str] = Query(None, max_length=100),
    object_type: Optional[str] = Query(None, max_length=50),
    object_id: Optional[str] = Query(None, max_length=50),
    since: Optional[Day] = None,
    until: Optional[Day] = None,
    limit: Annotated[whole_number(1, 10000), Query()] = 200,
):
    wanted = AuditFilter(actor=actor or None, action=action or None, object_type=object_type or None, object_id=object_id or None, since=since, until=until, limit=limit)
    try:
        with site_of(request).db.session() as session:
            events = audit_log.read_events(session, caller_of(request).actor, wanted)
    except InvalidInput as error:
        # A filter refused (an actor or a record that does not exist, a bad date range) is shown beside its field,
        # with the filters as given, instead of an empty list that would read as "nothing happened".
        problem = problem_of(error)
        return page(request, "program/audit.html", status=problem.status, problem=problem, events=[], wanted=wanted)
    return page(request, "program/audit.html", events=events, wanted=wanted)
