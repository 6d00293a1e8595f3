"""MOAs: a program officer drafts one from the model's template (marked "DRAFT FOR DISCUSSION" on every page),
then records the signed MOA (the uploaded PDF, the date, the signatories). A recorded MOA makes the agreement
participating: it creates or updates the registry's agreement (origin "registry" when ICE has not listed it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from g287 import audit, days
from g287.access import Actor, allowed, refusal
from g287.catalog import catalog
from g287.db.models.program import ApplicantAgency, Application, Certification, Enrolment, ExamAttempt, Nominee, ProgramMoa
from g287.db.models.registry import Agreement
from g287.errors import NotFound
from g287.program import agencies, records, storage
from g287.program.applications import agency_context, agency_snapshot, date_text, moa_summary
from g287.program.courses import course_catalog
from g287.program.documents import RenderedDocument, render_document, render_text
from g287.program.rules import rule_catalog
from g287.program.validation import Checker, Conflict, InvalidInput
from g287.registry.ingest import take_registry_turn

DRAFT_BANNER = "DRAFT FOR DISCUSSION - not a signed agreement"
PARTIES = ("agency", "ICE")


def get_moa(session: Session, actor: Actor, moa_id: int, action: str, *, read: str = "application.read", changing: bool = False) -> ProgramMoa:
    """The MOA, if `actor` may do `action` to it. Its private side (status, draft, signatories) is seen with its
    application (`read`): an MOA the actor may not see is no such MOA (see g287.program.records). `changing`: for a
    change that depends on what it reads (its status), locked until the change is committed, so that two changes
    at once take turns (PostgreSQL: FOR UPDATE; SQLite writes one change at a time) instead of the second writing
    over the first on the strength of what it read before the first committed."""
    return records.find(session, actor, ProgramMoa, moa_id, read=read, action=action, missing=f"no MOA with id {moa_id}", lock=changing)


def moa_text(draft: dict) -> str:
    model = catalog().models[draft["model"]]
    return render_text(
        f"moa/{model.code}.md.j2",
        {
            "agency": agency_context(draft["agency"]),
            "chief": draft["chief_executive"],
            "model": model,
            "program": catalog().program,
            "rules": rule_catalog()[model.code],
            "course": course_catalog().for_model(model.code),
            "policy": course_catalog().policy,
            "version": draft["version"],
            "date_text": date_text(dt.date.fromisoformat(draft["drafted_on"])),
            "application_id": draft["application_id"],
            "letter_date_text": date_text(dt.date.fromisoformat(draft["letter_date"])),
        },
    )


def draft_moa(session: Session, actor: Actor, moa_id: int, *, today: dt.date | None = None, now: dt.datetime | None = None) -> ProgramMoa:
    """Draft (or draft again, as a new version) the MOA from its model's template, filled with the agency's
    current details and the chief executive named in the letter. `now` is the moment recorded as the draft's
    (default: this one), and the draft is dated its day unless `today` says otherwise: `g287 demo` gives a past
    moment, so that the page's "version 1 of" is the day the draft's own text gives, before the MOA is signed."""
    moa = get_moa(session, actor, moa_id, "moa.draft", changing=True)
    if moa.status not in ("requested", "draft"):
        raise Conflict(f"MOA {moa.id} is {moa.status}: only a requested or drafted MOA can be drafted")
    application = session.get(Application, moa.application_id)
    agency = session.get(ApplicantAgency, moa.agency_id)
    day = today or (days.day_of(now) if now else days.today())
    now = now or dt.datetime.now(dt.timezone.utc)
    before = {"status": moa.status, "draft_version": moa.draft_version}
    draft = {
        "model": moa.model,
        "version": moa.draft_version + 1,
        "drafted_on": day.isoformat(),
        "drafted_by": actor.label,
        "application_id": application.id,
        "letter_date": application.letter["date"],
        "agency": agency_snapshot(session, agency),
        "chief_executive": application.letter["chief_executive"],
    }
    draft["text"] = moa_text(draft)
    moa.draft, moa.draft_version, moa.drafted_at, moa.status = draft, draft["version"], now, "draft"
    session.flush()
    audit.record(session, actor, "moa.draft", "moa", moa.id, before=before, after={"status": "draft", "draft_version": moa.draft_version, "agency": draft["agency"]})
    return moa


def draft_document(session: Session, actor: Actor, moa_id: int, fmt: str) -> RenderedDocument:
    """The latest draft as PDF or DOCX, with "DRAFT FOR DISCUSSION" on every page."""
    if fmt not in ("pdf", "docx"):
        raise InvalidInput({"format": "pdf or docx"})
    moa = get_moa(session, actor, moa_id, "moa.read_draft")
    if not moa.draft:
        raise Conflict(f"MOA {moa.id} has not been drafted yet")
    draft = moa.draft
    return render_document(
        draft["text"],
        fmt,
        filename=f"moa-{moa.model}-{moa.id}-draft-{draft['version']}",
        title=f"Draft MOA ({moa.model}), {draft['agency']['name']}, version {draft['version']}",
        banner=DRAFT_BANNER,
        footer=f"Draft MOA {moa.id}, version {draft['version']} of {draft['drafted_on']}, prepared with g287",
        created=moa.drafted_at,
    )


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str
    party: str  # agency | ICE


def check_signatories(signatories: list) -> list[dict]:
    check = Checker()
    result = []
    for index, item in enumerate(signatories or []):
        data = item.__dict__ if isinstance(item, Signatory) else dict(item)
        name = check.text(f"signatories[{index}].name", data.get("name"))
        title = check.text(f"signatories[{index}].title", data.get("title"))
        party = check.choice(f"signatories[{index}].party", data.get("party"), PARTIES)
        result.append({"name": name, "title": title, "party": party})
    check.done()
    parties = {s["party"] for s in result}
    if parties != set(PARTIES):
        raise InvalidInput({"signatories": "name at least one signatory for the agency and one for ICE"})
    return result


def record_signed_moa(session: Session, actor: Actor, moa_id: int, *, pdf: bytes | None, signed_on, signatories: list, today: dt.date | None = None) -> ProgramMoa:
    """Record the signed MOA, once drafted: the PDF (kept content-addressed), the date signed and the signatories. The
    agreement then counts as participating: the registry's agreement for the agency and model is created
    (origin "registry"), or, when ICE already lists that agreement, linked to it unchanged — ICE's record keeps
    what ICE published; the date recorded here stays with this MOA. The registry's own agreement, signed again
    after an earlier MOA of the agency and model was terminated, takes this MOA's date."""
    # The registry's agency may be created here while an ingest creates it from a list naming it (on PostgreSQL the
    # ingest failed on the agency names' unique index): they take turns, before the agency is locked below.
    take_registry_turn(session)
    moa = get_moa(session, actor, moa_id, "moa.record_signed", changing=True)
    if moa.status not in ("requested", "draft"):
        raise Conflict(f"MOA {moa.id} is already {moa.status}")
    if moa.status != "draft":  # an MOA is drafted from its model's template, then signed (nothing is stored before)
        raise Conflict(f"MOA {moa.id} has not been drafted: draft it from the model's template before recording it as signed")
    check = Checker()
    day = check.date("signed_on", signed_on, not_after=today or days.today())
    asked_on = dt.date.fromisoformat(session.get(Application, moa.application_id).letter["date"])
    drafted_on = dt.date.fromisoformat(moa.draft["drafted_on"])
    if day is not None and day < asked_on:
        check.fail("signed_on", f"{day.isoformat()} is before the letter of interest that asked for this MOA, dated {asked_on.isoformat()}")
    elif day is not None and day < drafted_on:  # what is signed is the latest draft's text, as a withdrawal's day is bounded
        check.fail("signed_on", f"{day.isoformat()} is before the MOA's latest draft, of {drafted_on.isoformat()}")
    check.done()
    people = check_signatories(signatories)
    # Locked as a change of the agency locks it (agencies.get_agency): its type, county and link are the program
    # office's once the MOA is signed, which a change begun at the same moment must see.
    agency = session.get(ApplicantAgency, moa.agency_id, with_for_update=True, populate_existing=True)
    agency_before = agencies.fields_of(agency)
    # Before the PDF is kept: an agency that cannot be linked refuses the signature with no file left behind.
    registry_agency_id = agencies.ensure_registry_agency(session, agency)
    stored = storage.store_signed_moa(pdf, session)  # removed if this transaction does not commit
    before = {"status": moa.status}
    if agencies.fields_of(agency) != agency_before:
        audit.record(session, actor, "agency.link", "applicant_agency", agency.id, before=agency_before, after=agencies.fields_of(agency))
    agreement = session.scalars(select(Agreement).where(Agreement.agency_id == registry_agency_id, Agreement.model == moa.model)).first()
    if agreement is None:
        agreement = Agreement(agency_id=registry_agency_id, model=moa.model, signed_on=day, origin="registry")
        session.add(agreement)
        session.flush()
        audit.record(session, actor, "agreement.create", "agreement", agreement.id, after={"agency_id": registry_agency_id, "model": moa.model, "signed_on": day.isoformat(), "origin": "registry"})
    elif agreement.signed_on != day and agencies.agreement_source(session, agreement) == "this registry" and not _in_effect_under(session, agreement.id):
        # The agency's MOA of this model signed again after an earlier one was terminated: the registry keeps one
        # agreement per agency and model, as ICE's lists do, and its own agreement's signed date is the MOA's now in
        # effect (as the latest of ICE's lists gives theirs; an agreement ICE's lists hold keeps what they give). The
        # earlier MOA keeps its own dates, the registry's lists published before keep theirs, and the audit event
        # keeps the date replaced.
        audit.record(session, actor, "agreement.update", "agreement", agreement.id, before={"signed_on": agreement.signed_on.isoformat() if agreement.signed_on else None}, after={"signed_on": day.isoformat(), "moa_id": moa.id})
        agreement.signed_on = day
    moa.status, moa.signed_on, moa.signatories = "signed", day, people
    moa.signed_pdf_sha256, moa.signed_pdf_bytes = stored.sha256, stored.size_bytes
    moa.recorded_at, moa.registry_agreement_id = dt.datetime.now(dt.timezone.utc), agreement.id
    session.flush()
    audit.record(session, actor, "moa.record_signed", "moa", moa.id, before=before, after=moa_summary(moa))
    return moa


