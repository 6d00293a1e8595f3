"""Letters of interest: an agency user picks one or more models and fills in the agency, its chief executive, a
point of contact and the justification; the letter is generated from the registry's per-model templates (PDF and
DOCX). Submitting it opens an application with one MOA per model, each pending until its MOA is signed.

The letter's content, and its text as generated, are kept with the application, so its documents are exactly
what was submitted even when templates or agency details change later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from g287 import audit, days
from g287.access import Actor, allowed
from g287.catalog import catalog
from g287.db.models.program import ApplicantAgency, Application, ProgramMoa
from g287.db.models.registry import Agreement, State
from g287.program import agencies, records
from g287.program.documents import RenderedDocument, render_document, render_text
from g287.program.validation import Checker, Conflict, InvalidInput

TYPE_TEXTS = {
    "county": "a county law enforcement agency",
    "municipality": "a municipal law enforcement agency",
    "state_agency": "a state agency",
    "other": "a law enforcement agency",
}
OPEN_STATUSES = ("requested", "draft", "signed")
LETTER_AGENCY_FIELDS = {"name": "agency_name"}  # an agency's field as the letter (LetterForm) names it, where it differs


def date_text(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def agency_snapshot(session: Session, agency: ApplicantAgency) -> dict:
    state = session.get(State, agency.state_usps)
    return {
        "id": agency.id,
        "name": agency.name,
        "state": agency.state_usps,
        "state_name": state.name if state else agency.state_usps,
        "agency_type": agency.agency_type,
        "county": agency.county_text,
        "address": agency.address,
    }


def agency_context(snapshot: dict) -> dict:
    """What templates say about the agency."""
    county = snapshot.get("county")
    return {
        **snapshot,
        "type_text": TYPE_TEXTS[snapshot["agency_type"]],
        "address_lines": [line.strip() for line in (snapshot.get("address") or "").split("\n") if line.strip()],
        "place": f"{county}, {snapshot['state_name']}" if county else snapshot["state_name"],
    }


def letter_text(letter: dict) -> str:
    day = dt.date.fromisoformat(letter["date"])
    models = [catalog().models[code] for code in letter["models"]]
    return render_text(
        "letter.md.j2",
        {
            "agency": agency_context(letter["agency"]),
            "chief": letter["chief_executive"],
            "contact": letter["contact"],
            "justification": letter["justification"],
            "models": models,
            "model_names": ", ".join(f"{m.name} ({m.code})" for m in models),
            "program": catalog().program,
            "date_text": date_text(day),
        },
    )


@dataclass(frozen=True)
class LetterForm:
    """What the letter-of-interest form sends. Agency fields left None keep the agency's recorded values."""

    models: list[str]
    chief_executive_name: str
    chief_executive_title: str
    contact_name: str
    contact_title: str
    contact_email: str
    justification: str
    contact_phone: str | None = None
    agency_name: str | None = None
    agency_type: str | None = None
    county: str | None = None
    address: str | None = None


def check_letter(form: LetterForm) -> dict:
    check = Checker()
    values = {
        "models": check.models("models", form.models),
        "chief_executive": {
            "name": check.text("chief_executive_name", form.chief_executive_name),
            "title": check.text("chief_executive_title", form.chief_executive_title),
        },
        "contact": {
            "name": check.text("contact_name", form.contact_name),
            "title": check.text("contact_title", form.contact_title),
            "email": check.email("contact_email", form.contact_email),
            "phone": check.text("contact_phone", form.contact_phone, required=False, max_length=40),
        },
        "justification": check.text("justification", form.justification, max_length=5000, multiline=True),
    }
    check.done()
    return values


def submit_letter(
    session: Session, actor: Actor, agency_id: int, form: LetterForm, *, today: dt.date | None = None, now: dt.datetime | None = None
) -> Application:
    """Submit a letter of interest for the agency: updates the agency's details given in the form, opens the
    application and one pending MOA per model. Refused when the agency already has an open or signed MOA for a
    model it asks for. `now` is the moment recorded as the submission (default: this one), and the letter is dated
    its day unless `today` says otherwise: `g287 demo` gives a past moment, so that its back-dated letter is not
    listed as submitted months after its own date."""
    agency = agencies.get_agency(session, actor, agency_id, "application.submit")
    values = check_letter(form)
    changes = {key: value for key, value in (("name", form.agency_name), ("agency_type", form.agency_type), ("county", form.county), ("address", form.address)) if value is not None}
    if changes:
        current = {"name": agency.name, "agency_type": agency.agency_type, "county": agency.county_text, "address": agency.address}
        try:
            agencies.update_agency(session, actor, agency.id, state=agency.state_usps, **{**current, **changes})
        except InvalidInput as error:  # named as the letter names the field (its "name" would be the chief's or the contact's)
            raise InvalidInput({LETTER_AGENCY_FIELDS.get(name, name): problem for name, problem in error.fields.items()}) from None
    taken = session.execute(
        select(ProgramMoa.model, ProgramMoa.application_id).where(ProgramMoa.agency_id == agency.id, ProgramMoa.status.in_(OPEN_STATUSES), ProgramMoa.model.in_(values["models"]))
    ).first()
    if taken:
        raise Conflict(f"the agency already has an open or signed {taken.model} MOA (application {taken.application_id})")
    day = today or (days.day_of(now) if now else days.today())
    now = now or dt.datetime.now(dt.timezone.utc)
    letter = {**values, "agency": agency_snapshot(session, agency), "date": day.isoformat()}
    letter["text"] = letter_text(letter)
    application = Application(agency_id=agency.id, submitted_at=now, submitted_by=actor.label, letter=letter)
    session.add(application)
    session.flush()
    for model in values["models"]:
        session.add(ProgramMoa(application_id=application.id, agency_id=agency.id, model=model, status="requested", draft_version=0))
    try:
        session.flush()
    except IntegrityError:  # another letter for the agency and model was saved since the check above
        raise Conflict(f"the agency already has an open or signed MOA for {', '.join(values['models'])} (sent at the same moment)") from None
    audit.record(session, actor, "application.submit", "application", application.id, after={key: value for key, value in letter.items() if key != "text"})
    return application


