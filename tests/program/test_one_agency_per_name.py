"""An applicant agency is recorded once per state and name key (the same up to case, spacing, punctuation and
apostrophes), and the database keeps the rule too: two agencies added at the same moment each pass the service's
check, which cannot see the other; the unique index on (state, name key) refuses the second, and its caller gets
the same Conflict as from the check (409, never a 500). Migration 0009 fills the key of the agencies already
recorded, and a database already holding two records of one agency is migrated without losing either."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from g287.db.dialect import schema_change
from g287.db.engine import alembic_config
from g287.db.models.program import ApplicantAgency
from g287.program import accounts, agencies
from g287.program.validation import Conflict
from g287.registry.names import agency_key
from g287.web.app import create_app
from g287.wording import in_quotes
from tests.program.web.conftest import PASSWORD, sign_in, token_of
from tests.program.racing import while_uncommitted
from tests.program.world import ADMIN, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

TESTVILLE = "Testville County Sheriff's Office"


@pytest.fixture
def world(db):
    with db.session() as session:
        w = build(session, "agencies")
    return db, w


def keys(db) -> dict[int, str | None]:
    with db.engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, name_key FROM applicant_agencies")).all())


def count(db, state: str) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ApplicantAgency).where(ApplicantAgency.state_usps == state))


def test_migration_keys_the_first_record_of_each_agency_and_keeps_the_later_ones(world):
    db, w = world
    with db.engine.connect() as conn, schema_change(conn):
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008_nomination_day")
        # Two more records of agency A, recorded before the service refused them, and the same name in another state.
        for name, state in (("TESTVILLE COUNTY SHERIFFS OFFICE", "FL"), ("Testville  County Sheriff’s Office.", "FL"), (TESTVILLE, "GA")):
            conn.execute(
                text("INSERT INTO applicant_agencies (name, state_usps, agency_type, created_at) VALUES (:name, :state, 'county', :at)"),
                {"name": name, "state": state, "at": dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc)},
            )
        before = conn.execute(text("SELECT id, name, state_usps FROM applicant_agencies ORDER BY id")).all()
    db.migrate()
    with db.engine.connect() as conn:
        after = conn.execute(text("SELECT id, name, state_usps FROM applicant_agencies ORDER BY id")).all()
    assert after == before and len(after) == 5  # nothing lost, nothing merged
    ids = {(name, state): agency_id for agency_id, name, state in after}
    got = keys(db)
    assert got[w.agency_a] == agency_key(TESTVILLE) == "testville county sheriffs office"  # the first record: the lowest id
    assert got[ids[("TESTVILLE COUNTY SHERIFFS OFFICE", "FL")]] is None and got[ids[("Testville  County Sheriff’s Office.", "FL")]] is None
    assert got[ids[(TESTVILLE, "GA")]] == agency_key(TESTVILLE)  # another state: another agency
    assert got[w.agency_b] == "otherton police department"
    # The index holds from now on.
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO applicant_agencies (name, state_usps, agency_type, created_at, name_key) VALUES ('x', 'FL', 'county', :at, :key)"),
            {"at": dt.datetime(2025, 1, 3, tzinfo=dt.timezone.utc), "key": agency_key(TESTVILLE)},
        )
    # A later record kept without its key is still corrected as before (its name too, in another spelling of the
    # same key); renamed to another record's name, it is refused as any rename is; renamed to a name of its own, it
    # gets its key.
    later = ids[("TESTVILLE COUNTY SHERIFFS OFFICE", "FL")]
    with db.session(writing=True) as session:
        agencies.update_agency(session, ADMIN, later, name="Testville County Sheriffs Office", state="FL", agency_type="county", address="2 Other Road")
    assert keys(db)[later] is None
    with db.session(writing=True) as session, pytest.raises(Conflict, match=f"applicant agency {w.agency_b} is already"):
        agencies.update_agency(session, ADMIN, later, name="OTHERTON POLICE DEPARTMENT", state="TX", agency_type="municipality")
    with db.session(writing=True) as session:
        agencies.update_agency(session, ADMIN, later, name="Testville Town Police", state="FL", agency_type="municipality")
    assert keys(db)[later] == "testville town police"


def test_a_rename_keeps_the_key_and_is_refused_when_it_takes_another_agencys_name(world):
    db, w = world
    with db.session(writing=True) as session:
        agencies.update_agency(session, ADMIN, w.agency_b, name="Otherton City Police Dept.", state="TX", agency_type="municipality")
    assert keys(db)[w.agency_b] == "otherton city police dept"
    with db.session(writing=True) as session:  # moved to another state (it is not linked), with its key
        agencies.update_agency(session, ADMIN, w.agency_b, name="Otherton City Police Dept.", state="GA", agency_type="municipality")
    with db.session() as session:
        assert session.get(ApplicantAgency, w.agency_b).state_usps == "GA"
    with db.session(writing=True) as session, pytest.raises(Conflict, match=f"applicant agency {w.agency_a} is already {in_quotes(TESTVILLE)} in FL"):
        agencies.update_agency(session, ADMIN, w.agency_b, name="testville county sheriff's office", state="FL", agency_type="county")
    assert keys(db)[w.agency_b] == "otherton city police dept"
    with db.session(writing=True) as session:  # its own name in another spelling: the same agency, the same key
        agencies.update_agency(session, w.user_b, w.agency_b, name="OTHERTON CITY POLICE DEPT", state="GA", agency_type="municipality")
    assert keys(db)[w.agency_b] == "otherton city police dept"


def test_the_database_refuses_what_the_check_did_not_see_with_the_same_conflict(world, monkeypatch):
    """The check runs as if the other agency were not yet committed (as in a race): the unique index refuses the
    write, and the caller gets the check's own Conflict, naming the agency that has the name."""
    db, w = world
    monkeypatch.setattr(agencies, "_same_key", lambda *args, **kwargs: None)
    expected = f"applicant agency {w.agency_a} is already {in_quotes(TESTVILLE)} in FL: use it (or correct its name)"
    with db.session(writing=True) as session, pytest.raises(Conflict) as refused:
        agencies.create_agency(session, ADMIN, "TESTVILLE COUNTY SHERIFFS OFFICE", "FL", "county")
    assert str(refused.value) == expected
    with db.session(writing=True) as session, pytest.raises(Conflict) as refused:
        agencies.update_agency(session, ADMIN, w.agency_b, name="Testville County Sheriffs Office", state="FL", agency_type="county")
    assert str(refused.value) == expected
    assert count(db, "FL") == 1 and keys(db)[w.agency_b] == "otherton police department"


