"""A publication is a file as ICE published it on a day (migration 0017): the same bytes under another day's name
are that day's publication too, so the figures of every day are the same whatever order the files came in."""

import datetime as dt
import shutil
import xml.etree.ElementTree as ET

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from g287.db.dialect import normalize_url, prepare_engine, schema_change
from g287.db.engine import Database, alembic_config
from g287.db.models.registry import Publication
from g287.errors import G287Error
from g287.exports.feed import atom_feed
from g287.history.diff import diff
from g287.registry import figures
from g287.registry.batch import ingest_many
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from tests.conftest import ICE, make_database, snapshot

PARTICIPATING = ICE / "participating"
MAY_16 = PARTICIPATING / "participatingAgencies05162025am.xlsx"
MAY_29 = PARTICIPATING / "participatingAgencies05292025am.xlsx"
ATOM = "{http://www.w3.org/2005/Atom}"


def _copy(source, tmp_path, name):
    target = tmp_path / name
    shutil.copyfile(source, target)
    return target


def _figures_by_day(db, first: dt.date, last: dt.date) -> dict[dt.date, tuple]:
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    with db.session() as session:
        found = {}
        for day in days:
            p = figures.stats(session, day)["participating"]
            found[day] = (p["publication"], p["moas"], p["states"]) if p else None
        return found


def test_the_same_bytes_first_ingested_under_a_later_day_still_give_the_earlier_day_its_list(db, actor, tmp_path):
    """The reproduction of stop 38's note: the 29 May list copied as 1 June's and ingested first, then 16 May's,
    then 29 May's own file. 29 May's was "unchanged" (held under 1 June), and `stats --as-of 2025-05-30` counted
    16 May's 571 MOAs instead of 635."""
    june_1 = _copy(MAY_29, tmp_path, "participatingAgencies06012025am.xlsx")
    results = [ingest_file(db, path, actor) for path in (june_1, MAY_16, MAY_29)]
    assert [r.status for r in results] == ["ingested", "ingested", "ingested"]
    assert results[2].published == "2025-05-29" and results[2].publication_id not in {r.publication_id for r in results[:2]}
    assert results[2].notes == [f"the same file as publication {results[0].publication_id} (2025-06-01 am): held as this day's publication too"]
    assert results[0].notes == results[1].notes == []
    with db.session() as session:
        assert figures.stats(session, dt.date(2025, 5, 30))["participating"]["moas"] == 635
        series = session.scalars(select(Publication).where(Publication.kind == "participating").order_by(Publication.seq)).all()
        assert [(p.published_on.isoformat(), p.seq) for p in series] == [("2025-05-16", 1), ("2025-05-29", 2), ("2025-06-01", 3)]
        # The two days' lists are the same list: nothing changed between them.
        changes = diff(session, resolve(session, "2025-05-29"), resolve(session, "2025-06-01"))
        assert changes["added"] == changes["removed"] == [] and changes["to_pending"] == changes["from_pending"] == []


def test_the_figures_of_every_day_do_not_depend_on_the_order_of_ingestion(db, actor, tmp_path):
    june_1 = _copy(MAY_29, tmp_path, "participatingAgencies06012025am.xlsx")
    june_3 = _copy(MAY_16, tmp_path, "participatingAgencies06032025pm.xlsx")  # an older list published again
    for path in (june_3, june_1, MAY_29, MAY_16):
        ingest_file(db, path, actor)
    in_reverse = _figures_by_day(db, dt.date(2025, 5, 15), dt.date(2025, 6, 4))
    in_order, _close = make_database("sqlite", tmp_path / "in_order")  # a copy of the migrated template
    try:
        results, errors = ingest_many(in_order, [MAY_29, june_3, MAY_16, june_1], actor)  # taken in publication order
        assert not errors and [r.status for r in results] == ["ingested"] * 4
        assert _figures_by_day(in_order, dt.date(2025, 5, 15), dt.date(2025, 6, 4)) == in_reverse
    finally:
        in_order.dispose()
    assert in_reverse[dt.date(2025, 5, 15)] is None
    assert in_reverse[dt.date(2025, 5, 28)] == ("participatingAgencies05162025am.xlsx", 571, in_reverse[dt.date(2025, 5, 28)][2])
    assert in_reverse[dt.date(2025, 5, 30)][:2] == ("participatingAgencies05292025am.xlsx", 635)
    assert in_reverse[dt.date(2025, 6, 2)][:2] == ("participatingAgencies06012025am.xlsx", 635)
    assert in_reverse[dt.date(2025, 6, 4)][:2] == ("participatingAgencies06032025pm.xlsx", 571)


