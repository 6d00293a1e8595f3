"""Steps stay in the order they happened: nothing a nominee does is dated before the nomination, an MOA is not
signed before the letter that asked for it nor terminated before the steps recorded under it, refreshers and
renewals do not move dates back, a renewal on the expiry day is refused; an examination's score is a number; an
agency with a signed MOA keeps the registry agency its agreement was recorded under."""

import datetime as dt

import pytest
from sqlalchemy import select, text

from g287.db.models.program import ApplicantAgency, Certification, Nominee, ProgramMoa
from g287.program import agencies, applications, moas, nominees, training
from g287.program.applications import moas_of
from g287.program.validation import Conflict, InvalidInput
from tests.program.world import ADMIN, OFFICER, SIGNATORIES, SIGNED_PDF, TODAY, build, letter, years_ago

DAY = dt.timedelta(days=1)


@pytest.fixture
def world(db):
    with db.session() as session:
        w = build(session, "certified")
    return db, w


def refused(db, work, name: str) -> str:
    """The problem named for field `name`; the database is unchanged (not even an audit event)."""
    with db.session() as session:
        events = session.execute(text("SELECT count(*) FROM audit_events")).scalar()
    with pytest.raises(InvalidInput) as error:
        with db.session() as session:
            work(session)
    assert list(error.value.fields) == [name], error.value.fields
    with db.session() as session:
        assert session.execute(text("SELECT count(*) FROM audit_events")).scalar() == events
    return error.value.fields[name]


def nominate(session, w, on: dt.date | None = None, name: str = "Ann Order"):
    return nominees.nominate(session, w.user_a, w.tfm, full_name=name, us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(9)}], nominated_on=on, today=TODAY)


def test_no_step_is_dated_before_the_nomination(world):
    db, w = world
    with db.session() as session:
        ann = nominate(session, w).id  # nominated today
        nominees.record_background(session, OFFICER, ann, result="passed", completed_on=TODAY - 20 * DAY, today=TODAY)
    problem = refused(db, lambda s: training.enrol(s, OFFICER, ann, enrolled_on=TODAY - 10 * DAY, today=TODAY), "enrolled_on")
    assert problem == f"must not be before the nomination, {TODAY.isoformat()}"
    # So no one shows as authorized before they were nominated.
    with db.session() as session:
        assert "Ann Order" not in [o["full_name"] for o in training.authorized_officers(session, OFFICER, as_of=TODAY - 5 * DAY)]
        assert nominees.nominee_detail(session, OFFICER, ann)["nominated_on"] == TODAY.isoformat()


def test_exams_and_certification_are_not_dated_before_the_nomination(world):
    """Records made before the check (a nomination dated after its enrolment) refuse the later steps too."""
    db, w = world
    with db.session() as session:
        ann = nominate(session, w, TODAY - 20 * DAY).id
        nominees.record_background(session, OFFICER, ann, result="passed", completed_on=TODAY - 19 * DAY, today=TODAY)
        training.enrol(session, OFFICER, ann, enrolled_on=TODAY - 18 * DAY, today=TODAY)
        session.get(Nominee, ann).nominated_on = TODAY - 3 * DAY
    problem = refused(db, lambda s: training.record_exam(s, OFFICER, ann, score=90, taken_on=TODAY - 10 * DAY, today=TODAY), "taken_on")
    assert problem.startswith("must not be before the nomination, ")
    with db.session() as session:
        session.get(Nominee, ann).nominated_on = TODAY - 20 * DAY
        training.record_exam(session, OFFICER, ann, score=90, taken_on=TODAY - 10 * DAY, today=TODAY)
        session.get(Nominee, ann).nominated_on = TODAY - 3 * DAY
    problem = refused(db, lambda s: training.certify(s, OFFICER, ann, certified_on=TODAY - 5 * DAY, today=TODAY), "certified_on")
    assert problem.startswith("must not be before the nomination, ")


