"""Agency pages: the list (any date and filter, paginated) and each agency's record: its agreements with their
lifecycles (history), the signed documents its listings link (with what was read from them), every listing, its
names and the identity merges that joined them, with their reasons."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse

from g287.access import Actor
from g287.documents.queries import documents_of_agency
from g287.errors import NotFound
from g287.geo.store import county_of_agency
from g287.history.agency import agency_history, live_agency
from g287.history.lifecycle import end_after_default
from g287.program import views
from g287.registry.queries import Filters, agencies_as_of, county_filter, county_filter_problem, publications_in_force
from g287.web.api.errors import invalid_parameter
from g287.web.api.resources import COUNTY_PATTERN
from g287.web.app import site_of
from g287.web.pages.common import AsOf, ModelChoice, date_choices, labels_in_force, list_heads, selected_date, state_choices
from g287.web.render import render
from g287.web.params import Day, IdParameter, StateCode, whole_number
from g287.wording import counted

router = APIRouter()
PAGE_SIZE = 100


@router.get("/agencies")
def agency_list(
    request: Request,
    as_of: Optional[Day] = AsOf,
    state: Optional[StateCode] = None,
    model: ModelChoice = None,
    type: Optional[Literal["county", "municipality", "state_agency", "other"]] = None,
    county: Optional[str] = Query(None, max_length=100),
    status: Literal["participating", "pending", "listed", "all"] = "listed",
    page: Annotated[whole_number(1, 100_000), Query()] = 1,
):
    county = (county or "").strip() or None  # the form sends its field empty: no county chosen
    if county is not None and not re.search(COUNTY_PATTERN, county):
        # As the API and the downloads refuse it (which this page links to): no county has such a name.
        raise invalid_parameter("county", "a county's FIPS code or name holds a letter or a digit")
    problem = county_filter_problem(county, state)
    if problem:
        raise invalid_parameter("county", problem)
    filters = Filters(state=state, model=model, agency_type=type, **county_filter(county, state))
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        agencies = agencies_as_of(session, force, filters, status)
        choices = date_choices(session)
        labels = labels_in_force(force)
    pages = max(1, -(-len(agencies) // PAGE_SIZE))
    if page > pages:
        raise NotFound(f"no page {page}: the selection has {counted(len(agencies), 'agency')}, on {counted(pages, 'page')}")
    start = (page - 1) * PAGE_SIZE
    params = {"as_of": selected_date(as_of), "state": state, "model": model, "type": type, "county": county, "status": status}
    return render(
        "agencies.html",
        force=force,
        heads=list_heads(force, as_of, labels),
        agencies=agencies[start : start + PAGE_SIZE],
        total=len(agencies),
        page=page,
        pages=pages,
        start=start,
        params=params,
        filters=filters,
        choices=choices,
        states=state_choices(),
        as_of=selected_date(as_of),
        model=model,
    )


@router.get("/agencies/{agency_id}")
def agency_page(request: Request, agency_id: Annotated[IdParameter, Path()]):
    with site_of(request).read() as session:
        live = live_agency(session, agency_id)
        if live.id != agency_id:
            # An agency absorbed by an identity merge: its address leads to the agency it joined.
            return RedirectResponse(f"/agencies/{live.id}", status_code=301)
        history = agency_history(session, agency_id)
        force = publications_in_force(session, None)
        current = {
            a.model: a
            for agency in agencies_as_of(session, force, Filters(state=live.state_usps), "all")
            if agency.id == agency_id
            for a in agency.agreements
        }
        located = county_of_agency(session, agency_id)
        documents = documents_of_agency(session, agency_id)
        # The registry's own agreements whose MOAs were all terminated: said so, as the application's page says it,
        # never among those its lists list.
        own = [a["id"] for a in history["agreements"] if a["source"] != "ICE"]
        ended = views.ended_registry_agreements(session, Actor.public(), own) if own else {}
    return render(
        "agency.html", history=history, agency=history["agency"], force=force, current=current, located=located, documents=documents, end_after=end_after_default(),
        ended=ended,
    )
