"""The national county map of the real publications: one shape per county, its size, and the state pages."""

import xml.etree.ElementTree as ET

from g287.geo import reference
from g287.geo.maps import render_map

SVG = "{http://www.w3.org/2000/svg}"


def test_national_county_map(bundled_db):
    with bundled_db.session() as session:
        svg = render_map(session, "county")
    size = len(svg.encode("utf-8"))
    print(f"\nnational county map: {size / 1024:.0f} KiB")
    assert size < 600 * 1024
    root = ET.fromstring(svg)
    paths = [p for p in root.iter(f"{SVG}path") if p.get("data-fips")]
    fips = sorted(f for p in paths for f in p.get("data-fips").split())
    assert fips == sorted(reference.counties_in("2022"))
    assert all(p.find(f"{SVG}title") is not None for p in paths)
    legend = sum(int(g.get("data-count")) for g in root.iter(f"{SVG}g") if g.get("class") == "g287-legend-item")
    assert legend == 3144
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "807 MOAs" in text and "participatingAgencies07092025am.xlsx" in text
    # Listings not located in a county may add counties: the count is a lower bound, as the home page says.
    assert "At least 399 of 3,144 counties (12.69%) have a participating county-level agency" in text


def test_a_count_of_counties_is_exact_when_every_listing_is_located(bundled_db):
    from g287.geo.maps import map_figure

    with bundled_db.session() as session:
        wyoming = " ".join(map_figure(session, "county", state="WY", measure="coverage").caption)
        texas = " ".join(map_figure(session, "county", state="TX", measure="coverage").caption)
    assert "9 MOAs (as ICE counts them: one per row). 5 of 23 counties (21.74%) have a participating county-level agency" in wyoming
    assert "Every listing is on the map." in wyoming  # not "0 listings are not on the map"
    assert "118 MOAs (as ICE counts them: one per row). At least 81 of 254 counties (31.89%) have" in texas


def test_the_coverage_headline_says_its_count_of_counties_is_a_lower_bound(bundled_db):
    import datetime as dt

    from g287.geo.coverage import coverage, headline

    with bundled_db.session() as session:
        text = headline(coverage(session, as_of=dt.date(2025, 7, 9)))
    # 231 of the 807 listings are not located in a county (README's example of `g287 coverage`)
    assert text.startswith("As of 2025-07-09: at least 399 of 3,144 counties (12.69%) have a participating county-level agency;")


def test_state_pages(bundled_db):
    with bundled_db.session() as session:
        for usps in ("TX", "VA", "AK", "CT"):
            root = ET.fromstring(render_map(session, "county", state=usps))
            drawn = sorted(f for p in root.iter(f"{SVG}path") if p.get("data-fips") for f in p.get("data-fips").split())
            assert drawn == sorted(c.fips for c in reference.counties_of_state(usps))


def test_the_state_coverage_map_names_the_states_it_shows_at_zero_with_moas(bundled_db):
    # AK, IA, MA and ME hold MOAs only of state or municipal agencies: at 0% on a map of county agencies, said so.
    with bundled_db.session() as session:
        root = ET.fromstring(render_map(session, "state", measure="coverage"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "State and municipal agencies are not counted here: a state at 0% may still have MOAs (in this list: AK, IA, MA, ME)." in texts
    assert root.find(f"{SVG}title").text.endswith("(TYPE County), ICE's list of 9 July 2025")


def test_the_readme_county_map_is_what_its_command_draws(bundled_db):
    # README.md shows docs/map-counties-2025-07-09.svg as drawn by `g287 map --level county --as-of 2025-07-09`:
    # redrawn when the maps' figures or words change, else the README shows figures the registry no longer gives
    # ("399 of 3,144 counties" as an exact count, where the map now says "at least").
    import datetime as dt
    from pathlib import Path

    with bundled_db.session() as session:
        svg = render_map(session, "county", as_of=dt.date(2025, 7, 9))
    shown = (Path(__file__).resolve().parents[2] / "docs" / "map-counties-2025-07-09.svg").read_text(encoding="utf-8")
    assert shown == svg
