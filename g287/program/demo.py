"""`g287 demo`: demonstration accounts (one per role, and one agency user per demonstration agency) and
applications in every stage (a request withdrawn included), so a newcomer can walk the workflow at once. The
agencies are fictional and named so ("Demoville", "Sampleton", "Exampleton"); every change goes through the
services, as the demonstration users, so the audit log reads as it would in use. It runs only on a database without
accounts.

Its workflow is dated back from today: a letter or a draft is made as on its day (the services' `now`), so that its
recorded time is that day's and no page, document or API answer shows a step before the one it follows. The other
steps are recorded today, each dated its own past day (`signed_on`, `nominated_on`, ...), as the services record a
step of a past day: their times of recording (`recorded_at`, a nomination's "recorded") are today's, after the day.
The audit log keeps the real time of every event: it says when each record was made, which for all of them is the
moment `g287 demo` ran; a log dated back would no longer tell from when the database holds what.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from g287 import days
from g287.access import Actor, authorize
from g287.db.engine import Database
from g287.db.models.program import User
from g287.errors import G287Error
from g287.program import accounts, agencies, applications, moas, nominees, publish, training
from g287.program.applications import LetterForm, moas_of



@dataclass
class DemoResult:
    users: list[dict] = field(default_factory=list)  # username, role, agency, password (shown once)
    applications: list[dict] = field(default_factory=list)
    published: list[dict] = field(default_factory=list)


def demo_pdf(title: str) -> bytes:
    """A small PDF standing in for a signed MOA; it says it is not one."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, "DEMONSTRATION FILE - NOT A REAL AGREEMENT", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, f"Stands in for the signed MOA of {title}, created by `g287 demo`.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _letter(models: list[str], chief: tuple[str, str], contact: tuple[str, str, str], why: str) -> LetterForm:
    return LetterForm(
        models=models,
        chief_executive_name=chief[0],
        chief_executive_title=chief[1],
        contact_name=contact[0],
        contact_title=contact[1],
        contact_email=contact[2],
        justification=why,
    )


def _periods(today: dt.date, years: float) -> list[dict]:
    return [{"start": (today - dt.timedelta(days=round(years * 365.25))).isoformat(), "end": None}]


