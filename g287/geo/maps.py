"""Choropleth maps of the program, drawn by g287 itself, offline: one SVG string per call.

`render_map` is what the command (`g287 map`) and the web pages call. The geometry is pre-projected (Albers USA,
Alaska and Hawaii as insets), simplified and quantized at build time (g287/geo/build.py), so drawing a map is
only choosing a class per shape and joining strings. Every shape carries its FIPS code(s) (`data-fips`) and a
`<title>` ("Hillsborough County, FL — 3 MOAs: JEM, TFM, WSO": MOAs as ICE counts them, one per row) for screen readers and mouse-over; the
legend is text (a shape drawn for several counties: g287/geo/drawn_together.py); every text is escaped and there is no script or external reference, so the SVG is safe to
inline in HTML. Classes and colours: g287/data/geo/map.toml.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import textwrap
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy.orm import Session

from g287.catalog import catalog
from g287.errors import G287Error
from g287.geo import reference
from g287.geo.drawn_together import classify, group_of, legend_entries, legend_swatch, legend_text, parts_text, stripe_patterns, striped_sets
from g287.geo.coverage import (
    UNMATCHED_BY_THE_COMMAND, check_model, counties_clause, county_breakdown, coverage_of, listings_located_text, located_listings, not_located_counts,
    participating_publication, sentence, why_not_located,
)
from g287.registry.figures import MODELS
from g287.registry.publications import distinct_label, named_apart, whose
from g287.wording import counted, is_of, noun, quoted
from g287.xmlchars import xml_escaped

LEVELS = ("state", "county")
MEASURES = ("moas", "coverage")
WIDTH = 975  # px: the layout of the projected geometry
MAP_HEIGHT = 610
HEADER = 84
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
SINGULAR = {"counties": "county", "states": "state"}


@cache
def shapes() -> dict:
    return json.loads((reference.GEO_DIR / "shapes.json").read_text(encoding="utf-8"))


@cache
def map_classes() -> dict:
    with open(reference.GEO_DIR / "map.toml", "rb") as handle:
        return tomllib.load(handle)


def esc(text) -> str:
    """Escape for SVG text and attribute values (quotes included), without the characters XML cannot hold: one
    control character in a file name made the whole SVG unreadable (no PNG, no fact sheet); nor a bidirectional
    override raw; a carriage return as &#13;, read back as a line feed when raw (see g287.xmlchars)."""
    return _escaped_text(text) if isinstance(text, str) else xml_escaped(text)


# A national county map escapes some 10,000 texts, nearly all the same from one render to the next (each county's
# name, "no MOAs", "1 MOA: JEM"): kept, they are escaped once per process. Bounded: a map's texts and some to spare.
@functools.lru_cache(maxsize=16384)
def _escaped_text(text: str) -> str:
    return xml_escaped(text)


@dataclass
class Feature:
    """One shape on the map and what it stands for."""

    key: str  # the shape's id in shapes.json
    path: str
    fips: list[str]  # the FIPS codes it stands for (a county, several drawn together, or a state)
    label: str
    value: float
    description: str
    css_class: int = 0
    marker: bool = False
    # Each county's own value, when the shape is drawn for several: the legend counts every county in its own class,
    # and the shape is painted in it, or striped in their classes (g287/geo/drawn_together.py).
    values: list[float] | None = None
    stripes: tuple[int, ...] | None = None  # the classes of its counties, when they fall in several


@dataclass
class MapData:
    title: str
    subtitle: list[str]
    features: list[Feature]
    classes: list[list]
    unit: str  # what the legend counts: "counties" | "states"
    caption: list[str]
    notes: list[str] = field(default_factory=list)
    view: tuple[float, float, float] | None = None  # map units -> px: translate x, y, then scale (None: the nation)
    legend_title: str | None = None  # what the legend's classes measure, when their labels alone do not say


