"""A COUNTY text listing several counties one of which is ambiguous in its state ("Richmond and Henrico", Virginia:
Richmond is a county and an independent city) names several counties, and says which part is ambiguous between
which: in the quality register, in `g287 counties unmatched` and on the method page the maps point to, on the
county page by name, and in the API's refusal of it as a county filter. It was said to name no county. The home and
state pages count it among the listings whose county text could not be matched to one county, not as one that
"names a county"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from g287.db.models.geo import CountyRowProblem
from g287.db.models.registry import RowProblem
from g287.geo.store import unmatched
from tests.geo.test_not_located_explained import page_text
from tests.geo.test_review_fixes import ingest_rows

DAY = dt.date(2025, 8, 5)
TEXT = "Richmond and Henrico"
NAMED = "names several counties of Virginia: 'Richmond' (ambiguous: Richmond County (51159) or Richmond city (51760)) and Henrico County (51087)"
ROWS = [["VIRGINIA", "Richmond Henrico Test Jail", "County", TEXT, "Jail Enforcement Model", "2025-07-20", "link pending"]]


def test_a_listing_naming_several_counties_one_ambiguous_says_so_everywhere(db, actor, tmp_path):
    ingest_rows(db, actor, tmp_path / "list.csv", ROWS, DAY)
    with db.session() as session:
        entries = session.execute(
            select(RowProblem.raw_value, RowProblem.problem, RowProblem.category).join(CountyRowProblem, CountyRowProblem.row_problem_id == RowProblem.id)
        ).all()
        listed = unmatched(session)
    assert [tuple(e) for e in entries] == [(TEXT, f"county {TEXT!r} {NAMED}", "unknown")]
    assert [(u["state"], u["county_text"], u["status"], u["reason"]) for u in listed] == [("VA", TEXT, "ambiguous", NAMED)]

    # The home page's count of the listings not located says what is true of such a text: not "names a county".
    home = page_text(db, "/")
    assert "act: 1 listing has a county text that could not be matched to one county." in home and "names a county" not in home
    state = page_text(db, f"/states/VA?as_of={DAY.isoformat()}")
    assert "act: 1 listing has a county text that could not be matched to one county." in state and "names a county" not in state

    method = page_text(db, "/about")
    assert f'VA: "{TEXT}" (Richmond Henrico Test Jail): {NAMED}.'.replace("'", "&#39;") in method
    assert "has that name" not in method and "does not exist" not in method


def test_the_county_page_and_the_api_say_the_text_names_several_counties(db):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from g287.web.app import create_app

    client = TestClient(create_app(db))
    page = client.get("/states/VA/counties/Richmond and Henrico", follow_redirects=False)
    assert page.status_code == 404 and "&#39;Richmond&#39; (ambiguous: Richmond County (51159) or Richmond city (51760)) and Henrico County (51087)" in page.text
    refused = client.get("/api/v1/agreements", params={"state": "VA", "county": TEXT})
    assert refused.status_code == 422 and NAMED in refused.text
