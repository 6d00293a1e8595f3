"""State pages (figures, the map of the state's counties, agencies, models, counties, trend)."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Path, Request

from g287.geo.coverage import coverage, not_located_text, state_coverage
from g287.registry.counties import county_figures
from g287.registry.queries import Filters, agencies_as_of, figures_of, listings, publications_in_force, state_figures
from g287.sources.rules import states
from g287.web.api.resources import state_or_404
from g287.web.app import site_of
from g287.web.pages.common import (
    AsOf, ModelChoice, date_choices, labels_in_force, list_heads, lists_named, pending_agencies, selected_date, state_map, trend, trend_chart,
)
from g287.web.render import render
from g287.web.params import Day

router = APIRouter()


def known_state(usps: str) -> tuple[str, str]:
    """The code, in capitals, and the name of the state a path names (state_or_404: two ASCII letters in any case)."""
    return usps.upper(), state_or_404(usps)


@router.get("/states")
def state_index(request: Request, as_of: Optional[Day] = AsOf):
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        participating = state_figures(session, force.participating)
        pending = state_figures(session, force.pending)
        covered = coverage(session, force.as_of) if force.participating else None
        choices = date_choices(session)
        labels = labels_in_force(force)
    rows = [
        {
            "usps": s.usps, "name": s.name, "category": s.category, "figures": participating.get(s.usps), "pending": pending.get(s.usps),
            "coverage": covered["by_state"].get(s.usps) if covered else None,
        }
        for s in states()
    ]
    return render("states.html", force=force, heads=list_heads(force, as_of, labels), rows=rows, covered=covered, choices=choices, as_of=selected_date(as_of))


@router.get("/states/{usps}")
def state_page(request: Request, usps: str = Path(max_length=2), as_of: Optional[Day] = AsOf, model: ModelChoice = None):
    code, name = known_state(usps)
    filters = Filters(state=code, model=model)
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        rows = listings(session, force.participating, filters) if force.participating else []
        pending_rows = listings(session, force.pending, filters) if force.pending else []
        agencies = agencies_as_of(session, force, filters, "listed")
        pending_listed = pending_agencies(session, force, filters)  # every agency the pending headline counts
        points = trend(session, force, state=code)
        covered = state_coverage(session, code, force.as_of, model) if force.participating else None
        counties = county_figures(session, force, state=code, model=model) if covered and covered["counties_total"] else None
        map_fig = state_map(session, code, as_of, model) if counties else None
        choices = date_choices(session)
        labels = labels_in_force(force)
    heads = list_heads(force, as_of, labels)
    return render(
        "state.html",
        heads=heads,
        lists=lists_named(heads, as_of),
        # What its county count cannot place, by why: the words of the home page, the maps and `g287 coverage`.
        not_located=not_located_text(covered["not_located"], covered["vintage"]) if covered else "",
        code=code,
        name=name,
        force=force,
        labels=labels,
        model=model,
        figures=figures_of(rows),
        pending=figures_of(pending_rows),
        agencies=[a for a in agencies if a.status != "pending"],
        pending_agencies=pending_listed,
        covered=covered,
        counties=counties,
        chart=trend_chart(points, model, f" in {name}"),
        points=points,
        map_fig=map_fig,
        choices=choices,
        as_of=selected_date(as_of),
    )
