"""Text as a source gives it, of any length, on PostgreSQL: agency names and their keys, county texts, the column
headings the quality register names.

These columns were VARCHAR(255) (a heading, VARCHAR(64)). PostgreSQL enforces the length, so an ICE list naming an
agency or a county in more than 255 characters, or with a column heading of more than 64, stopped its ingest there
("value too long for type character varying"), where SQLite, which enforces no length, ingested it. On PostgreSQL
each becomes TEXT (its indexes are kept: a type change from VARCHAR to TEXT rewrites nothing). SQLite is left as it
is: it never checks the declared length, and changing it would rebuild every one of these tables (the models
declare the same: g287.db.base.source_text). Going back on PostgreSQL makes them VARCHAR again, cutting any longer
value to the old length (the rows' own cells, kept whole in raw_rows.content, are not cut).

Revision ID: 0015_source_text_any_length
Revises: 0014_withdrawal_reason
Create Date: 2026-12-02 18:30:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0015_source_text_any_length"
down_revision = "0014_withdrawal_reason"
branch_labels = None
depends_on = None

# (table, column, the declared length it had)
COLUMNS = [
    ("agencies", "name", 255),
    ("agencies", "key", 255),
    ("agencies", "county_text", 255),
    ("agency_names", "name", 255),
    ("agency_names", "key", 255),
    ("raw_rows", "county_text", 255),
    ("row_problems", "column", 64),
    ("quality_issues", "column", 64),
    ("county_matches", "county_text", 255),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in COLUMNS:
        op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in COLUMNS:
        op.alter_column(table, column, type_=sa.String(length), existing_type=sa.Text(), postgresql_using=f'left("{column}", {length})')
