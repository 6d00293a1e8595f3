"""Nominees: officers an agency nominates to a signed MOA, the facts the qualification rules read, and their
eligibility with the reason for every rule not met.

Personal data: only users of the nominee's agency, program officers and administrators can read or change a
nominee (see data/rules/access/program.toml); nothing here is used by the public views.

One officer is one nominee of an MOA at a time. Nominees carry no identifier but their name, and two officers may
share one: a nomination (or a rename) giving an MOA two nominees of one name at once (compared as a person reads
it: g287.registry.names.person_key) is refused, unless the caller confirms that the officer is a namesake of each,
a different person (`namesake_of`, recorded in the audit event). A nominee who has left the MOA (see left_on) may
be nominated again.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287 import audit, days
from g287.access import Actor, allowed, authorize, role_name
from g287.db.models.program import ApplicantAgency, Certification, Enrolment, ExamAttempt, Nominee, ProgramMoa
from g287.errors import AccessDenied
from g287.program import records
from g287.program.moas import get_moa, participating
from g287.program.rules import Eligibility, evaluate
from g287.program.validation import Checker, Conflict, InvalidInput, day_argument
from g287.registry.names import person_key

MAX_PERIODS = 20
NOT_GIVEN = object()


def get_nominee(session: Session, actor: Actor, nominee_id: int, action: str = "nominee.read") -> Nominee:
    """The nominee, if `actor` may do `action` to it; one the actor may not see is no such nominee (see
    g287.program.records). For a change, locked until the change is committed (see moas.get_moa: two changes at
    once take turns instead of one writing over the other)."""
    return records.find(session, actor, Nominee, nominee_id, read="nominee.read", action=action, missing=f"no nominee with id {nominee_id}", lock=not action.endswith(".read"))


class SameName(Conflict):
    """A nomination or a rename that would give an MOA two nominees of one name at once. `namesakes`: every other
    nominee of the name on the MOA then, each {"id", "nominated_on", "left_on"} (None while still on the MOA) and
    "confirmed" (whether namesake_of named them), for a form to offer the confirmation again with what was ticked;
    the message names those not confirmed."""

    def __init__(self, moa_id: int, namesakes: list[dict]):
        self.namesakes = namesakes
        namesakes = [n for n in namesakes if not n["confirmed"]]
        named = "; ".join(f"nominee {n['id']} (nominated on {n['nominated_on']}, " + (f"on the MOA until {n['left_on']})" if n["left_on"] else "still on the MOA)") for n in namesakes)
        ids = " and ".join(str(n["id"]) for n in namesakes)
        super().__init__(
            f"MOA {moa_id} already has a nominee of this name: {named}. One officer is not nominated twice to an MOA: if this is a different person "
            f"of the same name, confirm that they are a namesake of nominee{'s' if len(namesakes) > 1 else ''} {ids}"
        )


def left_on(session: Session, nominee: Nominee) -> dt.date | None:
    """The day the nominee leaves (or left) the MOA, None while nothing ends their nomination. A nominee has no
    withdrawal of their own: the nomination ends with the MOA's termination, or with the standing no later step
    undoes (training.standing): disqualified on the day of the examination that disqualified them, revoked on the
    revocation's day, expired on the certification's expiry (renewed before it, the expiry moves; lapsed, it is not
    renewed, and the officer is nominated again to train anew). A certification's expiry still to come is that day
    too: the officer is on the MOA until then."""
    ends = [session.get(ProgramMoa, nominee.moa_id).terminated_on]
    enrolment = session.scalars(select(Enrolment).where(Enrolment.nominee_id == nominee.id)).first()
    if enrolment is not None and enrolment.status == "disqualified":
        ends.append(enrolment.finished_on)
    certification = session.scalars(select(Certification).where(Certification.nominee_id == nominee.id)).first()
    if certification is not None:
        ends.append(certification.revoked_on or certification.expires_on)
    return min((end for end in ends if end is not None), default=None)


def namesake_ids(namesake_of: Iterable[int] | None) -> list[int]:
    """The nominee ids a caller confirms as namesakes, each once, in order; InvalidInput unless each is an id."""
    given = list(namesake_of or ())
    if any(isinstance(item, bool) or not isinstance(item, int) for item in given):
        raise InvalidInput({"namesake_of": "expected nominee ids"})
    return sorted(set(given))


def same_name_check(
    session: Session, actor: Actor, moa_id: int, name: str, start: dt.date, until: dt.date | None, namesake_of: Iterable[int], *, today: dt.date, other_than: int | None = None
) -> list[int]:
    """Refuse (SameName) a nominee of `name` on the MOA from `start` until `until` (None: no end) while another
    nominee of that name is on it, unless `namesake_of` names each such nominee: the caller confirms that the
    officer is a different person. Returns the ids confirmed, for the audit event. An id in `namesake_of` that is no
    such nominee (another name, another MOA, one who left before, one the actor may not read: one answer for all)
    is invalid input: the audit event would confirm a namesake of nobody."""
    key = person_key(name)
    query = select(Nominee).where(Nominee.moa_id == moa_id).order_by(Nominee.id)
    if other_than is not None:
        query = query.where(Nominee.id != other_than)
    alongside = []
    # A name with no letter or digit has no key to compare: it is the same name as no other.
    for other in session.scalars(query) if key else ():
        # Only a nominee the actor may read is counted, so that a refusal never tells of one they may not. Under the
        # access rules as they are, whoever may nominate to an MOA or rename its nominees may read all of them.
        if person_key(other.full_name) != key or not allowed(actor, "nominee.read", other):
            continue
        other_left = left_on(session, other)
        if (other_left is None or start < other_left) and (until is None or other.nominated_on < until):
            gone = other_left is not None and other_left <= today  # a certification's expiry to come is not told as a departure
            alongside.append({"id": other.id, "nominated_on": other.nominated_on.isoformat(), "left_on": other_left.isoformat() if gone else None})
    confirmed = namesake_ids(namesake_of)
    stray = [given for given in confirmed if given not in {other["id"] for other in alongside}]
    if stray:
        raise InvalidInput({"namesake_of": f"nominee {stray[0]} is no nominee of this name on MOA {moa_id} at the same time"})
    if any(other["id"] not in confirmed for other in alongside):
        raise SameName(moa_id, [dict(other, confirmed=other["id"] in confirmed) for other in alongside])
    return confirmed


def certification_fields(c: Certification) -> dict:
    """A certification as the nominee's detail shows it and the audit log records it."""
    return {
        "certified_on": c.certified_on.isoformat(),
        "expires_on": c.expires_on.isoformat(),
        "refresher_due_on": c.refresher_due_on.isoformat() if c.refresher_due_on else None,
        "last_refresher_on": c.last_refresher_on.isoformat() if c.last_refresher_on else None,
        "renewed_on": c.renewed_on.isoformat() if c.renewed_on else None,  # the last renewal: the current period's first day
        "revoked_on": c.revoked_on.isoformat() if c.revoked_on else None,
    }


