"""The public site's validators (the data version: the response cache's key, every public response's ETag and
Last-Modified) move on the changes a public response reads, and on no other: an MOA's draft and an applicant
agency's new address moved them, telling anyone polling a public page when the program office drafted an MOA or an
agency moved. Which actions are public is g287/data/rules/audit_actions.toml; every action the code writes is in it."""

from __future__ import annotations

import re
import time
import tomllib
import warnings
from pathlib import Path

import pytest

import g287
from g287.config import DATA_DIR
from g287.program import agencies, moas
from g287.registry.queries import audit_actions, data_version
from g287.web.app import create_app
from tests.program.world import OFFICER, TODAY, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PACKAGE = Path(g287.__file__).resolve().parent
# An action as the code writes it: the third argument of audit.record(session, actor, "x.y", ...), or the action of
# an event inserted as a statement (the system's links of applicant agencies, g287.program.agencies).
RECORDED = re.compile(r"audit\.record\(\s*\w+,\s*[\w.()]+,\s*\"([a-z_.]+)\"")
INSERTED = re.compile(r"insert\(AuditEvent\)\.values\(.{0,400}?\baction=\"([a-z_.]+)\"", re.DOTALL)


def actions_written() -> set[str]:
    written: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        recorded, inserted = RECORDED.findall(text), INSERTED.findall(text)
        # Every event names its action as a literal, so that this list is complete (one that computed it would be missed).
        assert len(recorded) == text.count("audit.record(") and len(inserted) == text.count("insert(AuditEvent)"), f"{path}: an event whose action is not a literal"
        written |= set(recorded) | set(inserted)
    return written


def test_every_action_the_code_writes_is_classified_once():
    with open(DATA_DIR / "rules" / "audit_actions.toml", "rb") as handle:
        rules = tomllib.load(handle)
    kinds = [set(rules["private"]), set(rules["public"]), set(rules["public_fields"])]
    written = actions_written()
    assert len(written) >= 35 and {"moa.draft", "agency.update", "agency.link", "publication.ingest"} <= written
    listed = set().union(*kinds)
    assert written - listed == set(), "add each to g287/data/rules/audit_actions.toml, with whether a public response reads what it changes"
    assert listed - written == set(), "actions no code writes"
    assert sum(len(kind) for kind in kinds) == len(listed)  # each in one kind only
    assert all(reason.strip() for kind in ("private", "public") for reason in rules[kind].values())
    assert set(rules["read_through_applications"]["actions"]) <= set(rules["public"]) | set(rules["public_fields"])


def test_the_public_fields_of_an_agency_are_those_the_public_views_give(db):
    """Which of an applicant agency's fields are public is read from the public view itself (name, state, type,
    county and the registry agency), so that a field added to the view is a public change."""
    from g287.program import views

    with db.session() as session:
        world = build(session, "submitted")
        shown = views.public_application(session, views.Actor.public(), world.application)["agency"]
    assert set(audit_actions().public_fields["agency.update"]) == set(shown)


def _validators(client) -> tuple[str, str]:
    answer = client.get("/api/v1/program/public/pending")
    assert answer.status_code == 200
    stats = client.get("/api/v1/stats")
    assert stats.headers["last-modified"] == answer.headers["last-modified"]  # one time for every public response
    return answer.headers["last-modified"], answer.headers["etag"]


def _update(session, agency_id, **changes):
    agency = agencies.get_agency(session, OFFICER, agency_id)
    fields = {"name": agency.name, "state": agency.state_usps, "agency_type": agency.agency_type, "county": agency.county_text, "address": agency.address}
    agencies.update_agency(session, OFFICER, agency_id, **{**fields, **changes})


PRIVATE_CHANGES = {
    "moa.draft": lambda session, w: moas.draft_moa(session, OFFICER, w.tfm, today=TODAY),
    "agency.update of its address": lambda session, w: _update(session, w.agency_a, address="2 Other Road\nTestville, FL 32001"),
    "agency.update of its address, once more": lambda session, w: _update(session, w.agency_a, address=None),
    # Agency B has sent no letter: no public view reads it (they read applicant agencies through their letters).
    "agency.update of an agency with no letter": lambda session, w: _update(session, w.agency_b, name="Otherton City Police Department"),
    "agency.link of an agency with no letter": lambda session, w: agencies.link_agency(session, OFFICER, w.agency_b, None),
}


@pytest.mark.parametrize(
    "public_change",
    [
        pytest.param(lambda session, w: _update(session, w.agency_a, county="Otherton County"), id="its county"),
        pytest.param(lambda session, w: _update(session, w.agency_a, name="Testville County Sheriffs Department"), id="its name"),
        pytest.param(lambda session, w: _update(session, w.agency_a, agency_type="other", address="3 Third Road"), id="its type and address"),
    ],
)
def test_a_private_change_leaves_the_public_validators_alone_a_public_one_moves_them(db, monkeypatch, public_change):
    monkeypatch.setenv("G287_WEB_VERSION_SECONDS", "0")  # the site reads the data version at each request
    with db.session() as session:
        world = build(session, "submitted")
    with TestClient(create_app(db)) as client:
        before = _validators(client)
        with db.session() as session:
            version = data_version(session)
        time.sleep(1.1)  # Last-Modified counts seconds: a change made now would show in it
        for name, private_change in PRIVATE_CHANGES.items():
            with db.session() as session:
                private_change(session, world)
            with db.session() as session:
                assert data_version(session) == version, name
            assert _validators(client) == before, name
        with db.session() as session:
            public_change(session, world)
        with db.session() as session:
            assert data_version(session).token != version.token
        last_modified, etag = _validators(client)
        assert last_modified != before[0] and etag != before[1]  # the pending list shows the agency as changed


def test_unlinking_an_agency_with_a_letter_moves_the_data_version(db):
    """The other side of the private changes above: the same unlinking, of agency A, which has sent a letter."""
    with db.session() as session:
        world = build(session, "submitted")
        version = data_version(session)
    with db.session() as session:
        agencies.link_agency(session, OFFICER, world.agency_a, None)
    with db.session() as session:
        assert data_version(session).token != version.token
