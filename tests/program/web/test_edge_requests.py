"""Requests at the edges that once answered 500: days near the ends of the calendar, a NUL in a user name or an
audit filter (PostgreSQL refuses it even in a query), characters XML cannot hold in a letter."""

from __future__ import annotations

import json
import warnings

import pytest

from g287.access import Actor
from g287.program import accounts
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, token_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

RANGE = "a date from 1900-01-01 to 2199-12-31"


def api_problem(response) -> dict[str, str]:
    return {item["field"]: item["message"] for item in response.json()["error"]["fields"]}


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_days_at_the_ends_of_the_calendar_are_named_not_crashed(program_world, clients, day):
    officer, agency, public = clients["program_officer"], clients["own_agency"], clients["public"]
    for url, name in (
        (f"/api/v1/program/nominees/{program_world.veteran}/eligibility?as_of={day}", "as_of"),
        (f"/api/v1/program/authorized?as_of={day}", "as_of"),
        (f"/api/v1/program/summary?as_of={day}", "as_of"),
        (f"/api/v1/program/due?as_of={day}", "as_of"),
        (f"/api/v1/program/audit?since={day}", "since"),
        (f"/api/v1/program/audit?until={day}", "until"),
    ):
        response = officer.get(url)
        assert response.status_code == 422 and api_problem(response) == {name: RANGE}, (url, response.text)
    assert agency.get(f"/api/v1/program/due?as_of={day}").status_code == 422
    # A day outside the range is no day, for anyone (the API's parameters declare the range); who may not read
    # what is due is told so on a valid day (the service checks access first: tests/program/test_edge_inputs.py).
    assert public.get(f"/api/v1/program/due?as_of={day}").status_code == 422
    assert public.get("/api/v1/program/due?as_of=2199-12-31&within_days=3660").status_code == 403
    for page in (f"/program/training?as_of={day}", f"/program/audit?until={day}"):
        response = officer.get(page)
        assert response.status_code == 422 and RANGE in response.text, page


@pytest.mark.parametrize("name", ["actor", "action", "object_type", "object_id"])
def test_a_nul_in_an_audit_filter_is_named_not_crashed(clients, name):
    officer = clients["program_officer"]
    response = officer.get(f"/api/v1/program/audit?{name}=a%00b")
    assert response.status_code == 422 and api_problem(response) == {name: "contains characters that cannot be stored"}
    assert officer.get(f"/program/audit?{name}=a%00b").status_code == 422


@pytest.fixture
def site(db):
    """A registry of its own with one administrator: failed logins here lock out no other test."""
    with db.session() as session:
        accounts.add_user(session, Actor.command_line(), "admin", "administrator", password=PASSWORD)
    return create_app(db)


def test_a_nul_in_a_user_name_is_a_wrong_login(site):
    visitor = TestClient(site)
    page = visitor.get("/program/login")
    form = visitor.post("/program/login", data={"username": "admin\x00", "password": PASSWORD, "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert form.status_code == 401 and "wrong user name or password" in form.text
    api = visitor.post("/api/v1/program/session", json={"username": "a\u0000b", "password": PASSWORD}, headers={"X-CSRF-Token": token_of(visitor)})
    assert api.status_code == 401 and api.json()["error"]["message"] == "wrong user name or password"
    signed_in = visitor.post("/api/v1/program/session", json={"username": "admin", "password": PASSWORD}, headers={"X-CSRF-Token": token_of(visitor)})
    assert signed_in.status_code == 200
    disable = visitor.post("/api/v1/program/users/a%00b/disable", headers={"X-CSRF-Token": token_of(visitor)})
    assert disable.status_code == 404


def test_a_letter_with_characters_xml_cannot_hold_is_refused(program_world, clients):
    agency = clients["own_agency"]
    for odd in ("\ufffe", "\uffff"):
        body = {"agency_id": program_world.agency_a, "models": ["JEM"], "chief_executive_name": "Pat", "chief_executive_title": "Sheriff", "contact_name": "C", "contact_title": "T", "contact_email": "a@b.example", "justification": f"x{odd}y"}
        response = agency.post("/api/v1/program/applications", content=json.dumps(body).encode(), headers={"X-CSRF-Token": token_of(agency), "content-type": "application/json"})
        assert response.status_code == 422 and api_problem(response) == {"justification": "contains characters that cannot be stored"}