def facts_of(nominee: Nominee) -> dict:
    return {
        "full_name": nominee.full_name,
        "us_citizen": nominee.us_citizen,
        "enforced_jurisdiction_laws": nominee.enforced_jurisdiction_laws,
        "service_periods": list(nominee.service_periods or []),
        # after the facts recorded before it: `g287 audit`'s table cuts values at 160 characters, and keeps showing them
        "jail_security_and_inmate_rules": nominee.jail_security_and_inmate_rules,
        "background_result": nominee.background_result,
        "background_completed_on": nominee.background_completed_on.isoformat() if nominee.background_completed_on else None,
    }


def check_periods(check: Checker, periods, today: dt.date) -> list[dict]:
    """Periods of sworn law enforcement service: a start date and an end date (none while it lasts)."""
    result = []
    items = list(periods or [])
    if len(items) > MAX_PERIODS:
        check.fail("service_periods", f"at most {MAX_PERIODS} periods")
        return []
    for index, item in enumerate(items):
        data = dict(item)
        start = check.date(f"service_periods[{index}].start", data.get("start"), not_after=today)
        end = check.date(f"service_periods[{index}].end", data.get("end"), required=False, not_after=today)
        if start and end and end < start:
            check.fail(f"service_periods[{index}].end", "must not be before the start")
        if start:
            result.append({"start": start.isoformat(), "end": end.isoformat() if end else None})
    return result


def _facts(check: Checker, given: dict, today: dt.date) -> dict:
    """The facts given (full_name, us_citizen, enforced_jurisdiction_laws, jail_security_and_inmate_rules,
    service_periods: those not given are left out) as recorded, each checked into `check`."""
    facts = {}
    if "full_name" in given:
        facts["full_name"] = check.text("full_name", given["full_name"], max_length=200)
    for name in ("us_citizen", "enforced_jurisdiction_laws", "jail_security_and_inmate_rules"):
        if name in given:
            facts[name] = check.boolean(name, given[name])
    if "service_periods" in given:
        facts["service_periods"] = check_periods(check, given["service_periods"], today)
    return facts


