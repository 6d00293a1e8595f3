"""The API's resources under /api/v1: stats, agencies, agreements, publications, quality, search, states, series."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Annotated, Any, Optional

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from g287 import __version__
from g287.db.models.registry import Agreement as AgreementRow, Publication as PublicationRow
from g287.errors import NotFound
from g287.documents.queries import documents_of_agency
from g287.geo.store import county_of_agency
from g287.history.agency import agency_history, live_agency
from g287.registry import figures, quality, search as search_service
from g287.registry.publications import PublicationInfo, list_publications
from g287.registry.queries import (
    Filters,
    agencies_as_of,
    agreements_as_of,
    county_filter,
    county_filter_problem,
    county_name_problem,
    figures_by_publication,
    publications_in_force,
    state_figures,
    state_name,
)
from g287.sources.rules import states, two_letter_code
from g287.web.api import schemas
from g287.web.api.errors import ERROR_RESPONSES, invalid_parameter
from g287.web.app import API_PREFIX, site_of
from g287.web.params import AS_OF_DESCRIPTION, MODEL_DESCRIPTION, STATE_DESCRIPTION, Day, IdParameter, ModelCode, PageOffset, StateCode, described, page_limit, page_offset, whole_number
from g287.wording import quoted

router = APIRouter(prefix=API_PREFIX, tags=["registry"], responses=ERROR_RESPONSES)


def publication_ref(publication: PublicationRow | None) -> dict | None:
    if publication is None:
        return None
    return {
        "id": publication.id,
        "kind": publication.kind,
        "file": publication.file_name,
        "published": publication.published_on,
        "half": publication.half,
        "source": "ICE" if publication.origin == "ice" else "this registry",
    }


# A county given to the API names one: a value with no letter or digit (empty, spaces, control characters) is
# refused, as every other empty parameter is, rather than silently taken as no filter.
COUNTY_PATTERN = r"[0-9A-Za-z]"
COUNTY_LENGTH = 100


def _county_text(value: Any) -> Any:
    # Refused in words, as the agencies page refuses it (pydantic said "String should match pattern '[0-9A-Za-z]'").
    if isinstance(value, str) and len(value) <= COUNTY_LENGTH and re.search(COUNTY_PATTERN, value):
        return value
    long = isinstance(value, str) and len(value) > COUNTY_LENGTH
    problem = (
        f"a county of {len(value):,} characters: no county's FIPS code or name is so long (at most {COUNTY_LENGTH})"
        if long
        else f"{quoted(str(value))}: names no county: a county's FIPS code or name holds a letter or a digit"
    )
    raise PydanticCustomError("county_text", "{problem}", {"problem": problem})


CountyText = Annotated[str, BeforeValidator(_county_text), WithJsonSchema({"type": "string", "maxLength": COUNTY_LENGTH, "pattern": COUNTY_PATTERN})]


class ListParameters:
    """The filters shared by agencies and agreements (and their exports)."""

    def __init__(
        self,
        request: Request,
        as_of: Optional[Day] = Query(None, description="The lists in force on this date (default: the latest)"),
        state: Optional[StateCode] = Query(None, description="USPS code of the state, in any case (answered in capitals)"),
        county: Optional[CountyText] = Query(
            None,
            description="A county's FIPS code (five digits: the listings located in it by county matching; a number that is no county's FIPS code, or a county of another state than state, is a 422); with state, its name, read by county matching as the FIPS code is (the county's page shows the same listings), or else ICE's COUNTY text of a listing of that state (a name that is neither is a 422); without state, a name as ICE's COUNTY column gives it, in any state (case, spacing, Saint/St. and the word County ignored, as county matching reads them)",
        ),
        model: Optional[ModelCode] = described(MODEL_DESCRIPTION),
        type: Optional[schemas.AgencyType] = Query(None, description="Agency type"),
        status: Annotated[schemas.Status, Query(description="participating, pending, listed (either list) or all (every agreement known, with its status on the date)")] = "participating",
        limit: page_limit(1000, 100) = 100,
        offset: Annotated[PageOffset, page_offset("by state, then agency name and id; agreements then by model")] = 0,
    ):
        self.as_of = as_of
        problem = county_filter_problem(county, state)
        if problem:
            raise invalid_parameter("county", problem)
        self.filters = Filters(state=state, model=model, agency_type=type, **county_filter(county, state))
        if self.filters.county and state:  # a name with a state that county matching reads as no county of it
            with site_of(request).read() as session:
                problem = county_name_problem(session, county, state)
            if problem:
                raise invalid_parameter("county", problem)
        self.status = status
        self.limit = limit
        self.offset = offset


@router.get("", response_model=schemas.ApiIndex, summary="What this API offers")
def index(request: Request):
    return {
        "name": "g287 API",
        "version": __version__,
        "openapi": f"{API_PREFIX}/openapi.json",
        "docs": f"{API_PREFIX}/docs",
        "resources": {
            "stats": f"{API_PREFIX}/stats",
            "agencies": f"{API_PREFIX}/agencies",
            "agreements": f"{API_PREFIX}/agreements",
            "publications": f"{API_PREFIX}/publications",
            "quality": f"{API_PREFIX}/quality",
            "search": f"{API_PREFIX}/search",
            "states": f"{API_PREFIX}/states",
            "series": f"{API_PREFIX}/series",
            "counties": f"{API_PREFIX}/counties",
            "coverage": f"{API_PREFIX}/coverage",
            "timeline": f"{API_PREFIX}/timeline",
            "diff": f"{API_PREFIX}/diff",
            "pending_changes": f"{API_PREFIX}/pending-changes",
            "pipeline": f"{API_PREFIX}/pipeline",
            "review": f"{API_PREFIX}/review",
            "documents": f"{API_PREFIX}/documents",
            "documents_search": f"{API_PREFIX}/documents/search",
        },
    }


@router.get("/stats", response_model=schemas.Stats, summary="Headline figures as of a date (as `g287 stats --json`)")
def stats(request: Request, as_of: Optional[Day] = described(AS_OF_DESCRIPTION)):
    with site_of(request).read() as session:
        return figures.stats(session, as_of)


@router.get("/agreements", response_model=schemas.AgreementPage, summary="Agreements (agency x model) as of a date")
def agreements(request: Request, p: ListParameters = Depends()):
    with site_of(request).read() as session:
        force = publications_in_force(session, p.as_of)
        rows = agreements_as_of(session, force, p.filters, p.status)
        return _page(force, rows[p.offset : p.offset + p.limit], len(rows), p, [_agreement(a) for a in rows[p.offset : p.offset + p.limit]])


@router.get(
    "/agreements/{agreement_id}",
    response_model=schemas.Agreement,
    summary="One agreement, as of a date",
    responses={308: {"description": "The agreement was joined to another by an identity merge: the answer is that agreement"}},
)
def agreement(
    request: Request,
    agreement_id: Annotated[IdParameter, Path(description="The agreement's id (database id)")],
    as_of: Optional[Day] = described(AS_OF_DESCRIPTION),
):
    with site_of(request).read() as session:
        joined = session.get(AgreementRow, agreement_id)
        if joined is not None and joined.merged_into_id is not None:
            query = f"?as_of={as_of.isoformat()}" if as_of else ""
            return RedirectResponse(f"{API_PREFIX}/agreements/{joined.merged_into_id}{query}", status_code=308)
        force = publications_in_force(session, as_of)
        for row in agreements_as_of(session, force, None, "all"):
            if row.id == agreement_id:
                return _agreement(row)
        if joined is None:
            raise NotFound(f"no agreement with id {agreement_id}")
        # It exists, but no list of ICE's in force then lists it: say so, rather than "no agreement" for one the
        # agency's resource gives (one only this registry's own lists hold, or one ICE listed only later: whether
        # ICE's lists ever give it, not where it was first recorded, which an agreement keeps when ICE lists it).
        listed_later = as_of is not None and any(row.id == agreement_id for row in agreements_as_of(session, publications_in_force(session, None), None, "all"))
    whose = "ICE listed it only later" if listed_later else "this registry's own lists give it, not ICE's"
    raise NotFound(f"agreement {agreement_id} is in none of ICE's lists in force on {force.as_of.isoformat()} ({whose}): see its agency, {API_PREFIX}/agencies/{joined.agency_id}")


@router.get("/agencies", response_model=schemas.AgencyPage, summary="Agencies with their agreements as of a date")
def agencies(request: Request, p: ListParameters = Depends()):
    with site_of(request).read() as session:
        force = publications_in_force(session, p.as_of)
        rows = agencies_as_of(session, force, p.filters, p.status)
        chosen = rows[p.offset : p.offset + p.limit]
        return _page(force, chosen, len(rows), p, [agency_summary(a) for a in chosen])


@router.get(
    "/agencies/{agency_id}",
    response_model=schemas.AgencyDetail,
    summary="An agency: its names and identity merges, its agreements with their history, and every listing",
    responses={308: {"description": "The agency was absorbed by an identity merge: the answer is the agency it joined"}},
)
def agency(request: Request, agency_id: Annotated[IdParameter, Path(description="The agency's id (database id)")]):
    with site_of(request).read() as session:
        live = live_agency(session, agency_id)
        if live.id != agency_id:
            return RedirectResponse(f"{API_PREFIX}/agencies/{live.id}", status_code=308)
        force = publications_in_force(session, None)
        current = {a.model: a.status for row in agencies_as_of(session, force, Filters(state=live.state_usps), "all") if row.id == live.id for a in row.agreements}
        documents = documents_of_agency(session, agency_id)
        return agency_detail(agency_history(session, agency_id), current, county_of_agency(session, agency_id), force, documents)


def agency_detail(history: dict, current: dict[str, str], located: dict | None, force, documents: list[dict]) -> dict:
    a = history["agency"]
    return {
        "id": a["id"],
        "name": a["name"],
        "state": a["state"],
        "agency_type": a["type"],
        "county": a["county"],
        "county_fips": located["fips"] if located else None,
        "status_publications": {"participating": publication_ref(force.participating), "pending": publication_ref(force.pending)},
        "names": history["names"],
        "merges": history["merges"],
        "agreements": [
            {
                "id": g["id"], "model": g["model"], "status": current.get(g["model"], "not listed"), "signed": g["signed_on"],
                "moa_url": g["moa_url"], "addendum_url": g["addendum_url"], "lifecycle": g["lifecycle"],
                "same_moa_now_under": g["same_moa_now_under"], "pending_since_first_list_held": g["pending_since_first_list_held"], "source": g["source"],
            }
            for g in history["agreements"]
        ],
        "documents": documents,
        "listings": history["listings"],
    }


@router.get("/publications", response_model=list[schemas.Publication], summary="Every publication ingested, in order")
def publications(
    request: Request,
    kind: Optional[schemas.Kind] = Query(None, description="Only this list (default: both)"),
    origin: Optional[schemas.Origin] = Query(None, description="Only ICE's publications (ice) or this registry's own lists (registry); default: both"),
):
    with site_of(request).read() as session:
        return [asdict(PublicationInfo.of(p)) for p in list_publications(session, kind, origin)]


@router.get("/publications/{publication_id}", response_model=schemas.PublicationDetail, summary="A publication and its figures")
def publication(request: Request, publication_id: Annotated[IdParameter, Path(description="The publication's id (database id)")]):
    with site_of(request).read() as session:
        found = _publication(session, publication_id)
        result = asdict(PublicationInfo.of(found))
        if found.kind == "participating":
            result["participating"] = figures.participating_figures(session, found)
        else:
            result["pending"] = figures.pending_figures(session, found)
        return result


@router.get("/quality", response_model=schemas.QualityRegister, summary="The data-quality register")
def quality_register(
    request: Request,
    publication: Optional[IdParameter] = Query(None, description="Publication id (default: every publication)"),
    category: Optional[schemas.QualityCategory] = Query(None, description="Only entries of this category"),
    limit: page_limit(5000, 500) = 500,
    offset: Annotated[PageOffset, page_offset("by publication, in publication order, then by row")] = 0,
):
    with site_of(request).read() as session:
        chosen = [_publication(session, publication)] if publication else list_publications(session)
        entries = [e for p in chosen for e in quality.register(session, p)]
        refs = [publication_ref(p) for p in chosen]
    if category:
        entries = [e for e in entries if e.category == category]
    return {
        "publications": refs,
        "total": len(entries),
        "limit": limit,
        "offset": offset,
        "summary": quality.summary(entries),
        "items": quality.as_dicts(entries[offset : offset + limit]),
    }


SEARCH_LENGTH = 200


def _search_words(value: Any) -> Any:
    """A query with a letter or digit in any script (a query of spaces or punctuation only finds nothing: refused as
    an empty one is). The pattern [0-9A-Za-z] refused `é`, which /search reads as e, and `日本`, for which /search
    says nothing matches: the page and the API answered one query two ways."""
    if isinstance(value, str) and len(value) <= SEARCH_LENGTH and any(character.isalnum() for character in value):
        return value
    long = isinstance(value, str) and len(value) > SEARCH_LENGTH
    problem = f"a query of {len(value):,} characters: at most {SEARCH_LENGTH}" if long else f"{quoted(str(value))}: no letter or digit to look for"
    raise PydanticCustomError("search_words", "{problem}", {"problem": problem})


# No pattern in the document: a JSON schema's (ECMA-262) cannot say "a letter of any script" (tests/web/test_schemathesis.py).
SearchWords = Annotated[str, BeforeValidator(_search_words), WithJsonSchema({"type": "string", "minLength": 1, "maxLength": SEARCH_LENGTH})]


@router.get("/search", response_model=schemas.SearchResult, summary="Agencies, states and counties, tolerating typos")
def search(
    request: Request,
    q: Annotated[SearchWords, Query(description="Words to look for: at least one letter or digit, in any script")],
    limit: Annotated[whole_number(1, 100), Query(description="Matches to give at most, best first (1 to 100); `more` says whether more match")] = 20,
):
    with site_of(request).read() as session:
        hits = search_service.search(session, q, limit + 1)  # one more: whether more match than are shown
    return {"query": q, "hits": [dict(asdict(h), url=hit_url(h)) for h in hits[:limit]], "more": len(hits) > limit}


def hit_url(hit) -> str:
    if hit.kind == "agency":
        return f"/agencies/{hit.ref}"
    if hit.kind == "state":
        return f"/states/{hit.ref}"
    return f"/counties/{hit.ref}"


def _participating_figures(found: dict | None, list_in_force: bool) -> dict:
    """A state's participating figures: zeros for a state the list in force does not list, nulls when no list is."""
    if not list_in_force:
        return {"moas": None, "agencies": None, "by_model": None}
    if found is None:
        return {"moas": 0, "agencies": 0, "by_model": {m: 0 for m in figures.MODELS}}
    return {"moas": found["rows"], "agencies": found["agencies"], "by_model": found["by_model"]}