def test_a_nomination_may_be_dated_in_the_past_but_not_the_future_nor_outside_the_moa(world):
    db, w = world
    with db.session() as session:
        ann = nominate(session, w, TODAY - 29 * DAY)
        assert nominees.nominee_detail(session, OFFICER, ann.id)["nominated_on"] == (TODAY - 29 * DAY).isoformat()
    problem = refused(db, lambda s: nominate(s, w, TODAY + DAY), "nominated_on")
    assert problem == f"must not be after {TODAY.isoformat()}"
    # The MOA was signed 30 days before TODAY: a day before it is a wrong day, named like any other (422).
    problem = refused(db, lambda s: nominate(s, w, TODAY - 31 * DAY), "nominated_on")
    assert problem == f"must not be before the MOA was signed, {(TODAY - 30 * DAY).isoformat()}"
    with db.session() as session:
        moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY - 2 * DAY, today=TODAY)
    problem = refused(db, lambda s: nominate(s, w, TODAY - 2 * DAY), "nominated_on")
    assert problem == f"must be before the MOA was terminated, {(TODAY - 2 * DAY).isoformat()}"
    with pytest.raises(Conflict, match=f"is terminated, not in effect on {TODAY.isoformat()}"):
        with db.session() as session:
            nominate(session, w)  # no day given: today, when the MOA no longer is in effect
    with db.session() as session:
        assert nominate(session, w, TODAY - 3 * DAY, name="Bo Before").nominated_on == TODAY - 3 * DAY


def test_an_moa_is_not_terminated_before_a_nomination_or_a_renewal_under_it(world):
    db, w = world
    veteran = w.nominees["veteran"]  # certified 5 days before TODAY
    with db.session() as session:
        nominate(session, w, TODAY - 3 * DAY, name="Cy Late")
    problem = refused(db, lambda s: moas.terminate_moa(s, OFFICER, w.tfm, terminated_on=TODAY - 4 * DAY, today=TODAY), "terminated_on")
    assert problem == f"must be after the nomination already recorded under this MOA on {(TODAY - 3 * DAY).isoformat()}"
    with db.session() as session:
        training.renew_certification(session, OFFICER, veteran, renewed_on=TODAY - DAY, today=TODAY)
    problem = refused(db, lambda s: moas.terminate_moa(s, OFFICER, w.tfm, terminated_on=TODAY - 2 * DAY, today=TODAY), "terminated_on")
    assert problem == f"must be after the renewal already recorded under this MOA on {(TODAY - DAY).isoformat()}"


def test_examinations_and_refreshers_are_steps_under_their_moa(world):
    """An examination could be recorded after its MOA's termination (only the certification was refused), and a
    termination could be dated before an examination or a refresher recorded under the MOA."""
    db, w = world
    veteran = w.nominees["veteran"]  # certified 5 days before TODAY
    ann = trainee(db, w)  # enrolled 8 days before TODAY
    with db.session() as session:
        training.record_exam(session, OFFICER, ann, score=60, taken_on=TODAY - 6 * DAY, today=TODAY)
        training.record_refresher(session, OFFICER, veteran, completed_on=TODAY - 2 * DAY, today=TODAY)
    problem = refused(db, lambda s: moas.terminate_moa(s, OFFICER, w.tfm, terminated_on=TODAY - 3 * DAY, today=TODAY), "terminated_on")
    assert problem == f"must be after the refresher already recorded under this MOA on {(TODAY - 2 * DAY).isoformat()}"
    with db.session() as session:
        moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY - DAY, today=TODAY)
    for step in (
        lambda s: training.record_exam(s, OFFICER, ann, score=90, taken_on=TODAY, today=TODAY),
        lambda s: training.record_refresher(s, OFFICER, veteran, completed_on=TODAY, today=TODAY),
    ):
        with pytest.raises(Conflict, match=r"MOA \d+ is not in effect on " + TODAY.isoformat()):
            with db.session() as session:
                step(session)


def test_a_revocation_is_a_step_under_its_moa(world):
    """A revocation could be dated after its MOA's termination (a terminated MOA authorizes no one: nothing to
    revoke), and a termination before a revocation recorded under the MOA."""
    db, w = world
    veteran = w.nominees["veteran"]  # certified 5 days before TODAY
    with db.session() as session:
        training.revoke(session, OFFICER, veteran, revoked_on=TODAY - 2 * DAY, today=TODAY)
    problem = refused(db, lambda s: moas.terminate_moa(s, OFFICER, w.tfm, terminated_on=TODAY - 3 * DAY, today=TODAY), "terminated_on")
    assert problem == f"must be after the revocation already recorded under this MOA on {(TODAY - 2 * DAY).isoformat()}"


