"""An Atom entry's `updated` moves when what the entry says changes, whatever changed it, and only then: an identity
merge or its undo (a rename shown where a removal and an addition were, or the reverse: a reviewer's merge, a merge a
list ingested late undid), a pending list ingested late (an addition that now came from the pending list), a list
ingested late that makes an addition "listed again" (RFC 4287 §4.2.15). The entries the event left as they were keep
their time."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from sqlalchemy import select

from g287.db.models.history import IdentityMerge
from g287.db.models.registry import Publication
from g287.exports.feed import atom_feed
from g287.exports.ice_workbook import write_ice_workbook
from g287.history import review
from g287.registry.ingest import ingest_file
from tests.clock import sleep_into_next_second
from tests.conftest import ICE
from tests.history.builders import Publisher, row
from tests.history.test_identity_late_lists import SIMILAR, SUFFIX, TAMPA, lists

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(db) -> dict[str, tuple[str, dt.datetime, str]]:
    """Each entry's title, updated and content, by its id."""
    with db.session() as session:
        feed = ET.fromstring(atom_feed(session, "http://registry.example"))
    return {
        e.find(f"{ATOM}id").text: (e.find(f"{ATOM}title").text, dt.datetime.fromisoformat(e.find(f"{ATOM}updated").text), e.find(f"{ATOM}content").text)
        for e in feed.findall(f"{ATOM}entry")
    }


def second(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=0).astimezone(dt.timezone.utc)


def changed_at(before: dict, after: dict, file_name: str, moment: dt.datetime) -> str:
    """The entry of `file_name`'s list: its text changed, and its updated is `moment`. Of the other entries held
    before, those whose text changed (a list between theirs, ingested late) are updated later, the others not."""
    [key] = [k for k, (title, _u, content) in after.items() if f"Source: ICE, {file_name} " in content]
    assert after[key][2] != before[key][2]
    assert before[key][1] < after[key][1] == second(moment)
    for other, was in before.items():
        if other in after and after[other][:1] + after[other][2:] == was[:1] + was[2:]:
            assert after[other][1] == was[1], was[0]
        elif other in after:
            assert after[other][1] > was[1], was[0]
    return after[key][2]


def test_a_merge_accepted_in_review_moves_the_entry_it_turns_into_a_rename(db, tmp_path, alias_file, actor):
    _state, older, newer, _kind, _rule = SIMILAR
    paths = lists(tmp_path / "lists", SIMILAR, "neither name")
    for label in "AC":
        ingest_file(db, paths[label], actor)
    before = entries(db)
    with db.session() as session:
        [candidate] = review.candidates(session)
    sleep_into_next_second()  # the feed's times are to the second
    review.decide(db, actor, candidate.id, accept=True, note="one university (test)")
    with db.session() as session:
        [merged_at] = session.scalars(select(IdentityMerge.at))
    was = next(content for _t, _u, content in before.values() if f"Source: ICE, {paths['C'].name} " in content)
    text = changed_at(before, entries(db), paths["C"].name, merged_at)
    assert f"Missing from this participating list (1):\n- {older} (FL)" in was and "Renamed" not in was
    assert f"Renamed (1):\n- {older} is now {newer} (FL)" in text and "Missing from" not in text
    sleep_into_next_second()
    assert entries(db) == entries(db)  # nothing changed since: nothing moves


def test_a_merge_a_late_list_undoes_moves_the_entries_it_splits_in_two(db, tmp_path, alias_file, actor):
    """A, then C joining the newer name to A's older one by continuity, then D listing both names (one agency then):
    B, ingested last, undoes the merge. The entry of D (against C) changes though neither of its lists did."""
    state, older, newer, kind, _rule = SUFFIX
    paths = lists(tmp_path / "lists", SUFFIX, "neither name")
    d = tmp_path / "participatingAgencies06202025am.xlsx"
    write_ice_workbook(d, "participating", [TAMPA, row(state, newer, "TFM", "2025-05-13", kind), row(state, older, "JEM", "2025-06-01", kind)],
                       modified=dt.datetime(2025, 6, 20, 9))
    for path in (paths["A"], paths["C"], d):
        ingest_file(db, path, actor)
    before = entries(db)
    sleep_into_next_second()
    ingest_file(db, paths["B"], actor)
    with db.session() as session:
        [undone_at] = session.scalars(select(IdentityMerge.undone_at))
    text = changed_at(before, entries(db), d.name, undone_at)
    assert f"- {older} ({state}), JEM, signed 2025-06-01" in text and "a model added" not in text