@router.get("/states", response_model=schemas.StateList, summary="Figures per state as of a date")
def state_list(request: Request, as_of: Optional[Day] = described(AS_OF_DESCRIPTION)):
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        participating = state_figures(session, force.participating)
        pending = state_figures(session, force.pending)
    items = []
    for state in states():
        p = participating.get(state.usps)
        q = pending.get(state.usps)
        if p or q:
            items.append(
                {
                    "usps": state.usps, "name": state.name,
                    **_participating_figures(p, force.participating is not None),
                    "pending_listings": (q["rows"] if q else 0) if force.pending is not None else None,
                }
            )
    return {
        "as_of": force.as_of,
        "participating_publication": publication_ref(force.participating),
        "pending_publication": publication_ref(force.pending),
        "items": items,
    }


@router.get("/series", response_model=schemas.Series, summary="The figures of every publication of a list (for trends)")
def series(
    request: Request,
    kind: Annotated[schemas.Kind, Query(description="The list whose publications are given")] = "participating",
    state: Optional[StateCode] = described(STATE_DESCRIPTION),
    model: Optional[ModelCode] = described(MODEL_DESCRIPTION),
):
    with site_of(request).read() as session:
        items = figures_by_publication(session, kind, Filters(state=state, model=model))
    return {"kind": kind, "state": state, "model": model, "items": items}


