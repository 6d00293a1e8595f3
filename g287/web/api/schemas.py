"""The API's response models: each resource is declared once, and the OpenAPI document is generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Optional

from pydantic import BaseModel, Field

from g287.web.params import choice


Model = Literal["JEM", "TFM", "WSO"]
# The parameters that take one of a few values (g287.web.params.choice: a value not taken is refused in words).
AgencyType = choice("an agency type", "county", "municipality", "state_agency", "other")
Status = choice("a status", "participating", "pending", "listed", "all")
Kind = choice("a list", "participating", "pending")
QualityCategory = choice("a category", "not_a_listing", "duplicate", "repaired", "unknown", "note")
Origin = choice("an origin", "ice", "registry")


class PublicationRef(BaseModel):
    """The publication a figure comes from."""

    id: int
    kind: str
    file: str
    published: dt.date
    half: Optional[str]
    source: str = Field(description="ICE, or this registry for its own lists")


class ReplacedList(BaseModel):
    publication: str
    publication_id: int
    published: str
    half: Optional[str]
    source: str


class ReplacedParticipating(ReplacedList):
    moas: int = Field(description="Its rows, as ICE counts MOAs")


class ReplacedPending(ReplacedList):
    listings: int


STATES = "Distinct states named by the rows: the 50 states and DC (the territories are counted apart, under territories)"
TERRITORIES = "Distinct territories (Puerto Rico, Guam, ...) named by the rows, counted apart from the states"
REPLACED = "The lists of the same date and half published before this one, which it replaced that half-day (none: empty)"


class ParticipatingFigures(BaseModel):
    publication: str
    publication_id: int
    published: str
    half: Optional[str]
    source: str
    moas: int = Field(description="Rows of the participating list, as ICE counts MOAs (duplicates included)")
    states: int = Field(description=STATES)
    territories: int = Field(description=TERRITORIES)
    agencies: int
    by_model: dict[str, int]
    by_agency_type: dict[str, int]
    unknown_state: int
    unknown_agency: int
    replaced: list[ReplacedParticipating] = Field(default_factory=list, description=REPLACED)


class PendingFigures(BaseModel):
    publication: str
    publication_id: int
    published: str
    half: Optional[str]
    source: str
    listings: int
    states: int = Field(description=STATES)
    territories: int = Field(description=TERRITORIES)
    agencies: int
    by_model: dict[str, int]
    replaced: list[ReplacedPending] = Field(default_factory=list, description=REPLACED)


class Stats(BaseModel):
    """The same shape as `g287 stats --json`."""

    as_of: str
    origin: str = Field(description="Whose lists the figures are of: ice (ICE's; the API's) or registry (this registry's own)")
    participating: Optional[ParticipatingFigures]
    pending: Optional[PendingFigures]


class Agreement(BaseModel):
    id: int = Field(description="Stable within this database")
    agency_id: int
    agency_name: str = Field(description="As the list in force names the agency")
    state: Optional[str]
    agency_type: Optional[str]
    county: Optional[str] = Field(description="As ICE's COUNTY column gives it")
    model: str
    status: Literal["participating", "pending", "not listed"]
    signed: Optional[dt.date] = Field(description="As the list in force gives it")
    moa_url: Optional[str]
    addendum_url: Optional[str]
    rows: int = Field(description="Rows of the list showing this agreement (2 or more: a duplicate listing)")
    publication_id: Optional[int]


class AgreementPage(BaseModel):
    as_of: dt.date
    participating_publication: Optional[PublicationRef]
    pending_publication: Optional[PublicationRef]
    total: int
    limit: int
    offset: int
    items: list[Agreement]


class AgencyAgreement(BaseModel):
    id: int
    model: str
    status: str
    signed: Optional[dt.date]
    moa_url: Optional[str]


class Agency(BaseModel):
    id: int = Field(description="Stable within this database")
    name: str
    state: Optional[str]
    agency_type: Optional[str]
    county: Optional[str]
    status: str = Field(description="participating, pending, participating and pending, or not listed")
    models: list[str] = Field(description="Models of its participating agreements")
    pending_models: list[str]
    agreements: list[AgencyAgreement]


class AgencyPage(BaseModel):
    as_of: dt.date
    participating_publication: Optional[PublicationRef]
    pending_publication: Optional[PublicationRef]
    total: int
    limit: int
    offset: int
    items: list[Agency]


class PublicationRefShort(BaseModel):
    """A publication as history names it."""

    publication_id: int
    published: str
    half: Optional[str]
    file: str
    label: Optional[str] = Field(None, description="As history names it: published and half, and the file's name when another list of the same date and half is held")


class AgencyName(BaseModel):
    name: str
    rule: str = Field(description="The identity rule that attached this name to the agency")
    reason: str = Field(description="What the rule means")
    confidence: float


class TiedAgency(BaseModel):
    id: int
    name: str
    state: Optional[str]


class IdentityMerge(BaseModel):
    name: str = Field(description="The name joined to this agency")
    rule: str
    reason: str
    confidence: float
    evidence: dict[str, Any] = Field(
        description="What the rule saw: the names, the agreements that passed from one name to the other, ...; `alias`, what the alias table said, names each name whole in single quotes ('O'Brien's PD'), as the site does"
    )
    tied_with: list[TiedAgency] = Field(
        description="The agencies the name was as close to, also proposed (the evidence's tied_with ids), as they are now: one absorbed since is named by the agency it joined"
    )
    by: str
    at: str
    undone: Optional[str]
    undone_reason: Optional[str] = Field(description="Why the merge was undone: a person's reason as given, or the one a list ingested late gives, naming each name whole in single quotes")


class SignedDate(BaseModel):
    signed: list[Optional[str]] = Field(description="The signed dates ICE gave: one, or two when two rows of one list disagree (null: a date not given or not readable)")
    from_: PublicationRefShort = Field(alias="from", description="The first list that gave it")


class Absence(BaseModel):
    from_: PublicationRefShort = Field(alias="from")
    to: PublicationRefShort
    publications: int = Field(description="The publications it was absent from, a list replaced the same half-day included")
    lists_in_force: int = Field(description="The lists in force it was absent from, as K counts them: a list and its re-issue of the same half-day count once (0: absent only from a list replaced the same half-day by one that lists it)")


class Lifecycle(BaseModel):
    """An agreement across ICE's publications (README, section history)."""

    status: str = Field(description="participating, omitted lately, ended, pending or left pending")
    state: Optional[str]
    name: Optional[str] = Field(description="The latest name it was listed under")
    first_pending: Optional[PublicationRefShort]
    last_pending: Optional[PublicationRefShort]
    first_participating: Optional[PublicationRefShort]
    last_participating: Optional[PublicationRefShort]
    signed_on: Optional[str]
    signed_dates: list[SignedDate]
    omissions: list[Absence] = Field(description="Absences shorter than K lists: not ends")
    ended: Optional[PublicationRefShort]
    ends: list[PublicationRefShort]
    reinstated: list[PublicationRefShort]
    back_to_pending: list[PublicationRefShort]
    stayed_pending: list[PublicationRefShort] = Field(
        [], description="Pending lists later (by date and half) than its first participating listing that still listed it, in a stretch of pending listings begun before that listing or the same half-day (one begun later is back_to_pending)"
    )
    participating_publications: int = Field(description="The participating lists listing it, a list replaced the same half-day included")
    pending_publications: int = Field(description="The pending lists listing it, a list replaced the same half-day included")
    participating_lists_in_force: int = Field(description="The participating lists in force listing it: a list and its re-issue of the same half-day count once")
    pending_lists_in_force: int = Field(description="The pending lists in force listing it: a list and its re-issue of the same half-day count once")


