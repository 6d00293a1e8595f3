"""Alembic environment: migrations run inside the caller's connection (see g287.db.engine.Database.migrate),
in batch mode on SQLite so that ALTER TABLE works there as on PostgreSQL."""

from alembic import context
from sqlalchemy import create_engine

from g287.db import dialect
from g287.db.models import Base
from g287.db.unmanaged import include_name, include_object

config = context.config
target_metadata = Base.metadata


def run_with(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    from g287 import config as settings

    url = config.get_main_option("sqlalchemy.url") or settings.database_url()
    engine = create_engine(dialect.normalize_url(url))
    dialect.prepare_engine(engine)
    # as g287 migrates (SQLite's foreign keys off while tables are rebuilt, PostgreSQL's migrations one at a time,
    # in a writing transaction)
    with engine.execution_options(**dialect.writing_options(engine)).connect() as conn, dialect.schema_change(conn):
        run_with(conn)
