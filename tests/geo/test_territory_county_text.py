"""A territory's county text is no failed match: the registry holds county lists for the 50 states and DC only.
A review ingested a list with Puerto Rico's police in "San Juan": `g287 counties unmatched` listed it, the match
rate of the county texts fell, and coverage said it "has a county text that could not be matched to one county",
though the figures report the territories apart. Migration 0019 gives the texts already stored the new status."""

from __future__ import annotations

import csv
import datetime as dt
import json

from g287.access import Actor
from g287.db.engine import Database
from g287.geo.coverage import coverage, headline
from g287.geo.matching import match_county
from g287.geo.store import match_summary, unmatched
from g287.registry.ingest import ingest_file
from tests.geo.constructed import HEADER
from tests.in_process import run_g287
from tests.program.test_withdrawal_reason import _downgrade, _rows
from tests.test_database_upgrade import at_revision, run_sql

PUBLISHED = dt.date(2025, 7, 15)
ROWS = [
    ["FLORIDA", "Hillsborough County Sheriff's Office", "County", "Hillsborough County", "Jail Enforcement Model", "2025-01-02", "link pending"],
    ["ARKANSAS", "Texarkana Police Department", "Municipality", "Bowie County", "Task Force Model", "2025-01-07", "link pending"],
    ["PUERTO RICO", "Puerto Rico Police Bureau", "State Agency", "San Juan", "Task Force Model", "2025-07-01", "link pending"],
]


def _ingest(db, tmp_path):
    path = tmp_path / "participatingAgencies07152025am.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    ingest_file(db, path, Actor.command_line())


def test_a_territory_s_county_text_has_its_own_status():
    found = match_county("PR", "San Juan")
    assert (found.status, found.fips) == ("no_county_list", None)
    assert found.rule == "the registry holds no county list for Puerto Rico"
    assert match_county("AR", "Bowie County").status == "unmatched"  # a state's text naming no county of it stays a failure


def test_a_territory_s_county_text_is_no_failed_match_anywhere(db, tmp_path):
    _ingest(db, tmp_path)
    with db.session() as session:
        listed = [(item["state"], item["county_text"]) for item in unmatched(session)]
        summary = match_summary(session)
        figures = coverage(session, PUBLISHED)
    assert listed == [("AR", "Bowie County")]
    assert (summary["located"], summary["failed"], summary["by_status"]["no_county_list"]) == (1, 1, 1)
    located = figures["listings"]
    assert (located["total"], located["located"], located["county_not_matched"], located["county_text_in_territory"]) == (3, 1, 1, 1)
    said = " ".join(headline(figures).split())
    assert "2 are not: 1 listing has a county text that could not be matched to one county (see `g287 counties unmatched`), and 1 has a county text of a territory, whose counties are not counted here" in said
    status, out, _ = run_g287(db.url, "counties", "unmatched")
    assert status == 0 and "1 of 2 stored rows with a county text matched (50.00%); 1 text did not match; 1 row of a territory, whose counties are not held here, was not matched." in out, out
    status, out, _ = run_g287(db.url, "counties", "unmatched", "--json")
    assert status == 0 and [item["county_text"] for item in json.loads(out)["unmatched"]] == ["Bowie County"]


def test_migration_0019_gives_the_texts_stored_their_status_and_goes_back(blank_url):
    at_revision(blank_url, "0018_jail_security_fact")
    run_sql(
        blank_url,
        "INSERT INTO county_matches (id, state_usps, county_text, fips, status, rule) VALUES "
        "(1, 'PR', 'San Juan', NULL, 'unmatched', 'the registry holds no county list for Puerto Rico'), "
        "(2, 'AR', 'Bowie County', NULL, 'unmatched', 'no county of Arkansas has that name (a county of that name exists in Texas)')",
    )
    Database(blank_url).dispose()  # upgrades to the head
    query = "SELECT county_text, status FROM county_matches ORDER BY id"
    assert _rows(blank_url, query) == [("San Juan", "no_county_list"), ("Bowie County", "unmatched")]
    _downgrade(blank_url, "0018_jail_security_fact")
    assert _rows(blank_url, query) == [("San Juan", "unmatched"), ("Bowie County", "unmatched")]
