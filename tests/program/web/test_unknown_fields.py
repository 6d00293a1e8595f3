"""A field a request of the program API does not take is refused (422 naming each one), never ignored. Found by
review: PATCH /nominees/{id} with {"background_result": "failed", "agency_id": 3, "moa_id": 5} answered 200 and
changed nothing, which a client reads as done."""

from __future__ import annotations

import json
import warnings
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from g287 import days
from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.program import accounts
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, sign_in, token_of
from tests.program.world import SIGNED_PDF, TODAY, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

UNKNOWN = "this request does not take this field"


def build_site(db) -> SimpleNamespace:
    """A world (agency A's TFM MOA signed, WSO asked for; a novice and a certified veteran), with an agency user of A
    and an administrator signed in."""
    with db.session() as session:
        w = build(session, "certified")
        accounts.add_user(session, Actor.command_line(), "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
        accounts.add_user(session, Actor.command_line(), "admin", "administrator", password=PASSWORD)
    app = create_app(db)
    clients = {}
    for username in ("agency-a", "admin"):
        clients[username] = TestClient(app)
        assert sign_in(clients[username], username).status_code == 303
    return SimpleNamespace(db=db, world=w, agency=clients["agency-a"], admin=clients["admin"])


@pytest.fixture
def site(db):
    """A world of its own, for a test whose requests are meant to change it."""
    return build_site(db)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def refusing_site(request, tmp_path_factory):
    """One world per database kind, shared by the tests whose every request is meant to be refused (building the
    world and the application took about a second a test). Each checks that the records and the audit log are as
    they were after its requests, so a request wrongly accepted fails the test that sent it."""
    from tests.conftest import make_database

    database, close = make_database(request.param, tmp_path_factory.mktemp("unknown-fields"))
    built = build_site(database)
    yield built
    built.agency.close()
    built.admin.close()
    close()


# NOTE: the loops below send their session's CSRF token, asked for once: it is the session's until the session ends
# (asking for it before each request doubled the requests). It is valid, so a 422 is the body's refusal, whichever
# of the two the application checks first.


def fields_of(response) -> dict[str, str]:
    return {item["field"]: item["message"] for item in response.json()["error"]["fields"]}


def events(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_patch_with_fields_it_does_not_take_is_refused_naming_each(refusing_site):
    agency = refusing_site.agency
    url = f"/api/v1/program/nominees/{refusing_site.world.nominees['novice']}"
    before, count = agency.get(url).json(), events(refusing_site.db)
    response = agency.patch(url, json={"background_result": "failed", "agency_id": 3, "moa_id": 5, "us_citizen": False}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 422, response.text
    assert fields_of(response) == {"background_result": UNKNOWN, "agency_id": UNKNOWN, "moa_id": UNKNOWN}
    assert agency.get(url).json() == before and events(refusing_site.db) == count  # not even the field it does take
    nested = agency.patch(url, json={"service_periods": [{"start": "2010-01-01", "rank": "sergeant"}]}, headers={"X-CSRF-Token": token_of(agency)})
    assert nested.status_code == 422 and fields_of(nested) == {"service_periods.0.rank": UNKNOWN}


def test_every_json_body_of_the_program_api_refuses_a_field_it_does_not_take(refusing_site):
    """Each JSON body the OpenAPI document declares says additionalProperties: false, and the API holds to it."""
    officer, w = refusing_site.admin, refusing_site.world
    document = officer.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    bodies = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if path.startswith("/api/v1/program") and "application/json" in content:
                bodies[(method, path)] = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert len(bodies) >= 12, bodies  # the walk found the bodies
    assert {name: schemas[name].get("additionalProperties") for name in bodies.values()} == {name: False for name in bodies.values()}
    ids = {"nominee_id": w.nominees["veteran"], "moa_id": w.tfm, "agency_id": w.agency_b, "username": "nobody"}
    count, headers = events(refusing_site.db), {"X-CSRF-Token": token_of(officer)}  # (NOTE)
    for (method, path), name in sorted(bodies.items()):
        url = path.format(**ids)
        response = officer.request(method.upper(), url, json={"surplus": 1}, headers=headers)
        assert response.status_code == 422 and fields_of(response).get("surplus") == UNKNOWN, (method, url, response.text)
    assert events(refusing_site.db) == count


def test_the_signed_moa_upload_refuses_a_field_it_does_not_take(site):
    officer = site.admin
    url = f"/api/v1/program/moas/{site.world.wso}/signed"
    people = [{"name": "Pat Example", "title": "Sheriff", "party": "agency"}, {"name": "Lee Official", "title": "Director", "party": "ICE", "badge": "7"}]
    form = {"signed_on": TODAY.isoformat(), "signatories": json.dumps(people), "registry_agreement_id": "12"}
    files = {"pdf": ("moa.pdf", SIGNED_PDF.read_bytes(), "application/pdf")}
    response = officer.post(url, data=form, files=files, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 422 and fields_of(response) == {"registry_agreement_id": UNKNOWN}, response.text
    del form["registry_agreement_id"]
    response = officer.post(url, data=form, files=files, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 422 and fields_of(response) == {"signatories[1].badge": UNKNOWN}, response.text
    assert officer.get(f"/api/v1/program/applications/{site.world.application}").json()["moas"][1]["status"] == "requested"
    assert officer.post(f"/api/v1/program/moas/{site.world.wso}/draft", headers={"X-CSRF-Token": token_of(officer)}).status_code == 200
    # Signed on the draft's day (today): an MOA is not signed before its latest draft.
    accepted = officer.post(url, data={**form, "signed_on": days.today().isoformat(), "signatories": json.dumps(people[:1] + [{"name": "Lee Official", "title": "Director", "party": "ICE"}])}, files=files, headers={"X-CSRF-Token": token_of(officer)})
    assert accepted.status_code == 200 and accepted.json()["status"] == "signed", accepted.text


def test_a_crafted_multipart_form_is_no_server_error(site):
    """A multipart check of the forms' text, by a second parser (the standard library's MIME parser), answered 500
    to a parameter `a*` with no value, before any sign-in (found by a review of that change, which was taken back:
    g287.web.program.form_text). Starlette's parser alone reads these forms."""
    body = b'--B\r\nContent-Disposition: form-data; name="username"; a*\r\nContent-Type: text/plain; a*\r\n\r\nx\r\n--B--\r\n'
    for path in ("/program/login", f"/program/moas/{site.world.wso}/signed"):
        for content_type in ("multipart/form-data; boundary=B; a*", "multipart/form-data; boundary=B"):
            answer = site.admin.post(path, content=body, headers={"content-type": content_type})
            assert answer.status_code in (400, 403, 422), (path, content_type, answer.status_code)


def _holds_integers(schema: dict) -> str | None:
    """"id" for a property of integer type (or null), "list" for a list of them, None for any other."""
    options = schema.get("anyOf", [schema])
    if any(option.get("type") == "integer" for option in options):
        return "id"
    if any(option.get("type") == "array" and option.get("items", {}).get("type") == "integer" for option in options):
        return "list"
    return None


def test_every_id_in_a_json_body_is_a_json_number(refusing_site):
    """An id in a JSON body is a number, as every answer writes it: pydantic's int read "1", "01", " 1" or true as 1
    and "1_0" as 10 (agency_id of a letter, registry_agency_id of a link); each is refused naming the field, nothing
    recorded. Read from the OpenAPI document, so that an id added to a body later is covered."""
    officer, w = refusing_site.admin, refusing_site.world
    document = officer.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    ids = {"nominee_id": w.nominees["veteran"], "moa_id": w.tfm, "agency_id": w.agency_b, "username": "nobody"}
    count, checked, headers = events(refusing_site.db), set(), {"X-CSRF-Token": token_of(officer)}  # (NOTE)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if not path.startswith("/api/v1/program") or "application/json" not in content:
                continue
            body = schemas[content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
            for name, schema in body["properties"].items():
                kind = _holds_integers(schema)
                if kind is None:
                    continue
                for value in ("1", "01", " 1", "1_0", True):
                    sent, field = ([value], f"{name}.0") if kind == "list" else (value, name)
                    response = officer.request(method.upper(), path.format(**ids), json={name: sent}, headers=headers)
                    assert response.status_code == 422 and field in fields_of(response), (method, path, name, value, response.text)
                checked.add(name)
    assert checked == {"agency_id", "registry_agency_id", "namesake_of"}
    assert events(refusing_site.db) == count


def test_every_yes_or_no_in_a_json_body_is_a_json_boolean(site):
    """A yes-or-no field of a JSON body is true or false (or null): pydantic's bool read "yes", "on", "t", "1", "true"
    or 1 as true and "no", "off", "0" or 0 as false (us_citizen, enforced_jurisdiction_laws, jail_security_and_inmate_rules); each is refused naming
    the field, nothing recorded. Read from the OpenAPI document, so that a yes-or-no added to a body later is covered.
    The forms, which post form data ("yes"), are read by the services' checks, not by these models."""
    agency, w = site.agency, site.world
    document = agency.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    ids = {"nominee_id": w.nominees["novice"], "moa_id": w.tfm, "agency_id": w.agency_a, "username": "nobody"}
    count, checked, headers = events(site.db), set(), {"X-CSRF-Token": token_of(agency)}  # (NOTE)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            body = schemas[content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
            for name, schema in body["properties"].items():
                if not any(option.get("type") == "boolean" for option in schema.get("anyOf", [schema])):
                    continue
                for value in ("yes", "no", "on", "off", "t", "f", "y", "n", "1", "0", "true", "false", "True", 1, 0, 1.0):
                    response = agency.request(method.upper(), path.format(**ids), json={name: value}, headers=headers)
                    assert response.status_code == 422 and name in fields_of(response), (method, path, name, value, response.text)
                checked.add((method, path, name))
    assert {name for _, _, name in checked} == {"us_citizen", "enforced_jurisdiction_laws", "jail_security_and_inmate_rules"} and len(checked) == 6
    assert events(site.db) == count
    # JSON's own true, false and null are taken.
    url = f"/api/v1/program/nominees/{w.nominees['novice']}"
    for value in (False, True, None):
        response = agency.patch(url, json={"us_citizen": value}, headers={"X-CSRF-Token": token_of(agency)})
        assert response.status_code == 200 and response.json()["us_citizen"] is value, (value, response.text)
    body = {"full_name": "Jay Json", "us_citizen": True, "enforced_jurisdiction_laws": False, "service_periods": [{"start": "2010-01-01"}]}
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json=body, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 201 and (response.json()["us_citizen"], response.json()["enforced_jurisdiction_laws"]) == (True, False), response.text


def test_a_query_parameter_a_request_does_not_take_is_refused_and_changes_nothing(refusing_site):
    """A query parameter the program API does not take is refused as a field of the body is (422 naming it, with
    the parameters the endpoint takes), before the change is made: `?us_citizen=false` on a PATCH is no change."""
    agency = refusing_site.agency
    url = f"/api/v1/program/nominees/{refusing_site.world.nominees['novice']}"
    before, count = agency.get(url).json(), events(refusing_site.db)
    response = agency.patch(url + "?us_citizen=false", json={"full_name": "Nova Renamed"}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 422, response.text
    assert fields_of(response) == {"us_citizen": "unknown parameter: this endpoint takes no query parameter"}
    assert response.json()["error"]["message"] == "invalid request: us_citizen: unknown parameter: this endpoint takes no query parameter"
    assert agency.get(url).json() == before and events(refusing_site.db) == count
    listed = agency.get("/api/v1/program/nominees?agency=1")
    assert listed.status_code == 422 and fields_of(listed) == {"agency": "unknown parameter: this endpoint takes moa_id, agency_id, as_of"}


def test_signatories_nested_thousands_deep_are_refused_and_only_after_the_access_check(site):
    # json.loads raises RecursionError, no ValueError, for lists nested deeper than the interpreter's stack: the API
    # answered 500, and read the upload and its JSON for a caller who may not record the MOA (found by a review).
    url = f"/api/v1/program/moas/{site.world.wso}/signed"
    form = {"signed_on": TODAY.isoformat(), "signatories": "[" * 50_000}
    files = {"pdf": ("moa.pdf", SIGNED_PDF.read_bytes(), "application/pdf")}
    officer, agency = site.admin, site.agency
    response = officer.post(url, data=form, files=files, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 422 and fields_of(response) == {"signatories": "a JSON list of {name, title, party}"}, response.text
    refused = agency.post(url, data={**form, "surplus": "1"}, files=files, headers={"X-CSRF-Token": token_of(agency)})
    assert refused.status_code == 403 and refused.json()["error"]["fields"] == [], refused.text  # not read: no field named
    assert officer.get(f"/api/v1/program/applications/{site.world.application}").json()["moas"][1]["status"] == "requested"


def test_a_body_that_is_no_json_is_refused_naming_the_body(refusing_site):
    """FastAPI places the error of a body that is no JSON at ("body", position): the 422 named a field "1" and said
    "JSON decode error". It names the body, says what the parser found and where."""
    agency = refusing_site.agency
    url = f"/api/v1/program/nominees/{refusing_site.world.nominees['novice']}"
    before, count = agency.get(url).json(), events(refusing_site.db)
    headers = {"X-CSRF-Token": token_of(agency), "Content-Type": "application/json"}
    response = agency.patch(url, content=b'{"full_name": }', headers=headers)
    assert response.status_code == 422, response.text
    assert fields_of(response) == {"body": "not JSON (expecting value at character 15)"}
    assert agency.get(url).json() == before and events(refusing_site.db) == count