def test_a_revocation_after_the_moas_termination_is_refused(world):
    db, w = world
    veteran = w.nominees["veteran"]  # certified 5 days before TODAY
    with db.session() as session:
        moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY - 2 * DAY, today=TODAY)
    with pytest.raises(Conflict, match=rf"the TFM MOA {w.tfm} is not in effect on {(TODAY - DAY).isoformat()}"):
        with db.session() as session:
            training.revoke(session, OFFICER, veteran, revoked_on=TODAY - DAY, today=TODAY)
    with db.session() as session:  # before the termination, while the MOA ran, it is a revocation
        assert training.revoke(session, OFFICER, veteran, revoked_on=TODAY - 3 * DAY, today=TODAY).revoked_on == TODAY - 3 * DAY


def test_the_last_renewal_is_kept_as_recorded_even_on_29_february(world):
    """Worked out from the expiry, a renewal of 29 February came back as 28 February: a day earlier got through."""
    db, w = world
    veteran = w.nominees["veteran"]
    with db.session() as session:
        certification = session.scalars(select(Certification).where(Certification.nominee_id == veteran)).one()
        leap = next(dt.date(year, 2, 29) for year in range(TODAY.year + 1, TODAY.year + 9) if year % 4 == 0)
        certification.expires_on = leap + 300 * DAY  # the period still runs on 29 February
        renewed = training.renew_certification(session, OFFICER, veteran, renewed_on=leap, today=leap + DAY)
        assert renewed.renewed_on == leap
    problem = refused(db, lambda s: training.renew_certification(s, OFFICER, veteran, renewed_on=leap - DAY, today=leap + DAY), "renewed_on")
    assert problem == f"must not be before the last renewal, {leap.isoformat()}"


def test_an_moa_is_not_signed_before_the_letter_that_asked_for_it(db):
    with db.session() as session:
        w = build(session, "submitted")  # the letter is dated 60 days before TODAY
        moas.draft_moa(session, OFFICER, w.tfm, today=TODAY - 60 * DAY)  # drafted that day: the letter is the bound
    asked_on = (TODAY - 60 * DAY).isoformat()
    sign = lambda day: lambda s: moas.record_signed_moa(s, OFFICER, w.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on=day, signatories=SIGNATORIES, today=TODAY)
    problem = refused(db, sign(TODAY - 61 * DAY), "signed_on")
    assert problem == f"{(TODAY - 61 * DAY).isoformat()} is before the letter of interest that asked for this MOA, dated {asked_on}"
    with db.session() as session:
        assert sign(TODAY - 60 * DAY)(session).signed_on.isoformat() == asked_on


def test_an_moa_is_not_signed_before_its_latest_draft(db, program_files):
    """What is signed is the MOA drafted from the template: its latest draft (the one the page, the API and the
    record keep). A signature dated before that draft was accepted: drafted 40 days before TODAY, the MOA was
    recorded as signed 50 days before, on a text that did not exist yet (a withdrawal is already refused before
    the latest draft). Refused (422 naming signed_on), nothing kept, not even the PDF; the draft's own day is
    accepted."""
    with db.session() as session:
        w = build(session, "drafted")  # the letter 60 days before TODAY, the draft 40 days before
    sign = lambda day: lambda s: moas.record_signed_moa(s, OFFICER, w.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on=day, signatories=SIGNATORIES, today=TODAY)
    problem = refused(db, sign(TODAY - 50 * DAY), "signed_on")
    assert problem == f"{(TODAY - 50 * DAY).isoformat()} is before the MOA's latest draft, of {(TODAY - 40 * DAY).isoformat()}"
    assert not [path for path in program_files.rglob("*") if path.is_file()]
    with db.session() as session:
        assert session.get(ProgramMoa, w.tfm).status == "draft"
        assert sign(TODAY - 40 * DAY)(session).signed_on == TODAY - 40 * DAY

def test_an_moa_is_not_terminated_before_the_steps_recorded_under_it(world):
    db, w = world  # the veteran: enrolled 20 days before TODAY, certified 5 days before
    for day in (TODAY - 25 * DAY, TODAY - 5 * DAY):
        problem = refused(db, lambda s: moas.terminate_moa(s, OFFICER, w.tfm, terminated_on=day, today=TODAY), "terminated_on")
        assert problem == f"must be after the certification already recorded under this MOA on {(TODAY - 5 * DAY).isoformat()}"
    with db.session() as session:
        assert moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY - 4 * DAY, today=TODAY).terminated_on == TODAY - 4 * DAY


