"""Logging in: throttled password checks, server-side sessions, and CSRF tokens for every form.

- Throttling is stored in the database (`login_attempts`), so it survives restarts and holds across server
  processes: an account is locked after G287_LOGIN_MAX_FAILURES failures since its last success within the
  lockout window, and a client address after G287_LOGIN_CLIENT_MAX_FAILURES failures within the window, each for
  the window from the failure that locked it (an IPv6 client is counted by its /64 network: _client_key). A locked
  login is refused without checking the password and is not counted (the lock ends when it said it would); after
  the lock, failures are counted anew.
- Sessions are rows of `login_sessions`; the client holds a random token, the database only its SHA-256.
- CSRF tokens are signed with G287_SECRET_KEY and bound either to the login session or, before login, to a random
  seed the web layer keeps in a cookie; they expire with the session length.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from g287 import audit
from g287.access import Actor, authorize
from g287.db import dialect
from g287.db.engine import Database
from g287.db.models.program import LoginAttempt, LoginSession, User
from g287.db.times import as_utc
from g287.errors import AccessDenied, G287Error
from g287.program import accounts, settings
from g287.program.accounts import actor_for, hash_password, needs_rehash, normalize_username, password_matches, spend_a_verification
from g287.program.validation import InvalidInput
from g287.wording import counted

WRONG_CREDENTIALS = "wrong user name or password"  # also a disabled account's answer, whatever the password
KEEP_ATTEMPTS = dt.timedelta(days=1)  # attempts older than this (and than the window) are pruned
IPV6_CLIENT_PREFIX = 64  # an IPv6 client is counted by its network: one customer usually holds a /64


class LoginRefused(G287Error):
    """Wrong credentials (a disabled account's too), or a lockout; `retry_after` (seconds) is set for a lockout."""

    def __init__(self, message: str, retry_after: int | None = None):
        self.retry_after = retry_after
        super().__init__(message)


class CsrfRejected(AccessDenied):
    """A form was sent without a valid CSRF token."""


@dataclass(frozen=True)
class LoginResult:
    token: str  # give it to the client (an HttpOnly, Secure, SameSite cookie); never store it
    actor: Actor
    expires_at: dt.datetime


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _client_key(client: str | None) -> str:
    """What failed logins are counted by for the client address `client`: an IPv4 address itself (an IPv4-mapped
    IPv6 address, ::ffff:a.b.c.d, as that IPv4 address), an IPv6 address by its /64 network. One customer usually
    holds a whole /64: counted address by address, they would make the limit's guesses from each of its addresses.
    Anything else (no address, a name a test client gives) is counted as it is."""
    try:
        address = ipaddress.ip_address((client or "").strip())
    except ValueError:
        return (client or "unknown")[:64]
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.IPv6Network((address, IPV6_CLIENT_PREFIX), strict=False))
    return str(address)


