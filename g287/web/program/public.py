"""The registry's own lists as the public sees them: its figures (from its records, and from the lists it
published, origin "registry", always labelled as this registry's and never added to ICE's), its pending and
participating agreements, and a public view of an application. Everything here is read as the public actor
from g287.program.views and g287.registry.figures, which never touch nominees, training or a letter's contact
details, so these pages are the same for everyone and may be cached like the rest of the public site."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from fastapi import APIRouter, Request

from g287.access import Actor
from g287.catalog import catalog
from g287.program import views
from g287.registry import figures
from g287.web.app import site_of
from g287.web.program.core import PublicRoute, RecordId
from g287.web.render import render
from g287.web.params import Day

router = APIRouter(route_class=PublicRoute, include_in_schema=False)


def registry_figures(session, as_of: dt.date | None) -> dict:
    """The registry's own figures: from its records (today's state of the workflow) and from the lists it
    published (exactly as ICE's lists are counted, origin "registry")."""
    public = Actor.public()
    return {"records": views.program_figures(session, public, as_of), "published": figures.stats(session, as_of, origin="registry")}


def public_page(template: str, **context):
    return render(template, me=None, done=None, problem=None, **context)


@router.get("/program/registry")
def registry_lists(request: Request, as_of: Optional[Day] = None):
    public = Actor.public()
    with site_of(request).read() as session:
        context = {
            "figures": registry_figures(session, as_of),
            "pending": views.public_pending(session, public),
            "participating": views.public_participating(session, public),
        }
    return public_page("program/registry.html", **context, models=catalog().models, as_of=as_of.isoformat() if as_of else "")


@router.get("/program/registry/applications/{application_id}")
def public_application(request: Request, application_id: RecordId):
    with site_of(request).read() as session:
        application = views.public_application(session, Actor.public(), application_id)
    return public_page("program/public_application.html", application=application, models=catalog().models)
