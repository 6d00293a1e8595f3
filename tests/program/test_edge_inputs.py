"""Inputs at the edges that once answered 500 or gave inconsistent answers: days near the ends of the calendar,
characters XML and the databases cannot hold, a NUL in a user name or a filter, the experience rule across leap
years, and steps dated before the background investigation's completion."""

import datetime as dt
import io
import zipfile

import pytest
from sqlalchemy import select

from g287.access import Actor
from g287.db.models.program import LoginAttempt
from g287.errors import AccessDenied, NotFound
from g287.program import accounts, agencies, applications, audit_log, auth, documents, nominees, training, views
from g287.program.audit_log import AuditFilter
from g287.program.rules import evaluate
from g287.program.validation import InvalidInput, NOT_IN_XML
from tests.program.world import ADMIN, OFFICER, PUBLIC, TODAY, build, letter

FAR_PAST = dt.date(1, 1, 1)
FAR_FUTURE = dt.date(9999, 12, 31)
RANGE = "a date from 1900-01-01 to 2199-12-31"
UNSTORABLE = ["\ufffe", "\uffff", "\ud800", "\udfff", "\x00", "\x1b"]


@pytest.fixture
def world(db):
    with db.session() as session:
        w = build(session, "certified")
    return db, w


def refused(work, name: str) -> str:
    with pytest.raises(InvalidInput) as error:
        work()
    assert list(error.value.fields) == [name], error.value.fields
    return error.value.fields[name]


# 1. Days outside the range the workflow computes with ----------------------------------------------------------


def test_read_services_refuse_days_outside_the_range_naming_the_parameter(world):
    db, w = world
    veteran = w.nominees["veteran"]
    with db.session() as session:
        for day in (FAR_PAST, dt.date(1899, 12, 31), dt.date(2200, 1, 1), FAR_FUTURE):
            assert refused(lambda: nominees.eligibility(session, OFFICER, veteran, as_of=day), "as_of") == RANGE
            refused(lambda: nominees.nominee_detail(session, OFFICER, veteran, as_of=day), "as_of")
            refused(lambda: nominees.list_nominees(session, OFFICER, as_of=day), "as_of")
            refused(lambda: training.authorized_officers(session, OFFICER, as_of=day), "as_of")
            refused(lambda: training.summary(session, OFFICER, as_of=day), "as_of")
            refused(lambda: training.due(session, OFFICER, as_of=day), "as_of")
            refused(lambda: views.program_figures(session, PUBLIC, day), "as_of")
            refused(lambda: audit_log.read_events(session, OFFICER, AuditFilter(since=day)), "since")
            refused(lambda: audit_log.read_events(session, OFFICER, AuditFilter(until=day)), "until")
        # The ends of the range are days like any other.
        assert nominees.eligibility(session, OFFICER, veteran, as_of=dt.date(1900, 1, 1)).as_of == dt.date(1900, 1, 1)
        assert training.due(session, OFFICER, as_of=dt.date(2199, 12, 31), within_days=3660) is not None
        assert audit_log.read_events(session, OFFICER, AuditFilter(until=dt.date(2199, 12, 31)))
        assert refused(lambda: training.due(session, OFFICER, within_days=10**6), "within_days") == "from 0 to 3660"


def test_who_may_not_read_what_is_due_is_refused_whatever_the_day(world):
    db, _ = world
    with db.session() as session:
        with pytest.raises(AccessDenied):
            training.due(session, PUBLIC, as_of=FAR_FUTURE)


def test_dates_typed_into_forms_must_be_in_the_range(world):
    db, w = world
    with db.session() as session:
        assert refused(lambda: nominees.record_background(session, OFFICER, w.nominees["novice"], result="passed", completed_on="0001-01-01", today=TODAY), "completed_on") == RANGE
        periods = [{"start": "1066-10-14"}]
        refused(lambda: nominees.update_nominee(session, w.user_a, w.nominees["novice"], service_periods=periods, today=TODAY), "service_periods[0].start")


# 2. Characters XML cannot hold ----------------------------------------------------------------------------------


