"""A refusal of the access rules says, in a sentence a person reads, what the caller may not do and why (their role,
or the agency their account acts for): it said "user:2 (agency_user) may not training.read". The API's 403 still
names the action refused, for programs, under `action`."""

from __future__ import annotations

import re

from g287.access import access_rules
from tests.program.web.conftest import token_of


def api_error(response) -> dict:
    assert response.status_code == 403, response.text
    return response.json()["error"]


def test_a_step_of_the_program_office_refused_to_an_agency_user_names_the_step_and_who_takes_it(program_world, clients):
    agency = clients["own_agency"]
    error = api_error(agency.post(f"/api/v1/program/nominees/{program_world.veteran}/background", json={"result": "passed", "completed_on": "2021-03-23"}, headers={"X-CSRF-Token": token_of(agency)}))
    assert error["message"] == "an agency user may not record a nominee's background investigation result: only program officers and administrators may"
    assert error["action"] == "nominee.record_background"
    page = agency.get("/program/audit")
    assert page.status_code == 403
    assert "an agency user may not read the audit log: only program officers and administrators may" in page.text


def test_another_agencys_roster_is_refused_naming_the_agency_the_account_acts_for(program_world, clients):
    error = api_error(clients["other_agency"].get(f"/api/v1/program/due?agency_id={program_world.agency_a}"))
    assert error["message"] == (
        f"an agency user may read who is authorized and what is due for the agency their account acts for only: this account acts for applicant agency {program_world.agency_b}"
    )
    assert error["action"] == "training.read"


def test_a_visitor_is_asked_to_sign_in_and_told_who_may(clients):
    error = api_error(clients["public"].get("/api/v1/program/audit"))
    assert error == {"status": 403, "message": "sign in to read the audit log: only program officers and administrators may", "fields": [], "reasons": [], "action": "audit.read"}


def test_a_change_of_identity_refused_to_the_agency_names_its_role(program_world, clients):
    agency = clients["own_agency"]
    sent = {"name": "Testville Renamed Sheriff's Office", "state": "FL", "agency_type": "county", "county": "Testville County", "address": None}
    error = api_error(agency.put(f"/api/v1/program/agencies/{program_world.agency_a}", json=sent, headers={"X-CSRF-Token": token_of(agency)}))
    assert error["message"] == "an agency user may not change its name or state: the program office makes that change (the address stays the agency's to keep)"
    assert error["action"] == "agency.update_identity"


def test_every_action_says_what_it_does_in_words():
    """Each action of the access rules has its words (the loader refuses one without): none is a bare action name."""
    from g287.access import action_text

    for action in access_rules():
        assert action_text(action) != action and not re.search(r"\w[._]\w", action_text(action)), action


def test_the_site_and_the_api_name_no_command_of_the_command_line(clients, program_world):
    """An account's agency that is no applicant agency was refused with "(see `g287 program agencies`)", and an
    account no one has with "(see `g287 user list`)", on the API and the administrator's page: a command their users
    may have no access to. The command line still says where to look."""
    from tests.in_process import run_g287
    from tests.program.web.conftest import csrf_of

    admin = clients["administrator"]
    account = {"username": "someone-new", "role": "agency_user", "agency_id": 99999, "password": "a long enough password"}
    response = admin.post("/api/v1/program/users", json=account, headers={"X-CSRF-Token": token_of(admin)})
    assert response.status_code == 422 and response.json()["error"]["fields"] == [{"field": "agency_id", "message": "no applicant agency with id 99999"}], response.text
    page = admin.post("/program/users", data={**account, "csrf_token": csrf_of(admin.get("/program/users").text)}, follow_redirects=False)
    assert page.status_code == 422 and "no applicant agency with id 99999" in page.text and "g287 " not in page.text.split("<main", 1)[1].split("</main>")[0]
    response = admin.post("/api/v1/program/users/nobody-has-this-name/disable", headers={"X-CSRF-Token": token_of(admin)})
    assert response.status_code == 404 and response.json()["error"]["message"] == "no account named 'nobody-has-this-name'", response.text
    status, _, err = run_g287(program_world.db.url, "user", "add", "someone-new", "--role", "agency_user", "--agency", "99999")
    assert status == 1 and "no applicant agency with id 99999 (see `g287 program agencies`)" in err, err
    status, _, err = run_g287(program_world.db.url, "user", "disable", "nobody-has-this-name")
    assert status == 1 and "no account named 'nobody-has-this-name' (see `g287 user list`)" in err, err
