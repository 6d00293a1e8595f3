"""PostgreSQL's document search keeps every word, as SQLite's does: a configuration stemming as `english` does
without dropping stop words ("the", "between"), and every page's and document's vector made again with it.
SQLite: nothing to do (its porter tokenizer keeps every word).

Revision ID: 0007_search_keeps_every_word
Revises: 0006_one_open_moa_per_model
Create Date: 2026-11-29 08:00:00
"""

from alembic import op

revision = "0007_search_keeps_every_word"
down_revision = "0006_one_open_moa_per_model"
branch_labels = None
depends_on = None


def _functions(configuration: str) -> list[str]:
    """The functions that make a page's and a document's vector, with a text search configuration."""
    return [
        "CREATE OR REPLACE FUNCTION document_search_refresh() RETURNS trigger AS $$ BEGIN "
        f"INSERT INTO document_search (page_id, vector) VALUES (NEW.id, to_tsvector('{configuration}', coalesce(NEW.text, ''))) "
        "ON CONFLICT (page_id) DO UPDATE SET vector = EXCLUDED.vector; RETURN NEW; END; $$ LANGUAGE plpgsql",
        # to_tsvector refuses more than 1 MB of lexemes and positions; such a document keeps its words only
        "CREATE OR REPLACE FUNCTION document_search_vector(body text) RETURNS tsvector AS $$ BEGIN "
        f"RETURN to_tsvector('{configuration}', coalesce(body, '')); "
        "EXCEPTION WHEN program_limit_exceeded THEN "
        "RETURN array_to_tsvector(ARRAY(SELECT DISTINCT word FROM regexp_split_to_table(body, E'\\f') AS chunk, "
        f"unnest(tsvector_to_array(to_tsvector('{configuration}', chunk))) AS word)); "
        "END; $$ LANGUAGE plpgsql IMMUTABLE",
    ]


def _reindex(configuration: str) -> list[str]:
    """Every page's and document's vector made again with a configuration (the functions' own)."""
    return [
        f"UPDATE document_search s SET vector = to_tsvector('{configuration}', coalesce(p.text, '')) FROM document_pages p WHERE p.id = s.page_id",
        "UPDATE document_search_documents d SET vector = document_search_vector(x.body) FROM (SELECT document_id, "
        "string_agg(coalesce(text, ''), E'\\n\\f\\n' ORDER BY page_number) AS body FROM document_pages GROUP BY document_id) x "
        "WHERE x.document_id = d.document_id",
    ]


# g287_english: `english`'s stemmer as a dictionary of its own, without its stop words
_CONFIGURATION = [
    "DO $$ BEGIN "
    "IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'g287_english_stem') THEN "
    "CREATE TEXT SEARCH DICTIONARY g287_english_stem (TEMPLATE = snowball, Language = english); END IF; "
    "IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'g287_english') THEN "
    "CREATE TEXT SEARCH CONFIGURATION g287_english (COPY = pg_catalog.english); "
    "ALTER TEXT SEARCH CONFIGURATION g287_english ALTER MAPPING REPLACE english_stem WITH g287_english_stem; END IF; "
    "END $$",
]
_DROP_CONFIGURATION = ["DROP TEXT SEARCH CONFIGURATION IF EXISTS g287_english", "DROP TEXT SEARCH DICTIONARY IF EXISTS g287_english_stem"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*_CONFIGURATION, *_functions("g287_english"), *_reindex("g287_english")]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*_functions("english"), *_reindex("english"), *_DROP_CONFIGURATION]:
        op.execute(statement)
