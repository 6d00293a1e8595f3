"""A publication is a file as ICE published it on a day: the same bytes under two days' names are two publications.

Until this revision a publication was unique by its sha256, so the same workbook published again on a later day (or
first ingested under a later day's name) was "unchanged" and held under the first day ingested only; the list of the
other day was missing from the series, and the figures of the days between depended on the order the files were
ingested in. The unique constraint on `publications.sha256` becomes one on (sha256, published_on, half), with a
partial unique index on (sha256, published_on) where the half is NULL (which the constraint lets through); the same
bytes under the same day's name are still the same publication. Publications held already are kept as they are
(none was held twice, so none collides).

Going back refuses when the database holds the same bytes under two days: the older revisions cannot hold them.

Revision ID: 0017_publication_per_day
Revises: 0016_audit_log_refuses_truncate
Create Date: 2026-12-03 12:00:00
"""

from alembic import op
import sqlalchemy as sa

from g287.errors import G287Error

revision = "0017_publication_per_day"
down_revision = "0016_audit_log_refuses_truncate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publications") as batch:
        batch.drop_constraint("uq_publications_sha256", type_="unique")
        batch.create_unique_constraint("uq_publications_sha256_published_on_half", ["sha256", "published_on", "half"])
    # A unique constraint lets NULLs through: for a name without am/pm, an index of its own keeps one file a day.
    op.create_index(
        "ux_publications_sha256_day_without_half", "publications", ["sha256", "published_on"], unique=True,
        sqlite_where=sa.text("half IS NULL"), postgresql_where=sa.text("half IS NULL"),
    )


def downgrade() -> None:
    # Named, rather than left to the unique constraint's own error.
    repeated = op.get_bind().execute(sa.text(
        "SELECT sha256, COUNT(*) FROM publications GROUP BY sha256 HAVING COUNT(*) > 1 ORDER BY sha256"
    )).all()
    if repeated:
        files = ", ".join(f"{sha256[:12]} ({count} days)" for sha256, count in repeated[:5])
        raise G287Error(f"the database holds the same file under several days ({files}), which revisions before 0017 cannot hold")
    op.drop_index("ux_publications_sha256_day_without_half", table_name="publications")
    with op.batch_alter_table("publications") as batch:
        batch.drop_constraint("uq_publications_sha256_published_on_half", type_="unique")
        batch.create_unique_constraint("uq_publications_sha256", ["sha256"])
