"""The audit log's events of accounts (account.add, .login, .logout, .disable, .change_password) are an
administrator's to read, as accounts are theirs to manage: a program officer listed every account, its user name,
role and agency, with `/program/audit?action=account.add` (and the API's), and saw when each one signed in. To an
officer they are not in the log, on the page and through the API alike; the command line, which acts as the
administrator, lists them."""

from __future__ import annotations

import json

import pytest

from tests.in_process import run_g287

ACCOUNT_FILTERS = ("action=account.add", "action=account.", "action=account.login", "object_type=user")


def actions(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [event["action"] for event in response.json()]


def test_an_officer_reads_the_log_without_the_events_of_accounts(clients):
    listed = actions(clients["program_officer"].get("/api/v1/program/audit?limit=10000"))
    assert "moa.record_signed" in listed and "nominee.create" in listed  # the rest of the log is the office's
    assert not [action for action in listed if action.startswith("account.")]
    page = clients["program_officer"].get("/program/audit?limit=10000")
    assert page.status_code == 200 and "moa.record_signed" in page.text
    assert "account." not in page.text and "agency-b" not in page.text  # no event of an account, nor its user name


def test_the_administrator_reads_them(clients):
    listed = actions(clients["administrator"].get("/api/v1/program/audit?limit=10000"))
    assert {"account.add", "account.login", "moa.record_signed"} <= set(listed)
    page = clients["administrator"].get("/program/audit?action=account.add")
    assert page.status_code == 200 and page.text.count("account.add") >= 4 and "agency-b" in page.text


@pytest.mark.parametrize("query", ACCOUNT_FILTERS)
def test_an_officer_s_filter_on_them_answers_no_event_not_a_refusal(clients, query):
    """An empty list, as for any action nobody took: a refusal would say that they exist."""
    assert actions(clients["program_officer"].get(f"/api/v1/program/audit?{query}")) == []
    page = clients["program_officer"].get(f"/program/audit?{query}")
    assert page.status_code == 200 and "No event matches." in page.text
    assert actions(clients["administrator"].get(f"/api/v1/program/audit?{query}"))


def test_the_command_line_lists_them_as_the_administrator(program_world):
    status, out, err = run_g287(program_world.db.url, "audit", "--action", "account.add", "--json")
    assert status == 0, err
    added = [event["after"]["username"] for event in json.loads(out)]
    assert {"agency-a", "agency-b", "officer", "admin"} <= set(added)


def test_an_officer_cannot_tell_an_account_that_did_nothing_from_no_account(clients, program_world):
    """A filter on an actor or a user no event the officer sees names is refused alike whether the account exists or
    not: `actor=NAME` was refused for a name nobody has and answered [] for an account that only signed in, so an
    officer could test, name after name, which accounts exist. The administrator's answer still tells them apart."""
    from g287.program import accounts
    from tests.program.web.conftest import ADMIN

    with program_world.db.session() as session:
        quiet = accounts.add_user(session, ADMIN, "quiet-officer", "program_officer", password="a long test password 287").user
    officer, admin = clients["program_officer"], clients["administrator"]

    def answer(client, query):
        response = client.get(f"/api/v1/program/audit?{query}")
        return response.status_code, response.json() if response.status_code == 200 else response.json()["error"]["fields"]

    for existing, absent in (
        ("actor=quiet-officer", "actor=nobody-has-this-name"),
        (f"actor=user:{quiet.id}", "actor=user:2000000000"),
        (f"object_type=user&object_id={quiet.id}", "object_type=user&object_id=2000000000"),
    ):
        assert answer(officer, existing)[0] == 422
        assert answer(officer, existing) == answer(officer, absent)
        assert answer(admin, existing)[0] == 200 and answer(admin, absent)[0] == 422
    # An actor of an event the officer sees is still filtered on.
    seen = answer(officer, "limit=1")[1][0]["actor"]
    assert answer(officer, f"actor={seen}")[0] == 200