@pytest.mark.parametrize("character", UNSTORABLE)
def test_text_fields_refuse_characters_no_document_or_database_can_hold(world, character):
    db, w = world
    with db.session() as session:
        problem = refused(lambda: nominees.update_nominee(session, w.user_a, w.nominees["novice"], full_name=f"Nova{character}Novice", today=TODAY), "full_name")
        assert problem in ("contains characters that cannot be stored", "contains control characters")
        refused(lambda: applications.submit_letter(session, w.user_b, w.agency_b, letter(models=["JEM"], justification=f"x{character}y"), today=TODAY), "justification")


# C1 (U+0080 to U+009F, a terminal's 8-bit escapes: U+009B is CSI), DEL, and the C0 controls str.split() and strip()
# take for spaces: refused as the other controls are, not turned into a space, in single-line and multi-line fields
# alike and at either end (U+0085 and U+009B were stored; U+001C and U+0085 became spaces in a name).
C1_AND_SPACE_LIKE_CONTROLS = ["\x80", "\x85", "\x9b", "\x9f", "\x7f", "\x1c", "\x1f", "\x0b", "\x0c"]


@pytest.mark.parametrize("character", C1_AND_SPACE_LIKE_CONTROLS, ids=[f"U+{ord(c):04X}" for c in C1_AND_SPACE_LIKE_CONTROLS])
def test_text_fields_refuse_c1_and_space_like_controls_naming_the_field(world, character):
    db, w = world
    problem = "contains control characters"
    with db.session() as session:
        assert refused(lambda: nominees.nominate(session, w.user_a, w.tfm, full_name=f"Nova{character}Novice", today=TODAY), "full_name") == problem
        assert refused(lambda: nominees.update_nominee(session, w.user_a, w.nominees["novice"], full_name=f"Nova Novice{character}", today=TODAY), "full_name") == problem
        assert refused(lambda: agencies.create_agency(session, ADMIN, f"{character}Evilton Police Department", "FL", "municipality"), "name") == problem
        assert refused(lambda: accounts.add_user(session, ADMIN, "mallory", "program_officer", display_name=f"Mal{character}lory"), "display_name") == problem
        assert refused(lambda: applications.submit_letter(session, w.user_b, w.agency_b, letter(models=["JEM"], justification=f"x{character}y"), today=TODAY), "justification") == problem
        assert refused(lambda: applications.submit_letter(session, w.user_b, w.agency_b, letter(models=["JEM"], justification=character), today=TODAY), "justification") == problem
    # Tabs and line breaks stay what they were: spaces in a single-line field, lines in a multi-line one.
    with db.session() as session:
        assert nominees.nominate(session, w.user_a, w.tfm, full_name="Nova\tNew\r\nNovice", today=TODAY).full_name == "Nova New Novice"


# Hangul fillers and the braille blank are letters and symbols to Unicode, blank in every font (as in the registry's
# cells, g287.sources.text.without_invisible); a variation selector alone shows nothing either.
INVISIBLE_TEXTS = ["\u200b", "\ufeff", " \u200b\u2060 ", "\u3000", "\u3164", "\u115f\u1160 \uffa0", "\u2800", "\ufe0f"]


@pytest.mark.parametrize("invisible", INVISIBLE_TEXTS, ids=["ZWSP", "BOM", "joiners", "ideographic-space", "hangul-filler", "hangul-fillers", "braille-blank", "variation-selector"])
def test_a_text_of_invisible_characters_only_is_no_text(world, invisible):
    """A nominee named U+200B alone was recorded, a blank name on every page and document (found by review): a text
    holding only spaces and format characters is as empty as one of spaces only, required where a text is."""
    db, w = world
    with db.session() as session:
        assert refused(lambda: nominees.nominate(session, w.user_a, w.tfm, full_name=invisible, today=TODAY), "full_name") == "required"
        assert refused(lambda: nominees.update_nominee(session, w.user_a, w.nominees["novice"], full_name=invisible, today=TODAY), "full_name") == "required"
        assert refused(lambda: agencies.create_agency(session, ADMIN, invisible, "FL", "municipality"), "name") == "required"
        assert refused(lambda: applications.submit_letter(session, w.user_b, w.agency_b, letter(models=["JEM"], justification=invisible), today=TODAY), "justification") == "required"
    # Within a name they stay (a zero-width joiner belongs to some scripts), and an optional field is left empty.
    with db.session() as session:
        assert nominees.nominate(session, w.user_a, w.tfm, full_name="Zoe\u200dZed", today=TODAY).full_name == "Zoe\u200dZed"
        assert agencies.create_agency(session, ADMIN, "Blankton Police Department", "FL", "municipality", county=invisible).county is None


