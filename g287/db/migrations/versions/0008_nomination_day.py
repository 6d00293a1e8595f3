"""The day of a nomination, in a column of its own: a nomination may be dated on a past day (to record older
history), and no later step of the nominee is dated before it. `nominated_at` stays the moment it was recorded.
Nominations recorded before: their day is the local date of `nominated_at`, as the workflow read it.

Revision ID: 0008_nomination_day
Revises: 0007_search_keeps_every_word
Create Date: 2026-11-29 12:00:00
"""

from alembic import op
import sqlalchemy as sa

from g287.days import day_of

revision = "0008_nomination_day"
down_revision = "0007_search_keeps_every_word"
branch_labels = None
depends_on = None

_nominees = sa.table("nominees", sa.column("id", sa.Integer), sa.column("nominated_at", sa.DateTime(timezone=True)), sa.column("nominated_on", sa.Date))


def upgrade() -> None:
    with op.batch_alter_table("nominees") as batch:
        batch.add_column(sa.Column("nominated_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    for nominee_id, nominated_at in bind.execute(sa.select(_nominees.c.id, _nominees.c.nominated_at)).all():
        bind.execute(sa.update(_nominees).where(_nominees.c.id == nominee_id).values(nominated_on=day_of(nominated_at)))
    with op.batch_alter_table("nominees") as batch:
        batch.alter_column("nominated_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("nominees") as batch:
        batch.drop_column("nominated_on")

