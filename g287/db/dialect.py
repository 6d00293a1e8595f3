"""Every statement that differs between SQLite and PostgreSQL lives here, and nowhere else."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that do not name a driver (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


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
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection):
        connection.exec_driver_sql("BEGIN")


def insert(table, dialect_name: str):
    """An INSERT construct that knows ON CONFLICT for this dialect."""
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def append_only_statements(dialect_name: str, table: str) -> list[str]:
    """Statements that make the database itself refuse UPDATE and DELETE on an append-only table."""
    if dialect_name == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        ]
    if dialect_name == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ]
    raise ValueError(f"unsupported database: {dialect_name}")


def drop_append_only_statements(dialect_name: str, table: str) -> list[str]:
    if dialect_name == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_append_only()",
    ]


def database_size_bytes(connection: Connection) -> int:
    """Bytes the database occupies (used by benchmarks and `g287 db info`)."""
    if connection.dialect.name == "sqlite":
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        size = connection.exec_driver_sql("PRAGMA page_size").scalar()
        return int(pages) * int(size)
    return int(connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar())


# --- Full-text search over document pages ----------------------------------------------------------------------
# SQLite: an FTS5 index whose content is document_pages.text (external content, so the text is stored once),
# kept current by triggers; Porter stemming so "signed" finds "signing". PostgreSQL: a tsvector per page in
# document_search with a GIN index, kept current by a trigger, English stemming. Neither is a model (see
# g287/db/unmanaged.py). Queries are built from parsed terms with bound parameters only.

SNIPPET_START, SNIPPET_END = "\x02", "\x03"  # marks around matched words in snippets; escaped and replaced later


def fulltext_create_statements(dialect_name: str) -> list[str]:
    if dialect_name == "sqlite":
        return [
            "CREATE VIRTUAL TABLE document_search USING fts5(text, content='document_pages', content_rowid='id', "
            "tokenize='porter unicode61')",
            "CREATE TRIGGER document_pages_search_insert AFTER INSERT ON document_pages BEGIN "
            "INSERT INTO document_search(rowid, text) VALUES (new.id, new.text); END",
            "CREATE TRIGGER document_pages_search_delete AFTER DELETE ON document_pages BEGIN "
            "INSERT INTO document_search(document_search, rowid, text) VALUES ('delete', old.id, old.text); END",
            "CREATE TRIGGER document_pages_search_update AFTER UPDATE ON document_pages BEGIN "
            "INSERT INTO document_search(document_search, rowid, text) VALUES ('delete', old.id, old.text); "
            "INSERT INTO document_search(rowid, text) VALUES (new.id, new.text); END",
        ]
    if dialect_name == "postgresql":
        return [
            "CREATE TABLE document_search (page_id integer PRIMARY KEY REFERENCES document_pages(id) ON DELETE CASCADE, "
            "vector tsvector NOT NULL)",
            "CREATE INDEX ix_document_search_vector ON document_search USING gin (vector)",
            "CREATE OR REPLACE FUNCTION document_search_refresh() RETURNS trigger AS $$ BEGIN "
            "INSERT INTO document_search (page_id, vector) VALUES (NEW.id, to_tsvector('english', coalesce(NEW.text, ''))) "
            "ON CONFLICT (page_id) DO UPDATE SET vector = EXCLUDED.vector; RETURN NEW; END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER document_pages_search AFTER INSERT OR UPDATE OF text ON document_pages "
            "FOR EACH ROW EXECUTE FUNCTION document_search_refresh()",
        ]
    raise ValueError(f"unsupported database: {dialect_name}")


def fulltext_drop_statements(dialect_name: str) -> list[str]:
    if dialect_name == "sqlite":
        return [
            "DROP TRIGGER IF EXISTS document_pages_search_insert",
            "DROP TRIGGER IF EXISTS document_pages_search_delete",
            "DROP TRIGGER IF EXISTS document_pages_search_update",
            "DROP TABLE IF EXISTS document_search",
        ]
    return [
        "DROP TRIGGER IF EXISTS document_pages_search ON document_pages",
        "DROP FUNCTION IF EXISTS document_search_refresh()",
        "DROP TABLE IF EXISTS document_search",
    ]


def fulltext_search(connection: Connection, terms: list[tuple[str, bool, bool]], limit: int, offset: int) -> tuple[int, list[dict]]:
    """Documents whose pages match every term, best first, one row per document (its best page).

    `terms` are (text, is_phrase, excluded). Returns (number of matching documents, rows of document_id, page_id,
    page_number, score (higher is better), snippet with SNIPPET_START/END around matches)."""
    from sqlalchemy import text

    params: dict[str, object] = {"limit": limit, "offset": offset}
    if connection.dialect.name == "sqlite":
        params["match"] = _fts5_query(terms)
        ranked = connection.execute(
            text(
                "WITH hits AS (SELECT rowid AS page_id, bm25(document_search) AS score FROM document_search "
                "WHERE document_search MATCH :match), "
                "ranked AS (SELECT p.document_id, h.page_id, p.page_number, h.score, "
                "row_number() OVER (PARTITION BY p.document_id ORDER BY h.score, p.page_number) AS n "
                "FROM hits h JOIN document_pages p ON p.id = h.page_id) "
                "SELECT document_id, page_id, page_number, -score AS score, count(*) OVER () AS total FROM ranked "
                "WHERE n = 1 ORDER BY score DESC, document_id LIMIT :limit OFFSET :offset"
            ),
            params,
        ).mappings().all()
        rows = [dict(r) for r in ranked]
        if rows:
            ids = {f"p{i}": r["page_id"] for i, r in enumerate(rows)}
            snippets = dict(
                connection.execute(
                    text(
                        "SELECT rowid, snippet(document_search, 0, char(2), char(3), '…', 24) FROM document_search "
                        f"WHERE document_search MATCH :match AND rowid IN ({', '.join(':' + k for k in ids)})"
                    ),
                    {"match": params["match"], **ids},
                ).all()
            )
            for r in rows:
                r["snippet"] = snippets.get(r["page_id"], "")
        total = rows[0]["total"] if rows else _sqlite_total(connection, params["match"], offset)
        return total, rows
    if connection.dialect.name == "postgresql":
        query = _tsquery_expression(terms, params)
        ranked = connection.execute(
            text(
                f"WITH q AS (SELECT {query} AS query), "
                "hits AS (SELECT s.page_id, ts_rank(s.vector, q.query) AS score FROM document_search s, q "
                "WHERE s.vector @@ q.query), "
                "ranked AS (SELECT p.document_id, h.page_id, p.page_number, h.score, "
                "row_number() OVER (PARTITION BY p.document_id ORDER BY h.score DESC, p.page_number) AS n "
                "FROM hits h JOIN document_pages p ON p.id = h.page_id), "
                "best AS (SELECT document_id, page_id, page_number, score, count(*) OVER () AS total FROM ranked "
                "WHERE n = 1 ORDER BY score DESC, document_id LIMIT :limit OFFSET :offset) "
                "SELECT b.document_id, b.page_id, b.page_number, b.score, b.total, "
                "ts_headline('english', coalesce(p.text, ''), q.query, "
                "'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=12, FragmentDelimiter=\" … \", MaxFragments=2') AS snippet "
                "FROM best b JOIN document_pages p ON p.id = b.page_id, q ORDER BY b.score DESC, b.document_id"
            ),
            params,
        ).mappings().all()
        rows = [dict(r) for r in ranked]
        if rows or offset == 0:
            return (rows[0]["total"] if rows else 0), rows
        total = connection.execute(
            text(f"WITH q AS (SELECT {query} AS query) SELECT count(DISTINCT p.document_id) FROM document_search s "
                 "JOIN document_pages p ON p.id = s.page_id, q WHERE s.vector @@ q.query"),
            params,
        ).scalar()
        return int(total), []
    raise ValueError(f"unsupported database: {connection.dialect.name}")


def _sqlite_total(connection: Connection, match: str, offset: int) -> int:
    from sqlalchemy import text

    if offset == 0:
        return 0
    return int(
        connection.execute(
            text("SELECT count(DISTINCT p.document_id) FROM document_search JOIN document_pages p ON p.id = document_search.rowid "
                 "WHERE document_search MATCH :match"),
            {"match": match},
        ).scalar()
    )


def _fts5_query(terms: list[tuple[str, bool, bool]]) -> str:
    """An FTS5 query in which every term is a quoted string (so no user text is read as FTS5 syntax)."""
    wanted = " ".join('"' + t.replace('"', '""') + '"' for t, _phrase, excluded in terms if not excluded)
    for t, _phrase, excluded in terms:
        if excluded:
            wanted += ' NOT "' + t.replace('"', '""') + '"'
    return wanted


def _tsquery_expression(terms: list[tuple[str, bool, bool]], params: dict) -> str:
    parts = []
    for index, (t, phrase, excluded) in enumerate(terms):
        params[f"t{index}"] = t
        function = "phraseto_tsquery" if phrase else "plainto_tsquery"
        parts.append(("!! " if excluded else "") + f"{function}('english', :t{index})")
    return "(" + " && ".join(parts) + ")"
