"""State pages (figures, map, agencies, models, trend) and county pages (agencies naming the county)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from fastapi import APIRouter, Path, Request

from g287.errors import NotFound
from g287.registry.queries import (
    Filters,
    agencies_as_of,
    counties_listed,
    county_key,
    figures_by_publication,
    figures_of,
    listings,
    publications_in_force,
    state_figures,
    state_name,
)
from g287.sources.rules import states
from g287.web import providers
from g287.web.app import site_of
from g287.web.pages.common import AsOf, ModelChoice, date_choices, selected_date
from g287.web.pages.home import trend_chart
from g287.web.render import render
from g287.web.svg import safe_svg

router = APIRouter()


def known_state(usps: str) -> tuple[str, str]:
    code = usps.upper()
    name = state_name(code)
    if name is None:
        raise NotFound(f"no state with the code {usps!r}")
    return code, name


@router.get("/states")
def state_index(request: Request, as_of: Optional[dt.date] = AsOf):
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        participating = state_figures(session, force.participating)
        pending = state_figures(session, force.pending)
        choices = date_choices(session)
    rows = [{"usps": s.usps, "name": s.name, "category": s.category, "figures": participating.get(s.usps), "pending": pending.get(s.usps)} for s in states()]
    return render("states.html", force=force, rows=rows, choices=choices, as_of=selected_date(as_of))


@router.get("/states/{usps}")
def state_page(request: Request, usps: str = Path(max_length=2), as_of: Optional[dt.date] = AsOf, model: ModelChoice = None):
    code, name = known_state(usps)
    filters = Filters(state=code, model=model)
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        rows = listings(session, force.participating, filters) if force.participating else []
        pending_rows = listings(session, force.pending, filters) if force.pending else []
        agencies = agencies_as_of(session, force, filters, "listed")
        series = [s for s in figures_by_publication(session, "participating", filters) if not force.participating or s["published"] <= force.participating.published_on.isoformat()]
        map_svg = safe_svg(providers.render_map(session, "county", as_of, model, "moas", code))
        choices = date_choices(session)
    return render(
        "state.html",
        code=code,
        name=name,
        force=force,
        model=model,
        figures=figures_of(rows),
        pending=figures_of(pending_rows),
        agencies=[a for a in agencies if a.status != "pending"],
        pending_agencies=[a for a in agencies if a.status == "pending"],
        counties=counties_listed(rows + pending_rows),
        chart=trend_chart(series, model, f"MOAs in {name}"),
        series=series,
        map_svg=map_svg,
        choices=choices,
        as_of=selected_date(as_of),
    )


@router.get("/states/{usps}/counties/{key}")
def county_page(request: Request, usps: str = Path(max_length=2), key: str = Path(max_length=100), as_of: Optional[dt.date] = AsOf, model: ModelChoice = None):
    code, state = known_state(usps)
    wanted = county_key(key)
    filters = Filters(state=code, county=wanted, model=model)
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        rows = listings(session, force.participating, filters) if force.participating else []
        pending_rows = listings(session, force.pending, filters) if force.pending else []
        agencies = agencies_as_of(session, force, filters, "all")
        choices = date_choices(session)
    names = sorted({r.county for r in rows + pending_rows if r.county} | {a.county for a in agencies if a.county})
    if not names:
        raise NotFound(f"no agency in {state} was ever listed with the county {key!r}")
    return render(
        "county.html",
        code=code,
        state=state,
        key=wanted,
        county=names[0],
        spellings=names,
        force=force,
        model=model,
        figures=figures_of(rows),
        pending=figures_of(pending_rows),
        agencies=[a for a in agencies if a.status != "not listed"],
        former=[a for a in agencies if a.status == "not listed"],
        choices=choices,
        as_of=selected_date(as_of),
    )
