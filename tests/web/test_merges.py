"""Identity merges on the site: an absorbed agency and its agreements are never listed or counted apart; their
old addresses lead to the agency and agreement they joined."""

import datetime as dt
import shutil
import warnings

import pytest

from g287.access import Actor
from g287.config import DATA_DIR
from g287.exports.ice_workbook import IceRow, write_ice_workbook
from g287.history.review import add_alias
from g287.registry.ingest import ingest_file
from g287.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ALPHA, BETA = "Alpha Police Department", "Beta Harbor Police Department"


@pytest.fixture
def merged(tmp_path, monkeypatch, db):
    aliases = tmp_path / "aliases.csv"
    shutil.copy(DATA_DIR / "rules" / "agency_aliases.csv", aliases)
    monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
    rows = [
        IceRow("FLORIDA", ALPHA, "Municipality", "Brevard County", "Task Force Model", dt.date(2025, 5, 1), "https://www.ice.gov/a.pdf"),
        IceRow("FLORIDA", BETA, "Municipality", "Brevard County", "Task Force Model", dt.date(2025, 5, 1), "https://www.ice.gov/b.pdf"),
    ]
    workbook = tmp_path / "participatingAgencies06012025am.xlsx"
    write_ice_workbook(workbook, "participating", rows, modified=dt.datetime(2025, 6, 1, 9))
    ingest_file(db, workbook, Actor.command_line())
    with TestClient(create_app(db)) as client:
        before = {a["name"]: a for a in client.get("/api/v1/agencies").json()["items"]}
        agreements = {a["agency_name"]: a["id"] for a in client.get("/api/v1/agreements").json()["items"]}
    add_alias(db, Actor.command_line(), "FL", BETA, "same", ALPHA, reason="the same department (test)")
    with TestClient(create_app(db)) as client:
        yield client, before, agreements


def test_absorbed_agency_and_agreement_lead_to_the_survivor(merged):
    client, before, agreements = merged
    alpha, beta = before[ALPHA]["id"], before[BETA]["id"]
    page = client.get(f"/agencies/{beta}", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == f"/agencies/{alpha}"
    assert client.get(f"/api/v1/agencies/{beta}", follow_redirects=False).status_code == 308
    moved = client.get(f"/api/v1/agreements/{agreements[BETA]}", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == f"/api/v1/agreements/{agreements[ALPHA]}"
    assert client.get(f"/api/v1/agreements/{agreements[BETA]}").json()["id"] == agreements[ALPHA]
    detail = client.get(f"/api/v1/agencies/{alpha}").json()
    assert {n["name"] for n in detail["names"]} == {ALPHA, BETA} and detail["merges"][0]["rule"] == "alias"
    text = client.get(f"/agencies/{alpha}").text
    assert "the reviewed alias table says so" in text and "the same department (test)" in text


def test_counted_once(merged):
    client, _before, _agreements = merged
    for status in ("participating", "all"):
        agencies = client.get("/api/v1/agencies", params={"status": status}).json()
        assert agencies["total"] == 1 and agencies["items"][0]["name"] in (ALPHA, BETA)
        agreements = client.get("/api/v1/agreements", params={"status": status}).json()
        assert agreements["total"] == 1 and agreements["items"][0]["rows"] == 2  # the two rows, one agreement
    stats = client.get("/api/v1/stats").json()["participating"]
    assert stats["moas"] == 2 and stats["agencies"] == 1  # two rows (MOAs as ICE counts them), one agency
    county = client.get("/api/v1/counties/12009").json()
    assert county["participating"]["agencies"] == 1 and len(county["agencies"]) == 1
    hits = client.get("/api/v1/search", params={"q": "beta harbor"}).json()["hits"]
    assert [h["url"] for h in hits if h["kind"] == "agency"] == [f"/agencies/{county['agencies'][0]['id']}"]


def test_the_redirects_of_a_merge_are_asked_again_since_a_merge_can_be_undone(merged, db):
    # Without a cache header a browser keeps a 301 or 308 for good and never asks again: the absorbed agency's
    # address kept leading to the other agency after the merge was undone.
    client, before, agreements = merged
    alpha, beta = before[ALPHA]["id"], before[BETA]["id"]
    for path in (f"/agencies/{beta}", f"/api/v1/agencies/{beta}", f"/api/v1/agreements/{agreements[BETA]}"):
        moved = client.get(path, follow_redirects=False)
        assert moved.status_code in (301, 308) and moved.headers["cache-control"] == "no-cache", path
    add_alias(db, Actor.command_line(), "FL", BETA, "different", ALPHA, reason="two departments after all (test)")
    with TestClient(create_app(db)) as after:
        page = after.get(f"/agencies/{beta}", follow_redirects=False)
        assert page.status_code == 200 and BETA in page.text
        assert after.get(f"/api/v1/agencies/{beta}", follow_redirects=False).json()["id"] == beta != alpha
    county = client.get("/states/FL/counties/brevard", follow_redirects=False)  # county matching may read a name otherwise later
    assert county.status_code == 301 and county.headers["cache-control"] == "no-cache"
