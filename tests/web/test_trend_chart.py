"""The trend chart drawn narrow for a phone (g287.web.svg.NARROW): its dates, its legend and its texts within its
width, over any span of lists. (What a browser draws of it: test_browser.py.)"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from g287.web.svg import CHAR_WIDTH, MOST_Y_STEPS, NARROW, SVG_NS, WIDE, time_chart, y_axis

TEXT = f"{{{SVG_NS}}}text"


def points(first: dt.date, count: int, every: int) -> list[dict]:
    days = [first + dt.timedelta(days=every * i) for i in range(count)]
    return [
        {"date": day, "label": day.isoformat(), "source": f"list{i}.xlsx", "values": {"JEM": 90 + i, "TFM": 1_200 + 400 * i, "WSO": 200 + 9 * i}}
        for i, day in enumerate(days)
    ]


def drawn(layout, series, span_points, title="MOAs <by model>") -> ET.Element:
    return ET.fromstring(str(time_chart(span_points, series, title=title, description="A & B", layout=layout, chart_id=f"chart-{layout.name}")))


def extent(text: ET.Element) -> tuple[float, float]:
    """Where a text is drawn across, by its anchor and about the width of its characters."""
    x, width = float(text.get("x")), len(text.text) * CHAR_WIDTH
    anchor = text.get("text-anchor", "start")
    return {"start": (x, x + width), "middle": (x - width / 2, x + width / 2), "end": (x - width, x)}[anchor]


def test_the_narrow_chart_keeps_its_dates_and_figures_within_its_width():
    # Drawn as the wide chart is, the phone's chart would set up to 12 dates over 264 units, and each line's latest
    # figure beyond the line's end, where its 12 units of margin leave no room: over 14 months and 3 lines, at most 3
    # dates, set so that none runs past an edge, and a legend row per line.
    for span in (points(dt.date(2024, 5, 16), 30, 14), points(dt.date(2025, 5, 16), 6, 10), points(dt.date(2025, 6, 28), 2, 3)):
        svg = drawn(NARROW, ["JEM", "TFM", "WSO"], span)
        width, height = (float(v) for v in svg.get("viewBox").split()[2:])
        assert (width, svg.get("class"), svg.get("aria-labelledby")) == (320, "chart chart-narrow", "chart-narrow-title chart-narrow-desc")
        dates = [t for t in svg.iter(TEXT) if not t.text.replace(",", "").isdigit() and not t.get("class")]
        assert 1 <= len(dates) <= NARROW.ticks
        labels = [t for t in svg.iter(TEXT) if t.get("class") == "series-label"]
        assert [t.text for t in labels] == [f"{m} {span[-1]['values'][m]:,}" for m in ("JEM", "TFM", "WSO")]
        rows = [float(t.get("y")) for t in labels]
        assert rows == sorted(rows) and rows[0] > max(float(t.get("y")) for t in dates) and rows[-1] < height
        beyond = [t.text for t in svg.iter(TEXT) if extent(t)[0] < 0 or extent(t)[1] > width]
        assert beyond == [], f"texts past the chart's edges: {beyond}"
    wide = drawn(WIDE, ["TFM"], points(dt.date(2024, 5, 16), 30, 14))
    assert wide.get("class") == "chart chart-wide" and wide.get("aria-labelledby") == "chart-wide-title chart-wide-desc"
    assert len([t for t in wide.iter(TEXT) if t.get("class") == "series-label"]) == 1  # at its line's end, as before


def test_the_narrow_charts_texts_are_escaped():
    svg = str(time_chart(points(dt.date(2025, 5, 16), 3, 10), ["WSO"], title="<script>x</script>", description="a & b", layout=NARROW, chart_id="c"))
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt;" in svg and "a &amp; b" in svg


def y_labels(svg: ET.Element) -> list[int]:
    return [int(t.text.replace(",", "")) for t in svg.iter(TEXT) if t.get("text-anchor") == "end" and t.text.replace(",", "").isdigit()]


def test_the_y_axis_tops_at_the_smallest_nice_value_at_or_above_the_maximum():
    # Four steps always drew /models/WSO's 291 MOAs under an axis to 400 (steps of 100): a quarter of it empty.
    expected = {0: (1, 1), 1: (1, 1), 7: (7, 1), 10: (10, 2), 99: (100, 20), 100: (100, 20), 291: (300, 50), 635: (700, 100), 1_000: (1_000, 200), 3_141: (3_500, 500)}
    assert {maximum: y_axis(maximum) for maximum in expected} == expected
    for maximum, (top, step) in expected.items():
        assert top >= maximum and top % step == 0 and 1 <= top // step <= MOST_Y_STEPS
        day = dt.date(2025, 5, 16)
        span = [{"date": day + dt.timedelta(days=i), "label": str(i), "source": "x.xlsx", "values": {"WSO": maximum * i // 2}} for i in range(3)]
        for layout in (WIDE, NARROW):
            svg = drawn(layout, ["WSO"], span)
            assert y_labels(svg) == list(range(0, top + 1, step))
            plot_top, plot_bottom = layout.top, layout.top + layout.plot_height
            dots = [float(c.get("cy")) for c in svg.iter(f"{{{SVG_NS}}}circle")]
            assert len(dots) == 3 and all(plot_top <= cy <= plot_bottom for cy in dots)


def test_the_wso_page_draws_its_291_moas_under_an_axis_to_300(site):
    page = site.get("/models/WSO")
    assert page.status_code == 200
    charts = [ET.fromstring(svg) for svg in re.findall(r"<svg[^>]*class=\"chart chart-[^\"]*\".*?</svg>", page.text, re.S)]
    assert len(charts) == 2 and all(y_labels(chart) == [0, 50, 100, 150, 200, 250, 300] for chart in charts)
