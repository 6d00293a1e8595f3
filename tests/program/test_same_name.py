"""One officer is one nominee of an MOA at a time: a nomination, or a rename, that gives an MOA two nominees of one
name (up to case, spacing, punctuation and accents) while both are on it is refused, naming the other nominee and
the day they were nominated, unless the caller confirms a namesake (a different person), which the audit event
records. A nominee who has left the MOA (disqualified, revoked, expired) may be nominated again. Nothing is told
to whoever may not read the other nominee."""

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from g287.db.models.audit import AuditEvent
from g287.db.models.program import Nominee
from g287.errors import NotFound
from g287.program import applications, moas, nominees, training
from g287.program.applications import moas_of
from g287.program.validation import Conflict, InvalidInput
from tests.program.world import ADMIN, OFFICER, SIGNATORIES, SIGNED_PDF, TODAY, build, letter, years_ago

DAY = dt.timedelta(days=1)


@pytest.fixture
def world(db):
    """Agency A's TFM MOA with Nova Novice (nominated, background passed) and Vera Veteran (certified)."""
    with db.session() as session:
        w = build(session, "certified")
    return db, w


def nominate(session, w, name: str, *, actor=None, moa=None, on=None, today=TODAY, **options):
    return nominees.nominate(
        session, actor or w.user_a, moa or w.tfm, full_name=name, us_citizen=True, enforced_jurisdiction_laws=True,
        service_periods=[{"start": years_ago(9)}], nominated_on=on, today=today, **options,
    )


def counts(db) -> tuple[int, int]:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Nominee)), session.execute(text("SELECT count(*) FROM audit_events")).scalar()


def refused(db, work, error=Conflict) -> str:
    """The refusal's message; nothing was written (no nominee, no audit event)."""
    before = counts(db)
    with pytest.raises(error) as raised:
        with db.session() as session:
            work(session)
    assert counts(db) == before
    return str(raised.value)


def last_event(db, action: str) -> AuditEvent:
    with db.session() as session:
        return session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())).first()


def test_the_same_name_is_refused_naming_the_nominee_and_the_day(world):
    db, w = world
    novice = w.nominees["novice"]
    message = refused(db, lambda s: nominate(s, w, "Nova Novice"))
    assert message == (
        f"MOA {w.tfm} already has a nominee of this name: nominee {novice} (nominated on {(TODAY - 28 * DAY).isoformat()}, still on the MOA). "
        f"One officer is not nominated twice to an MOA: if this is a different person of the same name, confirm that they are a namesake of nominee {novice}"
    )
    # A certified officer, whose certification runs for years yet, is on the MOA too.
    assert f"nominee {w.nominees['veteran']} (" in refused(db, lambda s: nominate(s, w, "Vera Veteran"))


@pytest.mark.parametrize("spelling", ["nova novice", "  NOVA   NOVICE ", "Nóva Novicé", "Nova-Novice", "Nova Novice."])
def test_another_spelling_of_the_same_name_is_refused(world, spelling):
    db, w = world
    assert f"nominee {w.nominees['novice']} (" in refused(db, lambda s: nominate(s, w, spelling))


def test_apostrophes_and_spacing_make_no_other_name(world):
    db, w = world
    with db.session() as session:
        first = nominate(session, w, "John  O'Neil").id
    for spelling in ("john oneil", "JOHN O’NEIL"):
        assert f"nominee {first} (" in refused(db, lambda s: nominate(s, w, spelling))


def test_names_in_every_script_are_told_apart_and_compared_alike(world):
    """The key kept a-z and digits only: every Cyrillic or Chinese name was the same empty name (a second one was
    refused), and "Иван Smith" was "Мария Smith"."""
    db, w = world
    with db.session() as session:
        ivan = nominate(session, w, "Иван Петров").id
        # Marks of other scripts are letters of the name: मोहन is not मेहन, सिंह not सिह, カトウ not ガトウ.
        for other in ("Мария Смирнова", "李小龍", "Иван Smith", "Мария Smith", "Łukasz Nowak", "मोहन", "मेहन", "सिंह", "सिह", "カトウ", "ガトウ"):
            nominate(session, w, other)
    for spelling in ("ИВАН  ПЕТРОВ", "иван петров."):
        assert f"nominee {ivan} (" in refused(db, lambda s: nominate(s, w, spelling))
    assert "nominee " in refused(db, lambda s: nominate(s, w, "łukasz nowak"))


def test_a_name_with_no_letter_is_the_same_name_as_no_other(world):
    db, w = world
    with db.session() as session:
        nominate(session, w, "--")
        assert nominate(session, w, "...").full_name == "..."


