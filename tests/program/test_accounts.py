"""Accounts, login, sessions, throttling and CSRF: Argon2 hashes, never a password in clear; lockouts stored in
the database (they survive a restart); sessions that end, expire and die with a disabled account."""

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from g287.access import Actor
from g287.db.engine import Database
from g287.db.models.audit import AuditEvent
from g287.db.models.program import LoginAttempt, User
from g287.errors import AccessDenied
from g287.program import accounts, agencies, applications, auth
from g287.program.validation import Conflict, InvalidInput
from tests.program.racing import while_uncommitted
from tests.program.world import letter

ADMIN = Actor.command_line()


@pytest.fixture
def people(db):
    with db.session() as session:
        agency = agencies.create_agency(session, ADMIN, "Testville Police Department", "FL", "municipality")
        alice = accounts.add_user(session, ADMIN, "Alice", "agency_user", agency_id=agency.id)
        officer = accounts.add_user(session, ADMIN, "olga", "program_officer", password="correct horse battery")
    return {"agency": agency.id, "alice": alice, "officer": officer}


def test_passwords_are_argon2_hashes_and_never_logged(db, people):
    generated = people["alice"].password
    assert generated and len(generated) >= 20
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == "alice")).one()
        assert user.password_hash.startswith("$argon2id$") and generated not in user.password_hash
        assert user.agency_id == people["agency"] and accounts.actor_for(user) == Actor("agency_user", f"user:{user.id}", user.id, people["agency"])
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "account.add")).all()
    assert len(events) == 2
    for event in events:
        assert "password" not in str(event.after) and "argon2" not in str(event.after)
    assert people["officer"].password is None  # chosen by the caller: nothing to show


def test_a_password_hashed_with_other_parameters_is_hashed_again_at_sign_in(db, people):
    """Argon2's parameters are raised over the years (the library's recommendation): a hash made with others is made
    again, with the ones in use, when its password is next given right; a wrong password changes nothing. (The tests
    hash with the smallest cost, tests/conftest.py: the production parameters are "other" here.)"""
    from argon2 import PasswordHasher

    assert accounts._hasher.time_cost == 1  # the tests' own parameters, not the production ones below
    older = PasswordHasher().hash("correct horse battery")
    with db.session() as session:
        session.execute(text("UPDATE users SET password_hash = :hash WHERE username = 'olga'"), {"hash": older})
    with pytest.raises(auth.LoginRefused):
        auth.login(db, "olga", "wrong horse battery", "198.51.100.1")
    with db.session() as session:
        assert session.scalar(select(User.password_hash).where(User.username == "olga")) == older
    auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    with db.session() as session:
        again = session.scalar(select(User.password_hash).where(User.username == "olga"))
    assert again != older and not accounts.needs_rehash(again) and accounts.password_matches(again, "correct horse battery")
    assert PasswordHasher().check_needs_rehash(again)  # made with the parameters in use, the tests' ones


def test_the_production_parameters_are_argon2s_recommended_ones():
    """What a real process hashes with (the tests' processes use the smallest cost): the library's current
    recommendation, Argon2id with at least 64 MiB and three passes."""
    import json
    import subprocess
    import sys

    from argon2 import PasswordHasher

    code = "import json; from g287.program.accounts import _hasher as h; print(json.dumps([h.time_cost, h.memory_cost, h.parallelism, h.type.name]))"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    recommended = PasswordHasher()
    assert json.loads(shown.stdout) == [recommended.time_cost, recommended.memory_cost, recommended.parallelism, "ID"]
    assert recommended.time_cost >= 3 and recommended.memory_cost >= 65536


