"""Invisible format characters in a list's names (a soft hyphen, a direction mark pasted from a web page or a
document): removed, registered with the raw value, and one agency stays one agency."""

from __future__ import annotations

from g287.registry.figures import stats
from g287.registry.publications import resolve
from g287.registry.quality import register
from tests.history.builders import Publisher, row

PLAIN = "Harris County Sheriff's Office"
# A soft hyphen inside a word, a right-to-left mark inside another, a left-to-right embedding around the name.
INVISIBLE = ["Harris County Sher\u00adiff's Office", "Harris Coun\u200fty Sheriff's Office", "\u202aHarris County Sheriff's Office\u202c"]


def test_format_characters_in_a_name_are_removed_and_registered(db, tmp_path):
    rows = [row("TX", PLAIN, "TFM", agency_type="County")] + [row("TX", name, model, agency_type="County") for name, model in zip(INVISIBLE, ["JEM", "WSO", "TFM"])]
    result = Publisher(db, tmp_path).publish("participating", "2025-05-29", rows)
    with db.session() as session:
        figures = stats(session)["participating"]
        publication = resolve(session, str(result.publication_id))
        entries = [e for e in register(session, publication) if e.column == "LAW ENFORCEMENT AGENCY"]
    # The agency key split the words at the characters ("sher iffs"): one agency counted as three.
    assert figures["moas"] == 4 and figures["agencies"] == 1
    assert sorted(e.raw_value for e in entries) == sorted(INVISIBLE)
    assert all(e.category == "repaired" and e.action == f"repaired to {PLAIN!r}" and "invisible characters" in e.problem for e in entries)