def _in_effect_under(session: Session, agreement_id: int) -> bool:
    """Whether another MOA recorded under the registry agreement is still signed (not terminated): its date stays
    the agreement's (two applicant agencies may be linked to one registry agency)."""
    return session.scalars(select(ProgramMoa.id).where(ProgramMoa.registry_agreement_id == agreement_id, ProgramMoa.status == "signed").limit(1)).first() is not None


def _last_step(session: Session, moa: ProgramMoa) -> tuple[dt.date, str] | None:
    """The latest nomination, enrolment, examination, certification, refresher, renewal or revocation recorded under
    the MOA.
    Steps stay in the order they happened: each needed the MOA in effect on its day, which a termination dated that
    day or before would deny."""
    steps = []
    nominated = session.scalar(select(func.max(Nominee.nominated_on)).where(Nominee.moa_id == moa.id))
    if nominated is not None:
        steps.append((nominated, "nomination"))
    for step, record, column in (
        ("enrolment", Enrolment, Enrolment.enrolled_on), ("certification", Certification, Certification.certified_on),
        ("refresher", Certification, Certification.last_refresher_on), ("renewal", Certification, Certification.renewed_on),
        ("revocation", Certification, Certification.revoked_on),
    ):
        on = session.scalar(select(func.max(column)).join(Nominee, Nominee.id == record.nominee_id).where(Nominee.moa_id == moa.id))
        if on is not None:
            steps.append((on, step))
    examined = session.scalar(
        select(func.max(ExamAttempt.taken_on)).join(Enrolment, Enrolment.id == ExamAttempt.enrolment_id).join(Nominee, Nominee.id == Enrolment.nominee_id).where(Nominee.moa_id == moa.id)
    )
    if examined is not None:
        steps.append((examined, "examination"))
    return max(steps, default=None)


