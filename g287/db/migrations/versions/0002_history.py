"""History: identity merges (with rule, confidence and evidence), the review list, and merged_into links on
agencies and agreements, so that a merge can be undone.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:46:25.386263
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('identity_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_usps', sa.String(length=2), nullable=True),
    sa.Column('agency_name_id', sa.Integer(), nullable=False),
    sa.Column('candidate_agency_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=255), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agency_name_id'], ['agency_names.id'], name=op.f('fk_identity_candidates_agency_name_id_agency_names')),
    sa.ForeignKeyConstraint(['candidate_agency_id'], ['agencies.id'], name=op.f('fk_identity_candidates_candidate_agency_id_agencies')),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_identity_candidates_publication_id_publications')),
    sa.ForeignKeyConstraint(['state_usps'], ['states.usps'], name=op.f('fk_identity_candidates_state_usps_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_candidates')),
    sa.UniqueConstraint('agency_name_id', 'candidate_agency_id', name=op.f('uq_identity_candidates_agency_name_id_candidate_agency_id'))
    )
    with op.batch_alter_table('identity_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_candidates_agency_name_id'), ['agency_name_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_candidates_status'), ['status'], unique=False)

    op.create_table('identity_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_name_id', sa.Integer(), nullable=False),
    sa.Column('from_agency_id', sa.Integer(), nullable=False),
    sa.Column('to_agency_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=255), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by', sa.String(length=255), nullable=True),
    sa.Column('undone_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agency_name_id'], ['agency_names.id'], name=op.f('fk_identity_merges_agency_name_id_agency_names')),
    sa.ForeignKeyConstraint(['from_agency_id'], ['agencies.id'], name=op.f('fk_identity_merges_from_agency_id_agencies')),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_identity_merges_publication_id_publications')),
    sa.ForeignKeyConstraint(['to_agency_id'], ['agencies.id'], name=op.f('fk_identity_merges_to_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_merges'))
    )
    with op.batch_alter_table('identity_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_merges_agency_name_id'), ['agency_name_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_merges_to_agency_id'), ['to_agency_id'], unique=False)

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agencies_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agencies_merged_into_id_agencies'), 'agencies', ['merged_into_id'], ['id'])

    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agreements_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agreements_merged_into_id_agreements'), 'agreements', ['merged_into_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agreements_merged_into_id_agreements'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agreements_merged_into_id'))
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agencies_merged_into_id_agencies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agencies_merged_into_id'))
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('identity_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_merges_to_agency_id'))
        batch_op.drop_index(batch_op.f('ix_identity_merges_agency_name_id'))

    op.drop_table('identity_merges')
    with op.batch_alter_table('identity_candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_candidates_status'))
        batch_op.drop_index(batch_op.f('ix_identity_candidates_agency_name_id'))

    op.drop_table('identity_candidates')
