"""The pending list's changes tell apart the two ways an agreement leaves it: listed as signed (on the participating
list in force at the later pending list, or on one published after the earlier one and up to the later) or not. "No longer pending (2)" lumped them on the changes page and in the
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

SIGNED = "No longer pending, listed as signed (on the participating list in force, or on one published between the two pending lists)"
LEFT = "No longer pending, not listed as signed (on neither the participating list in force nor one published between the two pending lists)"


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


def test_an_agreement_listed_as_signed_between_the_two_pending_lists_and_dropped_again_left_to_participating(db, tmp_path, alias_file):
    """Walworth County Sheriff's Office, WI (WSO): on ICE's pending lists of 15 and 30 May 2025, listed as signed on 17
    June, 20 June and 3 July, not on the participating list of 9 July, nor on the pending list of 11 July. The pending
    changes of 15 May (or 30 May) to 11 July said it left without being listed as signed, where the pipeline counts it
    signed: only the participating list in force at the later pending list was read. A participating list published
    after the earlier pending list, by date and half, and up to the later one (its own date and half too: a list ICE
    replaced that half-day by a corrected one, as the pipeline counts a listing of it) shows it signed; one of the
    earlier list's own date and half does not (which came first is unknown: the pipeline counts an agreement it lists
    as pending after participating, pending_after_participating)."""
    import datetime as dt

    from g287.exports.ice_workbook import write_ice_workbook
    from g287.history.pipeline import pipeline
    from g287.registry.ingest import ingest_file

    pub = Publisher(db, tmp_path)
    alpha = row("FL", "Alpha Police Department", "TFM", "2025-04-01")

    def signed(name: str):
        return row("GA", f"{name} Police Department", "TFM", "2025-04-18")

    names = ("Delta", "Epsilon", "Eta", "Iota", "Theta")
    pub.publish("pending", "2025-04-20", [row("GA", f"{name} Police Department", "TFM", None) for name in names], half="pm")
    pub.publish("participating", "2025-04-20", [alpha, signed("Eta")], half="pm")  # the earlier list's own half-day
    pub.publish("participating", "2025-04-24", [alpha, signed("Delta")])  # between the two, dropped again
    pub.publish("participating", "2025-04-27", [alpha, signed("Theta")])  # the later list's day, the morning
    pub.publish("participating", "2025-04-27", [alpha, signed("Iota")], half="pm")  # the later list's half-day...
    corrected = tmp_path / "participatingAgencies04272025pm__v2.xlsx"  # ...replaced by a corrected list: in force then
    write_ice_workbook(corrected, "participating", [alpha], modified=dt.datetime(2025, 4, 27, 16))
    ingest_file(db, corrected, pub.actor)
    pub.publish("pending", "2025-04-27", [row("GA", "Zeta Police Department", "JEM", None)], half="pm")
    with db.session() as session:
        older, newer = list_publications(session, "pending", "ice")
        found = pending_changes(session, older, newer)
        flow = pipeline(session)
    assert [i["agency"] for i in found["to_participating"]] == ["Delta Police Department", "Iota Police Department", "Theta Police Department"]
    assert [i["agency"] for i in found["not_participating"]] == ["Epsilon Police Department", "Eta Police Department"]
    assert all(i["signed_decided_by"] is None for i in found["to_participating"] + found["not_participating"])
    # As the pipeline counts them: signed (pending since the first pending list held), left without being listed as
    # signed, and listed as participating by a list of the half-day it was first listed as pending.
    assert [i["agency"] for i in flow["moved_pending_before_first_publication"]] == ["Delta Police Department", "Iota Police Department", "Theta Police Department"]
    assert [i["agency"] for i in flow["left_without_signing"]] == ["Epsilon Police Department"]
    assert [i["agency"] for i in flow["pending_after_participating"]] == ["Eta Police Department"]


def test_a_participating_list_published_between_the_two_and_ingested_late_moves_the_entry_one_of_the_earlier_half_day_does_not(db, tmp_path, alias_file):
    """A participating list published after the earlier pending list and before the later one, not in force at it,
    ingested after both: it shows Delta listed as signed, so the entry's words change and its `updated` is that
    ingestion (signed_decided_by names the list). One of the earlier pending list's own date and half, ingested late
    too, is not after it (_departure_window): it changes neither the entry's words nor its `updated`."""
    import datetime as dt

    from sqlalchemy import select

    from g287.db.models.registry import Publication
    from tests.history.test_feed_entry_updated import changed_at, entries

    pub = Publisher(db, tmp_path)
    alpha = row("FL", "Alpha Police Department", "TFM", "2025-04-01")
    delta, eta = (row("FL", f"{name} Police Department", "TFM", "2025-04-18") for name in ("Delta", "Eta"))
    pending = [row("FL", f"{name} Police Department", "TFM", None) for name in ("Delta", "Eta")]
    pub.publish("participating", "2025-04-19", [alpha])
    pub.publish("pending", "2025-04-20", pending + [row("GA", "Epsilon Police Department", "TFM", None)])
    pub.publish("participating", "2025-04-26", [alpha])  # in force on 27 April
    pub.publish("pending", "2025-04-27", [row("GA", "Epsilon Police Department", "TFM", None)])
    before = entries(db)
    [entry] = [key for key, (_t, _u, content) in before.items() if "Source: ICE, pendingAgencies04272025am.xlsx " in content]
    assert f"{LEFT} (2):\n- Delta Police Department (FL), TFM\n- Eta Police Department (FL), TFM" in before[entry][2]

    def departures() -> dict:
        with db.session() as session:
            older, newer = list_publications(session, "pending", "ice")
            found = pending_changes(session, older, newer)
        return {part: [(i["agency"], i["signed_decided_by"]) for i in found[part]] for part in ("to_participating", "not_participating")}

    sleep_into_next_second()
    pub.publish("participating", "2025-04-20", [alpha, eta])  # the earlier pending list's own half-day
    sleep_into_next_second()
    pub.publish("participating", "2025-04-24", [alpha])  # between the two, listing neither
    held = entries(db)
    assert held[entry] == before[entry]
    assert departures() == {"to_participating": [], "not_participating": [("Delta Police Department", None), ("Eta Police Department", None)]}
    sleep_into_next_second()
    pub.publish("participating", "2025-04-25", [alpha, delta])  # between the two, listing Delta
    with db.session() as session:
        [late] = session.execute(select(Publication.id, Publication.imported_at).where(Publication.published_on == dt.date(2025, 4, 25))).all()
    text = changed_at(held, entries(db), "pendingAgencies04272025am.xlsx", late.imported_at)
    assert f"{SIGNED} (1):\n- Delta Police Department (FL), TFM\n{LEFT} (1):\n- Eta Police Department (FL), TFM" in text
    assert departures() == {"to_participating": [("Delta Police Department", late.id)], "not_participating": [("Eta Police Department", None)]}
