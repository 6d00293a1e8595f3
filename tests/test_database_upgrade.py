"""A database opened by this version of g287: one it made or upgraded before is brought up to date with its rows
kept; one that is not g287's, or that a newer g287 upgraded, is refused with one line and left as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from g287.db.dialect import normalize_url, schema_change
from g287.db.engine import Database, alembic_config
from g287.errors import G287Error
from tests.in_process import run_g287


AT = dt.datetime(2025, 1, 2, 15, 30, tzinfo=dt.timezone.utc)


def at_revision(url: str, revision: str) -> None:
    """Make a new database as g287 had it at REVISION (its migrations up to that one)."""
    database = Database(url, migrate=False)
    with database.engine.connect() as conn, schema_change(conn):
        cfg = alembic_config(database.engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    database.dispose()


def run_sql(url: str, *statements: str) -> None:
    engine = create_engine(normalize_url(url))
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), {"at": AT})
    engine.dispose()


def everything(url: str) -> dict[str, object]:
    """Every table's columns, indexes and rows, and the schema's revision: a database before and after a failed upgrade."""
    engine = create_engine(normalize_url(url))
    result = {}
    with engine.connect() as conn:
        schema = inspect(conn)
        for table in sorted(schema.get_table_names()):
            columns = [c["name"] for c in schema.get_columns(table)]
            indexes = sorted(i["name"] for i in schema.get_indexes(table))
            rows = sorted(map(repr, conn.execute(text(f'SELECT * FROM "{table}"')).all()))
            result[table] = (columns, indexes, rows)
    engine.dispose()
    return result


def _contents(url: str) -> object:
    """Everything a command could have written: an SQLite file's bytes and the files beside it (a WAL log, a journal);
    a PostgreSQL database's tables and their rows."""
    if url.startswith("sqlite"):
        path = Path(make_url(url).database)
        return path.read_bytes(), sorted(p.name for p in path.parent.iterdir())
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        rows = {table: conn.execute(text(f'SELECT * FROM "{table}"')).all() for table in tables}
    engine.dispose()
    return rows


