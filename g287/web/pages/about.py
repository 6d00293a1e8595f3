"""The about page: sources, the exact definition of every figure, and the known problems of the data."""

from __future__ import annotations

from fastapi import APIRouter, Request

from g287.registry import quality
from g287.registry.publications import list_publications
from g287.web import providers
from g287.web.app import site_of
from g287.web.render import render

router = APIRouter()


@router.get("/about")
def about_page(request: Request):
    with site_of(request).read() as session:
        publications = list_publications(session, origin="ice")
        entries = [e for p in publications for e in quality.register(session, p)]
    parts = providers.available()
    return render("about.html", publications=publications, summary=quality.summary(entries)[:15], parts=parts)
