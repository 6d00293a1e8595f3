"""Settings of the program workflow, read from the environment with documented defaults (README, "Program
workflow")."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from g287.config import env_count, env_number, home_dir, setting
from g287.errors import G287Error


def _number(name: str, default: float) -> float:
    return env_number(name, default, 0, above=True)


def program_files_dir() -> Path:
    """Where uploaded signed MOAs and the registry's published lists are kept (G287_PROGRAM_FILES_DIR)."""
    explicit = setting("G287_PROGRAM_FILES_DIR")
    return Path(explicit).expanduser() if explicit else home_dir() / "program-files"


def max_upload_bytes() -> int:
    """Largest signed MOA PDF accepted (G287_MAX_UPLOAD_MB, default 20)."""
    return int(_number("G287_MAX_UPLOAD_MB", 20) * 1024 * 1024)


def session_hours() -> float:
    """How long a login session lasts (G287_SESSION_HOURS, default 8)."""
    return _number("G287_SESSION_HOURS", 8)


def login_max_failures() -> int:
    """Failed logins for one account within the lockout window before it is locked (G287_LOGIN_MAX_FAILURES, 5)."""
    return env_count("G287_LOGIN_MAX_FAILURES", 5, 1, "failed logins")


def login_client_max_failures() -> int:
    """Failed logins from one client address within the window before it is locked (default 20)."""
    return env_count("G287_LOGIN_CLIENT_MAX_FAILURES", 20, 1, "failed logins")


def login_lockout_minutes() -> float:
    """The lockout window, in minutes (G287_LOGIN_LOCKOUT_MINUTES, default 15)."""
    return _number("G287_LOGIN_LOCKOUT_MINUTES", 15)


@cache
def _ephemeral_key() -> bytes:
    return secrets.token_bytes(32)


def secret_key() -> bytes:
    """The key that signs CSRF tokens (G287_SECRET_KEY). Without it, a random key per process: forms opened
    before a restart must be sent again, and several server processes would not accept each other's forms."""
    value = setting("G287_SECRET_KEY")
    if value:
        if len(value) < 32:
            raise G287Error("setting G287_SECRET_KEY: use at least 32 characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
        return value.encode()
    return _ephemeral_key()


def secret_key_is_set() -> bool:
    return setting("G287_SECRET_KEY") is not None


def check_settings() -> None:
    """One G287Error for a bad setting of the workflow, before the site serves: each is read at the first request
    that needs it (a login, an upload), which would answer an error page each time."""
    secret_key()
    max_upload_bytes()
    session_hours()
    login_max_failures()
    login_client_max_failures()
    login_lockout_minutes()
