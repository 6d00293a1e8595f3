"""Read services shared by the site, the API, the exports and the command line.

Everything here answers "as of a date" from the publications in force on that date (see publications.in_force),
and every result carries the publication it comes from. Values are those the publication listed (a signed date
as that list gave it), not the agreements' current values, so a page for an old date shows what was published
then.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from g287 import days
from g287.config import DATA_DIR
from g287.db.models.audit import AuditEvent
from g287.db.models.program import Application
from g287.db.models.registry import Agency, AgencyName, Agreement, ListingRun, Publication, RawRow, series_of
from g287.db.times import as_utc
from g287.errors import NotFound
from g287.geo import reference
from g287.geo.matching import AMBIGUOUS, match_county, tokens_of
from g287.geo.store import county_facts
from g287.registry import runs
from g287.registry.figures import AGENCY_TYPES, MODELS, states_and_territories
from g287.registry.publications import in_force, list_publications
from g287.wording import quoted
from g287.sources.rules import states

STATUSES = ("participating", "pending", "listed", "all")
_COUNTY_SUFFIX = re.compile(r"\s+(county|parish|borough|census area|city and borough|municipality)$")


def county_key(text: str | None) -> str | None:
    """One key for the spellings of a county name in ICE's COUNTY column ("Brevard County", "BREVARD"),
    used to group and filter listings by the county the list names; matching to FIPS codes is geography's. Words
    are read as county matching reads them (g287/data/geo/matching.toml: "Saint Lucie" = "St. Lucie")."""
    if not text:
        return None
    key = _COUNTY_SUFFIX.sub("", " ".join(tokens_of(text))).strip()
    return key.replace(" ", "-") or None


def same_county_key(one: str | None, other: str | None) -> bool:
    """Whether two county keys name one county text up to spacing ("De Kalb" = "DeKalb", "La Salle" = "LaSalle"),
    as county matching compares them; the keys keep their hyphens for the names of the downloads."""
    return one is not None and other is not None and one.replace("-", "") == other.replace("-", "")


def county_filter(text: str | None, state: str | None = None) -> dict:
    """A county as a user gives it: a FIPS code (five digits: the listings located in that county); with a state, a
    name that county matching reads as one county of it (the same listings, as the county's page shows them:
    "Franklin County" in AL also finds the row that spells it "Frankin County"); else a name as ICE's COUNTY column
    gives it (the listings whose COUNTY text has that key, in any state). Keyword arguments for Filters."""
    if not text or not text.strip():
        return {}
    value = text.strip()
    if value.isdigit() and len(value) == 5:
        return {"fips": value}
    if state:
        matched = match_county(state, value)
        if matched.fips is not None:
            return {"fips": matched.fips}
    return {"county": county_key(value)}


def county_filter_problem(text: str | None, state: str | None = None) -> str | None:
    """Why a county given selects no county: a number that is no county's FIPS code (`1209` for 12009, `99999`); a
    FIPS code of another state's county; with a state, a name that names several ("Richmond" in Virginia, the county
    or the city). Each answered an empty list, read as "no agreement in this county" (a number was read as ICE's
    COUNTY text, which is never a number), or, for a name, one of the counties and the rows written so, with nothing
    to say the name was ambiguous; the caller refuses it, naming the counties (their FIPS codes select each)."""
    value = (text or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        try:
            found = reference.county(value)  # its NotFound names the code with its leading zero back (1209: 01209?)
        except NotFound as error:
            return f"{error}: give a county's five-digit FIPS code, or its name with the state"
        if state and found.usps != state.strip().upper():
            # A county of another state: no listing can be both.
            return f"{quoted(value)} is {found.label()}, not a county of {state.strip().upper()}: give a county of that state, or leave out the state"
        return None
    if not state:
        return None
    matched = match_county(state, value)
    if matched.status != AMBIGUOUS:
        return None
    return f"{matched.problem}: give one of them by its name or FIPS code"


def county_name_problem(session: Session, text: str | None, state: str | None) -> str | None:
    """Why a county name given with a state selects nothing: county matching reads it as no county of the state
    ("Brevardd", FL), and no listing or agency of the state has it for ICE's COUNTY text as published (compared as
    the filter compares them: case, spacing, Saint/St. and the designation set aside). Read as that text, it answered
    an empty list, read as "no agreement in this county"; the caller refuses it. A text of ICE's that matching
    cannot read (a misspelling not yet fixed) still selects its listings, and a county with no agreement is an empty
    list. Without a state a name is ICE's COUNTY text in any state, not a county (the same name is a county of
    several states): it is not checked, and an empty answer means no listing gives that text."""
    value = (text or "").strip()
    if not value or not state or (value.isascii() and value.isdigit()):
        return None  # numbers: county_filter_problem
    usps = state.strip().upper()
    matched = match_county(usps, value)
    key = county_key(value)
    if matched.fips is not None or matched.status == AMBIGUOUS or key is None:
        return None  # a county (or several, refused by county_filter_problem)
    published = session.scalars(select(RawRow.county_text).where(RawRow.state_usps == usps, RawRow.county_text.is_not(None)).distinct())
    recorded = session.scalars(select(Agency.county_text).where(Agency.state_usps == usps, Agency.county_text.is_not(None)).distinct())
    if any(same_county_key(county_key(given), key) for given in {*published, *recorded}):
        return None
    return f"no county named {quoted(value)} in {usps}, and no listing of {usps} gives it as its county: give a county of {usps} by its name or FIPS code"


@dataclass(frozen=True)
class Filters:
    """Which listings to keep; None keeps everything."""

    state: str | None = None  # USPS code
    county: str | None = None  # county_key
    model: str | None = None
    agency_type: str | None = None
    fips: str | None = None  # a county's FIPS code: listings located in it (see located_in), checked apart

    def keep(self, listing: "Listing") -> bool:
        """Whether a listing passes the filters that its own values decide (all but `fips`)."""
        return (
            (self.state is None or listing.state == self.state)
            and (self.county is None or same_county_key(county_key(listing.county), self.county))
            and (self.model is None or listing.model == self.model)
            and (self.agency_type is None or listing.agency_type == self.agency_type)
        )

    def describe(self) -> str:
        parts = []
        if self.state:
            parts.append(f"state {self.state}")
        if self.county:
            parts.append(f"county {self.county}")
        if self.fips:
            parts.append(f"county FIPS {self.fips}")
        if self.model:
            parts.append(f"model {self.model}")
        if self.agency_type:
            parts.append(f"type {self.agency_type}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Listing:
    """One row of a publication that is a listing, with what it says."""

    raw_row_id: int
    occurrence: int
    agency_id: int | None
    agency_name: str | None  # as this row published it
    state: str | None
    agency_type: str | None
    county: str | None
    model: str | None
    signed_on: dt.date | None
    moa_status: str | None
    moa_url: str | None
    addendum_url: str | None


def listings(session: Session, publication: Publication, filters: Filters | None = None) -> list[Listing]:
    """Every listing of a publication (duplicates included, as ICE counts rows), sorted by state and name."""
    query = (
        select(
            RawRow.id, ListingRun.occurrence, AgencyName.agency_id, AgencyName.name, RawRow.state_usps, RawRow.agency_type,
            RawRow.county_text, RawRow.model, RawRow.signed_on, RawRow.moa_status, RawRow.moa_url, RawRow.addendum_url,
        )
        .select_from(ListingRun)
        .join(RawRow, RawRow.id == ListingRun.raw_row_id)
        .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
        .where(runs.covering(publication.series, publication.seq))
    )
    rows = [Listing(*row) for row in session.execute(query)]
    if filters:
        rows = [r for r in rows if filters.keep(r)]
        rows = located_in(session, rows, filters.fips)
    rows.sort(key=lambda r: (r.state or "~", (r.agency_name or "").lower(), r.model or "", r.raw_row_id, r.occurrence))
    return rows


def inside(county: reference.County, matched_fips: str | None) -> bool:
    """Whether a listing matched to `matched_fips` lies in `county`: the same code, or a county of another
    vintage that `county` wholly contains (Chugach Census Area lies in Valdez-Cordova Census Area)."""
    if not matched_fips:
        return False
    return matched_fips == county.fips or any(reference.in_vintage(matched_fips, v) == county.fips for v in county.vintages)


def located_in(session: Session, rows: list, fips: str | None) -> list:
    """The listings (anything with a raw_row_id) located in the county `fips` by county matching; all of them
    when `fips` is None. Listings without a matched county are never placed by guessing."""
    if fips is None:
        return rows
    county = reference.county(fips)
    facts = county_facts(session, [r.raw_row_id for r in rows])
    return [r for r in rows if inside(county, facts.get(r.raw_row_id, (None, None))[1])]


def figures_of(rows: list[Listing]) -> dict:
    """Counts of a set of listings: rows (MOAs as ICE counts them), agencies, states, by model and type."""
    models = Counter(r.model for r in rows)
    types = Counter(r.agency_type for r in rows)
    by_model = {m: models.get(m, 0) for m in MODELS}
    if models.get(None):
        by_model["unknown"] = models[None]
    by_type = {t: types.get(t, 0) for t in AGENCY_TYPES}
    if types.get(None):
        by_type["unknown"] = types[None]
    return {
        "rows": len(rows),
        "agencies": len({r.agency_id for r in rows if r.agency_id is not None}),
        **states_and_territories(r.state for r in rows),
        "by_model": by_model,
        "by_agency_type": by_type,
    }


@dataclass(frozen=True)
class InForce:
    """The publications in force on a date."""

    as_of: dt.date
    participating: Publication | None
    pending: Publication | None
    # The kinds whose list in force is the newest this registry holds of its kind: after it, ICE may have published
    # lists the registry does not hold (a page on a later date says so).
    newest: frozenset[str] = frozenset(("participating", "pending"))

    def is_newest(self, kind: str) -> bool:
        return kind in self.newest


def publications_in_force(session: Session, as_of: dt.date | None = None) -> InForce:
    chosen = {kind: in_force(session, kind, as_of) for kind in ("participating", "pending")}
    if as_of is None:
        newest = frozenset(chosen)
    else:
        newest = frozenset(kind for kind, publication in chosen.items() if publication is not None and _id_of(in_force(session, kind, None)) == publication.id)
    return InForce(as_of or days.today(), chosen["participating"], chosen["pending"], newest)


def _id_of(publication: Publication | None) -> int | None:
    return None if publication is None else publication.id


@dataclass
class AgreementRow:
    """An agreement (agency x model) as the lists in force on a date show it."""

    id: int
    agency_id: int
    agency_name: str
    state: str | None
    agency_type: str | None
    county: str | None
    model: str
    status: str  # participating | pending | not listed
    signed_on: dt.date | None
    moa_url: str | None
    addendum_url: str | None
    rows: int  # rows of the list that show it (more than 1: a duplicate listing)
    publication_id: int | None


@dataclass
class AgencyRow:
    id: int
    name: str
    state: str | None
    agency_type: str | None
    county: str | None
    status: str  # participating | pending | participating and pending | not listed
    agreements: list[AgreementRow] = field(default_factory=list)

    @property
    def models(self) -> list[str]:
        return [a.model for a in self.agreements if a.status == "participating"]

    @property
    def pending_models(self) -> list[str]:
        return [a.model for a in self.agreements if a.status == "pending"]


def agreements_as_of(session: Session, force: InForce, filters: Filters | None = None, status: str = "participating") -> list[AgreementRow]:
    """Agreements listed by the lists in force (status participating, pending, listed = either), or every
    agreement known to the registry with its status on that date (status all)."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    # Agreements absorbed by an identity merge point to their survivor (merged_into_id): each agreement counts once.
    live = select(Agreement.id, Agreement.agency_id, Agreement.model).where(Agreement.merged_into_id.is_(None))
    ids = {(agency_id, model): agreement_id for agreement_id, agency_id, model in session.execute(live)}
    result: dict[tuple[int, str], AgreementRow] = {}
    chosen = []
    if status in ("participating", "listed", "all") and force.participating:
        chosen.append(("participating", force.participating))
    if status in ("pending", "listed", "all") and force.pending:
        chosen.append(("pending", force.pending))
    for list_status, publication in chosen:
        for row in listings(session, publication, filters):
            if row.agency_id is None or row.model is None:
                continue  # counted in the figures as unknown; not an agreement (see the quality register)
            key = (row.agency_id, row.model)
            if key in result:
                if result[key].status == list_status:
                    result[key].rows += 1
                continue  # an agreement both signed and still pending: the participating listing wins
            result[key] = AgreementRow(
                ids[key], row.agency_id, row.agency_name or "", row.state, row.agency_type, row.county, row.model, list_status,
                row.signed_on, row.moa_url, row.addendum_url, 1, publication.id,
            )
    if status == "all":
        known = _agreements_listed_by_then(session, force)
        query = (
            select(Agreement, Agency)
            .join(Agency, Agency.id == Agreement.agency_id)
            .where(Agreement.origin == "ice", Agreement.merged_into_id.is_(None), Agency.merged_into_id.is_(None))
        )
        candidates = []
        for agreement, agency in session.execute(query):
            key = (agency.id, agreement.model)
            if key in result or key not in known:
                continue
            candidate = AgreementRow(
                agreement.id, agency.id, agency.name, agency.state_usps, agency.agency_type, agency.county_text, agreement.model,
                "not listed", None, None, None, 0, None,
            )
            if filters is None or filters.keep(_as_listing(candidate)):
                candidates.append(candidate)
        if filters is not None and filters.fips is not None:
            from g287.registry.counties import agency_county_fips

            county = reference.county(filters.fips)
            where = agency_county_fips(session, sorted({c.agency_id for c in candidates}))
            candidates = [c for c in candidates if inside(county, where[c.agency_id])]
        for candidate in candidates:
            result[(candidate.agency_id, candidate.model)] = candidate
    return sorted(result.values(), key=lambda a: (a.state or "~", a.agency_name.lower(), a.agency_id, MODELS.index(a.model) if a.model in MODELS else 9))