@pytest.mark.parametrize("name", ["participatingAgencies05292025am.xlsx", "participatingAgencies05292025am_b.xlsx", "participatingAgencies05292025.xlsx"])
def test_the_same_bytes_under_the_same_day_s_name_change_nothing(db, actor, tmp_path, name):
    """Under the same day (a suffix, or a name without the half) the file is the publication held: nothing changes."""
    first = ingest_file(db, MAY_29, actor)
    before = snapshot(db)
    folder = tmp_path / "again"
    folder.mkdir()
    again = ingest_file(db, _copy(MAY_29, folder, name), actor)
    assert (again.status, again.publication_id) == ("unchanged", first.publication_id)
    assert snapshot(db) == before


def test_the_same_bytes_in_the_other_half_of_the_day_are_that_half_s_publication(db, actor, tmp_path):
    morning = ingest_file(db, MAY_29, actor)
    afternoon = ingest_file(db, _copy(MAY_29, tmp_path, "participatingAgencies05292025pm.xlsx"), actor)
    assert (afternoon.status, afternoon.half) == ("ingested", "pm") and afternoon.publication_id != morning.publication_id


def test_each_feed_entry_keeps_an_id_of_its_own(db, actor, tmp_path):
    """16 May's bytes published again on 3 June (after 29 May's list): two entries of one file. The first publication
    of the bytes keeps the id it had before the second existed; the second's names its day."""
    ingest_file(db, MAY_16, actor)
    with db.session() as session:
        before = [e.findtext(f"{ATOM}id") for e in ET.fromstring(atom_feed(session, "http://registry.example")).iter(f"{ATOM}entry")]
    ingest_file(db, MAY_29, actor)
    ingest_file(db, _copy(MAY_16, tmp_path, "participatingAgencies06032025pm.xlsx"), actor)
    with db.session() as session:
        ids = [e.findtext(f"{ATOM}id") for e in ET.fromstring(atom_feed(session, "http://registry.example")).iter(f"{ATOM}entry")]
        sha256 = session.scalars(select(Publication.sha256).where(Publication.file_name == MAY_16.name)).one()
    assert len(ids) == len(set(ids)) == 3
    assert before == [f"tag:g287,2025:publication/{sha256}/national"] == [i for i in ids if i == before[0]]
    assert f"tag:g287,2025:publication/{sha256}/2025-06-03pm/national" in ids


def _revision(url: str) -> str:
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return found


def _downgrade(url: str, revision: str) -> None:
    engine = create_engine(normalize_url(url))
    # As g287 (and the migrations' env.py) prepare it: on SQLite every statement in the transaction, the CREATE
    # TABLE of a batch rebuild (0018's going back) too, which pysqlite left outside it, so a refusal left the table.
    prepare_engine(engine)
    try:
        with engine.connect() as conn, schema_change(conn):
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()


def test_going_back_before_0017_refuses_a_file_held_under_two_days_and_keeps_one_held_once(db, actor, tmp_path):
    ingest_file(db, MAY_29, actor)
    url = db.url
    db.dispose()
    _downgrade(url, "0016_audit_log_refuses_truncate")  # one day per file: the older unique constraint holds
    again = Database(url)  # and back to the head
    assert _revision(url) == "0019_territory_county_texts"
    ingest_file(again, _copy(MAY_29, tmp_path, "participatingAgencies06012025am.xlsx"), actor)
    before = snapshot(again)
    again.dispose()
    with pytest.raises(G287Error, match=r"the same file under several days \([0-9a-f]{12} \(2 days\)\), which revisions before 0017 cannot hold"):
        _downgrade(url, "0016_audit_log_refuses_truncate")
    assert _revision(url) == "0019_territory_county_texts"
    kept = Database(url)
    try:
        assert snapshot(kept) == before
    finally:
        kept.dispose()


