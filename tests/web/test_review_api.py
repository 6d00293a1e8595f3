"""GET /api/v1/review: the possible merges of agency names waiting for a person's decision, as `g287 review` lists
them (only the command line gave them; the about page counts them). Who decided and their notes are not in it."""

from __future__ import annotations

import json
import warnings

import pytest

from g287.access import Actor
from g287.history import review
from g287.history.names import identity_rules
from g287.web.app import create_app
from tests.history.builders import Publisher, row
from tests.in_process import run_g287

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

TYPO, RIGHT = "Alachua Police Departent", "Alachua Police Department"


@pytest.fixture
def waiting(db, tmp_path, monkeypatch):
    """Two spellings a letter apart, with different signed dates: a merge waiting for review."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("state,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
    pub = Publisher(db, tmp_path)
    pub.publish("participating", "2025-05-16", [row("FL", TYPO, "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-29", [row("FL", RIGHT, "TFM", "2025-04-02")])
    return db


def test_the_api_lists_what_g287_review_lists(waiting):
    status, out, _err = run_g287(waiting.url, "review", "--json")
    [listed] = json.loads(out)
    assert status == 0 and listed["status"] == "pending"
    with TestClient(create_app(waiting)) as client:
        answer = client.get("/api/v1/review")
        assert client.get("/api/v1").json()["resources"]["review"] == "/api/v1/review"
    assert answer.status_code == 200
    body = answer.json()
    rules = identity_rules()
    assert body["threshold"] == rules.threshold and body["review_floor"] == rules.review_floor
    [candidate] = body["candidates"]
    assert {candidate["name"], candidate["candidate_name"]} == {TYPO, RIGHT} and candidate["state"] == "FL"
    assert candidate == {k: v for k, v in listed.items() if k not in ("status", "decided_by", "note", "superseded")}
    assert rules.review_floor <= candidate["confidence"] < rules.threshold


def test_a_decided_merge_leaves_the_list(waiting):
    with waiting.session() as session:
        [candidate] = review.candidates(session)
    review.decide(waiting, Actor.command_line(), candidate.id, False, "two departments (test)")
    with TestClient(create_app(waiting)) as client:
        body = client.get("/api/v1/review").json()
    assert body["candidates"] == [] and "two departments" not in json.dumps(body)
