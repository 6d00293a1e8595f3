"""Applicant agencies: the agencies that take part in the workflow, whether or not ICE has listed them.

An applicant agency is linked to the registry's agency (agencies.id) as soon as one is known: when it is
created and a name ICE published in that state has the same key (case, spacing, punctuation, apostrophes);
when a program officer links it by hand; when its signed MOA is recorded (the registry agency is then created if
ICE never listed it); or when a later publication names it (see g287/registry/processors/program.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from g287 import audit
from g287.access import Actor, allowed, authorize, role_name
from g287.db.dialect import in_code_point_order
from g287.errors import AccessDenied
from g287.db.plain import plain
from g287.db.models.audit import AuditEvent
from g287.db.models.program import ApplicantAgency, ProgramMoa
from g287.db.models.registry import Agency, AgencyName, Agreement, ListingRun, RawRow, series_of
from g287.program import records
from g287.program.validation import Checker, Conflict, InvalidInput
from g287.registry.agencies import NameFacts, agency_ids_of_names, resolve_names
from g287.registry.figures import AGENCY_TYPES
from g287.registry.names import agency_key
from g287.sources.rules import states, two_letter_code
from g287.wording import in_quotes

RULE_SAME_KEY = "a name ICE published in the same state, up to case, spacing, punctuation and apostrophes"
RULE_BY_HAND = "linked by a program officer"
RULE_RECORDED = "created in the registry when its signed MOA was recorded"
# Kept with no registry agency: a program officer's decision that the registry's agency of the same name is not this
# one (a namesake), which no ingest or signature then undoes by linking them again. A change of name or state ends it.
RULE_UNLINKED_BY_HAND = "unlinked by a program officer"


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    name: str
    state: str
    agency_type: str
    county: str | None
    address: str | None
    registry_agency_id: int | None
    link_rule: str | None

    @classmethod
    def of(cls, a: ApplicantAgency) -> "AgencyInfo":
        return cls(a.id, a.name, a.state_usps, a.agency_type, a.county_text, a.address, a.registry_agency_id, a.link_rule)


def fields_of(agency: ApplicantAgency) -> dict:
    return {
        "name": agency.name,
        "state": agency.state_usps,
        "agency_type": agency.agency_type,
        "county": agency.county_text,
        "address": agency.address,
        "registry_agency_id": agency.registry_agency_id,
        "link_rule": agency.link_rule,
    }


def check_agency(name, state, agency_type, *, county=None, address=None) -> dict:
    """The fields of an applicant agency as recorded; InvalidInput naming each field that cannot be, whatever the
    database holds (create_agency and update_agency check them; the command line before it opens the database)."""
    check = Checker()
    values = _check_fields(check, name, state, agency_type, county, address)
    check.done()
    return values


def _check_fields(check: Checker, name, state, agency_type, county, address) -> dict:
    values = {
        "name": check.text("name", name, max_length=255),
        "state_usps": two_letter_code((state or "").strip()),
        "agency_type": check.choice("agency_type", agency_type, AGENCY_TYPES),
        "county_text": check.text("county", county, required=False, max_length=255),
        "address": check.text("address", address, required=False, max_length=500, multiline=True),
    }
    if not (state or "").strip():
        check.fail("state", "required")
    elif values["state_usps"] not in {s.usps for s in states()}:  # the states table's reference (g287/data/reference)
        check.fail("state", "a two-letter USPS code (FL, TX, ...)")
    return values


def _same_key(session: Session, state: str, key: str, *, other_than: int | None = None) -> None:
    """Refuse a second record of one agency: a name with the same key in the same state would split its letters,
    MOAs and nominees in two. Every name of the state is compared, so that a record kept without its key (see
    migration 0009) is found too."""
    for other_id, other_name in session.execute(select(ApplicantAgency.id, ApplicantAgency.name).where(ApplicantAgency.state_usps == state)):
        if other_id != other_than and agency_key(other_name) == key:
            raise _already(other_id, other_name, state)


def _already(other_id: int, other_name: str, state: str) -> Conflict:
    return Conflict(f"applicant agency {other_id} is already {in_quotes(other_name)} in {state}: use it (or correct its name)")


def _write_keyed(session: Session, change: Callable[[], None], state: str, key: str, *, other_than: int | None = None) -> None:
    """Make a change that gives an agency (`other_than`, when it is recorded already) a state and name key, and write
    it. The check above cannot see an agency added at the same moment and not yet committed; the unique index then
    refuses this one, and the caller gets the same Conflict as from the check, naming that agency. (A savepoint keeps
    the transaction usable to read it.)"""
    try:
        with session.begin_nested():
            change()
            session.flush()
    except IntegrityError:
        holder = session.execute(
            select(ApplicantAgency.id, ApplicantAgency.name).where(ApplicantAgency.state_usps == state, ApplicantAgency.name_key == key, ApplicantAgency.id != other_than)
        ).first()
        if holder is None:  # another constraint: the web layer answers it as a conflict too
            raise
        raise _already(holder.id, holder.name, state) from None


def create_agency(
    session: Session, actor: Actor, name: str, state: str, agency_type: str, *, county: str | None = None, address: str | None = None, registry_agency_id: int | None = None
) -> AgencyInfo:
    authorize(actor, "agency.create")
    values = check_agency(name, state, agency_type, county=county, address=address)
    key = agency_key(values["name"])
    _same_key(session, values["state_usps"], key)
    agency = ApplicantAgency(**values, name_key=key, created_at=dt.datetime.now(dt.timezone.utc))
    if registry_agency_id is not None:
        _check_registry_agency(session, registry_agency_id, values["state_usps"])
        agency.registry_agency_id, agency.link_rule = registry_agency_id, RULE_BY_HAND
    else:
        found = same_key_agency(session.connection(), values["state_usps"], values["name"])
        if found is not None:
            agency.registry_agency_id, agency.link_rule = found, RULE_SAME_KEY
    _write_keyed(session, lambda: session.add(agency), values["state_usps"], key)
    audit.record(session, actor, "agency.create", "applicant_agency", agency.id, after=fields_of(agency))
    return AgencyInfo.of(agency)


def _check_registry_agency(session: Session, registry_agency_id: int, state: str) -> Agency:
    registry_agency = session.get(Agency, registry_agency_id)
    if registry_agency is None:
        raise InvalidInput({"registry_agency_id": f"no agency with id {registry_agency_id} in the registry"})
    if registry_agency.state_usps and registry_agency.state_usps != state:
        raise InvalidInput({"registry_agency_id": f"agency {registry_agency_id} is in {registry_agency.state_usps}, not {state}"})
    return registry_agency


def same_key_agency(conn: Connection, state: str, name: str) -> int | None:
    """The registry agency that published names in this state with the same key, when there is exactly one."""
    found = set(conn.execute(select(AgencyName.agency_id).where(AgencyName.state_usps == state, AgencyName.key == agency_key(name))).scalars())
    return found.pop() if len(found) == 1 else None


def get_agency(session: Session, actor: Actor, agency_id: int, action: str = "agency.read") -> ApplicantAgency:
    """The applicant agency, if `actor` may do `action` to it; one the actor may not see is no such agency (see
    g287.program.records). For a change, locked until the change is committed: what may change depends on the
    agency's signed MOAs, and moas.record_signed_moa locks the agency too, so a change and a signature at the same
    moment take turns, the second seeing the first."""
    return records.find(
        session, actor, ApplicantAgency, agency_id, read="agency.read", action=action, missing=f"no applicant agency with id {agency_id}", lock=action != "agency.read"
    )


def list_agencies(session: Session, actor: Actor) -> list[AgencyInfo]:
    """Every applicant agency the actor may read (an agency user: their own)."""
    agencies = session.scalars(select(ApplicantAgency).order_by(ApplicantAgency.state_usps, in_code_point_order(ApplicantAgency.name)))
    return [AgencyInfo.of(a) for a in agencies if allowed(actor, "agency.read", a)]


def update_agency(session: Session, actor: Actor, agency_id: int, *, name: str, state: str, agency_type: str, county: str | None = None, address: str | None = None) -> AgencyInfo:
    agency = get_agency(session, actor, agency_id, "agency.update")
    values = check_agency(name, state, agency_type, county=county, address=address)
    if all(getattr(agency, column) == value for column, value in values.items()):
        # The form sent again as it is (a letter of interest re-sends the agency's details): no change, so no event
        # whose values before and after are the same.
        return AgencyInfo.of(agency)
    key = agency_key(values["name"])
    # Checked and written only when the key or the state changes: a record kept without its key (migration 0009)
    # may still have its other details corrected.
    rekeyed = key != agency_key(agency.name) or values["state_usps"] != agency.state_usps
    # Who may change it first: to an agency user, another state is refused whether or not the agency is linked
    # (the conflict below would send them to have it unlinked, after which the change is still not theirs).
    _check_identity_change(session, actor, agency, rekeyed, values)
    if agency.registry_agency_id is not None and values["state_usps"] != agency.state_usps:
        raise Conflict("this agency is linked to the registry's agency in its state; a program officer must unlink it before the state changes")
    if rekeyed:
        _same_key(session, values["state_usps"], key, other_than=agency.id)
    before = fields_of(agency)

    def change() -> None:
        for column, value in values.items():
            setattr(agency, column, value)
        if rekeyed:
            agency.name_key = key
            if agency.link_rule == RULE_UNLINKED_BY_HAND:  # the decision was about the registry's agency of the old name
                agency.link_rule = None

    _write_keyed(session, change, values["state_usps"], key, other_than=agency.id)
    audit.record(session, actor, "agency.update", "applicant_agency", agency.id, before=before, after=fields_of(agency))
    return AgencyInfo.of(agency)


def _check_identity_change(session: Session, actor: Actor, agency: ApplicantAgency, rekeyed: bool, values: dict) -> None:
    """Which agency a record is, is the program office's to change (agency.update_identity in the access rules): a
    name or state of another key would make the registry's lists credit it to whichever agency ICE published under
    that name (its letters, then its MOAs), and once an MOA is signed the type and county are what its listing says."""
    details_changed = values["agency_type"] != agency.agency_type or values["county_text"] != agency.county_text
    if not rekeyed and not details_changed:
        return
    signed = session.scalars(select(ProgramMoa.id).where(ProgramMoa.agency_id == agency.id, ProgramMoa.registry_agreement_id.is_not(None))).first()
    if (rekeyed or signed is not None) and not allowed(actor, "agency.update_identity", agency):
        what = "its name or state" if rekeyed else "its type or county, once an MOA is signed"
        raise AccessDenied(f"{role_name(actor)} may not change {what}: the program office makes that change (the address stays the agency's to keep)", action="agency.update_identity")


def link_agency(session: Session, actor: Actor, agency_id: int, registry_agency_id: int | None) -> AgencyInfo:
    """Link an applicant agency to the registry's agency by hand (or unlink it with None)."""
    agency = get_agency(session, actor, agency_id, "agency.link")
    if registry_agency_id is not None:
        _check_registry_agency(session, registry_agency_id, agency.state_usps)
    signed = session.scalars(select(ProgramMoa).where(ProgramMoa.agency_id == agency.id, ProgramMoa.registry_agreement_id.is_not(None)).order_by(ProgramMoa.id)).first()
    if signed is not None and registry_agency_id != agency.registry_agency_id:
        # The signed MOA's agreement in the registry belongs to the agency linked now; relinked, the registry's
        # lists would credit the MOA to the agency it was not signed by.
        raise Conflict(
            f"this agency's signed {signed.model} MOA {signed.id} is recorded in the registry under agency {agency.registry_agency_id}: "
            "an agency with a signed MOA cannot be relinked or unlinked"
        )
    link_rule = RULE_BY_HAND if registry_agency_id is not None else RULE_UNLINKED_BY_HAND
    if (agency.registry_agency_id, agency.link_rule) == (registry_agency_id, link_rule):
        return AgencyInfo.of(agency)  # linked so already: no change, no event
    before = fields_of(agency)
    agency.registry_agency_id, agency.link_rule = registry_agency_id, link_rule
    session.flush()
    audit.record(session, actor, "agency.link", "applicant_agency", agency.id, before=before, after=fields_of(agency))
    return AgencyInfo.of(agency)