def _models_text(models: Counter, counts: bool) -> str:
    parts = []
    for model in sorted(models, key=lambda m: (m not in MODELS, m)):
        n = models[model]
        if counts:
            parts.append(f"{model} {n:,}")
        else:
            parts.append(model if n == 1 else f"{model} ×{n}")
    return ", ".join(parts)


def _moas(n: int, models: Counter, *, counts: bool = False) -> str:
    if n == 0:
        return "no MOAs"
    return f"{n:,} MOA{'s' if n != 1 else ''}: {_models_text(models, counts)}"


# How every figure names the list it comes from (the maps, the pages, the fact sheet), in one wording. ICE replaces
# its lists every few days and this registry may hold none of the latest: a figure headlined "as of" today read as
# today's while it was a list's of months before.


def date_text(day: dt.date) -> str:
    """"9 July 2025"."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


# `apart` and `named`: a list that another list of its series shares its date and half with (ICE's list of 3 July
# 2025, pm, and its __v2) is named by its file too, as its distinct label names it (publications.distinct_label):
# ", participatingAgencies07032025pm__v2.xlsx" after its date and half; any other list as before.


def list_title(published: dt.date, apart: str = "") -> str:
    """The short name of a participating list, for a map's or the fact sheet's title: "ICE's list of 9 July 2025"."""
    return f"ICE's list of {date_text(published)}{apart}"


def list_name(kind: str, published: dt.date, half: str | None, whose: str = "ICE's", apart: str = "") -> str:
    """"ICE's participating list of 9 July 2025 (am)"."""
    return f"{whose} {kind} list of {date_text(published)}" + (f" ({half})" if half else "") + apart


def publication_name(publication, named: str | None = None) -> str:
    """list_name of a stored publication (ICE's or this registry's own); `named`: its distinct label."""
    return list_name(publication.kind, publication.published_on, publication.half, whose(publication), named_apart(publication, named))


def list_lead(publication, as_of: dt.date | None, named: str | None = None) -> str:
    """The opening of a headline, before its figures: which list they come from, and why that one. Without a date
    chosen, the latest held ("In ICE's participating list of 9 July 2025 (am), the latest this registry holds");
    with one, the list in force on it ("In force on 1 June 2025, ICE's participating list of 29 May 2025 (am)").
    `named`: the list's distinct label."""
    if as_of is None:
        return f"In {publication_name(publication, named)}, the latest this registry holds"
    return f"In force on {date_text(as_of)}, {publication_name(publication, named)}"


def age_note(publication, as_of: dt.date | None, today: dt.date, newest: bool = True) -> str | None:
    """How old the list shown is, when the figures may not be those of the day they are read for. With no date
    chosen: the latest list held, when it is not today's. With a date chosen: the newest list held (`newest`), when
    it is older than the date (ICE may have published lists since that the registry does not hold). None otherwise
    (a list in force on a date before a later list held is the one in force then; a list of the day is the day's)."""
    if publication is None:
        return None
    if as_of is None:
        if publication.published_on >= today:
            return None
        age = (today - publication.published_on).days
        return (
            f"ICE replaces its lists every few days; the newest {publication.kind} list this registry holds was published on "
            f"{date_text(publication.published_on)}, {counted(age, 'day')} before today: these are not today's figures."
        )
    if not newest or publication.published_on >= as_of:
        return None
    age = (as_of - publication.published_on).days
    after_today = f" {date_text(as_of)} is after today." if as_of > today else ""
    return (
        f"ICE replaces its lists every few days; the newest {publication.kind} list this registry holds was published on "
        f"{date_text(publication.published_on)}, {counted(age, 'day')} before the date chosen: ICE may have published lists "
        f"since that this registry does not hold.{after_today}"
    )


