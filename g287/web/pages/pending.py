"""The pending page: the agencies on ICE's pending list in force, and (from history) the pipeline's durations."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from fastapi import APIRouter, Request

from g287.registry.queries import Filters, agencies_as_of, figures_by_publication, figures_of, listings, publications_in_force
from g287.registry.publications import list_publications
from g287.web import providers
from g287.web.app import site_of
from g287.web.pages.common import AsOf, ModelChoice, selected_date
from g287.web.render import render

router = APIRouter()


@router.get("/pending")
def pending_page(request: Request, as_of: Optional[dt.date] = AsOf, model: ModelChoice = None):
    filters = Filters(model=model)
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        rows = listings(session, force.pending, filters) if force.pending else []
        agencies = [a for a in agencies_as_of(session, force, filters, "listed") if a.pending_models]
        series = figures_by_publication(session, "pending", filters)
        pipeline = providers.pending_pipeline(session)
        choices = [
            {"value": p.published_on.isoformat(), "label": p.published_on.isoformat() + (f" {p.half}" if p.half else "")}
            for p in reversed(list_publications(session, "pending", "ice"))
        ]
    return render(
        "pending.html",
        force=force,
        figures=figures_of(rows),
        agencies=agencies,
        series=series,
        pipeline=pipeline,
        choices=choices,
        as_of=selected_date(as_of),
        model=model,
    )
