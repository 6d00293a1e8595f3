"""Training and certification: enrolment of eligible nominees, examination scores (70% pass mark, one remediation
attempt, disqualification after two failures), certification with its expiry and refresher dates, and who is
authorized: an officer is authorized only while eligible, certified (not expired, not revoked) and attached to an
MOA in effect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287 import audit, days
from g287.access import Actor, allowed, authorize
from g287.catalog import catalog
from g287.db.dialect import in_code_point_order
from g287.db.models.program import ApplicantAgency, Certification, Enrolment, ExamAttempt, Nominee, ProgramMoa
from g287.errors import NotFound
from g287.program.courses import Attempt, ExamProgress, course_catalog, exam_progress, next_attempt_is_remedial
from g287.program.moas import participating, status_on
from g287.program.nominees import certification_fields, eligibility_of, get_nominee
from g287.program.rules import anniversary
from g287.program.validation import Checker, Conflict, InvalidInput, day_argument
from g287.registry.names import person_key
from g287.wording import quoted


MAX_WITHIN_DAYS = 3660  # how far `due` looks ahead: ten years
_STATUS_ORDER = ("signed", "terminated", "not_signed", "withdrawn")  # of moas.status_on: the one a summary row says, first


class NotEligible(Conflict):
    """A nominee who does not meet the model's rules; `reasons` explains each rule not met."""

    def __init__(self, nominee_id: int, model: str, reasons: list[str]):
        self.reasons = reasons
        # The model by its name, as the rules' own reasons name it ("for the Task Force Model"), not "for the TFM".
        named = catalog().models[model].name if model in catalog().models else model
        super().__init__(f"nominee {nominee_id} is not eligible for the {named}: " + "; ".join(reasons))


@dataclass(frozen=True)
class Standing:
    # not_yet_nominated | ineligible | eligible | in_training | remediation_due | disqualified | passed | nomination_ended
    # | certified | expired | revoked
    status: str
    authorized: bool
    reasons: list[str] = field(default_factory=list)  # why not authorized (when certified) or not eligible

    def as_dict(self) -> dict:
        return {"status": self.status, "authorized": self.authorized, "reasons": self.reasons}


def _records(session: Session, nominee: Nominee, *, changing: bool = False):
    """The nominee's MOA, enrolment and certification. `changing`: for a step that needs the MOA in effect on its
    day, the MOA is held (FOR SHARE on PostgreSQL) until the step is committed, and read again: a termination at
    the same moment, which is dated after every step under the MOA (moas.terminate_moa locks it FOR UPDATE), waits
    for the step or is waited for, instead of both being kept on the strength of what each read before."""
    moa = session.get(ProgramMoa, nominee.moa_id, with_for_update={"read": True}, populate_existing=True) if changing else session.get(ProgramMoa, nominee.moa_id)
    enrolment = session.scalars(select(Enrolment).where(Enrolment.nominee_id == nominee.id)).first()
    certification = session.scalars(select(Certification).where(Certification.nominee_id == nominee.id)).first()
    return moa, enrolment, certification


def _attempts(session: Session, enrolment: Enrolment) -> list[ExamAttempt]:
    return list(session.scalars(select(ExamAttempt).where(ExamAttempt.enrolment_id == enrolment.id).order_by(ExamAttempt.taken_on, ExamAttempt.id)))


def _progress(session: Session, enrolment: Enrolment, as_of: dt.date | None = None) -> ExamProgress:
    """Where the course stands: after every examination taken, or only those taken on or before `as_of`."""
    course = course_catalog().courses[enrolment.course]
    attempts = [Attempt(a.exam, a.score, a.taken_on) for a in _attempts(session, enrolment) if as_of is None or a.taken_on <= as_of]
    return exam_progress(course.exam_names, attempts, course_catalog().policy)


