"""The quality register says which rows list one agreement twice: when names are joined or parted after ingest (an
alias added or removed, a review decision), it says so of the rows that are one agreement now, as an ingest would."""

from __future__ import annotations


from g287.history import review
from g287.registry import quality
from g287.registry.batch import expand_paths, ingest_many
from g287.registry.publications import list_publications
from tests.conftest import ICE, make_database

FILES = [str(ICE / "participating" / name) for name in ("participatingAgencies05162025am.xlsx", "participatingAgencies05292025am.xlsx")]
OCALA, LAKELAND = "Ocala Police Department", "Lakeland Police Department"  # listed together, each with a TFM MOA



def _duplicates(db) -> dict[str, list[tuple]]:
    with db.session() as session:
        return {
            p.file_name: sorted((e.row, e.problem) for e in quality.register(session, p) if e.category == "duplicate")
            for p in list_publications(session)
        }


def test_joining_and_parting_names_writes_the_register_again(db, actor, table, tmp_path):
    ingest_many(db, expand_paths(FILES), actor)
    ingested = _duplicates(db)
    assert [row for row, _problem in ingested["participatingAgencies05292025am.xlsx"]] == [257]  # St. Cloud, under two names

    review.add_alias(db, actor, "FL", OCALA, "same", LAKELAND, "a test")
    joined = _duplicates(db)
    # What an ingest with the entry already in the table writes (the register said nothing of Ocala and Lakeland)
    (tmp_path / "fresh").mkdir()
    fresh, close = make_database("sqlite", tmp_path / "fresh")
    try:
        ingest_many(fresh, expand_paths(FILES), actor)
        assert joined == _duplicates(fresh) != ingested
    finally:
        close()

    review.remove_alias(db, actor, "FL", OCALA, LAKELAND)
    assert _duplicates(db) == ingested

    # Parted: the two St. Cloud names are two agencies, and no row of theirs lists the other's agreement
    review.add_alias(db, actor, "FL", "St. Cloud Police Department", "different", "City of St. Cloud Police Department", "a test")
    assert _duplicates(db) == {name: [] for name in ingested}
