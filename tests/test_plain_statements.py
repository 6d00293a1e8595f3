"""Statements run on the DBAPI cursor (g287.db.plain) give what SQLAlchemy's own execution gives, on both databases."""

import datetime as dt
import importlib

import pytest
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from g287.db.models.registry import Agency, Publication
from g287.db.plain import plain

UTC = dt.timezone.utc

_INSERT = plain(
    insert(Publication).values(
        {column: bindparam(column) for column in (
            "kind", "published_on", "half", "file_name", "sha256", "size_bytes", "source_format", "source_modified_at", "header_row",
            "columns", "source_rows", "listing_count", "origin", "series", "seq", "imported_at",
        )}
    )
)
_BY_KIND = plain(
    select(Publication.id, Publication.published_on, Publication.source_modified_at, Publication.columns, Publication.half)
    .where(Publication.kind.in_(bindparam("kinds", expanding=True)), Publication.seq >= bindparam("seq"))
    .order_by(Publication.id)
)

_FIRST_PENDING = plain(select(Publication.published_on).where(Publication.kind == "pending").order_by(Publication.id).limit(1))  # values in the statement


def _publication(number: int, **changes) -> dict:
    return {**dict(
        kind="participating" if number % 2 else "pending", published_on=dt.date(2025, 5, number), half=None if number == 3 else "am",
        file_name=f"f{number}.xlsx", sha256=f"{number:064d}", size_bytes=10 * number, source_format="xlsx",
        source_modified_at=dt.datetime(2025, 5, number, 9, 30, tzinfo=UTC) if number != 2 else None, header_row=1,
        columns=["STATE", f"é{number}", None], source_rows=number, listing_count=number, origin="ice", series="ice/x", seq=number,
        imported_at=dt.datetime(2025, 6, 1, tzinfo=UTC),
    ), **changes}


def test_plain_statements_read_and_write_as_sqlalchemy_does(db):
    with db.engine.begin() as conn:
        _INSERT.many(conn, [_publication(n) for n in range(1, 5)])
        _INSERT.many(conn, [])  # nothing to write is not an error
    with db.engine.begin() as conn:
        ours = _BY_KIND.rows(conn, kinds=["participating", "pending"], seq=2)
        theirs = [tuple(row) for row in conn.execute(_BY_KIND.statement, {"kinds": ["participating", "pending"], "seq": 2})]
        only_one_kind = _BY_KIND.rows(conn, kinds=["pending"], seq=1)
        first_pending = _FIRST_PENDING.rows(conn)
    assert ours == theirs
    assert [row[0] for row in ours] and len(ours) == 3
    assert ours[0][1] == dt.date(2025, 5, 2) and ours[0][2] is None and ours[0][3] == ["STATE", "é2", None]
    assert ours[1][2].replace(tzinfo=ours[1][2].tzinfo or UTC) == dt.datetime(2025, 5, 3, 9, 30, tzinfo=UTC) and ours[1][4] is None
    assert {row[1].day for row in only_one_kind} == {2, 4}
    assert first_pending == [(dt.date(2025, 5, 2),)]


def test_a_database_error_is_sqlalchemys_and_the_transaction_rolls_back(db):
    with pytest.raises(IntegrityError):
        with db.engine.begin() as conn:
            _INSERT.many(conn, [_publication(1)])
            _INSERT.many(conn, [_publication(2, sha256=f"{1:064d}", published_on=dt.date(2025, 5, 1))])  # the same file on the same day twice
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Publication)).scalar() == 0
    # The plain path reads what SQLAlchemy's own path wrote in the same transaction.
    with db.engine.begin() as conn:
        conn.execute(insert(Publication), [_publication(5)])
        assert [row[1] for row in _BY_KIND.rows(conn, kinds=["participating"], seq=0)] == [dt.date(2025, 5, 5)]


_NEW_AGENCY = plain(insert(Agency.__table__), columns=["id", "state_usps", "name", "key", "agency_type", "county_text"])
_RENAME = plain(update(Agency).where(Agency.id == bindparam("_id")), columns=["name"])
_NAMES = plain(select(Agency.id, Agency.name).where(Agency.id.in_(bindparam("ids", expanding=True))).order_by(Agency.id))


def test_inserts_get_ids_in_the_order_of_their_rows_and_updates_set_only_their_columns(db, monkeypatch):
    monkeypatch.setattr("g287.db.chunks.CHUNK", 3)  # several chunks of the IN list
    rows = [{"state_usps": "TX", "name": f"Agency {n}", "key": f"agency {n:03d}", "agency_type": "county", "county_text": None} for n in (5, 1, 9, 3, 7, 2, 8)]
    with db.engine.begin() as conn:
        conn.execute(insert(Agency), [dict(rows[0], key="before")])  # an id taken by SQLAlchemy's own path first
        ids = _NEW_AGENCY.inserted_ids(conn, rows)
        assert dict(conn.execute(select(Agency.id, Agency.key).where(Agency.id.in_(ids))).all()) == {i: row["key"] for i, row in zip(ids, rows)}
        conn.execute(insert(Agency), [dict(rows[0], key="after")])  # and after: the database's own ids go on after ours
        assert conn.execute(select(Agency.id).where(Agency.key == "after")).scalar() > max(ids) > min(ids) > conn.execute(select(Agency.id).where(Agency.key == "before")).scalar()
        _RENAME.many(conn, [{"_id": ids[0], "name": "Renamed"}])
        found = _NAMES.rows_in_chunks(conn, "ids", ids)
    assert sorted(found) == sorted([(ids[0], "Renamed")] + [(i, row["name"]) for i, row in zip(ids[1:], rows[1:])])
    with db.engine.connect() as conn:
        assert conn.execute(select(Agency.key).where(Agency.id == ids[0])).scalar() == "agency 005"  # only the name was set


