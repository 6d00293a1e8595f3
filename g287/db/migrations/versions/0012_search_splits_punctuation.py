"""PostgreSQL's document search separates words at punctuation, as SQLite's does: its parser read
"jail/correctional" and "02/15/2025" as file names, "U.S.C." as a host and "107-296" as two numbers, one token each,
so a search for "jail", that date, "U.S.C." or "107-296" did not find them. Every page's and document's vector is made
again from the text with its ASCII punctuation made spaces. SQLite: nothing to do (its unicode61 tokenizer separates
words at punctuation).

Revision ID: 0012_search_splits_punctuation
Revises: 0011_search_ignores_accents
Create Date: 2026-11-30 18:00:00
"""

from alembic import op

revision = "0012_search_splits_punctuation"
down_revision = "0011_search_ignores_accents"
branch_labels = None
depends_on = None

_WORDS_ONLY = "regexp_replace({}, '[!-/:-@[-`{{-~]+', ' ', 'g')"  # a text with its ASCII punctuation made spaces


def _statements(words_only: bool) -> list[str]:
    """The functions that make a page's and a document's vector, and every vector made again with them: from the
    text with its punctuation made spaces (`words_only`), or from the text as it is (before this revision)."""
    page, body, chunk, held = (_WORDS_ONLY.format(e) if words_only else e for e in ("coalesce(NEW.text, '')", "coalesce(body, '')", "chunk", "coalesce(p.text, '')"))
    return [
        "CREATE OR REPLACE FUNCTION document_search_refresh() RETURNS trigger AS $$ BEGIN "
        f"INSERT INTO document_search (page_id, vector) VALUES (NEW.id, to_tsvector('g287_english', {page})) "
        "ON CONFLICT (page_id) DO UPDATE SET vector = EXCLUDED.vector; RETURN NEW; END; $$ LANGUAGE plpgsql",
        # to_tsvector refuses more than 1 MB of lexemes and positions; such a document keeps its words only
        "CREATE OR REPLACE FUNCTION document_search_vector(body text) RETURNS tsvector AS $$ BEGIN "
        f"RETURN to_tsvector('g287_english', {body}); "
        "EXCEPTION WHEN program_limit_exceeded THEN "
        "RETURN array_to_tsvector(ARRAY(SELECT DISTINCT word FROM regexp_split_to_table(body, E'\\f') AS chunk, "
        f"unnest(tsvector_to_array(to_tsvector('g287_english', {chunk}))) AS word)); "
        "END; $$ LANGUAGE plpgsql IMMUTABLE",
        f"UPDATE document_search s SET vector = to_tsvector('g287_english', {held}) FROM document_pages p WHERE p.id = s.page_id",
        "UPDATE document_search_documents d SET vector = document_search_vector(x.body) FROM (SELECT document_id, "
        "string_agg(coalesce(text, ''), E'\\n\\f\\n' ORDER BY page_number) AS body FROM document_pages GROUP BY document_id) x "
        "WHERE x.document_id = d.document_id",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _statements(words_only=True):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _statements(words_only=False):
        op.execute(statement)
