"""Access control, role x action x record: the rules in data/rules/access/program.toml against an independent
table, and every service function called by every role on a record of the user's own agency and of another
agency — allowed calls succeed, refused ones raise AccessDenied (or NotFound, for a record the caller may not see)
and change nothing."""

import datetime as dt
import tomllib

import pytest
from sqlalchemy import text

from g287.access import allowed
from g287.config import DATA_DIR
from g287.errors import AccessDenied, NotFound
from g287.program import accounts, agencies, applications, audit_log, moas, nominees, publish, training, views
from g287.program.validation import InvalidInput
from tests.program.world import ADMIN, OFFICER, SIGNATORIES, SIGNED_PDF, TODAY, build, letter, years_ago

ROLES = ("public", "own_agency", "other_agency", "program_officer", "administrator")
ALL = set(ROLES)
AGENCY = {"own_agency", "program_officer", "administrator"}  # the agency's users and the program office
OFFICE = {"program_officer", "administrator"}

# Who may do each action to a record of agency A ("own_agency" = an agency user of A, "other_agency" = of B).
EXPECTED = {
    "account.manage": {"administrator"},
    "account.login": ALL,
    "account.change_own_password": ALL - {"public"},
    "agency.create": OFFICE,
    "agency.read": AGENCY,
    "agency.update": AGENCY,
    "agency.update_identity": OFFICE,  # another name or state; the type or county once an MOA is signed
    "agency.link": OFFICE,
    "application.submit": {"own_agency", "administrator"},
    "application.read": AGENCY,
    "application.read_public": ALL,
    "moa.draft": OFFICE,
    "moa.read_draft": AGENCY,
    "moa.record_signed": OFFICE,
    "moa.terminate": OFFICE,
    "moa.withdraw": AGENCY,  # an MOA never signed: the agency withdraws its own request
    "moa.withdraw_dated": OFFICE,  # on a day before today: the agency withdraws its own request today
    "moa.read_signed": ALL,
    "nominee.create": AGENCY,
    "nominee.read": AGENCY,
    "nominee.update": AGENCY,
    "nominee.rename_vetted": OFFICE,  # the name of a nominee whose background investigation is recorded
    "nominee.record_background": OFFICE,
    "training.enrol": OFFICE,
    "training.record_exam": OFFICE,
    "training.certify": OFFICE,
    "training.record_refresher": OFFICE,
    "training.revoke": OFFICE,
    "training.read": AGENCY,
    "training.read_all": OFFICE,
    "program.publish": {"administrator"},
    "program.demo": {"administrator"},
    "audit.read": OFFICE,  # defined in registry.toml, used by `g287 audit`
}


# Actions an agency user may do to their own agency's records, named by id: a user of another agency may not
# see the record, and is told there is no such record (NotFound, as for an id no record has), so that ids cannot
# be counted. Every other refusal is AccessDenied: the public and the office's steps are refused whatever the id.
HIDDEN_FROM_OTHER_AGENCIES = {
    "agency.read", "agency.update", "agency.update_identity", "application.submit", "application.read", "moa.read_draft", "moa.withdraw", "moa.withdraw_dated",
    "nominee.create", "nominee.read", "nominee.update", "nominee.rename_vetted",
}


# Actions refused to an agency user of the record's agency as a value they may not give (422, naming the field):
# they may withdraw their own request, today only.
REFUSED_AS_A_VALUE = {"moa.withdraw_dated"}


def refusal(action: str, role: str) -> type:
    if role == "own_agency" and action in REFUSED_AS_A_VALUE:
        return InvalidInput
    return NotFound if role == "other_agency" and action in HIDDEN_FROM_OTHER_AGENCIES else AccessDenied


READS = {"agency.read", "application.read", "application.read_public", "moa.read_draft", "moa.read_signed", "nominee.read", "training.read", "audit.read", "account.manage"}
# (account.manage is exercised here by listing the accounts, which changes nothing.)


class Record:
    def __init__(self, agency_id):
        self.agency_id = agency_id


