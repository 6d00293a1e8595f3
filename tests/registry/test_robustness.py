"""Inputs that once crashed or slipped through: odd publication references, control characters in names."""

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from g287.errors import G287Error, NotFound
from g287.exports.feed import atom_feed
from g287.registry.publications import resolve
from g287.registry.quality import register
from tests.history.builders import Publisher, row


@pytest.mark.parametrize("ref", ["2025-13-45", "2025-02-30", "99999999999999999999", "3000000000", "²", "no such file.xlsx"])
def test_bad_publication_references_are_clear_errors(bundled_db, ref):
    with bundled_db.session() as session:
        with pytest.raises((G287Error, NotFound)):
            resolve(session, ref)


def test_record_ids_written_by_people_are_read_in_one_range():
    from g287.db.ids import MAX_ID, record_id

    assert [record_id(t) for t in ("7", " 42 ", str(MAX_ID))] == [7, 42, MAX_ID]
    # Beyond PostgreSQL's INTEGER ids, zero, signs, non-ASCII digits and words are no id (not a database error).
    assert [record_id(t) for t in (str(MAX_ID + 1), "0", "-3", "+3", "²", "１２", "", "12a")] == [None] * 8


def test_control_characters_in_names_are_repaired_and_registered(db, tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("state,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
    hostile = replace(row("FL", "Evil County Sheriff's Office", "TFM"), agency="Evil\x0bCounty Sheriff's Office\x01")
    result = Publisher(db, tmp_path).publish("participating", "2025-05-16", [hostile])
    with db.session() as session:
        publication = resolve(session, str(result.publication_id))
        entries = [e for e in register(session, publication) if e.column == "LAW ENFORCEMENT AGENCY"]
        feed = atom_feed(session, "http://localhost/", None)
    assert entries and "control characters" in entries[0].problem and entries[0].action == "repaired to \"Evil County Sheriff's Office\""
    ET.fromstring(feed)  # the feed stays well-formed XML
    assert b"\x0b" not in feed and b"\x01" not in feed