def test_login_opens_a_session_whose_actor_acts_for_the_agency(db, people):
    result = auth.login(db, "ALICE ", people["alice"].password, "203.0.113.5")
    assert result.actor.role == "agency_user" and result.actor.agency_id == people["agency"]
    with db.session() as session:
        assert auth.actor_for_token(session, result.token) == result.actor
        assert auth.actor_for_token(session, result.token + "x") is None
        assert auth.actor_for_token(session, None) is None
        stored = session.execute(text("SELECT token_sha256 FROM login_sessions")).scalar()
        assert stored == auth.token_digest(result.token) and result.token not in stored
        assert auth.logout(session, result.token) is True
    with db.session() as session:
        assert auth.actor_for_token(session, result.token) is None
        assert auth.logout(session, result.token) is False


def test_signing_in_again_ends_the_session_it_replaces(db, people):
    first = auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    with pytest.raises(auth.LoginRefused):
        auth.login(db, "olga", "wrong", "198.51.100.1", replacing=first.token)  # refused: ends nothing
    second = auth.login(db, "alice", people["alice"].password, "198.51.100.1", replacing=first.token)
    with db.session() as session:
        assert auth.actor_for_token(session, first.token) is None
        assert auth.actor_for_token(session, second.token) == second.actor


def test_sessions_expire(db, people, monkeypatch):
    monkeypatch.setenv("G287_SESSION_HOURS", "1")
    result = auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    with db.session() as session:
        assert auth.actor_for_token(session, result.token, now=result.expires_at - dt.timedelta(minutes=1)) is not None
        assert auth.actor_for_token(session, result.token, now=result.expires_at) is None


def test_wrong_passwords_lock_the_account_even_across_a_restart(db, people):
    for _ in range(5):
        with pytest.raises(auth.LoginRefused, match="wrong user name or password"):
            auth.login(db, "olga", "not the password", "198.51.100.1")
    restarted = Database(db.url)  # a new engine: nothing kept in memory
    try:
        with pytest.raises(auth.LoginRefused, match="too many failed logins") as refused:
            auth.login(restarted, "olga", "correct horse battery", "198.51.100.2")
        assert 0 < refused.value.retry_after <= 15 * 60 + 1
        later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=16)
        assert auth.login(restarted, "olga", "correct horse battery", "198.51.100.2", now=later).actor.role == "program_officer"
    finally:
        restarted.dispose()


def test_tries_while_locked_neither_count_nor_extend_the_lock(db, people):
    """A sign-in tried while the account was locked was recorded as another failure: trying once a minute kept it
    locked for good, each Retry-After right at the time. The lock ends the window after the failure that locked it;
    then failures are counted anew (the failures before the lock do not lock it again at the next wrong password)."""
    start = auth.utc_now()
    at = lambda minutes, seconds=0: start + dt.timedelta(minutes=minutes, seconds=seconds)  # noqa: E731
    for second in range(5):
        with pytest.raises(auth.LoginRefused, match="wrong user name or password"):
            auth.login(db, "olga", "not the password", "198.51.100.1", now=at(0, second))
    locked_from = at(0, 4)  # the fifth failure
    for minute in range(1, 15):
        with pytest.raises(auth.LoginRefused, match="too many failed logins") as refused:
            auth.login(db, "olga", "correct horse battery", "198.51.100.1", now=at(minute))
        assert refused.value.retry_after == int((locked_from + dt.timedelta(minutes=15) - at(minute)).total_seconds()) + 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 5  # the refusals were not counted
    ends = locked_from + dt.timedelta(minutes=15)
    for second in range(4):  # counted anew: four failures lock nothing
        with pytest.raises(auth.LoginRefused, match="wrong user name or password"):
            auth.login(db, "olga", "not the password", "198.51.100.1", now=ends + dt.timedelta(seconds=second))
    assert auth.login(db, "olga", "correct horse battery", "198.51.100.1", now=ends + dt.timedelta(seconds=5)).actor.role == "program_officer"


def test_a_success_resets_the_account_count(db, people):
    for _ in range(4):
        with pytest.raises(auth.LoginRefused):
            auth.login(db, "olga", "nope", "198.51.100.1")
    auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    with pytest.raises(auth.LoginRefused, match="wrong"):
        auth.login(db, "olga", "nope", "198.51.100.1")  # one failure since the success: not locked


