"""Every listing a county figure leaves out is said, with why: the home page's count of the Census 2000 list (a
county formed since, as Broomfield County, is in none of its counties) and a state's county map (a county that no
longer exists, as Connecticut's Hartford County, is in none of the 2022 vintage's)."""

from __future__ import annotations

import datetime as dt
import re
import warnings

from tests.geo.test_review_fixes import ingest_rows

DAY = dt.date(2025, 8, 5)
ROWS = [
    ["COLORADO", "Broomfield Police Department", "Municipality", "Broomfield County", "Task Force Model", "2025-07-20", "link pending"],
    ["ALASKA", "Wrangell Police Department", "Municipality", "Wrangell", "Task Force Model", "2025-07-20", "link pending"],
    ["CONNECTICUT", "Capitol Region Test Office", "County", "Capitol Planning Region", "Task Force Model", "2025-07-20", "link pending"],
    ["CONNECTICUT", "Hartford Test Office", "County", "Hartford County", "Task Force Model", "2025-07-20", "link pending"],
    ["FLORIDA", "Hillsborough County Sheriff's Office", "County", "Hillsborough County", "Task Force Model", "2025-07-20", "link pending"],
    ["FLORIDA", "Florida Highway Patrol", "State Agency", "", "Task Force Model", "2025-07-20", "link pending"],
]


def page_text(db, path: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from g287.web.app import create_app

    response = TestClient(create_app(db)).get(path)
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def test_the_home_page_says_the_listings_in_a_county_not_of_2000(db, actor, tmp_path):
    ingest_rows(db, actor, tmp_path / "list.csv", ROWS, DAY)
    text = page_text(db, "/")
    # 6 listings: Hillsborough and Hartford County are in counties of 2000; the patrol names none; Broomfield
    # (2001), Wrangell (2008) and the planning region (2022) name counties the Census 2000 list does not hold.
    assert (
        "Counties: at least 2 of the 3,141 counties (Census 2000 list, the count in public statements) have a participating agency "
        "whose listed county is there; this counts where agencies are listed, not where their officers act: 1 listing, all of state "
        "and municipal agencies, names no county, and 3 name a county not in the Census 2000 list." in text
    )


def test_a_state_map_says_why_its_listings_are_not_on_it(db, actor, tmp_path):
    from g287.geo.maps import map_figure

    ingest_rows(db, actor, tmp_path / "list.csv", ROWS, DAY)
    with db.session() as session:
        connecticut = map_figure(session, "county", DAY, state="CT")
        florida = map_figure(session, "county", DAY, state="FL")
        alaska = map_figure(session, "county", DAY, state="AK")
    # Hartford County was matched (09003) but is no county of the 2022 vintage: not "no county" nor "not matched".
    assert "1 listing is not on the map: it names a county not in the Census 2022 list." in " ".join(connecticut.caption)
    assert "1 listing is not on the map: it names no county (a state agency)." in " ".join(florida.caption)
    assert "Every listing is on the map." in " ".join(alaska.caption)  # not "0 listings are not on the map"
    assert "1 listing is not on the map: it names a county not in the Census 2022 list." in page_text(db, f"/states/CT?as_of={DAY.isoformat()}")