def standing(session: Session, nominee: Nominee, as_of: dt.date) -> Standing:
    """Where a nominee stands on a date, and whether they are authorized to act."""
    if as_of < nominee.nominated_on:
        # Before the nomination the officer is nobody's nominee: not "eligible" (nothing was asked), nor anything later.
        return Standing("not_yet_nominated", False, [f"nominated on {nominee.nominated_on.isoformat()}"])
    moa, enrolment, certification = _records(session, nominee)
    check = eligibility_of(session, nominee, as_of)
    if certification is not None and certification.certified_on <= as_of:
        if certification.revoked_on is not None and certification.revoked_on <= as_of:
            return Standing("revoked", False, [f"the authorization was revoked on {certification.revoked_on.isoformat()}"])
        if as_of >= certification.expires_on:
            return Standing("expired", False, [f"the certification expired on {certification.expires_on.isoformat()}"])
        reasons = list(check.reasons)
        if not participating(moa, as_of):
            reasons.append(f"the {moa.model} MOA is not in effect ({moa.status})")
        return Standing("certified", not reasons, reasons)
    # The MOA's termination ends a nomination still running (nominees.left_on): the nominee is then neither
    # "eligible" nor "in training" (no step is taken under an MOA not in effect), which the lists, showing the
    # status without its reasons, said; where the course stood when it ended is kept in the reasons.
    ended = nomination_ended(moa, as_of)
    if enrolment is not None and enrolment.enrolled_on <= as_of:
        progress = _progress(session, enrolment, as_of)
        if ended is None or progress.status == "disqualified":  # a disqualification ended the nomination before
            return Standing(progress.status, False, [progress.explanation])
        return Standing("nomination_ended", False, [ended, f"in the course then: {progress.explanation}"])
    if ended is not None:
        return Standing("nomination_ended", False, [ended] + check.reasons)
    return Standing("eligible" if check.eligible else "ineligible", False, check.reasons)


def nomination_ended(moa: ProgramMoa, as_of: dt.date) -> str | None:
    """Why a nomination under the MOA has ended by the date (its termination), or None while the MOA lets it run."""
    if moa.terminated_on is not None and moa.terminated_on <= as_of:
        return f"the {moa.model} MOA {moa.id} was terminated on {moa.terminated_on.isoformat()}: the nomination ended"
    return None


def course_ended(session: Session, nominee: Nominee, enrolment: Enrolment) -> str:
    """How and when the nominee's course ended (every examination passed, or disqualified and why), for a refusal
    of a step the course no longer takes: "finished the course (disqualified)" did not say when, nor why."""
    day = enrolment.finished_on.isoformat()
    if enrolment.status == "disqualified":
        why = _progress(session, enrolment).explanation.removeprefix("disqualified: ")
        return f"nominee {nominee.id} was disqualified on {day}: {why}"
    return f"nominee {nominee.id} passed every examination on {day}"


def not_before_nomination(nominee: Nominee, field_name: str, day: dt.date) -> None:
    """No step of a nominee is dated before the nomination: an officer would count as trained, certified and
    authorized on days before anyone nominated them."""
    nominated = nominee.nominated_on
    if day < nominated:
        raise InvalidInput({field_name: f"must not be before the nomination, {nominated.isoformat()}"})


def not_before_background(nominee: Nominee, field_name: str, day: dt.date) -> None:
    """Steps are recorded in the order they happened: none before the background investigation's completion."""
    completed = nominee.background_completed_on
    if completed is not None and day < completed:
        raise InvalidInput({field_name: f"must not be before the background check's completion, {completed.isoformat()}"})


def enrol(session: Session, actor: Actor, nominee_id: int, *, enrolled_on=None, today: dt.date | None = None) -> Enrolment:
    """Enrol an eligible nominee in the initial course of their MOA's model. An ineligible nominee is refused
    with the reason for every rule not met."""
    nominee = get_nominee(session, actor, nominee_id, "training.enrol")
    today = today or days.today()
    check = Checker()
    day = check.date("enrolled_on", enrolled_on or today, not_after=today)
    check.done()
    moa, enrolment, _ = _records(session, nominee, changing=True)
    if enrolment is not None and enrolment.status == "disqualified":
        # The nomination ended that day (nominees.left_on): the officer trains anew only when nominated again.
        raise Conflict(f"{course_ended(session, nominee, enrolment)}; a disqualified nominee is not enrolled again (the officer may be nominated again)")
    if enrolment is not None:
        raise Conflict(f"nominee {nominee.id} is already enrolled (since {enrolment.enrolled_on.isoformat()})")
    not_before_nomination(nominee, "enrolled_on", day)
    not_before_background(nominee, "enrolled_on", day)
    if not participating(moa, day):
        raise Conflict(f"the {moa.model} MOA {moa.id} is not in effect on {day.isoformat()}")
    verdict = eligibility_of(session, nominee, day)
    if not verdict.eligible:
        raise NotEligible(nominee.id, moa.model, verdict.reasons)
    course = course_catalog().for_model(moa.model)
    enrolment = Enrolment(nominee_id=nominee.id, agency_id=nominee.agency_id, course=course.code, enrolled_on=day, status="enrolled")
    session.add(enrolment)
    session.flush()
    audit.record(session, actor, "training.enrol", "nominee", nominee.id, after={"enrolment_id": enrolment.id, "course": course.code, "enrolled_on": day.isoformat(), "eligibility": verdict.as_dict()})
    return enrolment


