"""Privacy for every role against every route of the site (pages, API, exports, feeds, documents), the route
list read from the application itself, so a route added later is covered without editing this test.

Nominees' personal data (names, citizenship, background results, dates, scores) and a letter's private parts
(contact, justification) appear only to users of that agency and to the program office: never to the public,
never to another agency, never in a response that is not marked private (which the site's cache could keep
and serve to someone else). Every private route answers with Cache-Control: private, no-store."""

from __future__ import annotations

import io
import re
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from g287.web.program.core import PrivateRoute
from tests.program.web.conftest import ROLES, USERS, client_for, token_of

SEES_PERSONAL_DATA = {"own_agency", "program_officer", "administrator"}
JSON_KEYS = ('"us_citizen"', '"background_result"', '"service_periods"', '"full_name"', '"justification"', '"contact"')
TOKENS = re.compile(r"\b\d{9,}\.[0-9a-f]{16}\.[0-9a-f]{64}\b")  # CSRF tokens (time.random.signature)
SESSION_ENDING = ("/logout", "/session", "/password")  # requested last: they end the client's session


def parameters(world, path: str, name: str):
    """A value for each path parameter, from the world: program routes name the workflow's records, the
    registry's routes the registry's. An unknown parameter fails the test, naming the route to cover."""
    program = path.startswith(("/program", "/api/v1/program"))
    with world.db.session() as session:
        from sqlalchemy import select

        from g287.db.models.registry import Agency, Agreement, Publication

        registry_agency = session.scalars(select(Agency.id).order_by(Agency.id)).first()
        agreement = session.scalars(select(Agreement.id).order_by(Agreement.id)).first()
        publication = session.scalars(select(Publication.id).order_by(Publication.id)).first()
    values = {
        "application_id": world.application,
        "moa_id": world.tfm,
        "nominee_id": world.veteran,
        "agency_id": world.agency_a if program else registry_agency,
        "username": USERS["own_agency"],
        "fmt": "pdf",
        "publication_id": publication,
        "agreement_id": agreement,
        "usps": "FL",
        "code": "TFM",
        "key": "testville",
        "name": "swagger-ui.css",
        "fips": "12057",  # the site's county pages and resources (g287/web, issue 5)
        "sha256": "0" * 64,  # a document of the archive (none held here: answers 404)
    }
    if name not in values:
        pytest.fail(f"{path}: no test value for the path parameter {name!r}; add one to parameters()")
    return values[name]


@dataclass(frozen=True)
class Found:
    path: str
    methods: frozenset
    route: APIRoute


def routes(app, methods: set[str]) -> list[Found]:
    """Every API route and page of the application (routers included at any depth), as served."""
    found = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.methods and context.methods & methods:
            found.append(Found(context.path, frozenset(context.methods), context.original_route))
    assert len({f.path for f in found}) == len(found) or methods != {"GET"}
    return found


def fill(world, route: Found) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: str(parameters(world, route.path, m.group(1))), route.path)


def every_format(world, route: Found) -> list[str]:
    """The route filled in, a document route in each format it serves: the letter and the draft as DOCX too (only
    PDF was requested)."""
    path = fill(world, route)
    return [path] + ([path.removesuffix(".pdf") + ".docx"] if "{fmt" in route.path else [])


def readable_text(response) -> str | None:
    """The text a PDF or an Office file (DOCX, XLSX: zip packages of XML) holds, which its bytes do not show
    (compressed streams): looked for as the text of any other response is. None for other content."""
    return _document_text(response.headers.get("content-type", ""), response.content)


@cache  # the same file is served to every role: read once
def _document_text(kind: str, content: bytes) -> str | None:
    if kind.startswith("application/pdf") and content.startswith(b"%PDF"):
        from pypdf import PdfReader

        return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)
    if content.startswith(b"PK") and "openxmlformats" in kind:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            xml = " ".join(package.read(name).decode("utf-8", "replace") for name in package.namelist() if name.endswith(".xml"))
        return re.sub(r"<[^>]+>", "", xml)
    return None


