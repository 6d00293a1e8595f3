"""Coverage arithmetic and maps on a list whose answers are known by construction (both databases)."""

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET

import pytest

from g287.errors import G287Error, NotFound
from g287.geo import reference
from g287.geo.coverage import coverage
from g287.geo.maps import map_classes, map_figure, render_map
from g287.geo.raster import svg_to_png
from tests.conftest import make_database
from tests.geo.constructed import ingest_constructed

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def constructed_db(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("constructed")
    database, close = make_database(request.param, folder)
    ingest_constructed(database, folder)
    yield database
    close()


def test_coverage_arithmetic(constructed_db):
    with constructed_db.session() as session:
        result = coverage(session)
    # county-level agencies located: Hillsborough FL, Harris TX, Chugach AK, Capitol Planning Region CT
    # (Richmond VA is ambiguous: not located; the PR police has no county)
    assert result["vintage"] == "2022" and result["counties_total"] == 3144
    assert result["counties_with_county_agency"] == 4
    assert result["counties_with_any_agency"] == 5  # + Miami-Dade (a municipal agency with a county)
    assert result["states_with_agreement"] == 6  # FL TX AR VA AK CT; PR is a territory
    assert result["territories_with_agreement"] == {"PR": 1}
    assert result["percent"] == {"counties_with_county_agency": round(400 / 3144, 2), "counties_with_any_agency": round(500 / 3144, 2), "states_with_agreement": round(600 / 51, 2)}
    assert result["listings"] == {
        "total": 11,
        "located": 7,  # Hillsborough x3, Miami-Dade, Harris, Chugach, Capitol
        "no_county_text": 2,
        "no_county_text_by_type": {"state_agency": 2},
        "county_not_matched": 2,  # Bowie County (AR), Richmond (VA)
        "county_not_in_vintage": 0,
        "county_text_in_territory": 0,  # the PR police has no county text
        "state_unknown": 0,
    }
    fl = result["by_state"]["FL"]
    assert (fl["counties_total"], fl["counties_with_county_agency"], fl["counties_with_any_agency"], fl["moas"], fl["listings_not_located"]) == (67, 1, 2, 5, 1)
    assert fl["percent"] == {"counties_with_county_agency": round(100 / 67, 2), "counties_with_any_agency": round(200 / 67, 2)}
    assert result["by_state"]["CT"]["counties_total"] == 9
    assert result["by_state"]["CA"]["has_agreement"] is False and result["by_state"]["CA"]["moas"] == 0
    assert result["by_state"]["PR"]["counties_total"] is None


def test_coverage_by_model_and_vintage(constructed_db):
    with constructed_db.session() as session:
        tfm = coverage(session, model="tfm")
        old = coverage(session, vintage="2000")
        v2020 = coverage(session, vintage="2020")
        with pytest.raises(G287Error):
            coverage(session, model="XYZ")
        with pytest.raises(NotFound):
            coverage(session, as_of=dt.date(2024, 1, 1))
    assert tfm["model"] == "TFM" and tfm["listings"]["total"] == 8
    assert tfm["counties_with_county_agency"] == 3  # Hillsborough (its TFM), Chugach, Capitol
    assert tfm["counties_with_any_agency"] == 4
    # In 2000: Chugach lies in Valdez-Cordova; Connecticut's planning regions lie in no single 2000 county.
    assert old["counties_total"] == 3141
    assert old["counties_with_county_agency"] == 3 and old["listings"]["county_not_in_vintage"] == 1
    assert v2020["counties_total"] == 3143 and v2020["counties_with_county_agency"] == 3


def parse(svg: str):
    root = ET.fromstring(svg)
    paths = [p for p in root.iter(f"{SVG}path") if p.get("data-fips")]
    return root, paths


def fill_of(root, path):
    """(fill, class) of a shape: the class group it is drawn in; for a shape drawn for counties of several classes,
    (its pattern's address, the classes it is striped in)."""
    group = _parents(root)[path]
    if group.get("class") == "g287-class g287-together":
        return group.get("fill"), tuple(int(c) for c in group.get("data-classes").split())
    assert group.get("class") == "g287-class"
    return group.get("fill"), int(group.get("data-class"))


_PARENTS: dict = {}


def _parents(root):
    key = id(root)
    if key not in _PARENTS:
        _PARENTS.clear()
        _PARENTS[key] = {child: parent for parent in root.iter() for child in parent}
    return _PARENTS[key]


def test_county_map(constructed_db):
    with constructed_db.session() as session:
        svg = render_map(session, "county")
    root, paths = parse(svg)
    # Without a date: the latest list, named by the title as by the headline beside it. Both once said "as of" today
    # over a list of months before.
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "287(g) MOAs by county in ICE's list of 9 July 2025"
    assert "list of participating agencies published 2025-07-09" in svg
    # one shape per county; shapes drawn for several counties say which
    fips = [f for p in paths for f in p.get("data-fips").split()]
    assert sorted(fips) == sorted(reference.counties_in("2022"))
    assert len(paths) == 3144 - 9 + 1 - 2 + 1
    # Drawn by FIPS code (a shape drawn for several counties at its first), not grouped by class: on the site the
    # shapes are links, reached by Tab in this order.
    firsts = [p.get("data-fips").split()[0] for p in paths]
    assert firsts == sorted(firsts)
    by_fips = {p.get("data-fips"): p for p in paths}
    classes = map_classes()["moas"]["county"]["classes"]
    hillsborough = by_fips["12057"]
    assert hillsborough.find(f"{SVG}title").text == "Hillsborough County, FL — 3 MOAs: JEM, TFM ×2"
    assert fill_of(root, hillsborough) == (classes[3][3], 3)
    assert fill_of(root, by_fips["48201"]) == (classes[1][3], 1)
    assert by_fips["48201"].find(f"{SVG}title").text == "Harris County, TX — 1 MOA: WSO"
    assert fill_of(root, by_fips["06037"]) == (classes[0][3], 0)
    assert by_fips["06037"].find(f"{SVG}title").text == "Los Angeles County, CA — no MOAs"
    chugach = by_fips["02063 02066"]
    assert "drawn together" in chugach.find(f"{SVG}title").text and fill_of(root, chugach)[1] == (0, 1)  # striped: 1 MOA and none
    connecticut = next(p for p in paths if "09110" in p.get("data-fips"))
    assert len(connecticut.get("data-fips").split()) == 9 and fill_of(root, connecticut)[1] == (0, 1)
    # the legend matches the data: each class's count is the number of counties whose own MOAs fall in it. A shape
    # drawn for several counties counts each in its own class: counted by the shape's colour, Connecticut's nine
    # planning regions were nine counties with 1 MOA (and Copper River one) where only Capitol Planning Region has it.
    legend = {int(g.get("data-class")): int(g.get("data-count")) for g in root.iter(f"{SVG}g") if g.get("class") == "g287-legend-item"}
    # class "1": Harris, Miami-Dade, Chugach, Capitol Planning Region
    assert legend[1] == 4 and legend[3] == 1 and legend[0] == 3144 - 5 and sum(legend.values()) == 3144
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "1 (4 counties)" in texts and "3–4 (1 county)" in texts
    assert "11 MOAs" in texts and "4 of 3,144 counties" in texts


def test_svg_is_safe_to_inline(constructed_db):
    with constructed_db.session() as session:
        svg = render_map(session, "state")
    assert "<script" not in svg.lower() and "href" not in svg and "<style" not in svg
    assert 'list&lt;script&gt;&amp;&quot;x&quot;.csv' in svg  # the file name, escaped
    ET.fromstring(svg)


def test_state_map_and_state_page(constructed_db):
    with constructed_db.session() as session:
        states = render_map(session, "state", measure="coverage")
        florida = render_map(session, "county", state="fl", measure="coverage")
        with pytest.raises(G287Error):
            render_map(session, "state", state="FL")
        with pytest.raises(G287Error):
            render_map(session, "county", state="PR")
        with pytest.raises(G287Error):
            render_map(session, "region")
    root, paths = parse(states)
    assert len(paths) == 51
    fl = next(p for p in paths if p.get("data-fips") == "12")
    assert fl.find(f"{SVG}title").text.startswith("Florida — 1 of 67 counties (1.49%) with a participating county-level agency; 5 MOAs: JEM 1, TFM 4")
    root, paths = parse(florida)
    assert sorted(p.get("data-fips") for p in paths) == [c.fips for c in sorted(reference.counties_of_state("FL"), key=lambda c: c.fips)]
    by_fips = {p.get("data-fips"): p for p in paths}
    assert fill_of(root, by_fips["12057"])[1] == 2 and fill_of(root, by_fips["12086"])[1] == 1 and fill_of(root, by_fips["12001"])[1] == 0
    assert "in Florida" in root.find(f"{SVG}title").text


def test_the_state_coverage_map_says_what_its_percentage_counts(constructed_db):
    # "287(g) coverage" and a legend of 0%...100% painted states holding MOAs (of state or municipal agencies, or
    # with no county located) as 0%: the title, the legend's heading and a caption say what is counted, and which
    # states are at 0% with MOAs, from the data (AR: a municipal agency; VA: a county one whose county is not located).
    with constructed_db.session() as session:
        root = ET.fromstring(render_map(session, "state", measure="coverage"))
        figure = map_figure(session, "state", measure="coverage")
    title = "Share of each state's counties with a participating county agency (TYPE County), ICE's list of 9 July 2025"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert root.find(f"{SVG}title").text == figure.title == title and " ".join(texts[:2]) == title  # wrapped on two lines
    heading = "Percent of the state's counties in which a participating agency of TYPE County is located"
    assert heading in texts and figure.legend_title == heading
    caption = "State and municipal agencies are not counted here: a state at 0% may still have MOAs (in this list: AR, VA)."
    assert caption in texts and figure.caption[0] == caption
    assert "287(g) coverage" not in " ".join(texts)
    # On a page, the county texts that could not be matched are on the method page (the command names itself).
    assert figure.caption_link == ("listed on the method page", "/about#unmatched")
    assert any("2 have a county text that could not be matched to one county (listed on the method page)" in line for line in figure.caption)
    assert any("(see `g287 counties unmatched`)" in t for t in texts)
    with constructed_db.session() as session:
        assert map_figure(session, "state").title == "287(g) MOAs by state in ICE's list of 9 July 2025"


def test_png(constructed_db):
    with constructed_db.session() as session:
        png = svg_to_png(render_map(session, "state"), zoom=0.5)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == 488  # 975 px at zoom 0.5


def test_a_map_for_a_page_has_its_texts_apart(constructed_db):
    # A page sets the title, legend and caption beside the map in HTML: inside the SVG they shrank with it.
    with constructed_db.session() as session:
        whole = render_map(session, "county", dt.date(2025, 7, 9), map_id="m")
        figure = map_figure(session, "county", dt.date(2025, 7, 9), map_id="m")
        state = map_figure(session, "county", dt.date(2025, 7, 9), state="FL", map_id="f")
    root, paths = parse(whole)
    shapes_only, shapes = parse(figure.svg)
    assert not list(shapes_only.iter(f"{SVG}text")) and shapes_only.get("viewBox") == "0 0 975 610"
    assert [(p.get("data-fips"), fill_of(shapes_only, p)) for p in shapes] == [(p.get("data-fips"), fill_of(root, p)) for p in paths]  # the same shapes, classed alike
    assert shapes_only.find(f"{SVG}title").text == root.find(f"{SVG}title").text == figure.title
    assert "list of participating agencies published 2025-07-09" in shapes_only.find(f"{SVG}desc").text
    legend = [(g.find(f"{SVG}rect").get("fill"), g.find(f"{SVG}text").text, int(g.get("data-count"))) for g in root.iter(f"{SVG}g") if g.get("class") == "g287-legend-item"]
    assert [(item["colour"], item["text"], item["count"]) for item in figure.legend] == legend and figure.unit == "counties"
    assert figure.caption and "4 of 3,144 counties" in figure.caption[0] and any("Connecticut" in note for note in figure.notes)
    assert sum(item["count"] for item in state.legend) == 67 and state.title.startswith("287(g) MOAs by county in Florida")


def test_the_coverage_legend_counts_the_counties_coverage_counts(constructed_db):
    # Capitol Planning Region holds a county-level agency; the nine regions are drawn as one shape. The legend said
    # "a participating county-level agency (9 counties)" above a caption saying 1 of 9.
    with constructed_db.session() as session:
        figures = coverage(session)
        national = map_figure(session, "county", measure="coverage")
        connecticut = map_figure(session, "county", measure="coverage", state="CT")
    counts = [item["count"] for item in national.legend]
    assert counts == [3144 - figures["counties_with_any_agency"], figures["counties_with_any_agency"] - figures["counties_with_county_agency"], figures["counties_with_county_agency"]]
    assert [item["count"] for item in connecticut.legend] == [8, 0, 1]
    assert "1 of 9 counties" in connecticut.caption[0]


def test_a_state_of_one_county_is_counted_in_the_singular(constructed_db):
    # The District of Columbia has one county: "0 of 1 counties (0.0%) have ... located in them" read wrong (and its 0,
    # exact, is said as none).
    with constructed_db.session() as session:
        figure = map_figure(session, "county", state="DC", measure="coverage")
        florida = map_figure(session, "county", state="FL", measure="coverage")
    caption = " ".join(figure.caption)
    assert "The one county does not have a participating agency of any type located in it, county-level or other." in caption
    assert "1 of 67 counties (1.49%) has a participating county-level agency" in " ".join(florida.caption)


def test_a_shape_drawn_for_several_counties_is_painted_as_its_legend_counts_them(constructed_db):
    """Chugach (1 MOA) and Copper River (none) on Valdez-Cordova's shape, and Connecticut's nine planning regions (one
    with 1 MOA) on the state's, were painted in class "1" while the legend counted Copper River and eight regions in
    "none"; their titles gave the sum only. Striped in the colours of both classes now, each part named with its own
    count, in the title on the map and in its note; the pattern's id is the map's own and escaped."""
    with constructed_db.session() as session:
        svg = render_map(session, "county", map_id='m"<')
        alaska = map_figure(session, "county", state="AK", measure="coverage", map_id="ak")
    root, paths = parse(svg)
    classes = map_classes()["moas"]["county"]["classes"]
    chugach = next(p for p in paths if p.get("data-fips") == "02063 02066")
    fill, striped = fill_of(root, chugach)
    assert striped == (0, 1) and fill == 'url(#m"<-together-0-1)' and 'fill="url(#m&quot;&lt;-together-0-1)"' in svg
    pattern = next(p for p in root.iter(f"{SVG}pattern") if p.get("id") == 'm"<-together-0-1')
    assert [r.get("fill") for r in pattern.iter(f"{SVG}rect")] == [classes[0][3], classes[1][3]]
    title = chugach.find(f"{SVG}title").text
    assert "together 1 MOA: TFM (Chugach Census Area: 1 MOA: TFM; Copper River Census Area: no MOAs)" in title
    notes = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Copper River Census Area: no MOAs" in notes and "Capitol Planning Region: 1 MOA: TFM" in notes
    # coverage: a county-level agency in one part, none in the other
    shapes_only, shapes = parse(alaska.svg)
    chugach = next(p for p in shapes if p.get("data-fips") == "02063 02066")
    assert fill_of(shapes_only, chugach) == ("url(#ak-together-0-2)", (0, 2))
    assert "Chugach Census Area: a participating county-level agency; 1 MOA: TFM; Copper River Census Area: no participating agency located here" in chugach.find(f"{SVG}title").text


@pytest.mark.parametrize(("values", "painted", "striped"), [([1, 1], 1, None), ([3, 2], 3, (2, 3)), ([0, 0], 0, None), ([12, 0], 5, (0, 5))])
def test_a_shape_drawn_for_several_counties_takes_its_counties_class_not_their_sum_s(values, painted, striped):
    """Two parts of 1 MOA each were painted "2" (their sum), a class neither is in and in which the legend counts
    none; parts of different classes are striped in them (classified as the map of `render_map` is)."""
    from g287.geo.drawn_together import classify
    from g287.geo.maps import Feature, MapData

    feature = Feature("k", "M0 0", ["02063", "02066"], "Chugach and Copper River", sum(values), "", values=values)
    data = MapData("t", [], [feature], map_classes()["moas"]["county"]["classes"], "counties", [])
    counts = classify(data)
    assert (feature.css_class, feature.stripes) == (painted, striped)
    assert sum(counts.values()) == 2 and all(counts[c] for c in (striped or (painted,)))


def test_the_legend_has_a_striped_swatch_only_when_the_map_has_a_striped_shape(constructed_db):
    """The legend showed a plain swatch per class only, beside Chugach and Copper River's shape and Connecticut's
    striped in "none" and "1": no key for the stripes. An entry after the classes now has the stripes' swatch (a
    pattern of the classes' colours, escaped as the map's is) and says what it is; it counts nothing (the classes
    still count every county once). Florida's map has no striped shape, and no such entry."""
    with constructed_db.session() as session:
        svg = render_map(session, "county", map_id='m"<')
        figure = map_figure(session, "county", map_id="m")
        alaska = map_figure(session, "county", state="AK", measure="coverage", map_id="ak")
        florida_svg = render_map(session, "county", state="FL")
        florida = map_figure(session, "county", state="FL")
    classes = map_classes()["moas"]["county"]["classes"]
    root = ET.fromstring(svg)
    items = [g for g in root.iter(f"{SVG}g") if "g287-legend-item" in (g.get("class") or "").split()]
    striped = [g for g in items if g.get("class") == "g287-legend-item g287-legend-together"]
    assert len(items) == len(classes) + 1 and len(striped) == 1 and striped[0] is items[-1]
    entry = striped[0]
    text = "striped (none and 1): one shape drawn for several counties in different classes; see the notes"
    assert entry.get("data-classes") == "0 1" and entry.get("data-count") is None and entry.find(f"{SVG}text").text == text
    pattern = entry.find(f"{SVG}defs/{SVG}pattern")
    assert pattern.get("id") == 'm"<-legend-together-0-1' and 'id="m&quot;&lt;-legend-together-0-1"' in svg
    assert [r.get("fill") for r in pattern.iter(f"{SVG}rect")] == [classes[0][3], classes[1][3]]
    assert entry.find(f"{SVG}rect").get("fill") == 'url(#m"<-legend-together-0-1)'
    assert sum(int(g.get("data-count")) for g in items if g is not entry) == 3144  # each county counted once, in its own class
    # the page's legend: the same entry, its swatch a small SVG hidden from screen readers (its text says it)
    assert [(item["classes"], item["colours"], item["text"]) for item in figure.striped] == [((0, 1), [classes[0][3], classes[1][3]], text)]
    swatch = ET.fromstring(figure.striped[0]["swatch"])
    assert swatch.get("aria-hidden") == "true" and swatch.get("class") == "swatch"
    assert [r.get("fill") for r in swatch.iter(f"{SVG}rect")][:2] == [classes[0][3], classes[1][3]]
    assert swatch.find(f"{SVG}rect").get("fill") == "url(#m-legend-together-0-1)" and sum(item["count"] for item in figure.legend) == 3144
    coverage_classes = map_classes()["coverage"]["county"]["classes"]
    assert [item["colours"] for item in alaska.striped] == [[coverage_classes[0][3], coverage_classes[2][3]]]
    # no striped shape, no striped entry
    assert florida.striped == [] and "g287-legend-together" not in florida_svg and "striped" not in florida_svg


def test_a_page_legend_keys_its_striped_shapes(constructed_db):
    """The legend beside a page's map had a plain swatch per class only, under Alaska's map striping Chugach (1 MOA)
    and Copper River (none) with no key for the stripes (the bundled lists have no MOA in a shape drawn for several
    counties: the constructed list has). It now ends with the stripes' swatch, hidden from screen readers as the
    others are, in the classes' colours, and a text saying it; Florida's has no striped shape and no such entry."""
    from g287.web.app import create_app
    from tests.web.conftest import TestClient  # imported without httpx's deprecation warning

    classes = map_classes()["moas"]["county"]["classes"]
    with TestClient(create_app(constructed_db)) as site:
        alaska, florida = (re.search(r'<ul class="map-legend".*?</ul>', site.get(f"/states/{usps}").text, re.S)[0] for usps in ("AK", "FL"))
    items = re.findall(r"<li\b.*?</li>", alaska, re.S)
    assert len(items) == len(classes) + 1 and items[-1].startswith('<li class="map-legend-together">')
    swatch, text = re.fullmatch(r'<li class="map-legend-together">(<svg\b.*?</svg>)([^<]*)</li>', items[-1], re.S).groups()
    assert html.unescape(text) == "striped (none and 1): one shape drawn for several counties in different classes; see the notes"
    assert 'aria-hidden="true"' in swatch and 'id="map-ak-legend-together-0-1"' in swatch and 'fill="url(#map-ak-legend-together-0-1)"' in swatch
    assert re.findall(r'<rect x="[^"]*" y="0" width="[^"]*" height="[^"]*" fill="([^"]+)"', swatch) == [classes[0][3], classes[1][3]]
    assert "<script" not in swatch and "href" not in swatch
    assert "map-legend-together" not in florida and "striped" not in florida and florida.count("<li") == len(classes)