def check_facts(given: dict, *, nominated_on: dt.date | None = None, today: dt.date | None = None) -> dict:
    """The facts of a nominee given (see _facts), and the day of a nomination, as recorded; InvalidInput naming each
    that cannot be, whatever the database holds (nominate and update_nominee check them, with what depends on the
    MOA; the command line before it opens the database)."""
    today = today or days.today()
    check = Checker()
    if nominated_on is not None:
        check.date("nominated_on", nominated_on, not_after=today)
    facts = _facts(check, given, today)
    check.done()
    return facts


def nominate(
    session: Session,
    actor: Actor,
    moa_id: int,
    *,
    full_name: str,
    us_citizen: bool | None = None,
    enforced_jurisdiction_laws: bool | None = None,
    jail_security_and_inmate_rules: bool | None = None,
    service_periods: list | None = None,
    nominated_on=None,
    namesake_of: Iterable[int] = (),
    today: dt.date | None = None,
) -> Nominee:
    """Nominate an officer to a participating MOA of the agency, today or on a past day when the MOA was in effect
    (`nominated_on`, to record older history). The nominee is recorded even when not (yet) eligible; eligibility is decided by the rules
    whenever it is asked for, and enrolment requires it. Refused while a nominee of the same name is on the MOA,
    unless `namesake_of` lists them (see same_name_check)."""
    moa = get_moa(session, actor, moa_id, "nominee.create", changing=True)  # a termination at the same moment waits, or is waited for
    today = today or days.today()
    check = Checker()
    day = check.date("nominated_on", nominated_on or today, not_after=today)
    if moa.signed_on is None or (nominated_on is None and not participating(moa, today)):
        raise Conflict(f"MOA {moa.id} ({moa.model}) is {moa.status}, not in effect on {today.isoformat()}: officers are nominated to a signed MOA in effect")
    # A day given that the MOA does not cover is a wrong day, named like any other (the MOA itself is fine).
    if day is not None and day < moa.signed_on:
        check.fail("nominated_on", f"must not be before the MOA was signed, {moa.signed_on.isoformat()}")
    elif day is not None and not participating(moa, day):
        check.fail("nominated_on", f"must be before the MOA was terminated, {moa.terminated_on.isoformat()}")
    given = {
        "full_name": full_name, "us_citizen": us_citizen, "enforced_jurisdiction_laws": enforced_jurisdiction_laws,
        "jail_security_and_inmate_rules": jail_security_and_inmate_rules, "service_periods": service_periods,
    }
    facts = _facts(check, given, today)
    check.done()
    name = facts["full_name"]
    # The MOA is locked (get_moa above): a nomination or a rename of the same name at the same moment waits.
    namesakes = same_name_check(session, actor, moa.id, name, day, None, namesake_of, today=today)
    nominee = Nominee(
        moa_id=moa.id,
        agency_id=moa.agency_id,
        **facts,
        nominated_on=day,
        nominated_at=dt.datetime.now(dt.timezone.utc),
        nominated_by=actor.label,
    )
    session.add(nominee)
    session.flush()
    confirmation = {"namesake_of": namesakes} if namesakes else {}
    audit.record(session, actor, "nominee.create", "nominee", nominee.id, after={"moa_id": moa.id, "nominated_on": day.isoformat(), **facts_of(nominee), **confirmation})
    return nominee