def record_exam(session: Session, actor: Actor, nominee_id: int, *, score, taken_on=None, exam: str | None = None, today: dt.date | None = None) -> ExamProgress:
    """Record an examination score. A failed examination opens the one remediation attempt; the next attempt at
    it is recorded as remedial; two failures disqualify. Returns where the nominee then stands."""
    nominee = get_nominee(session, actor, nominee_id, "training.record_exam")
    moa, enrolment, _ = _records(session, nominee, changing=True)
    if enrolment is None:
        raise Conflict(f"nominee {nominee.id} is not enrolled")
    if enrolment.status != "enrolled":
        raise Conflict(f"{course_ended(session, nominee, enrolment)}; no further examination is recorded")
    course = course_catalog().courses[enrolment.course]
    policy = course_catalog().policy
    check = Checker()
    exam = exam or (course.exam_names[0] if len(course.exam_names) == 1 else None)
    if exam is None:
        check.fail("exam", f"name the examination: {', '.join(course.exam_names)}")
    elif exam not in course.exam_names:
        check.fail("exam", f"{quoted(exam)} is not an examination of this course: {', '.join(course.exam_names)}")
    today = today or days.today()
    day = check.date("taken_on", taken_on or today, not_after=today)  # today unless given, as enrolment and certification
    # Read strictly: "7_0" is no 70, "1e1" no 10, and a yes or no no score (True would record 1 percent, a failure
    # that may disqualify for good).
    value = check.number("score", score, 0, 100, "a percentage from 0 to 100")
    check.done()
    previous = _attempts(session, enrolment)
    if day < enrolment.enrolled_on or (previous and day < previous[-1].taken_on):
        raise InvalidInput({"taken_on": "must not be before the enrolment or an examination already recorded"})
    not_before_nomination(nominee, "taken_on", day)
    if not participating(moa, day):  # training under a terminated MOA leads to no authorization
        raise Conflict(f"the {moa.model} MOA {moa.id} is not in effect on {day.isoformat()}")
    remedial, refused = next_attempt_is_remedial(course.exam_names, [Attempt(a.exam, a.score, a.taken_on) for a in previous], exam, policy)
    if refused:
        raise Conflict(refused)
    attempt = ExamAttempt(enrolment_id=enrolment.id, agency_id=nominee.agency_id, exam=exam, taken_on=day, score=value, remedial=remedial, passed=value >= policy.pass_mark)
    session.add(attempt)
    session.flush()
    progress = _progress(session, enrolment)
    before = {"status": enrolment.status}
    if progress.status in ("passed", "disqualified"):
        enrolment.status, enrolment.finished_on = progress.status, day
        session.flush()
    audit.record(
        session,
        actor,
        "training.record_exam",
        "nominee",
        nominee.id,
        before=before,
        after={"exam": exam, "score": value, "taken_on": day.isoformat(), "remedial": remedial, "passed": attempt.passed, "status": progress.status},
    )
    return progress