_TWO_LISTS = plain(
    select(Agency.id, Agency.name)
    .where(Agency.id.in_(bindparam("ids", expanding=True)), Agency.state_usps.in_(bindparam("states", expanding=True)), Agency.agency_type != "other")
    .order_by(Agency.id)
)


def test_in_lists_of_every_length_match_what_sqlalchemy_matches_with_a_few_statement_shapes(db):
    """An IN list is padded to a power of two by repeating its last value, and each padded shape is expanded once;
    whatever the lengths, the rows are SQLAlchemy's own."""
    rows = [{"state_usps": ("TX", "FL", "GA")[n % 3], "name": f"Agency {n}", "key": f"k{n}", "agency_type": "other" if n % 7 == 0 else "county", "county_text": None} for n in range(600)]
    with db.engine.begin() as conn:
        ids = _NEW_AGENCY.inserted_ids(conn, rows)
        for length in (*range(0, 34), 40, 600):  # 600: over the chunk size, not padded
            for states in ([], ["FL"], ["TX", "GA"], ["GA", "FL", "TX"]):
                chosen = ids[:length][::-1]
                ours = _TWO_LISTS.rows(conn, ids=chosen, states=states)
                theirs = [tuple(row) for row in conn.execute(_TWO_LISTS.statement, {"ids": chosen, "states": states})]
                assert ours == theirs, (length, states)
                assert len(ours) == sum(1 for i, row in zip(ids, rows) if i in chosen and row["state_usps"] in states and row["agency_type"] != "other")
        shapes = _TWO_LISTS._for(conn)._shapes
    assert {lengths[0] for lengths in shapes} == {0, 1, 2, 4, 8, 16, 32, 64}  # the 600 are not kept
    assert {lengths[1] for lengths in shapes} == {0, 1, 2, 4}


def test_every_plain_statement_of_an_ingest_compiles_ahead_for_both_databases():
    importlib.import_module("g287.registry.ingest")  # loads the processors, and with them every statement an ingest runs
    from sqlalchemy.dialects.postgresql import psycopg
    from sqlalchemy.dialects.sqlite import pysqlite

    from g287.db.plain import _ALL, compile_all

    assert len(_ALL) >= 20
    saved = [dict(statement._compiled) for statement in _ALL]
    try:
        for statement in _ALL:
            statement._compiled.clear()
        for dialect in (pysqlite.dialect(), psycopg.dialect()):
            compile_all(dialect)
            assert all(dialect.name in statement._compiled for statement in _ALL)
    finally:
        for statement, compiled in zip(_ALL, saved):
            statement._compiled.clear()
            statement._compiled.update(compiled)


def test_an_ingest_compiles_no_orm_statement(tmp_path):
    """Plain statements are Core statements: compiling one built from ORM attributes configures every mapper
    first (some 10 ms a process), which an ingest never needs. A fresh interpreter ingests the bundled files and
    the mappers are still unconfigured."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sqlalchemy.orm import mapperlib\n"
        "from g287.access import Actor\n"
        "from g287.config import BUNDLED_PUBLICATIONS_DIR as ICE\n"
        "from g287.db.engine import Database\n"
        "from g287.db.plain import _ALL\n"
        "from g287.registry.batch import expand_paths, ingest_many\n"
        "orm = [s.statement for s in _ALL if s.statement._propagate_attrs.get('compile_state_plugin') == 'orm']\n"
        "assert not orm, orm\n"
        "db = Database('sqlite:///' + sys.argv[1])\n"
        "results, errors = ingest_many(db, expand_paths([str(ICE)]), Actor.command_line())\n"
        "assert results and not errors\n"
        "print(any(r._new_mappers for r in mapperlib._all_registries()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ingest.sqlite")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "True"


def test_in_lists_put_in_place_directly_give_sqlalchemys_statement_for_every_plain_statement():
    """On SQLite an IN list's shape is made by writing "?, ?, ..." in its place (plain._expanded_with_question_marks),
    not by SQLAlchemy's expansion: for every plain statement with IN lists and several lengths, the SQL, the value in
    each place and the processor applied to it are those SQLAlchemy's expansion and execution give (its own
    processors for the statement's values, the element's for each list's)."""
    importlib.import_module("g287.web.app")  # every module with plain statements: the ingest's, the site's
    importlib.import_module("g287.registry.ingest")
    from sqlalchemy.dialects.sqlite import pysqlite

    from g287.db.plain import _ALL, _expanded_with_question_marks

    dialect = pysqlite.dialect()
    checked = 0
    for statement in _ALL:
        compiled = statement._compile(dialect)
        if not compiled.expanding:
            continue
        params = {name: (name, None) for name in compiled.compiled.bind_names.values()}
        for lengths in {tuple(n for _ in compiled.in_lists) for n in (1, 2, 3, 8)} | {tuple(range(1, len(compiled.in_lists) + 1))}:
            markers = dict(params, **{name: [(name, i) for i in range(length)] for name, length in zip(compiled.in_lists, lengths)})
            state = compiled.compiled._process_parameters_for_postcompile(markers)
            theirs_processors = {**compiled.processors, **state.processors}
            theirs = (state.statement, [state.parameters[n] for n in state.positiontup], [theirs_processors.get(n) for n in state.positiontup])
            direct = _expanded_with_question_marks(compiled, lengths)
            assert direct is not None, compiled.sql
            sql, places = direct
            assert (sql, places, [compiled.processors.get(name) for name, _index in places]) == theirs, compiled.sql
            checked += 1
    assert checked > 40
