"""Record ids cannot be counted: every route of the workflow that names a record (in its path, or an agency in
its body or form) answers a caller who may not see the record exactly as it answers for a record that does not
exist — the same status, headers that matter and body, the id aside. Checked for a user of another agency and
for a visitor who is not signed in, against every such route read from the application itself (pages and API,
reading and changing), so a route added later is covered without editing this test.

Callers who see a record but may not act on it are still refused (403): only visibility becomes "not found"."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from g287.web.program.core import PublicRoute
from tests.program.web.conftest import client_for, token_of
from tests.program.web.test_privacy_routes import TOKENS, example_body, routes

MISSING = 2000000001  # an id no record has (ids run from 1 to 2**31 - 1)
MISSING_USER = "no-such-account"
RECORD_PARAMETERS = ("nominee_id", "application_id", "moa_id", "agency_id", "username")
# Routes on one's own session or account name no record; the public routes show the public view of a record,
# which everyone may see (the registry's own lists name every application and MOA).
NOT_RECORD_ROUTES = ("/session", "/password", "/login", "/logout")


def record_values(world) -> dict[str, object]:
    """Agency A's records (the callers below are of agency B, or not signed in)."""
    return {"nominee_id": world.veteran, "application_id": world.application, "moa_id": world.tfm, "agency_id": world.agency_a, "username": "agency-a"}


def missing_values() -> dict[str, object]:
    return {"nominee_id": MISSING, "application_id": MISSING, "moa_id": MISSING, "agency_id": MISSING, "username": MISSING_USER}


def fill(path: str, values: dict) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else "pdf", path)


def filters_of(found) -> list[str]:
    """The query parameters of a reading route that name a record (`?agency_id=`, `?moa_id=`)."""
    return [p.name for p in found.route.dependant.query_params if p.name in ("agency_id", "moa_id")] if "GET" in found.methods else []


def names_a_record(world, found) -> bool:
    if not found.path.startswith(("/program", "/api/v1/program")):
        return False  # the registry's own pages: public records
    if isinstance(found.route, PublicRoute) or any(part in found.path for part in NOT_RECORD_ROUTES):
        return False
    if any("{" + name in found.path for name in RECORD_PARAMETERS) or filters_of(found):
        return True
    # A change whose body (API) or form (pages) names an applicant agency: a letter of interest, an account.
    if found.path.startswith("/api/"):
        return any(example_body(world, found, method) and "agency_id" in example_body(world, found, method) for method in found.methods & {"POST", "PUT", "PATCH"})
    return found.path in ("/program/applications", "/program/users") and "POST" in found.methods


def send(client, world, found, method: str, values: dict, token: str):
    """The request, a change sent with the CSRF token of the client's session (or seed cookie)."""
    path = fill(found.path, values)
    if method == "GET":
        return client.get(path, params={name: values[name] for name in filters_of(found)}, follow_redirects=False)
    if path.startswith("/api/"):
        body = example_body(world, found, method)
        if isinstance(body, dict) and "agency_id" in body:
            body["agency_id"] = values["agency_id"]
        return client.request(method, path, json=body, headers={"X-CSRF-Token": token}, follow_redirects=False)
    return client.request(method, path, data={"csrf_token": token, "agency_id": str(values["agency_id"])}, follow_redirects=False)


def seen(response, values: dict) -> tuple:
    """What a caller learns from a response, with the ids it was asked about (the record's or the missing one)
    written ID, and the random CSRF tokens left out."""
    text = TOKENS.sub("TOKEN", response.content.decode("utf-8", "replace"))
    location = unquote(response.headers.get("location", ""))
    for value in values.values():
        pattern = re.compile(rf"(?<![\w-]){re.escape(str(value))}(?![\w-])")
        text, location = pattern.sub("ID", text), pattern.sub("ID", location)
    return response.status_code, response.headers.get("content-type"), location, text


