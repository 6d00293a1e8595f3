"""API resources of the parts of g287 built separately (history: diff, timeline; geography: coverage).

They are declared only when their provider is installed (see g287.web.providers), so the OpenAPI document
never lists a resource this installation cannot answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from fastapi import APIRouter, Query, Request

from g287.registry.publications import resolve
from g287.web import providers
from g287.web.api import schemas
from g287.web.api.errors import ERROR_RESPONSES
from g287.web.app import API_PREFIX, site_of


def router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX, tags=["history and geography"], responses=ERROR_RESPONSES)
    parts = providers.available()
    if parts["diff"]:

        @api.get("/diff", response_model=dict[str, Any], summary="What changed between two publications")
        def diff(request: Request, from_: str = Query(alias="from", max_length=100), to: str = Query(max_length=100), kind: schemas.Kind = Query("participating")):
            with site_of(request).read() as session:
                return providers.diff(session, resolve(session, from_, kind), resolve(session, to, kind))

    if parts["timeline"]:

        @api.get("/timeline", response_model=list[dict[str, Any]], summary="Figures per date, from the publications in force")
        def timeline(request: Request, state: Optional[schemas.StateCode] = None, model: Optional[schemas.Model] = None, every: str = Query("day", pattern="^(day|week|month)$")):
            with site_of(request).read() as session:
                return providers.timeline(session, state, model, every)

    if parts["coverage"]:

        @api.get("/coverage", response_model=dict[str, Any], summary="Counties and states covered, as of a date")
        def coverage(request: Request, as_of: Optional[dt.date] = None, vintage: Optional[int] = Query(None), model: Optional[schemas.Model] = None):
            with site_of(request).read() as session:
                return providers.coverage(session, as_of, vintage, model)

    return api
