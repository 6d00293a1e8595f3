"""What the pages share: the date and model choices, the parameters every page accepts, the trend chart (from
history's timeline) and the maps (from geography), each figure with the publication it comes from."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Optional

from fastapi import Query
from sqlalchemy.orm import Session, object_session

from g287 import days
from g287.errors import NotFound
from g287.geo import reference
from g287.geo.maps import MapFigure, age_note, date_text, list_lead, map_figure, publication_name
from g287.history.timeline import timeline
from g287.registry.figures import MODELS
from g287.registry.publications import label, labels_of, list_publications
from g287.registry.queries import agencies_as_of
from g287.sources.rules import states
from g287.web.params import ModelCode
from g287.web.render import url
from g287.web.svg import NARROW, WIDE, linked_map, safe_svg, time_chart

ModelChoice = Optional[ModelCode]  # any case, as the API and --model take it
AsOf = Query(None, description="The lists in force on this date")


def date_choices(session: Session) -> list[dict]:
    """One choice per participating publication (newest first); two published the same day share the date,
    and the later one is in force on it."""
    seen: dict[str, dict] = {}
    for publication in list_publications(session, "participating", "ice"):
        day = publication.published_on.isoformat()
        seen[day] = {"value": day, "label": label(publication), "publication_id": publication.id}
    return sorted(seen.values(), key=lambda c: c["value"], reverse=True)


def selected_date(as_of: dt.date | None) -> str:
    return as_of.isoformat() if as_of else ""


def list_heads(force, as_of: dt.date | None, labels: dict[str, str | None]) -> dict:
    """How a page's headline names the lists its figures come from, per kind ("participating", "pending"; None
    when no list of that kind is in force): `lead` opens the headline ("In ICE's participating list of 9 July
    2025 (am), the latest this registry holds"), `age` says how old the list is when its figures may not be
    those of the day (see g287.geo.maps.age_note), `name` is the list's name for a caption. `labels`: the lists'
    labels (labels_in_force, read while the session was open), by which the lead and the name give a list's file
    too when another list of its kind has its date and half ("... 3 July 2025 (pm), participatingAgencies07032025pm__v2.xlsx")."""
    today = days.today()  # one day for every note of the page (tests fix it through g287.days.today)
    heads = {}
    for kind in ("participating", "pending"):
        publication = getattr(force, kind)
        heads[kind] = None if publication is None else {
            "lead": list_lead(publication, as_of, labels[kind]),
            "age": age_note(publication, as_of, today, force.is_newest(kind)),
            "name": publication_name(publication, labels[kind]),
        }
    return heads


def labels_in_force(force) -> dict[str, str | None]:
    """The label of each list in force, by kind (None when none is), naming its file too when another list of its
    kind has its date and half (distinct_label: "2025-07-03 pm, participatingAgencies07032025pm__v2.xlsx"): for a
    table's caption, which is read apart from the page's source line that gives the file. Called while the
    session is open (labels_of reads the lists' peers: one query for both kinds, where distinct_label read each
    kind's apart)."""
    lists = {kind: getattr(force, kind) for kind in ("participating", "pending")}
    held = [publication for publication in lists.values() if publication is not None]
    session = object_session(held[0]) if held else None
    labels = labels_of(session, held) if session is not None else {publication.id: label(publication) for publication in held}
    return {kind: None if publication is None else labels[publication.id] for kind, publication in lists.items()}


def lists_named(heads: dict, as_of: dt.date | None) -> str:
    """The lists in force named for a table's caption: "ICE's participating list of 9 July 2025 (am) and ICE's
    pending list of 11 July 2025 (am)", with the day they are in force on when one is chosen (and a list's file,
    as list_heads names it, when another list of its kind has its date and half)."""
    names = [h["name"] for h in (heads["participating"], heads["pending"]) if h]
    text = " and ".join(names) if names else "no list of ICE's"
    return text + (f", in force on {date_text(as_of)}" if as_of else "")


def state_choices() -> list[dict]:
    return [{"usps": s.usps, "name": s.name} for s in states()]


def pending_agencies(session: Session, force, filters) -> list:
    """Every agency the pending list in force lists (its agreements with status pending, as the API gives them),
    with the participating agreements the participating list in force gives it beside them: the same agencies
    the pending figures count, whether or not they also participate."""
    if force.pending is None:
        return []
    agencies = agencies_as_of(session, force, filters, "pending")
    participating = {a.id: a for a in agencies_as_of(session, force, filters, "participating")} if force.participating else {}
    order = {m: i for i, m in enumerate(MODELS)}
    for agency in agencies:
        other = participating.get(agency.id)
        if other is not None:
            agency.agreements = sorted(other.agreements + agency.agreements, key=lambda a: (order.get(a.model, 9), a.status != "participating"))
            agency.status = "participating and pending"
    return agencies


def trend(session: Session, force, *, state: str | None = None, model: str | None = None) -> list[dict]:
    """The figures of each of ICE's participating lists up to the one in force (history's timeline, one entry
    per publication date): date, publication, MOAs, agreements, agencies, states and MOAs by model."""
    if force.participating is None:
        return []
    entries = timeline(session, state=state, model=model, every="publication", end=force.participating.published_on)
    same_day = earlier_lists_of_the_day(session)
    points = []
    for entry in entries:
        source = entry.get("participating_publication")
        if not source or source["published"] != entry["date"]:
            continue  # a date on which only a pending list was published: the participating figures did not change
        points.append(
            {
                "date": dt.date.fromisoformat(entry["date"]),
                "label": entry["date"] + (f" {source['half']}" if source["half"] else ""),
                "named": source["label"],  # its distinct label: also its file when another list has its date and half
                "source": source["file"],
                "publication_id": source["publication_id"],
                "moas": entry["participating_moas"],
                "agreements": entry["agreements"],
                "agencies": entry["agencies"],
                "states": entry["states"],
                "territories": entry["territories"],
                "by_model": entry["by_model"],
                "values": dict(entry["by_model"]),
                # The lists of ICE's published earlier the same day, which this one replaced: not points of the trend,
                # and named beside it, so that no list of ICE's is left out unsaid (the feed gives each its entry).
                "replaced_same_day": same_day.get(source["publication_id"], []),
            }
        )
    return points


def earlier_lists_of_the_day(session: Session) -> dict[int, list[dict]]:
    """For each of ICE's participating lists, those published before it the same day (oldest first), with their
    MOAs: the trend keeps the last list of each day, as the latest changes compare it with the day before."""
    by_day: dict[dt.date, list] = {}
    for publication in list_publications(session, "participating", "ice"):
        by_day.setdefault(publication.published_on, []).append(publication)
    return {
        later.id: [{"publication_id": p.id, "file": p.file_name, "moas": p.listing_count} for p in day[:i]]
        for day in by_day.values()
        for i, later in enumerate(day)
    }


def trend_chart(points: list[dict], model: str | None, where: str = ""):
    """The SVG step chart of MOAs by model (or of one model) over time, drawn twice: wide, and narrow for a phone
    (site.css shows the one that fits its box, with no script); None for fewer than two lists."""
    if len(points) < 2:
        return None
    series = [model] if model else list(MODELS)
    what = f"{model} MOAs" if model else "MOAs by model"
    # The ends by their distinct labels: "to 2025-07-03 pm" was either of ICE's two files of that half-day.
    title = f"{what}{where} in ICE's participating lists, {points[0]['named']} to {points[-1]['named']}"
    last = points[-1]
    description = (
        f"{len(points)} lists. Latest ({last['label']}, {last['source']}): "
        + ", ".join(f"{m} {last['values'].get(m) or 0:,}" for m in series)
        + f". First ({points[0]['named']}): " + ", ".join(f"{m} {points[0]['values'].get(m) or 0:,}" for m in series) + "."
    )
    wide = time_chart(points, series, title=title, description=description, layout=WIDE, chart_id="chart")
    return wide + time_chart(points, series, title=title, description=description, layout=NARROW, chart_id="chart-narrow")


def national_map(session: Session, level: str, as_of: dt.date | None, model: str | None) -> MapFigure | None:
    """The national map (state or county level) as of a date; the state map links each state to its page."""
    try:
        figure = map_figure(session, level, as_of, model, "moas", None, map_id=f"map-{level}")
    except NotFound:
        return None  # no participating list in force on the date: the page says so
    if level != "state":
        return safe_figure(figure)  # 3,000 links would make the page tedious to move through; the state table links the states
    by_fips = {s.fips: s for s in reference.states().values()}

    def link(codes: list[str]):
        info = by_fips.get(codes[0])
        return (url(f"/states/{info.usps}", as_of=as_of.isoformat() if as_of else None, model=model), info.name) if info else None

    return safe_figure(figure, link)


def state_map(session: Session, usps: str, as_of: dt.date | None, model: str | None) -> MapFigure | None:
    """A state's county map, each county linked to its page."""
    try:
        figure = map_figure(session, "county", as_of, model, "moas", usps, map_id=f"map-{usps.lower()}")
    except NotFound:
        return None

    def link(codes: list[str]):
        if len(codes) != 1:
            return None  # shapes drawn for several counties (Connecticut's planning regions) have no one page
        county = reference.county(codes[0])
        return url(f"/counties/{county.fips}", as_of=as_of.isoformat() if as_of else None, model=model), county.label()

    return safe_figure(figure, link)


def safe_figure(figure: MapFigure, link=None) -> MapFigure | None:
    """The figure with its SVG reduced to drawing (and its shapes made links by `link`); its texts are escaped
    where the page sets them."""
    svg = safe_svg(figure.svg)
    if svg is None:
        return None
    # The legend's striped swatches are SVG drawn by drawn_together.legend_entries: reduced to drawing as the map is.
    striped = [{**item, "swatch": safe_svg(item["swatch"])} for item in figure.striped]
    return dataclasses.replace(figure, svg=linked_map(svg, link) if link else svg, striped=striped)
