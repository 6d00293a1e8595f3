"""Throwaway PostgreSQL databases for the tests, copied from a migrated template by a thread beside the tests, and
brought back to the template's state after each test, or dropped.

Each test gets a database that holds exactly what the template holds, under a name no test had before. Copying one
(CREATE DATABASE ... TEMPLATE) took about 0.3 s and dropping one up to a second (a dropped database makes the server
write a checkpoint at once), in each test's set-up and tear-down: most of a PostgreSQL test's time, and a quarter of
the suite's. Now a used database is emptied instead (its sessions ended, every table's rows deleted but the
template's own, every sequence set back, the database renamed: some 20 ms, in the thread while the next test runs),
once its schema, settings and reference rows are found as the template has them; one that differs in any of these
(a test that migrated it down, or made a table) is dropped and a new copy made. Every database is dropped when the
tests end.
"""

from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

# What a database's schema and settings are, as one digest: two databases with the same digest have the same tables,
# columns, constraints, indexes, triggers, functions, types, views, extensions and settings, and neither has a
# prepared transaction or a large object.
_SCHEMA_DIGEST = """
SELECT md5(string_agg(part, E'\\n' ORDER BY part)) FROM (
    SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
    UNION ALL SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || c.relpersistence::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    UNION ALL SELECT 'column ' || a.attrelid::regclass::text || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
        || ' ' || a.attnotnull::text || ' ' || a.attidentity::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT 'function ' || p.oid::regprocedure::text || ' ' || md5(coalesce(p.prosrc, ''))
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    UNION ALL SELECT 'type ' || n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    UNION ALL SELECT 'view ' || c.oid::regclass::text || ' ' || pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v', 'm') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    UNION ALL SELECT 'policy ' || polname || ' ' || polrelid::regclass::text FROM pg_policy
    UNION ALL SELECT 'rule ' || rulename || ' ' || ev_class::regclass::text FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    UNION ALL SELECT 'extension ' || extname || ' ' || extversion FROM pg_extension
    UNION ALL SELECT 'setting ' || setrole || ' ' || array_to_string(setconfig, ',') FROM pg_db_role_setting
        WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
    UNION ALL SELECT 'prepared ' || gid FROM pg_prepared_xacts WHERE database = current_database()
    UNION ALL SELECT 'large objects' FROM pg_largeobject_metadata
) AS parts(part)
"""

_TABLES = """
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1
"""

_SEQUENCES = """
SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), start_value, last_value FROM pg_sequences
WHERE schemaname NOT LIKE 'pg\\_%' AND schemaname <> 'information_schema' ORDER BY 1
"""


def new_name() -> str:
    return f"g287_test_{uuid.uuid4().hex[:12]}"


def without_waiting_for_the_disk(admin: Connection, name: str) -> None:
    """A test database's commits do not wait for the server to flush its log to disk (synchronous_commit off: a
    commit is as visible to every session, and as atomic, but would be lost if the server crashed, which no test
    database need survive). Each commit waited 2-4 ms for the disk on this project's machines.
    A database setting: every session of the database has it, g287's own included, whatever its address says."""
    admin.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))


class _Template:
    """What a database copied from the template holds: its schema's digest, the tables holding rows (with a digest of
    those rows), and the state of each sequence; and the statements that bring a copy back to it."""

    def __init__(self, conn: Connection) -> None:
        self.schema = conn.execute(text(_SCHEMA_DIGEST)).scalar()
        tables = conn.execute(text(_TABLES)).scalars().all()
        self.kept = {table: _rows_digest(conn, table) for table in tables if conn.exec_driver_sql(f"SELECT EXISTS (SELECT FROM {table})").scalar()}
        sequences = conn.execute(text(_SEQUENCES)).all()
        # Foreign keys are triggers: with the replication role they do not fire, so the tables empty in any order.
        self.emptying = ["SET LOCAL session_replication_role = replica"] + [f"DELETE FROM {table}" for table in tables if table not in self.kept]
        self.emptying += [
            f"SELECT setval('{name}', {start}, false)" if last is None else f"SELECT setval('{name}', {last}, true)" for name, start, last in sequences
        ]

    def holds_as_template(self, conn: Connection) -> bool:
        """Whether the copy's schema, settings and reference rows are the template's (its other rows are emptied)."""
        if conn.execute(text(_SCHEMA_DIGEST)).scalar() != self.schema:
            return False
        return all(_rows_digest(conn, table) == digest for table, digest in self.kept.items())


def _rows_digest(conn: Connection, table: str) -> str:
    return conn.exec_driver_sql(f"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {table} AS t").scalar()