def test_the_ingest_command_says_the_file_is_held_under_another_day_too(tmp_path):
    from click.testing import CliRunner

    from g287.cli import cli

    database = f"sqlite:///{tmp_path / 'g287.sqlite'}"
    june_1 = _copy(MAY_29, tmp_path, "participatingAgencies06012025am.xlsx")
    result = CliRunner().invoke(cli, ["ingest", str(june_1), str(MAY_29), "--database", database])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(f"{MAY_29}: ingested as publication 1 (participating, 2025-05-29 am): 635 listings")
    assert lines[1].startswith(f"{june_1}: ingested as publication 2 (participating, 2025-06-01 am): 635 listings")
    assert lines[1].endswith("; the same file as publication 1 (2025-05-29 am): held as this day's publication too")
    again = CliRunner().invoke(cli, ["ingest", str(june_1), "--database", database, "--json"])
    assert again.exit_code == 0 and '"status": "unchanged"' in again.output and '"publication_id": 2' in again.output


def test_the_ingest_command_s_help_says_a_file_held_is_skipped_under_its_own_day_only():
    """Its help said "A file ingested before (same sha256) is skipped", which 0017 made untrue of another day's name."""
    from click.testing import CliRunner

    from g287.cli import cli

    help_text = " ".join(CliRunner().invoke(cli, ["ingest", "--help"]).output.split())
    assert "A file ingested before (same sha256) is skipped." not in help_text
    assert "A file ingested before (same sha256) under the same day's name is skipped; under another day's name it is that day's publication." in help_text


def test_an_archived_workbook_names_every_publication_of_its_file(db, actor, tmp_path):
    """A sync keeps each workbook it ingests in the archive, linked to its publication; ICE's 29 May list published
    again as 1 June's is one archived file (the same content) and, since 0017, two publications. The document named
    only the publication it was first archived for (`publication_id`), as if the other list had no file kept."""
    from g287.db.models.documents import Document
    from g287.documents.queries import document_detail
    from g287.documents.store import store_file

    june_1 = _copy(MAY_29, tmp_path, "participatingAgencies06012025am.xlsx")
    ids = []
    for path in (june_1, MAY_29):  # 1 June's first: the archive's file is linked to it, and 29 May's comes before it
        ids.append(ingest_file(db, path, actor).publication_id)
        stored = store_file(db, path, actor, kind="workbook", extension=".xlsx", via="sync", publication_id=ids[-1])
    with db.session() as session:
        assert session.query(Document).count() == 1
        detail = document_detail(session, session.get(Document, stored.document_id).sha256)
    assert detail["publication_id"] == ids[0]  # kept: the publication it was archived for
    assert detail["publication_ids"] == [ids[1], ids[0]]  # in publication order: 29 May's, then 1 June's


def test_the_database_keeps_one_file_a_day_for_a_name_without_its_half_too(db):
    """The unique constraint (sha256, published_on, half) lets two rows with no half through (NULLs never collide);
    the partial index refuses the second, as the old constraint on sha256 alone did."""
    from sqlalchemy.exc import IntegrityError

    row = {"kind": "participating", "published_on": dt.date(2025, 5, 29), "half": None, "file_name": "list.xlsx", "sha256": "a" * 64,
           "size_bytes": 1, "source_format": "xlsx", "header_row": 1, "columns": [], "source_rows": 0, "listing_count": 0,
           "origin": "ice", "series": "ice/participating", "seq": 1, "imported_at": dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)}
    with db.engine.begin() as conn:
        conn.execute(Publication.__table__.insert(), [row, dict(row, half="am", seq=2), dict(row, published_on=dt.date(2025, 5, 30), seq=3)])
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(Publication.__table__.insert(), [dict(row, file_name="list_b.xlsx", seq=4)])
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM publications")).scalar() == 3
