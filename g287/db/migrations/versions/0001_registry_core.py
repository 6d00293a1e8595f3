"""Registry core: states, publications, agencies and their names, agreements, raw rows, listing runs, row maps,
the quality register, and the audit log.

Also loads the states (reference data) and makes the audit log append-only in the database itself.

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 15:38:36.084137
"""

from alembic import op
import sqlalchemy as sa

# What this revision loads and runs, as it was written: the states, district and territories of
# g287/data/reference/states.csv (USPS code, FIPS code, name, category), and the triggers that make the audit log
# append-only. A later change to either is a migration of its own.
_STATES = (
    ("AL", "01", "Alabama", "state"), ("AK", "02", "Alaska", "state"), ("AZ", "04", "Arizona", "state"),
    ("AR", "05", "Arkansas", "state"), ("CA", "06", "California", "state"), ("CO", "08", "Colorado", "state"),
    ("CT", "09", "Connecticut", "state"), ("DE", "10", "Delaware", "state"),
    ("DC", "11", "District of Columbia", "district"), ("FL", "12", "Florida", "state"),
    ("GA", "13", "Georgia", "state"), ("HI", "15", "Hawaii", "state"), ("ID", "16", "Idaho", "state"),
    ("IL", "17", "Illinois", "state"), ("IN", "18", "Indiana", "state"), ("IA", "19", "Iowa", "state"),
    ("KS", "20", "Kansas", "state"), ("KY", "21", "Kentucky", "state"), ("LA", "22", "Louisiana", "state"),
    ("ME", "23", "Maine", "state"), ("MD", "24", "Maryland", "state"), ("MA", "25", "Massachusetts", "state"),
    ("MI", "26", "Michigan", "state"), ("MN", "27", "Minnesota", "state"), ("MS", "28", "Mississippi", "state"),
    ("MO", "29", "Missouri", "state"), ("MT", "30", "Montana", "state"), ("NE", "31", "Nebraska", "state"),
    ("NV", "32", "Nevada", "state"), ("NH", "33", "New Hampshire", "state"), ("NJ", "34", "New Jersey", "state"),
    ("NM", "35", "New Mexico", "state"), ("NY", "36", "New York", "state"), ("NC", "37", "North Carolina", "state"),
    ("ND", "38", "North Dakota", "state"), ("OH", "39", "Ohio", "state"), ("OK", "40", "Oklahoma", "state"),
    ("OR", "41", "Oregon", "state"), ("PA", "42", "Pennsylvania", "state"), ("RI", "44", "Rhode Island", "state"),
    ("SC", "45", "South Carolina", "state"), ("SD", "46", "South Dakota", "state"),
    ("TN", "47", "Tennessee", "state"), ("TX", "48", "Texas", "state"), ("UT", "49", "Utah", "state"),
    ("VT", "50", "Vermont", "state"), ("VA", "51", "Virginia", "state"), ("WA", "53", "Washington", "state"),
    ("WV", "54", "West Virginia", "state"), ("WI", "55", "Wisconsin", "state"), ("WY", "56", "Wyoming", "state"),
    ("AS", "60", "American Samoa", "territory"), ("GU", "66", "Guam", "territory"),
    ("MP", "69", "Northern Mariana Islands", "territory"), ("PR", "72", "Puerto Rico", "territory"),
    ("UM", "74", "U.S. Minor Outlying Islands", "territory"), ("VI", "78", "U.S. Virgin Islands", "territory"),
)
_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    ],
}
_DROP_APPEND_ONLY = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events", "DROP FUNCTION IF EXISTS audit_events_append_only()"],
}


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=255), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)

    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('half', sa.String(length=2), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('source_format', sa.String(length=8), nullable=False),
    sa.Column('source_modified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sheet_name', sa.String(length=255), nullable=True),
    sa.Column('header_row', sa.Integer(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('source_rows', sa.Integer(), nullable=False),
    sa.Column('listing_count', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('series', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('sha256', name=op.f('uq_publications_sha256'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index('ix_publications_series_seq', ['series', 'seq'], unique=False)

    op.create_table('states',
    sa.Column('usps', sa.String(length=2), nullable=False),
    sa.Column('fips', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('usps', name=op.f('pk_states')),
    sa.UniqueConstraint('fips', name=op.f('uq_states_fips'))
    )
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_usps', sa.String(length=2), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('agency_type', sa.String(length=16), nullable=True),
    sa.Column('county_text', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['state_usps'], ['states.usps'], name=op.f('fk_agencies_state_usps_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies'))
    )
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agencies_key'), ['key'], unique=False)

    op.create_table('publication_rows',
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('row_map', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_publication_rows_publication_id_publications')),
    sa.PrimaryKeyConstraint('publication_id', name=op.f('pk_publication_rows'))
    )
    op.create_table('quality_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=True),
    sa.Column('column', sa.String(length=64), nullable=True),
    sa.Column('raw_value', sa.Text(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('rows_skipped', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_quality_issues_publication_id_publications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_issues'))
    )
    with op.batch_alter_table('quality_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_issues_publication_id'), ['publication_id'], unique=False)

    op.create_table('agency_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('state_usps', sa.String(length=2), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_names_agency_id_agencies')),
    sa.ForeignKeyConstraint(['state_usps'], ['states.usps'], name=op.f('fk_agency_names_state_usps_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_names')),
    sa.UniqueConstraint('state_usps', 'name', name=op.f('uq_agency_names_state_usps_name'))
    )
    with op.batch_alter_table('agency_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_names_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_names_key'), ['key'], unique=False)

    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=3), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('moa_url', sa.Text(), nullable=True),
    sa.Column('addendum_url', sa.Text(), nullable=True),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agreements_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('agency_id', 'model', name=op.f('uq_agreements_agency_id_model'))
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_agency_id'), ['agency_id'], unique=False)

    op.create_table('raw_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('state_usps', sa.String(length=2), nullable=True),
    sa.Column('agency_name_id', sa.Integer(), nullable=True),
    sa.Column('model', sa.String(length=3), nullable=True),
    sa.Column('agency_type', sa.String(length=16), nullable=True),
    sa.Column('county_text', sa.String(length=255), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('moa_status', sa.String(length=16), nullable=True),
    sa.Column('moa_url', sa.Text(), nullable=True),
    sa.Column('addendum_url', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agency_name_id'], ['agency_names.id'], name=op.f('fk_raw_rows_agency_name_id_agency_names')),
    sa.ForeignKeyConstraint(['state_usps'], ['states.usps'], name=op.f('fk_raw_rows_state_usps_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_rows')),
    sa.UniqueConstraint('kind', 'digest', name=op.f('uq_raw_rows_kind_digest'))
    )
    with op.batch_alter_table('raw_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raw_rows_agency_name_id'), ['agency_name_id'], unique=False)

    op.create_table('listing_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=40), nullable=False),
    sa.Column('raw_row_id', sa.Integer(), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    sa.Column('first_seq', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['raw_row_id'], ['raw_rows.id'], name=op.f('fk_listing_runs_raw_row_id_raw_rows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_runs'))
    )
    with op.batch_alter_table('listing_runs', schema=None) as batch_op:
        batch_op.create_index('ix_listing_runs_raw_row_id_occurrence', ['raw_row_id', 'occurrence'], unique=False)
        batch_op.create_index('ix_listing_runs_series_first_seq', ['series', 'first_seq'], unique=False)
        batch_op.create_index('ix_listing_runs_series_last_seq', ['series', 'last_seq'], unique=False)

    op.create_table('row_problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('raw_row_id', sa.Integer(), nullable=False),
    sa.Column('column', sa.String(length=64), nullable=True),
    sa.Column('raw_value', sa.Text(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['raw_row_id'], ['raw_rows.id'], name=op.f('fk_row_problems_raw_row_id_raw_rows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_row_problems'))
    )
    with op.batch_alter_table('row_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_row_problems_raw_row_id'), ['raw_row_id'], unique=False)


    states_table = sa.table("states", sa.column("usps"), sa.column("fips"), sa.column("name"), sa.column("category"))
    op.bulk_insert(states_table, [{"usps": usps, "fips": fips, "name": name, "category": category} for usps, fips, name, category in _STATES])
    for statement in _APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP_APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table('row_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_row_problems_raw_row_id'))

    op.drop_table('row_problems')
    with op.batch_alter_table('listing_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_listing_runs_series_last_seq')
        batch_op.drop_index('ix_listing_runs_series_first_seq')
        batch_op.drop_index('ix_listing_runs_raw_row_id_occurrence')

    op.drop_table('listing_runs')
    with op.batch_alter_table('raw_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raw_rows_agency_name_id'))

    op.drop_table('raw_rows')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_agency_id'))

    op.drop_table('agreements')
    with op.batch_alter_table('agency_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_names_key'))
        batch_op.drop_index(batch_op.f('ix_agency_names_agency_id'))

    op.drop_table('agency_names')
    with op.batch_alter_table('quality_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_issues_publication_id'))

    op.drop_table('quality_issues')
    op.drop_table('publication_rows')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agencies_key'))

    op.drop_table('agencies')
    op.drop_table('states')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index('ix_publications_series_seq')

    op.drop_table('publications')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
