"""The program workflow's JSON API under /api/v1/program: the same services as the forms.

Authentication is the session cookie that POST /api/v1/program/session sets (HttpOnly, SameSite=Lax; Secure over
https, or whenever G287_SITE_URL is an https address). Every change (POST, PUT, PATCH, DELETE), the login included, carries the CSRF token from
GET /api/v1/program/session in the X-CSRF-Token header. Errors: `{"error": {"status", "message", "fields",
"reasons"}}` with 401, 403, 404, 409, 422, 429 (with Retry-After) or 503 (with Retry-After: the database busy or not
reachable). Private responses are never cached.
"""

from __future__ import annotations

import json
from typing import Annotated, Callable, Optional, TypeVar

from fastapi import APIRouter, Header, Query, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from g287.access import Actor
from g287.program import accounts, agencies, applications, audit_log, auth, moas, nominees, publish, settings, training, views
from g287.program.accounts import normalize_username
from g287.program.applications import LetterForm, moa_summary
from g287.program.audit_log import AuditFilter
from g287.program.validation import InvalidInput
from g287.web.app import API_PREFIX, site_of
from g287.web.program import schemas
from g287.web.program.core import UNKNOWN_FIELD, FilterId, PrivateRoute, PublicRoute, RecordId, caller_of, check_csrf, clear_session_cookie, document_response, issue_seed, set_session_cookie
from g287.web.program.moas import refuse_oversized_upload
from g287.web.program.public import registry_figures
from g287.web.params import Day, ModelCode, whole_number

PREFIX = f"{API_PREFIX}/program"


# A change's CSRF token is checked before its body is read, by the route class (core.ProgramRoute), and again by the
# change itself: FastAPI reads and checks a body before the route's own function and its dependencies run, so a
# change sent without a valid token was answered 422 when its body was wrong, and 403 only when its body was right.
router = APIRouter(prefix=PREFIX, tags=["program workflow"], route_class=PrivateRoute, responses=schemas.ERRORS)
public_router = APIRouter(prefix=PREFIX + "/public", tags=["program workflow: public"], route_class=PublicRoute, responses={k: schemas.ERRORS[k] for k in (404, 422, 503)})
T = TypeVar("T")
DOCUMENTS = {200: {"content": {"application/pdf": {}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}, "description": "The document"}}


def read(request: Request, work: Callable[[Session, Actor], T]) -> T:
    with site_of(request).db.session() as session:
        return work(session, caller_of(request).actor)


def change(request: Request, token: Optional[str], work: Callable[[Session, Actor], T]) -> T:
    """One change: the CSRF token checked, then the service in one transaction."""
    caller = caller_of(request)
    check_csrf(request, caller, token)
    with site_of(request).db.session(writing=True) as session:
        result = work(session, caller.actor)
    site_of(request).changed()
    return result


# Sessions and accounts ----------------------------------------------------------------------------------------


def session_out(request: Request) -> dict:
    caller = caller_of(request)
    return {"signed_in": caller.signed_in, "username": caller.username, "role": caller.role, "agency_id": caller.actor.agency_id, "csrf_token": caller.csrf()}


@router.get("/session", response_model=schemas.SessionOut, summary="Who is signed in, and the CSRF token for changes")
def get_session(request: Request):
    return session_out(request)