def _agreements_listed_by_then(session: Session, force: InForce) -> set[tuple[int, str]]:
    """(agency id, model) of the agreements ICE's lists had listed by the date: those listed by the lists in force
    or by an earlier list of theirs. An agreement first listed later was not known then (status all)."""
    known: set[tuple[int, str]] = set()
    for publication in (force.participating, force.pending):
        if publication is None:
            continue
        query = (
            select(AgencyName.agency_id, RawRow.model)
            .distinct()
            .select_from(ListingRun)
            .join(RawRow, RawRow.id == ListingRun.raw_row_id)
            .join(AgencyName, AgencyName.id == RawRow.agency_name_id)
            .where(ListingRun.series == publication.series, ListingRun.first_seq <= publication.seq)
        )
        known.update((agency_id, model) for agency_id, model in session.execute(query) if agency_id is not None and model)
    return known


def _as_listing(a: AgreementRow) -> Listing:
    return Listing(0, 0, a.agency_id, a.agency_name, a.state, a.agency_type, a.county, a.model, None, None, None, None)


def agencies_as_of(session: Session, force: InForce, filters: Filters | None = None, status: str = "participating") -> list[AgencyRow]:
    """Agencies with their agreements on a date (the same statuses as agreements_as_of)."""
    agencies: dict[int, AgencyRow] = {}
    for agreement in agreements_as_of(session, force, filters, status):
        agency = agencies.get(agreement.agency_id)
        if agency is None:
            agency = agencies[agreement.agency_id] = AgencyRow(
                agreement.agency_id, agreement.agency_name, agreement.state, agreement.agency_type, agreement.county, "", []
            )
        agency.agreements.append(agreement)
    for agency in agencies.values():
        statuses = {a.status for a in agency.agreements}
        if statuses >= {"participating", "pending"}:
            agency.status = "participating and pending"
        elif "participating" in statuses:
            agency.status = "participating"
        elif "pending" in statuses:
            agency.status = "pending"
        else:
            agency.status = "not listed"
    return sorted(agencies.values(), key=lambda a: (a.state or "~", a.name.lower(), a.id))


