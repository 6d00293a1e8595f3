"""diff's to_pending reads the pending lists published between the two participating lists, as from_pending does
(33ac295) and pending_changes's to_participating reads the participating lists (dc454b5). By the pending list in force at
TO alone, an agreement that went back on the pending list between FROM and TO and off it again before TO was "no
longer listed" (removed) from FROM to TO, while the diff from FROM to the participating list in between, and the
agreement's lifecycle (back_to_pending), said it moved back to the pending list."""

import datetime as dt

import pytest

from g287.exports.ice_workbook import write_ice_workbook
from g287.history.diff import diff
from g287.history.lifecycle import lifecycles
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from tests.clock import sleep_into_next_second
from tests.history.builders import Publisher, row

KEEP = row("FL", "Beta County Sheriff's Office", "JEM", "2025-04-02", "County", "Beta County")
WAITING = row("GA", "Epsilon Police Department", "TFM", None)


def signed(name: str):
    return row("FL", f"{name} Police Department", "TFM", "2025-04-01")


def pending(name: str):
    return row("FL", f"{name} Police Department", "TFM", None)


@pytest.fixture
def pub(db, tmp_path, alias_file):
    return Publisher(db, tmp_path)


def moved_back(result: dict) -> dict:
    return {part: [i["agency"] for i in result[part]] for part in ("to_pending", "removed")}


def test_an_agreement_back_on_the_pending_list_between_the_two_lists_and_off_it_again_moved_back_to_pending(db, pub):
    """Alpha: listed at FROM, back on the pending list of 5 May, on neither list on 7 May nor at TO. Each diff that
    spans 5 May says it moved back to the pending list, as its lifecycle does; the diff from 7 May to TO does not
    name it (it was on neither list at either)."""
    pub.publish("pending", "2025-04-20", [WAITING])  # in force at FROM
    pub.publish("participating", "2025-05-01", [KEEP, signed("Alpha")])
    pub.publish("pending", "2025-05-05", [WAITING, pending("Alpha")])
    pub.publish("participating", "2025-05-07", [KEEP])
    pub.publish("pending", "2025-05-09", [WAITING])  # in force at TO: Alpha is off it
    pub.publish("participating", "2025-05-10", [KEEP])
    with db.session() as session:
        whole = diff(session, resolve(session, "2025-05-01"), resolve(session, "2025-05-10"))
        first = diff(session, resolve(session, "2025-05-01"), resolve(session, "2025-05-07"))
        second = diff(session, resolve(session, "2025-05-07"), resolve(session, "2025-05-10"))
        lives = lifecycles(session)
    assert moved_back(first) == {"to_pending": ["Alpha Police Department"], "removed": []}
    assert moved_back(whole) == {"to_pending": ["Alpha Police Department"], "removed": []}
    assert whole["counts"]["to_pending"] == first["counts"]["to_pending"] + second["counts"]["to_pending"] == 1
    assert whole["to_pending"][0]["pending_decided_by"] is None  # every list was ingested in publication order
    [alpha] = [life for life in lives.values() if life.name == "Alpha Police Department"]
    assert [(p["published"], p["half"]) for p in alpha.back_to_pending] == [("2025-05-05", "am")]


def test_the_pending_lists_after_from_and_up_to_to_by_date_and_half(db, pub):
    """The boundaries of to_participating's window (_Window), the other way: a pending list of FROM's own date and half
    is not after FROM (Gamma: listed as pending while, or before, FROM listed it as participating; its lifecycle has no
    return to the pending list); one of TO's own date and half is up to TO, the one ICE replaced that half-day by a
    corrected one too (Delta, as the pipeline counts a listing of such a list); one of TO's afternoon is after TO
    (Eta)."""
    pub.publish("participating", "2025-05-01", [KEEP, signed("Gamma"), signed("Delta"), signed("Eta")])
    pub.publish("pending", "2025-05-01", [WAITING, pending("Gamma")])  # FROM's own half-day
    pub.publish("pending", "2025-05-05", [WAITING])
    pub.publish("pending", "2025-05-10", [WAITING, pending("Delta")])  # TO's own half-day...
    corrected = pub.folder / "pendingAgencies05102025am__v2.xlsx"  # ...replaced by a list without Delta
    write_ice_workbook(corrected, "pending", [WAITING], modified=dt.datetime(2025, 5, 10, 11))
    ingest_file(db, corrected, pub.actor)
    pub.publish("participating", "2025-05-10", [KEEP])
    pub.publish("pending", "2025-05-10", [WAITING, pending("Eta")], half="pm")  # TO's afternoon: after it
    with db.session() as session:
        result = diff(session, resolve(session, "2025-05-01"), resolve(session, "2025-05-10am"))
        lives = {life.name: life for life in lifecycles(session).values()}
    assert moved_back(result) == {"to_pending": ["Delta Police Department"], "removed": ["Eta Police Department", "Gamma Police Department"]}
    assert lives["Gamma Police Department"].back_to_pending == []
    assert [(p["published"], p["half"]) for p in lives["Delta Police Department"].back_to_pending] == [("2025-05-10", "am")]


def test_a_pending_list_published_between_the_two_and_ingested_late_decides_the_move_back(db, pub):
    """A pending list published between FROM and TO, not in force at TO, ingested after both: it shows Alpha back on
    the pending list, and the item names it (pending_decided_by), as it names a pending list in force at TO ingested
    late, so the feed's entry moves with it."""
    pub.publish("pending", "2025-04-20", [WAITING])
    pub.publish("participating", "2025-05-01", [KEEP, signed("Alpha")])
    pub.publish("pending", "2025-05-09", [WAITING])
    pub.publish("participating", "2025-05-10", [KEEP])
    with db.session() as session:
        before = diff(session, resolve(session, "2025-05-01"), resolve(session, "2025-05-10"))
    assert moved_back(before) == {"to_pending": [], "removed": ["Alpha Police Department"]}
    sleep_into_next_second()
    late = pub.publish("pending", "2025-05-05", [WAITING, pending("Alpha")]).publication_id
    with db.session() as session:
        after = diff(session, resolve(session, "2025-05-01"), resolve(session, "2025-05-10"))
    assert moved_back(after) == {"to_pending": ["Alpha Police Department"], "removed": []}
    assert after["to_pending"][0]["pending_decided_by"] == late
