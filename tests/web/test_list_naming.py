"""Every headline names the list its figures come from, and says how old the latest list held is when it is not
today's: the pages said "As of <today>" over ICE's list of months before. Also the texts of the review of public
wording: the pending pipeline's window, the provenance of the bundled files, the changes' "no longer listed", the
registry's own records, the maps' captions."""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import re

import pytest
from pypdf import PdfReader

from g287 import days
from tests.web.conftest import LIST_DAY

AGE_508 = (
    "ICE replaces its lists every few days; the newest participating list this registry holds was published on 9 July 2025, "
    "508 days before today: these are not today's figures."
)
LATEST_LEAD = "In ICE's participating list of 9 July 2025 (am), the latest this registry holds:"


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize(
    "path, headline",
    [
        ("/", f"{LATEST_LEAD} 807 MOAs with 658 agencies (counted by this registry) in 40 states."),
        ("/models/JEM", f"{LATEST_LEAD} 117 JEM MOAs."),
        ("/models", f"{LATEST_LEAD} the MOAs of each model above."),
        ("/states/TX", f"{LATEST_LEAD} 118 MOAs with 86 agencies (counted by this registry) in Texas."),
        ("/counties/48469", f"{LATEST_LEAD} 3 MOAs with 1 agency (counted by this registry) located in Victoria County."),
    ],
)
def test_the_latest_list_is_named_with_its_age(site, fixed_today, path, headline):
    text = text_of(site.get(path).text)
    assert headline in text and AGE_508 in text
    assert not re.search(r"\bAs of\b", text) and "2026-11-29" not in text and "29 November 2026" not in text


@pytest.mark.parametrize("path", ["/states", "/agencies"])
def test_the_lists_of_states_and_agencies_say_how_old_the_latest_list_is(site, fixed_today, path):
    assert AGE_508 in text_of(site.get(path).text)
    assert "not today's figures" not in text_of(site.get(path, params={"as_of": "2025-07-09"}).text)


def test_the_pending_page_names_its_list_and_its_age(site, fixed_today):
    text = text_of(site.get("/pending").text)
    assert "In ICE's pending list of 11 July 2025 (am), the latest this registry holds: 39 pending listings of 38 agencies (counted by this registry) in 16 states." in text
    assert "the newest pending list this registry holds was published on 11 July 2025, 506 days before today: these are not today's figures." in text


def test_the_age_is_counted_from_today(site, monkeypatch):
    monkeypatch.setattr(days, "today", lambda: LIST_DAY)  # the list's own day: today's figures, no note
    text = text_of(site.get("/").text)
    assert f"{LATEST_LEAD} 807 MOAs" in text and "not today's figures" not in text
    monkeypatch.setattr(days, "today", lambda: LIST_DAY + dt.timedelta(days=1))
    assert "was published on 9 July 2025, 1 day before today: these are not today's figures." in text_of(site.get("/").text)


@pytest.mark.parametrize("path", ["/", "/models/JEM", "/states/TX", "/counties/48469", "/pending", "/factsheet"])
def test_a_date_chosen_names_the_list_in_force_on_it_without_an_age(site, fixed_today, path):
    text = text_of(site.get(path, params={"as_of": "2025-06-01"}).text)
    assert "not today's figures" not in text and "the latest this registry holds" not in text
    if path == "/pending":
        assert "In force on 1 June 2025, ICE's pending list of 30 May 2025 (pm): 82 pending listings" in text
    elif path == "/factsheet":
        assert "(participatingAgencies05292025am.xlsx), the list in force on 1 June 2025;" in text
    else:
        assert "In force on 1 June 2025, ICE's participating list of 29 May 2025 (am):" in text


def test_the_fact_sheet_is_titled_by_its_list(site, fixed_today):
    text = text_of(site.get("/factsheet").text)
    assert "The 287(g) program in ICE's list of 9 July 2025" in text and "program as of" not in text
    assert "(participatingAgencies07092025am.xlsx), the latest this registry holds;" in text and AGE_508 in text
    assert "287(g) MOAs by state in ICE's list of 9 July 2025" in text  # the map's title
    reader = PdfReader(io.BytesIO(site.get("/factsheet.pdf").content))
    pdf = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1 and reader.metadata.title == "The 287(g) program in ICE's list of 9 July 2025"
    assert "The 287(g) program in ICE's list of 9 July 2025" in pdf and AGE_508 in pdf and "as of" not in pdf
    assert "MOAs by agency type (TYPE column)" in pdf  # counts of rows, beside a count of agencies
    assert "held by this registry and published on or before it" in pdf
    dated = " ".join(PdfReader(io.BytesIO(site.get("/factsheet.pdf", params={"as_of": "2025-06-01"}).content)).pages[0].extract_text().split())
    assert "The 287(g) program in ICE's list of 29 May 2025" in dated and "the list in force on 1 June 2025" in dated and "not today's" not in dated


