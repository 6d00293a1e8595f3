"""A county named without a state, in the API's `county` filter, is read as ICE's COUNTY column gives it "in any
state (case, spacing and the word County ignored)": the spellings that county matching reads as one name
(g287/data/geo/matching.toml: "De Kalb" = "DeKalb", "Saint Lucie" = "St. Lucie") select the same listings, on a
real database with a list written by the test."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from g287.web.app import create_app
from tests.geo.test_review_fixes import ingest_rows

DAY = dt.date(2025, 7, 26)
ROWS = [
    ["ALABAMA", "DeKalb County Sheriff's Office", "County", "DeKalb County", "Task Force Model", "2025-07-20", "link pending"],
    ["FLORIDA", "St. Lucie County Sheriff's Office", "County", "St. Lucie County", "Task Force Model", "2025-07-20", "link pending"],
    ["ILLINOIS", "LaSalle County Sheriff's Office", "County", "LaSalle County", "Task Force Model", "2025-07-20", "link pending"],
]


def test_spellings_county_matching_reads_as_one_name_select_the_same_listings(db, actor, tmp_path):
    ingest_rows(db, actor, tmp_path / "spellings.csv", ROWS, DAY)
    with TestClient(create_app(db)) as site:

        def agencies(**params) -> list[str]:
            answer = site.get("/api/v1/agreements", params=params)
            assert answer.status_code == 200, answer.text
            return [item["agency_name"] for item in answer.json()["items"]]

        for published, other in (("DeKalb County", "De Kalb"), ("St. Lucie County", "Saint Lucie"), ("LaSalle County", "La Salle County")):
            expected = agencies(county=published)
            assert len(expected) == 1, published
            # As with a state, which county matching reads: the same listing either way.
            state = {"DeKalb County": "AL", "St. Lucie County": "FL", "LaSalle County": "IL"}[published]
            assert agencies(county=other, state=state) == expected, other
            assert agencies(county=other) == expected, other
