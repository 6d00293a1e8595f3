"""Two letters sent at the same moment: each service's check sees no other open MOA, and the database keeps the
rule (one open MOA per agency and model); a SQLite database busy with another change is a 503, not a 500."""

from __future__ import annotations

import json
import threading
import warnings

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from g287.db import dialect
from g287.db.models.program import ProgramMoa
from g287.errors import Busy
from g287.program import applications
from g287.program.validation import Conflict
from g287.registry.ingest import registry_change
from tests.program.world import SIGNATORIES, SIGNED_PDF, TODAY, build, letter


@pytest.fixture
def world(db):
    with db.session() as session:
        w = build(session, "agencies")
    return db, w


def test_a_letter_whose_check_saw_no_other_is_refused_by_the_database(world, monkeypatch):
    db, w = world
    with db.session() as session:
        applications.submit_letter(session, w.user_b, w.agency_b, letter(["JEM"]))
    # The second letter's check runs as if the first were not yet committed (as in a race): no open status is seen.
    monkeypatch.setattr(applications, "OPEN_STATUSES", ())
    with pytest.raises(Conflict, match="already has an open or signed MOA for JEM"):
        with db.session() as session:
            applications.submit_letter(session, w.user_b, w.agency_b, letter(["JEM"]))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ProgramMoa).where(ProgramMoa.agency_id == w.agency_b, ProgramMoa.model == "JEM")) == 1


def test_one_open_moa_per_agency_and_model_but_terminated_ones_do_not_count(world):
    db, w = world
    with db.session() as session:
        application = applications.submit_letter(session, w.user_b, w.agency_b, letter(["JEM"]))
        moa = session.scalars(select(ProgramMoa).where(ProgramMoa.application_id == application.id)).one()
        moa.status = "terminated"
    with db.session() as session:  # a terminated MOA leaves room for a new letter
        second = applications.submit_letter(session, w.user_b, w.agency_b, letter(["JEM"]))
        session.add(ProgramMoa(application_id=application.id, agency_id=w.agency_b, model="TFM", status="requested", draft_version=0))
        session.flush()
        session.add(ProgramMoa(application_id=second.id, agency_id=w.agency_b, model="TFM", status="draft", draft_version=0))
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


def _officer_client_whose_reads_fail_with(db, monkeypatch, error: Exception):
    """A signed-in program officer's client, over a site whose list of applications raises `error`."""

    def fails(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(applications, "list_applications", fails)
    return _officer_client(db)


def _officer_client(db):
    """A signed-in program officer's client."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from g287.access import Actor
    from g287.program import accounts
    from g287.web.app import create_app
    from tests.program.web.conftest import PASSWORD, sign_in

    with db.session() as session:
        accounts.add_user(session, Actor.command_line(), "officer", "program_officer", password=PASSWORD)
    client = TestClient(create_app(db))
    assert sign_in(client, "officer").status_code == 303
    return client


def test_a_busy_database_is_a_503_with_retry_after(db, monkeypatch):
    """SQLite writes one transaction at a time: one that read before another committed cannot write, whatever the
    timeout. The caller is told to send it again (503, Retry-After), not shown an internal error."""
    client = _officer_client_whose_reads_fail_with(db, monkeypatch, OperationalError("UPDATE ...", {}, Exception("database is locked")))
    response = client.get("/api/v1/program/applications")
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert response.json()["error"]["message"] == "another g287 process is writing to the same database: try again once it has finished"
    page = client.get("/program/applications")
    assert page.status_code == 503 and "another g287 process is writing to the same database: try again once it has finished" in page.text


def test_a_signed_moa_recorded_while_another_process_holds_the_registry_too_long_is_a_503(db, monkeypatch):
    """Recording a signed MOA may add its agency to the registry: it takes the registry's turn, after an ingest of
    another process. On PostgreSQL it waited for the turn with no limit; now, as on SQLite, the wait ends and the
    caller is told why (503, Retry-After), and nothing is recorded. (The wait is shortened here.)"""
    with db.session(writing=True) as session:
        world = build(session, "drafted")
    client = _officer_client(db)
    token = client.get("/api/v1/program/session").json()["csrf_token"]
    monkeypatch.setattr(dialect, "_BUSY_TIMEOUT_MS", 200)
    db.engine.dispose()  # SQLite's connections take the wait when they open
    answers = []

    def record() -> None:
        form = {"signed_on": TODAY.isoformat(), "signatories": json.dumps(SIGNATORIES)}
        pdf = {"pdf": ("moa.pdf", SIGNED_PDF.read_bytes(), "application/pdf")}
        answers.append(client.post(f"/api/v1/program/moas/{world.tfm}/signed", data=form, files=pdf, headers={"X-CSRF-Token": token}))

    with registry_change(db):  # another process's ingest, not yet committed
        recording = threading.Thread(target=record)
        recording.start()
        recording.join(60)
        still_waiting = recording.is_alive()
    recording.join()
    assert not still_waiting, "the recording waited for the registry with no limit"
    (answer,) = answers
    assert (answer.status_code, answer.headers["retry-after"], answer.json()["error"]["message"]) == (503, "1", str(Busy()))
    with db.session() as session:
        assert session.get(ProgramMoa, world.tfm).status == "draft"


def test_a_constraint_broken_by_a_change_saved_at_the_same_moment_is_a_409(db, monkeypatch):
    """Two officers recording the same signed MOA at once: the second breaks a unique constraint the service
    checks first but could not see; the caller is told of the conflict (409), not shown an internal error."""
    client = _officer_client_whose_reads_fail_with(db, monkeypatch, IntegrityError("INSERT ...", {}, Exception("duplicate key value violates unique constraint")))
    response = client.get("/api/v1/program/applications")
    assert response.status_code == 409 and "saved at the same moment" in response.json()["error"]["message"]