BIDI_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


@pytest.mark.parametrize("character", BIDI_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_text_fields_refuse_bidirectional_controls_naming_the_field(world, character):
    """A nominee named "a" U+202E "b" was stored and shown: a name displayed in another order than it is recorded
    (found by review). Refused in every text field, as control characters are, naming the field."""
    db, w = world
    problem = "contains bidirectional control characters (U+202A to U+202E, U+2066 to U+2069), which change the order text is shown in"
    with db.session() as session:
        assert refused(lambda: nominees.nominate(session, w.user_a, w.tfm, full_name=f"a{character}b", today=TODAY), "full_name") == problem
        assert refused(lambda: nominees.update_nominee(session, w.user_a, w.nominees["novice"], full_name=f"Nova {character}Novice", today=TODAY), "full_name") == problem
        assert refused(lambda: agencies.create_agency(session, ADMIN, f"Evil{character}ton Police Department", "FL", "municipality"), "name") == problem
        assert refused(lambda: accounts.add_user(session, ADMIN, "mallory", "program_officer", display_name=f"Mal{character}lory"), "display_name") == problem
        refused(lambda: applications.submit_letter(session, w.user_b, w.agency_b, letter(models=["JEM"], contact_name=f"Sam{character} Sample"), today=TODAY), "contact_name")
        assert nominees.list_nominees(session, OFFICER) and all(character not in n["full_name"] for n in nominees.list_nominees(session, OFFICER))
    # Other scripts and the bidirectional marks that do not reorder (U+200E, U+200F) stay names like any other.
    with db.session() as session:
        assert nominees.nominate(session, w.user_a, w.tfm, full_name="\u05e9\u05e8\u05d4 Levi\u200e", today=TODAY).full_name == "\u05e9\u05e8\u05d4 Levi\u200e"


def test_a_docx_drops_characters_xml_cannot_hold(sqlite_db):
    """A letter stored before the forms refused these characters still opens."""
    text = "# Title\uffff\n\nA paragraph \ufffewith\ud800 odd\x0b characters.\n\n| a line\udfff kept\n\n- a bullet\x00"
    document = documents.render_document(text, "docx", filename="letter", title="Letter\uffff", banner="DRAFT\ufffe", footer="page\ud800", created=dt.datetime(2025, 7, 1))
    with zipfile.ZipFile(io.BytesIO(document.content)) as package:
        xml = "".join(package.read(name).decode() for name in package.namelist() if name.endswith(".xml"))
    assert "A paragraph with odd characters." in xml and "a line kept" in xml and "Title" in xml and "DRAFT" in xml
    assert not NOT_IN_XML.search(xml)


# 3. A NUL byte in a user name or a filter ------------------------------------------------------------------------


def test_a_nul_in_a_user_name_is_a_wrong_login_recorded_without_it(db):
    with db.session() as session:
        accounts.add_user(session, ADMIN, "admin", "administrator", password="correct horse battery")
    for name in ("admin\x00", "a\x00b", "admin\ud800"):
        with pytest.raises(auth.LoginRefused) as error:
            auth.login(db, name, "correct horse battery", "203.0.113.9")
        assert str(error.value) == "wrong user name or password"
    with db.session() as session:
        recorded = session.scalars(select(LoginAttempt.username)).all()
        assert len(recorded) == 3 and not any(NOT_IN_XML.search(name) for name in recorded)
        with pytest.raises(NotFound):
            accounts.disable_user(session, ADMIN, "a\x00b")
    assert auth.login(db, "admin", "correct horse battery", "203.0.113.9").actor.role == "administrator"


@pytest.mark.parametrize("name", ["actor", "action", "object_type", "object_id"])
def test_audit_filters_refuse_a_nul_naming_the_filter(db, name):
    with db.session() as session:
        problem = refused(lambda: audit_log.read_events(session, OFFICER, AuditFilter(**{name: "a\x00b"})), name)
        assert problem == "contains characters that cannot be stored"


# 4. Two years of experience, whatever the day it is asked about -------------------------------------------------

QUALIFIED = {"us_citizen": True, "background_result": "passed", "enforced_jurisdiction_laws": True}


def experience(periods, as_of: dt.date):
    check = evaluate("TFM", {**QUALIFIED, "service_periods": periods}, as_of)
    return next(r for r in check.results if r.rule == "sworn_experience")


@pytest.mark.parametrize("as_of", ["2024-01-01", "2024-06-01", "2025-06-01", "2026-06-01", "2028-03-01", "2030-12-31"])
@pytest.mark.parametrize("start", ["2022-01-01", "2020-02-29", "2023-03-01", "2022-07-15"])
def test_exactly_two_calendar_years_pass_and_one_day_less_fails_on_every_day(start, as_of):
    first = dt.date.fromisoformat(start)
    # Two calendar years from a 29 February run to the eve of 1 March in the common year two years on.
    anniversary = dt.date(first.year + 2, 3, 1) if (first.month, first.day) == (2, 29) else first.replace(year=first.year + 2)
    end = anniversary - dt.timedelta(days=1)
    as_of = max(dt.date.fromisoformat(as_of), end + dt.timedelta(days=1))
    full = experience([{"start": start, "end": end.isoformat()}], as_of)
    short = experience([{"start": start, "end": (end - dt.timedelta(days=1)).isoformat()}], as_of)
    assert full.outcome == "passed", full.explanation
    assert short.outcome == "failed" and short.explanation.endswith("the Task Force Model requires at least 2 years")


# 5. Steps dated before the background investigation's completion -----------------------------------------------


def test_a_background_result_counts_from_its_completion(world):
    db, w = world
    with db.session() as session:
        nominee = nominees.nominate(session, w.user_a, w.tfm, full_name="Late Background", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": "2010-01-01"}], nominated_on=TODAY - dt.timedelta(days=30), today=TODAY)
        nominees.record_background(session, OFFICER, nominee.id, result="passed", completed_on=TODAY, today=TODAY)
        before = nominees.eligibility(session, OFFICER, nominee.id, as_of=TODAY - dt.timedelta(days=1))
        assert not before.eligible and before.reasons == [f"the background investigation was completed on {TODAY.isoformat()}, after {(TODAY - dt.timedelta(days=1)).isoformat()}"]
        assert nominees.eligibility(session, OFFICER, nominee.id, as_of=TODAY).eligible
        problem = refused(lambda: training.enrol(session, OFFICER, nominee.id, enrolled_on=TODAY - dt.timedelta(days=29), today=TODAY), "enrolled_on")
        assert problem == f"must not be before the background check's completion, {TODAY.isoformat()}"


def test_certification_is_not_dated_before_the_background_completion(world):
    db, w = world
    with db.session() as session:
        nominee = nominees.nominate(session, w.user_a, w.tfm, full_name="Re Checked", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": "2010-01-01"}], nominated_on=TODAY - dt.timedelta(days=26), today=TODAY)
        nominees.record_background(session, OFFICER, nominee.id, result="passed", completed_on=TODAY - dt.timedelta(days=25), today=TODAY)
        # Recorded again before any enrolment, completed later (a re-investigation): certification follows it.
        nominees.record_background(session, OFFICER, nominee.id, result="passed", completed_on=TODAY - dt.timedelta(days=22), today=TODAY)
        training.enrol(session, OFFICER, nominee.id, enrolled_on=TODAY - dt.timedelta(days=20), today=TODAY)
        training.record_exam(session, OFFICER, nominee.id, score=90, taken_on=TODAY - dt.timedelta(days=10), today=TODAY)
        # After the enrolment, a result dated later would leave the enrolment resting on nothing, and change what
        # the nominee's standing was on the days between (it was accepted, and the history changed).
        problem = refused(lambda: nominees.record_background(session, OFFICER, nominee.id, result="passed", completed_on=TODAY - dt.timedelta(days=5), today=TODAY), "completed_on")
        assert problem == f"must not be after the enrolment already recorded on {(TODAY - dt.timedelta(days=20)).isoformat()}"
        assert training.certify(session, OFFICER, nominee.id, certified_on=TODAY - dt.timedelta(days=5), today=TODAY).certified_on == TODAY - dt.timedelta(days=5)
        # A date before the enrolment keeps the order, and is accepted; after the certification, it is refused too.
        assert nominees.record_background(session, OFFICER, nominee.id, result="passed", completed_on=TODAY - dt.timedelta(days=21), today=TODAY).background_completed_on == TODAY - dt.timedelta(days=21)
        problem = refused(lambda: nominees.record_background(session, OFFICER, nominee.id, result="passed", completed_on=TODAY, today=TODAY), "completed_on")
        assert problem.startswith("must not be after the enrolment already recorded on")

def test_a_standing_on_a_past_day_counts_only_the_examinations_taken_by_then(world):
    """Every examination counted, whatever the day asked about: the veteran, who failed on day -10 and passed on
    day -8, stood as "passed" on day -15 already."""
    db, w = world
    with db.session() as session:
        veteran = nominees.get_nominee(session, OFFICER, w.nominees["veteran"])
        on = lambda days: training.standing(session, veteran, TODAY - dt.timedelta(days=days)).status  # noqa: E731
        assert [on(15), on(9), on(7), on(5)] == ["in_training", "remediation_due", "passed", "certified"]


def test_what_is_due_names_a_lapsed_certification_as_overdue(world):
    """An expired certification is neither renewable nor authorizing: what is due once forgot it the day it lapsed."""
    db, w = world
    with db.session() as session:
        expires = training.certification_of(session, OFFICER, w.nominees["veteran"]).expires_on
        kinds = lambda day, within=60: {  # noqa: E731
            (i["kind"], i["due_on"], i["overdue"]) for i in training.due(session, OFFICER, as_of=day, within_days=within) if i["nominee_id"] == w.nominees["veteran"]
        }
        assert ("certification_expires", expires.isoformat(), False) in kinds(expires - dt.timedelta(days=1))
        for day in (expires, expires + dt.timedelta(days=60)):
            assert kinds(day) == {("certification_expired", expires.isoformat(), day > expires)}
        later = expires + dt.timedelta(days=400)
        assert kinds(later) == set() and kinds(later, within=400) == {("certification_expired", expires.isoformat(), True)}  # as far back as ahead
        # Nominated again, the officer is followed there: the lapse of the old record is no longer due.
        veteran = nominees.get_nominee(session, OFFICER, w.nominees["veteran"])
        agency_user = Actor("agency_user", "user:9", 9, veteran.agency_id)
        nominees.nominate(session, agency_user, veteran.moa_id, full_name=" vera  VETERAN ", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": "2015-01-01"}], today=expires + dt.timedelta(days=1))
        assert kinds(expires + dt.timedelta(days=10)) == set()


def test_a_namesake_nominated_before_the_lapse_does_not_hide_it(world):
    """What is due took any later nominee of the same name for the officer nominated again: a namesake, confirmed as a
    different person while the officer was still on the MOA, hid the officer's lapse. Names are compared as the
    nominations compare them (accents, punctuation)."""
    db, w = world
    with db.session() as session:
        veteran = nominees.get_nominee(session, OFFICER, w.nominees["veteran"])
        expires = training.certification_of(session, OFFICER, veteran.id).expires_on
        agency_user = Actor("agency_user", "user:9", 9, veteran.agency_id)
        facts = {"us_citizen": True, "enforced_jurisdiction_laws": True, "service_periods": [{"start": "2015-01-01"}]}
        before = expires - dt.timedelta(days=1)
        namesake = nominees.nominate(session, agency_user, veteran.moa_id, full_name=veteran.full_name.upper(), namesake_of=[veteran.id], today=before, **facts)
        lapsed = lambda day: [i["kind"] for i in training.due(session, OFFICER, as_of=day) if i["nominee_id"] == veteran.id]  # noqa: E731
        assert lapsed(expires + dt.timedelta(days=10)) == ["certification_expired"]
        # Nominated again after the lapse (written otherwise: an accent, a full stop), the officer is followed there.
        again = veteran.full_name.replace("e", "\u00e9", 1) + "."
        assert again != veteran.full_name.upper()
        nominees.nominate(session, agency_user, veteran.moa_id, full_name=again, namesake_of=[namesake.id], today=expires + dt.timedelta(days=1), **facts)
        assert lapsed(expires + dt.timedelta(days=10)) == []


def test_a_nomination_after_the_day_asked_about_does_not_hide_the_lapse_on_that_day(world):
    """What is due on a past day counted every later nomination of the name as the officer nominated again, even
    one made after that day: on the days between the expiry and the new nomination, the lapse was listed by no
    one, though the nominee's standing on those days said expired."""
    db, w = world
    with db.session() as session:
        veteran = nominees.get_nominee(session, OFFICER, w.nominees["veteran"])
        expires = training.certification_of(session, OFFICER, veteran.id).expires_on
        agency_user = Actor("agency_user", "user:9", 9, veteran.agency_id)
        again_on = expires + dt.timedelta(days=7)
        nominees.nominate(session, agency_user, veteran.moa_id, full_name=veteran.full_name, us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": "2015-01-01"}], nominated_on=again_on, today=again_on)
        lapsed = lambda day: [i["kind"] for i in training.due(session, OFFICER, as_of=day) if i["nominee_id"] == veteran.id]  # noqa: E731
        assert training.standing(session, veteran, expires + dt.timedelta(days=2)).status == "expired"
        assert lapsed(expires + dt.timedelta(days=2)) == ["certification_expired"]
        assert lapsed(again_on - dt.timedelta(days=1)) == ["certification_expired"]
        assert lapsed(again_on) == [] and lapsed(again_on + dt.timedelta(days=3)) == []  # from the new nomination's day on


def test_another_officer_of_a_non_latin_name_does_not_hide_a_lapse(world):
    """Names were compared by a key of a-z and digits: every Cyrillic name was one empty name, so any other officer
    of such a name, nominated after the lapse, counted as the lapsed officer nominated again."""
    db, w = world
    with db.session() as session:
        veteran = nominees.update_nominee(session, OFFICER, w.nominees["veteran"], full_name="Вера Ветеран", today=TODAY)
        expires = training.certification_of(session, OFFICER, veteran.id).expires_on
        agency_user = Actor("agency_user", "user:9", 9, veteran.agency_id)
        facts = {"us_citizen": True, "enforced_jurisdiction_laws": True, "service_periods": [{"start": "2015-01-01"}]}
        nominees.nominate(session, agency_user, veteran.moa_id, full_name="Мария Смирнова", today=expires + dt.timedelta(days=1), **facts)
        lapsed = [i["kind"] for i in training.due(session, OFFICER, as_of=expires + dt.timedelta(days=10)) if i["nominee_id"] == veteran.id]
        assert lapsed == ["certification_expired"]


def test_a_lapsed_certification_is_not_renewed(world):
    """Renewed after its expiry, the officer counted as authorized during the lapse."""
    db, w = world
    with db.session() as session:
        certification = training.certification_of(session, OFFICER, w.nominees["veteran"])
        expired, later = certification.expires_on, certification.expires_on + dt.timedelta(days=30)
        veteran = nominees.get_nominee(session, OFFICER, w.nominees["veteran"])
        # The expiry day already counts as expired (standing), so a renewal then is refused too.
        assert training.standing(session, veteran, expired).status == "expired"
        for day in (later, expired):
            problem = refused(lambda: training.renew_certification(session, OFFICER, w.nominees["veteran"], renewed_on=day, today=later), "renewed_on")
            assert problem == f"must be before the expiry, {expired.isoformat()}: a lapsed certification is not renewed"
        assert training.standing(session, veteran, expired + dt.timedelta(days=10)).status == "expired"
        renewed = training.renew_certification(session, OFFICER, w.nominees["veteran"], renewed_on=expired - dt.timedelta(days=1), today=later)
        assert renewed.expires_on > later and training.standing(session, veteran, expired + dt.timedelta(days=10)).authorized


def test_an_applicant_agency_is_recorded_once(world):
    """`program agency-add` took the same agency twice: its letters, MOAs and nominees would be split between two
    records. A name that is the same up to case, spacing and punctuation in the same state is refused; in another
    state it is another agency."""
    from g287.program import agencies
    from g287.program.validation import Conflict

    db, w = world
    with db.session(writing=True) as session, pytest.raises(Conflict, match=f"applicant agency {w.agency_a} is already"):
        agencies.create_agency(session, ADMIN, "TESTVILLE COUNTY SHERIFFS OFFICE", "FL", "county")
    with db.session(writing=True) as session:
        assert agencies.create_agency(session, ADMIN, "Testville County Sheriff's Office", "GA", "county").id != w.agency_a