def update_nominee(
    session: Session,
    actor: Actor,
    nominee_id: int,
    *,
    full_name=NOT_GIVEN,
    us_citizen=NOT_GIVEN,
    enforced_jurisdiction_laws=NOT_GIVEN,
    jail_security_and_inmate_rules=NOT_GIVEN,
    service_periods=NOT_GIVEN,
    namesake_of: Iterable[int] | None = (),
    today: dt.date | None = None,
) -> Nominee:
    """Change the facts the agency attests (only those given). A certified officer whose facts no longer meet the
    rules stops being authorized. A new name is refused as a nomination is, while another nominee of that name is
    on the MOA at the same time as this one, unless `namesake_of` lists them (see same_name_check)."""
    nominee = get_nominee(session, actor, nominee_id, "nominee.update")
    today = today or days.today()
    given = {
        "full_name": full_name, "us_citizen": us_citizen, "enforced_jurisdiction_laws": enforced_jurisdiction_laws,
        "jail_security_and_inmate_rules": jail_security_and_inmate_rules, "service_periods": service_periods,
    }
    changes = check_facts({name: value for name, value in given.items() if value is not NOT_GIVEN}, today=today)
    if "full_name" in changes and changes["full_name"] != nominee.full_name and nominee.background_result is not None:
        # The investigation was of the person named: see nominee.rename_vetted in the access rules.
        if not allowed(actor, "nominee.rename_vetted", nominee):
            raise AccessDenied(
                f"{role_name(actor)} may not rename a nominee whose background investigation is recorded: the program office corrects the name", action="nominee.rename_vetted"
            )
    before = facts_of(nominee)
    if all(before[key] == value for key, value in changes.items()):
        # Nothing given, or the form sent again as it is: no change, so no event whose values before and after are
        # the same.
        return nominee
    namesakes = []
    renamed = "full_name" in changes and person_key(changes["full_name"]) != person_key(nominee.full_name)
    if namesake_ids(namesake_of) and not renamed:
        raise InvalidInput({"namesake_of": "a namesake is confirmed with a new name only"})
    if renamed:
        # Another spelling of the same name (case, accents) moves the nominee beside no one new. Otherwise the MOA
        # is locked, as a nomination locks it: two renames (or a rename and a nomination) to one name at the same
        # moment take turns, the second seeing the first.
        session.get(ProgramMoa, nominee.moa_id, with_for_update=True, populate_existing=True)
        namesakes = same_name_check(session, actor, nominee.moa_id, changes["full_name"], nominee.nominated_on, left_on(session, nominee), namesake_of, today=today, other_than=nominee.id)
    for key, value in changes.items():
        setattr(nominee, key, value)
    session.flush()
    confirmation = {"namesake_of": namesakes} if namesakes else {}
    audit.record(session, actor, "nominee.update", "nominee", nominee.id, before=before, after={**facts_of(nominee), **confirmation})
    return nominee


def record_background(session: Session, actor: Actor, nominee_id: int, *, result: str, completed_on, today: dt.date | None = None) -> Nominee:
    """The program office records the background investigation's result (passed or failed) and date."""
    nominee = get_nominee(session, actor, nominee_id, "nominee.record_background")
    check = Checker()
    outcome = check.choice("result", result, ("passed", "failed"))
    day = check.date("completed_on", completed_on, not_after=today or days.today())
    # Steps stay in the order they happened: an enrolment or certification already recorded came after the
    # background check it rests on, so a result dated later would leave them resting on nothing.
    for step, recorded in (
        ("enrolment", session.scalar(select(Enrolment.enrolled_on).where(Enrolment.nominee_id == nominee.id))),
        ("certification", session.scalar(select(Certification.certified_on).where(Certification.nominee_id == nominee.id))),
    ):
        if day is not None and recorded is not None and day > recorded:
            check.fail("completed_on", f"must not be after the {step} already recorded on {recorded.isoformat()}")
    check.done()
    enrolled_on = session.scalar(select(Enrolment.enrolled_on).where(Enrolment.nominee_id == nominee.id))
    if outcome == "failed" and enrolled_on is not None:
        # The enrolment (and any certification) was allowed on the strength of a passed result: turned to failed, dated
        # no later than them as the check above requires, it would rewrite the rosters of days already past.
        raise Conflict(
            f"nominee {nominee.id} was enrolled on {enrolled_on.isoformat()} on the strength of the background investigation passed: "
            "its result is not changed to failed afterwards (a certified officer's authorization is revoked)"
        )
    if (nominee.background_result, nominee.background_completed_on) == (outcome, day):
        return nominee  # recorded so already: no change, no event
    before = facts_of(nominee)
    nominee.background_result, nominee.background_completed_on = outcome, day
    session.flush()
    audit.record(session, actor, "nominee.record_background", "nominee", nominee.id, before=before, after=facts_of(nominee))
    return nominee


def eligibility_of(session: Session, nominee: Nominee, as_of: dt.date) -> Eligibility:
    moa = session.get(ProgramMoa, nominee.moa_id)
    return evaluate(moa.model, facts_of(nominee), as_of)


def eligibility(session: Session, actor: Actor, nominee_id: int, *, as_of: dt.date | None = None) -> Eligibility:
    nominee = get_nominee(session, actor, nominee_id)
    return eligibility_of(session, nominee, day_argument("as_of", as_of) or days.today())