def test_a_database_of_another_application_is_refused_and_left_as_it_was(blank_url):
    """g287 made its tables in any database it was given that had none of its own: another application's SQLite
    file (switched to WAL, too) or PostgreSQL database, and answered as if it were an empty registry."""
    engine = create_engine(normalize_url(blank_url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        conn.execute(text("INSERT INTO notes VALUES (1, 'not a registry')"))
    engine.dispose()
    before = _contents(blank_url)
    shown = make_url(normalize_url(blank_url)).render_as_string(hide_password=True)
    expected = f"g287: error: the database {shown} is not a g287 database: it holds tables (notes) and no g287 schema version"
    status, out, err = run_g287(blank_url, "stats")
    assert status == 1 and out == "" and err.startswith(expected) and len(err.splitlines()) == 1, err
    with pytest.raises(G287Error, match="is not a g287 database"):
        Database(blank_url, migrate=False).migrate()
    assert _contents(blank_url) == before


@pytest.mark.parametrize("blank_url", ["postgresql"], indirect=True)  # SQLite's: tests/test_database.py
def test_two_processes_opening_a_new_database_at_once_both_succeed(blank_url):
    """On PostgreSQL each process migrated it at once, and two of three failed ('duplicate key value violates unique
    constraint "pg_type_typname_nsp_index"': the same table made twice); SQLite's write lock made them take turns.
    Two processes make the race (without the schema's turn, the test failed in each of five runs, as with three)."""
    import subprocess
    import sys

    opening = f"from g287.db.engine import Database; Database({blank_url!r}).dispose()"
    processes = [subprocess.Popen([sys.executable, "-c", opening], stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 2, [line for error in errors for line in error.splitlines() if "Error" in line]
    engine = create_engine(normalize_url(blank_url))
    with engine.connect() as conn:
        assert len(conn.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
    engine.dispose()


def test_two_open_moas_of_one_agency_and_model_refuse_the_upgrade_in_one_line_and_leave_the_database_as_it_was(blank_url):
    """Two letters sent at the same moment before migration 0006 could each leave an open MOA of one model: its
    unique index then failed, in words of the database ('UNIQUE constraint failed: program_moas.agency_id,
    program_moas.model', 'could not create unique index') naming neither the upgrade nor the MOAs."""
    at_revision(blank_url, "0005_program")
    run_sql(
        blank_url,
        "INSERT INTO audit_events (at, actor, action, object_type, object_id) VALUES (:at, 'cli', 'application.submit', 'application', '1')",
        "INSERT INTO applicant_agencies (id, name, state_usps, agency_type, created_at) VALUES "
        "(1, 'Testville County Sheriff''s Office', 'FL', 'county', :at), (2, 'Otherton Police Department', 'TX', 'municipality', :at)",
        "INSERT INTO applications (id, agency_id, submitted_at, submitted_by, letter) VALUES "
        "(1, 1, :at, 'cli', '{}'), (2, 1, :at, 'cli', '{}'), (3, 2, :at, 'cli', '{}'), (4, 2, :at, 'cli', '{}')",
        # agency 1: two open JEM MOAs (and one TFM); agency 2: a terminated WSO MOA and an open one, as allowed
        "INSERT INTO program_moas (id, application_id, agency_id, model, status, draft_version) VALUES "
        "(1, 1, 1, 'JEM', 'requested', 0), (2, 2, 1, 'JEM', 'draft', 1), (3, 1, 1, 'TFM', 'requested', 0), "
        "(4, 3, 2, 'WSO', 'terminated', 1), (5, 4, 2, 'WSO', 'requested', 0)",
    )
    before = everything(blank_url)
    shown = make_url(normalize_url(blank_url)).render_as_string(hide_password=True)
    status, out, err = run_g287(blank_url, "stats")
    assert (status, out) == (1, "") and err.splitlines() == [
        f"g287: error: cannot upgrade the database {shown} from revision 0005_program: one open MOA (requested, draft or "
        "signed) per agency and model is kept from migration 0006 on, and the database holds more: applicant agency 1, "
        "JEM: MOAs 1, 2; the database is left as it was"
    ]
    assert everything(blank_url) == before


@pytest.mark.parametrize("blank_url", ["sqlite"], indirect=True)  # PostgreSQL never holds such a row
def test_an_upgrade_refused_at_its_end_leaves_every_migration_undone(blank_url):
    """SQLite checks every foreign key once all the migrations have run (they rebuild tables with the checks off): a
    row that referred to nothing already (one deleted in the sqlite3 shell, whose keys are off) refuses the upgrade,
    and the tables that migrations 0006 to 0014 rebuilt or changed are as they were."""
    at_revision(blank_url, "0005_program")
    run_sql(
        blank_url,
        "INSERT INTO applicant_agencies (id, name, state_usps, agency_type, created_at) VALUES (1, 'Testville County Sheriff''s Office', 'FL', 'county', :at)",
        "INSERT INTO nominees (id, moa_id, agency_id, full_name, service_periods, nominated_at, nominated_by) VALUES (7, 99, 1, 'A. Nominee', '[]', :at, 'cli')",
    )
    before = everything(blank_url)
    status, out, err = run_g287(blank_url, "stats")
    assert (status, out) == (1, "") and err.splitlines() == [
        f"g287: error: cannot upgrade the database {blank_url} from revision 0005_program: the migration leaves 1 row "
        "referring to missing rows (first: nominees row 7, to program_moas); the database is left as it was"
    ]
    assert everything(blank_url) == before


@pytest.mark.parametrize("blank_url", ["sqlite"], indirect=True)  # PostgreSQL refuses such a day when it is written
def test_an_upgrade_stopped_by_a_migration_s_own_python_says_so_in_one_line_and_leaves_the_database_as_it_was(blank_url):
    """Migration 0008 reads every enrolment's day: one written in another form ('01/20/2025', in the sqlite3 shell,
    which checks no type) stopped it with a traceback ending in "ValueError: Invalid isoformat string", where an
    error of the database itself is one line and says the database is left as it was."""
    at_revision(blank_url, "0007_search_keeps_every_word")
    run_sql(
        blank_url,
        "INSERT INTO applicant_agencies (id, name, state_usps, agency_type, created_at) VALUES (1, 'Testville County Sheriff''s Office', 'FL', 'county', :at)",
        "INSERT INTO applications (id, agency_id, submitted_at, submitted_by, letter) VALUES (1, 1, :at, 'cli', '{}')",
        "INSERT INTO program_moas (id, application_id, agency_id, model, status, draft_version, signed_on) VALUES (1, 1, 1, 'JEM', 'signed', 1, '2025-01-10')",
        "INSERT INTO nominees (id, moa_id, agency_id, full_name, service_periods, nominated_at, nominated_by) VALUES (4, 1, 1, 'A. Nominee', '[]', :at, 'cli')",
        "INSERT INTO enrolments (id, nominee_id, agency_id, course, enrolled_on, status) VALUES (5, 4, 1, 'JEM', '01/20/2025', 'enrolled')",
    )
    before = everything(blank_url)
    status, out, err = run_g287(blank_url, "stats")
    assert (status, out) == (1, "") and err.splitlines() == [
        f"g287: error: cannot upgrade the database {blank_url} from revision 0007_search_keeps_every_word: "
        "ValueError: Invalid isoformat string: '01/20/2025'; the database is left as it was"
    ]
    assert everything(blank_url) == before


@pytest.mark.parametrize("blank_url", ["sqlite"], indirect=True)  # on PostgreSQL a migration waits for another with no limit
def test_an_upgrade_that_waits_too_long_for_another_process_says_so_in_one_line(blank_url, monkeypatch):
    """Another process was writing (its change not yet committed) when a command found the database out of date: after
    its wait the upgrade said `...: database is locked; the database is left as it was`."""
    import sqlite3

    from g287.db import dialect

    at_revision(blank_url, "0011_search_ignores_accents")
    monkeypatch.setattr(dialect, "_BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(make_url(blank_url).database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the other process's change
        status, out, err = run_g287(blank_url, "stats")
    finally:
        other.close()
    assert (status, out) == (1, "") and err.splitlines() == [
        f"g287: error: cannot upgrade the database {blank_url} from revision 0011_search_ignores_accents: "
        "another g287 process is writing to the same database: try again once it has finished; the database is left as it was"
    ]


def stats_while_another_connection_locks(url: str, table: str, monkeypatch) -> tuple[int, str, str, float]:
    """`g287 stats` run while another PostgreSQL connection holds an ACCESS EXCLUSIVE lock on `table` in an open
    transaction (a psql session's LOCK TABLE), with g287's lock wait cut to 0.2 s: (status, out, err, seconds it took).
    Without a bound the command would wait for ever: the lock is given up after 15 s, so the test fails instead."""
    import threading
    import time

    import psycopg

    from g287.db import dialect

    monkeypatch.setattr(dialect, "_BUSY_TIMEOUT_MS", 200)
    other = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")  # a transaction psycopg begins and keeps open
    release = threading.Timer(15, other.rollback)
    release.start()
    try:
        started = time.monotonic()
        status, out, err = run_g287(url, "stats")
        return status, out, err, time.monotonic() - started
    finally:
        release.cancel()
        other.close()


@pytest.mark.parametrize("blank_url", ["postgresql"], indirect=True)  # SQLite's: the test above
def test_an_upgrade_that_waits_too_long_for_a_table_another_connection_locked_says_so_in_one_line(blank_url, monkeypatch):
    """On PostgreSQL an upgrade waited with no limit for a lock on a table it changes: a connection that held one (a
    psql session's LOCK TABLE, a long transaction) made every command that opened the database hang, the site's
    start too. It now waits as long as a change waits for another (10 seconds; 0.2 here), then stops in one line."""
    at_revision(blank_url, "0015_source_text_any_length")
    before = everything(blank_url)
    status, out, err, waited = stats_while_another_connection_locks(blank_url, "audit_events", monkeypatch)
    shown = make_url(normalize_url(blank_url)).render_as_string(hide_password=True)
    assert (status, out) == (1, "") and err.splitlines() == [
        f"g287: error: cannot upgrade the database {shown} from revision 0015_source_text_any_length: "
        "another g287 process is writing to the same database: try again once it has finished; the database is left as it was"
    ]
    assert waited < 10
    assert everything(blank_url) == before


@pytest.mark.parametrize("blank_url", ["postgresql"], indirect=True)
def test_a_lock_on_the_schema_version_makes_a_command_stop_in_one_line_not_wait_for_ever(blank_url, monkeypatch):
    """Every command reads the schema's version first (is the database up to date?); on PostgreSQL that read waited
    with no limit while another connection held a lock on alembic_version, outside the upgrade's bounded wait."""
    assert run_g287(blank_url, "stats")[0] == 0  # made, up to date
    before = everything(blank_url)
    status, out, err, waited = stats_while_another_connection_locks(blank_url, "alembic_version", monkeypatch)
    shown = make_url(normalize_url(blank_url)).render_as_string(hide_password=True)
    assert (status, out) == (1, "") and err.splitlines() == [
        f"g287: error: cannot open the database {shown}: another g287 process is writing to the same database: try again once it has finished"
    ]
    assert waited < 10
    assert everything(blank_url) == before


PAGES = ("Policía de Miami-Dade: jail/correctional facilities, Revised 02/15/2025", "An agreement between the parties")


def _kept_rows(url: str, columns: dict[str, list[str]] | None = None) -> dict[str, list[str] | list[tuple]]:
    """Each table's rows in COLUMNS (default: the columns it has now), the search index and the revision left out."""
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        columns = columns or {t: [c["name"] for c in inspect(conn).get_columns(t)] for t in inspect(conn).get_table_names() if not t.startswith("document_search") and t != "alembic_version"}
        found = {t: sorted(map(repr, conn.execute(text(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cs)} FROM "{t}"')).all())) for t, cs in columns.items()}
    engine.dispose()
    return columns, found


def test_a_database_holding_every_kind_of_record_at_revision_0005_is_upgraded_with_its_rows(blank_url):
    """Through the path every command takes (opening the database): its rows kept as they were (ids, values, the
    audit log), the columns later migrations add filled as they say, its documents found by the search's new rules
    (stop words, accents, punctuation: PostgreSQL's index made again), and the constraints added kept from then on."""
    from sqlalchemy.exc import DatabaseError, IntegrityError

    from g287.days import day_of
    from g287.db import dialect
    from g287.documents.search import search

    at_revision(blank_url, "0005_program")  # PostgreSQL's search as it was then: `english` (no stop words), words as the parser reads them
    run_sql(
        blank_url,
        "INSERT INTO audit_events (at, actor, action, object_type, object_id, after) VALUES "
        "(:at, 'cli', 'agency.create', 'agency', '1', '{\"name\": \"Testville\"}'), (:at, 'user:3', 'moa.record', 'moa', '1', NULL)",
        "INSERT INTO applicant_agencies (id, name, state_usps, agency_type, created_at) VALUES (1, 'Testville County Sheriff''s Office', 'FL', 'county', :at), "
        "(2, 'TESTVILLE COUNTY SHERIFFS OFFICE', 'FL', 'county', :at), (3, 'Otherton Police Department', 'TX', 'municipality', :at)",
        "INSERT INTO applications (id, agency_id, submitted_at, submitted_by, letter) VALUES (1, 1, :at, 'cli', '{\"models\": [\"JEM\"]}'), (2, 3, :at, 'cli', '{}')",
        "INSERT INTO program_moas (id, application_id, agency_id, model, status, draft_version, signed_on) VALUES "
        "(1, 1, 1, 'JEM', 'signed', 2, '2025-01-10'), (2, 2, 3, 'WSO', 'requested', 0, NULL)",
        "INSERT INTO nominees (id, moa_id, agency_id, full_name, service_periods, nominated_at, nominated_by) VALUES (4, 1, 1, 'A. Nominee', '[]', :at, 'cli')",
        "INSERT INTO enrolments (id, nominee_id, agency_id, course, enrolled_on, status, finished_on) VALUES (5, 4, 1, 'JEM', '2025-01-20', 'passed', '2025-02-01')",
        "INSERT INTO exam_attempts (id, enrolment_id, agency_id, exam, taken_on, score, remedial, passed) VALUES (6, 5, 1, 'final', '2025-01-31', 91.5, false, true)",
        "INSERT INTO certifications (id, nominee_id, agency_id, certified_on, expires_on, certified_by) VALUES (7, 4, 1, '2025-02-01', '2027-02-01', 'cli')",
        "INSERT INTO documents (id, sha256, size_bytes, kind, extension, media_type, file_name, page_count, stored_at) VALUES "
        f"(8, '{'a' * 64}', 1000, 'pdf', '.pdf', 'application/pdf', 'moa.pdf', 2, :at)",
        *(f"INSERT INTO document_pages (id, document_id, page_number, source, text, characters) VALUES ({9 + n}, 8, {n + 1}, 'text', '{t}', {len(t)})" for n, t in enumerate(PAGES)),
    )
    engine = create_engine(normalize_url(blank_url))
    with engine.begin() as conn:
        dialect.fulltext_add_documents(conn, {8: dialect.PAGE_SEPARATOR.join(PAGES)})
    engine.dispose()
    columns, before = _kept_rows(blank_url)

    database = Database(blank_url)
    _, after = _kept_rows(blank_url, columns)
    assert after == before
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0019_territory_county_texts"
        assert [tuple(r) for r in conn.execute(text("SELECT id, name_key FROM applicant_agencies ORDER BY id"))] == [
            (1, "testville county sheriffs office"), (2, None), (3, "otherton police department")]
        assert str(conn.execute(text("SELECT nominated_on FROM nominees")).scalar()) == str(day_of(AT))
        assert conn.execute(text("SELECT renewed_on FROM certifications")).all() == [(None,)]
        assert conn.execute(text("SELECT note FROM document_pages")).all() == [(None,), (None,)]
    with database.session() as session:
        assert {query: search(session, query).total for query in ("policia", "the", "jail", "02/15/2025", "Miami-Dade")} == dict.fromkeys(
            ("policia", "the", "jail", "02/15/2025", "Miami-Dade"), 1)
    with pytest.raises(IntegrityError), database.engine.begin() as conn:  # one open MOA per agency and model
        conn.execute(text("INSERT INTO program_moas (application_id, agency_id, model, status, draft_version) VALUES (1, 1, 'JEM', 'requested', 0)"))
    with pytest.raises(DatabaseError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events"))
    with database.engine.begin() as conn:  # a page read again is indexed again: by the pages' trigger, and as reread does
        dialect.fulltext_remove_documents(conn, {8: dialect.PAGE_SEPARATOR.join(PAGES)})
        conn.execute(text("UPDATE document_pages SET text = 'An addendum signed' WHERE id = 10"))
        dialect.fulltext_add_documents(conn, {8: dialect.PAGE_SEPARATOR.join((PAGES[0], "An addendum signed"))})
    with database.session() as session:
        assert [hit.page for hit in search(session, "addendum").hits] == [2] and search(session, "parties").total == 0
    database.dispose()
    status, out, err = run_g287(blank_url, "program", "agencies")
    assert status == 0 and "Otherton Police Department" in out, err


def test_migration_0013_lets_an_moa_be_withdrawn_and_frees_its_model_as_a_termination_does(blank_url):
    """The status `withdrawn` and its day: the rows before kept (none withdrawn); the CHECK constraint takes the new
    status and no other; the one-open-MOA index leaves a withdrawn MOA out, as a terminated one; going back to 0012
    is refused in one line while a withdrawn MOA exists (the old constraint cannot hold it) and leaves it as it was."""
    from sqlalchemy.exc import IntegrityError

    at_revision(blank_url, "0012_search_splits_punctuation")
    run_sql(
        blank_url,
        "INSERT INTO applicant_agencies (id, name, state_usps, agency_type, created_at) VALUES (1, 'Testville County Sheriff''s Office', 'FL', 'county', :at)",
        "INSERT INTO applications (id, agency_id, submitted_at, submitted_by, letter) VALUES (1, 1, :at, 'cli', '{}'), (2, 1, :at, 'cli', '{}'), (3, 1, :at, 'cli', '{}')",
        "INSERT INTO program_moas (id, application_id, agency_id, model, status, draft_version, signed_on) VALUES "
        "(1, 1, 1, 'JEM', 'signed', 1, '2025-01-10'), (2, 1, 1, 'TFM', 'draft', 1, NULL)",
    )
    columns, before = _kept_rows(blank_url)
    at_revision(blank_url, "0013_withdrawn_moas")
    assert _kept_rows(blank_url, columns)[1] == before
    engine = create_engine(normalize_url(blank_url))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, withdrawn_on FROM program_moas ORDER BY id")).all() == [(1, None), (2, None)]
        with pytest.raises(IntegrityError), engine.begin() as conn:  # the open TFM MOA keeps the model
            conn.execute(text("INSERT INTO program_moas (application_id, agency_id, model, status, draft_version) VALUES (2, 1, 'TFM', 'requested', 0)"))
        with pytest.raises(IntegrityError), engine.begin() as conn:  # a status the constraint does not know
            conn.execute(text("INSERT INTO program_moas (application_id, agency_id, model, status, draft_version) VALUES (2, 1, 'WSO', 'abandoned', 0)"))
        with engine.begin() as conn:  # withdrawn, the TFM MOA no longer holds the model: the agency asks for it again
            conn.execute(text("UPDATE program_moas SET status = 'withdrawn', withdrawn_on = '2025-02-01' WHERE id = 2"))
            conn.execute(text("INSERT INTO program_moas (id, application_id, agency_id, model, status, draft_version) VALUES (3, 2, 1, 'TFM', 'requested', 0)"))
            conn.execute(text("INSERT INTO program_moas (id, application_id, agency_id, model, status, draft_version) VALUES (4, 2, 1, 'JEM', 'withdrawn', 0)"))  # beside the signed one
        kept = everything(blank_url)
        with pytest.raises(G287Error, match=r"^the database holds withdrawn MOAs \(2, 4\), which revisions before 0013 cannot hold$"):
            with engine.connect() as conn, schema_change(conn):
                cfg = alembic_config(engine)
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, "0012_search_splits_punctuation")
        assert everything(blank_url) == kept
        with engine.begin() as conn:  # with none withdrawn, the way back is open
            conn.execute(text("DELETE FROM program_moas WHERE id > 2"))
            conn.execute(text("UPDATE program_moas SET status = 'draft', withdrawn_on = NULL WHERE id = 2"))
        with engine.connect() as conn, schema_change(conn):
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0012_search_splits_punctuation")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0012_search_splits_punctuation"
            assert "withdrawn_on" not in [c["name"] for c in inspect(conn).get_columns("program_moas")]
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("UPDATE program_moas SET status = 'withdrawn' WHERE id = 2"))
    finally:
        engine.dispose()


def test_a_database_a_newer_g287_upgraded_is_refused_in_one_line_and_left_as_it_was(db):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0015_from_a_newer_g287'"))
    before = everything(db.url)
    status, out, err = run_g287(db.url, "stats")
    assert (status, out) == (1, "") and err.splitlines() == [
        f"g287: error: the database {db.safe_url} has a schema this version of g287 does not know (revision 0015_from_a_newer_g287): "
        "it was made or upgraded by a newer g287; use that version"
    ]
    assert everything(db.url) == before  # not migrated down, nor changed


@pytest.mark.parametrize("blank_url", ["sqlite"], indirect=True)  # PostgreSQL changes a column in place
def test_alembic_s_own_upgrade_command_upgrades_an_sqlite_database_holding_nominees(blank_url):
    """`alembic -c g287/db/alembic.ini upgrade head` (the developers' command) ran the migrations with SQLite's
    foreign keys on: migration 0008, which rebuilds the nominees table, failed ('FOREIGN KEY constraint failed') as
    soon as an enrolment referred to a nominee."""
    at_revision(blank_url, "0007_search_keeps_every_word")
    run_sql(
        blank_url,
        "INSERT INTO applicant_agencies (id, name, state_usps, agency_type, created_at) VALUES (1, 'Testville County Sheriff''s Office', 'FL', 'county', :at)",
        "INSERT INTO applications (id, agency_id, submitted_at, submitted_by, letter) VALUES (1, 1, :at, 'cli', '{}')",
        "INSERT INTO program_moas (id, application_id, agency_id, model, status, draft_version, signed_on) VALUES (1, 1, 1, 'JEM', 'signed', 1, '2025-01-10')",
        "INSERT INTO nominees (id, moa_id, agency_id, full_name, service_periods, nominated_at, nominated_by) VALUES (4, 1, 1, 'A. Nominee', '[]', :at, 'cli')",
        "INSERT INTO enrolments (id, nominee_id, agency_id, course, enrolled_on, status) VALUES (5, 4, 1, 'JEM', '2025-01-01', 'enrolled')",
    )
    database = Database(blank_url, migrate=False)
    command.upgrade(alembic_config(database.engine), "heads")  # no connection given: env.py opens its own, as the command does
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0019_territory_county_texts"
        assert [tuple(r) for r in conn.execute(text("SELECT id, nominated_on FROM nominees"))] == [(4, "2025-01-01")]  # its enrolment's day
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()
