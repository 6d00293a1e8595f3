"""The audit log's filters on the site and through the API refuse an actor or a record that does not exist, naming
the filter, as the command line does: an empty list would read as "nothing happened" (found by review of the web
interface: ?actor=nosuchuser, ?actor=user:999 and ?object_type=nominee&object_id=999 answered an empty list; then
?object_type=nosuchtype, free text, did too)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import g287
from g287.program.audit_log import OBJECT_TYPES

# To an officer, who does not see the events of accounts, a user no event it sees names (whether the account exists or
# not: tests/program/web/test_audit_account_events.py); the administrator is told "no user has this name".
NOT_SEEN_USER = "no event you may read names this user (an actor is a user name, user:ID, cli:NAME or system)"
# And of a user an object filter names: its events are its account's, an administrator's to read.
NOT_SEEN_USER_OBJECT = "no event you may read is about this user (the events about a user are its account's, which only administrators read)"
NO_TYPE = f"no such object type (one of: {', '.join(sorted(OBJECT_TYPES))})"


def fields_of(response) -> dict[str, str]:
    return {item["field"]: item["message"] for item in response.json()["error"]["fields"]}


@pytest.mark.parametrize(
    "query, problems",
    [
        ("actor=nosuchuser", {"actor": NOT_SEEN_USER}),
        ("actor=user:999", {"actor": NOT_SEEN_USER}),
        ("actor=user:abc", {"actor": "malformed actor: user:ID takes a user's id, a whole number (or give the user name)"}),
        ("object_type=nominee&object_id=999", {"object_id": "no such nominee"}),
        ("object_type=nominee&object_id=abc", {"object_id": "malformed object reference: the id of a nominee is a whole number (TYPE:ID, e.g. nominee:3)"}),
        ("actor=nosuchuser&object_type=application&object_id=999", {"actor": NOT_SEEN_USER, "object_id": "no such application"}),
        ("object_type=nosuchtype", {"object_type": NO_TYPE}),
        # The object filter's own hint, not the actor filter's syntax (a user who exists and one who does not alike).
        ("object_type=user&object_id=1", {"object_id": NOT_SEEN_USER_OBJECT}),
        ("object_type=user&object_id=999", {"object_id": NOT_SEEN_USER_OBJECT}),
        ("object_type=nosuchtype&object_id=3", {"object_type": NO_TYPE}),
        ("object_type=Nominee", {"object_type": NO_TYPE}),
    ],
)
def test_a_filter_on_what_does_not_exist_is_refused_naming_it(clients, query, problems):
    officer = clients["program_officer"]
    response = officer.get(f"/api/v1/program/audit?{query}")
    assert response.status_code == 422 and fields_of(response) == problems, response.text
    page = officer.get(f"/program/audit?{query}")
    assert page.status_code == 422
    text = html.unescape(page.text)
    for name, problem in problems.items():
        assert problem in text
        field = {"actor": "a-actor", "object_type": "a-type", "object_id": "a-id"}[name]
        assert f'id="{field}" name="{name}"' in page.text and 'aria-invalid="true"' in page.text.split(f'id="{field}"', 1)[1].split(">", 1)[0]
    assert "No event matches" not in page.text  # no empty list that reads as "nothing happened"
    assert 'value="nosuchuser"' in page.text or "nosuchuser" not in query  # the filters as given, to correct them


def test_filters_on_what_exists_still_answer(program_world, clients):
    officer = clients["program_officer"]
    for query in ("actor=officer", "actor=cli:nobody-yet", "actor=system", f"object_type=nominee&object_id={program_world.novice}", "object_type=alias&object_id=TX:anything", "object_type=page", "object_type=publication"):
        response = officer.get(f"/api/v1/program/audit?{query}")
        assert response.status_code == 200, (query, response.text)
        assert officer.get(f"/program/audit?{query}").status_code == 200
    assert officer.get(f"/api/v1/program/audit?object_type=nominee&object_id={program_world.novice}").json()  # its nomination at least


def test_who_may_not_read_the_log_learns_nothing_from_a_filter(clients):
    """Access is checked before the filters: an agency user is refused alike for a user that exists and one that
    does not (the answer tells nobody else which users and records exist)."""
    agency = clients["own_agency"]
    for query in ("actor=nosuchuser", "actor=officer", "object_type=nominee&object_id=999"):
        assert agency.get(f"/api/v1/program/audit?{query}").status_code == 403


def test_every_object_type_the_log_is_written_with_is_a_known_one():
    """The types a filter accepts are those the code writes events with (an unknown one is refused above)."""
    written = set()
    for path in Path(g287.__file__).parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'audit\.record\(\s*session,\s*[^,]+,\s*"[^"]+",\s*"([^"]+)"', source))
        written |= set(re.findall(r'object_type="([^"]+)"', source))
    assert len(written) >= 10 and written <= OBJECT_TYPES, written - OBJECT_TYPES


def test_a_filter_is_read_as_the_record_or_actor_it_names(program_world, clients):
    """A filter accepted as naming a record or an actor answers that record's or actor's events: " 1", "01" and
    "user:4 " were accepted (they name nominee 1 and user 4) and then compared as typed, an empty list that reads
    as "nothing happened". (Read by the administrator: the officer's only events are its sign-ins, events of an
    account, which the administrator alone reads.)"""
    officer = clients["administrator"]
    novice = program_world.novice
    user_id = officer.get("/api/v1/program/audit?actor=officer").json()[0]["actor"]
    for exact, variants in (
        (f"object_type=nominee&object_id={novice}", [f"object_type=nominee&object_id=%20{novice}", f"object_type=nominee&object_id=0{novice}", f"object_type=nominee&object_id={novice}%20"]),
        (f"actor={user_id}", [f"actor=%20{user_id}", f"actor={user_id}%20"]),
        ("actor=system", ["actor=%20system"]),
        ("action=training.", ["action=training.%20"]),
    ):
        expected = [event["id"] for event in officer.get(f"/api/v1/program/audit?{exact}").json()]
        for query in variants:
            response = officer.get(f"/api/v1/program/audit?{query}")
            assert response.status_code == 200 and [event["id"] for event in response.json()] == expected, (query, response.text)


def test_a_user_s_id_in_the_actor_filter_is_read_as_the_object_id_is(clients):
    """?actor=user:04 and ?actor=user:%204 were accepted as naming user 4 (who exists), then compared as typed: no
    event matched, an empty list that reads as "user 4 did nothing". Its id is read as a record's id is. (Read by the
    administrator: the officer's only events are its sign-ins, which the administrator alone reads.)"""
    officer = clients["administrator"]
    label = officer.get("/api/v1/program/audit?actor=officer").json()[0]["actor"]
    number = label.removeprefix("user:")
    expected = [event["id"] for event in officer.get(f"/api/v1/program/audit?actor={label}").json()]
    assert expected
    for query in (f"actor=user:0{number}", f"actor=user:%20{number}", f"actor=user:00{number}%20"):
        response = officer.get(f"/api/v1/program/audit?{query}")
        assert response.status_code == 200 and [event["id"] for event in response.json()] == expected, (query, response.text)
        page = officer.get(f"/program/audit?{query}")
        assert page.status_code == 200 and "No event matches" not in page.text, query