@router.post("/session", response_model=schemas.SessionOut, summary="Sign in (throttled: 429 with Retry-After when locked)")
def sign_in(request: Request, body: schemas.LoginIn, response: Response, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    caller = caller_of(request)
    check_csrf(request, caller, x_csrf_token)
    result = auth.login(site_of(request).db, body.username, body.password, request.client.host if request.client else None, replacing=caller.token)
    site_of(request).changed()
    set_session_cookie(request, response, result.token, result.expires_at)
    return {
        "signed_in": True,
        "username": normalize_username(body.username),
        "role": result.actor.role,
        "agency_id": result.actor.agency_id,
        "csrf_token": auth.csrf_token(auth.session_binding(result.token)),
    }


@router.delete("/session", response_model=schemas.SessionOut, summary="Sign out")
def sign_out(request: Request, response: Response, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    caller = caller_of(request)
    change(request, x_csrf_token, lambda session, actor: auth.logout(session, caller.token))
    clear_session_cookie(request, response)
    return {"signed_in": False, "username": None, "role": "public", "agency_id": None, "csrf_token": issue_seed(request, response)}


@router.post("/password", status_code=204, response_class=Response, summary="Change your password (every session of the account ends)")
def change_password(request: Request, body: schemas.PasswordIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    caller = caller_of(request)
    check_csrf(request, caller, x_csrf_token)
    auth.change_password(site_of(request).db, caller.actor, body.current_password, body.new_password, request.client.host if request.client else None)
    site_of(request).changed()
    response = Response(status_code=204)
    clear_session_cookie(request, response)
    return response


@router.get("/users", response_model=list[schemas.UserOut], summary="Accounts (administrators)")
def list_users(request: Request):
    return [u.__dict__ for u in read(request, accounts.list_users)]


@router.post("/users", response_model=schemas.NewUserOut, status_code=201, summary="Add an account (administrators)")
def add_user(request: Request, body: schemas.NewUserIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    # An empty password is none given, as the schema says and the site's form reads it: one is generated.
    created = change(request, x_csrf_token, lambda s, a: accounts.add_user(s, a, body.username, body.role, display_name=body.display_name, agency_id=body.agency_id, password=body.password or None))
    return {"user": created.user.__dict__, "password": created.password}


@router.post("/users/{username}/disable", response_model=schemas.UserOut, summary="Disable an account and end its sessions (administrators)")
def disable_user(request: Request, username: str, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return change(request, x_csrf_token, lambda s, a: accounts.disable_user(s, a, username)).__dict__


@router.post("/publish", response_model=schemas.PublishOut, summary="Publish the registry's own lists (administrators)")
def publish_lists(request: Request, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    caller = caller_of(request)
    check_csrf(request, caller, x_csrf_token)
    result = publish.publish(site_of(request).db, caller.actor)
    site_of(request).changed()
    return {"lists": [item.__dict__ for item in result.lists]}


# Agencies -----------------------------------------------------------------------------------------------------


@router.get("/agencies", response_model=list[schemas.AgencyOut], summary="Applicant agencies (an agency user: their own)")
def list_agencies(request: Request):
    return [a.__dict__ for a in read(request, agencies.list_agencies)]


@router.post("/agencies", response_model=schemas.AgencyOut, status_code=201, summary="Add an applicant agency (program office)")
def create_agency(request: Request, body: schemas.NewAgencyIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return change(
        request, x_csrf_token,
        lambda s, a: agencies.create_agency(s, a, body.name, body.state, body.agency_type, county=body.county, address=body.address, registry_agency_id=body.registry_agency_id),
    ).__dict__


@router.get("/agencies/{agency_id}", response_model=schemas.AgencyOut, summary="An applicant agency")
def get_agency(request: Request, agency_id: RecordId):
    return read(request, lambda s, a: agencies.AgencyInfo.of(agencies.get_agency(s, a, agency_id))).__dict__


@router.put("/agencies/{agency_id}", response_model=schemas.AgencyOut, summary="Correct an agency's details")
def update_agency(request: Request, agency_id: RecordId, body: schemas.AgencyIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return change(
        request, x_csrf_token,
        lambda s, a: agencies.update_agency(s, a, agency_id, name=body.name, state=body.state, agency_type=body.agency_type, county=body.county, address=body.address),
    ).__dict__


@router.put("/agencies/{agency_id}/link", response_model=schemas.AgencyOut, summary="Link an agency to the registry's agency (program office)")
def link_agency(request: Request, agency_id: RecordId, body: schemas.LinkIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return change(request, x_csrf_token, lambda s, a: agencies.link_agency(s, a, agency_id, body.registry_agency_id)).__dict__


# Letters and applications -------------------------------------------------------------------------------------


@router.get("/applications", response_model=list[schemas.ApplicationSummary], summary="Applications (an agency user: their agency's)")
def list_applications(request: Request, stage: Optional[schemas.ApplicationStage] = None):
    return read(request, lambda s, a: applications.list_applications(s, a, stage_filter=stage))


@router.post("/applications", response_model=schemas.ApplicationDetail, status_code=201, summary="Submit a letter of interest (opens an application)")
def submit_letter(request: Request, body: schemas.LetterIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    form = LetterForm(**body.model_dump(exclude={"agency_id"}))

    def work(session: Session, actor: Actor):
        application = applications.submit_letter(session, actor, body.agency_id, form)
        return applications.application_detail(session, actor, application.id)

    return change(request, x_csrf_token, work)


@router.get("/applications/{application_id}", response_model=schemas.ApplicationDetail, summary="An application: the letter as submitted and each MOA")
def get_application(request: Request, application_id: RecordId):
    return read(request, lambda s, a: applications.application_detail(s, a, application_id))


@router.get("/applications/{application_id}/letter.{fmt}", response_class=Response, responses=DOCUMENTS, summary="The letter of interest as PDF or DOCX")
def letter_document(request: Request, application_id: RecordId, fmt: schemas.DocumentFormat):
    return document_response(read(request, lambda s, a: applications.letter_document(s, a, application_id, fmt)))


# MOAs ---------------------------------------------------------------------------------------------------------


@router.post("/moas/{moa_id}/draft", response_model=schemas.MoaOut, summary="Draft the MOA from its model's template (a new version each time)")
def draft_moa(request: Request, moa_id: RecordId, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return change(request, x_csrf_token, lambda s, a: moa_summary(moas.draft_moa(s, a, moa_id)))


@router.get("/moas/{moa_id}/draft.{fmt}", response_class=Response, responses=DOCUMENTS, summary="The latest draft, marked DRAFT FOR DISCUSSION on every page")
def draft_document(request: Request, moa_id: RecordId, fmt: schemas.DocumentFormat):
    return document_response(read(request, lambda s, a: moas.draft_document(s, a, moa_id, fmt)))


SIGNED_MOA_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["pdf", "signed_on", "signatories"],
                    "properties": {
                        "pdf": {"type": "string", "format": "binary", "description": "The signed MOA as PDF"},
                        "signed_on": {"type": "string", "format": "date", "description": "The date signed, YYYY-MM-DD"},
                        "signatories": {"type": "string", "description": 'JSON: [{"name", "title", "party": "agency" | "ICE"}, ...]'},
                    },
                }
            }
        },
    }
}


SIGNED_MOA_FIELDS = tuple(SIGNED_MOA_FORM["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"])
SIGNATORY_FIELDS = ("name", "title", "party")


@router.post("/moas/{moa_id}/signed", response_model=schemas.MoaOut, openapi_extra=SIGNED_MOA_FORM, summary="Record the signed MOA (multipart: the PDF, the date, the signatories as JSON)")
async def record_signed(request: Request, moa_id: RecordId, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    # The form is read here, after the CSRF check and the access check (the service checks access again in its
    # transaction): a caller who may not record this MOA is refused before the upload and its JSON are read.
    check_csrf(request, caller_of(request), x_csrf_token)
    read(request, lambda s, a: moas.get_moa(s, a, moa_id, "moa.record_signed"))
    refuse_oversized_upload(request)
    form = await request.form()
    # Like the JSON bodies (schemas.RequestBody), a field the request does not take is refused, never ignored.
    unknown = {name: UNKNOWN_FIELD for name in form.keys() if name not in SIGNED_MOA_FIELDS}
    if unknown:
        raise InvalidInput(unknown)
    upload, signed_on, signatories = form.get("pdf"), form.get("signed_on"), form.get("signatories")
    try:
        people = json.loads(signatories) if isinstance(signatories, str) and signatories.strip() else []
    except (ValueError, RecursionError):  # RecursionError: lists nested thousands deep ("[[[[..."), no list of people
        raise InvalidInput({"signatories": "a JSON list of {name, title, party}"}) from None
    if not isinstance(people, list) or not all(isinstance(p, dict) for p in people):
        raise InvalidInput({"signatories": "a JSON list of {name, title, party}"})
    unknown = {f"signatories[{index}].{key}": UNKNOWN_FIELD for index, person in enumerate(people) for key in person if key not in SIGNATORY_FIELDS}
    if unknown:
        raise InvalidInput(unknown)
    # A pdf field that is no file (left out, or sent as text) is none: the service refuses it naming the field.
    content = await upload.read(settings.max_upload_bytes() + 1) if isinstance(upload, StarletteUpload) else None
    return change(
        request, x_csrf_token,
        lambda s, a: moa_summary(moas.record_signed_moa(s, a, moa_id, pdf=content, signed_on=signed_on if isinstance(signed_on, str) else None, signatories=people)),
    )


@router.post("/moas/{moa_id}/termination", response_model=schemas.MoaOut, summary="Record the MOA as terminated")
def terminate_moa(request: Request, moa_id: RecordId, body: schemas.TerminateIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return change(request, x_csrf_token, lambda s, a: moa_summary(moas.terminate_moa(s, a, moa_id, terminated_on=body.terminated_on)))


@router.post("/moas/{moa_id}/withdrawal", response_model=schemas.MoaOut, summary="Record an MOA not signed as withdrawn")
def withdraw_moa(request: Request, moa_id: RecordId, body: schemas.WithdrawIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return change(request, x_csrf_token, lambda s, a: moa_summary(moas.withdraw_moa(s, a, moa_id, withdrawn_on=body.withdrawn_on, reason=body.reason)))


def periods(items) -> list[dict]:
    return [{"start": p.start, "end": p.end} for p in items]


@router.post("/moas/{moa_id}/nominees", response_model=schemas.NomineeDetail, status_code=201, summary="Nominate an officer to a signed MOA")
def nominate(request: Request, moa_id: RecordId, body: schemas.NominateIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    def work(session: Session, actor: Actor):
        nominee = nominees.nominate(
            session, actor, moa_id, full_name=body.full_name, us_citizen=body.us_citizen,
            enforced_jurisdiction_laws=body.enforced_jurisdiction_laws, jail_security_and_inmate_rules=body.jail_security_and_inmate_rules,
            service_periods=periods(body.service_periods), nominated_on=body.nominated_on, namesake_of=body.namesake_of,
        )
        return nominees.nominee_detail(session, actor, nominee.id)

    return change(request, x_csrf_token, work)


# Nominees and training ----------------------------------------------------------------------------------------


@router.get("/nominees", response_model=list[schemas.NomineeSummary], summary="Nominees with eligibility and standing (an agency user: their agency's)")
def list_nominees(request: Request, moa_id: FilterId = None, agency_id: FilterId = None, as_of: Optional[Day] = None):
    # as_of: the roster on that day (those nominated by then, their eligibility and standing then), as `program
    # nominees --as-of` gives it and authorized, summary and due read their day.
    return read(request, lambda s, a: nominees.list_nominees(s, a, moa_id=moa_id, agency_id=agency_id, as_of=as_of))


@router.get("/nominees/{nominee_id}", response_model=schemas.NomineeDetail, summary="A nominee: facts, eligibility, training, certification")
def get_nominee(request: Request, nominee_id: RecordId, as_of: Optional[Day] = None):
    # as_of: the nominee's eligibility and standing on that day, as `program nominee --as-of` gives them.
    return read(request, lambda s, a: nominees.nominee_detail(s, a, nominee_id, as_of=as_of))


@router.patch("/nominees/{nominee_id}", response_model=schemas.NomineeDetail, summary="Correct the facts the agency attests (only the fields given)")
def update_nominee(request: Request, nominee_id: RecordId, body: schemas.NomineeUpdateIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    given = body.model_dump(exclude_unset=True)
    if "service_periods" in given:
        given["service_periods"] = periods(body.service_periods or [])

    def work(session: Session, actor: Actor):
        nominees.update_nominee(session, actor, nominee_id, **given)
        return nominees.nominee_detail(session, actor, nominee_id)

    return change(request, x_csrf_token, work)


@router.get("/nominees/{nominee_id}/eligibility", response_model=schemas.EligibilityOut, summary="Eligibility on a date, with the reason for every rule not met")
def eligibility(request: Request, nominee_id: RecordId, as_of: Optional[Day] = None):
    return read(request, lambda s, a: nominees.eligibility(s, a, nominee_id, as_of=as_of).as_dict())


def nominee_step(request: Request, token: Optional[str], nominee_id: int, step: Callable[[Session, Actor], object], *, day_field: str | None = None):
    """One step of a nominee's training. `day_field`: the service's name of the date that the request sends as `on`
    (schemas.DayIn): a problem with it is named `on`, the field the caller sent or left out, not `completed_on`,
    which the request refuses as a field it does not take."""

    def work(session: Session, actor: Actor):
        try:
            step(session, actor)
        except InvalidInput as error:
            if day_field not in error.fields:
                raise
            raise InvalidInput({("on" if name == day_field else name): problem for name, problem in error.fields.items()}) from None
        return nominees.nominee_detail(session, actor, nominee_id)

    return change(request, token, work)


@router.post("/nominees/{nominee_id}/background", response_model=schemas.NomineeDetail, summary="Record the background investigation's result (program office)")
def background(request: Request, nominee_id: RecordId, body: schemas.BackgroundIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return nominee_step(request, x_csrf_token, nominee_id, lambda s, a: nominees.record_background(s, a, nominee_id, result=body.result, completed_on=body.completed_on))


@router.post("/nominees/{nominee_id}/enrolment", response_model=schemas.NomineeDetail, summary="Enrol an eligible nominee (409 with the reasons otherwise)")
def enrol(request: Request, nominee_id: RecordId, body: schemas.DayIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return nominee_step(request, x_csrf_token, nominee_id, lambda s, a: training.enrol(s, a, nominee_id, enrolled_on=body.on), day_field="enrolled_on")


@router.post("/nominees/{nominee_id}/exams", response_model=schemas.NomineeDetail, summary="Record an examination score (70% pass mark, one remediation attempt)")
def record_exam(request: Request, nominee_id: RecordId, body: schemas.ExamIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return nominee_step(request, x_csrf_token, nominee_id, lambda s, a: training.record_exam(s, a, nominee_id, score=body.score, taken_on=body.taken_on, exam=body.exam))


@router.post("/nominees/{nominee_id}/certification", response_model=schemas.NomineeDetail, summary="Certify a nominee who passed the course")
def certify(request: Request, nominee_id: RecordId, body: schemas.DayIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return nominee_step(request, x_csrf_token, nominee_id, lambda s, a: training.certify(s, a, nominee_id, certified_on=body.on), day_field="certified_on")


@router.post("/nominees/{nominee_id}/refresher", response_model=schemas.NomineeDetail, summary="Record refresher training")
def refresher(request: Request, nominee_id: RecordId, body: schemas.DayIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return nominee_step(request, x_csrf_token, nominee_id, lambda s, a: training.record_refresher(s, a, nominee_id, completed_on=body.on), day_field="completed_on")


@router.post("/nominees/{nominee_id}/renewal", response_model=schemas.NomineeDetail, summary="Renew a certification")
def renew(request: Request, nominee_id: RecordId, body: schemas.DayIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return nominee_step(request, x_csrf_token, nominee_id, lambda s, a: training.renew_certification(s, a, nominee_id, renewed_on=body.on), day_field="renewed_on")


@router.post("/nominees/{nominee_id}/revocation", response_model=schemas.NomineeDetail, summary="Revoke an authorization")
def revoke(request: Request, nominee_id: RecordId, body: schemas.DayIn, x_csrf_token: Optional[str] = Header(None, alias="X-CSRF-Token", description=schemas.CSRF_DESCRIPTION)):
    return nominee_step(request, x_csrf_token, nominee_id, lambda s, a: training.revoke(s, a, nominee_id, revoked_on=body.on), day_field="revoked_on")


@router.get("/authorized", response_model=list[schemas.AuthorizedOfficer], summary="Officers authorized on a date, per agency and model")
def authorized(request: Request, as_of: Optional[Day] = None, agency_id: FilterId = None, model: Optional[ModelCode] = None):
    return read(request, lambda s, a: training.authorized_officers(s, a, as_of=as_of, agency_id=agency_id, model=model))


@router.get("/summary", response_model=list[schemas.SummaryRow], summary="Per agency and model: nominees, eligible, in training, certified, authorized")
def summary(request: Request, as_of: Optional[Day] = None, agency_id: FilterId = None):
    return read(request, lambda s, a: training.summary(s, a, as_of=as_of, agency_id=agency_id))


@router.get("/due", response_model=list[schemas.DueItem], summary="What is due: refreshers, expiries, remediation, background results, enrolments, certifications")
def due(request: Request, as_of: Optional[Day] = None, within_days: Annotated[whole_number(0, training.MAX_WITHIN_DAYS), Query()] = 60, agency_id: FilterId = None):
    return read(request, lambda s, a: training.due(s, a, as_of=as_of, within_days=within_days, agency_id=agency_id))


@router.get("/audit", response_model=list[schemas.AuditEventOut], summary="The audit log, newest first (program office)")
def audit(
    request: Request,
    actor: Optional[str] = Query(None, max_length=100, description="A user name or an actor label (user:12, cli:alice, system)"),
    action: Optional[str] = Query(None, max_length=100, description='Exact ("moa.draft") or a prefix ending in "." ("training.")'),
    object_type: Optional[str] = Query(None, max_length=50),
    object_id: Optional[str] = Query(None, max_length=50),
    since: Optional[Day] = None,
    until: Optional[Day] = None,
    limit: Annotated[whole_number(1, 10000), Query()] = 200,
):
    wanted = AuditFilter(actor=actor, action=action, object_type=object_type, object_id=object_id, since=since, until=until, limit=limit)
    return read(request, lambda s, a: audit_log.read_events(s, a, wanted))


# Public views (the same for everyone; no personal data) ------------------------------------------------------


@public_router.get("/pending", response_model=list[schemas.PublicListRow], summary="The registry's pending list: MOAs asked for in a letter, not yet signed")
def public_pending(request: Request):
    with site_of(request).read() as session:
        return views.public_pending(session, Actor.public())


@public_router.get("/participating", response_model=list[schemas.PublicListRow], summary="The registry's participating list: MOAs recorded here as signed")
def public_participating(request: Request):
    with site_of(request).read() as session:
        return views.public_participating(session, Actor.public())


@public_router.get("/applications/{application_id}", response_model=schemas.PublicApplication, summary="An application as anyone may see it")
def public_application(request: Request, application_id: RecordId):
    with site_of(request).read() as session:
        return views.public_application(session, Actor.public(), application_id)


@public_router.get("/figures", response_model=schemas.RegistryFigures, summary="The registry's own figures (source: this registry; never mixed with ICE's)")
def public_figures(request: Request, as_of: Optional[Day] = None):
    with site_of(request).read() as session:
        return registry_figures(session, as_of)


@public_router.get("/moas/{moa_id}/signed.pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}, "description": "The signed MOA as uploaded"}}, summary="A signed MOA (a public document)")
def signed_document(request: Request, moa_id: RecordId):
    with site_of(request).read() as session:
        return document_response(moas.signed_document(session, Actor.public(), moa_id))