def render_map(
    session: Session,
    level: str,
    as_of: dt.date | None = None,
    model: str | None = None,
    measure: str = "moas",
    state: str | None = None,
    *,
    map_id: str | None = None,
    web: bool = False,
) -> str:
    """The SVG of a choropleth map: `level` "state" or "county"; `measure` "moas" (MOAs as ICE counts
    them) or "coverage"; `state` (a USPS code) draws only that state's counties. `web`: for a reader of the site
    (the fact sheet), who is pointed to its method page rather than to a command. Raises G287Error (NotFound)
    when no participating list is in force on the date, or for a bad argument."""
    data, ident = _map_data(session, level, as_of, model, measure, state, map_id, web=web)
    return _svg(data, ident)


@dataclass
class MapFigure:
    """A map for a web page: the shapes alone as SVG, and its texts for the page to set beside it in HTML.

    Drawn inside the SVG, the title, legend and caption shrink with the map: 12 units became about 4 px on a
    phone. Set in HTML they keep the page's type size at any width, and they reflow and print as text."""

    svg: str  # the map area only, with its title and, as its description, the source and the counties drawn
    title: str
    subtitle: list[str]
    legend: list[dict]  # {"colour", "text", "count"} per class, in order
    unit: str  # what the legend counts: "counties" | "states"
    caption: list[str]
    notes: list[str]
    legend_title: str | None = None
    # (phrase, address): the caption's phrase the page makes a link (the method page listing unmatched counties)
    caption_link: tuple[str, str] | None = None
    striped: list[dict] = field(default_factory=list)  # the legend's entries for striped shapes (drawn_together.legend_entries)


def map_figure(
    session: Session,
    level: str,
    as_of: dt.date | None = None,
    model: str | None = None,
    measure: str = "moas",
    state: str | None = None,
    *,
    map_id: str | None = None,
) -> MapFigure:
    """The map `render_map` draws, as a MapFigure (same arguments, same errors)."""
    data, ident = _map_data(session, level, as_of, model, measure, state, map_id, web=True)
    counts = classify(data)
    legend = [{"colour": colour, "text": _legend_text(data, index, counts), "count": counts.get(index, 0)} for index, (_l, _h, _t, colour) in enumerate(data.classes)]
    link = (UNMATCHED_ON_THE_WEB, "/about#unmatched") if any(UNMATCHED_ON_THE_WEB in line for line in data.caption) else None
    return MapFigure(_map_only_svg(data, ident), data.title, data.subtitle, legend, data.unit, data.caption, data.notes, data.legend_title, link, legend_entries(data, ident))


def check_arguments(level: str, measure: str, state: str | None, model: str | None):
    """The model's code and the state's reference entry (None for the nation) of a map's arguments; G287Error for a
    bad one (whether or not a list is in force: `g287 map` refuses it even when it has no list to draw)."""
    if level not in LEVELS:
        raise G287Error(f"unknown map level {quoted(level)}: state or county")
    if measure not in MEASURES:
        raise G287Error(f"unknown measure {quoted(measure)}: moas or coverage")
    if state is not None and level != "county":
        raise G287Error("a state's map shows its counties: use the county level")
    model = check_model(model)
    info = reference.state_info(state) if state is not None else None
    if info is not None and info.category == "territory":
        raise G287Error(f"no county map of {info.name}: the registry holds no boundaries of the territories")
    return model, info


def _map_data(session: Session, level: str, as_of, model, measure: str, state, map_id, *, web: bool = False) -> tuple[MapData, str]:
    model, info = check_arguments(level, measure, state, model)
    publication = participating_publication(session, as_of)
    vintage = reference.vintage_on(as_of)  # today's with no date, as coverage counts it
    listings = located_listings(session, publication, vintage.name, model)
    figures = coverage_of(publication, vintage, listings, model, as_of)
    source = list_title(publication.published_on, named_apart(publication, distinct_label(publication)))
    if level == "county":
        data = _county_map(figures, listings, vintage, measure, info, source, web)
    else:
        data = _state_map(figures, listings, measure, source, web)
    ident = map_id or "g287map-" + hashlib.sha1(f"{level}|{figures['as_of']}|{model}|{measure}|{state}|{publication.id}".encode()).hexdigest()[:8]
    return data, ident


