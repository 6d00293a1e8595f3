"""Accounts: users with a role (agency user, program officer, administrator), Argon2id password hashes, and the
`Actor` each user acts as. The public role has no account.

Passwords are never stored or logged in clear: the audit log records who added or disabled an account and its
role, never the password or its hash.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from g287 import audit
from g287.access import Actor, authorize
from g287.db.dialect import in_code_point_order
from g287.db.models.program import ApplicantAgency, LoginSession, User
from g287.errors import NotFound
from g287.program.validation import Checker, Conflict, InvalidInput, storable
from g287.wording import in_quotes, quoted

ACCOUNT_ROLES = ("agency_user", "program_officer", "administrator")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
# Actors the audit log names by these words, not by a user's id: an account so named could not be told from them
# (`g287 audit --actor system` answers the system's events, never the account's).
RESERVED_USERNAMES = ("public", "system")
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters


@cache
def _dummy_hash() -> str:
    """Verified when the user name is unknown, so a failed login takes as long whether or not the account exists."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def spend_a_verification(password: str) -> None:
    password_matches(_dummy_hash(), password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate_password() -> str:
    """A random password of 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


def normalize_username(username: str) -> str:
    """A user name as accounts are named and looked up. A character no record can hold (a NUL, which PostgreSQL
    refuses even in a query) becomes U+FFFD: no account is named so, and a refused login can still be recorded."""
    return storable((username or "").strip().lower())


def actor_for(user: User) -> Actor:
    """The actor an authenticated user acts as; agency users act for their applicant agency."""
    return Actor(role=user.role, label=f"user:{user.id}", user_id=user.id, agency_id=user.agency_id)


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    agency_id: int | None
    agency: str | None
    created_at: str
    disabled: bool

    @classmethod
    def of(cls, user: User, agency_name: str | None) -> "UserInfo":
        return cls(user.id, user.username, user.display_name, user.role, user.agency_id, agency_name, user.created_at.isoformat(), user.disabled_at is not None)


@dataclass(frozen=True)
class NewUser:
    user: UserInfo
    password: str | None  # the generated password, shown once; None when the caller chose it


def _public_fields(user: User) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "agency_id": user.agency_id, "disabled": user.disabled_at is not None}


def check_account(username: str, role: str, *, display_name: str | None = None, agency_id: int | None = None, password: str | None = None) -> None:
    """InvalidInput naming each field of an account that cannot be added, whatever the database holds (add_user
    checks them, with whether the agency exists and the name is free; the command line before it opens the database)."""
    check = Checker()
    _account_fields(check, username, role, display_name, agency_id, password, lambda _agency_id: True)
    check.done()


def _account_fields(check: Checker, username, role, display_name, agency_id, password, agency_exists) -> tuple[str, str]:
    """The user name and the name shown of an account, each field checked into `check`."""
    name = normalize_username(username)
    if not USERNAME.match(name):
        check.fail("username", "2 to 63 characters: letters, digits, dot, dash or underscore, starting with a letter or digit")
    elif name in RESERVED_USERNAMES:
        check.fail("username", f"{in_quotes(name)} is how the audit log names an actor that is no account: choose another name")
    check.choice("role", role, ACCOUNT_ROLES)
    shown = check.text("display_name", display_name, required=False, max_length=200) or name
    if role == "agency_user":
        if agency_id is None:
            check.fail("agency_id", "an agency user acts for one agency: name it")
        elif not agency_exists(agency_id):
            check.fail("agency_id", no_agency(agency_id))
    elif agency_id is not None:
        check.fail("agency_id", "only agency users act for an agency")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        check.fail("password", f"at least {MIN_PASSWORD_LENGTH} characters")
    return name, shown


def no_agency(agency_id: int) -> str:
    """How an account's agency_id naming no applicant agency is refused: on the site and the API as it is, and by
    the command line with where to find the ids (`g287 program agencies`, a command the site's users have not)."""
    return f"no applicant agency with id {agency_id}"


def add_user(session: Session, actor: Actor, username: str, role: str, *, display_name: str | None = None, agency_id: int | None = None, password: str | None = None) -> NewUser:
    """Add an account. Without a password, one is generated and returned once (never stored in clear)."""
    authorize(actor, "account.manage")
    check = Checker()
    name, shown = _account_fields(check, username, role, display_name, agency_id, password, lambda agency: session.get(ApplicantAgency, agency) is not None)
    check.done()
    generated = None
    if password is None:
        generated = password = generate_password()
    if session.scalars(select(User.id).where(User.username == name)).first() is not None:
        raise InvalidInput({"username": f"{in_quotes(name)} is taken"})
    now = dt.datetime.now(dt.timezone.utc)
    user = User(username=name, display_name=shown, role=role, agency_id=agency_id, password_hash=hash_password(password), created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    audit.record(session, actor, "account.add", "user", user.id, after=_public_fields(user))
    return NewUser(UserInfo.of(user, _agency_name(session, agency_id)), generated)


def _agency_name(session: Session, agency_id: int | None) -> str | None:
    if agency_id is None:
        return None
    agency = session.get(ApplicantAgency, agency_id)
    return agency.name if agency else None


def list_users(session: Session, actor: Actor) -> list[UserInfo]:
    authorize(actor, "account.manage")
    rows = session.execute(select(User, ApplicantAgency.name).outerjoin(ApplicantAgency, ApplicantAgency.id == User.agency_id).order_by(in_code_point_order(User.username)))
    return [UserInfo.of(user, agency) for user, agency in rows]


def check_account_name(username: str) -> str:
    """The user name as accounts are looked up by it; NotFound for an empty one, which names no account in any
    database (find_user checks it; the command line before it opens the database)."""
    name = normalize_username(username)
    if not name:
        raise _no_account(name)
    return name


def _no_account(name: str) -> NotFound:
    # As the site and the API answer it: the command line adds where to find the names (`g287 user list`).
    return NotFound(f"no account named {quoted(name)}")


def find_user(session: Session, username: str) -> User:
    name = check_account_name(username)
    user = session.scalars(select(User).where(User.username == name)).first()
    if user is None:
        raise _no_account(name)
    return user


def disable_user(session: Session, actor: Actor, username: str) -> UserInfo:
    """Disable an account and end its sessions at once. Accounts are never deleted: the audit log names them."""
    authorize(actor, "account.manage")
    # Locked and read again under the lock: of two administrators disabling the account at the same moment, the
    # second waits for the first to commit and is refused as the account is then disabled (not a second event).
    user = session.get(User, find_user(session, username).id, with_for_update=True, populate_existing=True)
    if user.disabled_at is not None:
        raise Conflict(f"the account {in_quotes(user.username)} is already disabled")
    if actor.user_id == user.id:
        raise Conflict("an administrator cannot disable their own account")
    before = _public_fields(user)
    now = dt.datetime.now(dt.timezone.utc)
    user.disabled_at = now
    ended = _end_sessions(session, user.id, now)
    session.flush()
    audit.record(session, actor, "account.disable", "user", user.id, before=before, after={**_public_fields(user), "sessions_ended": ended})
    return UserInfo.of(user, _agency_name(session, user.agency_id))


def change_password(session: Session, actor: Actor, current_password: str, new_password: str) -> None:
    """A logged-in user changes their own password; all their sessions end (the web asks them to log in again)."""
    authorize(actor, "account.change_own_password")
    if actor.user_id is None:
        raise Conflict("only a logged-in user can change their password")
    user = session.get(User, actor.user_id)
    if user is None or user.disabled_at is not None:
        raise Conflict("this account is disabled")
    if not password_matches(user.password_hash, current_password):
        raise InvalidInput({"current_password": "wrong password"})
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput({"new_password": f"at least {MIN_PASSWORD_LENGTH} characters"})
    now = dt.datetime.now(dt.timezone.utc)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    ended = _end_sessions(session, user.id, now)
    session.flush()
    audit.record(session, actor, "account.change_password", "user", user.id, after={"password_changed_at": now.isoformat(), "sessions_ended": ended})


def _end_sessions(session: Session, user_id: int, now: dt.datetime) -> list[int]:
    """End every live session of the account; their ids, for the event that ends them (a sign-out writes its own
    account.logout; these were ended with no word of which sessions)."""
    # Locked as a sign-out locks its session (auth._end_session): one ended at the same moment is not ended (and named)
    # again.
    live = select(LoginSession.id).where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)).order_by(LoginSession.id)
    ended = list(session.scalars(live.with_for_update()))
    if ended:
        session.execute(update(LoginSession).where(LoginSession.id.in_(ended)).values(ended_at=now))
    return ended
