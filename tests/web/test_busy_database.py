"""The public site (pages and /api/v1) while another process holds the database: 503 with Retry-After, as the
program's routes answer it, never a 400 (Busy is a G287Error) nor an internal error."""

from __future__ import annotations

import logging
import sqlite3
import warnings
from contextlib import contextmanager

import pytest

from g287.db import dialect
from g287.errors import Busy
from g287.registry import figures
from g287.web.app import create_app
from tests.conftest import make_database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BUSY = "another g287 process is writing to the same database: try again once it has finished"


@contextmanager
def held_by_another_process(path):
    """The SQLite file locked by another connection that no reader may share (exclusive locking mode, as a process
    that takes the file to itself): every read of the site waits for it, then is refused ("database is locked")."""
    other = sqlite3.connect(str(path), isolation_level=None)
    try:
        other.execute("PRAGMA locking_mode=EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        other.execute("CREATE TABLE held (x)")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


def assert_busy(response, *, api: bool) -> None:
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    if api:
        assert response.json() == {"error": {"status": 503, "message": BUSY, "fields": []}}
    else:
        assert BUSY in response.text


@pytest.fixture
def locked_site(tmp_path, monkeypatch):
    """A site over an SQLite file, the data version already read (for an hour), the busy timeout shortened."""
    monkeypatch.setenv("G287_WEB_VERSION_SECONDS", "3600")
    database = make_database("sqlite", tmp_path)[0]
    with TestClient(create_app(database), raise_server_exceptions=False) as client:
        assert client.get("/api/v1/stats").status_code == 200  # the data version is read: the next reads are the routes'
        monkeypatch.setattr(dialect, "_BUSY_TIMEOUT_MS", 200)
        database.engine.dispose()  # SQLite's connections take the wait when they open
        yield client, tmp_path / "g287.sqlite"
    database.dispose()


def test_a_page_and_the_api_refused_by_a_locked_database_answer_503(locked_site, caplog):
    client, path = locked_site
    with held_by_another_process(path), caplog.at_level(logging.WARNING, logger="g287.web"):
        answer = client.get("/api/v1/stats?as_of=2025-06-01")  # a query not answered yet: not in the response cache
        assert_busy(answer, api=True)
        assert answer.headers["x-frame-options"] == "DENY"  # answered through the site's middleware, as every page
        assert_busy(client.get("/states"), api=False)
    # each 503 is a line in the server's log, naming the database and the address (it answered in silence)
    assert [r.getMessage() for r in caplog.records if r.name == "g287.web"] == [
        f"the database sqlite:///{path} is busy (answered 503 to {where}): database is locked" for where in ("/api/v1/stats", "/states")]
    assert client.get("/api/v1/stats?as_of=2025-06-01").status_code == 200  # not kept: answered once the file is free


def test_the_data_version_refused_by_a_locked_database_answers_503(tmp_path, monkeypatch):
    """The site reads the data version before any route (the response cache's key): refused, it is a 503 too."""
    database = make_database("sqlite", tmp_path)[0]
    monkeypatch.setattr(dialect, "_BUSY_TIMEOUT_MS", 200)
    database.engine.dispose()
    with TestClient(create_app(database), raise_server_exceptions=False) as client:
        with held_by_another_process(tmp_path / "g287.sqlite"):
            assert_busy(client.get("/api/v1/stats"), api=True)
            assert_busy(client.get("/"), api=False)
        assert client.get("/api/v1/stats").status_code == 200
    database.dispose()


def test_busy_from_a_public_service_is_a_503_not_a_400(tmp_path, monkeypatch):
    def busy(*_args, **_kwargs):
        raise Busy()

    monkeypatch.setattr(figures, "stats", busy)
    database = make_database("sqlite", tmp_path)[0]
    with TestClient(create_app(database)) as client:
        assert_busy(client.get("/api/v1/stats"), api=True)
    database.dispose()
