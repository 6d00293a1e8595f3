"""The jail-security requirement of the Jail Enforcement and Warrant Service Officer models, as a fact of the nominee.

The signed MOAs (section B) require of JEM and WSO candidates that they have been trained in maintaining the security
of the agency's facilities and have authority to enforce (JEM), or have enforced (WSO), the rules on inmate
accountability and conduct; the qualification rules did not read it, so nominees were found eligible without it.
Adds `nominees.jail_security_and_inmate_rules` (boolean, NULL: not attested), which the agency attests as it attests
the jurisdiction's laws. Nominees recorded before this revision keep NULL: no one attested it for them, and their
eligibility says so; their enrolments and certifications are left as they are. On SQLite the column is added in
place (ALTER TABLE ADD COLUMN); going back drops it, with what was attested (the audit log keeps it).

Revision ID: 0018_jail_security_fact
Revises: 0017_publication_per_day
Create Date: 2026-12-05 12:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0018_jail_security_fact"
down_revision = "0017_publication_per_day"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nominees") as batch:
        batch.add_column(sa.Column("jail_security_and_inmate_rules", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nominees") as batch:
        batch.drop_column("jail_security_and_inmate_rules")
