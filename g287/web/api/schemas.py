"""The API's response models: each resource is declared once, and the OpenAPI document is generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel, Field

from g287.sources.rules import states

Model = Literal["JEM", "TFM", "WSO"]
AgencyType = Literal["county", "municipality", "state_agency", "other"]
Status = Literal["participating", "pending", "listed", "all"]
Kind = Literal["participating", "pending"]
StateCode = Literal[tuple(s.usps for s in states())]  # type: ignore[valid-type]
QualityCategory = Literal["not_a_listing", "duplicate", "repaired", "unknown", "note"]


class PublicationRef(BaseModel):
    """The publication a figure comes from."""

    id: int
    kind: str
    file: str
    published: dt.date
    half: Optional[str]
    source: str = Field(description="ICE, or this registry for its own lists")


class ParticipatingFigures(BaseModel):
    publication: str
    publication_id: int
    published: str
    half: Optional[str]
    source: str
    moas: int = Field(description="Rows of the participating list, as ICE counts MOAs (duplicates included)")
    states: int
    agencies: int
    by_model: dict[str, int]
    by_agency_type: dict[str, int]
    unknown_state: int
    unknown_agency: int


class PendingFigures(BaseModel):
    publication: str
    publication_id: int
    published: str
    half: Optional[str]
    source: str
    listings: int
    states: int
    agencies: int
    by_model: dict[str, int]


class Stats(BaseModel):
    """The same shape as `g287 stats --json`."""

    as_of: str
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


class AgencyName(BaseModel):
    name: str
    state: Optional[str]
    rule: str = Field(description="The identity rule that attached this name to the agency")
    confidence: float


class AgreementRecord(BaseModel):
    id: int
    model: str
    signed: Optional[dt.date] = Field(description="As the latest participating list gives it")
    moa_url: Optional[str]
    addendum_url: Optional[str]


class ListingPeriod(BaseModel):
    kind: str
    agency_name: str
    model: Optional[str]
    signed: Optional[dt.date]
    county: Optional[str]
    moa_url: Optional[str]
    first_publication: PublicationRef
    last_publication: PublicationRef
    publications: int
    in_latest: bool


class AgencyDetail(BaseModel):
    id: int
    name: str
    state: Optional[str]
    agency_type: Optional[str]
    county: Optional[str]
    names: list[AgencyName]
    agreements: list[AgreementRecord]
    listings: list[ListingPeriod]


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


class StateFigures(BaseModel):
    usps: str
    name: str
    moas: int
    agencies: int
    by_model: dict[str, int]
    pending_listings: int


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
    states: int
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
    optional_parts: dict[str, bool] = Field(description="Parts of g287 this installation includes (maps, history, documents)")
