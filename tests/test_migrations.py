"""Each migration means what it meant when it was written: it holds the statements, the data and the Python it runs,
so a later change to g287's code cannot change what an old revision makes; and the migrations, run one revision at a
time, make exactly the schema of the models and of the head's statements."""

from __future__ import annotations

import ast
import re
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from g287.db.dialect import normalize_url
from g287.db.engine import MIGRATIONS_DIR, alembic_config
from g287.db.models import Base
from tests.conftest import POSTGRES_ADMIN_URL
from tests.test_database_upgrade import at_revision

VERSIONS = sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
ALLOWED = ("g287.errors", "g287.db.migrations")  # g287's one-line error, and what the migrations keep themselves


def _g287_imports(path: Path) -> list[str]:
    """The modules of g287 a migration imports, wherever in it (at its top, or inside a function)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
    return [name for name in found if name == "g287" or name.startswith(("g287.", "."))]


def test_no_migration_imports_g287_s_code_outside_the_migrations():
    """Migrations 0001, 0004, 0007, 0011 and 0012 built their statements with helpers of g287/db/dialect.py, 0001 read
    the states through g287.sources.rules, and 0008 and 0009 called g287.days.day_of and g287.registry.names.agency_key:
    a change to those (the configuration of 0007 and the punctuation rule of 0012 were added to 0004's helper)
    changed what an old revision does."""
    assert len(VERSIONS) == 19, VERSIONS
    assert _g287_imports(VERSIONS[5]) == ["g287.errors"]  # 0006: the check reads what a migration imports
    outside = {path.name: names for path in VERSIONS if (names := [n for n in _g287_imports(path) if not (n == ALLOWED[0] or n.startswith(ALLOWED[1]))])}
    assert outside == {}


SENTENCE = "The Policía of Miami-Dade: jail/correctional facilities, 02/15/2025"


def _vector(url: str) -> str:
    """The document-level vector the database makes of SENTENCE, with the functions the migrations so far made."""
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        vector = conn.execute(text("SELECT document_search_vector(:body)::text"), {"body": SENTENCE}).scalar()
    engine.dispose()
    return vector


@pytest.mark.parametrize("blank_url", ["postgresql"], indirect=True)  # SQLite's index is the same at every revision
def test_each_search_migration_indexes_as_it_did_when_it_was_written(blank_url):
    """Upgraded one revision at a time, PostgreSQL's search changes where each migration changed it and nowhere else:
    `english` until 0007 (stop words dropped), then every word kept; accents kept until 0011; punctuation read by the
    parser ("jail/correctional" a file name, the date one token) until 0012. A new database got the configuration of
    0007 and the punctuation rule of 0012 from migration 0004 already."""
    vectors = {}
    for revision in ("0004_documents", "0006_one_open_moa_per_model", "0007_search_keeps_every_word", "0010_page_notes",
                     "0011_search_ignores_accents", "0012_search_splits_punctuation"):
        at_revision(blank_url, revision)
        vectors[revision] = _vector(blank_url)
    written = "'02/15/2025':9 'dade':6 'facil':8 'jail/correctional':7 'miami':5 'miami-dad':4"
    assert vectors == {
        "0004_documents": f"{written} 'policía':2",
        "0006_one_open_moa_per_model": f"{written} 'policía':2",
        "0007_search_keeps_every_word": f"{written} 'of':3 'policía':2 'the':1",
        "0010_page_notes": f"{written} 'of':3 'policía':2 'the':1",
        "0011_search_ignores_accents": f"{written} 'of':3 'policia':2 'the':1",
        "0012_search_splits_punctuation": "'02':9 '15':10 '2025':11 'correct':7 'dade':5 'facil':8 'jail':6 'miami':4 'of':3 'policia':2 'the':1",
    }


# What the migrations up to the head make beside the models' tables, as g287's code relies on it now: the audit log's
# append-only triggers (0001; on PostgreSQL, TRUNCATE's since 0016) and the search indexes (0004, changed by 0007, 0011 and 0012; see g287/db/dialect.py).
# A migration that changes them changes this too.
_PUNCTUATION = "'[!-/:-@[-`{-~]+', ' ', 'g'"  # ASCII punctuation made spaces (regexp_replace)
HEAD_STATEMENTS = {
    "sqlite": [
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
        "CREATE VIRTUAL TABLE document_search USING fts5(text, content='document_pages', content_rowid='id', tokenize='porter unicode61')",
        "CREATE TRIGGER document_pages_search_insert AFTER INSERT ON document_pages BEGIN "
        "INSERT INTO document_search(rowid, text) VALUES (new.id, new.text); END",
        "CREATE TRIGGER document_pages_search_delete AFTER DELETE ON document_pages BEGIN "
        "INSERT INTO document_search(document_search, rowid, text) VALUES ('delete', old.id, old.text); END",
        "CREATE TRIGGER document_pages_search_update AFTER UPDATE ON document_pages BEGIN "
        "INSERT INTO document_search(document_search, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO document_search(rowid, text) VALUES (new.id, new.text); END",
        "CREATE VIRTUAL TABLE document_search_documents USING fts5(text, content='', tokenize='porter unicode61')",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE TEXT SEARCH DICTIONARY g287_english_stem (TEMPLATE = snowball, Language = english)",
        "CREATE TEXT SEARCH CONFIGURATION g287_english (COPY = pg_catalog.english)",
        "ALTER TEXT SEARCH CONFIGURATION g287_english ALTER MAPPING REPLACE english_stem WITH g287_english_stem",
        "ALTER TEXT SEARCH CONFIGURATION g287_english ALTER MAPPING FOR word, hword, hword_part WITH unaccent, g287_english_stem",
        "CREATE TABLE document_search (page_id integer PRIMARY KEY REFERENCES document_pages(id) ON DELETE CASCADE, vector tsvector NOT NULL)",
        "CREATE INDEX ix_document_search_vector ON document_search USING gin (vector)",
        "ALTER TABLE document_search ALTER COLUMN vector SET STORAGE EXTERNAL",
        "CREATE FUNCTION document_search_refresh() RETURNS trigger AS $$ BEGIN "
        f"INSERT INTO document_search (page_id, vector) VALUES (NEW.id, to_tsvector('g287_english', regexp_replace(coalesce(NEW.text, ''), {_PUNCTUATION}))) "
        "ON CONFLICT (page_id) DO UPDATE SET vector = EXCLUDED.vector; RETURN NEW; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER document_pages_search AFTER INSERT OR UPDATE OF text ON document_pages FOR EACH ROW EXECUTE FUNCTION document_search_refresh()",
        "CREATE TABLE document_search_documents (document_id integer PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, vector tsvector NOT NULL)",
        "CREATE INDEX ix_document_search_documents_vector ON document_search_documents USING gin (vector)",
        "ALTER TABLE document_search_documents ALTER COLUMN vector SET STORAGE EXTERNAL",
        "CREATE FUNCTION document_search_vector(body text) RETURNS tsvector AS $$ BEGIN "
        f"RETURN to_tsvector('g287_english', regexp_replace(coalesce(body, ''), {_PUNCTUATION})); "
        "EXCEPTION WHEN program_limit_exceeded THEN "
        "RETURN array_to_tsvector(ARRAY(SELECT DISTINCT word FROM regexp_split_to_table(body, E'\\f') AS chunk, "
        f"unnest(tsvector_to_array(to_tsvector('g287_english', regexp_replace(chunk, {_PUNCTUATION})))) AS word)); "
        "END; $$ LANGUAGE plpgsql IMMUTABLE",
    ],
}

# PostgreSQL's catalog, of the schema g287 uses (objects of extensions left out, but the extensions named)
_CATALOG = {
    "relations": "SELECT relname, relkind::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f')",
    # by name: a column a migration added comes last, where the model may name it earlier
    "columns": "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attstorage::text, "
    "a.attidentity::text, a.attgenerated::text, a.attcollation::regcollation::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
    "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
    "functions": "SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid) FROM pg_proc p "
    "WHERE p.pronamespace = current_schema()::regnamespace AND NOT EXISTS "
    "(SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')",
    "extensions": "SELECT extname FROM pg_extension",
    "dictionaries": "SELECT d.dictname, t.tmplname, d.dictinitoption FROM pg_ts_dict d JOIN pg_ts_template t ON t.oid = d.dicttemplate "
    "WHERE d.dictnamespace = current_schema()::regnamespace AND NOT EXISTS "
    "(SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_ts_dict'::regclass AND e.objid = d.oid AND e.deptype = 'e')",
    "configurations": "SELECT c.cfgname, p.prsname FROM pg_ts_config c JOIN pg_ts_parser p ON p.oid = c.cfgparser WHERE c.cfgnamespace = current_schema()::regnamespace",
    "mappings": "SELECT c.cfgname, t.alias, string_agg(d.dictname, ', ' ORDER BY m.mapseqno) FROM pg_ts_config c "
    "JOIN pg_ts_config_map m ON m.mapcfg = c.oid JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype "
    "JOIN pg_ts_dict d ON d.oid = m.mapdict WHERE c.cfgnamespace = current_schema()::regnamespace GROUP BY 1, 2",
}


def _table_parts(sql: str) -> list[str]:
    """The column definitions and constraints of an SQLite CREATE TABLE, sorted: Alembic's batch mode writes a
    rebuilt table's constraints in an order that changes from run to run, and a migration adds a column last."""
    body = sql[sql.index("(") + 1 : sql.rindex(")")]
    parts, depth, quoted, start = [], 0, False, 0
    for index, character in enumerate(body):
        quoted ^= character == "'"
        depth += (character == "(") - (character == ")") if not quoted else 0
        if character == "," and depth == 0 and not quoted:
            parts.append(body[start:index])
            start = index + 1
    return sorted(" ".join(part.split()) for part in [*parts, body[start:]])


def schema_of(url: str) -> dict[str, list]:
    """Every object of the database's schema and its definition. SQLite: sqlite_master (a table's definition as its
    parts, an index SQLite made for a constraint as its columns); PostgreSQL: its catalog."""
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            schema: dict[str, list] = {"sqlite_master": []}
            for kind, name, table, sql in conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master"):
                if sql is None:  # sqlite_autoindex_<table>_<n>: numbered in the order of the table's constraints
                    name, sql = "constraint index", [row[2] for row in conn.exec_driver_sql(f"PRAGMA index_info('{name}')")]
                elif kind == "table" and not sql.startswith("CREATE VIRTUAL TABLE"):
                    sql = [re.sub(r'^CREATE TABLE "?(\w+)"?', r"CREATE TABLE \1", sql).split("(")[0].strip(), *_table_parts(sql)]
                else:
                    sql = " ".join(sql.split())
                schema["sqlite_master"].append([kind, name, table, sql])
        else:
            schema = {what: [list(row) for row in conn.exec_driver_sql(query)] for what, query in _CATALOG.items()}
    engine.dispose()
    return {what: sorted(rows, key=repr) for what, rows in schema.items()}


def _another_blank(url: str, tmp_path: Path):
    """A second database that holds nothing, beside the one at URL, and what drops it."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'models.sqlite'}", lambda: None
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")  # as tests/conftest.py makes blank_url's
    name = f"g287_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin.url.set(database=name).render_as_string(hide_password=False), drop


def test_upgrading_one_revision_at_a_time_makes_the_schema_of_the_models_and_the_head(blank_url, tmp_path):
    """Every table, column, constraint, index, trigger, function and text search configuration the migrations make,
    run one revision at a time, is the models' (SQLAlchemy's create_all) or one of HEAD_STATEMENTS, and nothing else."""
    revisions = [script.revision for script in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]
    assert len(revisions) == len(VERSIONS)
    for revision in revisions:
        at_revision(blank_url, revision)
    migrated = schema_of(blank_url)

    models_url, drop = _another_blank(blank_url, tmp_path)
    try:
        engine = create_engine(normalize_url(models_url))
        with engine.begin() as conn:
            Base.metadata.create_all(conn)
            for statement in HEAD_STATEMENTS[conn.dialect.name]:
                conn.exec_driver_sql(statement)
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.stamp(cfg, "heads")  # the version table
        engine.dispose()
        expected = schema_of(models_url)
    finally:
        drop()
    shown = repr(expected)  # the dump holds what it compares: a column and an index migrations added, the triggers, the search
    assert all(name in shown for name in ("nominated_on", "withdrawn_on", "withdrawal_reason", "jail_security_and_inmate_rules", "'withdrawn'", "ux_program_moas_open_agency_model", "audit_events_no_", "document_pages_search", "document_search_documents"))
    assert blank_url.startswith("sqlite") or ("unaccent, g287_english_stem" in shown and "audit_events_no_truncate" in shown)
    assert migrated == expected


def test_the_revisions_read_without_alembic_are_alembic_s():
    """g287/db/revisions.py reads each migration's revision and down_revision itself (Alembic's import took 0.3 s of
    every command's start): what it reads is what Alembic reads."""
    from g287.db.revisions import script_heads, script_revisions

    scripts = ScriptDirectory.from_config(alembic_config())
    assert script_heads() == frozenset(scripts.get_heads()) == {"0019_territory_county_texts"}
    assert script_revisions() == frozenset(script.revision for script in scripts.walk_revisions())
    assert len(script_revisions()) == len(VERSIONS)


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("revision = '0016'\ndown_revision = ('0014', '0015')\n", ("0016", ("0014", "0015"))),  # a merge
        ('revision: str = "0002"\ndown_revision: str | None = "0001"\n', ("0002", ("0001",))),  # Alembic's newer template
        ("revision = '0001'\ndown_revision = None\nbranch_labels = None\n", ("0001", ())),
    ],
    ids=["a merge", "annotated", "the first"],
)
def test_a_migration_s_declarations_are_read_in_each_form(tmp_path, declared, expected):
    from g287.db.revisions import _declared

    path = tmp_path / "0016_x.py"
    path.write_text('"""A migration."""\nimport sqlalchemy as sa\n' + declared + "\ndef upgrade():\n    revision = 'not this'\n")
    assert _declared(path) == expected


def test_the_revision_a_database_is_at_is_read_as_alembic_reads_it(blank_url):
    from alembic.runtime.migration import MigrationContext

    from g287.db.revisions import database_revisions

    engine = create_engine(normalize_url(blank_url))
    try:
        for revision in (None, "0002", "0018_jail_security_fact"):
            if revision:
                at_revision(blank_url, revision)
            with engine.connect() as conn:
                assert database_revisions(conn) == frozenset(MigrationContext.configure(conn).get_current_heads()) == ({revision} if revision else set())
    finally:
        engine.dispose()