def _publication(session, publication_id: int) -> PublicationRow:
    found = session.get(PublicationRow, publication_id)
    if found is None:
        raise NotFound(f"no publication with id {publication_id}")
    return found


def _page(force, chosen, total, p: ListParameters, items) -> dict:
    return {
        "as_of": force.as_of,
        "participating_publication": publication_ref(force.participating),
        "pending_publication": publication_ref(force.pending),
        "total": total,
        "limit": p.limit,
        "offset": p.offset,
        "items": items,
    }


def _agreement(a) -> dict:
    return {
        "id": a.id, "agency_id": a.agency_id, "agency_name": a.agency_name, "state": a.state, "agency_type": a.agency_type,
        "county": a.county, "model": a.model, "status": a.status, "signed": a.signed_on, "moa_url": a.moa_url,
        "addendum_url": a.addendum_url, "rows": a.rows, "publication_id": a.publication_id,
    }


def agency_summary(a) -> dict:
    return {
        "id": a.id, "name": a.name, "state": a.state, "agency_type": a.agency_type, "county": a.county, "status": a.status,
        "models": a.models, "pending_models": a.pending_models,
        "agreements": [{"id": g.id, "model": g.model, "status": g.status, "signed": g.signed_on, "moa_url": g.moa_url} for g in a.agreements],
    }


def state_or_404(usps: str) -> str:
    """The name of the state a path's code names, in any case; any other text is no state (404): two ASCII letters
    (two_letter_code), as the `state` parameter takes them, or /states/\ufb02 would be a second address of Florida's page."""
    code = two_letter_code(usps)
    name = state_name(code) if code else None
    if name is None:
        raise NotFound(f"no state with the code {quoted(usps)}")
    return name