class ThrowawayDatabases:
    """Copies of `template` made ahead (`ahead` of them), and the databases given back emptied or dropped, on a
    connection of `admin` (an AUTOCOMMIT engine) in a thread of their own. A failure there is raised by the next
    `take` or `give_back`."""

    def __init__(self, admin: Engine, template: str, *, ahead: int = 1) -> None:
        self._admin = admin
        self._template = template
        self._ahead = ahead
        engine = self._engine(template)
        with engine.connect() as conn:
            self._state = _Template(conn)
        engine.dispose()  # a database being copied must have no connection open
        self._turn = threading.Condition()
        self._ready: list[str] = []
        self._used: list[tuple[str, bool]] = []  # (name, whether it may be emptied for another test)
        self._error: BaseException | None = None
        self._closing = False
        self.made: set[str] = set()  # (what the thread did, for its own tests)
        self.emptied = self.dropped = 0
        self._thread = threading.Thread(target=self._work, name="throwaway-databases", daemon=True)
        self._thread.start()

    def take(self) -> str:
        """The name of a database that holds what the template holds, for one test alone."""
        with self._turn:
            while not self._ready and self._error is None:
                self._turn.wait()
            self._raise_failure()
            name = self._ready.pop()  # the last made ready: one emptied after a test is in the server's cache
            self._turn.notify_all()
            return name

    def give_back(self, name: str, *, reuse: bool = True) -> None:
        """A database a test has done with: emptied for another test (`reuse`, and found as the template made it),
        or dropped. Its sessions are ended first, as DROP DATABASE ... WITH (FORCE) ends them."""
        with self._turn:
            self._raise_failure()
            self._used.append((name, reuse))
            self._turn.notify_all()

    def settle(self) -> None:
        """Wait until every database given back is emptied or dropped."""
        with self._turn:
            while self._used and self._error is None:
                self._turn.wait()
            self._raise_failure()

    def close(self) -> None:
        """Stop the thread, then drop every database it made that is still there (given back or not)."""
        with self._turn:
            self._closing = True
            self._turn.notify_all()
        self._thread.join()
        with self._admin.connect() as conn:
            for name in sorted(self.made | {name for name, _reuse in self._used}):
                _drop(conn, name)
        self._ready.clear()
        self._used.clear()

    def _raise_failure(self) -> None:
        if self._error is not None:
            raise RuntimeError(f"the thread making the tests' PostgreSQL databases failed: {self._error}") from self._error

    def _engine(self, name: str) -> Engine:
        return create_engine(self._admin.url.set(database=name), poolclass=NullPool)

    def _work(self) -> None:
        try:
            with self._admin.connect() as admin:
                while True:
                    with self._turn:
                        while not self._closing and len(self._ready) >= self._ahead and not self._used:
                            self._turn.wait()
                        if self._closing:
                            return
                        used = self._used[0] if self._used else None
                    if used is None:
                        made = new_name()
                        self.made.add(made)
                        admin.execute(text(f'CREATE DATABASE "{made}" TEMPLATE "{self._template}"'))
                        without_waiting_for_the_disk(admin, made)  # as the template is (a copy does not inherit it)
                    else:
                        made = self._emptied(admin, *used)
                    with self._turn:
                        if used is not None:
                            self._used.remove(used)
                        if made is not None:
                            self._ready.append(made)
                        self._turn.notify_all()
        except BaseException as error:  # raised in the tests' own thread by take or give_back
            with self._turn:
                self._error = error
                self._turn.notify_all()

    def _emptied(self, admin: Connection, name: str, reuse: bool) -> str | None:
        """The database brought back to the template's state, under a new name; or None once it is dropped."""
        if reuse and _sessions_ended(admin, name):
            engine = self._engine(name)
            try:
                with engine.begin() as conn:
                    emptied = self._state.holds_as_template(conn)
                    if emptied:
                        for statement in self._state.emptying:
                            conn.exec_driver_sql(statement)
            except DBAPIError:  # (the replication role needs a superuser; a database a test left unusable)
                emptied = False
            finally:
                engine.dispose()
            # Under a name never used before, as a new copy would be: what g287 keeps by a database's address (its
            # document archive, its published lists, the site's downloads) is never another test's.
            if emptied and _sessions_ended(admin, name):
                renamed = new_name()
                admin.execute(text(f'ALTER DATABASE "{name}" RENAME TO "{renamed}"'))
                self.made.add(renamed)
                self.emptied += 1
                return renamed
        _drop(admin, name)
        self.dropped += 1
        return None


def _sessions_ended(admin: Connection, name: str) -> bool:
    """End every session of the database; whether they all ended within ten seconds."""
    others = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
    admin.execute(text(others), {"name": name})
    deadline = time.monotonic() + 10
    while admin.execute(text("SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = :name)"), {"name": name}).scalar():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _drop(admin: Connection, name: str) -> None:
    admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
