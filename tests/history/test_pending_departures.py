"""The pending list's changes tell apart the two ways an agreement leaves it: listed as signed (on the participating
list in force at the later pending list) or not. "No longer pending (2)" lumped them on the changes page and in the
feed, and a reader could not tell an agreement signed from one that left without being listed as signed."""

from __future__ import annotations

import warnings

import pytest

from g287.exports.feed import atom_feed
from g287.history.diff import pending_changes
from g287.registry.publications import list_publications
from g287.web.app import create_app
from tests.clock import sleep_into_next_second
from tests.history.builders import Publisher, row

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SIGNED = "No longer pending, on the participating list in force (listed as signed)"
LEFT = "No longer pending, not on the participating list in force (not listed as signed)"


@pytest.fixture
def two_departures(db, tmp_path, alias_file):
    """Delta (FL) and Epsilon (GA) leave the pending list of 27 April; only Delta is on the participating list then."""
    pub = Publisher(db, tmp_path)
    pub.publish("participating", "2025-04-20", [row("FL", "Alpha Police Department", "TFM", "2025-04-01")])
    pub.publish("pending", "2025-04-20", [row("FL", "Delta Police Department", "TFM", None), row("GA", "Epsilon Police Department", "TFM", None)])
    signed = [row("FL", "Alpha Police Department", "TFM", "2025-04-01"), row("FL", "Delta Police Department", "TFM", "2025-04-24")]
    pub.publish("participating", "2025-04-27", signed)
    pub.publish("pending", "2025-04-27", [row("GA", "Zeta Police Department", "JEM", None)])
    return db


def test_the_pending_changes_split_those_listed_as_signed_from_those_that_left(two_departures):
    with two_departures.session() as session:
        older, newer = list_publications(session, "pending", "ice")
        found = pending_changes(session, older, newer)
    assert [(i["agency"], i["state"]) for i in found["to_participating"]] == [("Delta Police Department", "FL")]
    assert [(i["agency"], i["state"]) for i in found["not_participating"]] == [("Epsilon Police Department", "GA")]
    assert [i["agency"] for i in found["added"]] == ["Zeta Police Department"]
    assert found["counts"] == {"added": 1, "to_participating": 1, "not_participating": 1, "renamed": 0}


def test_the_changes_page_and_the_feed_say_each_outcome_with_its_count(two_departures):
    with TestClient(create_app(two_departures)) as client:
        page = client.get("/changes", params={"kind": "pending"}).text
    signed_part, left_part = page.split(f"<h2>{SIGNED} (1)</h2>")[1].split(f"<h2>{LEFT} (1)</h2>")
    assert "Delta Police Department" in signed_part and "Epsilon" not in signed_part
    assert "Epsilon Police Department" in left_part.split("</ul>")[0]
    assert ">No longer pending (" not in page
    with two_departures.session() as session:
        feed = atom_feed(session, "http://registry.example").decode()
    assert f"{SIGNED} (1):\n- Delta Police Department (FL), TFM\n{LEFT} (1):\n- Epsilon Police Department (GA), TFM" in feed


def test_a_participating_list_ingested_late_moves_the_entry_whose_departure_it_shows_signed(db, tmp_path, alias_file):
    """The split is told by the participating list in force at the later pending list: one ingested late, in force
    then, changes the entry's words, and so its `updated` (RFC 4287 §4.2.15), as a pending list ingested late does."""
    import datetime as dt

    from sqlalchemy import select

    from g287.db.models.registry import Publication
    from tests.history.test_feed_entry_updated import changed_at, entries

    pub = Publisher(db, tmp_path)
    alpha, delta = row("FL", "Alpha Police Department", "TFM", "2025-04-01"), row("FL", "Delta Police Department", "TFM", "2025-04-24")
    pub.publish("participating", "2025-04-20", [alpha])
    pub.publish("pending", "2025-04-20", [row("FL", "Delta Police Department", "TFM", None), row("GA", "Epsilon Police Department", "TFM", None)])
    pub.publish("pending", "2025-04-27", [row("GA", "Epsilon Police Department", "TFM", None)])
    before = entries(db)
    assert any(f"{LEFT} (1):\n- Delta Police Department (FL), TFM" in content for _t, _u, content in before.values())
    sleep_into_next_second()
    pub.publish("participating", "2025-04-26", [alpha, delta])  # in force on 27 April, ingested after it
    with db.session() as session:
        [late] = session.scalars(select(Publication.imported_at).where(Publication.published_on == dt.date(2025, 4, 26)))
    text = changed_at(before, entries(db), "pendingAgencies04272025am.xlsx", late)
    assert f"{SIGNED} (1):\n- Delta Police Department (FL), TFM" in text and LEFT not in text
