"""Signing in through the form and the API (found by review of the web interface): a disabled account's answer
does not depend on the password, and signing in again ends the session the request came with."""

from __future__ import annotations

import warnings

import pytest
from sqlalchemy import select

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.program import accounts
from g287.web.program.core import SEED_COOKIE, SESSION_COOKIE
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


def set_cookie(response, name: str) -> str:
    """The Set-Cookie header the response gives for the cookie `name` (one, or the test fails)."""
    (header,) = [value for key, value in response.headers.multi_items() if key == "set-cookie" and value.startswith(f"{name}=")]
    return header


def cookie_flags(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


@pytest.mark.parametrize("address, secure", [("https://g287.example.org", True), ("http://localhost:8287", False)])
def test_cookies_are_secure_when_the_site_address_is_https_whatever_the_request_scheme(db, monkeypatch, address, secure):
    """Behind a proxy that ends TLS and does not forward the scheme, every request reads as http: the cookies then
    went out without Secure (a browser would send the session over plain http to whoever answers for the host).
    With an https site address they are Secure whatever the request's scheme; with an http one (local
    development), they follow the request's scheme, so signing in over http still works."""
    monkeypatch.setenv("G287_SITE_URL", address)
    with db.session() as session:
        accounts.add_user(session, ADMIN, "olga", "program_officer", password=PASSWORD)
    app = create_app(db)
    behind_the_proxy = TestClient(app)  # requests arrive over http
    page = behind_the_proxy.get("/program/login")
    seed = set_cookie(page, SEED_COOKIE)
    # Sent back by hand, as the browser (which spoke https to the proxy) sends it: the test client keeps a Secure
    # cookie received over http to itself.
    cookies = {"cookie": seed.split(";")[0]}
    signed_in = behind_the_proxy.post("/program/login", data={"username": "olga", "password": PASSWORD, "csrf_token": csrf_of(page.text)}, headers=cookies, follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text
    session_cookie = set_cookie(signed_in, SESSION_COOKIE)
    cookies = {"cookie": session_cookie.split(";")[0]}
    dashboard = behind_the_proxy.get("/program", headers=cookies)
    assert "Signed in as" in dashboard.text
    signed_out = behind_the_proxy.post("/program/logout", data={"csrf_token": csrf_of(dashboard.text)}, headers=cookies, follow_redirects=False)
    assert signed_out.status_code == 303
    for header in (seed, session_cookie, set_cookie(signed_out, SESSION_COOKIE)):
        assert {"httponly", "samesite"} <= cookie_flags(header)
        assert ("secure" in cookie_flags(header)) is secure, header
    # The API's doors set the same cookies: its seed, the session it opens, and on signing out a new seed.
    behind_the_proxy = TestClient(app)  # a client with no cookie yet
    anonymous = behind_the_proxy.get("/api/v1/program/session")
    seed = set_cookie(anonymous, SEED_COOKIE)
    api_signed_in = behind_the_proxy.post(
        "/api/v1/program/session", json={"username": "olga", "password": PASSWORD}, headers={"cookie": seed.split(";")[0], "x-csrf-token": anonymous.json()["csrf_token"]}
    )
    assert api_signed_in.status_code == 200, api_signed_in.text
    session_cookie = set_cookie(api_signed_in, SESSION_COOKIE)
    api_signed_out = behind_the_proxy.delete("/api/v1/program/session", headers={"cookie": session_cookie.split(";")[0], "x-csrf-token": api_signed_in.json()["csrf_token"]})
    assert api_signed_out.status_code == 200, api_signed_out.text
    for header in (seed, session_cookie, set_cookie(api_signed_out, SESSION_COOKIE), set_cookie(api_signed_out, SEED_COOKIE)):
        assert ("secure" in cookie_flags(header)) is secure, header
