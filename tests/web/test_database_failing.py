"""The site while its database fails in the middle of serving: its file overwritten with garbage, its connections
refused, locked or unopenable, its PostgreSQL server gone, in a route's own read or in the data version the site reads
before any route (g287.web.http). Each request is answered 503 with Retry-After (an error page for pages, the API's
JSON error for /api/ and /exports/), and the server's log gets one line naming the database (its password as ***) and
the cause, no traceback: the data version's failure was answered by Starlette's ServerErrorMiddleware, which raises the
exception again for the server to log ("Exception in ASGI application" and its traceback), and a database error that
was neither busy nor unreachable (a file that is not a database, a disk I/O error) was a 500 with a traceback. The site
answers again once the database is back.

The TestClient raises what the application raises to the server: a request that would have logged a traceback under
uvicorn fails the test. One case runs a real `g287 serve` and reads its stderr."""

from __future__ import annotations

import html
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings

import pytest
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError

from g287.access import Actor
from g287.registry.ingest import ingest_file
from g287.web.app import create_app
from g287.web.http import SECURITY_HEADERS
from tests.conftest import ICE, make_database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

UNREACHABLE = "the registry's database cannot be reached at the moment: try again in a few minutes"
BUSY = "another g287 process is writing to the same database: try again once it has finished"


def assert_503(response, path: str, message: str = UNREACHABLE, retry_after: str = "30") -> None:
    assert response.status_code == 503, (path, response.status_code, response.text[:300])
    assert response.headers["retry-after"] == retry_after, path
    for name, value in SECURITY_HEADERS:
        assert response.headers.get(name.decode()) == value.decode(), (path, name)
    if path.startswith(("/api/", "/exports/")):
        error = response.json()["error"]  # the workflow's API adds its "reasons"
        assert {key: error[key] for key in ("status", "message", "fields")} == {"status": 503, "message": message, "fields": []}, path
    else:
        assert response.headers["content-type"].startswith("text/html") and message in html.unescape(response.text), path
    assert "Traceback" not in response.text and "internal error" not in response.text


