"""PostgreSQL's document search ignores accents, as SQLite's does: "policia" finds "Policía". The search
configuration reads words through the `unaccent` dictionary before stemming them, and every page's and document's
vector is made again with it. SQLite: nothing to do (its unicode61 tokenizer removes diacritics).

Revision ID: 0011_search_ignores_accents
Revises: 0010_page_notes
Create Date: 2026-11-30 12:30:00
"""

from alembic import op

from g287.db.dialect import fulltext_accented_statements, fulltext_reindex_statements, fulltext_unaccent_statements

revision = "0011_search_ignores_accents"
down_revision = "0010_page_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*fulltext_unaccent_statements(), *fulltext_reindex_statements(words_only=False)]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*fulltext_accented_statements(), *fulltext_reindex_statements(words_only=False)]:
        op.execute(statement)
