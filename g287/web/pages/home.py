"""The home page: the headline figures as of a date (with counties covered), cards per model, the national map,
the trend of MOAs by model, the latest changes, and the figures per state."""

from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Query, Request

from g287.geo.coverage import coverage, not_located_text
from g287.history.diff import diff
from g287.registry import figures
from g287.registry.publications import list_publications
from g287.registry.queries import Filters, figures_of, listings, publications_in_force, state_figures
from g287.sources.rules import states
from g287.web.app import site_of
from g287.web.pages.common import AsOf, ModelChoice, date_choices, labels_in_force, list_heads, national_map, selected_date, trend, trend_chart
from g287.web.render import render
from g287.web.params import Day

router = APIRouter()
HEADLINE_VINTAGE = "2000"  # the 3,141 counties of Census 2000: the count public statements use
CHANGES_SHOWN = 8


def previous_and_current(session, force):
    """The participating publication in force and the one in force before its publication day (the last list of an
    earlier day), for the latest changes: lists published the same day count as one, as in the trend, so the
    changes and the latest publications tell the same story."""
    if force.participating is None:
        return None, None
    day = force.participating.published_on
    earlier = [p for p in list_publications(session, "participating", "ice") if p.published_on < day]
    return (earlier[-1] if earlier else None), force.participating


def counties_covered(session, force, model: str | None) -> dict | None:
    """Coverage for the headline: of the 3,141 counties of Census 2000, and of the vintage of the date."""
    if force.participating is None:
        return None
    headline = coverage(session, force.as_of, HEADLINE_VINTAGE, model)
    current = coverage(session, force.as_of, None, model)
    return {"headline": headline, "current": current if current["vintage"] != headline["vintage"] else None}


@router.get("/")
def home(request: Request, as_of: Optional[Day] = AsOf, model: ModelChoice = None, level: Literal["state", "county"] = Query("state")):
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        stats = figures.stats(session, as_of)
        registry_stats = figures.stats(session, as_of, origin="registry")
        selected = figures_of(listings(session, force.participating, Filters(model=model))) if (model and force.participating) else None
        points = trend(session, force, model=None)
        # The figures per state and the pending figures follow the model chosen, as the headline does.
        per_state = state_figures(session, force.participating, Filters(model=model))
        pending_per_state = state_figures(session, force.pending, Filters(model=model))
        pending_selected = figures_of(listings(session, force.pending, Filters(model=model))) if (model and force.pending) else None
        previous, current = previous_and_current(session, force)
        changes = diff(session, previous, current) if previous is not None else None
        counties = counties_covered(session, force, model)
        map_fig = national_map(session, level, as_of, model)
        choices = date_choices(session)
        labels = labels_in_force(force)
    state_rows = [
        {"usps": s.usps, "name": s.name, "figures": per_state.get(s.usps), "pending": pending_per_state.get(s.usps)}
        for s in states()
        if s.usps in per_state or s.usps in pending_per_state
    ]
    recent = [{**point, "change": point["moas"] - before["moas"] if before else None} for before, point in zip([None] + points[:-1], points)]
    return render(
        "home.html",
        force=force,
        labels=labels,
        stats=stats,
        registry_stats=registry_stats if registry_stats["participating"] or registry_stats["pending"] else None,
        model=model,
        level=level,
        selected=selected,
        pending_selected=pending_selected,
        chart=trend_chart(points, model),
        points=points,
        recent=list(reversed(recent))[:6],
        state_rows=state_rows,
        changes=changes,
        changes_shown=CHANGES_SHOWN,
        previous=previous,
        counties=counties,
        not_located=not_located_text(counties["headline"]["listings"], counties["headline"]["vintage"]) if counties else "",
        heads=list_heads(force, as_of, labels),
        map_fig=map_fig,
        choices=choices,
        as_of=selected_date(as_of),
    )