UNMATCHED_ON_THE_WEB = "listed on the method page"


def _headline_lines(figures: dict, info, web: bool = False, listed=()) -> list[str]:
    # The command's reader can run the command; the site's reader finds the texts on the method page.
    unmatched_hint = UNMATCHED_ON_THE_WEB if web else UNMATCHED_BY_THE_COMMAND
    if info is not None:
        s = figures["by_state"][info.usps]
        not_drawn = s["listings_not_located"]
        # Why a state's listings are not on its county map, each reason counted (one reason for them all is said once,
        # of them all): Hartford County, Connecticut, was matched but is no county of the 2022 vintage.
        why = f": {why_not_located(not_drawn, not_located_counts(listed, info.usps), figures['vintage'], unmatched_hint)}" if not_drawn else ""
        # A count of 0 is said as none: "California: no MOA", not "0 MOAs ... 0 listings are not on the map".
        moas = f"{counted(s['moas'], 'MOA')} (as ICE counts them: one per row)" if s["moas"] else "no MOA"
        drawn = f" {counted(not_drawn, 'listing')} {noun(not_drawn, 'is', 'are')} not on the map{why}." if not_drawn else " Every listing is on the map." if s["moas"] else ""
        text = f"{info.name}: {moas}. {counties_clause(s['counties_with_county_agency'], s['counties_with_any_agency'], s['counties_total'], s['percent'], not_drawn, start=True)}.{drawn}"
        return [text]
    listings = figures["listings"]
    territories = figures["territories_with_agreement"]
    # The territories are counted apart from the states (as in `g287 stats`), and said beside them.
    elsewhere = f" and {len(territories)} {'territory' if len(territories) == 1 else 'territories'} ({', '.join(territories)})" if territories else ""
    counties = counties_clause(figures["counties_with_county_agency"], figures["counties_with_any_agency"], figures["counties_total"], figures["percent"], listings["total"] - listings["located"], start=True)
    # No listing (a model the list has none of) is said as none, as the counties are: not "0 MOAs ... in 0 of 51 states".
    moas = (
        f"{counted(listings['total'], 'MOA')} (as ICE counts them: one per row) in {figures['states_with_agreement']} of {figures['states_total']} states (50 and DC){elsewhere}"
        if listings["total"] else f"No MOA in any of the {figures['states_total']} states (50 and DC){elsewhere}"
    )
    return [
        f"{moas}. {counties}.",
        sentence(listings_located_text(listings, figures["vintage"], unmatched_hint)) + ".",
    ]


def _subtitle(figures: dict) -> list[str]:
    publication = figures["publication"]
    half = f" {publication['half']}" if publication["half"] else ""
    return [
        f"Source: ICE, list of participating agencies published {publication['published']}{half} ({publication['publication']}).",
        f"Counties: Census {figures['vintage']} vintage ({figures['counties_total']:,}); boundaries: Census 2017 (us-atlas). Map: g287.",
    ]


def _title(kind: str, measure: str, figures: dict, info, source: str) -> str:
    """The map's title names the list drawn (`source`: its list_title), never the day asked about: a map of July's
    list titled "as of" a day in November read as November's."""
    where = f" in {info.name}" if info is not None else ""
    model = f", {catalog().models[figures['model']].name} ({figures['model']}) only" if figures["model"] else ""
    if measure == "coverage" and kind == "state":
        # "287(g) coverage" in percent painted states holding MOAs (only state or municipal agencies) as 0%: the
        # title says what the percentage counts.
        return f"Share of each state's counties with a participating county agency (TYPE County){model}, {source}"
    if measure == "coverage":
        return f"Counties by the participating agencies located in them{where}{model}, {source}"
    return f"287(g) MOAs by {kind}{where}{model}{', in' if model else ' in'} {source}"