def figures_by_publication(session: Session, kind: str = "participating", filters: Filters | None = None, origin: str = "ice") -> list[dict]:
    """The figures of every publication of a list, in publication order (for trends): one pass over the runs."""
    publications = list_publications(session, kind, origin)
    if not publications:
        return []
    series = series_of(origin, kind)
    query = (
        select(ListingRun.first_seq, ListingRun.last_seq, RawRow.id, RawRow.state_usps, AgencyName.agency_id, RawRow.model, RawRow.agency_type, RawRow.county_text)
        .join(RawRow, RawRow.id == ListingRun.raw_row_id)
        .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
        .where(ListingRun.series == series)
    )
    rows = []
    for first, last, raw_id, state, agency_id, model, agency_type, county in session.execute(query):
        listing = Listing(raw_id, 0, agency_id, None, state, agency_type, county, model, None, None, None, None)
        if filters is None or filters.keep(listing):
            rows.append((first, last, listing))
    if filters is not None and filters.fips is not None:
        kept = {id(x) for x in located_in(session, [x for _f, _l, x in rows], filters.fips)}
        rows = [r for r in rows if id(r[2]) in kept]
    result = []
    for publication in publications:
        covered = [listing for first, last, listing in rows if first <= publication.seq <= last]
        counts = figures_of(covered)
        result.append({"publication_id": publication.id, "publication": publication.file_name, "published": publication.published_on.isoformat(), "half": publication.half, **counts})
    return result