def test_an_enrolment_alone_bounds_the_termination_too(db):
    with db.session() as session:
        w = build(session, "signed")
        ann = nominate(session, w, TODAY - 25 * DAY).id
        nominees.record_background(session, OFFICER, ann, result="passed", completed_on=TODAY - 24 * DAY, today=TODAY)
        training.enrol(session, OFFICER, ann, enrolled_on=TODAY - 20 * DAY, today=TODAY)
    problem = refused(db, lambda s: moas.terminate_moa(s, OFFICER, w.tfm, terminated_on=TODAY - 21 * DAY, today=TODAY), "terminated_on")
    assert problem == f"must be after the enrolment already recorded under this MOA on {(TODAY - 20 * DAY).isoformat()}"


def test_refreshers_and_renewals_do_not_move_dates_back(world):
    db, w = world
    veteran = w.nominees["veteran"]  # certified 5 days before TODAY
    later = TODAY + dt.timedelta(days=200)
    with db.session() as session:
        training.record_refresher(session, OFFICER, veteran, completed_on=TODAY + 100 * DAY, today=later)
        renewed = training.renew_certification(session, OFFICER, veteran, renewed_on=TODAY + 150 * DAY, today=later)
        expires = renewed.expires_on
    problem = refused(db, lambda s: training.record_refresher(s, OFFICER, veteran, completed_on=TODAY + 50 * DAY, today=later), "completed_on")
    assert problem == f"must not be before the last refresher, {(TODAY + 100 * DAY).isoformat()}"
    problem = refused(db, lambda s: training.renew_certification(s, OFFICER, veteran, renewed_on=TODAY + 120 * DAY, today=later), "renewed_on")
    assert problem == f"must not be before the last renewal, {(TODAY + 150 * DAY).isoformat()}"
    with db.session() as session:
        certification = session.scalars(select(Certification).where(Certification.nominee_id == veteran)).one()
        assert (certification.last_refresher_on, certification.expires_on) == (TODAY + 100 * DAY, expires)


def test_a_revocation_is_not_dated_before_the_last_renewal_or_refresher(world):
    """A revocation could be dated before a renewal and a refresher already recorded: the record then showed them
    given to an officer no longer authorized."""
    db, w = world
    veteran = w.nominees["veteran"]  # certified 5 days before TODAY
    later = TODAY + dt.timedelta(days=200)
    with db.session() as session:
        training.record_refresher(session, OFFICER, veteran, completed_on=TODAY + 100 * DAY, today=later)
        training.renew_certification(session, OFFICER, veteran, renewed_on=TODAY + 150 * DAY, today=later)
    problem = refused(db, lambda s: training.revoke(s, OFFICER, veteran, revoked_on=TODAY + 120 * DAY, today=later), "revoked_on")
    assert problem == f"must not be before the last renewal, {(TODAY + 150 * DAY).isoformat()}"
    problem = refused(db, lambda s: training.revoke(s, OFFICER, veteran, revoked_on=TODAY + 50 * DAY, today=later), "revoked_on")
    assert problem == f"must not be before the last renewal, {(TODAY + 150 * DAY).isoformat()}"  # the later of the two is named
    with db.session() as session:
        assert training.revoke(session, OFFICER, veteran, revoked_on=TODAY + 150 * DAY, today=later).revoked_on == TODAY + 150 * DAY


def test_a_renewal_on_the_expiry_day_is_refused(world):
    db, w = world
    veteran = w.nominees["veteran"]
    with db.session() as session:
        expires = training.certification_of(session, OFFICER, veteran).expires_on
        assert training.standing(session, session.get(Nominee, veteran), expires).status == "expired"
    problem = refused(db, lambda s: training.renew_certification(s, OFFICER, veteran, renewed_on=expires, today=expires), "renewed_on")
    assert problem == f"must be before the expiry, {expires.isoformat()}: a lapsed certification is not renewed"


def test_a_lapsed_certification_takes_no_refresher_and_no_revocation(world):
    """A refresher after the expiry set a next one due for an officer no longer authorized, and a revocation turned
    "expired" into "revoked"; as a renewal, each is refused from the expiry day on."""
    db, w = world
    veteran = w.nominees["veteran"]
    with db.session() as session:
        expires = training.certification_of(session, OFFICER, veteran).expires_on
    after = expires + 10 * DAY
    problem = refused(db, lambda s: training.record_refresher(s, OFFICER, veteran, completed_on=after, today=after), "completed_on")
    assert problem == f"must not be after the expiry, {expires.isoformat()}: a lapsed certification is not kept up; the officer is nominated again"
    problem = refused(db, lambda s: training.revoke(s, OFFICER, veteran, revoked_on=expires, today=after), "revoked_on")
    assert problem == f"must be before the expiry, {expires.isoformat()}: an expired certification authorizes nothing to revoke"
    with db.session() as session:
        assert training.standing(session, session.get(Nominee, veteran), after).status == "expired"
        last_day = expires - DAY
        assert training.revoke(session, OFFICER, veteran, revoked_on=last_day, today=after).revoked_on == last_day


