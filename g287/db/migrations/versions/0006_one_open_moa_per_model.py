"""One open MOA per agency and model, kept by the database too (two letters sent at the same moment).

Revision ID: 0006_one_open_moa_per_model
Revises: 0005_program
Create Date: 2026-11-29 05:00:00
"""

from alembic import op
import sqlalchemy as sa

from g287.errors import G287Error


revision = "0006_one_open_moa_per_model"
down_revision = "0005_program"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database whose two letters were sent at the same moment before this index may hold two open MOAs of one model:
    # named, rather than left to the index's own error (which names neither the upgrade nor the MOAs).
    open_moas: dict[tuple[int, str], list[int]] = {}
    for agency_id, model, moa_id in op.get_bind().execute(sa.text("SELECT agency_id, model, id FROM program_moas WHERE status <> 'terminated' ORDER BY agency_id, model, id")):
        open_moas.setdefault((agency_id, model), []).append(moa_id)
    several = [f"applicant agency {agency_id}, {model}: MOAs {', '.join(map(str, ids))}" for (agency_id, model), ids in open_moas.items() if len(ids) > 1]
    if several:
        more = f" and {len(several) - 5} more" if len(several) > 5 else ""
        raise G287Error(
            "one open MOA (requested, draft or signed) per agency and model is kept from migration 0006 on, and the database "
            f"holds more: {'; '.join(several[:5])}{more}"
        )
    op.create_index(
        "ux_program_moas_open_agency_model", "program_moas", ["agency_id", "model"], unique=True,
        sqlite_where=sa.text("status <> 'terminated'"), postgresql_where=sa.text("status <> 'terminated'"),
    )


def downgrade() -> None:
    op.drop_index("ux_program_moas_open_agency_model", table_name="program_moas")
