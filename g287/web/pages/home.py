"""The home page: the headline figures as of a date, cards per model, the map, the trend, the latest changes."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from fastapi import APIRouter, Query, Request

from g287.registry import figures
from g287.registry.queries import Filters, figures_by_publication, figures_of, listings, publications_in_force, state_figures
from g287.registry.publications import list_publications
from g287.sources.rules import states
from g287.web import providers
from g287.web.app import site_of
from g287.web.pages.common import AsOf, ModelChoice, date_choices, selected_date
from g287.web.render import render
from g287.web.svg import line_chart, safe_svg

router = APIRouter()


def chart_points(items: list[dict]) -> list[dict]:
    return [
        {
            "label": item["published"] + (f" {item['half']}" if item["half"] else ""),
            "short": item["published"][5:],
            "source": item["publication"],
            "values": {**item["by_model"], "all": item["rows"]},
        }
        for item in items
    ]


def trend_chart(items: list[dict], model: str | None, what: str):
    if len(items) < 2:
        return None  # one point is not a trend
    series = [model] if model else list(figures.MODELS)
    return line_chart(chart_points(items), series, title=f"{what} by model in each ICE publication, {items[0]['published']} to {items[-1]['published']}")


def previous_and_current(session, force):
    """The participating publication in force and the one before it (for the latest changes)."""
    if force.participating is None:
        return None, None
    earlier = [p for p in list_publications(session, "participating", "ice") if p.seq < force.participating.seq]
    return (earlier[-1] if earlier else None), force.participating


@router.get("/")
def home(request: Request, as_of: Optional[dt.date] = AsOf, model: ModelChoice = None, level: Literal["state", "county"] = Query("state")):
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        stats = figures.stats(session, as_of)
        selected = figures_of(listings(session, force.participating, Filters(model=model))) if (model and force.participating) else None
        series = figures_by_publication(session, "participating")
        if force.participating:
            series = [s for s in series if s["published"] <= force.participating.published_on.isoformat()]
        per_state = state_figures(session, force.participating)
        pending_per_state = state_figures(session, force.pending)
        previous, current = previous_and_current(session, force)
        changes = providers.diff(session, previous, current) if previous is not None else None
        coverage = providers.coverage(session, as_of, None, model)
        map_svg = safe_svg(providers.render_map(session, level, as_of, model, "moas", None))
        choices = date_choices(session)
    state_rows = [
        {"usps": s.usps, "name": s.name, "figures": per_state.get(s.usps), "pending": pending_per_state.get(s.usps)}
        for s in states()
        if s.usps in per_state or s.usps in pending_per_state
    ]
    recent = []
    for before, item in zip([None] + series[:-1], series):
        recent.append({**item, "change": item["rows"] - before["rows"] if before else None})
    return render(
        "home.html",
        force=force,
        stats=stats,
        model=model,
        level=level,
        selected=selected,
        chart=trend_chart(series, model, "MOAs"),
        series=series,
        recent=list(reversed(recent))[:6],
        state_rows=state_rows,
        changes=changes,
        previous=previous,
        coverage=coverage,
        map_svg=map_svg,
        choices=choices,
        as_of=selected_date(as_of),
    )