_NO_MODELS: Counter = Counter()  # a county with no MOA's models; never changed


def _county_map(figures: dict, listings, vintage, measure: str, info, source: str, web: bool = False) -> MapData:
    geometry = shapes()
    breakdown = county_breakdown(listings)
    groups: dict[str, list[reference.County]] = {}
    not_drawn = []
    for county in sorted(reference.counties_in(vintage.name).values(), key=lambda c: c.fips):
        if info is not None and county.usps != info.usps:
            continue
        if not county.shape:
            not_drawn.append(county)
            continue
        groups.setdefault(county.shape, []).append(county)
    config = map_classes()[measure]["county"]
    classes = config["classes"]
    features = []
    notes = []
    for key, members in groups.items():
        if key.startswith("state:"):
            shape = geometry["states"][key.split(":", 1)[1]]
        else:
            shape = geometry["counties"][key]
        entries = [breakdown.get(c.fips) for c in members]
        if len(members) == 1:  # most shapes: their county's own entry, no sums (a render makes 3,000 of them)
            entry = entries[0]
            moas, models, county_agency = (entry["moas"], entry["models"], entry["county_agency"]) if entry else (0, _NO_MODELS, False)
        else:
            moas = sum(e["moas"] for e in entries if e)
            models = sum((e["models"] for e in entries if e), Counter())
            county_agency = any(e and e["county_agency"] for e in entries)
        if measure == "moas":
            value = moas
            description = _moas(moas, models)
            values = [e["moas"] if e else 0 for e in entries]
        else:
            value = 2 if county_agency else (1 if moas else 0)
            description = classes[int(value)][2] + ("; " + _moas(moas, models) if moas else "")
            values = [(2 if e["county_agency"] else 1) if e and e["moas"] else 0 for e in entries]
        if len(members) == 1:
            label = members[0].label()
        else:
            if measure == "moas":
                own = [_moas(e["moas"], e["models"]) if e else _moas(0, _NO_MODELS) for e in entries]
            else:
                own = [classes[v][2] + ("; " + _moas(e["moas"], e["models"]) if e and e["moas"] else "") for v, e in zip(values, entries)]
            names = " and ".join(c.name for c in members) if len(members) <= 3 else f"the {len(members)} {members[0].kind}s of {reference.states()[members[0].usps].name}"
            label = f"{names[0].upper()}{names[1:]}, {members[0].usps} (drawn together: {members[0].shape_note})"
            # Each county's own figure: the shape is painted in their class, or striped in their classes.
            description = f"together {description} ({parts_text([c.name for c in members], own)})"
            notes.append(f"{names[0].upper()}{names[1:]} ({members[0].usps}): {members[0].shape_note}; each in its own class, striped where they differ: {parts_text([c.name for c in members], own)}.")
        features.append(Feature(key, shape["d"], [c.fips for c in members], label, value, description, marker=bool(shape.get("marker")), values=values))
    markers = [f.label for f in features if f.marker]
    if markers:
        notes.append(f"Smaller than the map's grid, drawn as small squares: {', '.join(markers)}.")
    if not_drawn:
        notes.append(f"Not drawn (no boundaries bundled): {', '.join(c.label() for c in not_drawn)}.")
    territories = figures["territories_with_agreement"]
    if territories and info is None:
        notes.append("Territories are not drawn; MOAs there: " + ", ".join(f"{k} {v}" for k, v in territories.items()) + ".")
    data = MapData(
        title=_title("county", measure, figures, info, source),
        subtitle=_subtitle(figures),
        features=features,
        classes=classes,
        unit="counties",
        caption=_headline_lines(figures, info, web, listings),
        notes=notes,
        legend_title="Counties by the participating agencies located in them (by their listed county)" if measure == "coverage" else None,
    )
    if info is not None:
        data.view = _fit([geometry["counties"][k]["bbox"] if not k.startswith("state:") else geometry["states"][k.split(":", 1)[1]]["bbox"] for k in groups])
    return data


