"""The schema: migrations equal the models on both databases, downgrade cleanly, and the audit log is append-only."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from g287.db.engine import alembic_config
from g287.db.models import Base
from g287.db.unmanaged import include_name, include_object, unmanaged_tables
from g287.registry.ingest import ingest_file
from tests.conftest import ICE


def test_migrations_match_the_models(db):
    # Only the tables that model modules declare in UNMANAGED_TABLES (full-text indexes, which differ by
    # database) are left out of the comparison; everything else must match exactly.
    opts = {"compare_type": True, "include_name": include_name, "include_object": include_object}
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=opts)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_unmanaged_tables_are_only_the_declared_full_text_index(db):
    declared = unmanaged_tables()
    assert declared and not declared & set(Base.metadata.tables)
    with db.engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
    extra = present - set(Base.metadata.tables) - {"alembic_version"}
    assert extra and extra <= declared


def test_downgrade_and_upgrade_again(db):
    with db.engine.begin() as conn:
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == ()
    db.migrate()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM states")).scalar() == 57


def test_states_reference(db):
    with db.engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT category, count(*) FROM states GROUP BY category")).all())
    assert rows == {"state": 50, "district": 1, "territory": 6}


def test_audit_log_refuses_update_delete_and_truncate(db, actor):
    """PostgreSQL's TRUNCATE fires no row trigger: it emptied the log that refused UPDATE and DELETE (SQLite has no
    TRUNCATE)."""
    ingest_file(db, ICE / "pending" / "pendingAgencies07112025am_b.xlsx", actor)
    statements = ["UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"]
    if db.dialect_name == "postgresql":
        statements += ["TRUNCATE audit_events", "TRUNCATE states, audit_events RESTART IDENTITY CASCADE"]
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1


def test_sqlite_uses_wal(tmp_path):
    from g287.db.engine import Database

    database = Database(f"sqlite:///{tmp_path / 'wal.sqlite'}")
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()


def test_the_home_folder_g287_makes_is_its_owners_only(tmp_path, monkeypatch):
    """The default database holds nominees' personal data: its folder was made 0755 and the file 0644 (umask 022),
    readable by every user of the machine."""
    import os
    import stat

    from g287.db.engine import Database

    home = tmp_path / "new" / "g287"
    monkeypatch.setenv("G287_HOME", str(home))
    previous = os.umask(0o022)
    try:
        database = Database(f"sqlite:///{home / 'g287.sqlite'}")
        database.dispose()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_the_home_folder_made_by_the_archive_or_the_program_files_is_its_owners_only_too(tmp_path, monkeypatch):
    """README: when g287 makes its folder, it is its owner's only (0700). Only the default database made it so: a
    database elsewhere (`--database demo.sqlite`, or PostgreSQL) left it to the archive (`$G287_HOME/documents`) or
    the program's files (signed MOAs, the registry's lists), which made it 0755 (umask 022)."""
    import os
    import stat

    from g287.documents.archive import Archive, sha256_of
    from g287.program import storage
    from tests.conftest import MOA_DIR

    pdf = MOA_DIR / "VictoriaCo_WSO_MOA_02.26.25.pdf"
    previous = os.umask(0o022)
    try:
        for made_by in ("archive", "program files"):
            home = tmp_path / made_by / "g287"
            monkeypatch.setenv("G287_HOME", str(home))
            monkeypatch.delenv("G287_PROGRAM_FILES_DIR", raising=False)
            if made_by == "archive":
                Archive(home / "documents").put(pdf, sha256_of(pdf)[0], ".pdf")
            else:
                storage.store_signed_moa(pdf.read_bytes())
            assert stat.S_IMODE(home.stat().st_mode) == 0o700, made_by
    finally:
        os.umask(previous)


def test_a_new_database_file_is_its_owners_only_wherever_it_is(tmp_path):
    """A database file named outside g287's home (the README's `--database demo.sqlite`) was made 0644 (umask 022):
    the home folder's mode protects only the files in it, and this one holds nominees' personal data and session
    token digests, readable by every user of the machine. A new file is made 0600, and its WAL with it; a file that
    exists keeps the mode its owner gave it."""
    import os
    import stat

    from sqlalchemy import text

    from g287.db.engine import Database

    previous = os.umask(0o022)
    try:
        database = Database(f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
        with database.session(writing=True) as session:
            session.execute(text("CREATE TABLE kept (n INTEGER)"))
        made = {path.name: stat.S_IMODE(path.stat().st_mode) for path in tmp_path.iterdir()}
        database.dispose()
        shared = tmp_path / "shared.sqlite"
        shared.touch(mode=0o640)
        os.chmod(shared, 0o640)
        Database(f"sqlite:///{shared}").dispose()
    finally:
        os.umask(previous)
    assert made["elsewhere.sqlite"] == 0o600 and all(mode == 0o600 for name, mode in made.items() if name.startswith("elsewhere.sqlite")), made
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640


def test_sqlite_changes_that_read_first_wait_their_turn_instead_of_failing(tmp_path):
    """SQLite lets one transaction write at a time, and one that read before another committed can no longer write:
    deferred, the second of two read-then-write changes is refused; begun as writing, it waits and succeeds."""
    import threading
    import time

    from sqlalchemy import text

    from g287.db.engine import Database

    db = Database(f"sqlite:///{tmp_path / 'turns.sqlite'}")
    with db.session() as session:
        session.execute(text("CREATE TABLE counter (n INTEGER)"))

    def two_changes_at_once(writing: bool) -> list[str]:
        refused: list[str] = []
        first_has_read = threading.Event()

        def change(pause: float, signal: threading.Event | None) -> None:
            try:
                with db.session(writing=writing) as session:
                    session.execute(text("SELECT count(*) FROM counter")).scalar()
                    if signal is not None:
                        signal.set()
                    time.sleep(pause)
                    session.execute(text("INSERT INTO counter VALUES (1)"))
            except Exception as error:  # the refusal is what is measured
                refused.append(type(error).__name__)

        first = threading.Thread(target=change, args=(0.3, first_has_read))
        first.start()
        first_has_read.wait()
        second = threading.Thread(target=change, args=(0.5, None))
        second.start()
        first.join()
        second.join()
        return refused

    assert two_changes_at_once(writing=False) == ["OperationalError"]  # what a deferred transaction meets
    assert two_changes_at_once(writing=True) == []
    with db.session() as session:
        assert session.execute(text("SELECT count(*) FROM counter")).scalar() == 3
    db.dispose()


def test_opening_a_new_sqlite_database_three_times_at_once_succeeds_three_times(tmp_path):
    """All find the schema missing; the first migrates, the others wait for it and find nothing left to do
    (begun deferred, they were refused: they had read the schema's version before the first committed). Also the
    switch of a new file to WAL, which SQLite refuses at once while another connection holds the file: once in
    about eight tries it was "database is locked" (on a busy machine, about once in a hundred), so that race is run
    many times. The switch is made as each connection opens, before any migration: it is raced on its own, where a
    try takes milliseconds, and with the migration a few times, where a try migrates a database (half a second)."""
    for attempt in range(3):
        _open_three_times_at_once(tmp_path / f"new{attempt}.sqlite")
    for attempt in range(100):
        _open_three_times_at_once(tmp_path / f"wal{attempt}.sqlite", migrate=False)


def _open_three_times_at_once(path, *, migrate: bool = True) -> None:
    """Three threads open the database at PATH (a file not made yet) at once; with `migrate` False each only opens
    a connection, which switches the file to WAL."""
    import sqlite3
    import threading
    from contextlib import closing

    from sqlalchemy import text

    from g287.db.engine import Database

    url = f"sqlite:///{path}"
    start = threading.Barrier(3)
    outcomes: list[str] = []

    def open_it() -> None:
        start.wait()
        try:
            database = Database(url, migrate=migrate)
            if not migrate:
                database.engine.connect().close()
            database.dispose()
            outcomes.append("opened")
        except Exception as error:  # the refusal is what is measured
            outcomes.append(str(error))

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["opened"] * 3
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    if migrate:
        database = Database(url)
        with database.engine.connect() as conn:
            assert len(conn.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
        database.dispose()
