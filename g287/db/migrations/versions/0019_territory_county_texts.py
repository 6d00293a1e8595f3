"""A territory's county text is no failed match: its own status, `no_county_list`.

The registry holds county lists for the 50 states and DC only; a listing of Puerto Rico, Guam or another territory
with a county text ("San Juan") was stored as `unmatched`, so `g287 counties unmatched` listed it, the match rate
of the county texts fell, and coverage said it "has a county text that could not be matched" though the figures
report the territories apart. County matching now gives such a text the status `no_county_list`; this revision
gives it to the texts already stored, which matching marked by its rule ("the registry holds no county list for
..."). Going back marks them `unmatched` again, as the earlier revisions read them.

Revision ID: 0019_territory_county_texts
Revises: 0018_jail_security_fact
Create Date: 2026-12-03 22:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0019_territory_county_texts"
down_revision = "0018_jail_security_fact"
branch_labels = None
depends_on = None

# The rule county matching wrote for a territory's text, in every revision that stored it.
TERRITORY_RULE = "the registry holds no county list for %"


def upgrade() -> None:
    op.get_bind().execute(
        sa.text("UPDATE county_matches SET status = 'no_county_list' WHERE status = 'unmatched' AND rule LIKE :rule"), {"rule": TERRITORY_RULE}
    )


def downgrade() -> None:
    op.get_bind().execute(sa.text("UPDATE county_matches SET status = 'unmatched' WHERE status = 'no_county_list'"))