def test_the_maps_name_their_list_and_link_the_unmatched_counties(site, fixed_today):
    page = site.get("/").text
    assert "287(g) MOAs by state in ICE's list of 9 July 2025" in text_of(page) and "as of 29 November 2026" not in page
    # On the web, the county texts that could not be matched are on the method page, not behind a command.
    assert "g287 counties unmatched" not in page
    assert '1 has a county text that could not be matched to one county (<a href="/about#unmatched">listed on the method page</a>)' in page
    county = text_of(site.get("/", params={"level": "county", "as_of": "2025-05-29", "model": "JEM"}).text)
    assert "287(g) MOAs by county, Jail Enforcement Model (JEM) only, in ICE's list of 29 May 2025" in county


def test_the_pending_waits_say_what_the_window_of_lists_can_observe(site):
    page = site.get("/pending").text
    text = text_of(page)
    assert (
        "The lists held span 15 May 2025 to 11 July 2025, so no wait longer than 57 days can be measured, and the 38 agreements "
        "still pending are not counted" in text
    )
    assert "these figures describe only agreements that moved within that window." in text
    histogram = page[page.index("How long: agreements per span of days"):]
    histogram = histogram[:histogram.index("</table>")]
    assert re.findall(r">([^<]+) days</th>", histogram) == ["0–30", "31–57"]  # a span past the window ends at it
    assert "61-90" not in histogram and "181+" not in histogram  # spans no list held can observe are not shown as zeros
    assert "Spans longer than 57 days (61–90, 91–180, 181 or more days) cannot be observed in these lists and are not shown." in text
    wso = text_of(site.get("/pending", params={"model": "WSO"}).text)
    assert "and the 15 agreements still pending are not counted" in wso


def test_the_pending_pipeline_names_its_lists_one_way(site):
    """The pipeline's lead named its first list by its date and half, and its last as a headline's source names a
    list: "2025-05-15 am to ICE's pending list of 2025-07-11 am (pendingAgencies07112025am_b.xlsx)". Both are named by
    their labels (a file too only when another list has its date and half), each a link to its publication, as an
    agency's lifecycle and the trend chart's title name a span of lists."""
    lead = re.search(r"From ICE's [^<]*pending lists? held here, .*? and the participating lists\.", site.get("/pending").text)[0]
    assert re.sub(r"<[^>]+>", "", lead) == "From ICE's 4 pending lists held here, 2025-05-15 am to 2025-07-11 am, and the participating lists."
    assert len(re.findall(r'<a href="/publications/\d+">', lead)) == 2


def test_the_pending_list_is_described_as_ice_lists_it(site):
    text = text_of(site.get("/pending").text)
    assert "ICE's pending list names agencies, with a model, that ICE lists as pending; the list does not say what the term means." in text
    assert "not yet in force" not in text


def test_publication_pages_say_where_the_bundled_files_and_their_suffixes_come_from(site):
    publications = {p["file"]: p for p in site.get("/api/v1/publications").json()}
    page = site.get(f"/publications/{publications['participatingAgencies07032025pm__v2.xlsx']['id']}").text
    text = text_of(page)
    assert (
        "The lists of May–July 2025 bundled here were published on ICE's 287(g) page and preserved by the public archive "
        "appelson/Tracking_287g; suffixes such as _b and __v2 were added by the archive, not ICE." in text
    )
    assert 'href="/about#provenance"' in page
    assert "MOAs by agency type (TYPE column): County" in text and "By agency type" not in text.replace("MOAs by agency type", "")


