"""The public database as one SQLite file, for download and for Datasette.

From SQLite: a consistent copy with SQLite's online backup API, then every table not listed in
g287/data/rules/public_tables.toml is dropped and the file is vacuumed (so nothing private remains in free
pages). From PostgreSQL: the public tables are created in a new SQLite file from the models and their rows
copied in one repeatable-read transaction. Either way the file is a plain SQLite database in rollback-journal
mode, which Datasette and any SQLite client open as it is.
"""

from __future__ import annotations

import sqlite3
import tomllib
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine, insert, select

from g287.config import DATA_DIR
from g287.db.engine import Database
from g287.db.models import Base


@cache
def public_tables() -> tuple[str, ...]:
    with open(DATA_DIR / "rules" / "public_tables.toml", "rb") as handle:
        return tuple(tomllib.load(handle)["tables"])


def write_snapshot(db: Database, target: Path) -> Path:
    """Write the public tables of `db` to the SQLite file `target` (replaced if present)."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    if db.dialect_name == "sqlite":
        _backup_sqlite(db, partial)
    else:
        _copy_tables(db, partial)
    partial.replace(target)
    return target


def _backup_sqlite(db: Database, path: Path) -> None:
    keep = set(public_tables())
    with db.engine.connect() as connection:
        source = connection.connection.dbapi_connection
        destination = sqlite3.connect(str(path))
        try:
            source.backup(destination)
        finally:
            destination.close()
    destination = sqlite3.connect(str(path), isolation_level=None)
    try:
        # Virtual tables (the documents' full-text index) first: dropping one drops its shadow tables with it.
        tables = destination.execute("SELECT name, sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        names = [n for n, _virtual in sorted(tables, key=lambda t: not t[1])]
        destination.execute("PRAGMA foreign_keys = OFF")
        for name in names:
            if name not in keep:
                destination.execute(f'DROP TABLE IF EXISTS "{name}"')  # names come from sqlite_master, not from a user
        destination.execute("PRAGMA journal_mode = DELETE")
        destination.execute("VACUUM")
    finally:
        destination.close()


def _copy_tables(db: Database, path: Path) -> None:
    wanted = set(public_tables())
    tables = [table for table in Base.metadata.sorted_tables if table.name in wanted]  # parents before children
    target = create_engine(f"sqlite:///{path}")
    try:
        Base.metadata.create_all(target, tables=tables)
        with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as source, target.begin() as out:
            with source.begin():
                for table in tables:
                    result = source.execute(select(table)).mappings()
                    while batch := result.fetchmany(2000):
                        out.execute(insert(table), [dict(row) for row in batch])
    finally:
        target.dispose()