def trainee(db, w) -> int:
    with db.session() as session:
        ann = nominate(session, w, TODAY - 10 * DAY).id
        nominees.record_background(session, OFFICER, ann, result="passed", completed_on=TODAY - 9 * DAY, today=TODAY)
        training.enrol(session, OFFICER, ann, enrolled_on=TODAY - 8 * DAY, today=TODAY)
    return ann


@pytest.mark.parametrize("score", [True, False, "yes", None, float("nan"), 100.5])
def test_a_score_is_a_percentage_not_a_yes_or_no(world, score):
    """float(True) is 1.0: a yes recorded as 1 percent failed the nominee, and a second one disqualified them."""
    db, w = world
    ann = trainee(db, w)
    problem = refused(db, lambda s: training.record_exam(s, OFFICER, ann, score=score, taken_on=TODAY, today=TODAY), "score")
    assert problem == "a percentage from 0 to 100"


def test_an_unknown_examination_is_invalid_input_naming_the_field(world):
    db, w = world
    ann = trainee(db, w)
    problem = refused(db, lambda s: training.record_exam(s, OFFICER, ann, score=90, taken_on=TODAY, exam="Origami", today=TODAY), "exam")
    assert problem.startswith("'Origami' is not an examination of this course: ")


def test_an_agency_with_a_signed_moa_is_not_relinked(world):
    """Relinked, the registry's lists would credit the MOA to another agency than its agreement's."""
    db, w = world
    with db.session() as session:
        linked = session.get(ApplicantAgency, w.agency_a).registry_agency_id
        # Another registry agency in the same state to link to.
        other = agencies.create_agency(session, ADMIN, "Elsewhere County Sheriff's Office", "FL", "county")
        application = applications.submit_letter(session, ADMIN, other.id, letter(models=["TFM"]), today=TODAY - 10 * DAY)
        moa = moas_of(session, application.id)[0]
        moas.draft_moa(session, OFFICER, moa.id, today=TODAY - 2 * DAY)
        moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - DAY, signatories=SIGNATORIES, today=TODAY)
        elsewhere = session.get(ApplicantAgency, other.id).registry_agency_id
        events = session.execute(text("SELECT count(*) FROM audit_events")).scalar()
    for target in (elsewhere, None):
        with pytest.raises(Conflict, match="an agency with a signed MOA cannot be relinked or unlinked"):
            with db.session() as session:
                agencies.link_agency(session, OFFICER, w.agency_a, target)
    with db.session() as session:
        assert session.get(ApplicantAgency, w.agency_a).registry_agency_id == linked
        assert session.execute(text("SELECT count(*) FROM audit_events")).scalar() == events
        assert agencies.link_agency(session, OFFICER, w.agency_a, linked).registry_agency_id == linked  # the same link again


def test_the_background_result_comes_before_the_nomination_is_accepted(world):
    """Deliberately allowed: the background investigation is one of the requirements a nominee must meet to be
    accepted (enrolled: the MOA's "a nominee who does not is not enrolled"), so its result is recorded before the
    enrolment, and enrolment without it is refused with the reason. It may be dated before the nomination (a
    qualification of the person, as the periods of service are: an officer nominated again after a lapse keeps
    the investigation completed for the first nomination); no enrolment or certification is dated before either."""
    db, w = world
    with db.session() as session:
        ann = nominate(session, w, TODAY - 5 * DAY).id
    with pytest.raises(Conflict, match="the background investigation has not been completed"):
        with db.session() as session:
            training.enrol(session, OFFICER, ann, enrolled_on=TODAY, today=TODAY)
    with db.session() as session:
        nominees.record_background(session, OFFICER, ann, result="passed", completed_on=TODAY - 400 * DAY, today=TODAY)
    problem = refused(db, lambda s: training.enrol(s, OFFICER, ann, enrolled_on=TODAY - 6 * DAY, today=TODAY), "enrolled_on")
    assert problem == f"must not be before the nomination, {(TODAY - 5 * DAY).isoformat()}"
    with db.session() as session:
        assert training.enrol(session, OFFICER, ann, enrolled_on=TODAY - 5 * DAY, today=TODAY).enrolled_on == TODAY - 5 * DAY


