"""An agency that asked for an MOA and changed its mind withdraws its own request, never signed, on the application's
page or through the API (the access rules: `moa.withdraw`, own agency): the audit event names its user, and the reason
shows on the page to the agency and the program office, never on the public one. Another agency's MOA is no such
MOA to it (404, as every record it may not see), and a signed MOA is not withdrawn (409: it is terminated)."""

from __future__ import annotations

import datetime as dt
import re
import warnings

import pytest
from sqlalchemy import select

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.db.models.program import ProgramMoa, User
from g287.program import accounts, applications
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, sign_in, token_of
from tests.program.world import TODAY, build, letter

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()
REASON = "The agency decided not to take part in the Warrant Service Officer model."


@pytest.fixture
def site(db):
    """Agency A: TFM signed, WSO requested (letter of TODAY - 60 days); agency B: a JEM request of its own. A signed-in
    client for each agency's user and for the program officer."""
    with db.session() as session:
        w = build(session, "signed")
        other = applications.submit_letter(session, w.user_b, w.agency_b, letter(models=["JEM"]), today=TODAY - dt.timedelta(days=10))
        (jem,) = applications.moas_of(session, other.id)
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
        accounts.add_user(session, ADMIN, "agency-b", "agency_user", agency_id=w.agency_b, password=PASSWORD)
        ids = {"other_application": other.id, "jem": jem.id}
    app = create_app(db)
    clients = {}
    for username in ("officer", "agency-a", "agency-b"):
        clients[username] = TestClient(app)
        assert sign_in(clients[username], username).status_code == 303
    yield db, w, ids, clients
    for client in clients.values():
        client.close()


def status_of(db, moa_id: int) -> tuple:
    with db.session() as session:
        moa = session.get(ProgramMoa, moa_id)
        return moa.status, moa.withdrawn_on, moa.withdrawal_reason


def moa_section(page: str, moa_id: int) -> str:
    return re.search(rf'<section aria-labelledby="moa-{moa_id}-title".*?</section>', page, re.S).group()


def test_the_agency_withdraws_its_own_request_on_its_page_and_the_audit_log_names_its_user(site):
    db, w, _ids, clients = site
    agency, officer = clients["agency-a"], clients["officer"]
    page = f"/program/applications/{w.application}"
    shown = agency.get(page).text
    assert f'action="/program/moas/{w.wso}/withdraw"' in moa_section(shown, w.wso)  # the request never signed: offered
    assert "/withdraw" not in moa_section(shown, w.tfm)  # the signed MOA: not
    response = agency.post(f"/program/moas/{w.wso}/withdraw", data={"withdrawn_on": "", "reason": REASON, "csrf_token": csrf_of(shown)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert status_of(db, w.wso) == ("withdrawn", dt.date.today(), REASON)
    with db.session() as session:
        user_id = session.scalars(select(User.id).where(User.username == "agency-a")).one()
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "moa.withdraw")).all()
        assert (event.actor, event.object_id, event.after["reason"]) == (f"user:{user_id}", str(w.wso), REASON)
    for client in (agency, officer):  # the reason, beside the day, for the agency and the program office
        section = moa_section(client.get(page).text, w.wso)
        assert f"<dt>Reason for the withdrawal</dt><dd>{REASON}</dd>" in section and "/withdraw" not in section
    public = officer.get(f"/program/registry/applications/{w.application}")
    assert public.status_code == 200 and "<td>withdrawn</td>" in public.text and REASON not in public.text
    assert REASON not in officer.get(f"/api/v1/program/public/applications/{w.application}").text


