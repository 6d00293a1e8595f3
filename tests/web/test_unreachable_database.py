"""The public site (pages, /api/v1, the exports, the workflow's public routes) while its database cannot be reached at
all: a PostgreSQL server nothing answers for, an SQLite file whose folder is gone. A temporary unavailability, as a
busy database is: 503 with Retry-After and one line saying the database cannot be reached, naming no address or
password; the cause goes to the server's log. It was a 500 "internal error"."""

from __future__ import annotations

import html
import logging
import warnings

import pytest

from g287.db.engine import Database
from g287.web.app import create_app
from g287.web.http import SECURITY_HEADERS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

UNREACHABLE = "the registry's database cannot be reached at the moment: try again in a few minutes"
PATHS = ("/api/v1/stats", "/", "/exports/agreements.csv", "/api/v1/program/public/pending")


def assert_unreachable(response, path: str, *, hidden: tuple[str, ...] = ()) -> None:
    assert response.status_code == 503, (path, response.status_code, response.text[:300])
    assert response.headers["retry-after"] == "30", path
    for name, value in SECURITY_HEADERS:
        assert response.headers.get(name.decode()) == value.decode(), (path, name)
    if path.startswith(("/api/", "/exports/")):
        assert response.json() == {"error": {"status": 503, "message": UNREACHABLE, "fields": []}}, path
    else:
        assert UNREACHABLE in html.unescape(response.text), path
    assert "Traceback" not in response.text and "internal error" not in response.text
    for secret in hidden:
        assert secret not in response.text, (path, secret)


def test_a_postgresql_server_nothing_answers_for_is_a_503_naming_neither_address_nor_password(caplog):
    database = Database("postgresql://g287:hunter2-password@127.0.0.1:1/g287", migrate=False)  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, logger="g287.web"), TestClient(create_app(database), raise_server_exceptions=False) as client:
        for path in PATHS:
            assert_unreachable(client.get(path), path, hidden=("hunter2", "127.0.0.1", "port 1", "g287:"))
    logged = [record.getMessage() for record in caplog.records if record.name == "g287.web"]
    assert logged and all("Connection refused" in line and "hunter2" not in line for line in logged), logged
    database.dispose()


@pytest.fixture
def site_over_a_file(tmp_path, monkeypatch):
    """A site over an SQLite file in a folder of its own, the data version read once (for an hour)."""
    monkeypatch.setenv("G287_WEB_VERSION_SECONDS", "3600")
    folder = tmp_path / "data"
    folder.mkdir()
    database = Database(f"sqlite:///{folder / 'g287.sqlite'}")
    with TestClient(create_app(database), raise_server_exceptions=False) as client:
        assert client.get("/api/v1/stats").status_code == 200
        yield client, database, folder
    database.dispose()


def test_an_sqlite_file_whose_folder_is_gone_is_a_503_until_it_is_back(site_over_a_file, caplog, tmp_path):
    client, database, folder = site_over_a_file
    database.engine.dispose()  # the connections open on the file are closed: the next read opens it again
    folder.rename(tmp_path / "elsewhere")
    with caplog.at_level(logging.WARNING, logger="g287.web"):
        # The data version already read: a route's own read finds the file gone.
        assert_unreachable(client.get("/api/v1/stats?as_of=2025-06-01"), "/api/v1/stats", hidden=(str(folder),))
        # The data version read first, before any route (the response cache's key).
        client.app.state.site.clock.invalidate()
        for path in PATHS:
            assert_unreachable(client.get(path), path, hidden=(str(folder),))
    assert any("unable to open database file" in record.getMessage() for record in caplog.records if record.name == "g287.web")
    (tmp_path / "elsewhere").rename(folder)
    assert client.get("/api/v1/stats?as_of=2025-06-01").status_code == 200  # not kept: answered once the file is back


def test_every_operation_of_the_api_document_declares_its_503_with_retry_after(site):
    # Every route of /api/v1 and /api/v1/program answers 503 with Retry-After when the database is busy or cannot be
    # reached (above; tests/web/test_busy_database.py), but the OpenAPI document declared no 503 for any.
    document = site.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    operations = [(method, path, operation) for path, methods in document["paths"].items() for method, operation in methods.items()]
    assert len(operations) >= 60 and any(path.startswith("/api/v1/program/public/") for _, path, _ in operations)
    for method, path, operation in operations:
        declared = operation["responses"].get("503")
        assert declared, (method, path)
        reference = declared["content"]["application/json"]["schema"]["$ref"]
        body = schemas[reference.rsplit("/", 1)[1]]
        assert body["required"] == ["error"], (method, path)
        detail = schemas[body["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
        assert {"status", "message", "fields"} <= set(detail["properties"]), (method, path)
        # The same model as the operation's other errors: ErrorBody for the public API, ProblemBody for the program's.
        assert reference == operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"], (method, path)
        retry_after = declared["headers"]["Retry-After"]
        assert retry_after["schema"] == {"type": "integer"} and retry_after["description"], (method, path)
