"""The headline figures, exactly as ICE's publications give them.

"MOAs" counts listings as ICE counts them: a row of the participating list is an MOA, duplicates included, so the
figures agree with ICE's published totals. Agencies and states are distinct counts of what the rows name.

States are the 50 states and DC; the territories (Puerto Rico, Guam, ...) are counted apart, under `territories`
(the categories are those of g287/data/reference/states.csv). None of ICE's lists held here has a territory row, so
this is ICE's count of states on every one of them ("635 MOAs in 40 states" on 29 May 2025); counted together, a
list with a Puerto Rico row said "12 states" where coverage said "11 of 51 states (50 and DC)".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287 import days
from g287.catalog import MODEL_CODES
from g287.db.models.registry import AgencyName, ListingRun, Publication, RawRow
from g287.registry import runs
from g287.registry.publications import in_force, label, replaced_same_half_day
from g287.sources.rules import states as state_records
from g287.wording import counted

MODELS = MODEL_CODES
AGENCY_TYPES = ("county", "municipality", "state_agency", "other")


@dataclass(frozen=True)
class Listed:
    """What one listing says, for counting."""

    raw_row_id: int
    state: str | None
    agency_id: int | None
    model: str | None
    agency_type: str | None


def listed(session: Session, publication: Publication) -> list[Listed]:
    """Every listing of a publication (one per source row that is a listing)."""
    query = (
        select(RawRow.id, RawRow.state_usps, AgencyName.agency_id, RawRow.model, RawRow.agency_type)
        .select_from(ListingRun)
        .join(RawRow, RawRow.id == ListingRun.raw_row_id)
        .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
        .where(runs.covering(publication.series, publication.seq))
    )
    return [Listed(*row) for row in session.execute(query)]


def states_and_territories(codes: Iterable[str | None]) -> dict[str, int]:
    """The distinct states (the 50 and DC) and territories among USPS codes, apart: {"states": n, "territories": m}.
    A code the reference does not call a territory counts as a state, so that no named place goes uncounted."""
    territory_codes = {s.usps for s in state_records() if s.category == "territory"}
    named = {code for code in codes if code}
    return {"states": len(named - territory_codes), "territories": len(named & territory_codes)}


def in_places(place_counts: dict) -> str:
    """Where listings are, in words: "7 states", "6 states and 1 territory" (`place_counts` holds "states" and, when
    any, "territories", as states_and_territories gives them)."""
    territories = place_counts.get("territories") or 0
    states = counted(place_counts["states"], "state")
    if not territories:
        return states
    return f"{states} and {counted(territories, 'territory', 'territories')}" if place_counts["states"] else counted(territories, "territory", "territories")


def by_model(rows: list[Listed]) -> dict[str, int]:
    counts = Counter(r.model for r in rows)
    result = {m: counts.get(m, 0) for m in MODELS}
    if counts.get(None):
        result["unknown"] = counts[None]
    return result


def by_agency_type(rows: list[Listed]) -> dict[str, int]:
    counts = Counter(r.agency_type for r in rows)
    result = {t: counts.get(t, 0) for t in AGENCY_TYPES}
    if counts.get(None):
        result["unknown"] = counts[None]
    return result


def describe_publication(publication: Publication) -> dict:
    return {
        "publication": publication.file_name,
        "publication_id": publication.id,
        "published": publication.published_on.isoformat(),
        "half": publication.half,
        "source": "ICE" if publication.origin == "ice" else "this registry",
    }


def participating_figures(session: Session, publication: Publication) -> dict:
    rows = listed(session, publication)
    return {
        **describe_publication(publication),
        "moas": len(rows),
        **states_and_territories(r.state for r in rows),
        "agencies": len({r.agency_id for r in rows if r.agency_id is not None}),
        "by_model": by_model(rows),
        "by_agency_type": by_agency_type(rows),
        "unknown_state": sum(1 for r in rows if not r.state),
        "unknown_agency": sum(1 for r in rows if r.agency_id is None),
    }


def pending_figures(session: Session, publication: Publication) -> dict:
    rows = listed(session, publication)
    return {
        **describe_publication(publication),
        "listings": len(rows),
        **states_and_territories(r.state for r in rows),
        "agencies": len({r.agency_id for r in rows if r.agency_id is not None}),
        "by_model": by_model(rows),
    }


def stats(session: Session, as_of: dt.date | None = None, origin: str = "ice") -> dict:
    """Figures of the participating and pending publications in force on `as_of` (default: the latest).

    `origin` chooses whose lists: ICE's ("ice", the default) or this registry's own ("registry")."""
    participating = in_force(session, "participating", as_of, origin)
    pending = in_force(session, "pending", as_of, origin)
    return {
        "as_of": (as_of or days.today()).isoformat(),
        "origin": origin,  # whose lists: said even when none is held (headline names them)
        "participating": _with_replaced(session, participating, participating_figures, "moas") if participating else None,
        "pending": _with_replaced(session, pending, pending_figures, "listings") if pending else None,
    }


def _with_replaced(session: Session, publication: Publication, count, total: str) -> dict:
    """A list's figures, with the lists of its date and half it replaced (`replaced`: their files and totals): named
    by its file alone, the list in force said nothing of the earlier list ICE published that half-day."""
    replaced = [{**describe_publication(p), total: count(session, p)[total]} for p in replaced_same_half_day(session, publication)]
    return {**count(session, publication), "replaced": replaced}


def headline(figures: dict) -> str:
    """One sentence with the figures and their sources: the participating list's, then the pending list's (before
    any participating list, the pending list in force still has its figures)."""
    p = figures.get("participating")
    q = figures.get("pending")
    if not p:
        return no_participating_list(figures["as_of"], figures.get("origin", "ice")) + (_pending_sentence(q) if q else "")
    text = (
        f"As of {figures['as_of']}: {counted(p['moas'], 'MOA')} with {counted(p['agencies'], 'agency')} in {in_places(p)} "
        f"({_model_counts(p['by_model'])}), "
        f"per {_whose(p)} participating list of {p['published']}{' ' + p['half'] if p['half'] else ''} ({p['publication']}{_replaced(p, 'moas', 'MOA')}){list_age(p, figures['as_of'])}."
    )
    return text + (_pending_sentence(q) if q else "")


def _pending_sentence(q: dict) -> str:
    """The pending list's figures, said alike whether a participating list is in force or not (the listings, the
    agencies and the states, as the site's pages say them)."""
    return f" Pending: {counted(q['listings'], 'listing')} with {counted(q['agencies'], 'agency')} in {in_places(q)}, per {_pending_source(q)}."


