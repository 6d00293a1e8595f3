"""Every statement that differs between SQLite and PostgreSQL lives here, and nowhere else but in the migrations,
which keep their own as they were written."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, InternalError, OperationalError, TimeoutError as PoolTimeout
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from g287.errors import Busy, G287Error
from g287.wording import counted


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that do not name a driver (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


_WRITING = "g287_writing"


def writing_options(engine: Engine) -> dict:
    """A session that will write (Database.session(writing=True), a migration). SQLite begins it IMMEDIATE.
    PostgreSQL: READ COMMITTED, named rather than left to the server. The turns (take_turns, schema_change) and the
    rows read FOR UPDATE need each statement to see what was committed before it began; a database or server whose
    default_transaction_isolation was REPEATABLE READ took the transaction's snapshot at its first statement, before
    its turn came: two ingests of one file at once both wrote it (the second refused by a unique index), and the
    processes that waited for another's migration ran it again ('relation "alembic_version" already exists')."""
    if engine.dialect.name == "postgresql":
        return {_WRITING: True, "isolation_level": "READ COMMITTED"}
    return {_WRITING: True}


def reading_options(engine: Engine) -> dict:
    """A session that only reads sees the database as it was at its first statement, whatever is committed
    meanwhile: SQLite's transaction does; PostgreSQL's does at REPEATABLE READ (at READ COMMITTED each statement saw
    what was committed when it began, so a page read the list in force, and then the rows of the list an ingest had
    put in its place)."""
    return {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}


def prepare_engine(engine: Engine) -> None:
    """SQLite: WAL, foreign keys, and transactions that also cover reads (pysqlite's default begins only before
    writes, so a read-then-write service would not see one consistent database)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            if _new_or_g287s(cursor):  # the mode is kept in the file: another application's is left as it is (and refused)
                _enable_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(_WRITING) else "BEGIN")


_BUSY_TIMEOUT_MS = 10_000


def _new_or_g287s(cursor) -> bool:
    """Whether an SQLite file holds no table yet, or g287's schema version among its tables."""
    names = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return not names or "alembic_version" in names


def own_tables(connection: Connection) -> list[str]:
    """The tables of the database itself, g287's or another application's: SQLite's, or those of the PostgreSQL
    schema g287 would use that no extension made (PostGIS adds spatial_ref_sys to every database it is enabled in)."""
    if connection.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name"
    else:
        sql = (
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') "
            "ORDER BY c.relname"
        )
    return [row[0] for row in connection.exec_driver_sql(sql)]


def _enable_wal(cursor) -> None:
    """PRAGMA journal_mode=WAL, waiting for other connections as every other statement does. On a new file that
    several connections open at once, the switch needs the file to itself and SQLite refuses it at once ("database
    is locked"), without its busy handler: it is tried again until the busy timeout. (The mode is kept in the file:
    a database already in WAL needs no lock for it.)"""
    deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.005)


def bound_lock_waits(connection: Connection) -> None:
    """PostgreSQL: the connection's current transaction waits for a table's lock as long as SQLite waits for its write
    lock, then fails as busy (is_busy). For the schema version read by every command before anything else: a
    connection holding a lock on alembic_version (a psql session's LOCK TABLE, a transaction left open) made every
    command, and the site's start, wait for ever. SQLite: nothing (its busy timeout bounds every wait)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT set_config('lock_timeout', %(wait)s, true)", {"wait": f"{_BUSY_TIMEOUT_MS}ms"})


def take_turns(connection: Connection, *names: str) -> None:
    """Make the transaction's changes that read what they count (failed sign-ins of an account, of a client) wait for
    every other transaction that named one of `names`, until it ends. SQLite needs nothing: a writing transaction
    begins IMMEDIATE, so they take turns already. PostgreSQL: a transaction-level advisory lock per name, taken in
    the order given, so callers that always name an account before a client can never wait on each other in a
    circle. The wait is bounded as SQLite's is (its busy timeout): a turn not had by then is Busy (an ingest waited
    with no limit behind another process's unfinished change)."""
    if connection.dialect.name != "postgresql":
        return
    # lock_timeout bounds the wait for these locks only: set for the transaction, then put back as it was.
    was = connection.exec_driver_sql("SELECT current_setting('lock_timeout')").scalar()
    connection.exec_driver_sql("SELECT set_config('lock_timeout', %(wait)s, true)", {"wait": f"{_BUSY_TIMEOUT_MS}ms"})
    try:
        _wait_for_turns(connection, names)
    except DBAPIError as error:
        if is_busy(error):
            raise Busy() from error
        raise
    connection.exec_driver_sql("SELECT set_config('lock_timeout', %(was)s, true)", {"was": was})