def ensure_registry_agency(session: Session, agency: ApplicantAgency) -> int:
    """The registry agency of an applicant agency, creating it (with its name, as a publication would) when
    neither a link nor a published name of the same key exists. Returns agencies.id."""
    if agency.registry_agency_id is not None:
        return agency.registry_agency_id
    conn = session.connection()
    found = same_key_agency(conn, agency.state_usps, agency.name)
    if found is not None and agency.link_rule == RULE_UNLINKED_BY_HAND:
        # The registry keeps one agency per name in a state: the MOA would be credited to the agency the program
        # office said this one is not. The office decides which registry agency it is (perhaps that one after all).
        raise Conflict(
            f"this agency was unlinked by a program officer from the registry's agency {found}, which ICE lists under the same name in "
            f"{agency.state_usps}: link it by hand to its registry agency before recording its signed MOA"
        )
    if found is not None:
        agency.registry_agency_id, agency.link_rule = found, RULE_SAME_KEY
    else:
        name_ids, _created = resolve_names(conn, {(agency.state_usps, agency.name): NameFacts(agency.agency_type, agency.county_text)})
        agency.registry_agency_id = agency_ids_of_names(conn, set(name_ids.values()))[name_ids[(agency.state_usps, agency.name)]]
        agency.link_rule = RULE_RECORDED
    session.flush()
    return agency.registry_agency_id