@pytest.mark.parametrize("name", ["actor", "action", "object_type", "object_id"])
def test_an_empty_filter_is_refused_by_the_api_and_absent_on_the_page(clients, name):
    """GET /api/v1/program/audit?actor= answered every event, as if all had matched, where the command line refuses
    an empty --actor (found by review). The API refuses an empty filter, or one of spaces, naming it; the page's form
    sends its fields left empty, which are absent there (a filter of spaces is refused beside its field)."""
    officer = clients["program_officer"]
    for value in ("", "%20%20"):
        response = officer.get(f"/api/v1/program/audit?{name}={value}")
        assert response.status_code == 422 and fields_of(response) == {name: "empty: give a value, or leave the filter out"}, response.text
    assert officer.get("/api/v1/program/audit").json()  # there are events, which the page's empty fields all show
    page = officer.get(f"/program/audit?{name}=")
    assert page.status_code == 200 and "No event matches" not in page.text
    page = officer.get(f"/program/audit?{name}=%20%20")
    assert page.status_code == 422 and "empty: give a value, or leave the filter out" in html.unescape(page.text)


def test_the_command_line_s_object_filter_on_a_user_says_no_such_user(program_world):
    """The command line acts as the administrator, who reads the events of accounts: a user no record has is "no
    such user", beside --object; one who exists answers their account's events."""
    import json

    from tests.in_process import run_g287

    status, out, err = run_g287(program_world.db.url, "audit", "--object", "user:999")
    assert status == 1 and "no such user" in err and "--object" in err and "an actor is" not in err, (out, err)
    status, out, err = run_g287(program_world.db.url, "audit", "--object", "user:1", "--json")
    assert status == 0 and json.loads(out) and {event["object_type"] for event in json.loads(out)} == {"user"}, err