def terminate_moa(session: Session, actor: Actor, moa_id: int, *, terminated_on, today: dt.date | None = None) -> ProgramMoa:
    """End a signed MOA: its officers are no longer authorized from that date, and the registry's own
    participating list no longer lists it."""
    moa = get_moa(session, actor, moa_id, "moa.terminate", changing=True)
    if moa.status != "signed":
        raise Conflict(f"MOA {moa.id} is {moa.status}: only a signed MOA can be terminated")
    check = Checker()
    day = check.date("terminated_on", terminated_on, not_after=today or days.today())
    if day is not None and day < moa.signed_on:
        check.fail("terminated_on", f"must not be before the MOA was signed ({moa.signed_on.isoformat()})")
    last = _last_step(session, moa)
    if day is not None and last is not None and day <= last[0]:
        check.fail("terminated_on", f"must be after the {last[1]} already recorded under this MOA on {last[0].isoformat()}")
    check.done()
    moa.status, moa.terminated_on = "terminated", day
    session.flush()
    audit.record(session, actor, "moa.terminate", "moa", moa.id, before={"status": "signed"}, after={"status": "terminated", "terminated_on": day.isoformat()})
    return moa


WITHDRAWABLE = ("requested", "draft")  # an MOA asked for and never signed; a signed one ends by its termination


WITHDRAWAL_REASON_LENGTH = 500


