"""The security headers on every response, also those answered outside the site's middleware: an unexpected exception
(500, Starlette's ServerErrorMiddleware) and a data version the database refused (503 when it is busy, cannot be
reached or fails, g287.web.database_failures; 500 for a statement it refused, a defect). They went without
Content-Security-Policy, X-Content-Type-Options and the rest."""

from __future__ import annotations

import sqlite3
import warnings

import pytest
from sqlalchemy.exc import OperationalError

from g287.registry import figures
from g287.web import app as web_app
from g287.web.app import create_app
from g287.web.http import SECURITY_HEADERS
from tests.conftest import make_database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def assert_security_headers(response) -> None:
    for name, value in SECURITY_HEADERS:
        assert response.headers.get(name.decode()) == value.decode(), (response.status_code, name)


@pytest.fixture
def client(tmp_path):
    database = make_database("sqlite", tmp_path)[0]
    with TestClient(create_app(database), raise_server_exceptions=False) as client:
        yield client
    database.dispose()


def test_an_unexpected_exception_answers_500_with_the_headers_and_no_traceback(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr(figures, "stats", broken)
    for path in ("/api/v1/stats", "/"):
        answer = client.get(path)
        assert answer.status_code == 500, path
        assert_security_headers(answer)
        assert "internal error" in answer.text
        assert "Traceback" not in answer.text and "RuntimeError" not in answer.text and "secret detail" not in answer.text
    assert client.get("/api/v1/stats").json() == {"error": {"status": 500, "message": "internal error", "fields": []}}


@pytest.mark.parametrize(
    "problem, status",
    [("database is locked", 503), ("no such table: audit_events", 500)],
)
def test_the_data_version_refused_answers_with_the_headers(client, monkeypatch, problem, status):
    """The data version is read before any route, in the site's middleware (the response cache's key)."""

    def refused(_session):
        raise OperationalError("SELECT max(id) FROM audit_events", {}, sqlite3.OperationalError(problem))

    monkeypatch.setattr(web_app, "data_version", refused)
    client.app.state.site.clock.invalidate()
    for path in ("/api/v1/stats", "/", "/exports/agreements.csv"):
        answer = client.get(path)
        assert answer.status_code == status, (path, answer.text)
        assert_security_headers(answer)
        assert "Traceback" not in answer.text and "audit_events" not in answer.text
        if status == 503:
            assert answer.headers["retry-after"] == "1"


ORIGIN = {"Origin": "https://newsroom.example"}


def assert_cors_once(response) -> None:
    """The public data's CORS headers (g287.web.cors), once each: a script on another page can read the error."""
    for name in ("access-control-allow-origin", "access-control-expose-headers"):
        assert len(response.headers.get_list(name)) == 1, (response.status_code, name, response.headers.get_list(name))
    assert response.headers["access-control-allow-origin"] == "*"


def test_errors_answered_outside_the_site_middleware_carry_the_public_datas_cors_headers(client, monkeypatch):
    """A 500 of an unexpected exception and the 503 of a data version refused are answered by Starlette's
    ServerErrorMiddleware, outside PublicDataCors as it was added: a browser script reading the API could not even
    read their status. A page keeps no CORS header, and a normal answer has them once."""
    assert_cors_once(client.get("/api/v1", headers=ORIGIN))

    def broken(*_args, **_kwargs):
        raise RuntimeError("failure")

    monkeypatch.setattr(figures, "stats", broken)
    answer = client.get("/api/v1/stats", headers=ORIGIN)
    assert answer.status_code == 500
    assert_cors_once(answer)
    assert "access-control-allow-origin" not in client.get("/", headers=ORIGIN).headers

    def refused(_session):
        raise OperationalError("SELECT max(id) FROM audit_events", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(web_app, "data_version", refused)
    client.app.state.site.clock.invalidate()
    for path in ("/api/v1/stats", "/exports/agreements.csv"):
        answer = client.get(path, headers=ORIGIN)
        assert answer.status_code == 503, (path, answer.text)
        assert_cors_once(answer)
    assert "access-control-allow-origin" not in client.get("/", headers=ORIGIN).headers
