"""SVG drawn by the site (the chart of MOAs over time) and SVG inlined from elsewhere (the maps), made safe.

The chart is built as XML elements, so every text in it is escaped by the serializer. An SVG produced by
another part of g287 (a map) is parsed and re-serialized keeping only drawing elements and attributes: no
script, no event handler, no foreign content, no link leaving the site.
"""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from markupsafe import Markup

from g287.xmlchars import xml_serialized

SVG_NS = "http://www.w3.org/2000/svg"
ALLOWED_ELEMENTS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title", "desc",
    "a", "defs", "clipPath", "linearGradient", "radialGradient", "stop", "pattern", "use", "symbol", "marker", "mask",
}
ALLOWED_ATTRIBUTES = {
    "id", "class", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "points",
    "viewBox", "preserveAspectRatio", "transform", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width",
    "stroke-opacity", "stroke-linejoin", "stroke-linecap", "stroke-dasharray", "opacity", "font-size", "font-family",
    "font-weight", "text-anchor", "dominant-baseline", "role", "aria-label", "aria-labelledby", "aria-hidden",
    "focusable", "tabindex", "clip-path", "mask", "offset", "stop-color", "stop-opacity", "gradientUnits",
    "patternUnits", "markerWidth", "markerHeight", "refX", "refY", "orient", "href", "dx", "dy", "vector-effect",
    "shape-rendering", "data-fips", "data-state", "data-value", "data-model", "lang",
}


def safe_svg(text: str | None) -> Markup | None:
    """An SVG document reduced to drawing: safe to inline in a page."""
    if not text:
        return None
    ET.register_namespace("", SVG_NS)
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    _clean(root)
    if _local(root.tag) != "svg":
        return None
    return Markup(xml_serialized(root))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _clean(element: ET.Element) -> None:
    for child in list(element):
        if _local(child.tag) not in ALLOWED_ELEMENTS or (child.tag.startswith("{") and not child.tag.startswith("{" + SVG_NS)):
            element.remove(child)
        else:
            _clean(child)
    for name in list(element.attrib):
        local = _local(name)
        value = element.attrib[name]
        if local not in ALLOWED_ATTRIBUTES or (local == "href" and not _local_link(value)) or "javascript:" in value.lower():
            del element.attrib[name]


def _local_link(value: str) -> bool:
    """A fragment or a path on this site (a map's shapes may link to state and county pages)."""
    return value.startswith("#") or (value.startswith("/") and not value.startswith("//"))


def linked_map(svg: Markup | None, link_of) -> Markup | None:
    """A sanitized map whose shapes become links: `link_of(fips_codes)` gives (href, label) or None for each
    shape. The root's role becomes "group" (an image's children are not operable), and each link is named."""
    if svg is None:
        return None
    root = ET.fromstring(str(svg))
    root.set("role", "group")
    for parent in list(root.iter()):
        for index, child in enumerate(list(parent)):
            if _local(child.tag) != "path" or "data-fips" not in child.attrib:
                continue
            target = link_of(child.attrib["data-fips"].split())
            if target is None:
                continue
            href, label = target
            anchor = ET.Element(f"{{{SVG_NS}}}a", {"href": href, "aria-label": label})
            parent.remove(child)
            anchor.append(child)
            parent.insert(index, anchor)
    return Markup(xml_serialized(root))


