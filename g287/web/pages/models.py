"""Model pages: what JEM, TFM and WSO authorize, who may join, nominee requirements and training, each statement
with its sources (g287/data/catalog/models.toml), and the model's figures with their publication."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Path, Request

from g287.errors import NotFound

from g287.registry import figures
from g287.registry.figures import MODELS
from g287.registry.queries import publications_in_force
from g287.web.app import site_of
from g287.web.pages.common import AsOf, date_choices, labels_in_force, list_heads, selected_date, trend, trend_chart
from g287.web.render import render
from g287.web.params import Day
from g287.wording import in_quotes

router = APIRouter()


@router.get("/models")
def model_index(request: Request, as_of: Optional[Day] = AsOf):
    with site_of(request).read() as session:
        stats = figures.stats(session, as_of)
        force = publications_in_force(session, as_of)
        choices = date_choices(session)
        labels = labels_in_force(force)
    return render("models.html", stats=stats, force=force, heads=list_heads(force, as_of, labels), choices=choices, as_of=selected_date(as_of))


@router.get("/models/{code}")
def model_page(request: Request, code: str = Path(max_length=3), as_of: Optional[Day] = AsOf):
    # As a state's page: in any case (/models/jem as /states/tx), and a code naming no model is no page (404).
    if code.upper() not in MODELS:
        raise NotFound(f"no model {in_quotes(code)}: the models are {', '.join(MODELS)}")
    code = code.upper()
    with site_of(request).read() as session:
        stats = figures.stats(session, as_of)  # the figures of the list in force on the date, as the other pages
        force = publications_in_force(session, as_of)
        points = trend(session, force)
        choices = date_choices(session)
        labels = labels_in_force(force)
    return render(
        "model.html", code=code, stats=stats, force=force, heads=list_heads(force, as_of, labels), chart=trend_chart(points, code), points=points,
        choices=choices, as_of=selected_date(as_of),
    )
