"""A carriage return in a text (a list's file name) is kept in every SVG g287 draws: the maps (as the command writes
them, on the fact sheet and inlined in the site's pages) and the site's trend chart. XML allows it, but written raw
it is read back as a line feed (XML 1.0, 2.11): the maps named "copy\\rof" as "copy\\nof". Escaped (&#13;), as the
Atom feed writes it (g287.xmlchars), it reads back as the registry holds it."""

from __future__ import annotations

import datetime as dt
import warnings
import xml.etree.ElementTree as ET

from g287.exports.factsheet import factsheet
from g287.geo.maps import render_map
from g287.web.svg import linked_map, safe_svg, time_chart
from tests.geo.test_review_fixes import HILLSBOROUGH, ingest_rows

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

NAME = "participating (copy\rof).csv"
DAY = dt.date(2025, 7, 27)


def texts(svg: str) -> list[str]:
    """Every text and attribute value of an SVG document, as an XML reader reads them."""
    root = ET.fromstring(svg)
    return [t for element in root.iter() for t in (element.text, *element.attrib.values()) if t]


def test_a_carriage_return_in_a_file_name_reads_back_from_every_svg(db, actor, tmp_path):
    ingest_rows(db, actor, tmp_path / NAME, [HILLSBOROUGH], DAY)
    with db.session() as session:
        maps = [render_map(session, "state"), render_map(session, "county"), render_map(session, "county", state="FL"), factsheet(session)["map_svg"]]
    chart = time_chart([{"date": DAY, "label": DAY.isoformat(), "source": NAME, "values": {"all": 1}}], ["all"], title=f"MOAs ({NAME})", description=NAME)
    drawn = maps + [str(safe_svg(maps[0])), str(linked_map(safe_svg(maps[2]), lambda fips: ("/x", NAME))), str(chart)]

    from g287.web.app import create_app

    page = TestClient(create_app(db)).get("/states/FL").text
    inlined = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    for svg in drawn + [inlined]:
        assert "\r" not in svg
        assert any("copy\rof" in text for text in texts(svg)) and not any("copy\nof" in text for text in texts(svg))