@pytest.mark.parametrize("role", ["other_agency", "public"])
def test_a_record_the_caller_may_not_see_answers_as_one_that_does_not_exist(program_world, role):
    record, missing = record_values(program_world), missing_values()
    both = {**{f"r_{k}": v for k, v in record.items()}, **{f"m_{k}": v for k, v in missing.items()}}
    client = client_for(program_world, role)
    # A CSRF token is valid as long as the session (or the seed cookie) it is bound to: asked for once (before each
    # change, it doubled the requests), with the cookies it was made for, which must be the same at the end.
    token, cookies = token_of(client), dict(client.cookies)
    checked, statuses = [], set()
    for found in routes(program_world.app, {"GET", "POST", "PUT", "PATCH", "DELETE"}):
        if not names_a_record(program_world, found):
            continue
        for method in sorted(found.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            for_record = seen(send(client, program_world, found, method, record, token), both)
            for_missing = seen(send(client, program_world, found, method, missing, token), both)
            where = f"{method} {found.path} as {role}"
            assert for_record == for_missing, f"{where}: {for_record[:3]} {for_record[3][:400]!r}\nbut for no record: {for_missing[:3]} {for_missing[3][:400]!r}"
            assert for_record[0] < 500, where
            statuses.add(for_record[0])
            checked.append(where)
    # A cookie changed would have made the token stale: every change after it refused for that, alike for the record
    # and for no record, which would hide what this test compares.
    assert dict(client.cookies) == cookies
    client.close()
    # Every kind of record is covered, reading and changing, on pages and in the API.
    assert len(checked) >= 40, checked
    for part in ("/program/nominees/{", "/api/v1/program/nominees/{", "/program/applications/{", "/api/v1/program/applications/{", "/moas/{", "/agencies/{", "/users/{"):
        assert any(part in where for where in checked), part
    for where in ("POST /api/v1/program/applications ", "GET /api/v1/program/authorized ", "GET /program/training ", "GET /api/v1/program/nominees "):
        assert any(checked_one.startswith(where) for checked_one in checked), where
    # An agency user is told "not found" for another agency's records; a visitor is refused (403), or on a page
    # asked to sign in (303), before any record is read.
    assert (404 in statuses) == (role == "other_agency") and 403 in statuses


def test_the_message_names_the_id_asked_for_and_nothing_else(program_world, clients):
    other = clients["other_agency"]
    for path, message in (
        (f"/api/v1/program/nominees/{program_world.veteran}", f"no nominee with id {program_world.veteran}"),
        (f"/api/v1/program/applications/{program_world.application}", f"no application with id {program_world.application}"),
        (f"/api/v1/program/agencies/{program_world.agency_a}", f"no applicant agency with id {program_world.agency_a}"),
        (f"/api/v1/program/moas/{program_world.tfm}/draft.pdf", f"no MOA with id {program_world.tfm}"),
    ):
        response = other.get(path)
        assert response.status_code == 404 and response.json() == {"error": {"status": 404, "message": message, "fields": [], "reasons": []}}, path


def test_who_sees_a_record_but_may_not_act_on_it_is_still_refused(program_world, clients):
    """An agency user sees their own nominee, MOA and agency, but the program office's steps stay 403."""
    own = clients["own_agency"]
    headers = {"X-CSRF-Token": token_of(own)}
    for method, path, body in (
        ("POST", f"/api/v1/program/nominees/{program_world.novice}/background", {"result": "failed", "completed_on": "2021-03-22"}),
        ("POST", f"/api/v1/program/nominees/{program_world.novice}/enrolment", {"on": "2021-04-01"}),
        ("POST", f"/api/v1/program/moas/{program_world.wso}/draft", None),
        ("PUT", f"/api/v1/program/agencies/{program_world.agency_a}/link", {"registry_agency_id": None}),
    ):
        response = own.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (path, response.text)
    page = own.get(f"/program/nominees/{program_world.novice}")
    assert page.status_code == 200