def _state_map(figures: dict, listings, measure: str, source: str, web: bool = False) -> MapData:
    geometry = shapes()
    by_fips = {s.fips: s for s in reference.states().values()}
    models_by_state: dict[str, Counter] = {}
    for x in listings:
        if x.state:
            models_by_state.setdefault(x.state, Counter())[x.model or "unknown"] += 1
    classes = map_classes()[measure]["state"]["classes"]
    features = []
    for fips, shape in sorted(geometry["states"].items()):
        info = by_fips.get(fips)
        if info is None:
            continue
        s = figures["by_state"].get(info.usps)
        moas = s["moas"] if s else 0
        listed = _moas(moas, models_by_state.get(info.usps, Counter()), counts=True)
        if measure == "moas":
            value, description = moas, listed
        else:
            value = s["percent"]["counties_with_county_agency"] or 0
            description = f"{s['counties_with_county_agency']} of {s['counties_total']} {noun(s['counties_total'], 'county', 'counties')} ({value}%) with a participating county-level agency; {listed}"
        features.append(Feature(fips, shape["d"], [fips], info.name, value, description))
    notes = ["States are counted by the STATE column of ICE's list; " + _not_on_state_map(figures)]
    territories = figures["territories_with_agreement"]
    if territories:
        notes.append("Territories are not drawn; MOAs there: " + ", ".join(f"{k} {v}" for k, v in territories.items()) + ".")
    caption = _headline_lines(figures, None, web)
    legend_title = None
    if measure == "coverage":
        legend_title = "Percent of the state's counties in which a participating agency of TYPE County is located"
        caption = [_not_counted_in_coverage(figures)] + caption
    return MapData(_title("state", measure, figures, None, source), _subtitle(figures), features, classes, "states", caption, notes, legend_title=legend_title)


def _not_counted_in_coverage(figures: dict) -> str:
    """The states the coverage map paints 0% although the list gives them MOAs (all of them state or municipal
    agencies, or agencies whose county is not located), from the data."""
    zero = [usps for usps, s in figures["by_state"].items() if s["moas"] and s["counties_total"] and not s["counties_with_county_agency"]]
    return (
        "State and municipal agencies are not counted here: a state at 0% may still have MOAs "
        f"(in this list: {', '.join(zero) if zero else 'none'})."
    )


def _not_on_state_map(figures: dict) -> str:
    """Whether every listing is on the state map, counted: a listing in a territory (not drawn) or whose STATE
    names no known state (#N/A, a misspelling) is on no shape."""
    in_territories = sum(figures["territories_with_agreement"].values())
    unknown = figures["listings"]["state_unknown"]
    if not in_territories and not unknown:
        return "every listing is on this map."
    parts = [f"{in_territories:,} in territories" if in_territories else "", f"{unknown:,} whose state is not known" if unknown else ""]
    missing = in_territories + unknown
    total = figures["listings"]["total"]
    return f"{missing:,} of {total:,} {noun(total, 'listing')} {is_of(missing, total)} not on this map ({' and '.join(p for p in parts if p)})."


@cache
def _national_view() -> tuple[float, float, float]:
    geometry = shapes()
    return _fit([shape["bbox"] for shape in geometry["states"].values()])


def _fit(boxes: list[list[int]]) -> tuple[float, float, float]:
    """Translate and scale that fit map-unit bounding boxes into the map area, with a margin."""
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[2] for b in boxes)
    y1 = max(b[3] for b in boxes)
    margin = 12
    scale = min((WIDTH - 2 * margin) / max(x1 - x0, 1), (MAP_HEIGHT - 2 * margin) / max(y1 - y0, 1))
    tx = (WIDTH - (x1 - x0) * scale) / 2 - x0 * scale
    ty = (MAP_HEIGHT - (y1 - y0) * scale) / 2 - y0 * scale
    return (round(tx, 3), round(ty, 3), round(scale, 6))


