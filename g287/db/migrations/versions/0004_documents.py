"""Document archive: documents (content-addressed files), their addresses and origins, the listings that link
them, their pages and the facts read from them; and the full-text indexes over the pages and over whole documents
(not models: statements of their own, differing between SQLite and PostgreSQL).

Revision ID: 0004_documents
Revises: 0003_geo
Create Date: 2026-11-28 15:51:53.015114
"""

from alembic import op
import sqlalchemy as sa

# The full-text indexes as this revision made them when it joined the main line (merge 281caea): per page
# (document_search) and per document (document_search_documents), kept current by triggers and by g287's code.
# PostgreSQL: the `english` configuration, and words as its parser reads them; migrations 0007, 0011 and 0012
# change that (every word kept, accents ignored, punctuation separating words).
_CREATE = {
    "sqlite": [
        "CREATE VIRTUAL TABLE document_search USING fts5(text, content='document_pages', content_rowid='id', tokenize='porter unicode61')",
        "CREATE TRIGGER document_pages_search_insert AFTER INSERT ON document_pages BEGIN "
        "INSERT INTO document_search(rowid, text) VALUES (new.id, new.text); END",
        "CREATE TRIGGER document_pages_search_delete AFTER DELETE ON document_pages BEGIN "
        "INSERT INTO document_search(document_search, rowid, text) VALUES ('delete', old.id, old.text); END",
        "CREATE TRIGGER document_pages_search_update AFTER UPDATE ON document_pages BEGIN "
        "INSERT INTO document_search(document_search, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO document_search(rowid, text) VALUES (new.id, new.text); END",
        "CREATE VIRTUAL TABLE document_search_documents USING fts5(text, content='', tokenize='porter unicode61')",
    ],
    "postgresql": [
        "CREATE TABLE document_search (page_id integer PRIMARY KEY REFERENCES document_pages(id) ON DELETE CASCADE, vector tsvector NOT NULL)",
        "CREATE INDEX ix_document_search_vector ON document_search USING gin (vector)",
        "CREATE OR REPLACE FUNCTION document_search_refresh() RETURNS trigger AS $$ BEGIN "
        "INSERT INTO document_search (page_id, vector) VALUES (NEW.id, to_tsvector('english', coalesce(NEW.text, ''))) "
        "ON CONFLICT (page_id) DO UPDATE SET vector = EXCLUDED.vector; RETURN NEW; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER document_pages_search AFTER INSERT OR UPDATE OF text ON document_pages FOR EACH ROW EXECUTE FUNCTION document_search_refresh()",
        "CREATE TABLE document_search_documents (document_id integer PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, vector tsvector NOT NULL)",
        "CREATE INDEX ix_document_search_documents_vector ON document_search_documents USING gin (vector)",
        # ranking reads every matching vector: stored uncompressed, reading one costs no decompression
        "ALTER TABLE document_search ALTER COLUMN vector SET STORAGE EXTERNAL",
        "ALTER TABLE document_search_documents ALTER COLUMN vector SET STORAGE EXTERNAL",
        # to_tsvector refuses more than 1 MB of lexemes and positions; such a document keeps its words only
        "CREATE OR REPLACE FUNCTION document_search_vector(body text) RETURNS tsvector AS $$ BEGIN "
        "RETURN to_tsvector('english', coalesce(body, '')); "
        "EXCEPTION WHEN program_limit_exceeded THEN "
        "RETURN array_to_tsvector(ARRAY(SELECT DISTINCT word FROM regexp_split_to_table(body, E'\\f') AS chunk, "
        "unnest(tsvector_to_array(to_tsvector('english', chunk))) AS word)); "
        "END; $$ LANGUAGE plpgsql IMMUTABLE",
    ],
}
_DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS document_pages_search_insert",
        "DROP TRIGGER IF EXISTS document_pages_search_delete",
        "DROP TRIGGER IF EXISTS document_pages_search_update",
        "DROP TABLE IF EXISTS document_search",
        "DROP TABLE IF EXISTS document_search_documents",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS document_pages_search ON document_pages",
        "DROP FUNCTION IF EXISTS document_search_refresh()",
        "DROP TABLE IF EXISTS document_search",
        "DROP TABLE IF EXISTS document_search_documents",
        "DROP FUNCTION IF EXISTS document_search_vector(text)",
    ],
}


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

    for statement in _CREATE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP[op.get_bind().dialect.name]:
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
