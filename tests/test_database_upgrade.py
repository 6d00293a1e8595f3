"""A database opened by this version of g287: one it made or upgraded before is brought up to date with its rows
kept; one that is not g287's, or that a newer g287 upgraded, is refused with one line and left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from g287.db.dialect import normalize_url
from g287.db.engine import Database
from g287.errors import G287Error
from tests.in_process import run_g287


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
def test_three_processes_opening_a_new_database_at_once_all_succeed(blank_url):
    """On PostgreSQL each process migrated it at once, and two of three failed ('duplicate key value violates unique
    constraint "pg_type_typname_nsp_index"': the same table made twice); SQLite's write lock made them take turns."""
    import subprocess
    import sys

    opening = f"from g287.db.engine import Database; Database({blank_url!r}).dispose()"
    processes = [subprocess.Popen([sys.executable, "-c", opening], stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 3, [line for error in errors for line in error.splitlines() if "Error" in line]
    engine = create_engine(normalize_url(blank_url))
    with engine.connect() as conn:
        assert len(conn.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
    engine.dispose()