def _wait_for_turns(connection: Connection, names) -> None:
    """PostgreSQL: a transaction-level advisory lock per name, in the order given, waited for as long as lock_timeout
    says (no limit by default)."""
    for name in names:
        key = int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big", signed=True)
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%(key)s)", {"key": key})


@contextmanager
def schema_change(connection: Connection):
    """A transaction for migrations. SQLite changes a column (batch mode) by building a new table, dropping the old
    one and renaming the new: with foreign keys enforced, dropping a table that other rows refer to fails, even
    with the checks deferred. SQLite's own procedure for such changes is followed: foreign keys off, outside the
    transaction; every foreign key checked before it commits (a violation rolls it all back); on again after.
    PostgreSQL: one migration at a time, as SQLite's write lock makes it there; a process that finds the schema out
    of date waits for any other migrating it (which would make the same tables), then finds it up to date. Each lock
    on a table is then waited for as long as SQLite waits for its write lock: a connection holding one (a psql
    session's LOCK TABLE, a transaction left open) made the upgrade, and every command opening the database, wait
    for ever; it now stops as Busy."""
    if connection.dialect.name != "sqlite":
        with connection.begin():
            # No limit: the process migrating ends, and this one then finds nothing left to do.
            _wait_for_turns(connection, ["g287 schema change"])
            connection.exec_driver_sql("SELECT set_config('lock_timeout', %(wait)s, true)", {"wait": f"{_BUSY_TIMEOUT_MS}ms"})
            yield
        return
    raw = connection.connection.dbapi_connection  # the pragma has no effect inside a transaction: before it begins
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            yield
            violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if violations:
                table, rowid, parent, _index = violations[0]
                raise G287Error(f"the migration leaves {counted(len(violations), 'row')} referring to missing rows (first: {table} row {rowid}, to {parent})")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def is_busy(error: Exception) -> bool:
    """Whether a database error means another connection is writing: SQLite writes one transaction at a time (a
    transaction that read before another committed cannot write and is refused at once, whatever the timeout);
    PostgreSQL gave up waiting for a lock (lock_timeout, SQLSTATE 55P03)."""
    original = getattr(error, "orig", error)
    if getattr(original, "sqlstate", None) == "55P03":
        return True
    message = str(original)
    return "database is locked" in message or "database is busy" in message


def is_unreachable(error: Exception) -> bool:
    """Whether a database error means the database cannot be reached at all, a temporary unavailability as is_busy's:
    a connection that could not be made or was lost (PostgreSQL's server down, restarting or refusing connections),
    an SQLite file that cannot be opened (its folder gone or unreadable)."""
    if getattr(error, "connection_invalidated", False):  # SQLAlchemy found the connection lost
        return True
    original = getattr(error, "orig", error)
    if getattr(original, "sqlite_errorcode", None) == sqlite3.SQLITE_CANTOPEN:
        return True
    pgconn = getattr(original, "pgconn", None)  # psycopg's connection, also one that failed to connect
    if pgconn is None:
        return False
    from psycopg import pq  # only when the error is psycopg's: SQLite alone needs no PostgreSQL driver loaded

    return pgconn.status == pq.ConnStatus.BAD