def _wrap(text: str, width: int = 140) -> list[str]:
    return textwrap.wrap(text, width=width) or [""]


def _legend_text(data: MapData, index: int, counts: Counter) -> str:
    n = counts.get(index, 0)
    return f"{data.classes[index][2]} ({n:,} {data.unit if n != 1 else SINGULAR[data.unit]})"


def _shapes(data: MapData, top: float, ident: str) -> list[str]:
    """The map area's shapes (and the nation's borders), drawn `top` px below the top of the SVG."""
    national = data.view is None
    tx, ty, scale = _national_view() if national else data.view
    thin = 0.35 / scale  # county borders, px -> map units
    out = [f'<g transform="translate({tx} {ty + top}) scale({scale})">', *stripe_patterns(data, ident, scale)]
    # The shapes are drawn in the order of data.features, by FIPS code (a shape drawn for several counties at its
    # first), and never grouped by class: on the site each shape is a link, and Tab follows the document's order.
    # Grouped by class, Tab went through the light shapes and then the dark ones, in no order a reader could foresee.
    # FIPS order is the order of the pages' own tables: the states table follows states.csv (alphabetical by name,
    # which is FIPS order: Alabama 01 ... Wyoming 56) and a state's counties table lists them by FIPS, in a column of
    # their own (Miami-Dade, 12086, between Martin and Monroe, not among the D's). The drawing is the same but for the
    # blending of the pixels along shared borders: every shape has the same thin white edge, whichever of two
    # neighbours is painted last, and the three Virginia cities drawn as small squares (51610, 51678, 51685) come
    # after the counties around them (and under no later shape). Consecutive shapes of one class share a group
    # holding their fill (a shape drawn for several counties of several classes: a pattern of their colours).
    for _fill, group in itertools.groupby(data.features, key=lambda f: (f.css_class, f.stripes)):
        run = list(group)
        out.append(group_of(run[0], data, ident) + f' stroke="#ffffff" stroke-width="{thin:.3g}" stroke-linejoin="round">')
        out.append("".join(f'<path data-fips="{esc(" ".join(f.fips))}" d="{f.path}"><title>{esc(f.label)} — {esc(f.description)}</title></path>' for f in run))
        out.append("</g>")
    geometry = shapes()
    if national:
        out.append(f'<path d="{geometry["state_borders"]}" fill="none" stroke="#ffffff" stroke-width="{1.6 / scale:.3g}" stroke-linejoin="round" aria-hidden="true"/>')
        out.append(f'<path d="{geometry["state_borders"]}" fill="none" stroke="#555555" stroke-width="{0.6 / scale:.3g}" stroke-linejoin="round" aria-hidden="true"/>')
        out.append(f'<path d="{geometry["nation_outline"]}" fill="none" stroke="#555555" stroke-width="{0.6 / scale:.3g}" stroke-linejoin="round" aria-hidden="true"/>')
    out.append("</g>")
    return out


