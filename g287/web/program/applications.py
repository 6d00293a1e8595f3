"""Letters of interest and applications: the letter form (agency users), the list of applications, an
application with each MOA's progress and the actions on it (draft, record signed, terminate, withdraw, nominate), and the
letter as PDF or DOCX."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request

from g287.access import allowed, authorize
from g287.catalog import MODEL_CODES, catalog
from g287.errors import AccessDenied
from g287.program import agencies, applications, nominees
from g287.program.applications import LetterForm
from g287.program.rules import attested_question
from g287.program.validation import InvalidInput
from g287.registry.figures import AGENCY_TYPES
from g287.web.render import TYPE_LABELS
from g287.web.app import site_of
from g287.web.program.core import FilterId, PrivateRoute, RecordId, caller_of, document_response, form_record_id, page, record_of, see_other, strings, submit_form, text
from g287.web.program.schemas import ApplicationStage, DocumentFormat

router = APIRouter(route_class=PrivateRoute, include_in_schema=False)
STAGES = applications.STATUSES


@router.get("/program/applications")
def application_list(request: Request, stage: Optional[ApplicationStage] = None):
    caller = caller_of(request)
    if not caller.signed_in:
        raise AccessDenied("sign in to read applications (the public reads the registry's own lists)")
    with site_of(request).db.session() as session:
        rows = applications.list_applications(session, caller.actor, stage_filter=stage)
    return page(request, "program/applications.html", applications=rows, stage=stage, stages=STAGES)


def letter_form_of(values: dict) -> LetterForm:
    """The letter form's fields as the service takes them (it checks them all)."""
    return LetterForm(
        models=strings(values, "models"),
        chief_executive_name=text(values, "chief_executive_name"),
        chief_executive_title=text(values, "chief_executive_title"),
        contact_name=text(values, "contact_name"),
        contact_title=text(values, "contact_title"),
        contact_email=text(values, "contact_email"),
        contact_phone=text(values, "contact_phone") or None,
        justification=text(values, "justification"),
        agency_name=text(values, "agency_name"),
        agency_type=text(values, "agency_type"),
        county=text(values, "county"),
        address=text(values, "address"),
    )


def letter_page(request: Request, agency_id: int | None, values: dict | None = None, problem=None):
    actor = caller_of(request).actor
    with site_of(request).db.session() as session:
        choices = [a for a in agencies.list_agencies(session, actor) if allowed(actor, "application.submit", record_of(a.id))]
        if not choices:
            authorize(actor, "application.submit", record_of(actor.agency_id))
        chosen = next((a for a in choices if a.id == agency_id), None) or (choices[0] if len(choices) == 1 else None)
    if values is None:
        values = {"models": []}
        if chosen is not None:
            values.update(agency_id=str(chosen.id), agency_name=chosen.name, agency_type=chosen.agency_type, county=chosen.county or "", address=chosen.address or "")
    return page(
        request,
        "program/letter.html",
        status=problem.status if problem else 200,
        problem=problem,
        values=values,
        agencies=choices,
        chosen=chosen,
        models=list(catalog().models.values()),
        agency_types=[(t, TYPE_LABELS[t]) for t in AGENCY_TYPES],
    )


@router.get("/program/applications/new")
def letter_form(request: Request, agency_id: FilterId = None):
    return letter_page(request, agency_id or caller_of(request).actor.agency_id)


def chosen_agency(values: dict, actor) -> int:
    """The agency a letter is for: the one chosen in the form, else the user's own."""
    agency_id = form_record_id(values, "agency_id", "choose the agency") or actor.agency_id
    if agency_id is None:
        raise InvalidInput({"agency_id": "choose the agency"})
    return agency_id


@router.post("/program/applications")
async def submit_letter(request: Request):
    submitted = await submit_form(request, lambda session, actor, values: applications.submit_letter(session, actor, chosen_agency(values, actor), letter_form_of(values)).id)
    if submitted.problem:
        actor = caller_of(request).actor
        try:
            agency_id = chosen_agency(submitted.shown, actor)
        except InvalidInput:
            agency_id = actor.agency_id
        return letter_page(request, agency_id, {**submitted.shown, "models": strings(submitted.shown, "models")}, submitted.problem)
    return see_other(f"/program/applications/{submitted.result}", "submitted")


def application_page(request: Request, application_id: int, *, problem=None, failed: dict | None = None):
    """An application with its MOAs; `failed` names the form (and MOA) whose submission was refused, with the
    values sent, so that form shows them again beside the problem."""
    actor = caller_of(request).actor
    with site_of(request).db.session() as session:
        detail = applications.application_detail(session, actor, application_id)
        agency = agencies.AgencyInfo.of(agencies.get_agency(session, actor, detail["agency_id"]))
        record = record_of(detail["agency_id"])
        for moa in detail["moas"]:
            moa["nominees"] = nominees.list_nominees(session, actor, moa_id=moa["id"]) if moa["status"] in ("signed", "terminated") else []
    may = {action: allowed(actor, action, record) for action in ("moa.draft", "moa.read_draft", "moa.record_signed", "moa.terminate", "moa.withdraw", "moa.withdraw_dated", "nominee.create")}
    return page(
        request,
        "program/application.html",
        status=problem.status if problem else 200,
        problem=problem,
        failed=failed or {},
        application=detail,
        agency=agency,
        may=may,
        models=catalog().models,
        # The nomination form asks it of a JEM or WSO nominee, in the words of the model's rule (no TFM rule reads it).
        jail_security_questions={model: attested_question(model, "jail_security_and_inmate_rules") for model in MODEL_CODES},
    )


@router.get("/program/applications/{application_id}")
def application_view(request: Request, application_id: RecordId):
    return application_page(request, application_id)


@router.get("/program/applications/{application_id}/letter.{fmt}")
def letter_download(request: Request, application_id: RecordId, fmt: DocumentFormat):
    with site_of(request).db.session() as session:
        document = applications.letter_document(session, caller_of(request).actor, application_id, fmt)
    return document_response(document)