def test_the_access_file_defines_exactly_the_actions_in_the_matrix():
    with open(DATA_DIR / "rules" / "access" / "program.toml", "rb") as handle:
        defined = set(tomllib.load(handle)["actions"])
    assert defined == set(EXPECTED) - {"audit.read"}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_rules_match_the_matrix(action):
    from tests.program.world import PUBLIC
    from g287.access import Actor

    actors = {"public": PUBLIC, "own_agency": Actor("agency_user", "user:1", 1, 1), "other_agency": Actor("agency_user", "user:2", 2, 2), "program_officer": OFFICER, "administrator": ADMIN}
    got = {role for role, actor in actors.items() if allowed(actor, action, Record(1))}
    assert got == EXPECTED[action]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from tests.conftest import make_database

    db, close = make_database("sqlite", tmp_path_factory.mktemp("matrix"))
    with db.session() as session:
        w = build(session, "certified")
        # Drafted (the day before, so that a withdrawal may be dated then), it may be recorded as signed.
        moas.draft_moa(session, OFFICER, w.wso, today=TODAY - dt.timedelta(days=1))
        extra = {}
        for name, stage in (("ready", "eligible"), ("trainee", "enrolled"), ("graduate", "passed")):
            n = nominees.nominate(session, w.user_a, w.tfm, full_name=f"{name.title()} Officer", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(5)}], nominated_on=TODAY - dt.timedelta(days=10), today=TODAY)
            nominees.record_background(session, OFFICER, n.id, result="passed", completed_on=TODAY - dt.timedelta(days=9), today=TODAY)
            if stage != "eligible":
                training.enrol(session, OFFICER, n.id, enrolled_on=TODAY - dt.timedelta(days=8), today=TODAY)
            if stage == "passed":
                training.record_exam(session, OFFICER, n.id, score=95, taken_on=TODAY - dt.timedelta(days=2), today=TODAY)
            extra[name] = n.id
        w.nominees.update(extra)
    yield db, w
    close()