def certify(session: Session, actor: Actor, nominee_id: int, *, certified_on=None, today: dt.date | None = None) -> Certification:
    """Certify a nominee who passed the course, is eligible and whose MOA is in effect; the expiry and the
    refresher date follow the course catalog."""
    nominee = get_nominee(session, actor, nominee_id, "training.certify")
    today = today or days.today()
    check = Checker()
    day = check.date("certified_on", certified_on or today, not_after=today)
    check.done()
    moa, enrolment, certification = _records(session, nominee, changing=True)
    if certification is not None:
        raise Conflict(f"nominee {nominee.id} was certified on {certification.certified_on.isoformat()}")
    if enrolment is not None and enrolment.status == "disqualified":
        raise Conflict(f"{course_ended(session, nominee, enrolment)}; a disqualified nominee is not certified")
    if enrolment is None or enrolment.status != "passed":
        raise Conflict(f"nominee {nominee.id} has not passed the course" + (f" ({enrolment.status})" if enrolment else " (not enrolled)"))
    if day < enrolment.finished_on:
        raise InvalidInput({"certified_on": f"must not be before the course was passed ({enrolment.finished_on.isoformat()})"})
    not_before_nomination(nominee, "certified_on", day)
    not_before_background(nominee, "certified_on", day)
    verdict = eligibility_of(session, nominee, day)
    if not verdict.eligible:
        raise NotEligible(nominee.id, moa.model, verdict.reasons)
    if not participating(moa, day):
        raise Conflict(f"the {moa.model} MOA {moa.id} is not in effect on {day.isoformat()}")
    course = course_catalog().courses[enrolment.course]
    certification = Certification(
        nominee_id=nominee.id,
        agency_id=nominee.agency_id,
        certified_on=day,
        expires_on=expiry(day, course.certification_years),
        refresher_due_on=refresher_due(day, course.refresher_years),
        certified_by=actor.label,
    )
    session.add(certification)
    session.flush()
    audit.record(session, actor, "training.certify", "nominee", nominee.id, after=certification_fields(certification))
    return certification


def expiry(day: dt.date, years: int) -> dt.date:
    """The first day a certification of `day` lasting `years` no longer covers: its anniversary, the day after the
    period's last (from 29 February, 1 March in a common year: the period holds 28 February, as years of service
    do in rules.anniversary; the same calendar day, 28 February, would end it a day early)."""
    return anniversary(day, years)


def refresher_due(day: dt.date, years: int) -> dt.date:
    """The day refresher training falls due after a certification or refresher of `day`: when the catalog's
    interval has run, as a certification's period does (expiry), so that from 29 February it is 1 March in a common
    year, not 28 February (a day early: listed overdue on 1 March, and JEM's refresher, of the certification's two
    years, due the day before the expiry instead of on it)."""
    return anniversary(day, years)


def _live_certification(session: Session, nominee: Nominee, *, changing: bool = False) -> tuple[ProgramMoa, Enrolment, Certification]:
    moa, enrolment, certification = _records(session, nominee, changing=changing)
    if certification is None:
        raise Conflict(f"nominee {nominee.id} is not certified")
    if certification.revoked_on is not None:
        raise Conflict(f"nominee {nominee.id}'s authorization was revoked on {certification.revoked_on.isoformat()}")
    return moa, enrolment, certification


def record_refresher(session: Session, actor: Actor, nominee_id: int, *, completed_on=None, today: dt.date | None = None) -> Certification:
    """Record refresher training; the next one falls due after the catalog's interval."""
    nominee = get_nominee(session, actor, nominee_id, "training.record_refresher")
    moa, enrolment, certification = _live_certification(session, nominee, changing=True)
    check = Checker()
    today = today or days.today()
    day = check.date("completed_on", completed_on or today, not_after=today)  # today unless given, as enrolment and certification
    if day is not None and day < certification.certified_on:
        check.fail("completed_on", "must not be before the certification")
    elif day is not None and certification.last_refresher_on and day < certification.last_refresher_on:
        # Dates only move forward: an earlier refresher would bring the next one's due date back.
        check.fail("completed_on", f"must not be before the last refresher, {certification.last_refresher_on.isoformat()}")
    elif day is not None and day > certification.expires_on:
        # As a renewal: after the lapse the officer is authorized no more, and a refresher would set a next one due.
        # On the expiry day itself it is still taken: JEM's refresher falls due that very day (both periods 2 years).
        check.fail("completed_on", f"must not be after the expiry, {certification.expires_on.isoformat()}: a lapsed certification is not kept up; the officer is nominated again")
    check.done()
    if not participating(moa, day):
        raise Conflict(f"the {moa.model} MOA {moa.id} is not in effect on {day.isoformat()}")
    course = course_catalog().courses[enrolment.course]
    recorded = (day, refresher_due(day, course.refresher_years))
    if (certification.last_refresher_on, certification.refresher_due_on) == recorded:
        return certification  # this refresher is recorded already: no change, no event
    before = certification_fields(certification)
    certification.last_refresher_on, certification.refresher_due_on = recorded
    session.flush()
    audit.record(session, actor, "training.record_refresher", "nominee", nominee.id, before=before, after=certification_fields(certification))
    return certification