def login(db: Database, username: str, password: str, client: str | None, *, replacing: str | None = None, now: dt.datetime | None = None) -> LoginResult:
    """Check a user name and password; on success open a session, and end the session the request arrived with
    (`replacing`, its token), in the same transaction: signing in again, as the same user or another, must not leave
    the old session alive for whoever holds its token. Failures are recorded (and committed) before the refusal is
    raised, so throttling sees them; a refused sign-in ends nothing."""
    authorize(Actor.public(), "account.login")
    now = now or utc_now()
    name = normalize_username(username)[:64]
    client_key = _client_key(client)
    refusal: LoginRefused | None = None
    result: LoginResult | None = None
    with db.session(writing=True) as session:  # reads the attempts, then records this one
        _one_check_at_a_time(session, name, client_key)
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - max(KEEP_ATTEMPTS, _window())))
        retry_after = _locked_for(session, name, client_key, now)
        if retry_after:
            refusal = LoginRefused(f"too many failed logins: try again in {counted(max(1, round(retry_after / 60)), 'minute')}", retry_after)
        else:
            # Locked as disable_user locks it: a sign-in begun while the account is being disabled waits for the
            # disable and is refused, instead of opening a session the disable did not see to end.
            user = session.scalars(select(User).where(User.username == name).with_for_update()).first()
            if user is None:
                spend_a_verification(password or "")
                refusal = LoginRefused(WRONG_CREDENTIALS)
            elif not password_matches(user.password_hash, password or "") or user.disabled_at is not None:
                # A disabled account is answered as a wrong password is, whatever the password: "disabled" for the
                # right one only would tell whoever tries passwords that they found it (the account may be enabled
                # again, the person may use it elsewhere), and "disabled" for any would tell which names exist.
                refusal = LoginRefused(WRONG_CREDENTIALS)
        if not retry_after:  # a refusal while locked checks nothing and is not counted: it would extend the lock
            session.add(LoginAttempt(at=now, username=name, client=client_key, succeeded=refusal is None))
        if refusal is None:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            token = secrets.token_urlsafe(32)
            expires_at = now + dt.timedelta(hours=settings.session_hours())
            login_session = LoginSession(user_id=user.id, token_sha256=token_digest(token), created_at=now, expires_at=expires_at)
            session.add(login_session)
            session.flush()
            _end_session(session, replacing, now, replaced_by=login_session.id)
            actor = actor_for(user)
            audit.record(session, actor, "account.login", "user", user.id, after={"session_id": login_session.id, "expires_at": expires_at.isoformat()})
            result = LoginResult(token, actor, expires_at)
    if refusal is not None:
        raise refusal
    return result


def change_password(db: Database, actor: Actor, current_password: str, new_password: str, client: str | None, *, now: dt.datetime | None = None) -> None:
    """A logged-in user changes their own password (accounts.change_password), the current password checked as a
    login is: a wrong one is recorded (and committed) as a failed login of the account and of the client, and once
    either is locked the password is not checked (LoginRefused with retry_after). Unthrottled, anyone holding a
    session (a cookie left on a shared computer) could try passwords without limit, then take the account."""
    now = now or utc_now()
    client_key = _client_key(client)
    refusal: G287Error | None = None
    with db.session(writing=True) as session:  # reads the attempts, then records this one
        user = session.get(User, actor.user_id) if actor.user_id is not None else None
        if user is not None:
            _one_check_at_a_time(session, user.username, client_key)
            # Read again under the lock a disable takes (after the turn, as a sign-in takes them): a change begun
            # while the account is being disabled waits for it and is refused, instead of changing its password.
            user = session.get(User, user.id, with_for_update=True, populate_existing=True)
        retry_after = _locked_for(session, user.username, client_key, now) if user is not None else 0
        if retry_after:
            refusal = LoginRefused(f"too many failed password checks: try again in {counted(max(1, round(retry_after / 60)), 'minute')}", retry_after)
        else:
            try:
                accounts.change_password(session, actor, current_password, new_password)  # any other refusal: raised, nothing kept
            except InvalidInput as error:
                if "current_password" not in error.fields:
                    raise
                refusal = error  # the service checks before it writes: only the attempt below is committed
            session.add(LoginAttempt(at=now, username=user.username, client=client_key, succeeded=refusal is None))
    if refusal is not None:
        raise refusal


def _one_check_at_a_time(session: Session, username: str, client: str) -> None:
    """Password checks of one account, or from one client, take turns: each counts the failures before it and records
    its own, so that guesses sent at the same moment cannot all be checked before the limit is seen (on PostgreSQL
    they would all have read the same count). The account first, then the client, always (see dialect.take_turns)."""
    dialect.take_turns(session.connection(), f"sign-in account {username}", f"sign-in client {client}")


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.login_lockout_minutes())


def _locked_for(session: Session, username: str, client: str, now: dt.datetime) -> int:
    """Seconds until this account and this client may try again (0: now)."""
    last_success = session.scalar(select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True)))
    waits = []
    for column, value, since, limit in (
        (LoginAttempt.username, username, as_utc(last_success) if last_success else None, settings.login_max_failures()),
        (LoginAttempt.client, client, None, settings.login_client_max_failures()),
    ):
        query = select(LoginAttempt.at).where(column == value, LoginAttempt.succeeded.is_(False))
        failures = session.scalars(query.where(LoginAttempt.at > since) if since else query).all()
        until = _lock_end(sorted(as_utc(at) for at in failures), limit, _window())
        if until is not None and until > now:
            waits.append((until - now).total_seconds())
    return int(max(waits)) + 1 if waits else 0


