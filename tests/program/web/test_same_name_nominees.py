"""A name already on the MOA, through the JSON API and the forms: a nomination or a rename is 409 with the message
naming the other nominee, `namesake_of` confirms a different person (the form offers it only after the refusal),
and a user of another agency is answered as for an MOA that does not exist."""

from __future__ import annotations

import datetime as dt
import re
import warnings

import pytest
from sqlalchemy import func, select

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.db.models.program import Nominee
from g287.program import accounts, nominees
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, sign_in, token_of
from tests.program.world import TODAY, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()
BODY = {"us_citizen": True, "enforced_jurisdiction_laws": True, "service_periods": [{"start": "2010-01-01"}]}


@pytest.fixture
def site(db):
    """Agency A's TFM MOA with Nova Novice and Vera Veteran; a client signed in for each agency and the office."""
    with db.session() as session:
        w = build(session, "certified")
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
        accounts.add_user(session, ADMIN, "agency-b", "agency_user", agency_id=w.agency_b, password=PASSWORD)
    app = create_app(db)
    clients = {}
    for username in ("officer", "agency-a", "agency-b"):
        clients[username] = TestClient(app)
        assert sign_in(clients[username], username).status_code == 303
    yield db, w, clients
    for client in clients.values():
        client.close()


def nominee_count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Nominee))


def last_event(db, action: str) -> AuditEvent:
    with db.session() as session:
        return session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())).first()


def novice_text(w) -> str:
    novice = w.nominees["novice"]
    return f"MOA {w.tfm} already has a nominee of this name: nominee {novice} (nominated on {(TODAY - dt.timedelta(days=28)).isoformat()}, still on the MOA)"


def test_the_api_refuses_the_same_name_with_409_and_accepts_a_confirmed_namesake(site):
    db, w, clients = site
    agency = clients["agency-a"]
    before = nominee_count(db)
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={**BODY, "full_name": "nova NOVICE"}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["message"].startswith(novice_text(w)) and error["message"].endswith(f"confirm that they are a namesake of nominee {w.nominees['novice']}")
    assert nominee_count(db) == before
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={**BODY, "full_name": "nova NOVICE", "namesake_of": [999999]}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 422 and [f["field"] for f in response.json()["error"]["fields"]] == ["namesake_of"], response.text
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={**BODY, "full_name": "nova NOVICE", "namesake_of": [True]}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 422 and nominee_count(db) == before, response.text
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={**BODY, "full_name": "nova NOVICE", "namesake_of": [w.nominees["novice"]]}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 201, response.text
    event = last_event(db, "nominee.create")
    assert event.object_id == str(response.json()["id"]) and event.after["namesake_of"] == [w.nominees["novice"]]


