"""Declarative base with a constraint naming convention, so Alembic batch mode can alter SQLite tables."""

from sqlalchemy import MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def source_text(length: int):
    """A column of text as a source gives it (a name, a county, a column heading), of any length. PostgreSQL
    enforces a VARCHAR's length, and an ICE list naming an agency in 300 characters stopped its ingest there (SQLite
    ingested it: it enforces none). PostgreSQL's column is TEXT (migration 0015); SQLite's keeps its declared
    length, which it never checks, so that no table is rebuilt to change what it does not enforce."""
    return String(length).with_variant(Text(), "postgresql")
