"""With no date asked for, every county figure is counted in one vintage, the one in force today, as the figures'
`as_of` (today) says: `g287 coverage`, the API's coverage and the maps counted a list of January 2021 in the vintage
of the list's date (2020: Connecticut's eight counties), while the site's pages, the API's counties and the counties
GeoJSON counted it in today's (2022: the planning regions); so the API's two answers disagreed, and a state page's
map drew Hartford County's listing that its headline and table counted in no county. A date asked for chooses the
vintage in force on it, everywhere. On a real database with a list written by the test."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from g287.geo.coverage import coverage
from g287.geo.maps import map_figure
from g287.registry.counties import county_figures
from g287.registry.queries import publications_in_force
from g287.web.app import create_app
from tests.geo.test_review_fixes import ingest_rows

DAY = dt.date(2021, 1, 5)
ROWS = [["CONNECTICUT", "Hartford Test Sheriff's Office", "County", "Hartford County", "Task Force Model", "2020-12-01", "link pending"]]


def test_an_old_list_is_counted_in_one_vintage_everywhere(db, actor, tmp_path):
    ingest_rows(db, actor, tmp_path / "old.csv", ROWS, DAY)
    for as_of, vintage, counted, total in ((None, "2022", 0, 3144), (dt.date(2021, 1, 10), "2020", 1, 3143)):
        with db.session() as session:
            covered = coverage(session, as_of)
            table = county_figures(session, publications_in_force(session, as_of))
            drawn = " ".join(map_figure(session, "county", as_of=as_of, state="CT").caption)
        assert covered["vintage"] == table["vintage"] == vintage, as_of
        assert (covered["counties_total"], covered["counties_with_any_agency"]) == (table["counties_total"], table["counties_with_agreement"]) == (total, counted)
        assert f"Census {vintage} list" in drawn if not counted else "1 of 8 counties" in drawn, drawn
        with TestClient(create_app(db)) as site:
            params = {"as_of": as_of.isoformat()} if as_of else {}
            api_coverage = site.get("/api/v1/coverage", params=params).json()
            api_counties = site.get("/api/v1/counties", params=params).json()
        assert api_coverage["vintage"] == api_counties["vintage"] == vintage
        assert api_coverage["counties_with_any_agency"] == api_counties["counties_with_agreement"] == counted
