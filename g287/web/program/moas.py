"""Actions on MOAs: draft one (and download the draft, marked as such), record the signed MOA (PDF upload,
date, signatories), record its termination (or, never signed, its withdrawal), nominate officers to it; and the
signed MOA, a public document."""

from __future__ import annotations


from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile

from g287.access import Actor
from g287.db.ids import record_id
from g287.program import moas, nominees, settings
from g287.program.storage import UploadRejected
from g287.program.validation import InvalidInput
from g287.web.app import site_of
from g287.web.program.applications import application_page
from g287.web.program.core import PrivateRoute, PublicRoute, RecordId, caller_of, document_response, form_of, problem_of, see_other, strings, submit_form, text
from g287.web.program.form_rows import PERIOD_ROWS, SIGNATORY_ROWS, FormRows
from g287.web.program.schemas import DocumentFormat

router = APIRouter(route_class=PrivateRoute, include_in_schema=False)
public_router = APIRouter(route_class=PublicRoute, include_in_schema=False)
UPLOAD_SLACK = 1 << 20  # the form's other fields and the multipart framing


def application_of(request: Request, moa_id: int) -> int:
    """The application whose page shows an MOA, read as the caller may read it: an MOA they may not see is no such
    MOA here too, so the page shown after a refused change tells nothing of it."""
    with site_of(request).db.session() as session:
        return moas.get_moa(session, caller_of(request).actor, moa_id, "application.read").application_id


def signatories_of(values: dict) -> list[dict]:
    """The filled rows of the signatories' fields (an empty row is no signatory)."""
    return [row for _place, row in SIGNATORY_ROWS.read(values)]


def periods_of(values: dict) -> list[dict]:
    """The filled rows of the periods' fields; an empty end is a period that lasts."""
    return [{"start": row["start"], "end": row["end"] or None} for _place, row in PERIOD_ROWS.read(values)]


def namesakes_of(values: dict) -> list[int]:
    """The nominees the form confirms as namesakes (the boxes ticked after a refusal naming them)."""
    ids = [record_id(value) for value in strings(values, "namesake_of")]
    if None in ids:
        raise InvalidInput({"namesake_of": "expected nominee ids"})
    return ids


async def moa_action(request: Request, moa_id: int, form: str, change, done: str, *, to_nominee: bool = False, rows: FormRows | None = None):
    """Run one change from a form on the application page: on success back to that page (or to the new
    nominee); refused, the page again with the problem (a problem of a row named as that row of the form),
    the reasons and the values sent."""
    submitted = await submit_form(request, change)
    if submitted.problem:
        problem = rows.as_shown(submitted.problem, submitted.shown) if rows else submitted.problem
        return application_page(request, application_of(request, moa_id), problem=problem, failed={"form": form, "moa_id": moa_id, "values": submitted.shown})
    if to_nominee:
        return see_other(f"/program/nominees/{submitted.result}", submitted.done(done))
    return see_other(f"/program/applications/{application_of(request, moa_id)}", submitted.done(done), f"moa-{moa_id}")


@router.post("/program/moas/{moa_id}/draft")
async def draft(request: Request, moa_id: RecordId):
    return await moa_action(request, moa_id, "draft", lambda session, actor, values: moas.draft_moa(session, actor, moa_id), "drafted")


@router.get("/program/moas/{moa_id}/draft.{fmt}")
def draft_download(request: Request, moa_id: RecordId, fmt: DocumentFormat):
    with site_of(request).db.session() as session:
        document = moas.draft_document(session, caller_of(request).actor, moa_id, fmt)
    return document_response(document)


def refuse_oversized_upload(request: Request) -> None:
    """Refuse an upload before its body is read when it declares more than the limit, or declares no length: the
    form parser would spool a chunked body to disk whole before any limit applied."""
    declared = request.headers.get("content-length", "")
    limit = settings.max_upload_bytes()
    if not (declared.isascii() and declared.isdigit()):
        raise UploadRejected("the upload must declare its length (a Content-Length header)", field=None)
    if int(declared) > limit + UPLOAD_SLACK:
        raise UploadRejected(f"the upload is larger than the limit of {limit / 1048576:.3g} MB (G287_MAX_UPLOAD_MB)", field=None)


async def uploaded_pdf(values: dict) -> bytes | None:
    """The uploaded file, read no further than the upload limit, or None when the form sent none (the service
    checks it is a readable PDF, and refuses none naming the field)."""
    upload = values.get("pdf")
    return await upload.read(settings.max_upload_bytes() + 1) if isinstance(upload, UploadFile) else None


@router.post("/program/moas/{moa_id}/signed")
async def record_signed(request: Request, moa_id: RecordId):
    try:
        refuse_oversized_upload(request)
    except UploadRejected as error:
        return application_page(request, application_of(request, moa_id), problem=problem_of(error), failed={"form": "signed", "moa_id": moa_id, "values": {}})
    values = await form_of(request)
    content = await uploaded_pdf(values)

    def change(session, actor: Actor, _values):
        return moas.record_signed_moa(session, actor, moa_id, pdf=content, signed_on=text(values, "signed_on"), signatories=signatories_of(values))

    return await moa_action(request, moa_id, "signed", change, "signed", rows=SIGNATORY_ROWS)


@router.post("/program/moas/{moa_id}/terminate")
async def terminate(request: Request, moa_id: RecordId):
    return await moa_action(request, moa_id, "terminate", lambda session, actor, values: moas.terminate_moa(session, actor, moa_id, terminated_on=text(values, "terminated_on")), "terminated")


@router.post("/program/moas/{moa_id}/withdraw")
async def withdraw(request: Request, moa_id: RecordId):
    def change(session, actor: Actor, values: dict):
        return moas.withdraw_moa(session, actor, moa_id, withdrawn_on=text(values, "withdrawn_on") or None, reason=text(values, "reason"))

    return await moa_action(request, moa_id, "withdraw", change, "withdrawn")


@router.post("/program/moas/{moa_id}/nominees")
async def nominate(request: Request, moa_id: RecordId):
    def change(session, actor: Actor, values: dict) -> int:
        nominee = nominees.nominate(
            session,
            actor,
            moa_id,
            full_name=text(values, "full_name"),
            us_citizen=text(values, "us_citizen"),
            enforced_jurisdiction_laws=text(values, "enforced_jurisdiction_laws"),
            jail_security_and_inmate_rules=text(values, "jail_security_and_inmate_rules"),
            service_periods=periods_of(values),
            nominated_on=text(values, "nominated_on") or None,
            namesake_of=namesakes_of(values),
        )
        return nominee.id

    return await moa_action(request, moa_id, "nominate", change, "nominated", to_nominee=True, rows=PERIOD_ROWS)


@public_router.get("/program/moas/{moa_id}/signed.pdf")
def signed_download(request: Request, moa_id: RecordId):
    """The signed MOA as uploaded: a public document, as on ICE's lists (the same for everyone)."""
    with site_of(request).db.session() as session:
        document = moas.signed_document(session, Actor.public(), moa_id)
    return document_response(document)
