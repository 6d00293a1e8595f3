"""Document archive: documents (content-addressed files), their addresses and origins, the listings that link
them, their pages and the facts read from them; and the full-text index over the pages (not a model: statements
from g287/db/dialect.py, differing between SQLite and PostgreSQL).

Revision ID: 0004_documents
Revises: 0003_geo
Create Date: 2026-11-28 15:51:53.015114
"""

from alembic import op
import sqlalchemy as sa

from g287.db.dialect import fulltext_create_statements, fulltext_drop_statements


revision = '0004_documents'
down_revision = "0003_geo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('extension', sa.String(length=8), nullable=False),
    sa.Column('media_type', sa.String(length=128), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('text_pages', sa.Integer(), nullable=True),
    sa.Column('ocr_pages', sa.Integer(), nullable=True),
    sa.Column('unread_pages', sa.Integer(), nullable=True),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('reader', sa.String(length=128), nullable=True),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_documents_publication_id_publications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('sha256', name=op.f('uq_documents_sha256'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_publication_id'), ['publication_id'], unique=False)

    op.create_table('document_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_key', sa.String(length=64), nullable=False),
    sa.Column('link_name', sa.String(length=255), nullable=False),
    sa.Column('link_key', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('etag', sa.String(length=255), nullable=True),
    sa.Column('last_modified', sa.String(length=64), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_addresses_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_addresses')),
    sa.UniqueConstraint('url_key', name=op.f('uq_document_addresses_url_key'))
    )
    with op.batch_alter_table('document_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_addresses_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_addresses_link_key'), ['link_key'], unique=False)

    op.create_table('document_facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_facts_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_facts')),
    sa.UniqueConstraint('document_id', 'field', name=op.f('uq_document_facts_document_id_field'))
    )
    op.create_table('document_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('page_number', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('characters', sa.Integer(), nullable=False),
    sa.Column('ocr_confidence', sa.Float(), nullable=True),
    sa.Column('layout', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_pages_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_pages')),
    sa.UniqueConstraint('document_id', 'page_number', name=op.f('uq_document_pages_document_id_page_number'))
    )
    op.create_table('document_origins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=True),
    sa.Column('via', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['document_addresses.id'], name=op.f('fk_document_origins_address_id_document_addresses')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_origins_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_origins'))
    )
    with op.batch_alter_table('document_origins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_origins_address_id'), ['address_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_origins_document_id'), ['document_id'], unique=False)

    op.create_table('document_row_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=False),
    sa.Column('raw_row_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['document_addresses.id'], name=op.f('fk_document_row_links_address_id_document_addresses')),
    sa.ForeignKeyConstraint(['raw_row_id'], ['raw_rows.id'], name=op.f('fk_document_row_links_raw_row_id_raw_rows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_row_links')),
    sa.UniqueConstraint('address_id', 'raw_row_id', 'role', name=op.f('uq_document_row_links_address_id_raw_row_id_role'))
    )
    with op.batch_alter_table('document_row_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_row_links_address_id'), ['address_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_row_links_raw_row_id'), ['raw_row_id'], unique=False)

    for statement in fulltext_create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in fulltext_drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table('document_row_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_row_links_raw_row_id'))
        batch_op.drop_index(batch_op.f('ix_document_row_links_address_id'))

    op.drop_table('document_row_links')
    with op.batch_alter_table('document_origins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_origins_document_id'))
        batch_op.drop_index(batch_op.f('ix_document_origins_address_id'))

    op.drop_table('document_origins')
    op.drop_table('document_pages')
    op.drop_table('document_facts')
    with op.batch_alter_table('document_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_addresses_link_key'))
        batch_op.drop_index(batch_op.f('ix_document_addresses_document_id'))

    op.drop_table('document_addresses')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_publication_id'))

    op.drop_table('documents')
