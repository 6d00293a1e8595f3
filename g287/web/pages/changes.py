"""The changes page: any two publications of a list side by side: their figures and every change, agreement by
agreement (history's diff for participating lists: additions, removals with whether they are ends, renames with
the reason the names are one agency, signed dates changed, moves from and to the pending list)."""

from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Query, Request

from g287.history.diff import diff, pending_changes as pending_changes_of
from g287.registry import figures
from g287.registry.publications import distinct_label, list_publications, whose_list
from g287.registry.queries import Filters, figures_of, listings, state_name
from g287.web.api.errors import invalid_parameter
from g287.web.api.history import checked_in_order, named_publication
from g287.web.app import site_of
from g287.web.pages.common import state_choices
from g287.web.params import StateCode
from g287.web.render import TYPE_LABELS, render

router = APIRouter()


@router.get("/changes")
def changes_page(
    request: Request,
    from_: Optional[str] = Query(None, alias="from", max_length=100, description="Publication id, file name or date"),
    to: Optional[str] = Query(None, max_length=100),
    kind: Literal["participating", "pending"] = "participating",
    state: Optional[StateCode] = None,
):
    # A field sent empty or blank names no publication: as if it were not given (the form's default). Any other is
    # read as given: an id is taken only as written (" 2" is no id, as on the API), a name or date without its spaces.
    from_, to = (from_ if (from_ or "").strip() else None), (to if (to or "").strip() else None)
    with site_of(request).read() as session:
        publications = list_publications(session, kind, "ice")
        if not publications:
            return render("changes.html", kind=kind, publications=[], older=None, newer=None, rows=[], changes=None, pending_changes=None, state=state)
        # A date that is no date is a 422 naming the parameter, as on the API's diff (it was a 400 naming none).
        newer = named_publication(session, "to", to, kind) if to else publications[-1]
        # Without FROM: the list before TO (or TO itself, the first of its kind), whichever TO is.
        earlier = [p for p in publications if p.series == newer.series and p.seq < newer.seq]
        older = named_publication(session, "from", from_, kind) if from_ else (earlier[-1] if earlier else newer)
        # TO first: without FROM, the list before TO stands in for it, and is of TO's kind (a problem is TO's).
        for name, publication in (("to", newer), ("from", older)):
            if publication.kind != kind or publication.origin != "ice":
                # The publication exists: the parameter names the wrong kind of list (a 422 naming it, as in the API).
                raise invalid_parameter(name, f"publication {publication.id} is {whose_list(publication)}: this page compares ICE's {kind} lists")
        checked_in_order(older, newer)  # the pending list's changes too, as diff refuses it for the participating list
        before, after = _figures(session, older, state), _figures(session, newer, state)
        changes = diff(session, older, newer, state=state) if kind == "participating" else None
        pending_changes = pending_changes_of(session, older, newer, state=state) if kind == "pending" else None
        # The table's columns: by file too when the two (or another list) share a date and half (07/03 pm and its __v2)
        named = {p.id: distinct_label(p) for p in (older, newer)}
    rows = [{"figure": "MOAs (rows)" if kind == "participating" else "Listings (rows)", "before": before["rows"], "after": after["rows"]}]
    rows += [{"figure": name, "before": before[key], "after": after[key]} for name, key in (("Agencies", "agencies"), ("States", "states"))]
    if before["territories"] or after["territories"]:
        rows.append({"figure": "Territories", "before": before["territories"], "after": after["territories"]})
    rows += [{"figure": f"Model {m}", "before": before["by_model"].get(m, 0), "after": after["by_model"].get(m, 0)} for m in figures.MODELS]
    if kind == "participating":
        rows += [{"figure": f"Type: {TYPE_LABELS[t]}", "before": before["by_agency_type"].get(t, 0), "after": after["by_agency_type"].get(t, 0)} for t in figures.AGENCY_TYPES]
    return render(
        "changes.html", kind=kind, publications=list(reversed(publications)), older=older, newer=newer, named=named, rows=rows, changes=changes,
        pending_changes=pending_changes, state=state, state_label=state_name(state) if state else None, states=state_choices(),
    )


def _figures(session, publication, state: str | None) -> dict:
    """A publication's figures, of one state when one is chosen (the figures the changes below it are of)."""
    if state is None:
        found = (figures.participating_figures if publication.kind == "participating" else figures.pending_figures)(session, publication)
        return {**found, "rows": found["moas" if publication.kind == "participating" else "listings"]}
    return figures_of(listings(session, publication, Filters(state=state)))
