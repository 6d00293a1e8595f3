"""The tests' own PostgreSQL databases (tests/throwaway_databases.py): a database given back after a test is taken
again only as the template made it; one a test changed beyond its rows is dropped."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from g287.access import Actor
from g287.db.engine import Database
from g287.registry.ingest import ingest_file
from tests.conftest import ICE, _postgres_admin, _postgres_template, snapshot
from tests.throwaway_databases import ThrowawayDatabases


@pytest.fixture
def throwaway():
    admin = _postgres_admin()
    databases = ThrowawayDatabases(admin, _postgres_template(admin))
    yield databases, admin
    databases.close()
    admin.dispose()


def _engine(admin, name):
    return create_engine(admin.url.set(database=name), poolclass=NullPool)


def _existing(admin, *names) -> set[str]:
    with admin.connect() as conn:
        return set(conn.execute(text("SELECT datname FROM pg_database WHERE datname = ANY(:names)"), {"names": list(names)}).scalars())


def _database(admin, name) -> Database:
    return Database(admin.url.set(database=name).render_as_string(hide_password=False))


def _next_id(database) -> int:
    with database.engine.begin() as conn:
        return conn.execute(text("SELECT nextval(pg_get_serial_sequence('publications', 'id'))")).scalar()


def test_a_database_given_back_is_taken_again_holding_what_the_template_holds(throwaway):
    databases, admin = throwaway
    name = databases.take()
    database = _database(admin, name)
    fresh = snapshot(database)
    assert fresh["publications"] == [] and len(fresh["states"]) == 57
    ingest_file(database, ICE / "pending" / "pendingAgencies07112025am_b.xlsx", Actor.command_line())
    assert snapshot(database) != fresh and _next_id(database) == 2
    kept_open = database.engine.connect()  # a session the test left open is ended, as DROP ... WITH (FORCE) ends it
    kept_open.exec_driver_sql("SELECT 1")
    databases.give_back(name)
    databases.settle()
    renamed = databases.take()  # under a name of its own (g287 keeps files by a database's address)
    assert databases.emptied == 1 and renamed != name and _existing(admin, name, renamed) == {renamed}
    kept_open.invalidate()
    database.dispose()
    again = _database(admin, renamed)
    assert snapshot(again) == fresh and _next_id(again) == 1
    again.dispose()


@pytest.mark.parametrize(
    "change",
    [
        "CREATE TABLE left_behind (id integer)",
        "ALTER TABLE publications DROP COLUMN size_bytes",
        "CREATE INDEX ix_left_behind ON agencies (county_text)",
        "UPDATE states SET name = 'Changed' WHERE usps = 'TX'",
        "UPDATE alembic_version SET version_num = 'older'",
    ],
    ids=["a table", "a column", "an index", "reference rows", "the schema's version"],
)
def test_a_database_changed_beyond_its_rows_is_dropped_and_a_new_copy_taken(throwaway, change):
    databases, admin = throwaway
    name = databases.take()
    engine = _engine(admin, name)
    with engine.begin() as conn:
        conn.execute(text(change))
    engine.dispose()
    databases.give_back(name)
    databases.settle()
    other = databases.take()
    assert other != name and databases.dropped == 1 and _existing(admin, name, other) == {other}
    fresh = _database(admin, other)
    assert [len(snapshot(fresh)[table]) for table in ("publications", "states")] == [0, 57]
    fresh.dispose()


def test_a_database_not_to_be_used_again_is_dropped_and_close_drops_the_rest(throwaway):
    databases, admin = throwaway
    kept, dropped = databases.take(), databases.take()
    databases.give_back(dropped, reuse=False)
    databases.give_back(kept)
    databases.settle()
    assert databases.dropped == 1 and databases.emptied == 1 and _existing(admin, kept, dropped) == set()
    databases.give_back(databases.take())
    databases.close()
    assert {kept, dropped} <= databases.made and _existing(admin, *databases.made) == set()


def test_a_databases_commits_do_not_wait_for_the_disk_in_any_session(throwaway):
    """tests/throwaway_databases.without_waiting_for_the_disk: on a new copy of the template and on a copy emptied for
    another test (renamed), g287's own sessions have it; the server's default is left as it was."""
    databases, admin = throwaway
    name = databases.take()
    for _ in range(2):
        database = _database(admin, name)
        with database.session() as session:
            assert session.execute(text("SHOW synchronous_commit")).scalar() == "off"
        database.dispose()
        databases.give_back(name)
        databases.settle()
        name = databases.take()
    assert databases.emptied == 2
    with admin.connect() as conn:
        assert conn.execute(text("SHOW synchronous_commit")).scalar() == "on"