def test_an_absence_is_no_longer_listed_not_an_end_ice_gave(site):
    text = text_of(site.get("/changes", params={"from": "2025-06-20", "to": "2025-07-03"}).text)
    assert (
        "Okaloosa County Sheriff's Office (FL), WSO, signed 2025-02-26 (the agency keeps its other models): the same MOA "
        "(document and signed date) is listed under Okaloosa County Department of Corrections in the later list; no longer listed "
        "(absent from 2 or more consecutive lists in force; ICE gives no reason — this registry counts that as an end)" in text
    )
    assert ": ended" not in text
    diff = site.get("/api/v1/diff", params={"from": "2025-06-20", "to": "2025-07-03"}).json()
    assert set(diff["removed"][0]) >= {"status_since", "model_dropped"}  # the API's keys are unchanged; only the text
    agency = diff["removed"][0]["agency_id"]
    page = text_of(site.get(f"/agencies/{agency}").text)
    assert "WSO: no longer listed (absent from 2 or more consecutive lists; counted as an end)" in page
    assert "Ended:" not in page and "No longer listed: absent from" in page


def test_the_registry_page_is_not_ices_application_channel(site):
    text = text_of(site.get("/program/registry").text)
    assert (
        "This registry also keeps its own record of letters of interest and MOAs entered here by its users. It is not ICE's "
        "application channel, and these records are never added to ICE's figures." in text
    )
    assert "Agencies also apply through this registry" not in text


def test_the_tables_name_their_list_by_its_file_when_another_shares_its_date_and_half(db, actor, tmp_path, fixed_today):
    """The captions of the tables of lists in force named them by date and half only: of two lists of 3 July (pm),
    ICE's first and its __v2, "Agencies of Texas in ICE's participating list of 2025-07-03 pm" could be either. They
    name the file too then (distinct_label, as the publication's own page does); a list alone on its date and half
    keeps its short name."""
    from starlette.testclient import TestClient

    from g287.exports.ice_workbook import write_ice_workbook
    from g287.registry.ingest import ingest_file
    from g287.web.app import create_app
    from tests.history.builders import row

    lists = {
        "participatingAgencies07032025pm.xlsx": [row("TX", "Alpha Police Department", "TFM")],
        "participatingAgencies07032025pm__v2.xlsx": [row("TX", "Alpha Police Department", "TFM"), row("TX", "Beta Police Department", "WSO")],
        "pendingAgencies07032025pm.xlsx": [row("TX", "Gamma Police Department", "JEM", signed=None)],
        "pendingAgencies07032025pm__v2.xlsx": [row("TX", "Gamma Police Department", "JEM", signed=None), row("TX", "Delta Police Department", "JEM", signed=None)],
    }
    for hour, (name, rows) in enumerate(lists.items()):
        write_ice_workbook(tmp_path / name, name.split("Agencies")[0], rows, modified=dt.datetime(2025, 7, 3, 15 + hour % 2))
        ingest_file(db, tmp_path / name, actor)
    with TestClient(create_app(db)) as site:
        home, state, pending = (text_of(site.get(path, params={"as_of": "2025-07-04"}).text) for path in ("/", "/states/TX", "/pending"))
    participating = "ICE's participating list of 2025-07-03 pm, participatingAgencies07032025pm__v2.xlsx"
    pending_list = "ICE's pending list of 2025-07-03 pm, pendingAgencies07032025pm__v2.xlsx"
    assert f"MOAs and agencies per state ({participating}); pending listings ({pending_list})" in home
    assert f"Agencies of Texas in {participating} (and their pending agreements)" in state
    assert f"Agencies of Texas with a pending agreement in {pending_list} (and their participating ones)" in state
    assert f"Agencies with a pending agreement in {pending_list} (and their participating ones)" in pending


V2 = "participatingAgencies07032025pm__v2.xlsx"  # in force from 3 July 2025 (pm); its first file has its date and half


@pytest.mark.parametrize("path", ["/", "/models", "/models/JEM", "/states/TX", "/counties/48469"])
def test_a_list_sharing_its_date_and_half_is_named_by_its_file_in_the_headline(site, fixed_today, path):
    """The headline named the list in force by date and half only: "ICE's participating list of 3 July 2025 (pm)"
    was either of ICE's two files of that half-day. It names the file too then, as the list's label does; on a day
    whose list is alone on its date and half, the headline is as it was."""
    text = text_of(site.get(path, params={"as_of": "2025-07-03"}).text)
    assert f"In force on 3 July 2025, ICE's participating list of 3 July 2025 (pm), {V2}:" in text
    later = text_of(site.get(path, params={"as_of": "2025-07-09"}).text)
    assert "In force on 9 July 2025, ICE's participating list of 9 July 2025 (am):" in later and V2 not in later.split("Source:")[0]


