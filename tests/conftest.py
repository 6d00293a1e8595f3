"""Test fixtures: real databases (a throwaway SQLite file, and a throwaway PostgreSQL database), never mocks.

PostgreSQL: with CI=true the server must answer (tests fail otherwise); elsewhere its tests are skipped, with
one line saying why, when no server answers at G287_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, make_url, text

from g287.access import Actor
from g287.config import BUNDLED_PUBLICATIONS_DIR
from g287.db.engine import Database
from g287.registry.batch import expand_paths, ingest_many
from tests.throwaway_databases import ThrowawayDatabases, new_name, without_waiting_for_the_disk

ROOT = Path(__file__).resolve().parent.parent
ICE = BUNDLED_PUBLICATIONS_DIR
MOA_DIR = ROOT / "tests" / "data" / "moa"
ICE_CSV = ROOT / "tests" / "data" / "ice-csv"  # two of ICE's lists as the archive converted them to CSV (not ICE's files)
POSTGRES_ADMIN_URL = os.environ.get("G287_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"

# The settings of the shell the tests run from are not the tests' (a G287_ALIASES_FILE of one's own changed the
# agency counts; a G287_DATABASE_URL would name one's own database): each test sets what it needs. G287_HOME stays,
# as the place the shell chose for g287's files, and G287_TEST_POSTGRES_URL and G287_SCREENSHOTS_DIR are the tests' own.
_KEPT_SETTINGS = {"G287_HOME", "G287_TEST_POSTGRES_URL", "G287_SCREENSHOTS_DIR"}
for _name in [name for name in os.environ if name.startswith("G287_") and name not in _KEPT_SETTINGS]:
    del os.environ[_name]

_postgres_state: dict[str, object] = {}


def postgres_available() -> tuple[bool, str]:
    if "ok" not in _postgres_state:
        try:
            engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            _postgres_state.update(ok=True, why="")
        except Exception as error:  # any failure to connect means "no server here"
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            _postgres_state.update(ok=False, why=f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL} ({first[:120]}): PostgreSQL tests skipped")
    return bool(_postgres_state["ok"]), str(_postgres_state["why"])


def pytest_report_header(config):
    ok, why = postgres_available()
    return "PostgreSQL: " + ("reachable; tests run on SQLite and PostgreSQL" if ok else why)


# Each test process migrates one empty database of each kind once, and each test gets a copy of it: a throwaway
# database of its own, as before, without running the ten migrations again (about half a second a database, which
# made up a fifth of the suite's time). Each template is migrated from nothing, so tests/test_database.py still
# checks every migration on both kinds. PostgreSQL's copies are made ahead and dropped behind, by a thread beside the
# tests (tests/throwaway_databases.py).
_templates: dict[str, str] = {}  # backend -> the template's file (SQLite) or database name (PostgreSQL)
_throwaway: dict[str, ThrowawayDatabases] = {}  # the PostgreSQL databases made and dropped beside the tests


def _require_postgres() -> None:
    ok, why = postgres_available()
    if not ok:
        if IN_CI:
            pytest.fail("CI=true but " + why)
        pytest.skip(why)


def _postgres_admin():
    _require_postgres()
    return create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _postgres_template(admin) -> str:
    if "postgresql" not in _templates:
        name = f"g287_template_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            without_waiting_for_the_disk(conn, name)
        template = Database(admin.url.set(database=name).render_as_string(hide_password=False))
        template.dispose()  # a database being copied must have no connection open
        _templates["postgresql"] = name
    return _templates["postgresql"]


def _sqlite_template() -> Path:
    if "sqlite" not in _templates:
        folder = Path(tempfile.mkdtemp(prefix="g287-template-"))
        template = Database(f"sqlite:///{folder / 'template.sqlite'}")
        template.dispose()  # the last connection closed: its write-ahead log is checkpointed into the file
        _templates["sqlite"] = str(folder / "template.sqlite")
    return Path(_templates["sqlite"])


def pytest_sessionfinish(session, exitstatus):
    """Drop the databases and the templates this test process made (each xdist worker has its own)."""
    throwaway = _throwaway.pop("postgresql", None)
    if throwaway is not None:
        throwaway.close()
    name = _templates.pop("postgresql", None)
    if name is not None:
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    path = _templates.pop("sqlite", None)
    if path is not None:
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def _throwaway_databases() -> ThrowawayDatabases:
    if "postgresql" not in _throwaway:
        admin = _postgres_admin()
        _throwaway["postgresql"] = ThrowawayDatabases(admin, _postgres_template(admin))
    return _throwaway["postgresql"]


def _create_postgres_database() -> tuple[str, callable]:
    _require_postgres()
    throwaway = _throwaway_databases()
    name = throwaway.take()
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    return url, lambda: throwaway.give_back(name)


def make_database(backend: str, tmp_path: Path) -> tuple[Database, callable]:
    """An empty database of BACKEND, migrated (a copy of this process's template), and what closes and drops it."""
    if backend == "sqlite":
        tmp_path.mkdir(parents=True, exist_ok=True)
        template = _sqlite_template()
        for suffix in ("-wal", "-shm"):
            assert not Path(f"{template}{suffix}").exists(), "the template's log was not checkpointed: a copy would lack part of it"
        shutil.copyfile(template, tmp_path / "g287.sqlite")
        db = Database(f"sqlite:///{tmp_path / 'g287.sqlite'}")
        return db, db.dispose
    url, drop = _create_postgres_database()
    db = Database(url)

    def close():
        db.dispose()
        drop()

    return db, close


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> Database:
    """An empty, migrated database of each kind, dropped after the test."""
    database, close = make_database(request.param, tmp_path)
    yield database
    close()


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_url(request, tmp_path) -> str:
    """The URL of a database of each kind that holds nothing yet, not even g287's schema (a file not yet made, a
    PostgreSQL database just created), for tests of what opening or migrating a database does; dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite'}"
        return
    admin = _postgres_admin()
    name = new_name()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        without_waiting_for_the_disk(conn, name)
    admin.dispose()
    yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    _throwaway_databases().give_back(name, reuse=False)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def bundled_db(request, tmp_path_factory) -> Database:
    """A database holding every bundled ICE publication, shared by the tests that only read."""
    database, close = make_database(request.param, tmp_path_factory.mktemp("bundled"))
    files = expand_paths([str(ICE / "participating"), str(ICE / "pending")])
    results, errors = ingest_many(database, files, Actor.command_line())
    assert not errors and len(results) == len(files)
    yield database
    close()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2id with the smallest cost in every test process, from its first fixture on: the same algorithm and code
    paths, without 64 MiB and three passes (some 200 ms) per hash and per check of a password. (Set per test, it
    came after the fixtures shared by a module, whose accounts then had the production parameters, and so did every
    sign-in with them.) A command run as a real process still uses the production parameters."""
    from argon2 import PasswordHasher

    from g287.program import accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        accounts._dummy_hash.cache_clear()  # made with the hasher in use
        yield
    accounts._dummy_hash.cache_clear()


@pytest.fixture
def actor() -> Actor:
    return Actor.command_line()


def snapshot(database: Database, without_columns: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every row of every table, for comparing a database before and after a failed operation (or two databases:
    `without_columns` leaves out columns that differ between runs, such as timestamps)."""
    result = {}
    with database.engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            columns = [c["name"] for c in inspect(conn).get_columns(table) if c["name"] not in without_columns]
            rows = conn.execute(text(f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)} FROM "{table}"')).all()
            result[table] = sorted((tuple(map(repr, row)) for row in rows))
    return result


@pytest.fixture
def deferred_writes(monkeypatch):
    """Sessions that g287's own code opened on SQLite without `writing=True` and then changed the database in, each
    named by the line that opened it: a change that reads first, begun deferred, is refused when another process
    commits meanwhile (begun as writing, it waits its turn). Tests that run commands assert it stays empty."""
    import sys
    from contextlib import contextmanager

    from sqlalchemy import event

    from g287.db import engine as engine_module

    package = Path(engine_module.__file__).resolve().parent.parent
    opened = engine_module.Database.session
    found: list[str] = []

    @contextmanager
    def session(self, *, writing: bool = False):
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.endswith("contextlib.py"):
            frame = frame.f_back
        where, line = Path(frame.f_code.co_filename).resolve(), frame.f_lineno
        wrote: list[str] = []

        def note(_conn, _cursor, statement, _parameters, _context, _executemany):
            if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
                wrote.append(statement)

        with opened(self, writing=writing) as session:
            connection = session.connection()
            event.listen(connection, "before_cursor_execute", note)
            try:
                yield session
            finally:
                event.remove(connection, "before_cursor_execute", note)
        if wrote and not writing and self.dialect_name == "sqlite" and where.is_relative_to(package):
            found.append(f"{where.relative_to(package.parent)}:{line}: {' '.join(wrote[0].split()[:3])}")

    monkeypatch.setattr(engine_module.Database, "session", session)
    return found