def _replaced(figures: dict, total: str, noun: str) -> str:
    """The clause naming the lists of the same date and half the list in force replaced, if any."""
    earlier = " and ".join(f"{r['publication']} with {counted(r[total], noun)}" for r in figures.get("replaced") or [])
    return f", which replaced an earlier list of the same half-day, {earlier}" if earlier else ""


def no_participating_list(as_of, origin: str = "ice") -> str:
    """What `stats` and `coverage` say on a date before any participating list this registry holds (ICE published
    lists long before 2025: there were lists, this registry holds none of them)."""
    whose = "this registry's own" if origin == "registry" else "ICE's"
    return f"As of {as_of}: this registry holds no participating list of {whose} published on or before that date."


def _model_counts(counts: dict[str, int]) -> str:
    """MOAs by model, with those whose model the list does not give: the three models alone summed to fewer MOAs
    than the sentence counts, the rest left unsaid (the table below it names them, as the site does)."""
    text = ", ".join(f"{m} {counts.get(m, 0):,}" for m in MODELS)
    return text + (f", model unknown {counts['unknown']:,}" if counts.get("unknown") else "")


def list_age(list_figures: dict, as_of) -> str:
    """How long before the date the list in force was published, when not that day: "As of" today over a list of
    months before must not read as today's figures (the site's pages say the same; `coverage` says it too)."""
    days = (dt.date.fromisoformat(str(as_of)) - dt.date.fromisoformat(str(list_figures["published"]))).days
    return f", published {counted(days, 'day')} before that date" if days > 0 else ""


def _pending_source(figures: dict) -> str:
    named = figures["publication"] + _replaced(figures, "listings", "listing")
    return named if figures.get("source") == "ICE" else f"this registry's pending list ({named})"


def _whose(figures: dict) -> str:
    """Whose list a figure comes from: ICE's, or this registry's own (never mixed)."""
    return "ICE's" if figures.get("source") == "ICE" else "this registry's"


__all__ = ["stats", "headline", "in_places", "states_and_territories", "list_age", "listed", "participating_figures", "pending_figures", "label"]
