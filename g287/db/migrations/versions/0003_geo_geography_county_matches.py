"""Geography: county matches per (state, county text) and the quality-register entries county matching wrote.

Revision ID: 0003_geo
Revises: 0002
Create Date: 2026-11-28 15:50:22.109601
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_geo'
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('county_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_usps', sa.String(length=2), nullable=True),
    sa.Column('county_text', sa.String(length=255), nullable=False),
    sa.Column('fips', sa.String(length=5), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rule', sa.Text(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['state_usps'], ['states.usps'], name=op.f('fk_county_matches_state_usps_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county_matches')),
    sa.UniqueConstraint('state_usps', 'county_text', name=op.f('uq_county_matches_state_usps_county_text'))
    )
    with op.batch_alter_table('county_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_county_matches_fips'), ['fips'], unique=False)

    op.create_table('county_row_problems',
    sa.Column('row_problem_id', sa.Integer(), nullable=False),
    sa.Column('raw_row_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['raw_row_id'], ['raw_rows.id'], name=op.f('fk_county_row_problems_raw_row_id_raw_rows')),
    sa.ForeignKeyConstraint(['row_problem_id'], ['row_problems.id'], name=op.f('fk_county_row_problems_row_problem_id_row_problems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('row_problem_id', name=op.f('pk_county_row_problems'))
    )
    with op.batch_alter_table('county_row_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_county_row_problems_raw_row_id'), ['raw_row_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('county_row_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_county_row_problems_raw_row_id'))

    op.drop_table('county_row_problems')
    with op.batch_alter_table('county_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_county_matches_fips'))

    op.drop_table('county_matches')