def get_application(session: Session, actor: Actor, application_id: int) -> Application:
    """The application, if `actor` may read it; one the actor may not see is no such application (see
    g287.program.records)."""
    return records.find(session, actor, Application, application_id, read="application.read", action="application.read", missing=f"no application with id {application_id}")


def moas_of(session: Session, application_id: int) -> list[ProgramMoa]:
    return list(session.scalars(select(ProgramMoa).where(ProgramMoa.application_id == application_id).order_by(ProgramMoa.id)))


STATUSES = ("requested", "draft", "signed", "terminated", "withdrawn")  # an MOA's, from the least advanced


def stage(moas: list[ProgramMoa]) -> str:
    """The application's stage: the least advanced of its MOAs (a withdrawn one counts only when all are)."""
    order = STATUSES
    return min((m.status for m in moas), key=order.index) if moas else "requested"


def application_detail(session: Session, actor: Actor, application_id: int) -> dict:
    """Everything about an application the actor may read: the letter as submitted and each MOA's progress."""
    application = get_application(session, actor, application_id)
    moas = moas_of(session, application.id)
    letter = {key: value for key, value in application.letter.items() if key != "text"}
    return {
        "id": application.id,
        "agency_id": application.agency_id,
        "submitted_at": application.submitted_at.isoformat(),
        "submitted_by": application.submitted_by,
        "stage": stage(moas),
        "letter": letter,
        "moas": [dict(moa_summary(m), registry_agreement_source=_agreement_source(session, m)) for m in moas],
    }


def _agreement_source(session: Session, moa: ProgramMoa) -> str | None:
    """Whose record the MOA's agreement in the registry is ("ICE" or "this registry"), once it is signed: an MOA
    recorded under an agreement of ICE's lists is not the registry's own."""
    agreement = session.get(Agreement, moa.registry_agreement_id) if moa.registry_agreement_id else None
    return agencies.agreement_source(session, agreement) if agreement else None


def moa_summary(moa: ProgramMoa) -> dict:
    return {
        "id": moa.id,
        "model": moa.model,
        "status": moa.status,
        "draft_version": moa.draft_version,
        "drafted_at": moa.drafted_at.isoformat() if moa.drafted_at else None,
        "signed_on": moa.signed_on.isoformat() if moa.signed_on else None,
        "signatories": moa.signatories,
        "signed_pdf_sha256": moa.signed_pdf_sha256,
        "terminated_on": moa.terminated_on.isoformat() if moa.terminated_on else None,
        "withdrawn_on": moa.withdrawn_on.isoformat() if moa.withdrawn_on else None,
        "withdrawal_reason": moa.withdrawal_reason,
        "registry_agreement_id": moa.registry_agreement_id,
    }


def list_applications(session: Session, actor: Actor, *, stage_filter: str | None = None) -> list[dict]:
    """Applications the actor may read (an agency user: their agency's), newest first."""
    rows = session.execute(select(Application, ApplicantAgency).join(ApplicantAgency, ApplicantAgency.id == Application.agency_id).order_by(Application.id.desc()))
    result = []
    for application, agency in rows:
        if not allowed(actor, "application.read", application):
            continue
        moas = moas_of(session, application.id)
        current = stage(moas)
        if stage_filter and current != stage_filter:
            continue
        result.append(
            {
                "id": application.id,
                "agency_id": agency.id,
                "agency": agency.name,
                "state": agency.state_usps,
                "submitted_at": application.submitted_at.isoformat(),
                "stage": current,
                "moas": [{"id": m.id, "model": m.model, "status": m.status} for m in moas],
            }
        )
    return result


def letter_document(session: Session, actor: Actor, application_id: int, fmt: str) -> RenderedDocument:
    """The letter of interest as submitted, as PDF or DOCX."""
    if fmt not in ("pdf", "docx"):
        raise InvalidInput({"format": "pdf or docx"})
    application = get_application(session, actor, application_id)
    letter = application.letter
    return render_document(
        letter["text"],
        fmt,
        filename=f"letter-of-interest-{application.id}",
        title=f"Letter of interest: {letter['agency']['name']} ({', '.join(letter['models'])})",
        banner=None,
        footer=f"Letter of interest, application {application.id}, prepared with g287",
        created=application.submitted_at,
    )