def test_one_client_guessing_many_accounts_is_locked(db, people, monkeypatch):
    monkeypatch.setenv("G287_LOGIN_CLIENT_MAX_FAILURES", "3")
    for name in ("a1", "a2", "a3"):
        with pytest.raises(auth.LoginRefused, match="wrong"):
            auth.login(db, name, "guess", "192.0.2.66")
    with pytest.raises(auth.LoginRefused, match="too many"):
        auth.login(db, "olga", "correct horse battery", "192.0.2.66")
    assert auth.login(db, "olga", "correct horse battery", "192.0.2.67").actor.role == "program_officer"


@pytest.mark.parametrize(
    "guesses_from, then_from, locked",
    [
        # One customer's /64: every address of it is the same client.
        (("2001:db8:7:1::1", "2001:db8:7:1::2", "2001:db8:7:1:ffff:ffff:ffff:ffff"), "2001:db8:7:1:abcd::9", True),
        (("2001:db8:7:1::1", "2001:DB8:7:1:0:0:0:2", "2001:db8:7:1::3"), "2001:db8:7:2::1", False),  # the next /64: another client
        # An IPv4-mapped IPv6 address is its IPv4 address, and IPv4 addresses stay each a client of its own.
        (("::ffff:192.0.2.70", "192.0.2.70", "::ffff:c000:246"), "192.0.2.70", True),
        (("192.0.2.70", "192.0.2.70", "192.0.2.70"), "192.0.2.71", False),
    ],
)
def test_a_client_is_counted_by_its_ipv6_network(db, people, monkeypatch, guesses_from, then_from, locked):
    """Rotating addresses within one IPv6 /64 (which one customer usually holds) dodged the per-client limit: each
    address was counted apart. The account's own limit is not involved: each guess names another account."""
    monkeypatch.setenv("G287_LOGIN_CLIENT_MAX_FAILURES", "3")
    for name, client in zip(("a1", "a2", "a3"), guesses_from):
        with pytest.raises(auth.LoginRefused, match="wrong"):
            auth.login(db, name, "guess", client)
    if locked:
        with pytest.raises(auth.LoginRefused, match="too many"):
            auth.login(db, "olga", "correct horse battery", then_from)
    else:
        assert auth.login(db, "olga", "correct horse battery", then_from).actor.role == "program_officer"


def test_disabling_ends_sessions_and_refuses_login(db, people):
    session_token = auth.login(db, "alice", people["alice"].password, "203.0.113.5").token
    with db.session() as session:
        info = accounts.disable_user(session, ADMIN, "alice")
    assert info.disabled
    with db.session() as session:
        assert auth.actor_for_token(session, session_token) is None
        with pytest.raises(Conflict, match="already disabled"):
            accounts.disable_user(session, ADMIN, "alice")
    # Refused as a wrong password is, whatever the password: "disabled" only for the right one told that it is right.
    answers = set()
    for password in (people["alice"].password, "not alice's password"):
        with pytest.raises(auth.LoginRefused) as refused:
            auth.login(db, "alice", password, "203.0.113.5")
        answers.add((str(refused.value), refused.value.retry_after))
    assert answers == {("wrong user name or password", None)}


def test_bad_accounts_are_refused_with_the_field_named(db, people):
    with db.session() as session:
        for call, field in (
            (lambda: accounts.add_user(session, ADMIN, "alice", "program_officer"), "username"),
            (lambda: accounts.add_user(session, ADMIN, "bob", "agency_user"), "agency_id"),
            (lambda: accounts.add_user(session, ADMIN, "bob", "program_officer", agency_id=people["agency"]), "agency_id"),
            (lambda: accounts.add_user(session, ADMIN, "bob", "superuser"), "role"),
            (lambda: accounts.add_user(session, ADMIN, "b ob!", "administrator"), "username"),
            (lambda: accounts.add_user(session, ADMIN, "bob", "administrator", password="short"), "password"),
        ):
            with pytest.raises(InvalidInput) as error:
                call()
            assert field in error.value.fields


