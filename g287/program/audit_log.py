"""Reading the audit log (program officers and administrators; its events of accounts, administrators only), with
filters. The log itself is written by g287.audit in each change's transaction and is append-only: there is no
update or delete path."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from g287.access import Actor, allowed, authorize
from g287.db.ids import record_id
from g287.db.models.audit import AuditEvent
from g287.db.models.documents import DocumentAddress
from g287.db.models.history import IdentityCandidate
from g287.db.models.program import ApplicantAgency, Application, Nominee, ProgramMoa, User
from g287.db.models.registry import Agreement, Publication
from g287.program.validation import InvalidInput, day_argument, filter_text

USER_LABEL = re.compile(r"^user:(\d+)$")
# The events of accounts (account.add, .disable, .login, .logout, .change_password) list who has an account, with
# which role and agency, and when each signs in: managing accounts is the administrators' (account.manage), so only
# those who may manage accounts read them. The rest of the log is the program office's.
ACCOUNT_EVENTS = "account."
MAX_LIMIT = 10000
EMPTY_FILTER = "empty: give a value, or leave the filter out"

# The kinds of record the log names by their id (others, such as an alias "TX:name" or a document's "all", are
# free text). A filter on one of these with an id that is not one, or that names no record, can match no event.
RECORD_TYPES = {
    "agreement": Agreement,
    "applicant_agency": ApplicantAgency,
    "application": Application,
    "document_address": DocumentAddress,
    "identity_candidate": IdentityCandidate,
    "moa": ProgramMoa,
    "nominee": Nominee,
    "publication": Publication,
    "user": User,
}
# Every kind of record the log names: the above, and those named by free text (an alias "TX:name", a document's
# "all", the sync of ICE's page, the county matches). A filter on any other type can match no event.
OBJECT_TYPES = frozenset(RECORD_TYPES) | {"alias", "county_matches", "document", "page"}


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None  # an actor label ("user:12", "cli:alice", "system") or a user name
    action: str | None = None  # exact ("moa.draft") or a prefix ending in "." ("moa.")
    object_type: str | None = None
    object_id: str | None = None
    since: dt.date | None = None  # inclusive
    until: dt.date | None = None  # inclusive
    limit: int = 200


def _logged(session: Session, condition) -> bool:
    return session.scalars(select(AuditEvent.id).where(condition).limit(1)).first() is not None


def _malformed_object(object_type: str | None, object_id: str | None) -> str | None:
    """Why TYPE:ID can name no record of a kind the log names by id, whatever the database holds: the id is not a
    whole number (nominee:abc). Told apart from an id no record has, which only the database can say."""
    if object_type not in RECORD_TYPES or not isinstance(object_id, str):
        return None
    if record_id(object_id) is None and not object_id.strip().lstrip("-").isdigit():
        return f"malformed object reference: the id of a {object_type} is a whole number (TYPE:ID, e.g. {object_type}:3)"
    return None


def _malformed_actor(actor: str | None) -> str | None:
    """Why an actor filter can name no user, whatever the database holds: user:ID whose ID is not a number."""
    label = (actor or "").strip()
    if label.startswith("user:") and not label[len("user:"):].strip().isdigit():
        return "malformed actor: user:ID takes a user's id, a whole number (or give the user name)"
    return None


def object_problem(session: Session, object_type: str | None, object_id: str | None, sees_accounts: bool = True) -> str | None:
    """Why a filter on this record matches no event because it names none (a malformed or unknown id), or None.
    An empty answer would otherwise read as "nothing happened to it". A record gone from its table but named in the
    log (an agreement merged away) is still asked about."""
    model = RECORD_TYPES.get(object_type or "")
    if model is None or object_id is None:
        return None
    number = record_id(object_id)
    if malformed := _malformed_object(object_type, object_id):
        return malformed
    # A user (an account) is known to a reader who does not see the events of accounts only by the events it sees.
    exists = number is not None and (sees_accounts or model is not User) and session.get(model, number) is not None
    if not exists and not _logged(session, (AuditEvent.object_type == object_type) & (AuditEvent.object_id == object_id) & _seen(sees_accounts)):
        return f"no such {object_type.replace('_', ' ')}" if sees_accounts or model is not User else _NOT_SEEN_USER_OBJECT
    return None


def type_problem(session: Session, object_type: str | None) -> str | None:
    """Why a filter on this kind of record matches no event because no record is of that kind, or None (a type
    the log names though this version does not write it is still asked about)."""
    if not object_type or object_type in OBJECT_TYPES or _logged(session, AuditEvent.object_type == object_type):
        return None
    return f"no such object type (one of: {', '.join(sorted(OBJECT_TYPES))})"


def actor_problem(session: Session, actor: str | None, sees_accounts: bool = True, own_id: int | None = None) -> str | None:
    """Why a filter on this actor matches no event because it names none: "user:abc", or a user (by id or name)
    that does not exist and acted on nothing. Labels such as cli:NAME or system are free text. To a reader who does
    not see the events of accounts (`sees_accounts` False), a user is known only by the events that reader sees:
    a user who did nothing else than sign in is answered as one who does not exist (else a refusal of one name and an
    empty answer to another told an officer which accounts exist, one guess at a time); but for the reader's own
    account (`own_id`)."""
    if not actor:
        return None
    label = actor.strip()
    if label.startswith("user:"):
        number = record_id(label[len("user:"):])
        if malformed := _malformed_actor(label):
            return malformed
        exists = number is not None and (sees_accounts or number == own_id) and session.get(User, number) is not None
        if not exists and not _logged(session, (AuditEvent.actor == label) & _seen(sees_accounts)):
            return "no such user" if sees_accounts else _NOT_SEEN_USER
        return None
    if re.match(r"^(cli:.*|system|public)$", label):
        return None
    user_id = session.scalars(select(User.id).where(User.username == label.lower())).first()
    if user_id is not None and (sees_accounts or user_id == own_id):
        return None
    if not _logged(session, (AuditEvent.actor == (label if user_id is None else f"user:{user_id}")) & _seen(sees_accounts)):
        return "no user has this name (an actor is a user name, user:ID, cli:NAME or system)" if sees_accounts else _NOT_SEEN_USER
    return None


# What a reader who does not see the events of accounts is told of a user no event it sees names: true whether the
# account exists or not.
_NOT_SEEN_USER = "no event you may read names this user (an actor is a user name, user:ID, cli:NAME or system)"
# And of the user an object filter names (object_type user): the only events about a user are those of its account,
# which such a reader never sees; the actor filter's syntax, told here once, was no help.
_NOT_SEEN_USER_OBJECT = "no event you may read is about this user (the events about a user are its account's, which only administrators read)"


def _seen(sees_accounts: bool):
    """The events a reader sees: every one, or all but the events of accounts."""
    return true() if sees_accounts else func.substr(AuditEvent.action, 1, len(ACCOUNT_EVENTS)) != ACCOUNT_EVENTS


def _trimmed(value):
    return value.strip() or value if isinstance(value, str) else value


def read_as_named(wanted: AuditFilter) -> AuditFilter:
    """The filter as the log writes what it names: the checks below read the object id " 3 " or "03" as record 3, and
    "user:4 ", "user:04" or "user: 4" as user 4, so the query compares them so too (as typed, they matched no event: an empty list that
    reads as "nothing happened"). A filter of spaces only is kept as it is, and refused as an empty one is."""
    texts = {name: _trimmed(getattr(wanted, name)) for name in ("actor", "action", "object_type", "object_id")}
    if texts["object_type"] in RECORD_TYPES and isinstance(texts["object_id"], str) and (number := record_id(texts["object_id"])) is not None:
        texts["object_id"] = str(number)
    # A user's id as actor_problem reads it ("user:04", "user: 4" name user 4), as the log writes it ("user:4").
    actor = texts["actor"]
    if isinstance(actor, str) and actor.startswith("user:") and (number := record_id(actor[len("user:"):])) is not None:
        texts["actor"] = f"user:{number}"
    return replace(wanted, **texts)


UNTIL_BEFORE_SINCE = "must not be before since"  # (the command line names its options: --until, --since)


def check_filter(wanted: AuditFilter) -> None:
    """InvalidInput naming each part of a filter that no log can be read by, whatever it holds (read_events checks
    it, and then whether what it names exists; the command line before it opens the database)."""
    if not 1 <= wanted.limit <= MAX_LIMIT:
        raise InvalidInput({"limit": f"from 1 to {MAX_LIMIT}"})
    day_argument("since", wanted.since)
    day_argument("until", wanted.until)
    texts = {name: getattr(wanted, name) for name in ("actor", "action", "object_type", "object_id")}
    for name, value in texts.items():
        filter_text(name, value if isinstance(value, str) else None)
    # An empty filter (the API's ?actor=) read as none would answer every event, as if they had all matched. The
    # site's form gives the fields left empty as absent (None); the command line refuses an empty option.
    empty = {name: EMPTY_FILTER for name, value in texts.items() if isinstance(value, str) and not value.strip()}
    if empty:
        raise InvalidInput(empty)
    # A malformed reference is refused here too, so that the command line refuses it before it opens the database
    # (a refusal makes no new database) and the API before it reads anything.
    named = read_as_named(wanted)
    malformed = {"actor": _malformed_actor(named.actor), "object_id": _malformed_object(named.object_type, named.object_id)}
    if any(malformed.values()):
        raise InvalidInput({name: problem for name, problem in malformed.items() if problem})
    if wanted.since and wanted.until and wanted.since > wanted.until:
        raise InvalidInput({"until": UNTIL_BEFORE_SINCE})


def read_events(session: Session, actor: Actor, wanted: AuditFilter = AuditFilter()) -> list[dict]:
    """Audit events, newest first, with the user name of each "user:N" actor."""
    authorize(actor, "audit.read")
    check_filter(wanted)
    # A filter naming an actor, a kind of record or a record that does not exist is refused, on every path (the command line, the
    # site and the API): an empty answer would read as "nothing happened". Checked only once the actor may read
    # the log, so the answer tells nobody else which users and records exist.
    wanted = read_as_named(wanted)
    object_id = None if wanted.object_id is None else str(wanted.object_id)
    sees_accounts = allowed(actor, "account.manage")
    unknown = {
        "actor": actor_problem(session, wanted.actor, sees_accounts, actor.user_id),
        "object_type": type_problem(session, wanted.object_type),
        "object_id": object_problem(session, wanted.object_type, object_id, sees_accounts),
    }
    if any(unknown.values()):
        raise InvalidInput({name: problem for name, problem in unknown.items() if problem})
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(wanted.limit)
    # The events of accounts, to whoever may not manage accounts, left out of the log as if never written: a filter on
    # them (action=account.add) answers no event, not a refusal that would say they exist.
    query = query.where(_seen(sees_accounts))
    if wanted.actor:
        label = wanted.actor
        if not re.match(r"^(user:\d+|cli:.*|system|public)$", label):
            user = session.scalars(select(User).where(User.username == label.strip().lower())).first()
            label = f"user:{user.id}" if user else label
        query = query.where(AuditEvent.actor == label)
    if wanted.action:
        if wanted.action.endswith("."):
            # Not LIKE: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not, so "MOA." listed every
            # moa. event on SQLite and none on PostgreSQL (where "MOA.DRAFT", an exact action, finds none on either).
            query = query.where(func.substr(AuditEvent.action, 1, len(wanted.action)) == wanted.action)
        else:
            query = query.where(AuditEvent.action == wanted.action)
    if wanted.object_type:
        query = query.where(AuditEvent.object_type == wanted.object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
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