def check_withdrawal_reason(reason: str | None) -> str | None:
    """The reason of a withdrawal as kept (one line of at most 500 characters, no control character), or
    InvalidInput naming `reason`: whatever the MOA, so that the command line refuses it before it opens the
    database (a refusal makes no new one)."""
    check = Checker()
    why = check.text("reason", reason, required=False, max_length=WITHDRAWAL_REASON_LENGTH)
    check.done()
    return why


def withdraw_moa(session: Session, actor: Actor, moa_id: int, *, withdrawn_on=None, reason=None, today: dt.date | None = None) -> ProgramMoa:
    """Record that an MOA requested or drafted, never signed, is no longer asked for (`withdrawn_on`, default today;
    the reason, if given, kept with the MOA, where the program office and the agency read it, and in the audit log):
    the registry's own pending list no longer lists it, its past days still count it as pending until then, and the
    agency may ask for the model again. The program office withdraws any such MOA, on any day from its letter (and
    latest draft) on, an agency user their own agency's, today (the access rules)."""
    moa = get_moa(session, actor, moa_id, "moa.withdraw", changing=True)
    if moa.status not in WITHDRAWABLE:
        remedy = " (a signed MOA is terminated)" if moa.status == "signed" else ""
        raise Conflict(f"MOA {moa.id} is {moa.status}: only a requested or drafted MOA can be withdrawn{remedy}")
    today = today or days.today()
    check = Checker()
    day = check.date("withdrawn_on", withdrawn_on or today, not_after=today)
    if day is not None and day != today and not allowed(actor, "moa.withdraw_dated", moa):
        # A day before today (a later one is refused above) is the program office's to record: moa.withdraw_dated in
        # the access rules. A value refused, as the other days' checks are, not the withdrawal: 422, naming the field.
        check.fail("withdrawn_on", f"{refusal(actor, 'moa.withdraw_dated')} (without a day, it is withdrawn today, {today.isoformat()})")
    why = check.text("reason", reason, required=False, max_length=WITHDRAWAL_REASON_LENGTH)
    asked_on = dt.date.fromisoformat(session.get(Application, moa.application_id).letter["date"])
    drafted_on = dt.date.fromisoformat(moa.draft["drafted_on"]) if moa.draft else None
    if day is not None and day < asked_on:
        check.fail("withdrawn_on", f"{day.isoformat()} is before the letter of interest that asked for this MOA, dated {asked_on.isoformat()}")
    elif day is not None and drafted_on is not None and day < drafted_on:
        check.fail("withdrawn_on", f"{day.isoformat()} is before the MOA's latest draft, of {drafted_on.isoformat()}")
    check.done()
    before = {"status": moa.status}
    moa.status, moa.withdrawn_on, moa.withdrawal_reason = "withdrawn", day, why
    session.flush()
    audit.record(session, actor, "moa.withdraw", "moa", moa.id, before=before, after={"status": "withdrawn", "withdrawn_on": day.isoformat(), "reason": why})
    return moa


def signed_document(session: Session, actor: Actor, moa_id: int) -> RenderedDocument:
    """The signed MOA as uploaded (a public document, as on ICE's lists)."""
    # Seen by anyone: every MOA is on the registry's public lists, its signed document too.
    moa = get_moa(session, actor, moa_id, "moa.read_signed", read="moa.read_signed")
    if not moa.signed_pdf_sha256:
        raise NotFound(f"MOA {moa.id} has no signed document")
    return RenderedDocument(f"moa-{moa.model}-{moa.id}-signed.pdf", "application/pdf", storage.read_signed_moa(moa.signed_pdf_sha256))


def participating(moa: ProgramMoa, on: dt.date) -> bool:
    """Whether the MOA is in effect on a date: signed on or before it, and not terminated by then."""
    return moa.signed_on is not None and moa.signed_on <= on and (moa.terminated_on is None or moa.terminated_on > on)


def status_on(moa: ProgramMoa, on: dt.date) -> str:
    """The MOA's status as it stood on a date, by the rule of `participating`: "signed" while in effect, "terminated"
    from its termination day on, "withdrawn" from its withdrawal day on, "not_signed" before its signing or withdrawal
    (whether it was requested or drafted by then is not recorded: a draft keeps only its latest version's day)."""
    if participating(moa, on):
        return "signed"
    if moa.terminated_on is not None and moa.terminated_on <= on:
        return "terminated"
    if moa.withdrawn_on is not None and moa.withdrawn_on <= on:
        return "withdrawn"
    return "not_signed"
