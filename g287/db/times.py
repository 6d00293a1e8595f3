"""Times as the database returns them: SQLite keeps no time zone (g287 stores every time in UTC), PostgreSQL does."""

from __future__ import annotations

import datetime as dt


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A time as stored, made aware: a naive one is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)
