"""Read services shared by the site, the API, the exports and the command line.

Everything here answers "as of a date" from the publications in force on that date (see publications.in_force),
and every result carries the publication it comes from. Values are those the publication listed (a signed date
as that list gave it), not the agreements' current values, so a page for an old date shows what was published
then.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from g287.db.models.audit import AuditEvent
from g287.db.models.registry import Agency, AgencyName, Agreement, ListingRun, Publication, RawRow, series_of
from g287.errors import NotFound
from g287.registry import runs
from g287.registry.figures import AGENCY_TYPES, MODELS
from g287.registry.names import agency_key
from g287.registry.publications import in_force, list_publications
from g287.sources.rules import states

STATUSES = ("participating", "pending", "listed", "all")
_COUNTY_SUFFIX = re.compile(r"\s+(county|parish|borough|census area|city and borough|municipality)$")


def county_key(text: str | None) -> str | None:
    """One key for the spellings of a county name in ICE's COUNTY column ("Brevard County", "BREVARD"),
    used to group and filter listings by the county the list names; matching to FIPS codes is geography's."""
    if not text:
        return None
    key = _COUNTY_SUFFIX.sub("", agency_key(text)).strip()
    return key.replace(" ", "-") or None


@dataclass(frozen=True)
class Filters:
    """Which listings to keep; None keeps everything."""

    state: str | None = None  # USPS code
    county: str | None = None  # county_key
    model: str | None = None
    agency_type: str | None = None

    def keep(self, listing: "Listing") -> bool:
        return (
            (self.state is None or listing.state == self.state)
            and (self.county is None or county_key(listing.county) == self.county)
            and (self.model is None or listing.model == self.model)
            and (self.agency_type is None or listing.agency_type == self.agency_type)
        )

    def describe(self) -> str:
        parts = []
        if self.state:
            parts.append(f"state {self.state}")
        if self.county:
            parts.append(f"county {self.county}")
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
    rows.sort(key=lambda r: (r.state or "~", (r.agency_name or "").lower(), r.model or "", r.raw_row_id, r.occurrence))
    return rows


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
        "states": len({r.state for r in rows if r.state}),
        "by_model": by_model,
        "by_agency_type": by_type,
    }


@dataclass(frozen=True)
class InForce:
    """The publications in force on a date."""

    as_of: dt.date
    participating: Publication | None
    pending: Publication | None


def publications_in_force(session: Session, as_of: dt.date | None = None) -> InForce:
    return InForce(as_of or dt.date.today(), in_force(session, "participating", as_of), in_force(session, "pending", as_of))


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
    ids = {(agency_id, model): agreement_id for agreement_id, agency_id, model in session.execute(select(Agreement.id, Agreement.agency_id, Agreement.model))}
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
        query = (
            select(Agreement, Agency)
            .join(Agency, Agency.id == Agreement.agency_id)
            .where(Agreement.origin == "ice")
        )
        for agreement, agency in session.execute(query):
            key = (agency.id, agreement.model)
            if key in result:
                continue
            candidate = AgreementRow(
                agreement.id, agency.id, agency.name, agency.state_usps, agency.agency_type, agency.county_text, agreement.model,
                "not listed", None, None, None, 0, None,
            )
            if filters is None or filters.keep(_as_listing(candidate)):
                result[key] = candidate
    return sorted(result.values(), key=lambda a: (a.state or "~", a.agency_name.lower(), a.agency_id, MODELS.index(a.model) if a.model in MODELS else 9))


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


@dataclass(frozen=True)
class ListingPeriod:
    """A run of consecutive publications of one list in which the same row was listed unchanged."""

    kind: str
    agency_name: str
    model: str | None
    signed_on: dt.date | None
    county: str | None
    moa_url: str | None
    first: Publication
    last: Publication
    publications: int
    latest: bool  # the last publication of its list lists it


@dataclass(frozen=True)
class NameRecord:
    name: str
    state: str | None
    rule: str
    confidence: float


@dataclass
class AgencyRecord:
    agency: Agency
    names: list[NameRecord]
    agreements: list[Agreement]
    periods: list[ListingPeriod]


