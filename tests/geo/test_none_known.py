"""A count of counties that is a lower bound (some listings are not located) and 0 is said as none known: "at least 0
of 3,144 counties have a participating county-level agency" read as a count, on the command line, the maps and the
home page."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from g287.geo.maps import map_figure
from g287.web.app import create_app
from tests.in_process import run_g287

# One municipal agency located in its county, one state agency that names no county: no county-level agency at all.
LIST = """STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA
FLORIDA,Tampa Police Department,Municipality,Hillsborough County,Task Force Model,2025-01-03,link pending
FLORIDA,Florida Highway Patrol,State Agency,N/A,Warrant Service Officer,2025-01-05,link pending
"""
NONE_OF_ANY_TYPE = "none of the 3,144 counties is known to have a participating agency of any type located in it, county-level or other"
NONE_COUNTY_LEVEL = "none of the 3,144 counties is known to have a participating county-level agency; at least 1 (0.03%) has a participating agency of any type located in it"
NONE_COUNTY_LEVEL_EXACT = "none of the 3,144 counties has a participating county-level agency; 1 (0.03%) has a participating agency of any type located in it"
NONE_OF_ANY_TYPE_EXACT = "none of the 3,144 counties has a participating agency of any type located in it, county-level or other"


def _coverage(db, *options: str) -> str:
    status, out, err = run_g287(db.url, "coverage", "--as-of", "2025-07-09", *options)
    assert (status, err) == (0, "")
    return out.splitlines()[0]


def test_at_least_0_counties_is_said_as_none_known(db, tmp_path):
    listed = tmp_path / "list.csv"
    listed.write_text(LIST, encoding="utf-8")
    assert run_g287(db.url, "ingest", str(listed), "--kind", "participating", "--published", "2025-07-09")[0] == 0
    assert _coverage(db).startswith(f"As of 2025-07-09: {NONE_COUNTY_LEVEL}; 1 of 51 states")
    assert _coverage(db, "--model", "WSO").startswith(f"As of 2025-07-09 (WSO only): {NONE_OF_ANY_TYPE}; 1 of 51 states")
    # Every listing of the model located: the count is exact, and 0 is said as none, not as "0 of 3,144 counties (0.0%) have".
    assert _coverage(db, "--model", "TFM").startswith(f"As of 2025-07-09 (TFM only): {NONE_COUNTY_LEVEL_EXACT}; 1 of 51 states")
    assert _coverage(db, "--model", "JEM").startswith(f"As of 2025-07-09 (JEM only): {NONE_OF_ANY_TYPE_EXACT}; none of the 51 states (50 and DC) has an agreement.")
    with db.session() as session:
        assert map_figure(session, "county", measure="coverage", model="WSO").caption[0] == f"1 MOA (as ICE counts them: one per row) in 1 of 51 states (50 and DC). N{NONE_OF_ANY_TYPE[1:]}."
        florida = " ".join(map_figure(session, "county", state="FL", measure="coverage").caption)
        # No JEM listing at all: none, as the counties say it (it said "0 MOAs ... in 0 of 51 states")
        assert map_figure(session, "county", measure="coverage", model="JEM").caption[0] == f"No MOA in any of the 51 states (50 and DC). N{NONE_OF_ANY_TYPE_EXACT[1:]}."
    assert "Florida: 2 MOAs (as ICE counts them: one per row). None of the 67 counties is known to have a participating county-level agency; at least 1 (1.49%) has a participating agency of any type located in it. 1 listing is not on the map" in florida
    with TestClient(create_app(db)) as site:
        def counties(query: str) -> str:
            text = html.unescape(" ".join(re.sub(r"<[^>]+>", "", site.get(f"/?as_of=2025-07-09{query}").text).split()))
            return text[text.index("Counties: ") : text.index("Definitions")]

        assert counties("&model=WSO").startswith(
            "Counties: none of the 3,141 counties (Census 2000 list, the count in public statements) is known to have a participating WSO agency whose listed county is there;"
        )
        # No JEM listing at all: none, exactly (it said "0 of the 3,141 counties ... have")
        assert counties("&model=JEM").startswith(
            "Counties: none of the 3,141 counties (Census 2000 list, the count in public statements) has a participating JEM agency whose listed county is there;"
        )
        every = counties("")
        assert every.startswith("Counties: at least 1 of the 3,141 counties (Census 2000 list, the count in public statements) has a participating agency whose listed county is there;")
        assert "No county is known to have a participating county-level agency (a sheriff's office, a county department or jail). With" in every


def test_a_state_with_no_county_known_says_so_on_its_map(bundled_db):
    with bundled_db.session() as session:
        alaska = " ".join(map_figure(session, "county", state="AK", measure="coverage").caption)
    assert "Alaska: 2 MOAs (as ICE counts them: one per row). None of the 30 counties is known to have a participating agency of any type located in it, county-level or other. 2 listings are not on the map" in alaska