def leaks(world, response) -> list[str]:
    """The personal values a response shows (and, in JSON, the keys that carry personal data)."""
    kind = response.headers.get("content-type", "")
    text = TOKENS.sub("", response.content.decode("utf-8", "replace"))  # random CSRF tokens may hold any digits
    if "geo+json" in kind:  # the boundaries' coordinates hold every short number ("163.7639"): drawn, not personal
        text = re.sub(r'"coordinates":\[[-0-9.,\[\]]*\]', '"coordinates":[]', text)
    keys = [key for key in JSON_KEYS if key in text] if "json" in kind else []
    readable = any(k in kind for k in ("text/", "json", "xml", "csv"))
    if (document := readable_text(response)) is not None:
        text, readable = document, True
    # In binary files (PDF, workbooks, SQLite) a short number can occur by chance: look for the long values.
    wanted = world.personal if readable else {v for v in world.personal if len(v) >= 8}
    return sorted(value for value in wanted if value in text) + keys


def test_personal_data_is_in_the_world(program_world, clients):
    """The check below can fail: the nominee's page shows the personal data to those who may see it."""
    for role in SEES_PERSONAL_DATA:
        page = clients[role].get(f"/program/nominees/{program_world.veteran}")
        assert page.status_code == 200
        assert {"Vera Veteranperson", "63.7", "88.3", "2004-09-13", "2021-03-23"} <= set(leaks(program_world, page))
        api = clients[role].get(f"/api/v1/program/nominees/{program_world.veteran}").json()
        assert api["full_name"] == "Vera Veteranperson" and [e["score"] for e in api["exams"]] == [63.7, 88.3]
        # So do the letter's documents, whose text their compressed bytes did not show: a letter served to the public
        # passed the check unseen.
        for where in ("/program", "/api/v1/program"):
            for fmt in ("pdf", "docx"):
                letter = clients[role].get(f"{where}/applications/{program_world.application}/letter.{fmt}")
                assert letter.status_code == 200
                assert {"Quinn Contactperson", "quinn.contact@testville.example", "Justification text 7f3a"} <= set(leaks(program_world, letter)), (where, fmt)


def test_every_get_route_for_every_role(program_world, clients):
    app = program_world.app
    checked = 0
    for route, path in ((route, path) for route in routes(app, {"GET"}) for path in every_format(program_world, route)):
        private = isinstance(route.route, PrivateRoute)
        for role in ROLES:
            response = clients[role].get(path, follow_redirects=False)
            where = f"GET {path} as {role}: {response.status_code}"
            assert response.status_code < 500, f"{where}: a route failed"
            found = leaks(program_world, response)
            if role not in SEES_PERSONAL_DATA:
                assert found == [], f"{where} shows {found}: " + response.text[max(0, response.text.find(found[0]) - 300):response.text.find(found[0]) + 50]
            if not private:
                # A response that is not marked private may be cached and served to anyone.
                assert found == [], f"{where}: a public route shows {found}"
                assert "no-store" not in response.headers.get("cache-control", "") or response.status_code != 200 or path.endswith(".sqlite"), where
            else:
                assert response.headers.get("cache-control") == "private, no-store", where
                assert "etag" not in response.headers, where  # never stored by the site's response cache
            checked += 1
    assert checked >= 5 * 40  # every role against every GET route (the site's and the workflow's)