def _map_only_svg(data: MapData, ident: str) -> str:
    """The map area alone: its title, and the source and counties drawn as its description (the page sets the
    caption and the notes beside it, where they are read once)."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(ident)}" viewBox="0 0 {WIDTH} {MAP_HEIGHT}" width="{WIDTH}" height="{MAP_HEIGHT}" '
        f'role="img" aria-labelledby="{esc(ident)}-title {esc(ident)}-desc">',
        f'<title id="{esc(ident)}-title">{esc(data.title)}</title><desc id="{esc(ident)}-desc">{esc(" ".join(data.subtitle))}</desc>',
    ]
    out += _shapes(data, 0, ident)
    out.append("</svg>")
    return "\n".join(out)


def _svg(data: MapData, ident: str) -> str:
    counts = classify(data)
    out: list[str] = []
    legend_items = []  # (x, row, text): items flow left to right, wrapping to the next row
    x, row = 12.0, 0
    striped = striped_sets(data)  # after the classes, an entry for each set of classes a shape is striped in
    for text in [_legend_text(data, index, counts) for index in range(len(data.classes))] + [legend_text(data, stripes) for stripes in striped]:
        width = 22 + 7.0 * len(text) + 24  # swatch, text at ~7 px per character, gap
        if x > 12 and x + width > WIDTH - 12:
            x, row = 12.0, row + 1
        legend_items.append((x, row, text))
        x += max(width, 200)
    legend_rows = row + 1
    caption_lines = [line for text in data.caption for line in _wrap(text)]
    note_lines = [line for text in data.notes for line in _wrap(text, 160)]
    heading = 20 if data.legend_title else 0  # the line saying what the classes measure, above them
    title_lines = _wrap(data.title, 84)  # bold 19 px: a longer line runs off the map's width
    header = HEADER + 23 * (len(title_lines) - 1)
    legend_top = header + MAP_HEIGHT + 10 + heading
    caption_top = legend_top + 22 * legend_rows + 12
    height = caption_top + 16 * len(caption_lines) + 13 * len(note_lines) + 10
    description = " ".join(data.caption + data.notes)
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(ident)}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{esc(ident)}-title {esc(ident)}-desc" font-family="{esc(FONT)}">'
    )
    out.append(f'<title id="{esc(ident)}-title">{esc(data.title)}</title><desc id="{esc(ident)}-desc">{esc(description)}</desc>')
    out.append(f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>')
    for i, line in enumerate(title_lines):
        out.append(f'<text x="12" y="{26 + 23 * i}" font-size="19" font-weight="bold" fill="#111111">{esc(line)}</text>')
    for i, line in enumerate(data.subtitle):
        out.append(f'<text x="12" y="{48 + 23 * (len(title_lines) - 1) + 15 * i}" font-size="11.5" fill="#333333">{esc(line)}</text>')
    out += _shapes(data, header, ident)
    if data.legend_title:
        out.append(f'<text x="12" y="{legend_top - 8}" font-size="12" font-weight="bold" fill="#111111">{esc(data.legend_title)}</text>')
    out.append(f'<g class="g287-legend" role="list" aria-label="Legend: {esc(data.unit)} per class">')
    for index, (_low, _high, _label, colour) in enumerate(data.classes):
        x, row, text = legend_items[index]
        y = legend_top + 22 * row
        out.append(
            f'<g role="listitem" class="g287-legend-item" data-class="{index}" data-count="{counts.get(index, 0)}">'
            f'<rect x="{x:g}" y="{y}" width="16" height="14" fill="{esc(colour)}" stroke="#777777" stroke-width="0.5"/>'
            f'<text x="{x + 22:g}" y="{y + 11.5}" font-size="12" fill="#111111">{esc(text)}</text></g>'
        )
    for (x, row, text), stripes in zip(legend_items[len(data.classes):], striped):  # counting nothing: no data-count
        out.append(
            f'<g role="listitem" class="g287-legend-item g287-legend-together" data-classes="{" ".join(map(str, stripes))}">{legend_swatch(data, ident, stripes, x, legend_top + 22 * row, 16, 14, 0.5)}'
            f'<text x="{x + 22:g}" y="{legend_top + 22 * row + 11.5}" font-size="12" fill="#111111">{esc(text)}</text></g>'
        )
    out.append("</g>")
    y = caption_top
    for line in caption_lines:
        out.append(f'<text x="12" y="{y + 11}" font-size="12" fill="#111111">{esc(line)}</text>')
        y += 16
    for line in note_lines:
        out.append(f'<text x="12" y="{y + 10}" font-size="10" fill="#444444">{esc(line)}</text>')
        y += 13
    out.append("</svg>")
    return "\n".join(out)
