"""One open MOA per agency and model, kept by the database too (two letters sent at the same moment).

Revision ID: 0006_one_open_moa_per_model
Revises: 0005_program
Create Date: 2026-11-29 05:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_one_open_moa_per_model"
down_revision = "0005_program"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ux_program_moas_open_agency_model", "program_moas", ["agency_id", "model"], unique=True,
        sqlite_where=sa.text("status <> 'terminated'"), postgresql_where=sa.text("status <> 'terminated'"),
    )


def downgrade() -> None:
    op.drop_index("ux_program_moas_open_agency_model", table_name="program_moas")