def create_demo(db: Database, actor: Actor, *, today: dt.date | None = None) -> DemoResult:
    authorize(actor, "program.demo")
    today = today or days.today()

    def ago(count: int) -> dt.date:
        return today - dt.timedelta(days=count)

    running = dt.datetime.now()  # the local time of day the demo runs, given to each step it dates back

    def moment(day: dt.date) -> dt.datetime:
        """A time of `day` where g287 runs, for a step the services record with its time (its local date is `day`)."""
        return dt.datetime.combine(day, running.time()).astimezone()

    result = DemoResult()
    with db.session(writing=True) as session:
        if session.scalar(select(func.count()).select_from(User)):
            raise G287Error("the database already has accounts: `g287 demo` runs only on a database without any (use a new --database)")
        demoville = agencies.create_agency(session, actor, "Demoville County Sheriff's Office", "FL", "county", county="Demoville County", address="100 Example Avenue\nDemoville, FL 32000")
        sampleton = agencies.create_agency(session, actor, "Sampleton Police Department", "TX", "municipality", county="Sample County", address="1 Civic Plaza\nSampleton, TX 75000")
        exampleton = agencies.create_agency(session, actor, "Exampleton County Sheriff's Office", "GA", "county", county="Exampleton County", address="20 Court Street\nExampleton, GA 30000")
        people = [
            ("demo-admin", "administrator", None, "Demo Administrator"),
            ("demo-officer", "program_officer", None, "Demo Program Officer"),
            ("demo-agency", "agency_user", demoville, "Demo user, Demoville County Sheriff's Office"),
            ("demo-agency-sampleton", "agency_user", sampleton, "Demo user, Sampleton Police Department"),
            ("demo-agency-exampleton", "agency_user", exampleton, "Demo user, Exampleton County Sheriff's Office"),
        ]
        actors = {}
        for username, role, agency, shown in people:
            created = accounts.add_user(session, actor, username, role, display_name=shown, agency_id=agency.id if agency else None)
            user = session.get(User, created.user.id)
            actors[username] = accounts.actor_for(user)
            result.users.append({"username": username, "role": role, "agency": agency.name if agency else None, "password": created.password})
        officer = actors["demo-officer"]

        # Demoville: TFM signed (nominees at every step), WSO drafted.
        app = applications.submit_letter(
            session,
            actors["demo-agency"],
            demoville.id,
            _letter(["TFM", "WSO"], ("Pat Example", "Sheriff"), ("Sam Sample", "Captain", "sam.sample@demoville.example"), "A demonstration letter: the agency asks to join the Task Force Model and the Warrant Service Officer model."),
            now=moment(ago(120)),
        )
        tfm, wso = moas_of(session, app.id)
        moas.draft_moa(session, officer, tfm.id, now=moment(ago(100)))
        moas.record_signed_moa(
            session, officer, tfm.id, pdf=demo_pdf("Demoville County Sheriff's Office (TFM)"), signed_on=ago(90), today=today,
            signatories=[{"name": "Pat Example", "title": "Sheriff", "party": "agency"}, {"name": "Lee Official", "title": "Field Office Director", "party": "ICE"}],
        )
        moas.draft_moa(session, officer, wso.id, now=moment(ago(30)))
        agency_actor = actors["demo-agency"]
        # One year of experience: refused for the Task Force Model, with the reason.
        alex = nominees.nominate(session, agency_actor, tfm.id, full_name="Alex Example", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=_periods(today, 1), nominated_on=ago(85), today=today)
        nominees.record_background(session, officer, alex.id, result="passed", completed_on=ago(80), today=today)
        # Failed once, passed the remediation, certified: authorized.
        jordan = nominees.nominate(session, agency_actor, tfm.id, full_name="Jordan Sample", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=_periods(today, 6), nominated_on=ago(85), today=today)
        nominees.record_background(session, officer, jordan.id, result="passed", completed_on=ago(80), today=today)
        training.enrol(session, officer, jordan.id, enrolled_on=ago(70), today=today)
        training.record_exam(session, officer, jordan.id, score=62, taken_on=ago(60), today=today)
        training.record_exam(session, officer, jordan.id, score=84, taken_on=ago(55), today=today)
        training.certify(session, officer, jordan.id, certified_on=ago(50), today=today)
        # Failed once: the remediation examination is due.
        casey = nominees.nominate(session, agency_actor, tfm.id, full_name="Casey Placeholder", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=_periods(today, 4), nominated_on=ago(40), today=today)
        nominees.record_background(session, officer, casey.id, result="passed", completed_on=ago(30), today=today)
        training.enrol(session, officer, casey.id, enrolled_on=ago(20), today=today)
        training.record_exam(session, officer, casey.id, score=55, taken_on=ago(10), today=today)
        # Passed: ready to certify.
        morgan = nominees.nominate(session, agency_actor, tfm.id, full_name="Morgan Test", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=_periods(today, 10), nominated_on=ago(40), today=today)
        nominees.record_background(session, officer, morgan.id, result="passed", completed_on=ago(30), today=today)
        training.enrol(session, officer, morgan.id, enrolled_on=ago(20), today=today)
        training.record_exam(session, officer, morgan.id, score=91, taken_on=ago(5), today=today)
        # Background investigation not yet recorded.
        nominees.nominate(session, agency_actor, tfm.id, full_name="Riley Demo", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=_periods(today, 3), today=today)

        # Sampleton: a letter of interest for the Jail Enforcement Model, not yet drafted.
        applications.submit_letter(
            session,
            actors["demo-agency-sampleton"],
            sampleton.id,
            _letter(["JEM"], ("Robin Sample", "Chief of Police"), ("Kim Example", "Lieutenant", "kim.example@sampleton.example"), "A demonstration letter for the Jail Enforcement Model."),
            now=moment(ago(10)),
        )

        # Exampleton: a WSO agreement signed two years ago (refresher overdue, certification expiring), and a
        # JEM agreement that was terminated.
        exampleton_actor = actors["demo-agency-exampleton"]
        old = applications.submit_letter(
            session, exampleton_actor, exampleton.id,
            _letter(["WSO", "JEM"], ("Jamie Example", "Sheriff"), ("Alex Roe", "Major", "alex.roe@exampleton.example"), "A demonstration letter for the Warrant Service Officer and Jail Enforcement models."),
            now=moment(ago(800)),
        )
        jem_old, wso_old = sorted(moas_of(session, old.id), key=lambda m: m.model)
        for moa, signed in ((wso_old, ago(760)), (jem_old, ago(400))):
            moas.draft_moa(session, officer, moa.id, now=moment(signed - dt.timedelta(days=20)))
            moas.record_signed_moa(
                session, officer, moa.id, pdf=demo_pdf(f"Exampleton County Sheriff's Office ({moa.model})"), signed_on=signed, today=today,
                signatories=[{"name": "Jamie Example", "title": "Sheriff", "party": "agency"}, {"name": "Lee Official", "title": "Field Office Director", "party": "ICE"}],
            )
        moas.terminate_moa(session, officer, jem_old.id, terminated_on=ago(30), today=today)
        taylor = nominees.nominate(session, exampleton_actor, wso_old.id, full_name="Taylor Specimen", us_citizen=True, enforced_jurisdiction_laws=True, jail_security_and_inmate_rules=True, service_periods=_periods(today, 9), nominated_on=ago(750), today=today)
        nominees.record_background(session, officer, taylor.id, result="passed", completed_on=ago(740), today=today)
        training.enrol(session, officer, taylor.id, enrolled_on=ago(730), today=today)
        training.record_exam(session, officer, taylor.id, score=88, taken_on=ago(705), today=today)
        training.certify(session, officer, taylor.id, certified_on=ago(700), today=today)
        drew = nominees.nominate(session, exampleton_actor, wso_old.id, full_name="Drew Sample", us_citizen=True, enforced_jurisdiction_laws=True, jail_security_and_inmate_rules=True, service_periods=_periods(today, 5), nominated_on=ago(70), today=today)
        nominees.record_background(session, officer, drew.id, result="passed", completed_on=ago(60), today=today)
        training.enrol(session, officer, drew.id, enrolled_on=ago(50), today=today)
        training.record_exam(session, officer, drew.id, score=58, taken_on=ago(40), today=today)
        training.record_exam(session, officer, drew.id, score=66, taken_on=ago(35), today=today)

        # Sampleton again: a letter for the Task Force Model, which the agency withdrew before it was drafted (its
        # user's own withdrawal, with the reason the agency and the program office read on the application's page).
        # Last, so that the ids of the records above stay as they were.
        changed_mind = applications.submit_letter(
            session,
            actors["demo-agency-sampleton"],
            sampleton.id,
            _letter(["TFM"], ("Robin Sample", "Chief of Police"), ("Kim Example", "Lieutenant", "kim.example@sampleton.example"), "A demonstration letter for the Task Force Model."),
            now=moment(ago(8)),
        )
        (withdrawn,) = moas_of(session, changed_mind.id)
        # Withdrawn by its user three days ago, dated that day: an agency's withdrawal is dated the day it is made
        # (moa.withdraw_dated in the access rules).
        moas.withdraw_moa(
            session, actors["demo-agency-sampleton"], withdrawn.id, today=ago(3),
            reason="A demonstration withdrawal: the agency asks for the Jail Enforcement Model only.",
        )

        result.applications = applications.list_applications(session, actor)
    published = publish.publish(db, actor)
    result.published = [item.__dict__ for item in published.lists]
    return result
