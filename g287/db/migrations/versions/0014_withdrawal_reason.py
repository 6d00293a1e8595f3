"""The reason an MOA was withdrawn, with the MOA: until now only the audit log kept it.

Adds `program_moas.withdrawal_reason` (text, NULL for an MOA never withdrawn or withdrawn without a reason), which the
program office and the agency read on the application's page and in the API's MOA (the public views never show it).
An MOA withdrawn before this revision gets the reason its `moa.withdraw` event in the audit log gives: an MOA is
withdrawn once (a withdrawn MOA takes no other step), so the event of the MOA's id whose day is the MOA's
`withdrawn_on` is its withdrawal; the column stays NULL when no such event, or more than one, is found. The audit log
is only read. On SQLite the column is added in place (ALTER TABLE ADD COLUMN); going back drops it, and the reasons
stay in the audit log.

Revision ID: 0014_withdrawal_reason
Revises: 0013_withdrawn_moas
Create Date: 2026-12-01 12:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0014_withdrawal_reason"
down_revision = "0013_withdrawn_moas"
branch_labels = None
depends_on = None

_moas = sa.table(
    "program_moas", sa.column("id", sa.Integer), sa.column("status", sa.String), sa.column("withdrawn_on", sa.Date), sa.column("withdrawal_reason", sa.Text)
)
_events = sa.table(
    "audit_events", sa.column("id", sa.Integer), sa.column("action", sa.String), sa.column("object_type", sa.String), sa.column("object_id", sa.String),
    sa.column("after", sa.JSON),
)


def _logged_reasons(bind) -> dict[str, list]:
    """For each MOA id (as the audit log writes it), the (day, reason) of each of its `moa.withdraw` events."""
    logged: dict[str, list] = {}
    query = sa.select(_events.c.object_id, _events.c.after).where(_events.c.action == "moa.withdraw", _events.c.object_type == "moa").order_by(_events.c.id)
    for object_id, after in bind.execute(query):
        if isinstance(after, dict):
            logged.setdefault(object_id, []).append((after.get("withdrawn_on"), after.get("reason")))
    return logged


def upgrade() -> None:
    with op.batch_alter_table("program_moas") as batch:
        batch.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
    bind = op.get_bind()
    logged = _logged_reasons(bind)
    withdrawn = bind.execute(sa.select(_moas.c.id, _moas.c.withdrawn_on).where(_moas.c.status == "withdrawn").order_by(_moas.c.id)).all()
    for moa_id, withdrawn_on in withdrawn:
        day = withdrawn_on.isoformat() if withdrawn_on is not None else None
        matching = [reason for logged_day, reason in logged.get(str(moa_id), []) if logged_day == day]
        if len(matching) == 1 and isinstance(matching[0], str) and matching[0].strip():
            bind.execute(sa.update(_moas).where(_moas.c.id == moa_id).values(withdrawal_reason=matching[0]))


def downgrade() -> None:
    with op.batch_alter_table("program_moas") as batch:
        batch.drop_column("withdrawal_reason")