# SQLite's result codes of a statement refused (an error in it, a table it names that is not there, a constraint, a
# value), which are the code's defects, not the database failing: SQLite gives most of them as OperationalError.
_SQLITE_REFUSALS = {sqlite3.SQLITE_ERROR, sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_RANGE, sqlite3.SQLITE_MISUSE, sqlite3.SQLITE_TOOBIG}


def is_failing(error: Exception) -> bool:
    """Whether a database error means the database itself failed, beside is_busy and is_unreachable: SQLite's file
    not a database or damaged, a disk error, a disk full, a file read-only; PostgreSQL out of resources, shutting
    down or failing inside (the DB-API's OperationalError and InternalError, as psycopg names them); no connection
    free in the pool. Not a statement the database refused, which is a defect (the DB-API's ProgrammingError,
    IntegrityError, DataError; SQLite's SQLITE_ERROR, as "no such table")."""
    if isinstance(error, PoolTimeout):
        return True
    original = getattr(error, "orig", None)
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        return code is not None and code & 0xFF not in _SQLITE_REFUSALS  # the extended code's primary one
    return isinstance(error, (OperationalError, InternalError, InterfaceError))


def insert(table, dialect_name: str):
    """An INSERT construct that knows ON CONFLICT for this dialect."""
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def allocate_ids(connection: Connection, table: str, count: int) -> list[int]:
    """`count` new ids for rows of `table` (its integer primary key `id`), in one statement, so that the rows can go
    in one executemany instead of an INSERT ... RETURNING each. PostgreSQL: values of the column's sequence.
    SQLite: the ids after the largest, which SQLite itself would give the rows (inside a transaction: once another
    writer has committed since it began, a WAL transaction cannot write at all, so no id is taken twice)."""
    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        sql = "SELECT nextval(pg_get_serial_sequence(%(table)s, 'id')) FROM generate_series(1, %(count)s)"
        return [row[0] for row in connection.exec_driver_sql(sql, {"table": table, "count": count})]
    if not connection.in_transaction():
        raise RuntimeError("allocate_ids needs a transaction")
    quoted = table.replace('"', '""')
    largest = connection.exec_driver_sql(f'SELECT max(id) FROM "{quoted}"').scalar() or 0
    return list(range(largest + 1, largest + 1 + count))


