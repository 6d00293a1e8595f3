"""SVG drawn by the site (the chart of MOAs over time) and SVG inlined from elsewhere (the maps), made safe.

The chart is built as XML elements, so every text in it is escaped by the serializer. An SVG produced by
another part of g287 (a map) is parsed and re-serialized keeping only drawing elements and attributes: no
script, no event handler, no foreign content, no link leaving the site.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from markupsafe import Markup

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
    return Markup(ET.tostring(root, encoding="unicode"))


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
    return Markup(ET.tostring(root, encoding="unicode"))


MODEL_COLORS = {"JEM": "#1b6ca8", "TFM": "#b34a1f", "WSO": "#2e7d32", "all": "#444444"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def time_chart(points: list[dict], series: list[str], *, title: str, description: str, width: int = 720, height: int = 300) -> Markup:
    """A step chart over a time axis: the figure of each list holds from its publication until the next one.

    `points` are dicts with "date" (dt.date), "label" (the publication's date and half), "source" (its file) and
    "values" {series name: number}; every dot carries a <title> naming its value and its publication."""
    svg = ET.Element(f"{{{SVG_NS}}}svg", {"viewBox": f"0 0 {width} {height}", "role": "img", "aria-labelledby": "chart-title chart-desc", "class": "chart"})
    ET.SubElement(svg, f"{{{SVG_NS}}}title", {"id": "chart-title"}).text = title
    ET.SubElement(svg, f"{{{SVG_NS}}}desc", {"id": "chart-desc"}).text = description
    left, right, top, bottom = 56, 104, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p["values"].get(s) or 0 for p in points for s in series] or [0]
    top_value = _nice_ceiling(max(values))
    first, last = points[0]["date"], points[-1]["date"]
    span = max((last - first).days, 1)

    def x(day) -> float:
        return left + (plot_w * (day - first).days / span if last > first else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / top_value

    axis = ET.SubElement(svg, f"{{{SVG_NS}}}g", {"class": "axis", "aria-hidden": "true"})
    for step in range(5):
        value = top_value * step / 4
        ET.SubElement(axis, f"{{{SVG_NS}}}line", {"x1": str(left), "x2": str(left + plot_w), "y1": f"{y(value):.1f}", "y2": f"{y(value):.1f}", "class": "grid"})
        ET.SubElement(axis, f"{{{SVG_NS}}}text", {"x": str(left - 6), "y": f"{y(value) + 4:.1f}", "text-anchor": "end"}).text = f"{value:,.0f}"
    previous_year = None
    for tick in _ticks(first, last):
        ET.SubElement(axis, f"{{{SVG_NS}}}line", {"x1": f"{x(tick):.1f}", "x2": f"{x(tick):.1f}", "y1": str(top + plot_h), "y2": str(top + plot_h + 5), "class": "tick"})
        text = f"{tick.day} {MONTHS[tick.month - 1]}" + (f" {tick.year}" if tick.year != previous_year else "")
        previous_year = tick.year
        ET.SubElement(axis, f"{{{SVG_NS}}}text", {"x": f"{x(tick):.1f}", "y": str(height - bottom + 20), "text-anchor": "middle"}).text = text
    for name in series:
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
        ET.SubElement(group, f"{{{SVG_NS}}}text", {"x": f"{x(last) + 8:.1f}", "y": f"{y(final) + 4:.1f}", "fill": color, "class": "series-label"}).text = f"{name} {final:,}"
    ET.register_namespace("", SVG_NS)
    return Markup(ET.tostring(svg, encoding="unicode"))


def _ticks(first, last) -> list:
    """Dates for the x axis: the 1st and 15th of each month over a short span, month starts over a longer one."""
    days = (last - first).days
    result = []
    cursor = dt.date(first.year, first.month, 1)
    while cursor <= last:
        for day in ((1, 15) if days <= 120 else (1,)):
            tick = cursor.replace(day=day)
            if first <= tick <= last:
                result.append(tick)
        cursor = dt.date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    if len(result) > 12:
        result = result[:: -(-len(result) // 12)]
    return result or [first]


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        if value <= step * 4:
            return step * 4
    return value * 1.1
