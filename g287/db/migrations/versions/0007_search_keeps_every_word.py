"""PostgreSQL's document search keeps every word, as SQLite's does: a configuration stemming as `english` does
without dropping stop words ("the", "between"), and every page's and document's vector made again with it.
SQLite: nothing to do (its porter tokenizer keeps every word).

Revision ID: 0007_search_keeps_every_word
Revises: 0006_one_open_moa_per_model
Create Date: 2026-11-29 08:00:00
"""

from alembic import op

from g287.db.dialect import fulltext_configuration_drop_statements, fulltext_configuration_statements, fulltext_function_statements, fulltext_reindex_statements

revision = "0007_search_keeps_every_word"
down_revision = "0006_one_open_moa_per_model"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*fulltext_configuration_statements(), *fulltext_function_statements(words_only=False), *fulltext_reindex_statements(words_only=False)]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*fulltext_function_statements("english", words_only=False), *fulltext_reindex_statements("english", words_only=False), *fulltext_configuration_drop_statements()]:
        op.execute(statement)