MODEL_COLORS = {"JEM": "#1b6ca8", "TFM": "#b34a1f", "WSO": "#2e7d32", "all": "#444444"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHAR_WIDTH = 7  # about the width of a character of the chart's 12-unit text (site.css), bold digits included


@dataclass(frozen=True)
class ChartLayout:
    """Where a time chart draws its parts, in its own units; its text is 12 units high (site.css) whatever its width."""

    name: str  # its class, chart-NAME: the page's style shows the chart that fits
    width: int
    plot_height: int
    left: int  # room for the figures of the y axis
    right: int  # room for each line's latest figure, at its end, unless they are in a legend
    ticks: int  # the most dates on the x axis
    legend: bool = False  # each line's latest figure in a row of its own under the dates, not at the line's end
    top: int = 16
    below: int = 44  # room for the dates of the x axis


# Drawn 720 units wide, a chart's text is 11 px and more from 660 px; a phone's screen is about half that. The narrow
# chart is drawn 320 units wide for it (its text is 10.5 px at 280 px), its lines' latest figures in a legend under
# the dates, where a line's end leaves no room for them, and fewer dates on its axis.
WIDE = ChartLayout(name="wide", width=720, plot_height=240, left=56, right=104, ticks=12)
NARROW = ChartLayout(name="narrow", width=320, plot_height=180, left=44, right=12, ticks=3, legend=True)
LEGEND_ROW = 20


def time_chart(points: list[dict], series: list[str], *, title: str, description: str, layout: ChartLayout = WIDE, chart_id: str = "chart") -> Markup:
    """A step chart over a time axis: the figure of each list holds from its publication until the next one.

    `points` are dicts with "date" (dt.date), "label" (the publication's date and half), "source" (its file) and
    "values" {series name: number}; every dot carries a <title> naming its value and its publication. `chart_id`
    names its title and description (chart_id-title, chart_id-desc): one per chart of the page."""
    values = [p["values"].get(s) or 0 for p in points for s in series] or [0]
    top_value, y_step = y_axis(max(values))
    width, top, plot_h = layout.width, layout.top, layout.plot_height
    left = max(layout.left, len(f"{top_value:,.0f}") * CHAR_WIDTH + 8)  # the y axis's highest figure, whole
    plot_w = width - left - layout.right
    height = top + plot_h + layout.below + (LEGEND_ROW * len(series) if layout.legend else 0)
    svg = ET.Element(
        f"{{{SVG_NS}}}svg",
        {"viewBox": f"0 0 {width} {height}", "role": "img", "aria-labelledby": f"{chart_id}-title {chart_id}-desc", "class": f"chart chart-{layout.name}"},
    )
    ET.SubElement(svg, f"{{{SVG_NS}}}title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, f"{{{SVG_NS}}}desc", {"id": f"{chart_id}-desc"}).text = description
    first, last = points[0]["date"], points[-1]["date"]
    span = max((last - first).days, 1)

    def x(day) -> float:
        return left + (plot_w * (day - first).days / span if last > first else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / top_value

    axis = ET.SubElement(svg, f"{{{SVG_NS}}}g", {"class": "axis", "aria-hidden": "true"})
    for value in range(0, top_value + 1, y_step):
        ET.SubElement(axis, f"{{{SVG_NS}}}line", {"x1": str(left), "x2": str(left + plot_w), "y1": f"{y(value):.1f}", "y2": f"{y(value):.1f}", "class": "grid"})
        ET.SubElement(axis, f"{{{SVG_NS}}}text", {"x": str(left - 6), "y": f"{y(value) + 4:.1f}", "text-anchor": "end"}).text = f"{value:,.0f}"
    previous_year = None
    for tick in _ticks(first, last, layout.ticks):
        ET.SubElement(axis, f"{{{SVG_NS}}}line", {"x1": f"{x(tick):.1f}", "x2": f"{x(tick):.1f}", "y1": str(top + plot_h), "y2": str(top + plot_h + 5), "class": "tick"})
        text = f"{tick.day} {MONTHS[tick.month - 1]}" + (f" {tick.year}" if tick.year != previous_year else "")
        previous_year = tick.year
        ET.SubElement(axis, f"{{{SVG_NS}}}text", {"x": f"{x(tick):.1f}", "y": str(top + plot_h + 20), "text-anchor": _anchor(x(tick), text, width)}).text = text
    for row, name in enumerate(series):
        color = MODEL_COLORS.get(name, "#444444")
        group = ET.SubElement(svg, f"{{{SVG_NS}}}g", {"class": f"series series-{name.lower()}", "data-model": name})
        steps = []
        for i, point in enumerate(points):
            value = point["values"].get(name) or 0
            if i:
                steps.append(f"{x(point['date']):.1f},{y(points[i - 1]['values'].get(name) or 0):.1f}")
            steps.append(f"{x(point['date']):.1f},{y(value):.1f}")
        ET.SubElement(group, f"{{{SVG_NS}}}polyline", {"points": " ".join(steps), "fill": "none", "stroke": color, "stroke-width": "2.5"})
        for point in points:
            value = point["values"].get(name) or 0
            dot = ET.SubElement(group, f"{{{SVG_NS}}}circle", {"cx": f"{x(point['date']):.1f}", "cy": f"{y(value):.1f}", "r": "4", "fill": color})
            ET.SubElement(dot, f"{{{SVG_NS}}}title").text = f"{name}: {value:,} on {point['label']} ({point['source']})"
        final = points[-1]["values"].get(name) or 0
        if layout.legend:  # a row under the dates: the line's colour, its name and its latest figure
            row_y = top + plot_h + layout.below + LEGEND_ROW * row
            ET.SubElement(group, f"{{{SVG_NS}}}line", {"x1": str(left), "x2": str(left + 20), "y1": str(row_y - 4), "y2": str(row_y - 4), "stroke": color, "stroke-width": "2.5"})
            ET.SubElement(group, f"{{{SVG_NS}}}text", {"x": str(left + 26), "y": str(row_y), "fill": color, "class": "series-label"}).text = f"{name} {final:,}"
        else:
            ET.SubElement(group, f"{{{SVG_NS}}}text", {"x": f"{x(last) + 8:.1f}", "y": f"{y(final) + 4:.1f}", "fill": color, "class": "series-label"}).text = f"{name} {final:,}"
    ET.register_namespace("", SVG_NS)
    return Markup(xml_serialized(svg))


def _anchor(at: float, text: str, width: int) -> str:
    """How a date of the x axis is set at its tick: centred, unless that would draw it past an edge of the chart
    (the narrow chart has no margin beyond its last date): then it ends, or starts, at the tick."""
    half = len(text) * CHAR_WIDTH / 2
    if at + half > width:
        return "end"
    return "start" if at - half < 0 else "middle"


def _ticks(first, last, most: int = 12) -> list:
    """Dates for the x axis: the 1st and 15th of each month over a short span, month starts over a longer one; at
    most `most` of them."""
    days = (last - first).days
    result = []
    cursor = dt.date(first.year, first.month, 1)
    while cursor <= last:
        for day in ((1, 15) if days <= 120 else (1,)):
            tick = cursor.replace(day=day)
            if first <= tick <= last:
                result.append(tick)
        cursor = dt.date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    if len(result) > most:
        result = result[:: -(-len(result) // most)]
    return result or [first]


MOST_Y_STEPS = 8  # gridlines above 0 at most: more crowd the phone's 180-unit plot
_STEPS = (1, 2, 5, 25)  # nice steps, times powers of ten (25, not 2.5: the figures are counts, written whole)


def y_axis(maximum: float) -> tuple[int, int]:
    """The top of the y axis and its step: the smallest multiple of a nice step at or above `maximum` in at most
    MOST_Y_STEPS steps (291: 300 in steps of 50; four steps always, as before, drew 400 in steps of 100), and of the
    steps that reach it, the one nearest five steps (1,000 in steps of 200, not 100 or 500). 0 is 1, one step."""
    if maximum <= 0:
        return 1, 1
    found: list[tuple[int, int, int]] = []  # (top, distance from five steps, step)
    power = 1
    while not found or power <= found[0][0]:
        for nice in _STEPS:
            step = nice * power
            count = -(-int(math.ceil(maximum)) // step)
            if count <= MOST_Y_STEPS:
                found.append((count * step, abs(count - 5), step))
        found.sort()
        power *= 10
    top, _distance, step = found[0]
    return top, step
