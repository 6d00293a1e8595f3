"""identity.refresh gives agencies and agreements the facts of the latest list naming them. It asked the database
about one agency at a time (an older list ingested after newer ones refreshes every agency it lists); it now asks
about all of them at once, which must come to the same as refreshing each alone."""

from sqlalchemy import select, text

from g287.db.models.registry import Agency
from g287.history.identity import refresh
from g287.registry.ingest import ingest_file
from tests.conftest import ICE, make_database, snapshot

# The latest list first, then two older ones: every agency the older lists name is refreshed on their ingest.
FILES = [
    ICE / "participating" / "participatingAgencies07092025am.xlsx",
    ICE / "pending" / "pendingAgencies07032025pm.xlsx",
    ICE / "participating" / "participatingAgencies05292025am.xlsx",
]
TIMES = frozenset({"at", "imported_at", "first_seen_at", "created_at"})  # when each database was written
FORGET = [
    "UPDATE agencies SET name = '?', agency_type = NULL, county_text = NULL",
    "UPDATE agreements SET signed_on = NULL, moa_url = NULL, addendum_url = NULL",
]


def built(database, actor):
    for path in FILES:
        ingest_file(database, path, actor)
    with database.engine.begin() as conn:
        for statement in FORGET:  # what refresh restores, forgotten
            conn.execute(text(statement))
        return [agency_id for (agency_id,) in conn.execute(select(Agency.id).order_by(Agency.id))]


def test_refreshing_agencies_together_is_refreshing_each_alone(db, actor, tmp_path):
    (tmp_path / "other").mkdir()
    other, close = make_database(db.engine.dialect.name, tmp_path / "other")
    try:
        agencies = built(db, actor)
        assert built(other, actor) == agencies
        with db.engine.begin() as conn:
            refresh(conn, agencies)
        with other.engine.begin() as conn:
            for agency_id in agencies:
                refresh(conn, [agency_id])
        together, alone = snapshot(db, TIMES), snapshot(other, TIMES)
        assert together == alone
        assert "'?'" not in {row[1] for row in together["agencies"]}  # every agency was given its name back
    finally:
        close()
