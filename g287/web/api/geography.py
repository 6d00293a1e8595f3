"""API resources over geography: coverage (counties and states with participating agencies) and counties by
FIPS code with their figures. Thin layers over g287.geo and g287.registry.counties (README, section geography)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Optional

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from g287.geo.coverage import coverage_or_none_covered
from g287.registry.counties import county_figures, county_record
from g287.registry.queries import Filters, agencies_as_of, publications_in_force
from g287.web.api import schemas
from g287.web.api.errors import ERROR_RESPONSES
from g287.web.api.history import PublicationSource
from g287.web.api.resources import agency_summary, publication_ref
from g287.web.app import API_PREFIX, site_of
from g287.web.params import AS_OF_DESCRIPTION, MODEL_DESCRIPTION, STATE_DESCRIPTION, Day, FipsCode, ModelCode, PageOffset, StateCode, choice, described, page_limit, page_offset, query_boolean

router = APIRouter(prefix=API_PREFIX, tags=["geography"], responses=ERROR_RESPONSES)
Vintage = choice("a county vintage", "2000", "2010", "2020", "2022")
AS_OF = described(AS_OF_DESCRIPTION)
MODEL = described(MODEL_DESCRIPTION)
VINTAGE = Query(None, description="County vintage: 2000 (3,141 counties), 2010, 2020 (3,143), 2022 (3,144); default: the one in force on the date")
# The type of the parameter (text in an annotation would be read as a type): its default after `=`.
WithAgreements = query_boolean("true: only counties where a participating or pending listing is located; false (the default): every county")


class StatePercent(BaseModel):
    counties_with_county_agency: Optional[float]
    counties_with_any_agency: Optional[float]


class Percent(StatePercent):
    states_with_agreement: Optional[float]


class ListingsLocated(BaseModel):
    total: int
    located: int
    no_county_text: int = Field(description="Listings ICE gives no county for (mostly municipal and state agencies)")
    no_county_text_by_type: dict[str, int]
    county_not_matched: int
    county_not_in_vintage: int
    county_text_in_territory: int = Field(description="Listings of a territory (Puerto Rico, Guam...) with a county text, which is not matched: the registry holds no county list for the territories")
    state_unknown: int


class StateCoverage(BaseModel):
    name: str
    fips: Optional[str]
    counties_total: Optional[int]
    counties_with_county_agency: Optional[int]
    counties_with_any_agency: Optional[int]
    has_agreement: bool
    moas: int
    listings_not_located: int
    percent: StatePercent


class Coverage(BaseModel):
    as_of: str
    vintage: str
    vintage_description: str
    model: Optional[str]
    publication: Optional[PublicationSource] = Field(
        description="The participating list in force on the date; null when none is (nothing ingested yet, or no list published on or before the date): every count is then zero"
    )
    counties_total: int
    counties_with_county_agency: int = Field(description="Counties where a participating listing of TYPE County is located")
    counties_with_any_agency: int = Field(description="Counties where any participating listing is located")
    states_total: int
    states_with_agreement: int
    territories_with_agreement: dict[str, int]
    percent: Percent
    listings: ListingsLocated
    by_state: dict[str, StateCoverage]


@router.get("/coverage", response_model=Coverage, summary="Counties and states with participating agencies, as of a date")
def coverage(request: Request, as_of: Optional[Day] = AS_OF, vintage: Optional[Vintage] = VINTAGE, model: Optional[ModelCode] = MODEL):
    with site_of(request).read() as session:
        # An empty registry (a fresh install) or a date before the first list is not a missing resource: the answer
        # is the same shape with nothing covered, as /stats answers with a null participating list.
        return coverage_or_none_covered(session, as_of, vintage, model)


class CountyFigures(BaseModel):
    fips: str
    name: str
    state: str
    kind: str = Field(description="county, parish, borough, census area, city, ...")
    moas: Optional[int] = Field(description="Participating listings located in the county, as ICE counts MOAs (null: no participating list in force)")
    agencies: Optional[int]
    by_model: Optional[dict[str, int]]
    has_county_agency: Optional[bool] = Field(description="A participating listing of TYPE County is located in it")
    pending_listings: Optional[int] = Field(description="Pending listings located in the county (null: no pending list in force)")
    pending_agencies: Optional[int]


class NotLocated(BaseModel):
    participating: Optional[int]
    pending: Optional[int]


class CountyPage(BaseModel):
    as_of: dt.date
    vintage: str
    vintage_description: str
    participating_publication: Optional[schemas.PublicationRef]
    pending_publication: Optional[schemas.PublicationRef]
    counties_total: int
    counties_with_agreement: Optional[int]
    counties_with_county_agency: Optional[int]
    listings_not_located: NotLocated = Field(description="Listings of the selection located in no county (never placed by guessing)")
    total: int = Field(description="Counties in this answer's selection (with_agreements applied)")
    limit: int
    offset: int
    items: list[CountyFigures]


@router.get("/counties", response_model=CountyPage, summary="Counties (by FIPS code) with their figures as of a date")
def counties(
    request: Request,
    as_of: Optional[Day] = AS_OF,
    state: Optional[StateCode] = described(STATE_DESCRIPTION),
    model: Optional[ModelCode] = MODEL,
    vintage: Optional[Vintage] = VINTAGE,
    with_agreements: WithAgreements = False,
    limit: page_limit(5000, 500) = 500,
    offset: Annotated[PageOffset, page_offset("by FIPS code")] = 0,
):
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        result = county_figures(session, force, vintage=vintage, state=state, model=model)
    items = [c for c in result.pop("counties") if not with_agreements or c["moas"] or c["pending_listings"]]
    return {
        **result,
        "as_of": force.as_of,
        "participating_publication": publication_ref(force.participating),
        "pending_publication": publication_ref(force.pending),
        "total": len(items),
        "limit": limit,
        "offset": offset,
        "items": items[offset : offset + limit],
    }


class ListFigures(BaseModel):
    rows: int = Field(description="Listings (MOAs as ICE counts them, for the participating list)")
    agencies: int
    states: int = Field(description=schemas.STATES)
    territories: int = Field(description=schemas.TERRITORIES)
    by_model: dict[str, int]
    by_agency_type: dict[str, int]


class AgencyRef(BaseModel):
    id: int
    name: str


class CountyDetail(BaseModel):
    fips: str
    name: str
    state: str
    base_name: str
    kind: str
    vintages: list[str]
    valid_from: Optional[str]
    valid_until: Optional[str]
    as_of: dt.date
    participating_publication: Optional[schemas.PublicationRef]
    pending_publication: Optional[schemas.PublicationRef]
    participating: Optional[ListFigures] = Field(description="The participating listings located in the county (null: no participating list in force)")
    pending: Optional[ListFigures] = Field(description="The pending listings located in the county (null: no pending list in force)")
    has_county_agency: Optional[bool] = Field(description="A participating listing of TYPE County is located in it (null: no participating list in force)")
    agencies: list[schemas.Agency] = Field(description="Agencies located in the county in the lists in force")
    located_at_another_time: list[AgencyRef]


@router.get("/counties/{fips}", response_model=CountyDetail, summary="A county: the agencies located in it and their figures as of a date")
def county(
    request: Request,
    fips: Annotated[FipsCode, Path(description="The county's five-digit FIPS code")],
    as_of: Optional[Day] = AS_OF,
    model: Optional[ModelCode] = MODEL,
):
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        record = county_record(session, fips, force, model)
        agencies = agencies_as_of(session, force, Filters(state=record.county.usps, model=model, fips=record.county.fips), "listed")
    return {
        **record.county.as_dict(),
        "as_of": force.as_of,
        "participating_publication": publication_ref(force.participating),
        "pending_publication": publication_ref(force.pending),
        # The figures of a list not in force are null, as /counties gives them: zeros said that the list held none here.
        "participating": record.figures if force.participating is not None else None,
        "pending": record.pending_figures if force.pending is not None else None,
        "has_county_agency": any(r.agency_type == "county" for r in record.participating) if force.participating is not None else None,
        "agencies": [agency_summary(a) for a in agencies],
        "located_at_another_time": [{"id": a.id, "name": a.name} for a in record.former_agencies],
    }
