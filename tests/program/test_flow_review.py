"""Found walking the workflow: a certification of 29 February lasts its whole period; a nominee ready to certify
is not overdue."""

import datetime as dt

from sqlalchemy import select

from g287.access import Actor
from g287.db.models.program import Enrolment
from g287.program import agencies, applications, moas, nominees, training
from g287.program.applications import moas_of
from tests.program.world import ADMIN, OFFICER, SIGNATORIES, SIGNED_PDF, letter

LEAP = dt.date(2024, 2, 29)


def certified_on(session, day: dt.date, certify: bool = True) -> int:
    """A TFM officer certified on `day` (every earlier step a few weeks before it; `certify` False: only passed), of
    an agency of their own; the nominee's id."""
    agency = agencies.create_agency(session, ADMIN, f"Leapton {day:%b%d} Sheriff's Office", "FL", "county")
    user = Actor("agency_user", "user:9201", 9201, agency.id)
    start = day - dt.timedelta(days=60)
    application = applications.submit_letter(session, user, agency.id, letter(models=["TFM"]), today=start)
    (moa,) = moas_of(session, application.id)
    moas.draft_moa(session, OFFICER, moa.id, today=start)
    moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=start + dt.timedelta(days=5), signatories=SIGNATORIES, today=day)
    nominee = nominees.nominate(
        session, user, moa.id, full_name="Lee Leap", us_citizen=True, enforced_jurisdiction_laws=True,
        service_periods=[{"start": "2010-01-01"}], nominated_on=start + dt.timedelta(days=10), today=day,
    )
    nominees.record_background(session, OFFICER, nominee.id, result="passed", completed_on=start + dt.timedelta(days=11), today=day)
    training.enrol(session, OFFICER, nominee.id, enrolled_on=start + dt.timedelta(days=12), today=day)
    training.record_exam(session, OFFICER, nominee.id, score=90, taken_on=start + dt.timedelta(days=20), today=day)
    if certify:
        training.certify(session, OFFICER, nominee.id, certified_on=day, today=day)
    return nominee.id


def test_a_certification_of_29_february_lasts_two_whole_years(sqlite_db):
    """Two years from 29 February 2024 run to 28 February 2026 inclusive (as two years of service do, see
    rules.anniversary): the expiry was 28 February, so the officer stopped being authorized a day early, and a
    renewal on the period's last day was refused as after a lapse."""
    with sqlite_db.session() as session:
        nominee_id = certified_on(session, LEAP)
        certification = training.certification_of(session, OFFICER, nominee_id)
        assert certification.expires_on == dt.date(2026, 3, 1)
        nominee = nominees.get_nominee(session, OFFICER, nominee_id)
        assert training.standing(session, nominee, dt.date(2026, 2, 28)).authorized
        assert training.standing(session, nominee, dt.date(2026, 3, 1)).status == "expired"
        renewed = training.renew_certification(session, OFFICER, nominee_id, renewed_on=dt.date(2026, 2, 28), today=dt.date(2026, 2, 28))
        assert renewed.expires_on == dt.date(2028, 2, 28)
    with sqlite_db.session() as session:
        # Any other day: the same calendar day, as before.
        assert training.certification_of(session, OFFICER, certified_on(session, dt.date(2024, 2, 28))).expires_on == dt.date(2026, 2, 28)


def test_a_nominee_ready_to_certify_is_not_overdue(sqlite_db):
    """Passed the day before, a nominee was listed as overdue for certification: no rule sets a day by which a
    nominee who passed must be certified (the date is the day they became ready)."""
    with sqlite_db.session() as session:
        nominee_id = certified_on(session, dt.date(2025, 3, 10), certify=False)
        finished = session.scalars(select(Enrolment.finished_on).where(Enrolment.nominee_id == nominee_id)).one()
        for day in (finished, finished + dt.timedelta(days=1), finished + dt.timedelta(days=30)):
            items = [i for i in training.due(session, OFFICER, as_of=day) if i["nominee_id"] == nominee_id]
            assert [(i["kind"], i["due_on"], i["overdue"]) for i in items] == [("ready_to_certify", finished.isoformat(), False)]


def test_a_refresher_interval_from_29_february_is_a_whole_year(sqlite_db):
    """The refresher falls due when the catalog's interval has run, as the certification's period does: the year
    from 29 February 2024 holds 28 February 2025, so the TFM refresher (one year) falls due on 1 March 2025. It was
    due on 28 February (rules.add_years), a day early: on 1 March the officer was listed as overdue, and a JEM
    officer's refresher (two years, as the certification) fell due the day before the certification expired
    instead of on that day. A refresher completed on a 29 February sets the next one due alike."""
    with sqlite_db.session() as session:
        nominee_id = certified_on(session, LEAP)
        certification = training.certification_of(session, OFFICER, nominee_id)
        assert certification.refresher_due_on == dt.date(2025, 3, 1)
        due = [i for i in training.due(session, OFFICER, as_of=dt.date(2025, 3, 1)) if i["nominee_id"] == nominee_id and i["kind"] == "refresher_due"]
        assert [(i["due_on"], i["overdue"]) for i in due] == [("2025-03-01", False)]
        refreshed = training.record_refresher(session, OFFICER, nominee_id, completed_on=LEAP, today=dt.date(2025, 1, 1))
        assert (refreshed.last_refresher_on, refreshed.refresher_due_on) == (LEAP, dt.date(2025, 3, 1))
    with sqlite_db.session() as session:
        # Any other day: the same calendar day, as before.
        assert training.certification_of(session, OFFICER, certified_on(session, dt.date(2024, 2, 28))).refresher_due_on == dt.date(2025, 2, 28)
