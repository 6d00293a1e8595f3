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

from g287.db.dialect import fulltext_function_statements, fulltext_reindex_statements

revision = "0012_search_splits_punctuation"
down_revision = "0011_search_ignores_accents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*fulltext_function_statements(), *fulltext_reindex_statements()]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*fulltext_function_statements(words_only=False), *fulltext_reindex_statements(words_only=False)]:
        op.execute(statement)
