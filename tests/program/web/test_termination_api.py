"""POST /api/v1/program/moas/{id}/termination takes the day the MOA ended, `terminated_on`, and requires it, as
`g287 program terminate` requires --on; the README named the resource with no word on its body."""

from __future__ import annotations

import warnings

from g287.access import Actor
from g287.program import accounts
from g287.web.app import create_app
from tests.conftest import ROOT
from tests.program.web.conftest import PASSWORD, sign_in, token_of
from tests.program.world import TODAY, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def test_a_termination_requires_its_day_as_the_readme_says(db):
    with db.session() as session:
        world = build(session, "signed")
        accounts.add_user(session, Actor.command_line(), "officer", "program_officer", password=PASSWORD)
    with TestClient(create_app(db)) as officer:
        assert sign_in(officer, "officer").status_code == 303
        url = f"/api/v1/program/moas/{world.tfm}/termination"
        refused = officer.post(url, json={}, headers={"X-CSRF-Token": token_of(officer)})
        assert refused.status_code == 422 and refused.json()["error"]["fields"] == [{"field": "terminated_on", "message": "required"}], refused.text
        done = officer.post(url, json={"terminated_on": TODAY.isoformat()}, headers={"X-CSRF-Token": token_of(officer)})
        assert done.status_code == 200 and done.json()["status"] == "terminated", done.text
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    said = readme[readme.index("`moas/{id}/termination`") :]
    assert said.startswith("`moas/{id}/termination` (`terminated_on`, the day it ended: required, a 422 naming it left out")
