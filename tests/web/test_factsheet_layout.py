"""The fact sheet's layout (nothing drawn over anything else, whatever the number of states), its figures before
any participating list (the pending list in force), and counts written with the right noun ("1 state")."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sqlite3
import warnings
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTImage, LTTextLine
from pypdf import PdfReader

from g287.access import Actor
from g287.cli import cli
from g287.db.engine import Database
from g287.exports import factsheet as factsheet_module
from g287.exports.factsheet import factsheet, factsheet_pdf
from g287.exports.feed import atom_feed
from g287.exports.ice_workbook import write_ice_workbook
from g287.exports.selection import selected_rows
from g287.geo.maps import map_figure
from g287.wording import counted
from g287.registry import figures
from g287.registry.bundled import ingest_bundled
from g287.registry.ingest import ingest_file
from g287.registry.publications import list_publications

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from g287.web.app import create_app

PENDING_ONLY = dt.date(2025, 5, 15)  # ICE's first pending list; its first participating list came the next day


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('factsheet') / 'g287.sqlite'}")
    ingest_bundled(database, Actor.command_line())
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def client(database):
    with TestClient(create_app(database)) as client:
        yield client


def publication_dates(database) -> list[dt.date]:
    with database.session() as session:
        return sorted({p.published_on for p in list_publications(session, origin="ice")})


def pages_of(pdf: bytes) -> list:
    """The PDF's pages as pdfminer lays them out (LTPage): read once, for every question a test asks of them."""
    return list(extract_pages(io.BytesIO(pdf)))


@dataclass(frozen=True)
class Rendered:
    """A sheet, its PDF, and the PDF's pages as pdfminer reads them."""

    sheet: dict
    pdf: bytes
    pages: list


def rendered(sheet: dict) -> Rendered:
    pdf = factsheet_pdf(sheet)
    return Rendered(sheet, pdf, pages_of(pdf))


@pytest.fixture(scope="module")
def sheets_by_day(database) -> dict[dt.date | None, Rendered]:
    """The sheet of each date a participating list of ICE's came out (and of today: None), rendered and read once
    for the tests that only read them: making a sheet's PDF and reading it back take about two seconds. A test that
    changes a sheet makes its own."""
    days = [d for d in publication_dates(database) if d > PENDING_ONLY] + [None]
    with database.session() as session:
        sheets = {day: factsheet(session, day) for day in days}
    return {day: rendered(sheet) for day, sheet in sheets.items()}


def text_lines(pages: list) -> list[tuple[int, float, float, float, float, str]]:
    """Every line of text the PDF's pages (pages_of) draw: (page, x0, bottom, x1, top, text), y upwards."""
    found = []
    for number, page in enumerate(pages, start=1):
        stack = list(page)
        while stack:
            item = stack.pop()
            if isinstance(item, LTTextLine):
                if item.get_text().strip():
                    found.append((number, item.x0, item.y0, item.x1, item.y1, item.get_text().strip()))
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    return found


def assert_laid_out(sheet: dict, pages: list) -> None:
    """Every state row of the table is there whole (its name and its figures alone on their band of the page), and
    the definitions paragraph starts below the table's last row (on its page, or on a later page). `pages`: the
    sheet's PDF as pages_of reads it."""
    lines = text_lines(pages)
    definitions = [line for line in lines if line[5].startswith("Definitions:")]
    assert len(definitions) == 1, lines
    page_of_definitions, _, _, _, top_of_definitions, _ = definitions[0]
    assert sheet["top_states"]
    last = None
    for row in sheet["top_states"]:
        names = [line for line in lines if line[5] == row["name"]]
        assert len(names) == 1, (row["name"], [line for line in lines if row["name"] in line[5]])
        page, _, bottom, _, top, _ = names[0]
        band = sorted((line for line in lines if line[0] == page and line[2] < top and line[4] > bottom), key=lambda line: line[1])
        expected = [row["name"], f"{row['rows']:,}", f"{row['agencies']:,}"] + [f"{row['by_model'].get(m, 0):,}" for m in ("JEM", "TFM", "WSO")]
        assert " ".join(line[5] for line in band).split() == " ".join(expected).split(), band
        last = (page, bottom)
    assert (page_of_definitions, -top_of_definitions) > (last[0], -last[1])  # a later page, or lower on the same
    # Nothing at all overlaps on any page: no two lines of text share a point.
    for i, a in enumerate(lines):
        for b in lines[i + 1:]:
            if a[0] == b[0]:
                overlap_x = min(a[3], b[3]) - max(a[1], b[1])
                overlap_y = min(a[4], b[4]) - max(a[2], b[2])
                assert overlap_x <= 0.5 or overlap_y <= 0.5, (a, b)


