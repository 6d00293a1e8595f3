"""A refusal names the field the request sent, as the request names it: the API's dated training steps take their
date as `on`, and the letter of interest takes the agency's name as `agency_name`. A problem named by another name
(`completed_on`, `name`) points at no field of the request, and the letter form showed it beside none of its fields."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from sqlalchemy import func, select

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.program import accounts
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, sign_in, token_of
from tests.program.world import build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()


@pytest.fixture
def site(db):
    """The workflow world (agency A's TFM MOA signed, a certified veteran, a novice not enrolled), with an agency
    user's and a program officer's accounts, each signed in."""
    with db.session() as session:
        w = build(session, "certified")
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
    app = create_app(db)
    clients = {}
    for username in ("agency-a", "officer"):
        clients[username] = TestClient(app)
        assert sign_in(clients[username], username).status_code == 303
    return db, w, clients


def fields_of(response) -> dict:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def events(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_dated_step_of_the_api_names_its_date_on(site):
    """`POST /nominees/{id}/refresher` with `{}` was refused naming `completed_on`, and with `{"completed_on": ...}`
    as a field the request does not take: the date it takes is `on`."""
    db, w, clients = site
    officer = clients["officer"]
    today = dt.date.today().isoformat()
    before = events(db)
    for step, nominee, body, problem in (
        ("enrolment", "novice", {"on": "2199-01-01"}, f"must not be after {today}"),
        ("enrolment", "novice", {"on": "2020-01-01"}, "must not be before the nomination, 2025-06-03"),
        ("certification", "novice", {"on": "2199-01-01"}, f"must not be after {today}"),
        ("refresher", "veteran", {"on": "2199-01-01"}, f"must not be after {today}"),
        ("renewal", "veteran", {"on": "2199-01-01"}, f"must not be after {today}"),
        ("revocation", "veteran", {"on": "2020-01-01"}, "must not be before the certification"),
    ):
        response = officer.post(f"/api/v1/program/nominees/{w.nominees[nominee]}/{step}", json=body, headers={"X-CSRF-Token": token_of(officer)})
        assert response.status_code == 422 and fields_of(response) == {"on": problem}, (step, response.text)
        assert response.json()["error"]["message"] == f"on: {problem}"
    assert events(db) == before


def test_a_dated_step_of_the_api_without_its_date_is_dated_today_as_on_the_command_line(site):
    """`POST .../refresher` with `{}` was refused ("on: required") while `g287 program refresher ID` recorded it
    today, as the README says the API does; the examinations, renewals and revocations alike. Every step's date is
    today unless given, in the service, for the command line and the API alike."""
    db, w, clients = site
    officer = clients["officer"]
    today = dt.date.today().isoformat()

    def step(nominee: str, name: str, body: dict) -> dict:
        response = officer.post(f"/api/v1/program/nominees/{w.nominees[nominee]}/{name}", json=body, headers={"X-CSRF-Token": token_of(officer)})
        assert response.status_code == 200, (name, response.text)
        return response.json()

    assert step("veteran", "refresher", {})["certification"]["last_refresher_on"] == today
    assert step("veteran", "renewal", {})["certification"]["renewed_on"] == today
    assert step("veteran", "revocation", {})["certification"]["revoked_on"] == today
    assert step("novice", "enrolment", {})["enrolment"]["enrolled_on"] == today
    assert [exam["taken_on"] for exam in step("novice", "exams", {"score": 90})["exams"]] == [today]


LETTER = {
    "chief_executive_name": "Pat Example",
    "chief_executive_title": "Sheriff",
    "contact_name": "Sam Sample",
    "contact_title": "Captain",
    "contact_email": "sam@agency.example",
    "justification": "The agency asks to take part.",
}


def test_a_letter_names_the_agency_name_it_refuses_agency_name(site):
    """A letter of interest clearing the agency's name was refused as "name: required": the letter's `name` fields
    are the chief executive's and the contact's, and the form showed the problem beside none of its fields."""
    db, w, clients = site
    agency = clients["agency-a"]
    before = events(db)
    sent = agency.post("/api/v1/program/applications", json={"agency_id": w.agency_a, "models": ["JEM"], **LETTER, "agency_name": " "}, headers={"X-CSRF-Token": token_of(agency)})
    assert sent.status_code == 422 and fields_of(sent) == {"agency_name": "required"}, sent.text
    form = agency.get(f"/program/applications/new?agency_id={w.agency_a}").text
    page = agency.post(
        "/program/applications",
        data={"csrf_token": csrf_of(form), "agency_id": str(w.agency_a), "models": "JEM", **LETTER, "agency_name": "", "agency_type": "county", "county": "Testville County"},
    )
    assert page.status_code == 422
    assert '<span class="field-error" id="f-agency_name-error">required</span>' in page.text and 'id="f-agency_name" name="agency_name"' in page.text
    assert events(db) == before