@pytest.mark.parametrize("name", ["system", "public", " System "])
def test_a_user_name_the_audit_log_gives_to_another_actor_is_refused(db, people, name):
    # `g287 audit --actor system` reads the system's events: an account named so would have its own read as none.
    with db.session() as session:
        with pytest.raises(InvalidInput) as error:
            accounts.add_user(session, ADMIN, name, "administrator")
        assert "audit log" in error.value.fields["username"]
        assert session.scalar(select(func.count(User.id)).where(User.username == name.strip().lower())) == 0


def test_only_administrators_manage_accounts(db, people):
    with db.session() as session:
        for actor in (Actor.public(), Actor("program_officer", "user:2", 2), Actor("agency_user", "user:1", 1, people["agency"])):
            with pytest.raises(AccessDenied):
                accounts.list_users(session, actor)
            with pytest.raises(AccessDenied):
                accounts.add_user(session, actor, "mallory", "administrator")


def test_changing_a_password_ends_every_session(db, people):
    result = auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    with db.session() as session:
        with pytest.raises(InvalidInput):
            accounts.change_password(session, result.actor, "wrong", "a new long password")
        accounts.change_password(session, result.actor, "correct horse battery", "a new long password")
    with db.session() as session:
        assert auth.actor_for_token(session, result.token) is None
    assert auth.login(db, "olga", "a new long password", "198.51.100.1").actor.role == "program_officer"


def test_checks_of_the_current_password_are_throttled_as_logins_are(db, people):
    """A session (a cookie left on a shared computer) allowed unlimited guesses at the current password, each
    refused with 422 and none recorded: then the account was taken by changing the password."""
    holder = auth.login(db, "olga", "correct horse battery", "198.51.100.1").actor
    for _ in range(5):
        with pytest.raises(InvalidInput, match="current_password"):
            auth.change_password(db, holder, "a guess", "a new long password", "203.0.113.9")
    with pytest.raises(auth.LoginRefused, match="too many failed password checks") as locked:
        auth.change_password(db, holder, "correct horse battery", "a new long password", "203.0.113.9")
    assert locked.value.retry_after > 0
    with pytest.raises(auth.LoginRefused, match="too many"):  # the same count as logins: the account is locked
        auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    later = auth.utc_now() + dt.timedelta(minutes=16)
    auth.change_password(db, holder, "correct horse battery", "a new long password", "203.0.113.9", now=later)
    assert auth.login(db, "olga", "a new long password", "198.51.100.1", now=later).actor.role == "program_officer"
    with pytest.raises(InvalidInput, match="new_password"):  # a short new password is no failed check
        auth.change_password(db, holder, "a new long password", "short", "203.0.113.9", now=later)
    with db.session() as session:
        attempts = session.scalars(select(LoginAttempt.succeeded).where(LoginAttempt.client == "203.0.113.9").order_by(LoginAttempt.id)).all()
    assert attempts == [False] * 5 + [True]


def test_csrf_tokens(monkeypatch):
    monkeypatch.setenv("G287_SECRET_KEY", "k" * 40)
    binding = auth.session_binding("a-session-token")
    token = auth.csrf_token(binding)
    auth.verify_csrf(token, binding)
    for bad in (None, "", "garbage", token + "0", token.replace(".", ".0", 1)):
        with pytest.raises(auth.CsrfRejected):
            auth.verify_csrf(bad, binding)
    with pytest.raises(auth.CsrfRejected):
        auth.verify_csrf(token, auth.session_binding("another-session"))  # another session's token
    seed = auth.new_csrf_seed()
    with pytest.raises(auth.CsrfRejected):
        auth.verify_csrf(auth.csrf_token(auth.seed_binding(seed)), binding)  # a login-form token is not a session token
    old = auth.csrf_token(binding, now=1_000_000)
    with pytest.raises(auth.CsrfRejected, match="expired"):
        auth.verify_csrf(old, binding)
    monkeypatch.setenv("G287_SECRET_KEY", "z" * 40)
    with pytest.raises(auth.CsrfRejected):
        auth.verify_csrf(token, binding)  # signed with another installation's key
    assert isinstance(auth.CsrfRejected("x"), AccessDenied)