def test_a_list_sharing_its_date_and_half_is_named_by_its_file_in_the_county_captions(site, fixed_today):
    named = f"ICE's participating list of 3 July 2025 (pm), {V2} and ICE's pending list of 3 July 2025 (pm), in force on 3 July 2025"
    assert f"Agencies located in Victoria County in {named}" in text_of(site.get("/counties/48469", params={"as_of": "2025-07-03"}).text)
    assert f"Counties of Texas with an agency listed in {named}" in text_of(site.get("/states/TX", params={"as_of": "2025-07-03"}).text)
    later = "ICE's participating list of 9 July 2025 (am) and ICE's pending list of 3 July 2025 (pm), in force on 9 July 2025"
    assert f"Agencies located in Victoria County in {later} " in text_of(site.get("/counties/48469", params={"as_of": "2025-07-09"}).text)


def test_a_list_sharing_its_date_and_half_is_named_by_its_file_in_the_maps_titles(site, bundled_db, fixed_today):
    """The maps' titles ("287(g) MOAs by state in ICE's list of 3 July 2025"), in the SVG of `g287 map` and on the
    pages, name the file too when another list of the series has the date and half of the one drawn."""
    from g287.geo.maps import render_map

    with bundled_db.session() as session:
        county = render_map(session, "county", dt.date(2025, 7, 3))
        coverage = render_map(session, "state", dt.date(2025, 7, 3), measure="coverage")
        later = render_map(session, "county", dt.date(2025, 7, 9))
    assert re.search(rf"<title id=\"[^\"]+\">287\(g\) MOAs by county in ICE&#x27;s list of 3 July 2025, {re.escape(V2)}</title>", county)
    assert f"County), ICE&#x27;s list of 3 July 2025, {V2}</title>" in coverage
    assert re.search(r"<title id=\"[^\"]+\">287\(g\) MOAs by county in ICE&#x27;s list of 9 July 2025</title>", later)
    page = text_of(site.get("/", params={"as_of": "2025-07-03"}).text)
    assert f"287(g) MOAs by state in ICE's list of 3 July 2025, {V2} " in page
    state = text_of(site.get("/states/TX", params={"as_of": "2025-07-03"}).text)
    assert f"287(g) MOAs by county in Texas in ICE's list of 3 July 2025, {V2} " in state


@pytest.mark.parametrize(
    "path, what", [("/", "MOAs by model"), ("/models/JEM", "JEM MOAs"), ("/states/TX", "MOAs by model in Texas")],
)
def test_a_list_sharing_its_date_and_half_is_named_by_its_file_at_an_end_of_the_trend_chart(site, fixed_today, path, what):
    """The trend chart's title named its ends by date and half ("... 2025-05-16 am to 2025-07-03 pm"): the last was
    either of ICE's two files of 3 July 2025 (pm). It names the file too then; other ends as before."""
    page = site.get(path, params={"as_of": "2025-07-03"}).text
    title = re.search(r'<title id="chart-title">([^<]*)</title>', page).group(1)
    assert html_module.unescape(title) == f"{what} in ICE's participating lists, 2025-05-16 am to 2025-07-03 pm, {V2}"
    later = re.search(r'<title id="chart-title">([^<]*)</title>', site.get(path, params={"as_of": "2025-07-09"}).text).group(1)
    assert html_module.unescape(later) == f"{what} in ICE's participating lists, 2025-05-16 am to 2025-07-09 am"


def test_the_labels_of_the_lists_in_force_are_read_in_one_query(bundled_db):
    """labels_in_force read each kind's peers apart (distinct_label per list, one query each): one query for both."""
    from sqlalchemy import event

    from g287.registry.queries import publications_in_force
    from g287.web.pages.common import labels_in_force

    statements: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    with bundled_db.session() as session:
        force = publications_in_force(session, dt.date(2025, 7, 3))
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", note)
        try:
            labels = labels_in_force(force)
        finally:
            event.remove(connection, "before_cursor_execute", note)
    assert labels == {"participating": f"2025-07-03 pm, {V2}", "pending": "2025-07-03 pm"}
    assert len(statements) == 1, statements
