"""Agency pages: the list (any date and filter, paginated) and each agency's record: its agreements with their
lifecycles (history), the signed documents its listings link (with what was read from them), every listing, its
names and the identity merges that joined them, with their reasons."""

from __future__ import annotations

import re
from typing import Annotated, Optional

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse

from g287.access import Actor
from g287.documents.queries import documents_of_agency
from g287.errors import NotFound
from g287.geo.store import county_of_agency
from g287.history.agency import agency_history, live_agency
from g287.history.lifecycle import end_after_default
from g287.history.listings import listed_since
from g287.program import views
from g287.registry.queries import AgencyRow, Filters, agencies_as_of, county_filter, county_filter_problem, county_name_problem, publications_in_force
from g287.web.api.errors import invalid_parameter
from g287.web.api.schemas import AgencyType, Status
from g287.web.api.resources import COUNTY_PATTERN
from g287.web.app import site_of
from g287.web.pages.common import AsOf, ModelChoice, date_choices, labels_in_force, list_heads, selected_date, state_choices
from g287.web.render import TYPE_LABELS, render, url
from g287.web.params import Day, IdParameter, StateCode, choice, whole_number
from g287.wording import counted

router = APIRouter()
PAGE_SIZE = 100

# The columns the list sorts by (?sort=, with ?order=asc|desc), each with the value it sorts by: None for an agency
# without one (no county, no signed date, no pending agreement), which comes last in either order. Agencies of one
# value keep the list's order (state, name).
SORT_COLUMNS = ("state", "agency", "type", "county", "agreements", "signed", "pending_since")
SortColumn = choice("a column to sort by", *SORT_COLUMNS)
SortOrder = choice("an order", "asc", "desc")
DEFAULT_SORT = "state"
# The caption's words of each sort: what it sorts by, ascending, descending.
SORT_WORDS = {
    "state": ("state", "A to Z", "Z to A"),
    "agency": ("name", "A to Z", "Z to A"),
    "type": ("type", "A to Z", "Z to A"),
    "county": ("county (as listed)", "A to Z", "Z to A"),
    "agreements": ("number of agreements", "fewest first", "most first"),
    "signed": ("date first signed (as listed)", "earliest first", "latest first"),
    "pending_since": ("date pending since", "earliest first", "latest first"),
}


def _sort_value(agency: AgencyRow, column: str, since: dict) -> object:
    if column == "state":
        return agency.state
    if column == "agency":
        return agency.name.casefold()
    if column == "type":
        return TYPE_LABELS.get(agency.agency_type) if agency.agency_type else None
    if column == "county":
        return agency.county.casefold() if agency.county else None
    if column == "agreements":  # how many, then which models
        return (len(agency.agreements), [a.model for a in agency.agreements])
    if column == "signed":  # the earliest date signed of its agreements, as listed
        return min((a.signed_on for a in agency.agreements if a.signed_on), default=None)
    # pending_since: the earliest of its pending agreements' runs on the pending list
    return min((since[(agency.id, a.model)].publication.seq for a in agency.agreements if (agency.id, a.model) in since), default=None)


def sorting_of(params: dict, sort: str, order: str) -> dict:
    """The sort as the page shows it: each heading's link (sorting by its column, or the other way when it is the
    column sorted by, back to the first page) and aria-sort; the words of the caption; and the page's parameters with
    the sort, for the pager's links (the form keeps it in hidden fields). The sort is the page's own: the downloads (params) take no such
    parameter, and list in their own order."""
    default = (sort, order) == (DEFAULT_SORT, "asc")
    columns = {
        column: {
            "href": url("/agencies", **params, sort=column, order="desc" if (column, order) == (sort, "asc") else "asc"),
            "aria_sort": ("ascending" if order == "asc" else "descending") if column == sort else None,
        }
        for column in SORT_COLUMNS
    }
    what, ascending, descending = SORT_WORDS[sort]
    words = f"{what}, {ascending if order == 'asc' else descending}"
    return {"sort": sort, "order": order, "default": default, "columns": columns, "words": words, "kept": params if default else {**params, "sort": sort, "order": order}}


def sorted_by(agencies: list[AgencyRow], column: str, order: str, since: dict) -> list[AgencyRow]:
    """`agencies` (in the list's order) sorted by a column, those without its value last."""
    values = {agency.id: _sort_value(agency, column, since) for agency in agencies}
    known = sorted((a for a in agencies if values[a.id] is not None), key=lambda a: values[a.id], reverse=order == "desc")
    return known + [a for a in agencies if values[a.id] is None]


@router.get("/agencies")
def agency_list(
    request: Request,
    as_of: Optional[Day] = AsOf,
    state: Optional[StateCode] = None,
    model: ModelChoice = None,
    type: Optional[AgencyType] = None,
    county: Optional[str] = Query(None, max_length=100),
    status: Status = "listed",
    page: Annotated[whole_number(1, 100_000), Query()] = 1,
    sort: SortColumn = DEFAULT_SORT,
    order: SortOrder = "asc",
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
        problem = county_name_problem(session, county, state) if filters.county and state else None
        if problem:
            raise invalid_parameter("county", problem)
        force = publications_in_force(session, as_of)
        agencies = agencies_as_of(session, force, filters, status)
        pending = {(a.agency_id, a.model) for agency in agencies for a in agency.agreements if a.status == "pending"}
        since = listed_since(session, force.pending, pending) if force.pending and pending else {}
        choices = date_choices(session)
        labels = labels_in_force(force)
    pages = max(1, -(-len(agencies) // PAGE_SIZE))
    if page > pages:
        raise NotFound(f"no page {page}: the selection has {counted(len(agencies), 'agency')}, on {counted(pages, 'page')}")
    start = (page - 1) * PAGE_SIZE
    params = {"as_of": selected_date(as_of), "state": state, "model": model, "type": type, "county": county, "status": status}
    agencies = sorted_by(agencies, sort, order, since)
    sorting = sorting_of(params, sort, order)
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
        sorting=sorting,
        since=since if force.pending and status != "participating" else None,  # a column of its pending agreements
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
