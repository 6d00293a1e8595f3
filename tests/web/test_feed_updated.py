"""An Atom entry's `updated` moves when its text changes, and only then: a removed agreement's words are written
with hindsight ("absent from fewer than 2 lists in force so far" becomes "no longer listed" once the next list
arrives), and the entry of the list that removed it changed when that later list was ingested (RFC 4287 §4.2.15)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from g287.exports.feed import atom_feed
from g287.history.diff import diff
from g287.registry.ingest import ingest_file
from g287.registry.publications import list_publications
from tests.clock import sleep_into_next_second
from tests.conftest import ICE

ATOM = "{http://www.w3.org/2005/Atom}"
OKALOOSA = "- Okaloosa County Sheriff's Office (FL), WSO"


def _entries(db) -> dict[str, tuple[str, dt.datetime, str]]:
    """Each entry's title, updated and content, by its id."""
    with db.session() as session:
        feed = ET.fromstring(atom_feed(session, "http://registry.example"))
    return {
        e.find(f"{ATOM}id").text: (e.find(f"{ATOM}title").text, dt.datetime.fromisoformat(e.find(f"{ATOM}updated").text), e.find(f"{ATOM}content").text)
        for e in feed.findall(f"{ATOM}entry")
    } | {"feed": ("", dt.datetime.fromisoformat(feed.find(f"{ATOM}updated").text), "")}


def _line(content: str, start: str) -> str:
    return next(line for line in content.splitlines() if line.startswith(start))


def test_entry_updated_when_a_later_list_rewords_a_removal(db, actor):
    for name in ("06202025am", "07032025pm", "07032025pm__v2"):
        ingest_file(db, ICE / f"participating/participatingAgencies{name}.xlsx", actor)
    before = _entries(db)
    sleep_into_next_second()  # the feed's times are to the second
    ingest_file(db, ICE / "participating/participatingAgencies07092025am.xlsx", actor)
    after = _entries(db)
    with db.session() as session:
        june, july, july_v2, july_9 = list_publications(session, "participating", "ice")
        removal = next(i for i in diff(session, june, july)["removed"] if i["agency"] == "Okaloosa County Sheriff's Office")
        assert removal["status_decided_by"] == july_9.id  # the API's diff says which list decided the words
        ingested_9 = july_9.imported_at
    first_july = next(key for key, (title, _u, _c) in after.items() if "participatingAgencies07032025pm.xlsx" in title)
    # The 3 July entry (against 20 June) removed Okaloosa's WSO: "so far" then; 9 July made it an end.
    assert _line(before[first_july][2], OKALOOSA).endswith("absent from fewer than 2 lists in force so far")
    assert "no longer listed (absent from 2 or more consecutive lists in force" in _line(after[first_july][2], OKALOOSA)
    assert after[first_july][1] > before[first_july][1]
    assert after[first_july][1] == ingested_9.replace(microsecond=0).astimezone(dt.timezone.utc)
    assert after["feed"][1] >= after[first_july][1]
    # The entries whose text did not change keep their time.
    for key, (title, updated, content) in before.items():
        if key not in ("feed", first_july):
            assert after[key] == (title, updated, content), title


def test_entry_keeps_updated_when_later_lists_change_none_of_its_words(db, actor):
    for name in ("participating/participatingAgencies06172025pm.xlsx", "participating/participatingAgencies06202025am.xlsx",
                 "participating/participatingAgencies07032025pm.xlsx", "participating/participatingAgencies07032025pm__v2.xlsx"):
        ingest_file(db, ICE / name, actor)
    before = _entries(db)
    sleep_into_next_second()
    # A pending list and a participating list after them: the 17 June -> 20 June entry's removals were decided by
    # the lists already held, and no other word of it depends on the later ones.
    ingest_file(db, ICE / "pending/pendingAgencies07112025am_b.xlsx", actor)
    ingest_file(db, ICE / "participating/participatingAgencies07092025am.xlsx", actor)
    after = _entries(db)
    june_20 = next(key for key, (title, _u, _c) in after.items() if "2025-06-20" in title)
    assert after[june_20] == before[june_20]
    changed = [key for key in before if key != "feed" and after[key][2] != before[key][2]]
    assert all(after[key][1] > before[key][1] for key in changed)
    assert all(after[key][1] == before[key][1] for key in before if key != "feed" and key not in changed)