def state_figures(session: Session, publication: Publication | None, filters: Filters | None = None) -> dict[str, dict]:
    """Per state (USPS code): figures of a publication's listings in that state (those `filters` keep)."""
    if publication is None:
        return {}
    grouped: dict[str, list[Listing]] = defaultdict(list)
    for row in listings(session, publication, filters):
        if row.state:
            grouped[row.state].append(row)
    return {state: figures_of(rows) for state, rows in grouped.items()}


def state_name(usps: str) -> str | None:
    return next((s.name for s in states() if s.usps == usps), None)


@dataclass(frozen=True)
class AuditActions:
    """Which audit events are of changes the public sees (g287/data/rules/audit_actions.toml, with each one's reason)."""

    private: frozenset[str]  # no public response reads what they changed
    public: frozenset[str]
    public_fields: dict[str, tuple[str, ...]]  # public when one of these fields differs before and after
    read_through_applications: frozenset[str] = frozenset()  # of an applicant agency: public once it has a letter


@lru_cache(maxsize=1)
def audit_actions() -> AuditActions:
    with open(DATA_DIR / "rules" / "audit_actions.toml", "rb") as handle:
        rules = tomllib.load(handle)
    return AuditActions(
        frozenset(rules["private"]),
        frozenset(rules["public"]),
        {action: tuple(fields) for action, fields in rules["public_fields"].items()},
        frozenset(rules["read_through_applications"]["actions"]),
    )