class MoaListedElsewhere(BaseModel):
    from_: PublicationRefShort = Field(alias="from", description="The list the agreement left (the first of its end)")
    agency: str = Field(description="The agency that list gives the same MOA (document, signed date, model and state)")
    agency_id: int


class AgreementRecord(BaseModel):
    id: int
    model: str
    status: str = Field(description="In the lists in force today: participating, pending or not listed")
    signed: Optional[str] = Field(description="As the latest list listing it gives it")
    moa_url: Optional[str]
    addendum_url: Optional[str]
    lifecycle: Optional[Lifecycle]
    same_moa_now_under: list[MoaListedElsewhere] = Field([], description="For an end: the agency the list it left gives the same MOA, as the diff's same_moa_now_under")
    pending_since_first_list_held: bool = Field(
        False, description="First listed as pending by the first pending list held: pending since then or earlier (ICE's earlier lists are not held)"
    )
    source: str = Field(description="ICE (an agreement of ICE's lists) or this registry (given only by this registry's own lists, never listed by ICE)")


class ListingRow(BaseModel):
    name: Optional[str]
    model: Optional[str]
    signed: Optional[str]


class ListingRun(BaseModel):
    """Consecutive publications of one list that listed the same rows of the agency unchanged."""

    list: str
    from_: PublicationRefShort = Field(alias="from")
    to: PublicationRefShort
    publications: int = Field(description="The publications of the run, a list ICE replaced the same half-day included")
    lists_in_force: int = Field(description="The lists in force of the run, as lifecycles count them: a list and its re-issue of the same half-day are one")
    rows: list[ListingRow]
    row_numbers_first: list[int] = Field(description="The rows' numbers in the first list of the run")
    row_numbers_last: list[int]