def test_signing_in_and_out_leaves_the_public_data_version_alone(db, people):
    from g287.registry.queries import data_version

    with db.session() as session:
        before = data_version(session)
    result = auth.login(db, "olga", "correct horse battery", "203.0.113.9")
    with db.session() as session:
        auth.logout(session, result.token)
    with db.session() as session:
        assert data_version(session) == before  # the site's cache and ETags stay valid
        # A change the public sees: a letter (the registry's pending list). An applicant agency's creation alone is
        # seen by no public page.
        applications.submit_letter(session, ADMIN, people["agency"], letter(models=("JEM",)), today=dt.date(2025, 7, 1))
    with db.session() as session:
        assert data_version(session).token != before.token


@pytest.mark.parametrize("change", [False, True], ids=["sign-in", "password change"])
@pytest.mark.parametrize("clients", [["198.51.100.1"] * 16, [f"198.51.100.{n}" for n in range(1, 17)]], ids=["one client", "many clients"])
def test_guesses_sent_at_once_are_checked_no_more_than_the_limit(db, people, clients, change):
    """Each check counts the failures before it: guesses sent at the same moment take turns. (On PostgreSQL all 16
    read the same count before any recorded its failure, so all 16 passwords were checked: no limit at all.)"""
    import threading

    checked, locked = [], []
    start = threading.Barrier(len(clients))
    holder = auth.login(db, "olga", "correct horse battery", "203.0.113.1").actor if change else None

    def guess(number: int, client: str) -> None:
        start.wait()
        try:
            if change:
                auth.change_password(db, holder, f"guess {number}", "a new long password", client)
            else:
                auth.login(db, "olga", f"guess {number}", client)
        except InvalidInput:
            checked.append(number)
        except auth.LoginRefused as refused:
            (locked if "too many" in str(refused) else checked).append(number)

    threads = [threading.Thread(target=guess, args=(n, c)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(checked) == 5 and len(locked) == len(clients) - 5  # the account's limit (G287_LOGIN_MAX_FAILURES)


def test_readme_states_the_password_minimum_the_code_enforces():
    """README said nothing of the minimum length a password is refused below."""
    from pathlib import Path

    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").split())
    assert f"A password is at least {accounts.MIN_PASSWORD_LENGTH} characters long" in readme


def test_disabling_an_account_or_changing_its_password_names_the_sessions_it_ends(db, people):
    """A sign-out writes account.logout naming its session; the sessions a disable or a password change ended were
    named nowhere."""
    from g287.db.models.program import LoginSession

    def ended_by(action: str) -> list:
        with db.session() as session:
            return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).one().after["sessions_ended"]

    first = auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    second = auth.login(db, "olga", "correct horse battery", "198.51.100.2")
    with db.session() as session:
        live = sorted(session.scalars(select(LoginSession.id).where(LoginSession.ended_at.is_(None))))
        accounts.change_password(session, first.actor, "correct horse battery", "a longer new password 287")
    assert ended_by("account.change_password") == live and len(live) == 2
    third = auth.login(db, "olga", "a longer new password 287", "198.51.100.3")
    with db.session() as session:
        (mine,) = session.scalars(select(LoginSession.id).where(LoginSession.ended_at.is_(None)))
        accounts.disable_user(session, ADMIN, "olga")
    assert ended_by("account.disable") == [mine]
    with db.session() as session:
        assert all(auth.actor_for_token(session, r.token) is None for r in (first, second, third))


def test_a_session_signed_out_twice_at_once_is_ended_once(db, people):
    """Two sign-outs of one session at the same moment (a double click, two tabs): the second waits for the first and
    finds the session ended. On PostgreSQL both read it live before either committed, and both ended it: two
    account.logout events for one sign-out."""
    signed_in = auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    outcome: list[bool] = []

    def sign_out() -> None:
        with db.session(writing=True) as session:
            outcome.append(auth.logout(session, signed_in.token))

    assert while_uncommitted(db, lambda session: auth.logout(session, signed_in.token), sign_out) is True  # the second sign-out reads the session while the first is not yet committed
    assert outcome == [False]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "account.logout")) == 1