def one_line_logged(caplog, *expected: str, lines: int = 1) -> None:
    """The one record logged since the last call (any logger), with no traceback, naming each of `expected`; with
    `lines` 0, none."""
    records = caplog.records[:]
    caplog.clear()
    assert len(records) == lines, [record.getMessage() for record in records]
    if not lines:
        return
    record = records[0]
    line = record.getMessage()
    assert record.exc_info is None and "\n" not in line and "Traceback" not in line, line
    for part in expected:
        assert part in line, (part, line)


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A site over an SQLite file, the data version read once (for an hour); the client raises what the application
    raises to the server."""
    monkeypatch.setenv("G287_WEB_VERSION_SECONDS", "3600")
    database, close = make_database("sqlite", tmp_path)
    with TestClient(create_app(database)) as client:
        assert client.get("/api/v1/stats").status_code == 200
        yield client, database, tmp_path / "g287.sqlite"
    close()


def test_a_file_overwritten_with_garbage_is_a_503_and_one_line_until_it_is_back(served, caplog):
    client, database, path = served
    database.engine.dispose()  # the connections open on the file are closed (its log checkpointed): the next read opens it
    good = path.read_bytes()
    path.write_bytes(b"this is not an SQLite file\n" * 400)
    with caplog.at_level(logging.WARNING):
        caplog.clear()
        for request in ("/api/v1/stats?as_of=2025-06-01", "/states"):  # a route's own read: the data version is held
            assert_503(client.get(request), request)
            one_line_logged(caplog, str(path), "file is not a database", request.split("?")[0])
        client.app.state.site.clock.invalidate()  # the data version, read first
        for request in ("/api/v1/stats", "/", "/exports/agreements.csv"):
            assert_503(client.get(request), request)
            one_line_logged(caplog, str(path), "file is not a database", request)
            client.app.state.site.clock.invalidate()
    database.engine.dispose()
    path.write_bytes(good)
    assert client.get("/api/v1/stats?as_of=2025-06-01").status_code == 200
    assert client.get("/").status_code == 200


def _refusing(message: str, code: int | None = None):
    def connect(*_args, **_kwargs):
        cause = sqlite3.OperationalError(message)
        if code is not None:
            cause.sqlite_errorcode = code
        raise OperationalError("connect", {}, cause)

    return connect


@pytest.mark.parametrize(
    "message, code, answer, retry_after, lines",
    [
        ("disk I/O error", sqlite3.SQLITE_IOERR, UNREACHABLE, "30", 1),  # neither busy nor unreachable: it was a 500 and a traceback
        ("unable to open database file", sqlite3.SQLITE_CANTOPEN, UNREACHABLE, "30", 1),
        # Another g287 process writing: the answer says it (send it again in a second); the log says it once a
        # request, as for every busy answer of the site and the workflow's routes, with no traceback.
        ("database is locked", sqlite3.SQLITE_BUSY, BUSY, "1", 1),
    ],
)
def test_a_connection_refused_in_a_route_or_in_the_data_version_is_a_503_and_one_line(served, caplog, monkeypatch, message, code, answer, retry_after, lines):
    client, database, path = served
    database.engine.dispose()
    with monkeypatch.context() as patched, caplog.at_level(logging.WARNING):
        patched.setattr(database.engine.pool, "connect", _refusing(message, code))
        caplog.clear()
        for request in ("/api/v1/stats?as_of=2025-06-01", "/states", "/api/v1/program/public/pending"):
            assert_503(client.get(request), request, answer, retry_after)
            one_line_logged(caplog, f"sqlite:///{path}", message, request.split("?")[0], lines=lines)
        for request in ("/api/v1/stats", "/"):
            client.app.state.site.clock.invalidate()
            assert_503(client.get(request), request, answer, retry_after)
            one_line_logged(caplog, f"sqlite:///{path}", message, request, lines=lines)
    assert client.get("/api/v1/stats").status_code == 200
    assert client.get("/states").status_code == 200


class Relay:
    """A TCP relay to the PostgreSQL server, on a port of its own: stopped, the server is gone for whoever connects
    through it (the connections open are cut, new ones refused); started again, it is back."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._open: list[socket.socket] = []
        self._running = False

    def start(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: the port again after stop()
        listener.settimeout(0.1)
        self._running = True
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while self._running:
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                server = socket.create_connection(self.target)
                self._open += [client, server]
                for source, sink in ((client, server), (server, client)):
                    threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self) -> None:
        self._running = False
        time.sleep(0.3)  # the listener closed
        for end in self._open:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()
        self._open.clear()


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["content-type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], error.read().decode()


def test_a_real_server_whose_postgresql_server_goes_away_logs_one_line_a_request_and_serves_again(tmp_path):
    database, close = make_database("postgresql", tmp_path)
    ingest_file(database, ICE / "pending" / "pendingAgencies05152025am.xlsx", Actor.command_line())
    database.dispose()
    url = make_url(database.url)
    relay = Relay(url.host, url.port or 5432)
    relay.start()
    through_relay = url.set(port=relay.port, password="s3cret-pw").render_as_string(hide_password=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = dict(os.environ, G287_WEB_VERSION_SECONDS="0", G287_HOME=str(tmp_path / "home"))  # the data version read each request
    process = subprocess.Popen(
        [sys.executable, "-m", "g287", "serve", "--port", str(port), "--database", through_relay],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    site = f"http://127.0.0.1:{port}"
    failing = ("/api/v1/stats", "/", "/exports/agreements.csv", "/states")
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "the site did not start"
            try:
                if _get(f"{site}/api/v1/stats")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        relay.stop()
        for path in failing:
            status, kind, body = _get(site + path)
            assert status == 503, (path, status, body[:300])
            assert kind.startswith("application/json" if path.startswith(("/api/", "/exports/")) else "text/html"), (path, kind)
            assert UNREACHABLE in html.unescape(body) and "s3cret" not in body and str(relay.port) not in body, path
        relay.start()
        assert _get(f"{site}/api/v1/stats")[0] == 200
        assert _get(f"{site}/")[0] == 200
    finally:
        relay.stop()
        process.terminate()
        _out, err = process.communicate(timeout=30)
        close()
    lines = err.splitlines()
    assert "Traceback" not in err and "Exception in ASGI application" not in err, err
    assert len(lines) == len(failing), err
    masked = make_url(through_relay).render_as_string(hide_password=True)
    assert "***" in masked
    for path, line in zip(failing, lines):
        assert masked in line and f"answered 503 to {path}" in line and "s3cret" not in line, line