class DocumentFact(BaseModel):
    value: Optional[str] = Field(description="What the document says; null: unknown (the evidence says why)")
    page: Optional[int]
    confidence: Optional[float]
    source: Optional[str] = Field(description="text (text layer) or ocr")
    evidence: Optional[str]


class DocumentSummary(BaseModel):
    id: int
    sha256: str
    file_name: str
    kind: str = Field(description="pdf, workbook or page")
    extension: str
    size_bytes: int
    pages: Optional[int]
    text_pages: Optional[int]
    ocr_pages: Optional[int]
    unread_pages: Optional[int]
    stored_at: Optional[str]
    file_link: str = Field(description="Where this site serves the file")
    facts: dict[str, DocumentFact] = Field(description="model, agency_name, ice_signatory_name, ice_signatory_title, ice_signed_on, lea_signed_on, addendum")


class AgencyDocument(DocumentSummary):
    roles: list[str] = Field(description="moa, addendum")
    models: list[str] = Field(description="The models of the listings that link it")
    addresses: list[str] = Field(description="The addresses the listings link")


class StatusPublications(BaseModel):
    participating: Optional[PublicationRef]
    pending: Optional[PublicationRef]


class AgencyDetail(BaseModel):
    id: int = Field(description="The live agency (an absorbed agency's id answers 308 to it)")
    name: str
    state: Optional[str]
    agency_type: Optional[str]
    county: Optional[str] = Field(description="As ICE's latest list gives it")
    county_fips: Optional[str] = Field(description="The county that text was matched to")
    status_publications: StatusPublications = Field(description="The lists the agreements' status comes from")
    names: list[AgencyName]
    merges: list[IdentityMerge]
    agreements: list[AgreementRecord]
    documents: list[AgencyDocument] = Field(description="The signed documents its listings link, held by this registry, with what was read from them")
    listings: list[ListingRun]


class Publication(BaseModel):
    id: int
    kind: str
    published: str
    half: Optional[str]
    file: str
    sha256: str
    size_bytes: int
    source_format: str
    source_modified_at: Optional[str]
    source_rows: int
    listings: int
    seq: int
    origin: str
    series: str
    imported_at: str


class PublicationDetail(Publication):
    participating: Optional[ParticipatingFigures] = None
    pending: Optional[PendingFigures] = None


class QualityEntry(BaseModel):
    publication_id: int
    file: str
    row: Optional[int]
    column: Optional[str]
    raw_value: Optional[str]
    problem: str
    action: str
    category: str
    rows_skipped: int


class QualitySummaryRow(BaseModel):
    category: str
    problem: str
    entries: int


class QualityRegister(BaseModel):
    publications: list[PublicationRef]
    total: int
    limit: int
    offset: int
    summary: list[QualitySummaryRow]
    items: list[QualityEntry]


class SearchHit(BaseModel):
    kind: str
    label: str
    state: Optional[str]
    ref: str
    matched: str
    score: float
    url: str = Field(description="The page of the agency, state or county")


class SearchResult(BaseModel):
    query: str
    hits: list[SearchHit]
    more: bool = Field(description="Whether more places match than `limit` shows")


class StateFigures(BaseModel):
    """A state's figures in the lists in force: a figure of a kind of list none of which is in force is null
    (no list held says nothing, which is not zero)."""

    usps: str
    name: str
    moas: Optional[int]
    agencies: Optional[int]
    by_model: Optional[dict[str, int]]
    pending_listings: Optional[int]


class StateList(BaseModel):
    as_of: dt.date
    participating_publication: Optional[PublicationRef]
    pending_publication: Optional[PublicationRef]
    items: list[StateFigures]


class SeriesPoint(BaseModel):
    publication_id: int
    publication: str
    published: str
    half: Optional[str]
    rows: int = Field(description="MOAs (participating) or listings (pending), as ICE counts rows")
    agencies: int
    states: int = Field(description=STATES)
    territories: int = Field(description=TERRITORIES)
    by_model: dict[str, int]
    by_agency_type: dict[str, int]


class Series(BaseModel):
    kind: str
    state: Optional[str]
    model: Optional[str]
    items: list[SeriesPoint]


class ApiIndex(BaseModel):
    name: str
    version: str
    openapi: str
    docs: str
    resources: dict[str, str]
