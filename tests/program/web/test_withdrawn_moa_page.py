"""Withdrawing an MOA never signed on the application's page and through the API, as `g287 program withdraw` does:
by the program office (the agency's own withdrawal: test_agency_withdraws_its_request.py), its day and reason checked,
the page and the public view saying it is withdrawn."""

from __future__ import annotations

import datetime as dt
import re
import warnings

import pytest

from g287.access import Actor
from g287.program import accounts, applications
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, sign_in, token_of
from tests.program.world import OFFICER, TODAY, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()


@pytest.fixture
def site(db):
    """Agency A's letter (TODAY - 60 days) asking for TFM and WSO, neither drafted; a signed-in client for the
    program officer and for the agency's user."""
    with db.session() as session:
        w = build(session, "submitted")
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
    app = create_app(db)
    clients = {}
    for username in ("officer", "agency-a"):
        clients[username] = TestClient(app)
        assert sign_in(clients[username], username).status_code == 303
    yield db, w, clients
    for client in clients.values():
        client.close()


def statuses(db, application_id: int) -> dict[int, tuple]:
    with db.session() as session:
        return {m["id"]: (m["status"], m["withdrawn_on"]) for m in applications.application_detail(session, OFFICER, application_id)["moas"]}


def moa_section(page: str, moa_id: int) -> str:
    return re.search(rf'<section aria-labelledby="moa-{moa_id}-title".*?</section>', page, re.S).group()


def test_the_program_office_withdraws_an_moa_on_the_application_s_page(site):
    db, w, clients = site
    officer = clients["officer"]
    page = f"/program/applications/{w.application}"
    assert f'action="/program/moas/{w.wso}/withdraw"' in moa_section(officer.get(page).text, w.wso)
    early = (TODAY - dt.timedelta(days=61)).isoformat()
    response = officer.post(f"/program/moas/{w.wso}/withdraw", data={"withdrawn_on": early, "reason": "Asked by letter", "csrf_token": csrf_of(officer.get(page).text)}, follow_redirects=False)
    assert response.status_code == 422 and "is before the letter of interest that asked for this MOA" in response.text
    section = moa_section(response.text, w.wso)
    assert "<details class=\"action\" open>" in section and 'value="Asked by letter"' in section  # the form again, as sent
    assert statuses(db, w.application)[w.wso] == ("requested", None)
    response = officer.post(f"/program/moas/{w.wso}/withdraw", data={"withdrawn_on": "", "reason": "", "csrf_token": csrf_of(officer.get(page).text)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    shown = officer.get(response.headers["location"]).text
    assert "The MOA is recorded as withdrawn; it is no longer pending." in shown
    section = moa_section(shown, w.wso)
    assert f"<dt>Withdrawn</dt><dd>{dt.date.today().isoformat()}</dd>" in section and "/withdraw" not in section and "/draft" not in section
    assert statuses(db, w.application)[w.wso] == ("withdrawn", dt.date.today().isoformat())
    public = officer.get(f"/program/registry/applications/{w.application}").text
    assert re.search(r"<td>withdrawn</td>", public)


def test_the_api_withdraws_an_moa_never_signed(site):
    db, w, clients = site
    officer = clients["officer"]
    url = f"/api/v1/program/moas/{w.tfm}/withdrawal"
    for body, field in (({"withdrawn_on": "2999-01-01"}, "withdrawn_on"), ({"reason": "a\u202eb"}, "reason"), ({"withdrawn_on_day": "2025-06-01"}, "withdrawn_on_day")):
        response = officer.post(url, json=body, headers={"X-CSRF-Token": token_of(officer)})
        assert response.status_code == 422 and [f["field"] for f in response.json()["error"]["fields"]] == [field], response.text
    assert statuses(db, w.application)[w.tfm] == ("requested", None)
    day = (TODAY - dt.timedelta(days=5)).isoformat()
    response = officer.post(url, json={"withdrawn_on": day, "reason": "The agency asked for WSO only"}, headers={"X-CSRF-Token": token_of(officer)})
    answer = response.json()
    assert response.status_code == 200 and (answer["status"], answer["withdrawn_on"], answer["withdrawal_reason"]) == ("withdrawn", day, "The agency asked for WSO only"), response.text
    again = officer.post(url, json={}, headers={"X-CSRF-Token": token_of(officer)})
    assert again.status_code == 409 and "only a requested or drafted MOA can be withdrawn" in again.json()["error"]["message"]
    listed = officer.get("/api/v1/program/applications", params={"stage": "requested"}).json()
    assert [m["status"] for a in listed for m in a["moas"]] == ["withdrawn", "requested"]