def agency_record(session: Session, agency_id: int) -> AgencyRecord:
    """An agency, every name it was published under (with the rule that attached it), its agreements, and every
    listing of it: the runs of publications of each list that listed each of its rows."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"no agency with id {agency_id}")
    names = list(session.scalars(select(AgencyName).where(AgencyName.agency_id == agency_id).order_by(AgencyName.id)))
    agreements = list(session.scalars(select(Agreement).where(Agreement.agency_id == agency_id).order_by(Agreement.model)))
    by_series_seq = {(p.series, p.seq): p for p in list_publications(session)}
    last_seq: dict[str, int] = {}
    for series, seq in by_series_seq:
        last_seq[series] = max(last_seq.get(series, 0), seq)
    name_of = {n.id: n.name for n in names}
    periods = []
    if name_of:
        query = (
            select(ListingRun.series, ListingRun.first_seq, ListingRun.last_seq, RawRow)
            .join(RawRow, RawRow.id == ListingRun.raw_row_id)
            .where(RawRow.agency_name_id.in_(list(name_of)))
        )
        for series, first_seq, last, raw in session.execute(query):
            first_pub, last_pub = by_series_seq.get((series, first_seq)), by_series_seq.get((series, last))
            if first_pub is None or last_pub is None:
                continue
            periods.append(
                ListingPeriod(
                    first_pub.kind, name_of[raw.agency_name_id], raw.model, raw.signed_on, raw.county_text, raw.moa_url,
                    first_pub, last_pub, last - first_seq + 1, last == last_seq.get(series),
                )
            )
    periods.sort(key=lambda p: (p.first.published_on, p.kind, p.model or "", p.first.seq))
    return AgencyRecord(
        agency,
        [NameRecord(n.name, n.state_usps, n.rule, n.confidence) for n in names],
        agreements,
        periods,
    )


def figures_by_publication(session: Session, kind: str = "participating", filters: Filters | None = None, origin: str = "ice") -> list[dict]:
    """The figures of every publication of a list, in publication order (for trends): one pass over the runs."""
    publications = list_publications(session, kind, origin)
    if not publications:
        return []
    series = series_of(origin, kind)
    query = (
        select(ListingRun.first_seq, ListingRun.last_seq, RawRow.state_usps, AgencyName.agency_id, RawRow.model, RawRow.agency_type, RawRow.county_text)
        .join(RawRow, RawRow.id == ListingRun.raw_row_id)
        .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
        .where(ListingRun.series == series)
    )
    rows = []
    for first, last, state, agency_id, model, agency_type, county in session.execute(query):
        listing = Listing(0, 0, agency_id, None, state, agency_type, county, model, None, None, None, None)
        if filters is None or filters.keep(listing):
            rows.append((first, last, listing))
    result = []
    for publication in publications:
        covered = [listing for first, last, listing in rows if first <= publication.seq <= last]
        counts = figures_of(covered)
        result.append({"publication_id": publication.id, "publication": publication.file_name, "published": publication.published_on.isoformat(), "half": publication.half, **counts})
    return result


def state_figures(session: Session, publication: Publication | None) -> dict[str, dict]:
    """Per state (USPS code): figures of a publication's listings in that state."""
    if publication is None:
        return {}
    grouped: dict[str, list[Listing]] = defaultdict(list)
    for row in listings(session, publication):
        if row.state:
            grouped[row.state].append(row)
    return {state: figures_of(rows) for state, rows in grouped.items()}


def state_name(usps: str) -> str | None:
    return next((s.name for s in states() if s.usps == usps), None)


def counties_listed(rows: list[Listing]) -> list[dict]:
    """The counties a set of listings names (as ICE's COUNTY column gives them), with counts."""
    grouped: dict[tuple[str, str], list[Listing]] = defaultdict(list)
    names: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in rows:
        key = county_key(row.county)
        if key and row.state:
            grouped[(row.state, key)].append(row)
            names[(row.state, key)][row.county] += 1
    return [
        {"state": state, "key": key, "name": names[(state, key)].most_common(1)[0][0], **figures_of(items)}
        for (state, key), items in sorted(grouped.items())
    ]


@dataclass(frozen=True)
class DataVersion:
    """What changes when the data changes: every change writes an audit event (see g287.audit), and every
    publication records when it was imported."""

    token: str
    modified_at: dt.datetime | None


def data_version(session: Session) -> DataVersion:
    events, last_event_at = session.execute(select(func.max(AuditEvent.id), func.max(AuditEvent.at))).one()
    publications, last_import = session.execute(select(func.count(Publication.id), func.max(Publication.imported_at))).one()
    stamps = [s if s is None or s.tzinfo else s.replace(tzinfo=dt.timezone.utc) for s in (last_event_at, last_import)]
    modified = max((s for s in stamps if s is not None), default=None)
    return DataVersion(f"{events or 0}.{publications}.{modified.timestamp() if modified else 0}", modified)


def row_changes(session: Session, publication: Publication, filters: Filters | None = None) -> tuple[list[Listing], list[Listing]]:
    """Source rows listed by this publication and not by the one before it in its series, and the reverse.

    This compares rows exactly as published (a corrected date is a row removed and a row added); the history
    module interprets them as agencies added, ended or renamed."""
    if publication.seq <= 1:
        return [], []
    columns = (
        RawRow.id, ListingRun.occurrence, AgencyName.agency_id, AgencyName.name, RawRow.state_usps, RawRow.agency_type,
        RawRow.county_text, RawRow.model, RawRow.signed_on, RawRow.moa_status, RawRow.moa_url, RawRow.addendum_url,
    )

    def query(condition):
        statement = (
            select(*columns)
            .select_from(ListingRun)
            .join(RawRow, RawRow.id == ListingRun.raw_row_id)
            .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
            .where(ListingRun.series == publication.series, condition)
        )
        rows = [Listing(*row) for row in session.execute(statement)]
        rows = [r for r in rows if filters is None or filters.keep(r)]
        return sorted(rows, key=lambda r: (r.state or "~", (r.agency_name or "").lower(), r.model or ""))

    return query(ListingRun.first_seq == publication.seq), query(ListingRun.last_seq == publication.seq - 1)