def nominee_detail(session: Session, actor: Actor, nominee_id: int, *, as_of: dt.date | None = None) -> dict:
    """Everything recorded about a nominee, for their agency and the program office (personal data)."""
    from g287.program.training import standing  # training builds on nominees

    nominee = get_nominee(session, actor, nominee_id)
    as_of = day_argument("as_of", as_of) or days.today()
    moa = session.get(ProgramMoa, nominee.moa_id)
    enrolment = session.scalars(select(Enrolment).where(Enrolment.nominee_id == nominee.id)).first()
    attempts = list(session.scalars(select(ExamAttempt).where(ExamAttempt.enrolment_id == enrolment.id).order_by(ExamAttempt.id))) if enrolment else []
    certification = session.scalars(select(Certification).where(Certification.nominee_id == nominee.id)).first()
    return {
        "id": nominee.id,
        "agency_id": nominee.agency_id,
        "moa_id": moa.id,
        "model": moa.model,
        **facts_of(nominee),
        "nominated_at": nominee.nominated_at.isoformat(),
        "nominated_on": nominee.nominated_on.isoformat(),
        "eligibility": eligibility_of(session, nominee, as_of).as_dict(),
        "enrolment": None
        if enrolment is None
        else {"course": enrolment.course, "enrolled_on": enrolment.enrolled_on.isoformat(), "status": enrolment.status, "finished_on": enrolment.finished_on.isoformat() if enrolment.finished_on else None},
        "exams": [{"exam": a.exam, "taken_on": a.taken_on.isoformat(), "score": a.score, "remedial": a.remedial, "passed": a.passed} for a in attempts],
        "certification": None if certification is None else certification_fields(certification),
        "standing": standing(session, nominee, as_of).as_dict(),
    }


def list_nominees(session: Session, actor: Actor, *, moa_id: int | None = None, agency_id: int | None = None, as_of: dt.date | None = None) -> list[dict]:
    """Nominees the actor may read, with eligibility and standing (an agency user: their agency's only). A filter
    naming no record is refused (InvalidInput naming it): an empty list would read as "no nominee"."""
    from g287.program.training import nomination_ended, standing

    if (agency_id is not None or moa_id is not None) and not records.role_may(actor, "nominee.read"):
        # The public, naming a record: refused whatever the id names, before any record is read (unfiltered, the
        # list it may read is empty, as its list of applications is).
        authorize(actor, "nominee.read")
    if agency_id is not None:
        # Another agency's nominees are refused to an agency user whichever agency the id names, one that does not
        # exist included (as the rosters refuse them: training._scope), so that the answer tells nothing of it.
        authorize(actor, "nominee.read", SimpleNamespace(agency_id=agency_id))
        if session.get(ApplicantAgency, agency_id) is None:
            raise InvalidInput({"agency_id": "no such applicant agency"})
    if moa_id is not None:
        moa = session.get(ProgramMoa, moa_id)
        if moa is None or not allowed(actor, "application.read", moa):  # an MOA the actor may not see is none (records)
            raise InvalidInput({"moa_id": "no such MOA"})
    as_of = day_argument("as_of", as_of) or days.today()
    query = select(Nominee, ProgramMoa.model, ApplicantAgency.name).join(ProgramMoa, ProgramMoa.id == Nominee.moa_id).join(ApplicantAgency, ApplicantAgency.id == Nominee.agency_id)
    if moa_id is not None:
        query = query.where(Nominee.moa_id == moa_id)
    if agency_id is not None:
        query = query.where(Nominee.agency_id == agency_id)
    result = []
    for nominee, model, agency_name in session.execute(query.order_by(Nominee.id)):
        if not allowed(actor, "nominee.read", nominee) or nominee.nominated_on > as_of:
            continue  # a roster on a past date lists the officers nominated by then
        check = eligibility_of(session, nominee, as_of)
        # A nomination the MOA's termination ended is not eligible that day, as the summary counts it
        # (training.summary): the list's "eligible" is the nominee's on their MOA, not only the rules' verdict.
        ended = nomination_ended(session.get(ProgramMoa, nominee.moa_id), as_of)
        result.append(
            {
                "id": nominee.id,
                "full_name": nominee.full_name,
                "agency_id": nominee.agency_id,
                "agency": agency_name,
                "moa_id": nominee.moa_id,
                "model": model,
                "eligible": check.eligible and ended is None,
                "reasons": check.reasons + ([ended] if ended else []),
                "standing": standing(session, nominee, as_of).status,
            }
        )
    return result