def renew_certification(session: Session, actor: Actor, nominee_id: int, *, renewed_on=None, today: dt.date | None = None) -> Certification:
    """ICE renews an authorization: a new period runs from the renewal date (eligibility and MOA re-checked)."""
    nominee = get_nominee(session, actor, nominee_id, "training.certify")
    moa, enrolment, certification = _live_certification(session, nominee, changing=True)
    years = course_catalog().courses[enrolment.course].certification_years
    # The current period's first day: the last renewal's (none yet: the certification's). An earlier renewal would
    # bring the expiry back.
    period_start = certification.renewed_on or certification.certified_on
    check = Checker()
    today = today or days.today()
    day = check.date("renewed_on", renewed_on or today, not_after=today)  # today unless given, as enrolment and certification
    if day is not None and day < certification.certified_on:
        check.fail("renewed_on", "must not be before the certification")
    elif day is not None and day < period_start:
        check.fail("renewed_on", f"must not be before the last renewal, {period_start.isoformat()}")
    elif day is not None and day >= certification.expires_on:
        # One period runs from the certification to the day before the expiry (standing counts the expiry day as
        # expired): renewed after a lapse, the officer would count as authorized during the lapse too.
        check.fail("renewed_on", f"must be before the expiry, {certification.expires_on.isoformat()}: a lapsed certification is not renewed")
    check.done()
    verdict = eligibility_of(session, nominee, day)
    if not verdict.eligible:
        raise NotEligible(nominee.id, moa.model, verdict.reasons)
    if not participating(moa, day):
        raise Conflict(f"the {moa.model} MOA {moa.id} is not in effect on {day.isoformat()}")
    renewed = (expiry(day, years), day)
    if (certification.expires_on, certification.renewed_on) == renewed:
        return certification  # this renewal is recorded already: no change, no event
    before = certification_fields(certification)
    certification.expires_on, certification.renewed_on = renewed
    session.flush()
    audit.record(session, actor, "training.renew", "nominee", nominee.id, before=before, after=certification_fields(certification))
    return certification


def revoke(session: Session, actor: Actor, nominee_id: int, *, revoked_on=None, today: dt.date | None = None) -> Certification:
    """Revoke an officer's authorization while it runs (who may, by each model's MOA: see the MOA drafts)."""
    nominee = get_nominee(session, actor, nominee_id, "training.revoke")
    moa, _, certification = _live_certification(session, nominee, changing=True)
    check = Checker()
    today = today or days.today()
    day = check.date("revoked_on", revoked_on or today, not_after=today)  # today unless given, as enrolment and certification
    if day is not None and day < certification.certified_on:
        check.fail("revoked_on", "must not be before the certification")
    elif day is not None:
        # Steps stay in the order they happened: a renewal or refresher recorded after the revocation's day would
        # have been given to an officer no longer authorized.
        later = [(what, on) for what, on in (("renewal", certification.renewed_on), ("refresher", certification.last_refresher_on)) if on is not None and day < on]
        if later:
            what, on = max(later, key=lambda item: item[1])
            check.fail("revoked_on", f"must not be before the last {what}, {on.isoformat()}")
        elif day >= certification.expires_on:
            # Expired, it authorizes nothing: a revocation then would read "revoked" where the record says "expired".
            check.fail("revoked_on", f"must be before the expiry, {certification.expires_on.isoformat()}: an expired certification authorizes nothing to revoke")
    check.done()
    if not participating(moa, day):
        # As every step under an MOA: after its termination its officers are authorized no more, nothing to revoke.
        raise Conflict(f"the {moa.model} MOA {moa.id} is not in effect on {day.isoformat()}")
    before = certification_fields(certification)
    certification.revoked_on = day
    session.flush()
    audit.record(session, actor, "training.revoke", "nominee", nominee.id, before=before, after=certification_fields(certification))
    return certification


# The program office's views ------------------------------------------------------------------------------------


