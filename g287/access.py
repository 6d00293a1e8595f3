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
def access_rules() -> dict[str, dict[str, str]]:
    rules: dict[str, dict[str, str]] = {}
    for path in sorted((DATA_DIR / "rules" / "access").glob("*.toml")):
        with open(path, "rb") as handle:
            for action, scopes in tomllib.load(handle).get("actions", {}).items():
                if action in rules:
                    raise ValueError(f"{path.name}: action {action!r} is already defined in another access file")
                unknown = set(scopes) - set(ROLES)
                if unknown or set(scopes.values()) - {"any", "own_agency"}:
                    raise ValueError(f"{path.name}: action {action!r} names an unknown role or scope")
                rules[action] = scopes
    return rules


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


def authorize(actor: Actor, action: str, record: Any = None) -> None:
    """Raise AccessDenied unless the actor may perform the action on the record."""
    if not allowed(actor, action, record):
        raise AccessDenied(f"{actor.label} ({actor.role}) may not {action}")
