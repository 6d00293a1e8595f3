"""Access control: one function decides every action (who may do what to which record).

The rules are data (g287/data/rules/access/*.toml, one file per concern). Services call `authorize` before they change anything, so the
command line, the web forms and the JSON API share the same checks; no check lives only in a template.
"""

from __future__ import annotations

import getpass
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from g287.config import DATA_DIR
from g287.errors import AccessDenied

ROLES = ("public", "agency_user", "program_officer", "administrator")


@dataclass(frozen=True)
class Actor:
    """Who acts: a role, and for agency users the agency they act for."""

    role: str
    label: str  # as written in the audit log: "user:12", "cli:alice", "public"
    user_id: int | None = None
    agency_id: int | None = None

    @classmethod
    def command_line(cls) -> "Actor":
        """Whoever runs the `g287` command operates the installation."""
        try:
            user = getpass.getuser()
        except Exception:  # no user name in some containers
            user = "unknown"
        return cls(role="administrator", label=f"cli:{user}")

    @classmethod
    def public(cls) -> "Actor":
        return cls(role="public", label="public")


@cache
def _rules() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Each action's scopes per role, and what the action is, in words (its `what`, for the refusals people read)."""
    rules: dict[str, dict[str, str]] = {}
    texts: dict[str, str] = {}
    for path in sorted((DATA_DIR / "rules" / "access").glob("*.toml")):
        with open(path, "rb") as handle:
            for action, entry in tomllib.load(handle).get("actions", {}).items():
                if action in rules:
                    raise ValueError(f"{path.name}: action {action!r} is already defined in another access file")
                scopes = dict(entry)
                what = scopes.pop("what", None)
                if not isinstance(what, str) or not what.strip():
                    raise ValueError(f"{path.name}: action {action!r} has no what = \"...\": say what it does, for the refusals people read")
                unknown = set(scopes) - set(ROLES)
                if unknown or set(scopes.values()) - {"any", "own_agency"}:
                    raise ValueError(f"{path.name}: action {action!r} names an unknown role or scope")
                rules[action], texts[action] = scopes, what
    return rules, texts


def access_rules() -> dict[str, dict[str, str]]:
    """For each action, the scope ("any" or "own_agency") of each role allowed to do it."""
    return _rules()[0]


def action_text(action: str) -> str:
    """What the action does, in words ("record a nominee's background investigation result")."""
    return _rules()[1].get(action, action)


def allowed(actor: Actor, action: str, record: Any = None) -> bool:
    rules = access_rules()
    if action not in rules:
        raise KeyError(f"unknown action {action!r}: add it to a file in data/rules/access/")
    scope = rules[action].get(actor.role)
    if scope == "any":
        return True
    if scope == "own_agency":
        agency_id = getattr(record, "agency_id", None) if record is not None else None
        return actor.agency_id is not None and agency_id == actor.agency_id
    return False


ROLE_NAMES = {"public": "the public", "agency_user": "an agency user", "program_officer": "a program officer", "administrator": "an administrator"}
ROLES_PLURAL = {"agency_user": "agency users", "program_officer": "program officers", "administrator": "administrators"}


def role_name(actor: Actor) -> str:
    """The actor's role in words ("an agency user"), for the refusals people read."""
    return ROLE_NAMES.get(actor.role, actor.role)


def authorize(actor: Actor, action: str, record: Any = None) -> None:
    """Raise AccessDenied unless the actor may perform the action on the record."""
    if not allowed(actor, action, record):
        raise AccessDenied(refusal(actor, action), action=action)


def refusal(actor: Actor, action: str) -> str:
    """Why the actor may not do the action, as a person reads it: what they may not do, and why (their role, or the
    agency their account acts for). The action's name for programs is AccessDenied.action."""
    what = action_text(action)
    if access_rules()[action].get(actor.role) == "own_agency":
        acts_for = f"applicant agency {actor.agency_id}" if actor.agency_id is not None else "no agency"
        return f"an agency user may {what} for the agency their account acts for only: this account acts for {acts_for}"
    scopes = access_rules()[action]
    who = [ROLES_PLURAL[role] + (" (for their own agency)" if scopes[role] == "own_agency" else "") for role in ROLES if role in scopes and role in ROLES_PLURAL]
    only = f"only {' and '.join(who) if len(who) < 3 else ', '.join(who[:-1]) + ' and ' + who[-1]} may" if who else "no one may"
    if actor.role == "public":
        return f"sign in to {what}: {only}"
    return f"{role_name(actor)} may not {what}: {only}"