def test_two_agencies_added_at_the_same_moment_one_is_recorded_the_other_refused(world):
    """PostgreSQL: the second insert waits on the unique index for the first transaction, then is refused when it
    commits. SQLite writes one change at a time: the second check runs after the first commit and sees it."""
    db, _w = world
    outcome: list[str] = []

    def add_the_same_agency() -> None:
        try:
            with db.session(writing=True) as session:
                agencies.create_agency(session, ADMIN, "Sameton Police Department", "OH", "municipality")
            outcome.append("recorded")
        except Conflict as refused:
            outcome.append(str(refused))

    first = while_uncommitted(db, lambda session: agencies.create_agency(session, ADMIN, "SAMETON POLICE DEPARTMENT", "OH", "municipality"), add_the_same_agency)  # the second reaches its check and insert while the first is not yet committed
    assert outcome == [f"applicant agency {first.id} is already 'SAMETON POLICE DEPARTMENT' in OH: use it (or correct its name)"]
    assert count(db, "OH") == 1


def test_the_site_answers_a_second_record_with_409(world):
    db, w = world
    with db.session() as session:
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
    client = TestClient(create_app(db))
    assert sign_in(client, "officer").status_code == 303
    body = {"name": "Testville County Sheriffs Office", "state": "FL", "agency_type": "county"}
    response = client.post("/api/v1/program/agencies", json=body, headers={"X-CSRF-Token": token_of(client)})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == f"applicant agency {w.agency_a} is already {in_quotes(TESTVILLE)} in FL: use it (or correct its name)"