def test_a_confirmed_namesake_is_recorded_and_audited(world):
    db, w = world
    novice = w.nominees["novice"]
    with db.session() as session:
        namesake = nominate(session, w, "Nova Novice", namesake_of=[novice]).id
    event = last_event(db, "nominee.create")
    assert event.object_id == str(namesake) and event.after["namesake_of"] == [novice] and event.after["full_name"] == "Nova Novice"
    # A third of the name is a namesake of both, and says so for each.
    message = refused(db, lambda s: nominate(s, w, "NOVA NOVICE", namesake_of=[novice]))
    assert f"nominee {namesake} (nominated on {TODAY.isoformat()}, still on the MOA)" in message and f"nominee {novice} (" not in message
    with db.session() as session:
        third = nominate(session, w, "NOVA NOVICE", namesake_of=[namesake, novice]).id
    assert last_event(db, "nominee.create").after["namesake_of"] == sorted([novice, namesake]) and third > namesake
    # An ordinary nomination says nothing of namesakes.
    with db.session() as session:
        nominate(session, w, "Una Usual")
    assert "namesake_of" not in last_event(db, "nominee.create").after


def test_a_namesake_must_be_a_nominee_of_that_name_on_the_moa(world):
    db, w = world
    for stray in ([w.nominees["veteran"]], [w.nominees["novice"], 999999], [999999]):
        message = refused(db, lambda s: nominate(s, w, "Nova Novice", namesake_of=stray), InvalidInput)
        assert message.startswith("namesake_of: nominee ") and message.endswith(f"is no nominee of this name on MOA {w.tfm} at the same time")
    # A name on no one needs no confirmation, and takes none: the event would confirm a namesake of nobody.
    refused(db, lambda s: nominate(s, w, "Ned Newname", namesake_of=[w.nominees["novice"]]), InvalidInput)
    refused(db, lambda s: nominate(s, w, "Nova Novice", namesake_of=[True]), InvalidInput)


def test_the_same_name_on_another_moa_is_another_nomination(world):
    db, w = world
    with db.session() as session:
        moas.draft_moa(session, OFFICER, w.wso, today=TODAY - 20 * DAY)
        moas.record_signed_moa(session, OFFICER, w.wso, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - 10 * DAY, signatories=SIGNATORIES, today=TODAY)
    # Nova Novice of the TFM MOA is no namesake to confirm on the WSO MOA: nobody of the name is on it.
    refused(db, lambda s: nominate(s, w, "Nova Novice", moa=w.wso, namesake_of=[w.nominees["novice"]]), InvalidInput)
    with db.session() as session:
        assert nominate(session, w, "Nova Novice", moa=w.wso).moa_id == w.wso


def test_a_nominee_disqualified_may_be_nominated_again_from_that_day(world):
    db, w = world
    with db.session() as session:
        dee = nominate(session, w, "Dee Disqualified", on=TODAY - 25 * DAY).id
        nominees.record_background(session, OFFICER, dee, result="passed", completed_on=TODAY - 24 * DAY, today=TODAY)
        training.enrol(session, OFFICER, dee, enrolled_on=TODAY - 20 * DAY, today=TODAY)
        training.record_exam(session, OFFICER, dee, score=50, taken_on=TODAY - 15 * DAY, today=TODAY)
        training.record_exam(session, OFFICER, dee, score=40, taken_on=TODAY - 10 * DAY, today=TODAY)
        assert training.standing(session, session.get(Nominee, dee), TODAY).status == "disqualified"
    # Nominated again on a day they were still on the MOA: the two nominations would overlap.
    message = refused(db, lambda s: nominate(s, w, "Dee Disqualified", on=TODAY - 11 * DAY))
    assert f"nominee {dee} (nominated on {(TODAY - 25 * DAY).isoformat()}, on the MOA until {(TODAY - 10 * DAY).isoformat()})" in message
    with db.session() as session:
        again = nominate(session, w, "Dee Disqualified", on=TODAY - 10 * DAY)
        assert again.id != dee
    assert "namesake_of" not in last_event(db, "nominee.create").after


def test_a_nominee_whose_authorization_was_revoked_may_be_nominated_again(world):
    db, w = world
    veteran = w.nominees["veteran"]
    refused(db, lambda s: nominate(s, w, "Vera Veteran"))
    with db.session() as session:
        training.revoke(session, OFFICER, veteran, revoked_on=TODAY - 2 * DAY, today=TODAY)
    # Nominated again on the day before the revocation, the officer would be on the MOA twice that day.
    assert f"on the MOA until {(TODAY - 2 * DAY).isoformat()})" in refused(db, lambda s: nominate(s, w, "Vera Veteran", on=TODAY - 3 * DAY))
    with db.session() as session:
        assert nominate(session, w, "Vera Veteran", on=TODAY - 2 * DAY).id != veteran