def _scope(session: Session, actor: Actor, agency_id: int | None) -> int | None:
    """The agency whose records the actor may read here (None: all). Agency users read their own agency only: any
    other id is refused to them, whether it names an agency or not. An id naming no agency is refused (InvalidInput
    naming agency_id) to the program office: an empty roster would read as "no one"."""
    if allowed(actor, "training.read_all"):
        wanted = agency_id
    else:
        wanted = agency_id if agency_id is not None else actor.agency_id
        authorize(actor, "training.read", SimpleNamespace(agency_id=wanted))
    if wanted is not None and session.get(ApplicantAgency, wanted) is None:
        raise InvalidInput({"agency_id": "no such applicant agency"})
    return wanted


def _nominee_rows(session: Session, agency_id: int | None, model: str | None):
    query = (
        select(Nominee, ProgramMoa, ApplicantAgency)
        .join(ProgramMoa, ProgramMoa.id == Nominee.moa_id)
        .join(ApplicantAgency, ApplicantAgency.id == Nominee.agency_id)
        .order_by(ApplicantAgency.state_usps, in_code_point_order(ApplicantAgency.name), ProgramMoa.model, in_code_point_order(Nominee.full_name), Nominee.id)
    )
    if agency_id is not None:
        query = query.where(Nominee.agency_id == agency_id)
    if model is not None:
        query = query.where(ProgramMoa.model == model)
    return session.execute(query).all()


def authorized_officers(session: Session, actor: Actor, *, as_of: dt.date | None = None, agency_id: int | None = None, model: str | None = None) -> list[dict]:
    """Officers authorized on a date, per agency and model (personal data: the program office, or the agency)."""
    scope = _scope(session, actor, agency_id)
    as_of = day_argument("as_of", as_of) or days.today()
    result = []
    for nominee, moa, agency in _nominee_rows(session, scope, model):
        state = standing(session, nominee, as_of)
        if not state.authorized:
            continue
        certification = session.scalars(select(Certification).where(Certification.nominee_id == nominee.id)).one()
        result.append(
            {
                "nominee_id": nominee.id,
                "full_name": nominee.full_name,
                "agency_id": agency.id,
                "agency": agency.name,
                "state": agency.state_usps,
                "model": moa.model,
                "moa_id": moa.id,
                "certified_on": certification.certified_on.isoformat(),
                "expires_on": certification.expires_on.isoformat(),
                "refresher_due_on": certification.refresher_due_on.isoformat() if certification.refresher_due_on else None,
            }
        )
    return result


def summary(session: Session, actor: Actor, *, as_of: dt.date | None = None, agency_id: int | None = None) -> list[dict]:
    """Per agency and model: nominees, eligible, in training, certified, authorized."""
    scope = _scope(session, actor, agency_id)
    as_of = day_argument("as_of", as_of) or days.today()
    table: dict[tuple, dict] = {}
    for nominee, moa, agency in _nominee_rows(session, scope, None):
        if nominee.nominated_on > as_of:
            continue  # not a nominee yet on that day (as the roster of the day: nominees.list_nominees)
        key = (agency.id, moa.model)
        row = table.setdefault(key, {"agency_id": agency.id, "agency": agency.name, "state": agency.state_usps, "model": moa.model, "moa_status": None, "nominees": 0, "eligible": 0, "in_training": 0, "certified": 0, "authorized": 0})
        # The MOA's status on that day, not today's. An agency may have a terminated MOA of the model and a later one:
        # the row says the one in effect, if any.
        row["moa_status"] = min(filter(None, (row["moa_status"], status_on(moa, as_of))), key=_STATUS_ORDER.index)
        state = standing(session, nominee, as_of)
        # A nomination the MOA's termination ended (nominees.left_on) is neither eligible nor in training that day:
        # counted so, the row of a model whose later MOA is in effect counted the old MOA's trainees as its own.
        running = participating(moa, as_of)
        row["nominees"] += 1
        row["eligible"] += running and eligibility_of(session, nominee, as_of).eligible
        row["in_training"] += running and state.status in ("in_training", "remediation_due", "passed")
        row["certified"] += state.status == "certified"
        row["authorized"] += state.authorized
    return list(table.values())


