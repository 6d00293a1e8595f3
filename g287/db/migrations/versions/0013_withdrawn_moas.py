"""An MOA requested or drafted and never signed may be withdrawn: status `withdrawn`, and the day in a column of its own.

Adds `program_moas.withdrawn_on` (a date, NULL for an MOA never withdrawn), lets the status be `withdrawn` (the CHECK
constraint made again: on SQLite the table is rebuilt in batch mode, on PostgreSQL the constraint is replaced in
place), and leaves a withdrawn MOA out of the one-open-MOA index as a terminated one is: the agency may ask for the
model again. MOAs recorded before keep their status; none is withdrawn.

Revision ID: 0013_withdrawn_moas
Revises: 0012_search_splits_punctuation
Create Date: 2026-12-01 09:00:00
"""

from alembic import op
import sqlalchemy as sa

from g287.errors import G287Error

revision = "0013_withdrawn_moas"
down_revision = "0012_search_splits_punctuation"
branch_labels = None
depends_on = None

_STATUSES_BEFORE = "status IN ('requested', 'draft', 'signed', 'terminated')"
_STATUSES = "status IN ('requested', 'draft', 'signed', 'terminated', 'withdrawn')"
_OPEN_BEFORE = "status <> 'terminated'"
_OPEN = "status NOT IN ('terminated', 'withdrawn')"


def _remake(statuses: str, open_moas: str) -> None:
    """The status constraint and the one-open-MOA index made again with these conditions."""
    op.drop_index("ux_program_moas_open_agency_model", table_name="program_moas")
    with op.batch_alter_table("program_moas") as batch:
        batch.drop_constraint(batch.f("ck_program_moas_status"), type_="check")
        batch.create_check_constraint(batch.f("ck_program_moas_status"), sa.text(statuses))
    op.create_index(
        "ux_program_moas_open_agency_model", "program_moas", ["agency_id", "model"], unique=True,
        sqlite_where=sa.text(open_moas), postgresql_where=sa.text(open_moas),
    )


def upgrade() -> None:
    with op.batch_alter_table("program_moas") as batch:
        batch.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
    _remake(_STATUSES, _OPEN)


def downgrade() -> None:
    # A withdrawn MOA has no status before this revision: named, rather than left to the constraint's own error.
    withdrawn = [str(moa_id) for (moa_id,) in op.get_bind().execute(sa.text("SELECT id FROM program_moas WHERE status = 'withdrawn' ORDER BY id"))]
    if withdrawn:
        raise G287Error(f"the database holds withdrawn MOAs ({', '.join(withdrawn)}), which revisions before 0013 cannot hold")
    _remake(_STATUSES_BEFORE, _OPEN_BEFORE)
    with op.batch_alter_table("program_moas") as batch:
        batch.drop_column("withdrawn_on")
