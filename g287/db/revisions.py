"""Which schema revisions the migrations declare, and which a database is at, read without Alembic.

Importing Alembic's script machinery (it brings Mako and Pygments) took about 0.3 s of every command's start, only to
find, nearly always, that the database is up to date. Each migration declares `revision` and `down_revision` as
literals at its top level (Alembic's own file format); they are read here with `ast`, and Alembic is imported only
when there is something to migrate. tests/test_migrations.py checks these against Alembic's reading."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps


def _declared(path: Path) -> tuple[str, tuple[str, ...]]:
    """(revision, down revisions) as the migration file assigns them."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_bytes(), filename=str(path)).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value is not None:
                    found[target.id] = ast.literal_eval(node.value)
    down = found.get("down_revision")
    return str(found["revision"]), tuple(down) if isinstance(down, (tuple, list)) else ((down,) if down else ())


@cache
def _graph() -> dict[str, tuple[str, ...]]:
    return dict(_declared(path) for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")))


def script_revisions() -> frozenset[str]:
    """Every revision the migrations declare."""
    return frozenset(_graph())


def script_heads() -> frozenset[str]:
    """The revisions no other revision builds on: those a database up to date is at."""
    graph = _graph()
    below = {down for downs in graph.values() for down in downs}
    return frozenset(graph.keys() - below)


def database_revisions(connection: Connection) -> frozenset[str]:
    """The revisions the database says it is at (none: no g287 schema yet)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return frozenset()
    return frozenset(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
