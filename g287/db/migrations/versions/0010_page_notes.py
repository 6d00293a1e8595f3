"""Each document page keeps the note of its reading: why a page is unread or unreadable (OCR off, the page cannot be
rendered, Tesseract failed), or that its earlier OCR text was kept. Until now the note was printed once, when the
page was read, and lost.

Adds `document_pages.note` (text, NULL for a page read with nothing to say). Pages read before keep NULL: their
reason was not kept, and `g287 documents read` reads them again. On SQLite the column is added in place (ALTER TABLE
ADD COLUMN): the table is not copied, so the triggers that keep the search index stay as they are.

Revision ID: 0010_page_notes
Revises: 0009_one_agency_per_name
Create Date: 2026-11-30 05:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0010_page_notes"
down_revision = "0009_one_agency_per_name"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("document_pages", sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place (3.35 and newer) unless something uses it; nothing indexes this one.
    op.drop_column("document_pages", "note")