def test_a_sign_out_while_the_password_changes_ends_the_session_once(db, people):
    """A password change ends every session of the account, naming them in its event; a sign-out of one of them at
    the same moment either ends it first (the change then names it no more) or finds it ended (no event of its own)."""
    signed_in = auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    outcome: list[bool] = []

    def sign_out() -> None:
        with db.session(writing=True) as session:
            outcome.append(auth.logout(session, signed_in.token))

    while_uncommitted(db, lambda session: accounts.change_password(session, signed_in.actor, "correct horse battery", "a longer new password 287"), sign_out)
    assert outcome == [False]
    with db.session() as session:
        events = session.scalars(select(AuditEvent.action).where(AuditEvent.action.in_(("account.logout", "account.change_password")))).all()
    assert events == ["account.change_password"]


def test_a_password_change_while_the_session_signs_out_names_it_not(db, people):
    """The other order: the sign-out first, the password change waits for it and ends (and names) no session."""
    signed_in = auth.login(db, "olga", "correct horse battery", "198.51.100.1")

    def change() -> None:
        with db.session(writing=True) as session:
            accounts.change_password(session, signed_in.actor, "correct horse battery", "a longer new password 287")

    assert while_uncommitted(db, lambda session: auth.logout(session, signed_in.token), change) is True
    with db.session() as session:
        changed = session.scalars(select(AuditEvent).where(AuditEvent.action == "account.change_password")).one()
    assert changed.after["sessions_ended"] == []


def test_a_sign_in_while_the_account_is_being_disabled_is_refused(db, people):
    """A sign-in begun while an administrator disables the account waits for the disable and is refused as a
    disabled account is. On PostgreSQL it read the account as it was before, signed in (an account.login event after
    the disable) and kept a session the disable had not seen to end."""
    outcome: list[str] = []

    def sign_in() -> None:
        try:
            auth.login(db, "olga", "correct horse battery", "198.51.100.1")
            outcome.append("signed in")
        except auth.LoginRefused as refused:
            outcome.append(str(refused))

    while_uncommitted(db, lambda session: accounts.disable_user(session, ADMIN, "olga"), sign_in)  # the sign-in reads the account while the disable is not yet committed
    assert outcome == [auth.WRONG_CREDENTIALS]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "account.login")) == 0


def test_a_password_change_while_the_account_is_being_disabled_is_refused(db, people):
    """A password change begun while an administrator disables the account waits for the disable and is refused as
    one of a disabled account is. On PostgreSQL it read the account as it was before and changed the disabled
    account's password (an account.change_password event after the disable)."""
    signed_in = auth.login(db, "olga", "correct horse battery", "198.51.100.1")
    outcome: list[str] = []

    def change() -> None:
        try:
            auth.change_password(db, signed_in.actor, "correct horse battery", "a longer new password 287", "198.51.100.1")
            outcome.append("changed")
        except Conflict as refused:
            outcome.append(str(refused))

    while_uncommitted(db, lambda session: accounts.disable_user(session, ADMIN, "olga"), change)  # the change reads the account while the disable is not yet committed
    assert outcome == ["this account is disabled"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "account.change_password")) == 0
