"""The program's public pages say what the public lists say. An application's stage is said as an MOA's is:
pending, participating or terminated (its page and the public API said "draft", the program office's work on a
pending agreement, above a table of its MOAs saying "pending"); one MOA is "1 participating MOA"."""

import warnings

from g287.access import Actor
from g287.program import moas, views
from g287.web.app import create_app
from g287.web.program.schemas import PublicApplication
from tests.program.world import OFFICER, TODAY, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def test_an_applications_public_stage_is_one_the_public_lists_use(sqlite_db):
    with sqlite_db.session() as session:
        w = build(session, "drafted")  # the TFM MOA drafted, the WSO MOA asked for
        moas.draft_moa(session, OFFICER, w.wso, today=TODAY)  # both drafted: the application's least advanced MOA is a draft
    with sqlite_db.session() as session:
        shown = views.public_application(session, Actor.public(), w.application)
    assert (shown["stage"], [m["stage"] for m in shown["moas"]]) == ("pending", ["pending", "pending"])
    PublicApplication.model_validate(shown)  # the API's model takes only the public stages
    with TestClient(create_app(sqlite_db)) as client:
        answer = client.get(f"/api/v1/program/public/applications/{w.application}")
        page = client.get(f"/program/registry/applications/{w.application}")
    assert answer.status_code == 200 and answer.json()["stage"] == "pending"
    assert page.status_code == 200 and "stage: pending" in page.text and "draft" not in page.text.lower()


def test_the_registry_page_says_one_participating_moa_in_the_singular(sqlite_db):
    with sqlite_db.session() as session:
        build(session, "signed")  # one MOA signed here
    with TestClient(create_app(sqlite_db)) as client:
        page = " ".join(client.get("/program/registry").text.split())
    assert '<strong>1</strong> participating MOA</p>' in page
