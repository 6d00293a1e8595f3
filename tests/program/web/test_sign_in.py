"""Signing in through the form and the API (found by review of the web interface): a disabled account's answer
does not depend on the password, and signing in again ends the session the request came with."""

from __future__ import annotations

import warnings

import pytest
from sqlalchemy import select

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.program import accounts
from g287.web.program.core import SESSION_COOKIE
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, token_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()


@pytest.fixture
def site(db):
    """A registry of its own with an administrator and a program officer (failed logins here lock out no other
    test's accounts)."""
    with db.session() as session:
        accounts.add_user(session, ADMIN, "admin", "administrator", password=PASSWORD)
        accounts.add_user(session, ADMIN, "olga", "program_officer", password=PASSWORD)
    app = create_app(db)
    app.db = db
    return app


def form_sign_in(client: TestClient, username: str, password: str):
    page = client.get("/program/login")
    return client.post("/program/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text)}, follow_redirects=False)


def api_sign_in(client: TestClient, username: str, password: str):
    return client.post("/api/v1/program/session", json={"username": username, "password": password}, headers={"X-CSRF-Token": token_of(client)})


def test_a_disabled_account_answers_the_same_whatever_the_password(site):
    with site.db.session() as session:
        accounts.disable_user(session, ADMIN, "olga")
    visitor = TestClient(site)
    answers = set()
    for password in (PASSWORD, "not the password"):
        form = form_sign_in(visitor, "olga", password)
        api = api_sign_in(visitor, "olga", password)
        assert form.status_code == api.status_code == 401, (form.text, api.text)
        message = api.json()["error"]["message"]
        assert message in form.text
        answers.add(message)
    assert answers == {"wrong user name or password"}  # as for a name no account has
    assert api_sign_in(visitor, "nobody", "not the password").json()["error"]["message"] == "wrong user name or password"


def session_of(client: TestClient) -> dict:
    return client.get("/api/v1/program/session").json()


@pytest.mark.parametrize("again", [form_sign_in, api_sign_in])
@pytest.mark.parametrize("first", [form_sign_in, api_sign_in])
def test_signing_in_again_ends_the_session_the_request_came_with(site, first, again):
    browser = TestClient(site)
    assert first(browser, "olga", PASSWORD).status_code in (200, 303)
    old_token = browser.cookies[SESSION_COOKIE]
    assert session_of(browser)["username"] == "olga"
    # Again, as another user: the new session is open, and the old token names no session any more.
    assert again(browser, "admin", PASSWORD).status_code in (200, 303)
    new_token = browser.cookies[SESSION_COOKIE]
    assert new_token != old_token and session_of(browser)["username"] == "admin"
    holder_of_the_old_token = TestClient(site, cookies={SESSION_COOKIE: old_token})
    assert session_of(holder_of_the_old_token)["signed_in"] is False
    with site.db.session() as session:
        ended = session.scalars(select(AuditEvent).where(AuditEvent.action == "account.logout")).one()
        opened = session.scalars(select(AuditEvent).where(AuditEvent.action == "account.login").order_by(AuditEvent.id.desc())).first()
    assert ended.after["replaced_by_session_id"] == opened.after["session_id"] and ended.id < opened.id
    # A refused sign-in ends nothing.
    assert again(browser, "olga", "not the password").status_code == 401
    assert session_of(browser)["username"] == "admin"


def test_an_account_added_through_the_api_with_an_empty_password_gets_one_generated(site):
    """POST /api/v1/program/users documents an empty password as "a password is generated and returned once", as the
    site's form and `g287 user add` without one do; the API refused it as a password shorter than 12 characters."""
    admin = TestClient(site)
    assert api_sign_in(admin, "admin", PASSWORD).status_code == 200
    added = admin.post("/api/v1/program/users", json={"username": "pat", "role": "program_officer", "password": ""}, headers={"X-CSRF-Token": token_of(admin)})
    assert added.status_code == 201, added.text
    generated = added.json()["password"]
    assert len(generated) >= accounts.MIN_PASSWORD_LENGTH
    assert api_sign_in(TestClient(site), "pat", generated).json()["username"] == "pat"
    # A password given is still the caller's, and one too short still refused naming it.
    short = admin.post("/api/v1/program/users", json={"username": "sam", "role": "program_officer", "password": "short"}, headers={"X-CSRF-Token": token_of(admin)})
    assert short.status_code == 422 and [f["field"] for f in short.json()["error"]["fields"]] == ["password"], short.text