def test_before_the_nomination_a_nominee_is_on_no_roster_and_not_eligible(world):
    """On a day before the nomination, the officer is nobody's nominee: not listed on the roster of that day, and their
    standing says when they were nominated (not "eligible", which would read as a nominee waiting to be enrolled)."""
    db, w = world
    with db.session() as session:
        ann = nominate(session, w, on=TODAY - 3 * DAY).id
    with db.session() as session:
        assert "Ann Order" in [n["full_name"] for n in nominees.list_nominees(session, OFFICER, as_of=TODAY - 3 * DAY)]
        assert "Ann Order" not in [n["full_name"] for n in nominees.list_nominees(session, OFFICER, as_of=TODAY - 4 * DAY)]
        before = nominees.nominee_detail(session, OFFICER, ann, as_of=TODAY - 4 * DAY)["standing"]
        assert before["status"] == "not_yet_nominated" and before["authorized"] is False
        assert nominees.nominee_detail(session, OFFICER, ann, as_of=TODAY - 3 * DAY)["standing"]["status"] == "ineligible"  # no background result yet


def test_the_summary_of_a_past_day_counts_the_nominees_of_that_day(world):
    db, w = world
    with db.session() as session:
        ann = nominate(session, w, on=TODAY - 3 * DAY).id
        nominees.record_background(session, OFFICER, ann, result="passed", completed_on=TODAY - 10 * DAY, today=TODAY)
    with db.session() as session:
        for day in (TODAY - 4 * DAY, TODAY - 3 * DAY):
            roster = nominees.list_nominees(session, OFFICER, as_of=day)
            counted = sum(row["nominees"] for row in training.summary(session, OFFICER, as_of=day))
            eligible = sum(row["eligible"] for row in training.summary(session, OFFICER, as_of=day))
            assert counted == len(roster) and eligible == sum(1 for n in roster if n["eligible"])
        assert counted == len(nominees.list_nominees(session, OFFICER, as_of=TODAY - 4 * DAY)) + 1  # Ann, from her day on


def test_a_refresher_due_on_the_expiry_day_is_taken_that_day(world):
    """JEM's certification and refresher periods are both two years: its refresher falls due on the expiry day,
    which the refusal of refreshers after a lapse refused too."""
    db, w = world
    veteran = w.nominees["veteran"]
    with db.session() as session:
        expires = training.certification_of(session, OFFICER, veteran).expires_on
        assert training.record_refresher(session, OFFICER, veteran, completed_on=expires, today=expires).last_refresher_on == expires


def test_a_background_result_is_not_turned_to_failed_under_an_enrolment_resting_on_it(world):
    """The enrolment and the certification were each allowed because the nominee was eligible that day, their
    background investigation passed. A result turned to "failed" afterwards, dated (as the rule above requires)
    no later than them, rewrote that history: Vera Veteran, certified on TODAY - 5 on the strength of a result
    that passed on TODAY - 25, stood "certified" but not authorized on every day since, and was left off the
    roster of authorized officers of days already past, with a failed investigation recorded before her
    enrolment. Refused (409), the database unchanged; the passed result's own date is still corrected."""
    db, w = world
    veteran = w.nominees["veteran"]
    with db.session() as session:
        events = session.execute(text("SELECT count(*) FROM audit_events")).scalar()
        assert [o["nominee_id"] for o in training.authorized_officers(session, OFFICER, as_of=TODAY - 2 * DAY)] == [veteran]
    for completed_on in (TODAY - 25 * DAY, TODAY - 30 * DAY):
        with pytest.raises(Conflict, match=f"nominee {veteran} was enrolled on {(TODAY - 20 * DAY).isoformat()}"):
            with db.session() as session:
                nominees.record_background(session, OFFICER, veteran, result="failed", completed_on=completed_on, today=TODAY)
    with db.session() as session:
        assert session.get(Nominee, veteran).background_result == "passed"
        assert session.execute(text("SELECT count(*) FROM audit_events")).scalar() == events
        assert [o["nominee_id"] for o in training.authorized_officers(session, OFFICER, as_of=TODAY - 2 * DAY)] == [veteran]
        assert nominees.record_background(session, OFFICER, veteran, result="passed", completed_on=TODAY - 26 * DAY, today=TODAY).background_completed_on == TODAY - 26 * DAY
    with db.session() as session:  # not enrolled: a result is still corrected either way
        assert nominees.record_background(session, OFFICER, w.nominees["novice"], result="failed", completed_on=TODAY - 25 * DAY, today=TODAY).background_result == "failed"