def agreement_source(session: Session, agreement: Agreement) -> str:
    """Whose record a registry agreement is, as the agency's public page says it (g287.history.agency): "ICE" when
    ICE published it, or its lists have listed it since it was created here; else "this registry"."""
    if agreement.origin == "ice":
        return "ICE"
    listed = (
        select(ListingRun.id)
        .join(RawRow, RawRow.id == ListingRun.raw_row_id)
        .join(AgencyName, AgencyName.id == RawRow.agency_name_id)
        .where(AgencyName.agency_id == agreement.agency_id, RawRow.model == agreement.model, ListingRun.series.in_([series_of("ice", kind) for kind in ("participating", "pending")]))
        .limit(1)
    )
    return "ICE" if session.scalars(listed).first() is not None else "this registry"


# Columns of the tables the plain statements below use (Core, not ORM attributes: see g287.db.plain).
_applicant_agencies = ApplicantAgency.__table__.c

_UNLINKED = plain(
    select(_applicant_agencies.id, _applicant_agencies.state_usps, _applicant_agencies.name).where(
        _applicant_agencies.registry_agency_id.is_(None), _applicant_agencies.link_rule.is_distinct_from(RULE_UNLINKED_BY_HAND)
    )
)


def link_published_names(conn: Connection) -> int:
    """Link unlinked applicant agencies to registry agencies that a publication now names (same state and key), except
    those a program officer unlinked (RULE_UNLINKED_BY_HAND). Runs inside every ingest (see the processor); each link is written to the audit log as the system's."""
    unlinked = _UNLINKED.rows(conn)
    linked = 0
    for agency_id, state, name in unlinked:
        found = same_key_agency(conn, state, name)
        if found is None:
            continue
        conn.execute(ApplicantAgency.__table__.update().where(ApplicantAgency.id == agency_id).values(registry_agency_id=found, link_rule=RULE_SAME_KEY))
        conn.execute(
            insert(AuditEvent).values(
                at=dt.datetime.now(dt.timezone.utc),
                actor="system",
                action="agency.link",
                object_type="applicant_agency",
                object_id=str(agency_id),
                before={"registry_agency_id": None},
                after={"registry_agency_id": found, "link_rule": RULE_SAME_KEY},
            )
        )
        linked += 1
    return linked
