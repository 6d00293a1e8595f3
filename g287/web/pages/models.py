"""Model pages: what JEM, TFM and WSO authorize, who may join, nominee requirements and training, each statement
with its sources (g287/data/catalog/models.toml), and the model's figures with their publication."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request

from g287.registry import figures
from g287.registry.queries import publications_in_force
from g287.web.app import site_of
from g287.web.pages.common import trend, trend_chart
from g287.web.render import render

router = APIRouter()


@router.get("/models")
def model_index(request: Request):
    with site_of(request).read() as session:
        stats = figures.stats(session)
        force = publications_in_force(session)
    return render("models.html", stats=stats, force=force)


@router.get("/models/{code}")
def model_page(request: Request, code: Literal["JEM", "TFM", "WSO"]):
    with site_of(request).read() as session:
        stats = figures.stats(session)
        force = publications_in_force(session)
        points = trend(session, force)
    return render("model.html", code=code, stats=stats, force=force, chart=trend_chart(points, code), points=points)
