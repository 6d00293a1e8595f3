"""Reviewed defects of geography and the exports, each on a real database with lists written by the test: listings
of an unknown state are counted as not located everywhere; characters XML cannot hold never break a map; the
fact sheet's title, figures and map share one date and say which states they count; a territory has no county
list."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from pypdf import PdfReader

from g287.exports.factsheet import factsheet, factsheet_pdf
from g287.geo.coverage import coverage
from g287.geo.maps import render_map
from g287.geo.raster import svg_to_png
from g287.registry import figures
from g287.registry.counties import county_figures
from g287.registry.ingest import ingest_file
from g287.registry.queries import publications_in_force
from tests.geo.constructed import HEADER, PUBLISHED, ingest_constructed

SVG = "{http://www.w3.org/2000/svg}"
HILLSBOROUGH = ["FLORIDA", "Hillsborough County Sheriff's Office", "County", "Hillsborough County", "Jail Enforcement Model", "2025-07-20", "link pending"]
UNKNOWN_STATES = [
    ["#N/A", "Somewhere Police Department", "Municipality", "Hillsborough", "Task Force Model", "2025-07-20", "link pending"],
    ["NARNIA", "Other Police Department", "Municipality", "", "Task Force Model", "2025-07-20", "link pending"],
]


def write_list(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def ingest_rows(db, actor, path, rows, day):
    return ingest_file(db, write_list(path, rows), actor, kind="participating", published=(day, "am"))


def notes_of(svg: str) -> str:
    return ET.fromstring(svg).find(f"{SVG}desc").text


def moas_drawn(svg: str) -> int:
    """The MOAs the shapes of a map stand for, read from their titles ("Florida — 1 MOA: JEM 1")."""
    titles = [p.find(f"{SVG}title").text for p in ET.fromstring(svg).iter(f"{SVG}path") if p.find(f"{SVG}title") is not None]
    return sum(int(m[1].replace(",", "")) for t in titles if (m := re.search(r" — ([\d,]+) MOAs?:", t)))


def date_text(day: dt.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def test_listings_of_an_unknown_state_are_not_located_everywhere(db, actor, tmp_path):
    with_unknown, known_only = dt.date(2025, 7, 26), dt.date(2025, 7, 27)
    ingest_rows(db, actor, tmp_path / "unknown.csv", [HILLSBOROUGH] + UNKNOWN_STATES, with_unknown)
    ingest_rows(db, actor, tmp_path / "known.csv", [HILLSBOROUGH], known_only)
    with db.session() as session:
        covered = coverage(session, with_unknown)["listings"]
        assert (covered["total"], covered["located"], covered["state_unknown"]) == (3, 1, 2)
        counties = county_figures(session, publications_in_force(session, with_unknown))
        assert counties["listings_not_located"]["participating"] == covered["total"] - covered["located"] == 2
        assert counties["counties_with_agreement"] == 1
        florida = county_figures(session, publications_in_force(session, with_unknown), state="FL")
        assert florida["listings_not_located"]["participating"] == 0  # a state's figures: only its own listings
        drawn = render_map(session, "state", with_unknown)
        complete = render_map(session, "state", known_only)
    assert "every listing is on this map" not in drawn
    assert "2 of 3 listings are not on this map (2 whose state is not known)." in notes_of(drawn)
    assert moas_drawn(drawn) == 1  # only the Florida listing is on a shape
    assert "every listing is on this map." in notes_of(complete)
    import json

    from g287.exports.geojson import states_geojson

    with db.session() as session:
        states = json.loads(states_geojson(session, publications_in_force(session, with_unknown)))
    on_features = sum(f["properties"]["moas"] for f in states["features"])
    assert on_features == 1 and states["listings_of_no_known_state"] == {"participating": 2, "pending": None}  # no pending list held: null, not 0


def test_the_state_map_counts_listings_of_territories_as_not_on_it(db, tmp_path):
    ingest_constructed(db, tmp_path)  # ten listings in six states, one in Puerto Rico
    with db.session() as session:
        svg = render_map(session, "state", PUBLISHED)
    assert "1 of 11 listings is not on this map (1 in territories)." in notes_of(svg)


def test_control_characters_never_break_a_map_its_png_or_the_fact_sheet(db, actor, tmp_path):
    # A file name is rendered in every map's source line; \x01 and \x0b are characters XML 1.0 cannot hold (a
    # list's cells cannot carry them: reading refuses a text with control characters).
    name = "ctl\x01name\x0b.csv"
    ingest_rows(db, actor, tmp_path / name, [HILLSBOROUGH], dt.date(2025, 7, 27))
    with db.session() as session:
        svgs = [render_map(session, "state"), render_map(session, "county"), render_map(session, "county", state="FL")]
        sheet = factsheet(session)
    for svg in svgs + [sheet["map_svg"]]:
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", svg)
        subtitle = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text and t.text.startswith("Source: ICE")]
        assert subtitle and "(ctl name .csv)" in subtitle[0]
        assert svg_to_png(svg)[:4] == b"\x89PNG"
    text = PdfReader(io.BytesIO(factsheet_pdf(sheet))).pages[0].extract_text()
    assert "ctl name .csv" in text and PdfReader(io.BytesIO(factsheet_pdf(sheet))).pages[0].images


def test_the_fact_sheet_title_figures_and_map_share_one_date_and_say_which_states(db, tmp_path):
    ingest_constructed(db, tmp_path)
    today = dt.date.today()
    with db.session() as session:
        latest = factsheet(session)
        dated = factsheet(session, PUBLISHED)
        ice_states = figures.stats(session)["participating"]["states"]
    assert ice_states == 6  # the 50 states and DC: Puerto Rico is counted apart, as a territory
    for sheet, day in ((latest, today), (dated, PUBLISHED)):
        assert sheet["as_of"] == sheet["stats"]["as_of"] == day.isoformat()
        # The title, the map's and the sheet's, names the list drawn (the one in force on the day), never the day.
        assert ET.fromstring(sheet["map_svg"]).find(f"{SVG}title").text.endswith(f"in ICE's list of {date_text(PUBLISHED)}")
        assert sheet["stats"]["participating"]["states"] == 6 and sheet["stats"]["participating"]["territories"] == 1
        assert "7 MOAs" not in notes_of(sheet["map_svg"])
        assert "in 6 of 51 states (50 and DC) and 1 territory (PR)." in notes_of(sheet["map_svg"])
        text = " ".join(PdfReader(io.BytesIO(factsheet_pdf(sheet))).pages[0].extract_text().split())
        assert f"The 287(g) program in ICE's list of {date_text(PUBLISHED)}" in text and "as of" not in text
        assert "6 states (and 1 territory)" in text and "6 states and 1 territory listed" in text
        assert "States are the 50 states and DC; the territories the rows name (PR) are counted apart, and are not drawn on the map." in text
    # The fact sheet's page says the same as its PDF.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from g287.web.app import create_app

    page = " ".join(re.sub(r"<[^>]+>", " ", TestClient(create_app(db)).get("/factsheet", params={"as_of": PUBLISHED.isoformat()}).text).split())
    assert "6 states (and 1 territory)" in page and "6 states and 1 territory listed" in page
    assert "States are the 50 states and DC; the territories the rows name (PR) are counted apart, and are not drawn on the map." in page


def test_a_state_without_territories_is_still_counted_as_states(db, actor, tmp_path):
    ingest_rows(db, actor, tmp_path / "fl.csv", [HILLSBOROUGH], dt.date(2025, 7, 27))
    with db.session() as session:
        sheet = factsheet(session)
    assert sheet["cards"][2]["caption"] == "state" and sheet["territories"] == []
    text = PdfReader(io.BytesIO(factsheet_pdf(sheet))).pages[0].extract_text()
    assert "territor" not in text and "(1 state listed)" in text


def test_counties_of_a_territory_are_refused_in_one_line(tmp_path):
    """The first refusal by the console command itself (a real process: its exit status, and nothing else on stderr),
    the others in this process."""
    from tests.in_process import Result, run_g287

    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    env = dict(os.environ, G287_DATABASE_URL=database)
    refusals = [
        subprocess.run([sys.executable, "-m", "g287", "counties", "list", "PR"], capture_output=True, text=True, env=env),
        Result(*run_g287(database, "counties", "list", "gu", "--json")),
    ]
    for done in refusals:
        assert done.returncode == 1 and done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("g287: error: no county list of ")
        assert "50 states and DC only" in done.stderr
    status, out, _ = run_g287(database, "counties", "list", "DC", "--json")
    assert status == 0 and '"11001"' in out


def test_a_listing_in_petersburg_borough_lies_in_no_county_of_2000(db, actor, tmp_path):
    # The borough (02195 since 2013) took part of Hoonah-Angoon too; only the earlier census area of that code lay
    # wholly in Wrangell-Petersburg (02280), so in 2000 the listing is "not in this vintage", not Wrangell-Petersburg's.
    petersburg = ["ALASKA", "Petersburg Borough Police Department", "County", "Petersburg Borough", "Task Force Model", "2025-07-20", "link pending"]
    day = dt.date(2025, 7, 26)
    ingest_rows(db, actor, tmp_path / "petersburg.csv", [petersburg], day)
    with db.session() as session:
        in_2000, in_2022 = coverage(session, day, vintage="2000"), coverage(session, day, vintage="2022")
    assert (in_2022["counties_with_county_agency"], in_2022["listings"]["located"], in_2022["listings"]["county_not_in_vintage"]) == (1, 1, 0)
    assert (in_2000["counties_with_county_agency"], in_2000["listings"]["county_not_in_vintage"]) == (0, 1)
    assert in_2000["by_state"]["AK"]["counties_with_any_agency"] == 0
