"""The audit log refuses TRUNCATE on PostgreSQL, as it refuses UPDATE and DELETE.

Migration 0001 made the audit log append-only with a row-level trigger (BEFORE UPDATE OR DELETE ... FOR EACH ROW),
but TRUNCATE removes a table's rows without deleting any one of them, and fires no row trigger: `TRUNCATE
audit_events` emptied the log. PostgreSQL fires statement-level BEFORE TRUNCATE triggers; this one runs 0001's
function, which refuses with the same words. It is the only append-only table: the quality register and the listing
runs are changed by g287's own code. SQLite has no TRUNCATE (its DELETE without WHERE fires 0001's delete trigger):
nothing to do there. Going back drops the trigger, and the function stays 0001's.

Revision ID: 0016_audit_log_refuses_truncate
Revises: 0015_source_text_any_length
Create Date: 2026-12-03 08:45:00
"""

from alembic import op

revision = "0016_audit_log_refuses_truncate"
down_revision = "0015_source_text_any_length"
branch_labels = None
depends_on = None

_REFUSE_TRUNCATE = (
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
)
_DROP_REFUSE_TRUNCATE = "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_REFUSE_TRUNCATE)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_DROP_REFUSE_TRUNCATE)