def test_a_lapsed_officer_is_nominated_again_once_the_certification_has_expired(world):
    """As `training.due` asks: a lapsed certification is not renewed, the officer is nominated again."""
    db, w = world
    veteran = w.nominees["veteran"]
    with db.session() as session:
        expires_on = training.certification_of(session, OFFICER, veteran).expires_on
    refused(db, lambda s: nominate(s, w, "Vera Veteran", today=expires_on - DAY))
    with db.session() as session:
        assert nominate(session, w, "Vera Veteran", today=expires_on).nominated_on == expires_on


def test_renaming_into_the_name_of_another_nominee_is_refused(world):
    db, w = world
    with db.session() as session:
        fresh = nominate(session, w, "Fran Fresh").id

    def rename(name: str, **options):
        return lambda session: nominees.update_nominee(session, w.user_a, fresh, full_name=name, **options)

    message = refused(db, rename("nova  NOVICE"))
    assert f"MOA {w.tfm} already has a nominee of this name: nominee {w.nominees['novice']} (nominated on {(TODAY - 28 * DAY).isoformat()}, still on the MOA)" in message
    refused(db, rename("Nova Novice", namesake_of=[w.nominees["veteran"]]), InvalidInput)
    with db.session() as session:
        nominees.update_nominee(session, w.user_a, fresh, full_name="Nova Novice", namesake_of=[w.nominees["novice"]])
    event = last_event(db, "nominee.update")
    assert event.before["full_name"] == "Fran Fresh" and event.after["full_name"] == "Nova Novice" and event.after["namesake_of"] == [w.nominees["novice"]]


def test_a_rename_within_one_spelling_or_of_other_facts_needs_no_confirmation(world):
    db, w = world
    with db.session() as session:
        namesake = nominate(session, w, "Nova Novice", namesake_of=[w.nominees["novice"]]).id
        nominees.update_nominee(session, w.user_a, namesake, full_name="NOVA  Novice", us_citizen=False)
    assert "namesake_of" not in last_event(db, "nominee.update").after
    # A confirmation with no new name confirms nothing.
    refused(db, lambda s: nominees.update_nominee(s, w.user_a, namesake, us_citizen=True, namesake_of=[w.nominees["novice"]]), InvalidInput)


def test_the_program_office_renaming_a_vetted_nominee_is_held_to_the_same_rule(world):
    db, w = world
    novice, veteran = w.nominees["novice"], w.nominees["veteran"]
    assert f"nominee {veteran} (" in refused(db, lambda s: nominees.update_nominee(s, OFFICER, novice, full_name="Vera Veteran"))


def test_another_agency_learns_nothing_of_the_nominees(world):
    """Agency B may not see agency A's MOA: a nomination there is refused as for an MOA that does not exist, and
    A's nominee given as a namesake on B's own MOA is answered as an id that names no one."""
    db, w = world
    with pytest.raises(NotFound) as existing:
        with db.session() as session:
            nominate(session, w, "Nova Novice", actor=w.user_b)
    with pytest.raises(NotFound) as missing:
        with db.session() as session:
            nominate(session, w, "Nova Novice", actor=w.user_b, moa=999999)
    assert str(existing.value) == str(missing.value).replace("999999", str(w.tfm))
    with db.session() as session:
        application = applications.submit_letter(session, w.user_b, w.agency_b, letter(models=("TFM",)), today=TODAY - 60 * DAY)
        (b_moa,) = moas_of(session, application.id)
        moas.draft_moa(session, ADMIN, b_moa.id, today=TODAY - 40 * DAY)
        moas.record_signed_moa(session, ADMIN, b_moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - 30 * DAY, signatories=SIGNATORIES, today=TODAY)
        b_moa = b_moa.id
    answers = [refused(db, lambda s: nominate(s, w, "Nova Novice", actor=w.user_b, moa=b_moa, namesake_of=[given]), InvalidInput) for given in (w.nominees["novice"], 999999)]
    assert answers[0] == answers[1].replace("999999", str(w.nominees["novice"]))
    with db.session() as session:
        assert nominate(session, w, "Nova Novice", actor=w.user_b, moa=b_moa).agency_id == w.agency_b