def test_the_definitions_never_cover_the_states_table_on_any_publication_date(sheets_by_day):
    assert len(sheets_by_day) >= 7
    for day in sheets_by_day.values():
        assert len(day.pages) == 1, day.sheet["as_of"]  # one page still
        assert_laid_out(day.sheet, day.pages)


def test_every_state_listed_still_fits_without_overlap(database, monkeypatch):
    monkeypatch.setattr(factsheet_module, "TOP_STATES", 100)  # all 40 states: more than one page can hold
    with database.session() as session:
        sheet = factsheet(session, dt.date(2025, 5, 29))
    assert len(sheet["top_states"]) == 40
    assert_laid_out(sheet, rendered(sheet).pages)


def test_long_definitions_go_below_the_table(database):
    with database.session() as session:
        sheet = factsheet(session, dt.date(2025, 5, 29))
    sheet["territories"] = ["PR"] * 60  # a definitions paragraph many lines long
    assert_laid_out(sheet, rendered(sheet).pages)


def test_before_any_participating_list_the_pending_list_in_force_is_shown(database, client):
    with database.session() as session:
        stats = figures.stats(session, PENDING_ONLY)
        sheet = factsheet(session, PENDING_ONLY)
    assert stats["participating"] is None and stats["pending"]["listings"] == 92 and stats["pending"]["states"] == 22
    assert figures.headline(stats) == (
        "As of 2025-05-15: this registry holds no participating list of ICE's published on or before that date. "
        "Pending: 92 listings with 87 agencies in 22 states, per pendingAgencies05152025am.xlsx."
    )
    assert [(c["value"], c["caption"]) for c in sheet["cards"]] == [("92", "pending listings"), ("87", "pending agencies"), ("22", "states")]

    page = client.get("/factsheet", params={"as_of": PENDING_ONLY.isoformat()}).text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "92 pending listings" in text and "87 pending agencies" in text and "22 states" in text
    # ICE published participating lists before 2025: what is missing is one held here.
    assert "pendingAgencies05152025am.xlsx" in text and "This registry holds no participating list of ICE's published on or before 2025-05-15" in text
    assert "The 287(g) program in ICE&#39;s pending list of 15 May 2025" in text and "(pendingAgencies05152025am.xlsx), the list in force on 15 May 2025." in text
    assert "States with the most MOAs" not in text and "<caption>" not in page and not re.search(r"<p>\s*</p>|<caption>\s*</caption>", page)

    pdf = client.get("/factsheet.pdf", params={"as_of": PENDING_ONLY.isoformat()}).content
    words = " ".join(line[5] for line in sorted(text_lines(pages_of(pdf)), key=lambda line: (line[0], -line[4], line[1])))
    for expected in ("92", "pending listings", "87", "pending agencies", "22", "pendingAgencies05152025am.xlsx", "JEM 12, TFM 51, WSO 29"):
        assert expected in words, expected

    # The JSON of `g287 stats` is unchanged: the figures and whose lists they are of, nothing else.
    result = CliRunner().invoke(cli, ["stats", "--database", database.url, "--as-of", PENDING_ONLY.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(stats))
    assert set(json.loads(result.output)) == {"as_of", "origin", "participating", "pending"} and json.loads(result.output)["origin"] == "ice"


def test_counts_take_the_singular_for_one(database, client, sheets_by_day):
    assert counted(1, "state") == "1 state" and counted(2, "state") == "2 states" and counted(1, "agency") == "1 agency"
    assert counted(1204, "MOA") == "1,204 MOAs" and counted(0, "pending listing") == "0 pending listings"
    with database.session() as session:
        feed = atom_feed(session, "http://test", "FL").decode()
        one = {"as_of": "2025-06-01", "participating": {"moas": 1, "agencies": 1, "states": 1, "by_model": {"JEM": 1, "TFM": 0, "WSO": 0}, "published": "2025-06-01", "half": "am", "publication": "x.csv", "source": "ICE"},
               "pending": {"listings": 1, "states": 1, "agencies": 1, "publication": "y.csv", "source": "ICE"}}
    # A state's feed names its state and counts no states, not even "in 1 state" (test_exports).
    assert "in Florida with " in feed and "1 state" not in feed
    assert "in Florida with " in client.get("/exports/feed/FL.atom").text
    text = figures.headline(one)
    assert "1 MOA with 1 agency in 1 state (" in text and "Pending: 1 listing with 1 agency in 1 state," in text
    assert "(40 states listed)" in " ".join(line[5] for line in text_lines(sheets_by_day[dt.date(2025, 5, 29)].pages))
    assert factsheet_module._cards({"moas": 1, "agencies": 1, "states": 1}, {"listings": 1}) == [
        {"value": "1", "caption": "MOA"}, {"value": "1", "caption": "agency"}, {"value": "1", "caption": "state"}, {"value": "1", "caption": "pending listing"}
    ]


def characters(pages: list, page_number: int = 1):
    """The characters of a page (of pages_of's pages), each (text, font size in pt), and the images' boxes (x0, y0, x1, y1)."""
    page = pages[page_number - 1]
    chars, images, stack = [], [], list(page)
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            chars.append(item)
        elif isinstance(item, LTImage):
            images.append(item.bbox)
        elif hasattr(item, "__iter__"):
            stack.extend(item)
    return chars, images


def test_the_map_legend_is_set_as_text_large_enough_to_read(database, sheets_by_day):
    # Drawn inside the map's image, the legend shrank with it to about 3 pt: it is set as text, at 7 pt or more,
    # beside the image and never over it.
    with database.session() as session:
        sheets = [(day, map_figure(session, "state", as_of or dt.date.today())) for as_of, day in sheets_by_day.items()]
    for day, figure in sheets:
        sheet = day.sheet
        lines = text_lines(day.pages)
        chars, images = characters(day.pages)
        assert len(images) == 1, sheet["as_of"]
        image = images[0]
        for item in figure.legend:
            text = factsheet_module._text(item["text"])
            found = [line for line in lines if line[5] == text]
            assert len(found) == 1, (text, [line[5] for line in lines])
            _, x0, bottom, x1, top, _ = found[0]
            sizes = {round(c.size, 1) for c in chars if c.x0 >= x0 - 0.1 and c.x1 <= x1 + 0.1 and c.y0 >= bottom - 0.1 and c.y1 <= top + 0.1}
            assert sizes and min(sizes) >= 7, (text, sizes)
            assert x0 >= image[2] or top <= image[1] or bottom >= image[3], (text, image)  # not over the map
        # The title, on as many lines as the panel sets it on (more than one when it names the list's file too: of
        # 3 July 2025, pm), read down the text on the right of the map.
        beside = sorted((line for line in lines if line[1] >= image[2]), key=lambda line: (line[0], -line[4], line[1]))
        assert factsheet_module._text(figure.title) in re.sub(r"\s+", " ", " ".join(line[5] for line in beside)), figure.title
        # The counties' vintage and boundaries, which the image bore before the legend was set as text.
        assert figure.subtitle[1].startswith("Counties: Census ") and figure.subtitle[1] in " ".join(line[5] for line in lines), sheet["as_of"]


def test_the_agencies_figure_is_said_to_be_this_registrys_count(sheets_by_day, client):
    """ICE publishes no count of agencies: the sheet's agencies are this registry's, after joining the names ICE
    published for one agency, as the home page says ("counted by this registry"); the PDF and the page say so."""
    said = "agencies (as this registry counts them) and states are"
    assert said in factsheet_module.definitions(sheets_by_day[dt.date(2025, 5, 29)].sheet)
    assert said in client.get("/factsheet?as_of=2025-05-29").text


V2 = "participatingAgencies07032025pm__v2.xlsx"  # in force from 3 July 2025 (pm); its first file has its date and half


def test_a_list_sharing_its_date_and_half_is_named_by_its_file_on_the_sheet(sheets_by_day, client):
    """The title ("The 287(g) program in ICE's list of 3 July 2025") and the lead named the list by its date alone:
    either of ICE's two files of 3 July 2025 (pm). They name the file too then, as the list's label does, and the
    sheet still fits one page; a list alone on its date and half is named as before."""
    day = sheets_by_day[dt.date(2025, 7, 3)]
    shared, alone = day.sheet, sheets_by_day[dt.date(2025, 7, 9)].sheet
    assert shared["title"] == f"The 287(g) program in ICE's list of 3 July 2025, {V2}"
    assert shared["lead"] == f"Figures from ICE's participating list of 3 July 2025 (pm), {V2}, the list in force on 3 July 2025."
    assert alone["title"] == "The 287(g) program in ICE's list of 9 July 2025"
    assert alone["lead"] == "Figures from ICE's participating list of 9 July 2025 (am), the list in force on 9 July 2025."
    assert len(day.pages) == 1
    assert_laid_out(shared, day.pages)
    words = re.sub(r"\s+", " ", " ".join(line[5] for line in sorted(text_lines(day.pages), key=lambda line: (line[0], -line[4], line[1]))))
    assert shared["title"] in words and f"Figures from ICE's participating list of 3 July 2025 (pm), {V2}, the list" in words
    page = client.get("/factsheet", params={"as_of": "2025-07-03"}).text
    assert f"<h1>The 287(g) program in ICE&#39;s list of 3 July 2025, {V2}</h1>" in page
    assert "<h1>The 287(g) program in ICE&#39;s list of 9 July 2025</h1>" in client.get("/factsheet", params={"as_of": "2025-07-09"}).text


# Any name can be ingested. Set whole, a name of 120 characters took a line more in the title, the lead, the source
# line and the map's title, and pushed the definitions onto a second page.
LONG_NAMES = [
    # 120 characters, of a list sharing its date and half with ICE's two files of 3 July 2025 (pm): named in the title.
    ("participatingAgencies07032025pm copy downloaded from the ICE website on 3 July 2025 for the newsroom story on 287(g).xlsx", dt.date(2025, 7, 3)),
    ("participatingAgencies07032025pm_" + "W" * 213 + ".xlsx", dt.date(2025, 7, 3)),  # 250, of the widest letter
    ("participatingAgencies07102025pm_" + "x" * 213 + ".xlsx", None),  # alone on its date: named in the source line only
]


@pytest.mark.parametrize("name, as_of", LONG_NAMES)
def test_a_list_of_a_long_file_name_still_fits_one_page(database, tmp_path, name, as_of):
    with sqlite3.connect(database.url.removeprefix("sqlite:///")) as source, sqlite3.connect(tmp_path / "g287.sqlite") as target:
        source.backup(target)  # a copy of the bundled lists (with what their log holds), to add one to
    copy = Database(f"sqlite:///{tmp_path / 'g287.sqlite'}")
    try:
        with copy.session() as session:
            v2 = next(p for p in list_publications(session, origin="ice") if p.file_name == V2)
            rows = selected_rows(session, v2)
        write_ice_workbook(tmp_path / name, "participating", rows, modified=dt.datetime(2025, 7, 3, 23))  # after the __v2
        assert ingest_file(copy, tmp_path / name, Actor.command_line()).status == "ingested"
        with copy.session() as session:
            sheet = factsheet(session, as_of)
    finally:
        copy.dispose()
    assert len(name) >= 119 and sheet["stats"]["participating"]["publication"] == name
    assert (name in sheet["title"]) is (as_of is not None)
    drawn = rendered(sheet)
    assert len(drawn.pages) == 1
    assert_laid_out(sheet, drawn.pages)
    # The name cut in its middle, its start and its end kept; the PDF's properties keep the whole title.
    lines = text_lines(drawn.pages)
    words = re.sub(r"\s+", " ", " ".join(line[5] for line in sorted(lines, key=lambda line: (line[0], -line[4], line[1]))))
    assert name not in words and re.search(re.escape(name[:24]) + r"[^,;]*\.\.\.[^,;]*" + re.escape(name[-8:]), words), words
    assert PdfReader(io.BytesIO(drawn.pdf)).metadata.title == sheet["title"]
    if as_of is not None:
        cards = {card["value"] for card in sheet["cards"]}  # set larger still
        title = sorted((line for line in lines if line[4] - line[2] > 15 and line[5] not in cards), key=lambda line: -line[4])
        assert len(title) == 2 and title[0][5] == "The 287(g) program in ICE's list of 3 July 2025,", title
        assert title[1][5].startswith(name[:12]) and title[1][5].endswith(name[-5:]) and "..." in title[1][5], title