def test_a_pending_list_ingested_late_moves_the_entry_whose_addition_came_from_it(db, tmp_path, alias_file):
    pub = Publisher(db, tmp_path)
    zulu = row("TX", "Zulu Police Department", "TFM", "2025-06-25")
    pub.publish("pending", "2025-06-20", [TAMPA])
    pub.publish("pending", "2025-07-05", [TAMPA])
    pub.publish("participating", "2025-07-01", [TAMPA])
    pub.publish("participating", "2025-07-03", [TAMPA, zulu])
    before = entries(db)
    sleep_into_next_second()
    pub.publish("pending", "2025-06-30", [TAMPA, zulu])  # in force on 1 July, older than 5 July's
    with db.session() as session:
        [late] = session.scalars(select(Publication.imported_at).where(Publication.published_on == dt.date(2025, 6, 30)))
    text = changed_at(before, entries(db), "participatingAgencies07032025am.xlsx", late)
    assert "Moved from the pending list to participating (1):\n- Zulu Police Department (TX), TFM" in text


def test_a_list_ingested_late_that_makes_an_addition_listed_again_moves_its_entry(db, tmp_path, alias_file):
    pub = Publisher(db, tmp_path)
    alpha = row("TX", "Alpha County Sheriff's Office", "JEM", "2025-01-01", "County", "Alpha County")
    pub.publish("participating", "2025-08-02", [TAMPA])
    pub.publish("participating", "2025-08-03", [TAMPA, alpha])
    before = entries(db)
    assert "Alpha County Sheriff's Office (TX), JEM, signed 2025-01-01\n" in next(iter(before.values()))[2] + "\n"
    sleep_into_next_second()
    pub.publish("participating", "2025-08-01", [TAMPA, alpha])  # listed it before the omission
    with db.session() as session:
        [late] = session.scalars(select(Publication.imported_at).where(Publication.published_on == dt.date(2025, 8, 1)))
    text = changed_at(before, entries(db), "participatingAgencies08032025am.xlsx", late)
    assert "JEM, signed 2025-01-01: listed again after an omission (absent from 1 list in force; not an end)" in text


def test_a_list_of_the_same_half_day_ingested_later_moves_the_entry_whose_title_now_names_its_file(db, actor):
    for name in ("06202025am", "07032025pm"):
        ingest_file(db, ICE / f"participating/participatingAgencies{name}.xlsx", actor)
    before = entries(db)
    sleep_into_next_second()
    ingest_file(db, ICE / "participating/participatingAgencies07032025pm__v2.xlsx", actor)
    with db.session() as session:
        [again] = session.scalars(select(Publication.imported_at).where(Publication.file_name == "participatingAgencies07032025pm__v2.xlsx"))
    after = entries(db)
    [key] = [k for k, (title, _u, content) in before.items() if "participatingAgencies07032025pm.xlsx " in content]
    assert before[key][0].startswith("ICE's participating list of 2025-07-03 pm: ")
    assert after[key][0].startswith("ICE's participating list of 2025-07-03 pm, participatingAgencies07032025pm.xlsx: ")
    assert after[key][2] == before[key][2]
    assert before[key][1] < after[key][1] == second(again)
    assert all(after[k] == was for k, was in before.items() if k != key)


def test_a_late_list_that_changes_only_an_unshown_status_leaves_the_entry_alone(db, tmp_path, alias_file):
    """An agreement moved back to the pending list is said without the status of its absence (only one no longer
    listed says it): a list ingested late that changes that status alone changes nothing the entry says."""
    pub = Publisher(db, tmp_path)
    delta = row("TX", "Delta Police Department", "TFM", "2025-04-01")
    pub.publish("participating", "2025-04-19", [TAMPA, delta])
    pub.publish("pending", "2025-04-20", [TAMPA, delta])
    pub.publish("participating", "2025-04-24", [TAMPA])
    pub.publish("participating", "2025-04-26", [TAMPA])
    before = entries(db)
    [key] = [k for k, (_t, _u, content) in before.items() if "Source: ICE, participatingAgencies04242025am.xlsx " in content]
    assert "Moved back to the pending list (1):\n- Delta Police Department (TX), TFM" in before[key][2]
    sleep_into_next_second()
    pub.publish("participating", "2025-04-25", [TAMPA, delta])  # Delta's absence now ends on 25 April
    assert entries(db)[key] == before[key]
