"""Finding a workflow record by its id for an actor, so that ids tell nothing to whoever may not see the record.

A record the actor may not see is answered exactly as a record that does not exist (NotFound, one message for
both): otherwise a refusal (403) for an id that exists and "not found" (404) for one that does not would let
anyone count another agency's nominees, letters and agencies by trying ids. The checks, in this order:

1. the actor's role may not do the action to any record (the public, or an agency user and a step of the program
   office): AccessDenied before anything is read, so the answer is the same for every id (a visitor who is not
   signed in is then asked to sign in);
2. the record does not exist, or the actor may not see it (`read`): NotFound;
3. the actor sees the record but may not do the action to it: AccessDenied (403).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from g287.access import Actor, access_rules, allowed, authorize
from g287.errors import NotFound

T = TypeVar("T")


def role_may(actor: Actor, action: str) -> bool:
    """Whether the actor's role may do the action to some record (any scope, its own agency's included)."""
    return access_rules()[action].get(actor.role) is not None


def find(session: Session, actor: Actor, model: type[T], record_id: int, *, read: str, action: str, missing: str, lock: bool = False) -> T:
    """The record `record_id` of `model`, which the actor may see (`read`) and act on (`action`); `missing` is the
    NotFound message, for a record that does not exist and one the actor may not see alike. `lock`: for a change
    that depends on what it reads, the record is locked until the change is committed (see moas.get_moa)."""
    if not role_may(actor, action):
        authorize(actor, action)  # refused whatever the record: nothing is read
    record = session.get(model, record_id)
    if record is None or not allowed(actor, read, record):
        raise NotFound(missing)
    if lock:
        # Locked only once it is known to be visible: a caller who may not see a record must not be able to wait
        # on it either (the wait would tell that it exists). Read again under the lock: another change may have
        # been committed since the read above.
        record = session.get(model, record_id, with_for_update=True, populate_existing=True)
    authorize(actor, action, record)
    return record
