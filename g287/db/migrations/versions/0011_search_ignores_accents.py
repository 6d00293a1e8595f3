"""PostgreSQL's document search ignores accents, as SQLite's does: "policia" finds "Policía". The search
configuration reads words through the `unaccent` dictionary before stemming them, and every page's and document's
vector is made again with it. SQLite: nothing to do (its unicode61 tokenizer removes diacritics).

Revision ID: 0011_search_ignores_accents
Revises: 0010_page_notes
Create Date: 2026-11-30 12:30:00
"""

from alembic import op

revision = "0011_search_ignores_accents"
down_revision = "0010_page_notes"
branch_labels = None
depends_on = None

# The token types that hold letters outside ASCII (ASCII words have no accent to remove); `unaccent` is a contrib
# extension, trusted since PostgreSQL 13.
_UNACCENT = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TEXT SEARCH CONFIGURATION g287_english ALTER MAPPING FOR word, hword, hword_part WITH unaccent, g287_english_stem",
]
_ACCENTED = ["ALTER TEXT SEARCH CONFIGURATION g287_english ALTER MAPPING FOR word, hword, hword_part WITH g287_english_stem"]  # the extension is left: something else may use it
_REINDEX = [
    "UPDATE document_search s SET vector = to_tsvector('g287_english', coalesce(p.text, '')) FROM document_pages p WHERE p.id = s.page_id",
    "UPDATE document_search_documents d SET vector = document_search_vector(x.body) FROM (SELECT document_id, "
    "string_agg(coalesce(text, ''), E'\\n\\f\\n' ORDER BY page_number) AS body FROM document_pages GROUP BY document_id) x "
    "WHERE x.document_id = d.document_id",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*_UNACCENT, *_REINDEX]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*_ACCENTED, *_REINDEX]:
        op.execute(statement)