def due(session: Session, actor: Actor, *, as_of: dt.date | None = None, within_days: int = 60, agency_id: int | None = None) -> list[dict]:
    """What is due on or before `as_of + within_days`: refresher training, expiring certifications (and those expired
    within the last `within_days`, overdue, until the officer is nominated again), remediation examinations,
    background results to record, nominees ready to enrol or to certify."""
    scope = _scope(session, actor, agency_id)  # first: who may not read this is told so, whatever they asked
    as_of = day_argument("as_of", as_of) or days.today()
    if not 0 <= within_days <= MAX_WITHIN_DAYS:
        raise InvalidInput({"within_days": f"from 0 to {MAX_WITHIN_DAYS}"})
    horizon = as_of + dt.timedelta(days=within_days)
    rows = list(_nominee_rows(session, scope, None))
    # The nominations of each name (agency, model, name as g287.program.nominees compares it): a lapsed officer
    # nominated again is followed there.
    def person(nominee, moa, agency) -> tuple:
        # A name with no letter or digit has no key: its nominee is followed by no other.
        return (agency.id, moa.model, person_key(nominee.full_name) or ("nominee", nominee.id))

    nominated: dict[tuple, list[tuple[dt.date, int]]] = {}
    for nominee, moa, agency in rows:
        nominated.setdefault(person(nominee, moa, agency), []).append((nominee.nominated_on, nominee.id))
    items = []
    for nominee, moa, agency in rows:
        if not participating(moa, as_of):
            continue  # nothing is due under an MOA not in effect that day (signed later, or terminated by then)
        state = standing(session, nominee, as_of)
        _, enrolment, certification = _records(session, nominee)

        def item(kind: str, explanation: str, due_on: dt.date | None = None, deadline: bool = True) -> None:
            """`deadline` False: `due_on` is the day the item became due, which no rule makes late afterwards."""
            items.append(
                {
                    "kind": kind,
                    "due_on": due_on.isoformat() if due_on else None,
                    "overdue": bool(deadline and due_on and due_on < as_of),
                    "nominee_id": nominee.id,
                    "full_name": nominee.full_name,
                    "agency_id": agency.id,
                    "agency": agency.name,
                    "model": moa.model,
                    "explanation": explanation,
                }
            )

        if state.status == "certified":
            if certification.refresher_due_on and certification.refresher_due_on <= horizon:
                item("refresher_due", "refresher training due", certification.refresher_due_on)
            if certification.expires_on <= horizon:
                item("certification_expires", "the certification expires; renew it or the officer stops being authorized", certification.expires_on)
            if not state.authorized:
                item("not_authorized", "certified but not authorized: " + "; ".join(state.reasons))
        elif state.status == "expired":
            # Not renewable (renew_certification), and no longer authorized: left out, a lapse went unseen. Listed
            # as long back as the list looks ahead (within_days), and not once the officer is nominated again.
            # Nominated again: a nomination of the name from the expiry on. One made before it, while this officer
            # was still on the MOA, is a namesake's, a different person (nominees.same_name_check had it confirmed).
            # Only one made by `as_of` counts: on a past day the lapse was due still, whatever came later.
            renominated = any(certification.expires_on <= on <= as_of for on, other in nominated[person(nominee, moa, agency)] if other != nominee.id)
            if renominated or certification.expires_on < as_of - dt.timedelta(days=within_days):
                continue
            item(
                "certification_expired",
                "the certification expired; the officer is not authorized. A lapsed certification is not renewed: nominate the officer again to train and certify anew",
                certification.expires_on,
            )
        elif state.status == "remediation_due":
            item("remediation_due", state.reasons[0])
        elif state.status == "passed" and certification is None:
            item("ready_to_certify", "passed every examination; ready to certify", enrolment.finished_on, deadline=False)
        elif state.status == "eligible":
            item("ready_to_enrol", "eligible; ready to enrol in the initial course")
        if nominee.background_result is None and state.status in ("ineligible", "eligible"):
            item("background_pending", "background investigation result to record")
    return sorted(items, key=lambda i: (i["due_on"] or "9999", i["agency"], i["full_name"]))


def certification_of(session: Session, actor: Actor, nominee_id: int) -> Certification:
    nominee = get_nominee(session, actor, nominee_id)
    certification = session.scalars(select(Certification).where(Certification.nominee_id == nominee.id)).first()
    if certification is None:
        raise NotFound(f"nominee {nominee_id} is not certified")
    return certification
