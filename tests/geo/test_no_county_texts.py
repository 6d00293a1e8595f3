"""A COUNTY text that stands for no county ("Statewide") is counted as no county given, never as a county that could
not be matched: the coverage figures, the maps' caption and a state's page say the same."""

import csv
import datetime as dt
import warnings

import pytest

from g287.access import Actor
from g287.geo.coverage import coverage
from g287.geo.maps import map_figure
from g287.registry.ingest import ingest_file
from tests.conftest import make_database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROWS = [
    ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"],
    ["FLORIDA", "Florida Highway Patrol", "State Agency", "Statewide", "Task Force Model", "2025-01-05", "link pending"],
    ["FLORIDA", "Florida Department of Law Enforcement", "State Agency", "", "Task Force Model", "2025-01-06", "link pending"],
    ["FLORIDA", "Hillsborough County Sheriff's Office", "County", "Hillsborough County", "Task Force Model", "2025-01-02", "link pending"],
    ["FLORIDA", "Nowhere Police Department", "Municipality", "Atlantis County", "Task Force Model", "2025-01-03", "link pending"],
]


@pytest.fixture
def statewide_db(tmp_path):
    database, close = make_database("sqlite", tmp_path / "db")
    path = tmp_path / "participatingAgencies07092025am.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(ROWS)
    ingest_file(database, path, Actor.command_line(), kind="participating", published=(dt.date(2025, 7, 9), "am"))
    yield database
    close()


def test_a_statewide_listing_is_one_without_a_county(statewide_db):
    with statewide_db.session() as session:
        listings = coverage(session)["listings"]
        caption = " ".join(map_figure(session, "county").caption)
    assert listings["no_county_text"] == 2 and listings["no_county_text_by_type"] == {"state_agency": 2}
    assert listings["county_not_matched"] == 1  # Atlantis County only
    assert "2 listings, all of state and municipal agencies, name no county, and 1 has a county text that could not be matched to one county" in caption


def test_a_states_page_counts_a_statewide_listing_with_those_naming_no_county(statewide_db):
    from g287.web.app import create_app

    with TestClient(create_app(statewide_db)) as client:
        page = client.get("/states/FL").text
    assert "2 listings, all of state and municipal agencies, name no county" in page
    assert "1 has a county text that could not be matched to one county" in page


def test_the_match_line_of_the_command_says_the_statewide_rows_it_does_not_count(statewide_db):
    # The line counted matched and failed rows only: "1 of 2 stored rows with a county text matched" of three.
    from tests.in_process import run_g287

    status, out, _ = run_g287(statewide_db.url, "counties", "unmatched")
    assert status == 0 and '1 of 2 stored rows with a county text matched (50.00%); 1 text did not match; 1 row of a text standing for no county ("Statewide") was not matched.' in out, out