def calls(w):
    """(action, what the call does) for every service function that acts on a record of agency A."""
    n = w.nominees
    return [
        ("account.manage", lambda s, a: accounts.list_users(s, a)),
        ("agency.create", lambda s, a: agencies.create_agency(s, a, "New Police Department", "FL", "municipality")),
        ("agency.read", lambda s, a: agencies.get_agency(s, a, w.agency_a)),
        ("agency.update", lambda s, a: agencies.update_agency(s, a, w.agency_a, name="Testville County Sheriff's Office", state="FL", agency_type="county", county="Testville County")),
        # Agency A has a signed MOA: another name, and another county, are the program office's to give it.
        ("agency.update_identity", lambda s, a: agencies.update_agency(s, a, w.agency_a, name="Testville County Jail", state="FL", agency_type="county", county="Testville County")),
        ("agency.update_identity", lambda s, a: agencies.update_agency(s, a, w.agency_a, name="Testville County Sheriff's Office", state="FL", agency_type="county", county="Another County")),
        # Linked again to the agency it is linked to: an agency with a signed MOA is not relinked elsewhere.
        ("agency.link", lambda s, a: agencies.link_agency(s, a, w.agency_a, agencies.get_agency(s, ADMIN, w.agency_a).registry_agency_id)),
        ("application.submit", lambda s, a: applications.submit_letter(s, a, w.agency_a, letter(models=["JEM"]))),
        ("application.read", lambda s, a: applications.application_detail(s, a, w.application)),
        ("application.read", lambda s, a: applications.letter_document(s, a, w.application, "pdf")),
        ("application.read_public", lambda s, a: views.public_application(s, a, w.application)),
        ("application.read_public", lambda s, a: views.public_pending(s, a)),
        ("application.read_public", lambda s, a: views.public_participating(s, a)),
        ("application.read_public", lambda s, a: views.program_figures(s, a, TODAY)),
        ("moa.draft", lambda s, a: moas.draft_moa(s, a, w.wso)),
        ("moa.read_draft", lambda s, a: moas.draft_document(s, a, w.tfm, "docx")),
        ("moa.record_signed", lambda s, a: moas.record_signed_moa(s, a, w.wso, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY, signatories=SIGNATORIES, today=TODAY)),
        ("moa.terminate", lambda s, a: moas.terminate_moa(s, a, w.tfm, terminated_on=TODAY, today=TODAY)),
        ("moa.withdraw", lambda s, a: moas.withdraw_moa(s, a, w.wso, withdrawn_on=TODAY, reason="No longer asked for", today=TODAY)),
        ("moa.withdraw_dated", lambda s, a: moas.withdraw_moa(s, a, w.wso, withdrawn_on=TODAY - dt.timedelta(days=1), today=TODAY)),
        ("moa.read_signed", lambda s, a: moas.signed_document(s, a, w.tfm)),
        ("nominee.create", lambda s, a: nominees.nominate(s, a, w.tfm, full_name="New Nominee", today=TODAY)),
        ("nominee.read", lambda s, a: nominees.nominee_detail(s, a, n["veteran"], as_of=TODAY)),
        ("nominee.read", lambda s, a: nominees.eligibility(s, a, n["novice"], as_of=TODAY)),
        ("nominee.read", lambda s, a: training.certification_of(s, a, n["veteran"])),
        ("nominee.update", lambda s, a: nominees.update_nominee(s, a, n["novice"], service_periods=[{"start": years_ago(3)}], today=TODAY)),
        # The veteran's background investigation is recorded (passed): the agency may no longer change the name.
        ("nominee.rename_vetted", lambda s, a: nominees.update_nominee(s, a, n["veteran"], full_name="Another Person", today=TODAY)),
        ("nominee.record_background", lambda s, a: nominees.record_background(s, a, n["novice"], result="failed", completed_on=TODAY, today=TODAY)),
        ("training.enrol", lambda s, a: training.enrol(s, a, n["ready"], enrolled_on=TODAY, today=TODAY)),
        ("training.record_exam", lambda s, a: training.record_exam(s, a, n["trainee"], score=88, taken_on=TODAY, today=TODAY)),
        ("training.certify", lambda s, a: training.certify(s, a, n["graduate"], certified_on=TODAY, today=TODAY)),
        ("training.certify", lambda s, a: training.renew_certification(s, a, n["veteran"], renewed_on=TODAY, today=TODAY)),
        ("training.record_refresher", lambda s, a: training.record_refresher(s, a, n["veteran"], completed_on=TODAY, today=TODAY)),
        ("training.revoke", lambda s, a: training.revoke(s, a, n["veteran"], revoked_on=TODAY, today=TODAY)),
        ("training.read", lambda s, a: training.authorized_officers(s, a, as_of=TODAY, agency_id=w.agency_a)),
        ("training.read", lambda s, a: training.due(s, a, as_of=TODAY, agency_id=w.agency_a)),
        ("training.read", lambda s, a: training.summary(s, a, as_of=TODAY, agency_id=w.agency_a)),
        ("audit.read", lambda s, a: audit_log.read_events(s, a)),
    ]


def test_every_service_enforces_the_matrix(world):
    db, w = world
    checked = set()
    for action, call in calls(w):
        for role, actor in w.actors().items():
            session = db.sessions()
            session.begin()
            try:
                before = session.execute(text("SELECT count(*) FROM audit_events")).scalar()
                if role in EXPECTED[action]:
                    call(session, actor)  # must succeed
                    after = session.execute(text("SELECT count(*) FROM audit_events")).scalar()
                    # Every change writes its audit event in the same transaction; reading writes none.
                    assert (after > before) == (action not in READS), (action, role)
                else:
                    with pytest.raises(refusal(action, role)):
                        call(session, actor)
                    after = session.execute(text("SELECT count(*) FROM audit_events")).scalar()
                    assert after == before, (action, role)
            except Exception as error:
                raise AssertionError(f"{action} as {role}: {error!r}") from error
            finally:
                session.rollback()
                session.close()
            checked.add(action)
    # Covered elsewhere: login and password changes (test_accounts), publishing and the demo (below), and reading
    # across agencies, which for an agency user narrows to their own agency (test_agency_users_see_only_...).
    assert checked == set(EXPECTED) - {"account.login", "account.change_own_password", "program.publish", "program.demo", "training.read_all"}


