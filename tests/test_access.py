"""The access-control function decides by role and by record."""

from types import SimpleNamespace

import pytest

from g287.access import Actor, access_rules, allowed, authorize
from g287.errors import AccessDenied


def test_ingest_only_by_the_operator():
    assert allowed(Actor.command_line(), "publication.ingest")
    assert not allowed(Actor.public(), "publication.ingest")
    with pytest.raises(AccessDenied):
        authorize(Actor.public(), "publication.ingest")


def test_own_agency_scope(monkeypatch):
    rules = dict(access_rules())
    rules["thing.edit"] = {"agency_user": "own_agency", "administrator": "any"}
    monkeypatch.setattr("g287.access.access_rules", lambda: rules)
    user = Actor(role="agency_user", label="user:1", user_id=1, agency_id=7)
    assert allowed(user, "thing.edit", SimpleNamespace(agency_id=7))
    assert not allowed(user, "thing.edit", SimpleNamespace(agency_id=8))
    assert not allowed(user, "thing.edit", None)
    assert not allowed(Actor(role="agency_user", label="user:2", user_id=2), "thing.edit", SimpleNamespace(agency_id=None))


def test_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        allowed(Actor.public(), "no.such.action")
