"""An agreement ICE's pending list still named after its participating list listed it as signed (stayed_pending),
in the API and on the pages: Longboat Key, FL's TFM agreement (pending 15 May am and 30 May pm, participating from
16 May am)."""

import re

from sqlalchemy import select

from g287.db.models.registry import AgencyName
from tests.web.test_pages import text_of


def longboat_key(bundled_db) -> int:
    with bundled_db.session() as session:
        return session.scalars(select(AgencyName.agency_id).where(AgencyName.name == "Longboat Key Police Department")).one()


def test_agency_api_and_page_name_the_pending_list_that_still_listed_it(site, bundled_db):
    agency_id = longboat_key(bundled_db)
    detail = site.get(f"/api/v1/agencies/{agency_id}").json()
    life = next(a["lifecycle"] for a in detail["agreements"] if a["model"] == "TFM")
    assert [(r["published"], r["half"]) for r in life["stayed_pending"]] == [("2025-05-30", "pm")] and life["back_to_pending"] == []
    page = site.get(f"/agencies/{agency_id}").text
    # In the HTML, not in text_of's text, which puts a space for every tag (the link's end too: "2025-05-30 pm ,")
    assert re.search(r'Still on the pending list <a href="/publications/\d+">2025-05-30 pm</a>, after its first participating listing\.', page)


def test_pipeline_api_and_pending_page_name_the_two(site, bundled_db):
    answer = site.get("/api/v1/pipeline").json()
    assert [(i["agency"], i["model"]) for i in answer["stayed_pending_after_participating"]] == [
        ("Longboat Key Police Department", "TFM"), ("Robertson County Sheriff's Office", "WSO")
    ]
    robertson = next(i for i in answer["moved"] if i["agency"] == "Robertson County Sheriff's Office" and i["model"] == "WSO")
    assert [(r["published"], r["half"]) for r in robertson["stayed_pending"]] == [("2025-07-11", "am")]
    page = text_of(site.get("/pending").text)
    assert "Still on the pending list after being listed as participating (2)" in page
    assert "TN Robertson County Sheriff's Office WSO 2025-07-09 am 2025-07-11 am" in page
    jem = text_of(site.get("/pending", params={"model": "JEM"}).text)
    assert "Still on the pending list after being listed as participating (0) None." in jem
