"""Writing the audit log, in the caller's transaction: the event lands exactly when the change does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.db.plain import plain


EVENTS_WRITTEN = "g287.audit.events_written"  # key of Session.info: how many events this session has written

_NEW_EVENT = plain(insert(AuditEvent.__table__), columns=("at", "actor", "action", "object_type", "object_id", "before", "after"))


def record(session: Session, actor: Actor, action: str, object_type: str, object_id: Any, *, before: dict | None = None, after: dict | None = None) -> None:
    # Written at once on the session's connection (an audit event is never read back as an object, and has no
    # foreign key to wait for): cheaper than the unit of work of an ORM object, and in the same transaction.
    _NEW_EVENT.many(
        session.connection(),
        [
            {
                "at": dt.datetime.now(dt.timezone.utc),
                "actor": actor.label,
                "action": action,
                "object_type": object_type,
                "object_id": None if object_id is None else str(object_id),
                "before": before,
                "after": after,
            }
        ],
    )
    session.info[EVENTS_WRITTEN] = events_written(session) + 1


def events_written(session: Session) -> int:
    """How many audit events this session has written: none when the change it made changed nothing."""
    return session.info.get(EVENTS_WRITTEN, 0)
