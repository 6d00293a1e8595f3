"""One applicant agency per state and name key, kept by the database too (two agencies added at the same moment).

Adds `applicant_agencies.name_key` (g287.registry.names.agency_key of the name: the same up to case, spacing,
punctuation and apostrophes) with a unique index on (state_usps, name_key), and fills the key of every agency
already recorded.

A database may already hold two records of one agency (added before the service refused them, or at the same
moment before this index): the migration neither fails nor loses or merges anything. The first record of each
state and key (the lowest id) gets the key; the later ones keep it NULL, which the unique index lets through on
SQLite and PostgreSQL alike (NULLs never collide). Such a record is still read and corrected as before; it gets its
key once its name or state changes to one no other record has.

Revision ID: 0009_one_agency_per_name
Revises: 0008_nomination_day
Create Date: 2026-11-30 09:00:00
"""

import re
import unicodedata

from alembic import op
import sqlalchemy as sa

revision = "0009_one_agency_per_name"
down_revision = "0008_nomination_day"
branch_labels = None
depends_on = None

_agencies = sa.table("applicant_agencies", sa.column("id", sa.Integer), sa.column("state_usps", sa.String), sa.column("name", sa.String), sa.column("name_key", sa.String))

_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def agency_key(name: str) -> str:
    """A name's key as g287.registry.names.agency_key made it when this revision was written (a later change to the
    key is a migration that keys the rows again)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()
    text = _APOSTROPHES.sub("", text).replace("&", " and ")
    return _NON_WORD.sub(" ", text).strip()


def upgrade() -> None:
    with op.batch_alter_table("applicant_agencies") as batch:
        batch.add_column(sa.Column("name_key", sa.Text(), nullable=True))
    bind = op.get_bind()
    keyed: set[tuple[str, str]] = set()
    for agency_id, state, name in bind.execute(sa.select(_agencies.c.id, _agencies.c.state_usps, _agencies.c.name).order_by(_agencies.c.id)).all():
        key = agency_key(name)
        if (state, key) in keyed:
            continue  # a later record of an agency already keyed: left NULL, kept as it is
        keyed.add((state, key))
        bind.execute(sa.update(_agencies).where(_agencies.c.id == agency_id).values(name_key=key))
    with op.batch_alter_table("applicant_agencies") as batch:
        batch.create_index("ux_applicant_agencies_state_name_key", ["state_usps", "name_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("applicant_agencies") as batch:
        batch.drop_index("ux_applicant_agencies_state_name_key")
        batch.drop_column("name_key")
