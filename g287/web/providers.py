"""What the site takes from parts of g287 that are built separately: maps and coverage (g287.geo), history
(g287.history) and the document archive (g287.documents).

Each function here returns None when its provider is not installed, and the pages and the API then omit that
part: no placeholder figure, no empty chart. When a provider arrives, wiring it is this file only; the
signatures below are the ones the providers publish.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any, Callable

from sqlalchemy.orm import Session

from g287.db.models.registry import Publication


def provider(module: str, name: str) -> Callable | None:
    """The function `name` of `module`, or None when that part of g287 is not installed."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(found, name, None)


def available() -> dict[str, bool]:
    """Which optional parts the site can show (the about page and /api/v1 say so)."""
    return {
        "maps": provider("g287.geo", "render_map") is not None,
        "coverage": provider("g287.geo", "coverage") is not None,
        "diff": provider("g287.history", "diff") is not None,
        "timeline": provider("g287.history", "timeline") is not None,
        "agency_history": provider("g287.history", "agency_history") is not None,
        "pending_pipeline": provider("g287.history", "pending_pipeline") is not None,
        "documents": provider("g287.documents", "documents_of_agency") is not None,
    }


def render_map(session: Session, level: str, as_of: dt.date | None, model: str | None = None, measure: str = "moas", state: str | None = None) -> str | None:
    """An SVG choropleth (level "state" or "county") as of a date; the caller sanitizes it (see svg.safe_svg)."""
    function = provider("g287.geo", "render_map")
    return None if function is None else function(session, level, as_of, model, measure, state)


def coverage(session: Session, as_of: dt.date | None, vintage: int | None = None, model: str | None = None) -> dict | None:
    """Keys counties_total, counties_with_county_agency, counties_with_any_agency, states_with_agreement, by_state."""
    function = provider("g287.geo", "coverage")
    return None if function is None else function(session, as_of, vintage, model)


def diff(session: Session, from_pub: Publication, to_pub: Publication) -> dict | None:
    """Keys added, removed, renamed, signed_date_changed, from_pending, to_pending: lists of objects naming the
    state, agency, model and the details."""
    function = provider("g287.history", "diff")
    return None if function is None else function(session, from_pub, to_pub)


def timeline(session: Session, state: str | None = None, model: str | None = None, every: str = "day") -> list[dict] | None:
    function = provider("g287.history", "timeline")
    return None if function is None else function(session, state=state, model=model, every=every)


def agency_history(session: Session, agency_id: int) -> Any | None:
    """The agency's agreements' lifecycles (first pending, first participating, ended, reinstated...)."""
    function = provider("g287.history", "agency_history")
    return None if function is None else function(session, agency_id)


def pending_pipeline(session: Session) -> Any | None:
    """Durations from first pending listing to first participating listing, per model and state."""
    function = provider("g287.history", "pending_pipeline")
    return None if function is None else function(session)


def documents_of_agency(session: Session, agency_id: int) -> list | None:
    function = provider("g287.documents", "documents_of_agency")
    return None if function is None else function(session, agency_id)