def test_the_api_refuses_a_rename_into_the_same_name(site):
    db, w, clients = site
    officer = clients["officer"]
    url = f"/api/v1/program/nominees/{w.nominees['novice']}"
    response = officer.patch(url, json={"full_name": "Vera  Veteran"}, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 409 and f"nominee {w.nominees['veteran']} (" in response.json()["error"]["message"], response.text
    response = officer.patch(url, json={"us_citizen": False, "namesake_of": [w.nominees["veteran"]]}, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "namesake_of", response.text
    response = officer.patch(url, json={"full_name": "Vera  Veteran", "namesake_of": [w.nominees["veteran"]]}, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 200 and response.json()["full_name"] == "Vera Veteran", response.text
    assert last_event(db, "nominee.update").after["namesake_of"] == [w.nominees["veteran"]]


def test_another_agency_is_answered_as_for_an_moa_that_does_not_exist(site):
    db, w, clients = site
    other = clients["agency-b"]
    answers = []
    for moa in (w.tfm, 999999):
        response = other.post(f"/api/v1/program/moas/{moa}/nominees", json={**BODY, "full_name": "Nova Novice", "namesake_of": [w.nominees["novice"]]}, headers={"X-CSRF-Token": token_of(other)})
        assert response.status_code == 404, response.text
        answers.append(response.text.replace(str(moa), "ID"))
    assert answers[0] == answers[1] and "nominated on" not in answers[0]
    page = other.post(f"/program/moas/{w.tfm}/nominees", data={"full_name": "Nova Novice", "csrf_token": csrf_of(other.get("/program").text)}, follow_redirects=False)
    assert page.status_code == 404 and "Nova" not in page.text and "namesake" not in page.text


NAMESAKE_BOX = re.compile(r'<input type="checkbox" name="namesake_of" value="(\d+)"')


def test_the_nomination_form_offers_the_namesake_confirmation_only_after_the_refusal(site):
    db, w, clients = site
    agency = clients["agency-a"]
    page = f"/program/applications/{w.application}"
    shown = agency.get(page).text
    assert NAMESAKE_BOX.findall(shown) == []
    form = {"full_name": "Nova Novice", "us_citizen": "yes", "enforced_jurisdiction_laws": "yes", "period_start": "2010-01-01", "csrf_token": csrf_of(shown)}
    refused = agency.post(f"/program/moas/{w.tfm}/nominees", data=form, follow_redirects=False)
    assert refused.status_code == 409 and novice_text(w) in refused.text.replace("&#39;", "'")
    assert NAMESAKE_BOX.findall(refused.text) == [str(w.nominees["novice"])] and 'value="Nova Novice"' in refused.text
    before = nominee_count(db)
    confirmed = agency.post(f"/program/moas/{w.tfm}/nominees", data={**form, "namesake_of": str(w.nominees["novice"])}, follow_redirects=False)
    assert confirmed.status_code == 303, confirmed.text
    assert nominee_count(db) == before + 1 and last_event(db, "nominee.create").after["namesake_of"] == [w.nominees["novice"]]


def test_the_facts_form_offers_the_namesake_confirmation_after_a_refused_rename(site):
    db, w, clients = site
    agency = clients["agency-a"]
    with db.session() as session:
        fresh = nominees.nominate(session, w.user_a, w.tfm, full_name="Fran Fresh", today=TODAY).id
    page = f"/program/nominees/{fresh}"
    shown = agency.get(page).text
    assert NAMESAKE_BOX.findall(shown) == []
    form = {"full_name": "Nova Novice", "us_citizen": "", "enforced_jurisdiction_laws": "", "csrf_token": csrf_of(shown)}
    refused = agency.post(page, data=form, follow_redirects=False)
    assert refused.status_code == 409 and NAMESAKE_BOX.findall(refused.text) == [str(w.nominees["novice"])]
    confirmed = agency.post(page, data={**form, "namesake_of": str(w.nominees["novice"])}, follow_redirects=False)
    assert confirmed.status_code == 303, confirmed.text
    event = last_event(db, "nominee.update")
    assert event.object_id == str(fresh) and event.after["full_name"] == "Nova Novice" and event.after["namesake_of"] == [w.nominees["novice"]]


def test_with_two_namesakes_the_form_keeps_what_was_ticked_and_the_api_lists_them(site):
    """With two nominees of the name, ticking one showed only the other, and ticking that one only the first: the
    form went back and forth. The API's 409 named them only inside its message."""
    db, w, clients = site
    agency = clients["agency-a"]
    novice = w.nominees["novice"]
    with db.session() as session:
        second = nominees.nominate(session, w.user_a, w.tfm, full_name="NOVA novice", namesake_of=[novice], today=TODAY).id
    shown = agency.get(f"/program/applications/{w.application}").text
    form = {"full_name": "Nova Novice", "us_citizen": "yes", "enforced_jurisdiction_laws": "yes", "period_start": "2010-01-01", "csrf_token": csrf_of(shown)}
    refused = agency.post(f"/program/moas/{w.tfm}/nominees", data={**form, "namesake_of": str(novice)}, follow_redirects=False)
    assert refused.status_code == 409
    boxes = re.findall(r'<input type="checkbox" name="namesake_of" value="(\d+)"[^>]*?( checked)?>', refused.text)
    assert boxes == [(str(novice), " checked"), (str(second), "")]
    assert f"namesake of nominee {second}" in refused.text and "namesake of nominees" not in refused.text
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={**BODY, "full_name": "Nova Novice", "namesake_of": [second]}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 409
    assert [(n["id"], n["confirmed"], n["left_on"]) for n in response.json()["error"]["namesakes"]] == [(novice, False, None), (second, True, None)]
    both = agency.post(f"/program/moas/{w.tfm}/nominees", data={**form, "namesake_of": [str(novice), str(second)]}, follow_redirects=False)
    assert both.status_code == 303, both.text
