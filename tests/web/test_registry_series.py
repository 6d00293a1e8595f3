"""This registry's own lists (origin "registry") are a separate series: shown apart, always named as this
registry's, never added to ICE's figures."""

import datetime as dt
import warnings

import pytest

from g287.db.engine import Database
from g287.exports.ice_workbook import IceRow, write_ice_workbook
from g287.registry import figures
from g287.registry.ingest import ingest_file
from g287.web.app import create_app
from tests.conftest import ICE, make_database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    from g287.access import Actor

    folder = tmp_path_factory.mktemp("registry-series")
    database = Database(f"sqlite:///{folder / 'g287.sqlite'}")
    ingest_file(database, ICE / "participating" / "participatingAgencies05292025am.xlsx", Actor.command_line())
    own = folder / "participatingAgencies06012025am_registry.xlsx"
    write_ice_workbook(own, "participating", [
        IceRow("FLORIDA", "Demoville Police Department", "Municipality", "", "Task Force Model", dt.date(2025, 5, 30)),
        IceRow("TEXAS", "Sampleton Sheriff's Office", "County", "Travis County", "Jail Enforcement Model", dt.date(2025, 5, 31)),
    ], modified=dt.datetime(2025, 6, 1, 9))
    ingest_file(database, own, Actor.command_line(), origin="registry")
    with TestClient(create_app(database)) as client:
        client.db = database
        yield client
    database.dispose()


def test_headline_names_whose_list(both):
    with both.db.session() as session:
        ice = figures.headline(figures.stats(session, dt.date(2025, 6, 2)))
        own = figures.headline(figures.stats(session, dt.date(2025, 6, 2), origin="registry"))
    assert "per ICE's participating list of 2025-05-29 am" in ice and "635 MOAs" in ice
    assert "per this registry's participating list of 2025-06-01 am" in own and "2 MOAs with 2 agencies in 2 states" in own and "ICE" not in own


def test_pages_show_the_registry_apart_from_ice(both):
    home = both.get("/", params={"as_of": "2025-06-02"}).text
    assert "635</strong> MOAs" in home  # ICE's figures, with nothing of the registry's added
    assert "This registry's own lists (not ICE's)" in home and "2 MOAs with 2 agencies in 2 states" in home
    assert "this registry&#39;s list of 2025-06-01 am</a> (participatingAgencies06012025am_registry.xlsx)" in home
    stats = both.get("/api/v1/stats", params={"as_of": "2025-06-02"}).json()
    assert stats["participating"]["moas"] == 635 and stats["participating"]["source"] == "ICE"
    florida = both.get("/api/v1/agencies", params={"state": "FL", "limit": 1000, "status": "all"}).json()["items"]
    assert "Demoville Police Department" not in {a["name"] for a in florida}
    series = both.get("/api/v1/series").json()["items"]
    assert [s["rows"] for s in series] == [635]
    timeline = both.get("/api/v1/timeline").json()["items"]
    assert all(e["participating_publication"]["file"] == "participatingAgencies05292025am.xlsx" for e in timeline)
    feed = both.get("/exports/feed.atom").text
    assert "Demoville" not in feed and "06012025" not in feed


def test_county_pages_name_no_agency_only_the_registry_lists(both):
    # Sampleton Sheriff's Office is listed in Travis County by this registry's list only: it was never in one of
    # ICE's lists, so it is not among the agencies "located here at another time" (by ICE's lists).
    page = both.get("/counties/48453", params={"as_of": "2025-06-02"})
    assert page.status_code == 200 and "Travis County" in page.text and "Sampleton" not in page.text
    record = both.get("/api/v1/counties/48453", params={"as_of": "2025-06-02"}).json()
    assert record["agencies"] == [] and record["located_at_another_time"] == []


@pytest.fixture(scope="module")
def shared_agency(tmp_path_factory):
    """ICE's list of 29 May 2025, and a list of this registry's giving one of ICE's agencies (Brevard County
    Sheriff's Office: TFM and WSO in ICE's list) an agreement ICE does not list (JEM)."""
    from g287.access import Actor

    folder = tmp_path_factory.mktemp("registry-shared-agency")
    database = Database(f"sqlite:///{folder / 'g287.sqlite'}")
    ingest_file(database, ICE / "participating" / "participatingAgencies05292025am.xlsx", Actor.command_line())
    own = folder / "participatingAgencies06012025am_registry.xlsx"
    write_ice_workbook(own, "participating", [
        IceRow("FLORIDA", "Brevard County Sheriff's Office", "County", "Brevard County", "Jail Enforcement Model", dt.date(2025, 5, 31)),
    ], modified=dt.datetime(2025, 6, 1, 9))
    ingest_file(database, own, Actor.command_line(), origin="registry")
    with TestClient(create_app(database)) as client:
        client.agency_id = next(h["ref"] for h in client.get("/api/v1/search", params={"q": "Brevard County Sheriff's Office"}).json()["hits"] if h["kind"] == "agency")
        yield client
    database.dispose()