def _lock_end(failures: list[dt.datetime], limit: int, window: dt.timedelta) -> dt.datetime | None:
    """When the last lock of an account or client ends (None: never locked), from its failures in order (an account's
    since its last success): the `limit`-th failure within the window locks it for the window from then. Attempts
    while it is locked are refused unchecked and not recorded (any recorded then, by an earlier version, is passed
    over), so they cannot extend it; once it ends, failures are counted anew, none from before the lock's end."""
    counted: list[dt.datetime] = []
    until = None
    for at in failures:
        if until is not None and at < until:
            continue
        counted = [c for c in counted if c > at - window] + [at]
        if len(counted) >= limit:
            until, counted = at + window, []
    return until


def actor_for_token(session: Session, token: str | None, *, now: dt.datetime | None = None) -> Actor | None:
    """The actor of a live session (not ended, not expired, account not disabled); None otherwise."""
    if not token:
        return None
    now = now or utc_now()
    row = session.execute(
        select(User, LoginSession.expires_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_sha256 == token_digest(token), LoginSession.ended_at.is_(None), User.disabled_at.is_(None))
    ).first()
    if row is None or as_utc(row.expires_at) <= now:
        return None
    return actor_for(row.User)


def logout(session: Session, token: str | None) -> bool:
    """End a session (idempotent); returns whether a live session was ended."""
    return _end_session(session, token, utc_now())


def _end_session(session: Session, token: str | None, now: dt.datetime, *, replaced_by: int | None = None) -> bool:
    """End the session of this token unless it has ended already, writing `account.logout` for its user (with the
    session that replaced it, when a new sign-in ended it); returns whether a session was ended."""
    if not token:
        return False
    # Locked, and read again once any other change of it is committed (PostgreSQL re-reads a row it waited for): of two
    # sign-outs of one session at once, the second finds it ended, instead of ending it again with a second event.
    live = select(LoginSession).where(LoginSession.token_sha256 == token_digest(token), LoginSession.ended_at.is_(None))
    login_session = session.scalars(live.with_for_update()).first()
    if login_session is None:
        return False
    user = session.get(User, login_session.user_id)
    login_session.ended_at = now
    session.flush()
    ended = {"session_id": login_session.id} if replaced_by is None else {"session_id": login_session.id, "replaced_by_session_id": replaced_by}
    audit.record(session, actor_for(user), "account.logout", "user", user.id, after=ended)
    return True


# CSRF ---------------------------------------------------------------------------------------------------------


def new_csrf_seed() -> str:
    """A random value the web layer keeps in a cookie for visitors who are not logged in (the login form)."""
    return secrets.token_urlsafe(24)


def session_binding(session_token: str) -> str:
    """What a logged-in user's CSRF tokens are bound to: their session (never the token itself)."""
    return "session:" + token_digest(session_token)


def seed_binding(seed: str) -> str:
    return "seed:" + token_digest(seed)


def _signature(binding: str, message: str) -> str:
    return hmac.new(settings.secret_key(), f"csrf|{binding}|{message}".encode(), hashlib.sha256).hexdigest()


def csrf_token(binding: str, *, now: float | None = None) -> str:
    """A token to put in a form (hidden field) or an X-CSRF-Token header; valid for the session length."""
    message = f"{int(now if now is not None else time.time())}.{secrets.token_hex(8)}"
    return f"{message}.{_signature(binding, message)}"


def verify_csrf(token: str | None, binding: str, *, now: float | None = None) -> None:
    """Raise CsrfRejected unless the token was made for this binding by this installation and has not expired."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not (token or "").isascii() or not parts[0].isdigit():
        raise CsrfRejected("the form is missing its security token: reload the page and send it again")
    message = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _signature(binding, message)):
        raise CsrfRejected("the form's security token is not valid for this session: reload the page and send it again")
    age = (now if now is not None else time.time()) - int(parts[0])
    if age < -60 or age > settings.session_hours() * 3600:
        raise CsrfRejected("the form has expired: reload the page and send it again")