class in_code_point_order(ColumnElement):
    """A text column ordered by its characters' code points, as SQLite (BINARY) and Python order text. PostgreSQL
    orders text by the database's collation: under en_US, "de Soto" came before "DeKalb" and "St. Lucie" before
    "Saint", so the program's lists ran in another order than on SQLite. Use it in ORDER BY."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column) -> None:
        self.column = column
        self.type = column.type


@compiles(in_code_point_order)
def _in_code_point_order(element, compiler, **kw) -> str:
    return compiler.process(element.column, **kw)


@compiles(in_code_point_order, "postgresql")
def _in_code_point_order_postgresql(element, compiler, **kw) -> str:
    return f'{compiler.process(element.column, **kw)} COLLATE "C"'  # bytes of UTF-8: code points


def database_size_bytes(connection: Connection) -> int:
    """Bytes the database occupies (used by benchmarks and `g287 db info`)."""
    if connection.dialect.name == "sqlite":
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        size = connection.exec_driver_sql("PRAGMA page_size").scalar()
        return int(pages) * int(size)
    return int(connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar())


# --- Full-text search over documents ----------------------------------------------------------------------------
# Two indexes, neither a model (see g287/db/unmanaged.py), made by migration 0004 and changed by 0007, 0011 and 0012
# (each migration holds its own statements; HEAD_STATEMENTS in tests/test_migrations.py holds them as they are now):
# - per page (`document_search`): which page matches best, and its snippet. SQLite: an FTS5 index whose content is
#   document_pages.text (the text is stored once), kept current by triggers. PostgreSQL: a tsvector per page with a
#   GIN index, kept current by a trigger.
# - per document (`document_search_documents`): which documents match and their rank. Ranking 1,000 documents
#   instead of 11,000 pages keeps a search that matches everything fast. SQLite: a contentless FTS5 index;
#   PostgreSQL: a tsvector per document (positions kept; a document too long for one vector keeps its words
#   without positions, so only its phrases cannot be matched at document level). Written by
#   fulltext_add_documents / fulltext_remove_documents when a document's pages are written or replaced.
# Porter (SQLite) and English (PostgreSQL) stemming: "signed" finds "signing". Queries are built from parsed terms
# as quoted strings or bound parameters only, never from user text.
#
# PostgreSQL's index finds what SQLite's finds:
# - PostgreSQL's `english` configuration drops stop words ("the", "between"): a search made only of them found
#   nothing, and excluding one excluded nothing, while SQLite's porter tokenizer keeps every word. g287's
#   configuration (migration 0007) stems as `english` does and keeps every word.
# - A word with accents ("Policía", "Doña Ana") is found by the word without them, as SQLite's unicode61 tokenizer
#   finds it: the `unaccent` dictionary before the stemmer (migration 0011).
# - PostgreSQL's parser reads "jail/correctional" and "02/15/2025" as file names, "U.S.C." and "www.ice.gov" as
#   hosts, "107-296" as 107 and the number -296: one token each, while SQLite's unicode61 tokenizer (and
#   parse_query) separate words at every such character. The text is indexed with its ASCII punctuation made spaces
#   (migration 0012; other punctuation, such as "’" or "§", only separates words for both).
SEARCH_CONFIGURATION = "g287_english"


PAGE_SEPARATOR = "\n\f\n"  # between the pages of a document's text in the document-level index


def fulltext_add_documents(connection: Connection, texts: dict[int, str]) -> None:
    """Index documents as wholes (their pages' text joined with PAGE_SEPARATOR, in page order)."""
    from sqlalchemy import text

    rows = [{"id": document_id, "body": body} for document_id, body in texts.items()]
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO document_search_documents (rowid, text) VALUES (:id, :body)"), rows)
    else:
        connection.execute(
            text(
                "INSERT INTO document_search_documents (document_id, vector) VALUES (:id, document_search_vector(:body)) "
                "ON CONFLICT (document_id) DO UPDATE SET vector = EXCLUDED.vector"
            ),
            rows,
        )


def fulltext_remove_documents(connection: Connection, texts: dict[int, str]) -> None:
    """Take documents out of the document-level index; `texts` must be exactly what was indexed (SQLite's
    contentless index removes a document's words by reading them again)."""
    from sqlalchemy import text

    rows = [{"id": document_id, "body": body} for document_id, body in texts.items()]
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        connection.execute(
            text("INSERT INTO document_search_documents (document_search_documents, rowid, text) VALUES ('delete', :id, :body)"), rows
        )
    else:
        connection.execute(text("DELETE FROM document_search_documents WHERE document_id = :id"), rows)


Terms = list[tuple[tuple[str, ...], bool, bool]]  # (spellings: any of them matches, is_phrase, excluded)


def fulltext_search(connection: Connection, terms: Terms, limit: int, offset: int) -> tuple[int, list[dict]]:
    """Documents matching every term (and none of the excluded ones), best first: (number of matching documents,
    rows of document_id, score (higher is better), and page_id / page_number of the page to show: the first page
    holding every positive term, else the first holding any). `terms` are (spellings, is_phrase, excluded): a term
    matches where any of its spellings does (a spelling of several words is a phrase)."""
    if connection.dialect.name == "sqlite":
        total, rows = _sqlite_documents(connection, terms, limit, offset)
        pages = _sqlite_pages(connection, terms, [r["document_id"] for r in rows]) if rows else {}
    elif connection.dialect.name == "postgresql":
        total, rows = _postgres_documents(connection, terms, limit, offset)
        pages = _postgres_pages(connection, terms, [r["document_id"] for r in rows]) if rows else {}
    else:
        raise ValueError(f"unsupported database: {connection.dialect.name}")
    missing = [r["document_id"] for r in rows if r["document_id"] not in pages]
    if missing:  # no page holds a word of the search (a phrase found across a page break, say): the first page
        from sqlalchemy import text

        for document_id, page_id, page_number in connection.execute(
            text(f"SELECT document_id, id, page_number FROM document_pages WHERE document_id IN ({', '.join(str(int(d)) for d in missing)}) ORDER BY page_number")
        ):
            pages.setdefault(document_id, (page_id, page_number))
    for row in rows:
        row["page_id"], row["page_number"] = pages.get(row["document_id"], (None, None))
    return total, rows


def _words_of(terms: Terms) -> Terms:
    """The words of the positive terms' spellings, each a term of its own (a phrase's words can be on different
    pages)."""
    words = dict.fromkeys(word for spellings, _phrase, excluded in terms if not excluded for t in spellings for word in t.split())
    return [((word,), False, False) for word in words]


def _sqlite_documents(connection: Connection, terms, limit: int, offset: int) -> tuple[int, list[dict]]:
    from sqlalchemy import text

    match = _fts5_query(terms)
    rows = [
        dict(r)
        for r in connection.execute(
            text(
                "SELECT document_id, score, count(*) OVER () AS total FROM (SELECT rowid AS document_id, "
                "-bm25(document_search_documents) AS score FROM document_search_documents WHERE document_search_documents MATCH :match) "
                "ORDER BY score DESC, document_id LIMIT :limit OFFSET :offset"
            ),
            {"match": match, "limit": limit, "offset": offset},
        ).mappings()
    ]
    if rows:
        return int(rows[0]["total"]), rows
    if offset == 0:
        return 0, []
    total = connection.execute(text("SELECT count(*) FROM document_search_documents WHERE document_search_documents MATCH :match"), {"match": match}).scalar()
    return int(total), []


def _sqlite_pages(connection: Connection, terms, document_ids: list[int]) -> dict[int, tuple[int, int]]:
    """The page to show of each document. A document's pages are written together, so their ids are one range:
    FTS5 finds the first match in a rowid range without ranking every page of every document."""
    from sqlalchemy import text

    positive = [t for t in terms if not t[2]]
    params: dict[str, object] = {"all": _fts5_query(positive), "any": _fts5_query(_words_of(positive), joiner=" OR ")}
    ranges = connection.execute(
        text(f"SELECT document_id, min(id), max(id) FROM document_pages WHERE document_id IN ({', '.join(str(int(d)) for d in document_ids)}) GROUP BY document_id")
    ).all()
    parts = []
    for index, (_document_id, low, high) in enumerate(ranges):
        params[f"lo{index}"], params[f"hi{index}"] = low, high
        for rank, key in ((0, "all"), (1, "any")):
            parts.append(
                f"SELECT * FROM (SELECT rowid AS page_id, {rank} AS pass FROM document_search WHERE document_search MATCH :{key} "
                f"AND rowid BETWEEN :lo{index} AND :hi{index} ORDER BY rowid LIMIT 1)"
            )
    found = connection.execute(text(" UNION ALL ".join(parts)), params).all() if parts else []
    if not found:
        return {}
    numbers = {
        page_id: (document_id, page_number)
        for page_id, document_id, page_number in connection.execute(
            text(f"SELECT id, document_id, page_number FROM document_pages WHERE id IN ({', '.join(str(int(p)) for p, _ in found)})")
        )
    }
    result: dict[int, tuple[int, int, int]] = {}
    for page_id, rank in found:
        document_id, page_number = numbers[page_id]
        if document_id in document_ids and (document_id not in result or (rank, page_number) < result[document_id][2:]):
            result[document_id] = (page_id, page_number, rank, page_number)
    return {d: (v[0], v[1]) for d, v in result.items()}


def _postgres_documents(connection: Connection, terms, limit: int, offset: int) -> tuple[int, list[dict]]:
    from sqlalchemy import text

    params: dict[str, object] = {"limit": limit, "offset": offset}
    query = _tsquery_expression(terms, params)
    # The planner prefers reading the whole (small) table to the GIN index, not counting what reading every large
    # vector costs; the index finds a rare word in well under a millisecond instead of several.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = [
        dict(r)
        for r in connection.execute(
            text(
                f"WITH q AS (SELECT {query} AS query) "
                "SELECT d.document_id, ts_rank(d.vector, q.query) AS score, count(*) OVER () AS total "
                "FROM document_search_documents d, q WHERE d.vector @@ q.query "
                "ORDER BY score DESC, d.document_id LIMIT :limit OFFSET :offset"
            ),
            params,
        ).mappings()
    ]
    total = rows[0]["total"] if rows else 0
    if not rows and offset:
        total = connection.execute(
            text(f"WITH q AS (SELECT {query} AS query) SELECT count(*) FROM document_search_documents d, q WHERE d.vector @@ q.query"), params
        ).scalar()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = on")
    return int(total), rows


