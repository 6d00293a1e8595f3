"""The pending page: the agencies on ICE's pending list in force, and history's pipeline: how long agreements
waited on the pending list before ICE listed them as signed (per model and state), those that left the pending
list without being listed as signed, and those still pending."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request

from g287.geo.maps import date_text
from g287.history.listings import publications as series_publications
from g287.history.pipeline import observable_spans, observation_window, pipeline
from g287.registry.publications import list_publications
from g287.registry.queries import Filters, figures_by_publication, figures_of, listings, publications_in_force, state_name
from g287.web.app import site_of
from g287.web.pages.common import AsOf, ModelChoice, labels_in_force, list_heads, pending_agencies, selected_date
from g287.web.render import render
from g287.web.params import Day

router = APIRouter()


def for_model(items: list[dict], model: str | None) -> list[dict]:
    return [i for i in items if model is None or i["model"] == model]


@router.get("/pending")
def pending_page(request: Request, as_of: Optional[Day] = AsOf, model: ModelChoice = None):
    filters = Filters(model=model)
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        rows = listings(session, force.pending, filters) if force.pending else []
        agencies = pending_agencies(session, force, filters)  # every agency the headline counts
        series = figures_by_publication(session, "pending", filters)
        # Every section below the headline is of the page's date: the pipeline of the lists published on or before
        # it (both kinds), as if no later list were held; without a date, of every list held.
        flow = pipeline(session, as_of=as_of)
        pending_publications = list_publications(session, "pending", "ice")
        held = {kind: series_publications(session, kind, "ice", as_of) for kind in ("participating", "pending")}
        # The table of every pending list ends at the one in force on the page's date, as the home page's trend does:
        # a list published later is no list of that date.
        shown = {p.id for p in held["pending"]}
        series = [s for s in series if s["publication_id"] in shown]
        window = observation_window(held["participating"] + held["pending"])
        if window:
            window = dict(window, first=date_text(window["first"]), last=date_text(window["last"]))
        labels = labels_in_force(force)
        # The pipeline's last list, named as history names its first (its date and half, and its file when another
        # list has them): "2025-05-15 am to 2025-07-11 am", not "2025-05-15 am to ICE's pending list of 2025-07-11 am (...)".
        latest_pending = held["pending"][-1].ref if held["pending"] else None
        choices = [{"value": p.published_on.isoformat(), "label": p.published_on.isoformat() + (f" {p.half}" if p.half else "")} for p in reversed(pending_publications)]
    if flow.get("durations"):
        durations = flow["by_model"].get(model, {}) if model else flow["durations"]
        flow = dict(
            flow,
            shown=durations,
            moved=for_model(flow["moved"], model),
            moved_pending_before_first_publication=for_model(flow["moved_pending_before_first_publication"], model),
            left_without_signing=for_model(flow["left_without_signing"], model),
            pending_after_participating=for_model(flow["pending_after_participating"], model),
            stayed_pending_after_participating=for_model(flow["stayed_pending_after_participating"], model),
            still_pending=for_model(flow["still_pending"], model),
        )
        flow["spans"], flow["unobservable"] = observable_spans(durations.get("to_listed", {}).get("distribution", {}), window["days"])
        # The table names the states: in their names' order, the unknown last (by code it read "North Carolina,
        # Nebraska"); the JSON keeps the codes' order.
        flow["by_state"] = dict(sorted(flow["by_state"].items(), key=lambda item: (item[0] == "unknown", state_name(item[0]) or item[0])))
    return render(
        "pending.html",
        force=force,
        labels=labels,
        heads=list_heads(force, as_of, labels),
        window=window,
        figures=figures_of(rows),
        agencies=agencies,
        series=series,
        pipeline=flow if flow.get("durations") else None,
        latest_pending=latest_pending,
        pipeline_as_of=date_text(as_of) if as_of else None,  # the date the pipeline is cut at, in words (None: every list held)
        choices=choices,
        as_of=selected_date(as_of),
        model=model,
    )
