"""`g287 serve` on a fresh machine: an empty default database is filled with the bundled publications and the
site answers; cached responses follow the data when it changes."""

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings

import pytest
from sqlalchemy import text

from g287.db.engine import Database
from g287.registry.ingest import ingest_file
from g287.web.app import create_app
from tests.conftest import ICE

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_an_empty_default_database(tmp_path):
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "G287_DATABASE_URL"}
    environment["G287_HOME"] = str(tmp_path / "home")
    process = subprocess.Popen(
        [sys.executable, "-m", "g287", "serve", "--port", str(port)],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 90
        body = None
        while time.monotonic() < deadline and body is None:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read())
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
            except OSError:
                time.sleep(0.3)
        assert body is not None, "the site did not answer"
        assert "807</strong> MOAs with <strong>658</strong> agencies" in body
        assert (tmp_path / "home" / "g287.sqlite").exists()
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "ingesting the publications bundled with g287" in output and "Serving" in output


def test_serve_refuses_a_taken_port(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "g287", "serve", "--port", str(port), "--database", str(tmp_path / "x.sqlite")],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_a_site_address_that_is_not_one_before_doing_anything(tmp_path):
    environment = dict(os.environ, G287_SITE_URL="https://g287.example.org/some/path")
    result = subprocess.run(
        [sys.executable, "-m", "g287", "serve", "--port", str(free_port()), "--database", str(tmp_path / "x.sqlite")],
        capture_output=True, text=True, timeout=60, env=environment,
    )
    assert result.returncode == 1 and result.stderr.strip().startswith("g287: error: setting G287_SITE_URL=") and "Traceback" not in result.stderr
    assert result.stdout == "" and not (tmp_path / "x.sqlite").exists()  # nothing ingested, nothing served


def test_cached_responses_follow_the_data(tmp_path, actor):
    database = Database(f"sqlite:///{tmp_path / 'g287.sqlite'}")
    ingest_file(database, ICE / "participating" / "participatingAgencies05162025am.xlsx", actor)
    with TestClient(create_app(database)) as client:
        first = client.get("/api/v1/stats")
        assert client.get("/api/v1/stats").headers["etag"] == first.headers["etag"]
        ingest_file(database, ICE / "participating" / "participatingAgencies05292025am.xlsx", actor)  # another process, as it were
        client.app.state.site.changed()
        second = client.get("/api/v1/stats")
        assert second.json()["participating"]["moas"] == 635 != first.json()["participating"]["moas"]
        assert second.headers["etag"] != first.headers["etag"]
        assert client.get("/api/v1/stats", headers={"If-None-Match": first.headers["etag"]}).status_code == 200
    database.dispose()


@pytest.mark.parametrize("seconds", ["0"])
def test_a_change_by_another_process_shows_after_the_version_interval(tmp_path, actor, monkeypatch, seconds):
    monkeypatch.setenv("G287_WEB_VERSION_SECONDS", seconds)
    database = Database(f"sqlite:///{tmp_path / 'g287.sqlite'}")
    ingest_file(database, ICE / "pending" / "pendingAgencies05152025am.xlsx", actor)
    with TestClient(create_app(database)) as client:
        before = client.get("/api/v1/publications").json()
        ingest_file(database, ICE / "pending" / "pendingAgencies05302025pm.xlsx", actor)
        assert len(client.get("/api/v1/publications").json()) == len(before) + 1
    database.dispose()


# Every setting the site reads (its own, the workflow's, K, and the limits of the lists the workflow ingests), each
# with a value that is not one: `g287 serve` refuses it in one line before it opens the database. K, the login limits
# and the upload limit were read at the first request that needed them (an agency's page, a login: an error page
# each time), and G287_WEB_VERSION_SECONDS after the bundled lists were ingested and "Serving ..." was printed.
SITE_SETTINGS = {
    "G287_WEB_VERSION_SECONDS": "1e1",
    "G287_SITE_URL": "g287.example.org",
    "G287_SECRET_KEY": "short",
    "G287_END_AFTER": "1_0",
    "G287_SESSION_HOURS": " 8 ",
    "G287_LOGIN_MAX_FAILURES": "+5",
    "G287_LOGIN_CLIENT_MAX_FAILURES": "\uff12\uff10",
    "G287_LOGIN_LOCKOUT_MINUTES": "nan",
    "G287_MAX_UPLOAD_MB": "-1",
    "G287_MAX_WORKBOOK_MB": "inf",
    "G287_MAX_SOURCE_ROWS": "2.0",
}


@pytest.mark.parametrize("name", list(SITE_SETTINGS))
def test_serve_refuses_a_bad_setting_of_the_site_before_doing_anything(tmp_path, monkeypatch, name):
    import uvicorn

    from tests.in_process import run_g287

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("serve ran"))
    monkeypatch.setenv(name, SITE_SETTINGS[name])
    status, out, err = run_g287(str(tmp_path / "x.sqlite"), "serve", "--port", str(free_port()))
    assert (status, out) == (1, "") and len(err.splitlines()) == 1 and err.startswith(f"g287: error: setting {name}")
    assert not (tmp_path / "x.sqlite").exists()  # nothing ingested, nothing served


def test_behind_a_proxy_on_the_same_machine_a_failed_login_is_counted_for_the_forwarded_client(tmp_path, actor):
    """README (accounts): the per-address login limit counts the client a trusted proxy names in X-Forwarded-For
    (uvicorn trusts one on the same machine by default), not the proxy, which every client would share."""
    database = Database(f"sqlite:///{tmp_path / 'g287.sqlite'}")
    ingest_file(database, ICE / "pending" / "pendingAgencies07112025am_b.xlsx", actor)  # not empty: nothing bundled to ingest
    database.dispose()
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("G287_DATABASE_URL", "FORWARDED_ALLOW_IPS")}
    process = subprocess.Popen(
        [sys.executable, "-m", "g287", "--database", str(tmp_path / "g287.sqlite"), "serve", "--port", str(port)],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    base = f"http://127.0.0.1:{port}/api/v1/program/session"
    try:
        deadline, session = time.monotonic() + 90, None
        while time.monotonic() < deadline and session is None:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read())
            try:
                session = json.loads(opener.open(base, timeout=5).read())
            except OSError:
                time.sleep(0.3)
        assert session is not None, "the site did not answer"
        request = urllib.request.Request(
            base, data=json.dumps({"username": "nobody", "password": "wrong password 1"}).encode(), method="POST",
            headers={"Content-Type": "application/json", "X-CSRF-Token": session["csrf_token"], "X-Forwarded-For": "203.0.113.7"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(request, timeout=10)
        assert refused.value.code == 401
    finally:
        process.terminate()
        process.communicate(timeout=30)
    database = Database(f"sqlite:///{tmp_path / 'g287.sqlite'}")
    with database.session() as session:
        assert session.execute(text("SELECT client FROM login_attempts")).scalars().all() == ["203.0.113.7"]
    database.dispose()
