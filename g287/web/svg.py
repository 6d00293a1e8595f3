"""SVG drawn by the site (the chart of MOAs over time) and SVG inlined from elsewhere, made safe.

The chart is built as XML elements, so every text in it is escaped by the serializer. An SVG produced by
another part of g287 (a map) is parsed and re-serialized keeping only drawing elements and attributes: no
script, no event handler, no foreign content, no link leaving the site.
"""

from __future__ import annotations

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


MODEL_COLORS = {"JEM": "#1b6ca8", "TFM": "#c0562b", "WSO": "#2e7d32"}


def line_chart(points: list[dict], series: list[str], *, title: str, width: int = 720, height: int = 300) -> Markup:
    """A line chart of figures per publication: points are dicts with "label" (x), and a value per series name
    under points[i]["values"]; every point carries a <title> naming its value and publication."""
    svg = ET.Element(f"{{{SVG_NS}}}svg", {"viewBox": f"0 0 {width} {height}", "role": "img", "aria-labelledby": "chart-title", "class": "chart"})
    ET.SubElement(svg, f"{{{SVG_NS}}}title", {"id": "chart-title"}).text = title
    left, right, top, bottom = 56, 96, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p["values"].get(s, 0) for p in points for s in series] or [0]
    top_value = _nice_ceiling(max(values))
    n = len(points)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / top_value

    axis = ET.SubElement(svg, f"{{{SVG_NS}}}g", {"class": "axis", "aria-hidden": "true"})
    for step in range(5):
        value = top_value * step / 4
        ET.SubElement(axis, f"{{{SVG_NS}}}line", {"x1": str(left), "x2": str(left + plot_w), "y1": f"{y(value):.1f}", "y2": f"{y(value):.1f}", "class": "grid"})
        ET.SubElement(axis, f"{{{SVG_NS}}}text", {"x": str(left - 6), "y": f"{y(value) + 4:.1f}", "text-anchor": "end"}).text = f"{value:,.0f}"
    shown = {0, n - 1} | set(range(0, n, max(1, n // 6)))
    for i, point in enumerate(points):
        if i in shown:
            ET.SubElement(axis, f"{{{SVG_NS}}}text", {"x": f"{x(i):.1f}", "y": str(height - bottom + 18), "text-anchor": "middle"}).text = point["short"]
    for name in series:
        color = MODEL_COLORS.get(name, "#444")
        group = ET.SubElement(svg, f"{{{SVG_NS}}}g", {"class": f"series series-{name.lower()}"})
        coordinates = " ".join(f"{x(i):.1f},{y(p['values'].get(name, 0)):.1f}" for i, p in enumerate(points))
        ET.SubElement(group, f"{{{SVG_NS}}}polyline", {"points": coordinates, "fill": "none", "stroke": color, "stroke-width": "2.5"})
        for i, point in enumerate(points):
            dot = ET.SubElement(group, f"{{{SVG_NS}}}circle", {"cx": f"{x(i):.1f}", "cy": f"{y(point['values'].get(name, 0)):.1f}", "r": "4", "fill": color})
            ET.SubElement(dot, f"{{{SVG_NS}}}title").text = f"{name}: {point['values'].get(name, 0):,} on {point['label']} ({point['source']})"
        if points:
            last = points[-1]["values"].get(name, 0)
            ET.SubElement(group, f"{{{SVG_NS}}}text", {"x": f"{x(n - 1) + 8:.1f}", "y": f"{y(last) + 4:.1f}", "fill": color, "class": "series-label"}).text = f"{name} {last:,}"
    ET.register_namespace("", SVG_NS)
    return Markup(ET.tostring(svg, encoding="unicode"))


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        if value <= step * 4:
            return step * 4
    return value * 1.1
