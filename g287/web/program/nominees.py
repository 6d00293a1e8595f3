"""Nominees: the list (an agency user sees their agency's only), a nominee's page with their eligibility (each
rule, its outcome, its explanation and sources) and standing, today or on the day `as_of` names (as
GET /api/v1/program/nominees/{id} gives them), their training and certification, and the forms of each step:
the facts the agency attests, the background result, enrolment, examination scores, certification, refresher,
renewal and revocation."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request

from g287.access import Actor, allowed
from g287.errors import AccessDenied
from g287.program import nominees, training
from g287.program.courses import course_catalog
from g287.program.rules import attested_question, rule_catalog
from g287.web.app import site_of
from g287.web.program.core import FilterId, PrivateRoute, RecordId, caller_of, page, record_of, see_other, submit_form, text
from g287.web.program.form_rows import PERIOD_ROWS, FormRows
from g287.web.program.moas import namesakes_of, periods_of
from g287.web.params import Day

router = APIRouter(route_class=PrivateRoute, include_in_schema=False)
JAIL_SECURITY = "jail_security_and_inmate_rules"
STEPS = (
    "nominee.update",
    "nominee.rename_vetted",
    "nominee.record_background",
    "training.enrol",
    "training.record_exam",
    "training.certify",
    "training.record_refresher",
    "training.revoke",
)


@router.get("/program/nominees")
def nominee_list(request: Request, moa_id: FilterId = None, agency_id: FilterId = None):
    caller = caller_of(request)
    if not caller.signed_in:
        raise AccessDenied("sign in to read nominees")
    with site_of(request).db.session() as session:
        rows = nominees.list_nominees(session, caller.actor, moa_id=moa_id, agency_id=agency_id)
    return page(request, "program/nominees.html", nominees=rows)


def sources_of(model: str) -> dict[str, list]:
    """Each rule's sources (title and address), to show beside the rule's outcome."""
    return {rule.id: list(rule.sources) for rule in rule_catalog()[model]}


def nominee_page(request: Request, nominee_id: int, *, as_of=None, problem=None, failed: dict | None = None):
    """The nominee's page; `as_of`: the day of the eligibility and standing shown (default today)."""
    actor = caller_of(request).actor
    with site_of(request).db.session() as session:
        detail = nominees.nominee_detail(session, actor, nominee_id, as_of=as_of)
    record = record_of(detail["agency_id"])
    course = course_catalog().for_model(detail["model"])
    return page(
        request,
        "program/nominee.html",
        status=problem.status if problem else 200,
        problem=problem,
        failed=failed or {},
        nominee=detail,
        sources=sources_of(detail["model"]),
        course=course,
        exam_options=[(name, name) for name in course.exam_names],
        policy=course_catalog().policy,
        may={step: allowed(actor, step, record) for step in STEPS},
        as_of_given=as_of is not None,
        jail_security_question=attested_question(detail["model"], JAIL_SECURITY),
    )


@router.get("/program/nominees/{nominee_id}")
def nominee_view(request: Request, nominee_id: RecordId, as_of: Optional[Day] = None):
    return nominee_page(request, nominee_id, as_of=as_of)


async def nominee_action(request: Request, nominee_id: int, form: str, change, done: str, rows: FormRows | None = None):
    submitted = await submit_form(request, change)
    if submitted.problem:
        problem = rows.as_shown(submitted.problem, submitted.shown) if rows else submitted.problem  # a row's problem beside that row
        return nominee_page(request, nominee_id, problem=problem, failed={"form": form, "values": submitted.shown})
    return see_other(f"/program/nominees/{nominee_id}", submitted.done(done), form)


def _update(nominee_id: int):
    def change(session, actor: Actor, values: dict):
        return nominees.update_nominee(
            session,
            actor,
            nominee_id,
            full_name=text(values, "full_name"),
            us_citizen=text(values, "us_citizen"),
            enforced_jurisdiction_laws=text(values, "enforced_jurisdiction_laws"),
            # Asked only where the model's rules read it (not of a Task Force Model nominee): a form without the
            # question leaves what is recorded as it is, rather than clearing it.
            jail_security_and_inmate_rules=text(values, JAIL_SECURITY) if JAIL_SECURITY in values else nominees.NOT_GIVEN,
            service_periods=periods_of(values),
            namesake_of=namesakes_of(values),
        )

    return change


@router.post("/program/nominees/{nominee_id}")
async def update(request: Request, nominee_id: RecordId):
    return await nominee_action(request, nominee_id, "facts", _update(nominee_id), "updated", rows=PERIOD_ROWS)


@router.post("/program/nominees/{nominee_id}/background")
async def background(request: Request, nominee_id: RecordId):
    return await nominee_action(
        request, nominee_id, "background",
        lambda s, a, v: nominees.record_background(s, a, nominee_id, result=text(v, "result"), completed_on=text(v, "completed_on")),
        "background",
    )


@router.post("/program/nominees/{nominee_id}/enrolment")
async def enrol(request: Request, nominee_id: RecordId):
    return await nominee_action(request, nominee_id, "enrolment", lambda s, a, v: training.enrol(s, a, nominee_id, enrolled_on=text(v, "enrolled_on") or None), "enrolled")


@router.post("/program/nominees/{nominee_id}/exams")
async def exam(request: Request, nominee_id: RecordId):
    return await nominee_action(
        request, nominee_id, "exams",
        lambda s, a, v: training.record_exam(s, a, nominee_id, score=text(v, "score"), taken_on=text(v, "taken_on"), exam=text(v, "exam") or None),
        "exam",
    )


@router.post("/program/nominees/{nominee_id}/certification")
async def certify(request: Request, nominee_id: RecordId):
    return await nominee_action(request, nominee_id, "certification", lambda s, a, v: training.certify(s, a, nominee_id, certified_on=text(v, "certified_on") or None), "certified")


@router.post("/program/nominees/{nominee_id}/refresher")
async def refresher(request: Request, nominee_id: RecordId):
    return await nominee_action(request, nominee_id, "refresher", lambda s, a, v: training.record_refresher(s, a, nominee_id, completed_on=text(v, "completed_on")), "refresher")


@router.post("/program/nominees/{nominee_id}/renewal")
async def renew(request: Request, nominee_id: RecordId):
    return await nominee_action(request, nominee_id, "renewal", lambda s, a, v: training.renew_certification(s, a, nominee_id, renewed_on=text(v, "renewed_on")), "renewed")


@router.post("/program/nominees/{nominee_id}/revocation")
async def revoke(request: Request, nominee_id: RecordId):
    return await nominee_action(request, nominee_id, "revocation", lambda s, a, v: training.revoke(s, a, nominee_id, revoked_on=text(v, "revoked_on")), "revoked")
