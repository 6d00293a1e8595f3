"""The day of a nomination and of a certification's last renewal, in columns of their own.

A nomination may be dated on a past day (to record older history), and no later step of the nominee is dated
before it; `nominated_at` stays the moment it was recorded. For nominations recorded before this migration, the
day is the earliest of the local date they were recorded and the days of their enrolment, examinations and
certification (steps were dated freely before it, and must stay valid). A renewal's day was not kept: renewals
made before this migration leave `renewed_on` empty, and the current period is then taken from the certification.

Revision ID: 0008_nomination_day
Revises: 0007_search_keeps_every_word
Create Date: 2026-11-29 12:00:00
"""

import datetime as dt

from alembic import op
import sqlalchemy as sa

revision = "0008_nomination_day"
down_revision = "0007_search_keeps_every_word"
branch_labels = None
depends_on = None

_nominees = sa.table("nominees", sa.column("id", sa.Integer), sa.column("nominated_at", sa.DateTime(timezone=True)), sa.column("nominated_on", sa.Date))
_enrolments = sa.table("enrolments", sa.column("id", sa.Integer), sa.column("nominee_id", sa.Integer), sa.column("enrolled_on", sa.Date))
_exams = sa.table("exam_attempts", sa.column("enrolment_id", sa.Integer), sa.column("taken_on", sa.Date))
_certifications = sa.table("certifications", sa.column("nominee_id", sa.Integer), sa.column("certified_on", sa.Date))


def day_of(moment: dt.datetime) -> dt.date:
    """The local date of a stored time (g287 stores times in UTC; SQLite returns them without a time zone), as
    g287.days.day_of read it when this revision was written."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)).astimezone().date()


def upgrade() -> None:
    with op.batch_alter_table("nominees") as batch:
        batch.add_column(sa.Column("nominated_on", sa.Date(), nullable=True))
    with op.batch_alter_table("certifications") as batch:
        batch.add_column(sa.Column("renewed_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    earliest = {nominee_id: day_of(nominated_at) for nominee_id, nominated_at in bind.execute(sa.select(_nominees.c.id, _nominees.c.nominated_at))}
    steps = [
        sa.select(_enrolments.c.nominee_id, _enrolments.c.enrolled_on),
        sa.select(_enrolments.c.nominee_id, _exams.c.taken_on).join(_enrolments, _enrolments.c.id == _exams.c.enrolment_id),
        sa.select(_certifications.c.nominee_id, _certifications.c.certified_on),
    ]
    for query in steps:
        for nominee_id, day in bind.execute(query):
            if day is not None and nominee_id in earliest:
                earliest[nominee_id] = min(earliest[nominee_id], day)
    for nominee_id, day in earliest.items():
        bind.execute(sa.update(_nominees).where(_nominees.c.id == nominee_id).values(nominated_on=day))
    with op.batch_alter_table("nominees") as batch:
        batch.alter_column("nominated_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("certifications") as batch:
        batch.drop_column("renewed_on")
    with op.batch_alter_table("nominees") as batch:
        batch.drop_column("nominated_on")