def test_every_change_route_refuses_the_public_and_other_agencies(program_world):
    """Every POST, PUT, PATCH and DELETE route, sent with a valid CSRF token by the public and by a user of
    another agency, against agency A's records: refused or harmless, never showing personal data, and the
    workflow's records unchanged."""
    from tests.conftest import snapshot

    # Signing in writes sessions, attempts and audit events; everything else must stay as it was, the accounts too
    # (their passwords are hashed with the parameters in use, tests/conftest.py: signing in re-hashes none).
    ignored = ("login_sessions", "login_attempts", "audit_events")
    before = {t: rows for t, rows in snapshot(program_world.db).items() if t not in ignored}
    accounts_before = accounts(program_world.db)
    changes = sorted(routes(program_world.app, {"POST", "PUT", "PATCH", "DELETE"}), key=lambda r: any(part in r.path for part in SESSION_ENDING))
    for role in ("public", "other_agency"):
        with ExitStack() as clients:  # each client keeps one event loop for its requests (as in conftest.py's clients)
            client = clients.enter_context(client_for(program_world, role))
            for route in changes:
                path = fill(program_world, route)
                for method in sorted(route.methods & {"POST", "PUT", "PATCH", "DELETE"}):
                    token = token_of(client)
                    if path.startswith("/api/"):
                        body = example_body(program_world, route, method)
                        response = client.request(method, path, json=body, headers={"X-CSRF-Token": token}, follow_redirects=False)
                        if body is not None and not any(part in route.path for part in OWN_ACCOUNT):
                            # A body that passes validation reaches the service: the access check must refuse it.
                            assert response.status_code in (401, 403, 404), f"{method} {path} as {role}: {response.status_code} {response.text[:300]}"
                    else:
                        response = client.request(method, path, data={"csrf_token": token, "agency_id": str(program_world.agency_a)}, follow_redirects=False)
                    where = f"{method} {path} as {role}: {response.status_code}"
                    assert response.status_code < 500, where
                    assert leaks(program_world, response) == [], where
                    if isinstance(route.route, PrivateRoute):
                        assert response.headers.get("cache-control") == "private, no-store", where
                    if any(part in route.path for part in SESSION_ENDING):
                        client = clients.enter_context(client_for(program_world, role))
    after = {t: rows for t, rows in snapshot(program_world.db).items() if t not in ignored}
    assert after == before and accounts(program_world.db) == accounts_before


# Routes on the caller's own account, open to anyone signed in (or signing in): not a matter of access to records.
OWN_ACCOUNT = ("/session", "/password")


def example_body(world, route: Found, method: str):
    """A JSON body that passes the route's declared schema (so the request reaches the service), pointing at
    agency A's records; None when the route takes no JSON body."""
    spec = world.app.openapi()
    operation = spec["paths"].get(route.path, {}).get(method.lower(), {})
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    return _value(spec, schema, world, "")


def _value(spec, schema, world, name):
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return _value(spec, options[0], world, name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {field: _value(spec, sub, world, field) for field, sub in schema.get("properties", {}).items()}
    if kind == "array":
        item = _value(spec, schema.get("items", {"type": "string"}), world, name)
        return [item] * max(1, schema.get("minItems", 1))
    if kind == "integer":
        return world.agency_a if "agency" in name else max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(70.0, schema.get("minimum", 0))
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2025-06-01"
    if schema.get("format") == "email" or "email" in name:
        return "someone@example.org"
    text = "Test value for " + (name or "field")
    return text[: schema.get("maxLength", len(text))] if len(text) >= schema.get("minLength", 0) else text + "x" * schema["minLength"]


def accounts(db) -> list[tuple]:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        return conn.execute(text("SELECT username, role, agency_id, disabled_at, password_changed_at FROM users ORDER BY id")).all()


def test_users_of_another_agency_are_refused_each_record(program_world, clients):
    other = clients["other_agency"]
    # Another agency's record is, to its users, no such record (404, as for an id no record has: see
    # test_ids_not_countable), so that ids cannot be counted.
    for path in (
        f"/program/nominees/{program_world.veteran}",
        f"/program/applications/{program_world.application}",
        f"/program/applications/{program_world.application}/letter.pdf",
        f"/program/moas/{program_world.tfm}/draft.pdf",
        f"/program/agencies/{program_world.agency_a}",
        f"/api/v1/program/nominees/{program_world.veteran}",
        f"/api/v1/program/nominees/{program_world.veteran}/eligibility",
        f"/api/v1/program/applications/{program_world.application}",
    ):
        assert other.get(path).status_code == 404, path
    # A roster asked for by agency reads no record by id: refused as such, whichever agency it names.
    assert other.get(f"/api/v1/program/authorized?agency_id={program_world.agency_a}").status_code == 403
    assert other.get("/api/v1/program/nominees").json() == []
    assert other.get("/api/v1/program/applications").json() == []
    public = clients["public"]
    assert public.get(f"/program/nominees/{program_world.veteran}", follow_redirects=False).status_code == 303  # asked to sign in
    assert public.get(f"/api/v1/program/nominees/{program_world.veteran}").status_code == 403
