"""Rehearsing a write while the worker of a batch reads the first file.

SQLAlchemy compiles each statement the first time a process runs it on an engine: the sixty-odd statements of a
write took some 50 ms, all inside the first write of a batch, while the writer had just spent longer waiting for
the worker to read that file. ingest_many now spends that wait rehearsing: it writes two tiny synthetic lists
(g287/data/rehearsal, dated 9999-12-30 and -31, so that they come after every real publication and shift nothing)
in one transaction that it always rolls back. The first real write then finds its statements compiled.

Only where a rollback leaves no trace: on SQLite, new ids come from the table (the largest id plus one), so the
rows written afterwards get the ids they would have had; PostgreSQL's sequences would keep the ids the rehearsal
took. A rehearsal that fails for any reason is dropped silently: it changes nothing, and the real write meets, and
reports, any problem of the database itself.
"""

from __future__ import annotations

import datetime as dt

from g287.access import Actor
from g287.config import DATA_DIR
from g287.db import dialect
from g287.db.engine import Database

REHEARSAL_DIR = DATA_DIR / "rehearsal"
_LISTS = (("first.csv", dt.date(9999, 12, 30)), ("second.csv", dt.date(9999, 12, 31)))


def rehearse(db: Database, actor: Actor) -> bool:
    """Write the rehearsal lists into `db` and roll them back; True when it was done."""
    if not dialect.rollback_restores_ids(db.engine):
        return False
    from g287.registry.ingest import CommittedIds, prepare, write_publication  # ingest calls this module

    try:
        prepared = [prepare(REHEARSAL_DIR / name, kind="participating", published=(day, "am")) for name, day in _LISTS]
        with db.sessions() as session:
            transaction = session.begin()
            try:
                known = CommittedIds()  # of its own: ids seen here are never committed
                for publication in prepared:
                    write_publication(session, publication, actor, known, rehearsal=True)
            finally:
                transaction.rollback()
    except Exception:  # noqa: BLE001 - see the module's docstring: a failed rehearsal changes nothing
        return False
    return True