def _postgres_pages(connection: Connection, terms, document_ids: list[int]) -> dict[int, tuple[int, int]]:
    from sqlalchemy import text

    positive = [t for t in terms if not t[2]]
    params: dict[str, object] = {}
    every = _tsquery_expression(positive, params)
    some = _tsquery_expression(_words_of(positive), params, joiner=" || ", prefix="a")
    # the pages of these documents first (a few hundred), never every page matching a common word
    rows = connection.execute(
        text(
            f"WITH q AS (SELECT {every} AS every, {some} AS some), pages AS MATERIALIZED ("
            "SELECT p.document_id, p.id, p.page_number, s.vector FROM document_pages p JOIN document_search s ON s.page_id = p.id "
            f"WHERE p.document_id IN ({', '.join(str(int(d)) for d in document_ids)})) "
            "SELECT DISTINCT ON (pages.document_id) pages.document_id, pages.id, pages.page_number FROM pages, q "
            "WHERE pages.vector @@ q.some ORDER BY pages.document_id, (pages.vector @@ q.every) DESC, pages.page_number"
        ),
        params,
    ).all()
    return {document_id: (page_id, page_number) for document_id, page_id, page_number in rows}


def _fts5_query(terms: Terms, joiner: str = " AND ") -> str:
    """An FTS5 query in which every spelling of a term is a quoted string (so no user text is read as FTS5 syntax)."""

    def either(spellings: tuple[str, ...]) -> str:
        quoted = ['"' + t.replace('"', '""') + '"' for t in spellings]
        return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"

    wanted = joiner.join(either(spellings) for spellings, _phrase, excluded in terms if not excluded)
    for spellings, _phrase, excluded in terms:
        if excluded:
            wanted += " NOT " + either(spellings)
    return wanted


def _tsquery_expression(terms: Terms, params: dict, joiner: str = " && ", prefix: str = "t") -> str:
    """A tsquery built from bound parameters named prefix0_0, prefix0_1, ... (term, spelling; added to params)."""
    parts = []
    for index, (spellings, phrase, excluded) in enumerate(terms):
        either = []
        for number, t in enumerate(spellings):
            params[f"{prefix}{index}_{number}"] = t
            function = "phraseto_tsquery" if phrase or " " in t else "plainto_tsquery"
            either.append(f"{function}('{SEARCH_CONFIGURATION}', :{prefix}{index}_{number})")
        expression = either[0] if len(either) == 1 else "(" + " || ".join(either) + ")"
        parts.append(f"!! {expression}" if excluded else expression)
    positive = joiner.join(p for p in parts if not p.startswith("!!"))
    negative = "".join(" && " + p for p in parts if p.startswith("!!"))
    return "((" + positive + ")" + negative + ")"