def test_agency_shows_the_registry_agreement_apart(shared_agency):
    detail = shared_agency.get(f"/api/v1/agencies/{shared_agency.agency_id}").json()
    assert {a["model"]: a["source"] for a in detail["agreements"]} == {"JEM": "this registry", "TFM": "ICE", "WSO": "ICE"}
    page = shared_agency.get(f"/agencies/{shared_agency.agency_id}").text
    ice_table = page[page.index("Each agreement with ICE"):page.index("</table>", page.index("Each agreement with ICE"))]
    assert "Task Force Model" in ice_table and "Jail Enforcement Model" not in ice_table  # not an agreement with ICE
    assert "This registry's own lists (not ICE's) also list: Jail Enforcement Model, signed 2025-05-31" in page


def test_an_agreement_only_the_registry_lists_is_not_said_not_to_exist(shared_agency):
    # The agency's resource gives the agreement; its own resource answered "no agreement with id N".
    detail = shared_agency.get(f"/api/v1/agencies/{shared_agency.agency_id}").json()
    (registry_only,) = [a["id"] for a in detail["agreements"] if a["source"] == "this registry"]
    answer = shared_agency.get(f"/api/v1/agreements/{registry_only}")
    assert answer.status_code == 404
    message = answer.json()["error"]["message"]
    assert f"agreement {registry_only} is in none of ICE's lists in force on " in message
    assert f"(this registry's own lists give it, not ICE's): see its agency, /api/v1/agencies/{shared_agency.agency_id}" in message
    assert shared_agency.get("/api/v1/agreements/999999").json()["error"]["message"] == "no agreement with id 999999"


def test_the_json_export_of_a_list_names_whose_list_it_is(both):
    # As the API and the GeoJSON name it: the export of this registry's own list said nothing of its source.
    own = next(p["id"] for p in both.get("/api/v1/publications", params={"origin": "registry"}).json())
    mine = both.get("/exports/agreements.json", params={"publication": own}).json()
    assert mine["participating_publication"]["source"] == "this registry" and mine["pending_publication"] is None
    ice = both.get("/exports/agreements.json", params={"as_of": "2025-06-02"}).json()
    assert ice["participating_publication"]["source"] == "ICE"


def test_an_agreement_ice_listed_later_is_said_so_on_an_earlier_date(tmp_path):
    """An agreement this registry's list gave first keeps that origin when ICE lists it later: the reason came from
    the origin ("this registry's own lists give it, not ICE's"), not from whether ICE's lists ever give it."""
    from g287.access import Actor

    database = make_database("sqlite", tmp_path)[0]
    row = IceRow("TEXAS", "Sampleton Sheriff's Office", "County", "Travis County", "Jail Enforcement Model", dt.date(2025, 5, 31))
    ice_first = tmp_path / "participatingAgencies05292025am.xlsx"
    write_ice_workbook(ice_first, "participating", [IceRow("FLORIDA", "Demoville Police Department", "Municipality", "", "Task Force Model", dt.date(2025, 5, 1))], modified=dt.datetime(2025, 5, 29, 9))
    own = tmp_path / "participatingAgencies06012025am_registry.xlsx"
    write_ice_workbook(own, "participating", [row], modified=dt.datetime(2025, 6, 1, 9))
    ice_later = tmp_path / "participatingAgencies06102025am.xlsx"
    write_ice_workbook(ice_later, "participating", [IceRow("FLORIDA", "Demoville Police Department", "Municipality", "", "Task Force Model", dt.date(2025, 5, 1)), row], modified=dt.datetime(2025, 6, 10, 9))
    ingest_file(database, ice_first, Actor.command_line())
    ingest_file(database, own, Actor.command_line(), origin="registry")
    ingest_file(database, ice_later, Actor.command_line())
    with TestClient(create_app(database)) as client:
        listed = client.get("/api/v1/agreements").json()["items"]
        (sampleton,) = [a for a in listed if a["agency_name"] == "Sampleton Sheriff's Office"]
        answer = client.get(f"/api/v1/agreements/{sampleton['id']}", params={"as_of": "2025-06-02"})
    assert answer.status_code == 404 and "(ICE listed it only later)" in answer.json()["error"]["message"]


def test_the_api_names_a_list_of_the_wrong_kind_by_its_origin(both):
    """diff and pending-changes refuse a list of the other kind naming whose list it is: one of this registry's own
    lists was called "ICE's participating list"."""
    own, ice = (next(p["id"] for p in both.get("/api/v1/publications", params={"origin": origin}).json()) for origin in ("registry", "ice"))
    for given, whose in ((own, "this registry's"), (ice, "ICE's")):
        answer = both.get("/api/v1/pending-changes", params={"from": given, "to": given})
        assert answer.status_code == 422, answer.text
        problem = answer.json()["error"]["fields"][0]
        assert (problem["field"], problem["message"]) == ("from", f"publication {given} is {whose} participating list: pending-changes compares pending lists")