def test_the_agency_withdraws_its_own_request_through_the_api(site):
    db, w, _ids, clients = site
    agency = clients["agency-a"]
    reason = "Asked <by letter> & phone"
    response = agency.post(f"/api/v1/program/moas/{w.wso}/withdrawal", json={"reason": reason}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 200 and (response.json()["status"], response.json()["withdrawal_reason"]) == ("withdrawn", reason), response.text
    assert status_of(db, w.wso)[0] == "withdrawn"
    section = moa_section(agency.get(f"/program/applications/{w.application}").text, w.wso)
    assert "<dd>Asked &lt;by letter&gt; &amp; phone</dd>" in section  # escaped as everything shown


def test_another_agency_s_request_is_no_such_moa_to_the_agency(site):
    db, w, ids, clients = site
    agency = clients["agency-a"]
    other = clients["agency-b"]
    assert "/withdraw" in moa_section(other.get(f"/program/applications/{ids['other_application']}").text, ids["jem"])  # its own agency's
    form = agency.post(f"/program/moas/{ids['jem']}/withdraw", data={"reason": REASON, "csrf_token": csrf_of(agency.get(f"/program/applications/{w.application}").text)}, follow_redirects=False)
    assert form.status_code == 404 and f"no MOA with id {ids['jem']}" in form.text
    api = agency.post(f"/api/v1/program/moas/{ids['jem']}/withdrawal", json={"reason": REASON}, headers={"X-CSRF-Token": token_of(agency)})
    assert api.status_code == 404 and api.json()["error"]["message"] == f"no MOA with id {ids['jem']}", api.text
    assert status_of(db, ids["jem"]) == ("requested", None, None)
    with db.session() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "moa.withdraw")).all() == []


def test_a_signed_moa_is_not_withdrawn_by_the_agency(site):
    db, w, _ids, clients = site
    agency = clients["agency-a"]
    page = f"/program/applications/{w.application}"
    form = agency.post(f"/program/moas/{w.tfm}/withdraw", data={"reason": REASON, "csrf_token": csrf_of(agency.get(page).text)}, follow_redirects=False)
    message = f"MOA {w.tfm} is signed: only a requested or drafted MOA can be withdrawn (a signed MOA is terminated)"
    assert form.status_code == 409 and message in form.text
    api = agency.post(f"/api/v1/program/moas/{w.tfm}/withdrawal", json={}, headers={"X-CSRF-Token": token_of(agency)})
    assert api.status_code == 409 and api.json()["error"]["message"] == message, api.text
    assert status_of(db, w.tfm) == ("signed", None, None)


def test_the_agency_withdraws_its_request_today_and_only_the_program_office_records_an_earlier_day(site):
    """A withdrawal's day is the day the registry's pending list stops counting the MOA, in its figures of past days
    too (the access rules: moa.withdraw_dated, the program office's): the agency's page offers no day, and a day
    before today sent by the agency's user, by the form or the API, is refused (422, naming the field), nothing
    changed; without a day the withdrawal is dated today. The program office's form keeps the day, and records one
    before today."""
    db, w, ids, clients = site
    agency, officer = clients["agency-a"], clients["officer"]
    today = dt.date.today()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    page = f"/program/applications/{w.application}"
    shown = agency.get(page).text
    assert 'name="withdrawn_on"' not in moa_section(shown, w.wso) and "dated today" in moa_section(shown, w.wso)
    message = f"an agency user may not record an MOA's withdrawal on a day before today: only program officers and administrators may (without a day, it is withdrawn today, {today.isoformat()})"
    form = agency.post(f"/program/moas/{w.wso}/withdraw", data={"withdrawn_on": yesterday, "reason": REASON, "csrf_token": csrf_of(shown)}, follow_redirects=False)
    assert form.status_code == 422 and message.replace("'", "&#39;") in form.text, form.text
    api = agency.post(f"/api/v1/program/moas/{w.wso}/withdrawal", json={"withdrawn_on": yesterday, "reason": REASON}, headers={"X-CSRF-Token": token_of(agency)})
    assert api.status_code == 422 and [(f["field"], f["message"]) for f in api.json()["error"]["fields"]] == [("withdrawn_on", message)], api.text
    assert status_of(db, w.wso) == ("requested", None, None)
    with db.session() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "moa.withdraw")).all() == []
    dated_today = agency.post(f"/api/v1/program/moas/{w.wso}/withdrawal", json={"reason": REASON}, headers={"X-CSRF-Token": token_of(agency)})
    assert dated_today.status_code == 200 and dated_today.json()["withdrawn_on"] == today.isoformat(), dated_today.text
    assert status_of(db, w.wso) == ("withdrawn", today, REASON)
    other = f"/program/applications/{ids['other_application']}"
    shown = officer.get(other).text
    assert 'name="withdrawn_on"' in moa_section(shown, ids["jem"])
    response = officer.post(f"/program/moas/{ids['jem']}/withdraw", data={"withdrawn_on": yesterday, "csrf_token": csrf_of(shown)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert status_of(db, ids["jem"]) == ("withdrawn", today - dt.timedelta(days=1), None)