def _of_a_public_change():
    """The condition of an audit event of a change the public sees: not of a private action, and, for an action public
    by some of its fields (an applicant agency's update), one that changed one of those (its address alone: none);
    for an action on an applicant agency that the public reads only through its letters, one of an agency that has
    one (asked now: the letter that makes a change public is itself a later public event)."""
    rules = audit_actions()
    conditions = [AuditEvent.action.not_in(sorted(rules.private))]
    for action, fields in rules.public_fields.items():
        changed = [AuditEvent.before[name].as_string().is_distinct_from(AuditEvent.after[name].as_string()) for name in fields]
        conditions.append(or_(AuditEvent.action != action, *changed))
    if rules.read_through_applications:
        with_a_letter = exists().where(cast(Application.agency_id, String) == AuditEvent.object_id)
        conditions.append(or_(AuditEvent.action.not_in(sorted(rules.read_through_applications)), AuditEvent.object_type != "applicant_agency", with_a_letter))
    return and_(*conditions)


@dataclass(frozen=True)
class DataVersion:
    """What changes when the public data changes: every change writes an audit event (see g287.audit; the events of
    private changes, which no public page shows, are left out: audit_actions), and every publication records when it
    was imported."""

    token: str
    modified_at: dt.datetime | None


def data_version(session: Session) -> DataVersion:
    # Sign-ins, account changes, drafts, an agency's address and changes to nominees (their facts, background results,
    # training, certification) show on no public page: they must not empty the site's cache, change ETags, nor move
    # the Last-Modified of every public response, which would tell anyone the moment each of them happened.
    latest = session.execute(select(AuditEvent.id, AuditEvent.at).where(_of_a_public_change()).order_by(AuditEvent.id.desc()).limit(1)).first()
    events, last_event_at = latest if latest is not None else (None, None)
    publications, last_import = session.execute(select(func.count(Publication.id), func.max(Publication.imported_at))).one()
    stamps = [as_utc(s) for s in (last_event_at, last_import) if s is not None]
    modified = max(stamps, default=None)
    return DataVersion(f"{events or 0}.{publications}.{modified.timestamp() if modified else 0}", modified)


def list_changes(session: Session, older: Publication | None, newer: Publication, filters: Filters | None = None) -> dict:
    """Agreements (agency x model) listed by `newer` and not by `older`, and the reverse: what changed between two
    publications of one list, agency by agency (a duplicate row is one agreement; a corrected row is no change).
    History's diff says more for participating lists (renames, signed dates, ends); this serves any list."""

    def keyed(publication):
        return {(r.agency_id, r.model): r for r in listings(session, publication, filters) if r.agency_id is not None and r.model}

    before = keyed(older) if older is not None else {}
    after = keyed(newer)

    def describe(row: Listing) -> dict:
        return {"state": row.state, "agency": row.agency_name, "agency_id": row.agency_id, "model": row.model}

    order = lambda row: (row.state or "~", (row.agency_name or "").lower(), row.model)  # noqa: E731
    return {
        "added": [describe(r) for r in sorted((after[k] for k in after.keys() - before.keys()), key=order)],
        "removed": [describe(r) for r in sorted((before[k] for k in before.keys() - after.keys()), key=order)],
    }