def test_only_the_operator_publishes_and_creates_the_demo(world, tmp_path):
    db, w = world
    from g287.program import demo

    for role, actor in w.actors().items():
        if role == "administrator":
            continue
        with pytest.raises(AccessDenied):
            publish.publish(db, actor, directory=tmp_path)
        with pytest.raises(AccessDenied):
            demo.create_demo(db, actor)
    assert not any(tmp_path.iterdir())


def test_agency_users_see_only_their_agency_in_lists(world):
    db, w = world
    with db.session() as session:
        assert [a.id for a in agencies.list_agencies(session, w.user_a)] == [w.agency_a]
        assert [a.id for a in agencies.list_agencies(session, w.user_b)] == [w.agency_b]
        assert {a["id"] for a in applications.list_applications(session, w.user_a)} == {w.application}
        assert applications.list_applications(session, w.user_b) == []
        assert applications.list_applications(session, w.actors()["public"]) == []
        assert len(nominees.list_nominees(session, w.user_a, as_of=TODAY)) == 5
        assert nominees.list_nominees(session, w.user_b, as_of=TODAY) == []
        assert nominees.list_nominees(session, w.actors()["public"], as_of=TODAY) == []
        assert len(nominees.list_nominees(session, OFFICER, as_of=TODAY)) == 5
        # Without naming an agency, an agency user gets their own agency's roster; the public gets nothing.
        assert [o["agency_id"] for o in training.authorized_officers(session, w.user_a, as_of=TODAY)] == [w.agency_a]
        assert training.authorized_officers(session, w.user_b, as_of=TODAY) == []
        with pytest.raises(AccessDenied):
            training.authorized_officers(session, w.actors()["public"], as_of=TODAY)


def test_a_vetted_nominee_keeps_the_person_but_the_agency_may_still_attest_other_facts(world):
    """A certified officer renamed by an agency user would pass the investigation and certification of one person
    to another: refused, with nothing changed; the same name sent again (a form resubmitted) and the other facts
    still go through, and a nominee not yet investigated may be renamed by the agency."""
    db, w = world
    n = w.nominees
    with db.session() as session:
        before = nominees.nominee_detail(session, OFFICER, n["veteran"], as_of=TODAY)
        assert before["background_result"] == "passed"
    with db.session(writing=True) as session, pytest.raises(AccessDenied, match="program office"):
        nominees.update_nominee(session, w.user_a, n["veteran"], full_name="Unvetted Different Person", today=TODAY)
    with db.session(writing=True) as session:
        nominees.update_nominee(session, w.user_a, n["veteran"], full_name=before["full_name"], us_citizen=True, today=TODAY)
    with db.session(writing=True) as session:
        unvetted = nominees.nominate(session, w.user_a, w.tfm, full_name="Nomi Nee", today=TODAY)
        nominees.update_nominee(session, w.user_a, unvetted.id, full_name="Naomi Nee", today=TODAY)
        renamed = unvetted.id
    with db.session(writing=True) as session:
        nominees.update_nominee(session, OFFICER, n["veteran"], full_name="Vera Veteran-Corrected", today=TODAY)
    with db.session() as session:
        assert nominees.nominee_detail(session, OFFICER, n["veteran"], as_of=TODAY)["full_name"] == "Vera Veteran-Corrected"
        assert nominees.nominee_detail(session, OFFICER, renamed, as_of=TODAY)["full_name"] == "Naomi Nee"


def test_another_state_is_refused_to_an_agency_user_as_the_program_office_s_change(world):
    """Another state is the program office's to give (403), linked to the registry's agency or not: the agency user of a
    linked agency was told instead (409) to have a program officer unlink it first, a step after which the change
    was still not theirs to make."""
    db, w = world
    with db.session() as session:
        assert agencies.get_agency(session, OFFICER, w.agency_a).registry_agency_id is not None  # linked when its MOA was signed
    with db.session(writing=True) as session, pytest.raises(AccessDenied, match="program office"):
        agencies.update_agency(session, w.user_a, w.agency_a, name="Testville County Sheriff's Office", state="GA", agency_type="county", county="Testville County", address="1 Test Road\nTestville, FL 32000")
