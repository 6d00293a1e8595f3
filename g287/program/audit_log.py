"""Reading the audit log (program officers and administrators only), with filters. The log itself is written by
g287.audit in each change's transaction and is append-only: there is no update or delete path."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.access import Actor, authorize
from g287.db.models.audit import AuditEvent
from g287.db.models.program import User
from g287.program.validation import InvalidInput, day_argument, filter_text

USER_LABEL = re.compile(r"^user:(\d+)$")
MAX_LIMIT = 10000


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None  # an actor label ("user:12", "cli:alice", "system") or a user name
    action: str | None = None  # exact ("moa.draft") or a prefix ending in "." ("moa.")
    object_type: str | None = None
    object_id: str | None = None
    since: dt.date | None = None  # inclusive
    until: dt.date | None = None  # inclusive
    limit: int = 200


def read_events(session: Session, actor: Actor, wanted: AuditFilter = AuditFilter()) -> list[dict]:
    """Audit events, newest first, with the user name of each "user:N" actor."""
    authorize(actor, "audit.read")
    if not 1 <= wanted.limit <= MAX_LIMIT:
        raise InvalidInput({"limit": f"from 1 to {MAX_LIMIT}"})
    day_argument("since", wanted.since)
    day_argument("until", wanted.until)
    for name in ("actor", "action", "object_type", "object_id"):
        value = getattr(wanted, name)
        filter_text(name, value if isinstance(value, str) else None)
    if wanted.since and wanted.until and wanted.since > wanted.until:
        raise InvalidInput({"until": "must not be before since"})
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(wanted.limit)
    if wanted.actor:
        label = wanted.actor
        if not re.match(r"^(user:\d+|cli:.*|system|public)$", label):
            user = session.scalars(select(User).where(User.username == label.strip().lower())).first()
            label = f"user:{user.id}" if user else label
        query = query.where(AuditEvent.actor == label)
    if wanted.action:
        if wanted.action.endswith("."):
            query = query.where(AuditEvent.action.startswith(wanted.action, autoescape=True))
        else:
            query = query.where(AuditEvent.action == wanted.action)
    if wanted.object_type:
        query = query.where(AuditEvent.object_type == wanted.object_type)
    if wanted.object_id is not None:
        query = query.where(AuditEvent.object_id == str(wanted.object_id))
    if wanted.since:
        query = query.where(AuditEvent.at >= dt.datetime.combine(wanted.since, dt.time(), dt.timezone.utc))
    if wanted.until:
        query = query.where(AuditEvent.at < dt.datetime.combine(wanted.until + dt.timedelta(days=1), dt.time(), dt.timezone.utc))
    events = list(session.scalars(query))
    user_ids = {int(m[1]) for e in events if (m := USER_LABEL.match(e.actor))}
    names = dict(session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).all()) if user_ids else {}
    result = []
    for event in events:
        match = USER_LABEL.match(event.actor)
        result.append(
            {
                "id": event.id,
                "at": event.at.replace(tzinfo=event.at.tzinfo or dt.timezone.utc).isoformat(),
                "actor": event.actor,
                "user": names.get(int(match[1])) if match else None,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "before": event.before,
                "after": event.after,
            }
        )
    return result
