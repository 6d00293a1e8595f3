"""Times as g287 stores and reads them: always in UTC, and always aware.

SQLite keeps no time zone: SQLAlchemy writes a time's clock reading (an offset other than UTC's would be lost) and
reads it back naive. PostgreSQL keeps the moment and returns it in the session's time zone. `UtcDateTime` makes the
two alike: a time goes in as UTC (a naive one is taken as UTC) and comes out aware, in UTC, from either database, so
that a time is written the same way (`2025-05-15T23:33:17+00:00`) whichever database holds it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A time as stored, made aware: a naive one is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


class UtcDateTime(TypeDecorator):
    """A `DateTime(timezone=True)` column whose values are aware UTC times on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if isinstance(value, dt.datetime):
            return as_utc(value).astimezone(dt.timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if isinstance(value, dt.datetime):
            return as_utc(value).astimezone(dt.timezone.utc)
        return value
