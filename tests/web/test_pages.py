"""Every page answers, shows its figures with the publication they come from, and works without JavaScript."""

import html as html_module
import re

import pytest

from g287.catalog import catalog

LATEST = "participatingAgencies07092025am.xlsx"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_home_headline_cards_chart_and_sources(site, fixed_today):
    page = site.get("/")
    assert page.status_code == 200
    text = text_of(page.text)
    # The headline names the list its figures come from; it said "As of <today>" over a list of months before.
    assert (
        "In ICE's participating list of 9 July 2025 (am), the latest this registry holds: "
        "807 MOAs with 658 agencies (counted by this registry) in 40 states." in text
    )
    assert (
        "ICE replaces its lists every few days; the newest participating list this registry holds was published on "
        "9 July 2025, 508 days before today: these are not today's figures." in text
    )
    assert not re.search(r"\bAs of\b", text) and "2026-11-29" not in text and "<title>287(g) agreements in ICE's participating list of 9 July 2025 (am)" in html_module.unescape(page.text)
    # The county count says what it counts: where agencies are listed, not where their officers act.
    assert (
        "Counties: at least 403 of the 3,141 counties (Census 2000 list, the count in public statements) have a participating agency "
        "whose listed county is there; this counts where agencies are listed, not where their officers act: 230 listings, mostly of "
        "state and municipal agencies (229 of 230), name no county, and 1 has a county text that could not be matched to one county." in text
    )
    assert "399 have a participating county-level agency" in text and "With the 3,144 counties of the 2022 vintage" in text
    assert LATEST in text and 'href="/publications/' in page.text
    for code, count in (("JEM", "117"), ("TFM", "399"), ("WSO", "291")):
        assert f"({code})" in text and f"{count} MOAs" in text
    assert "Pending: 39 listings" in text
    # The chart, drawn on the server from the timeline: wide, and narrow for a phone (site.css shows the one that fits)
    for drawn in ("wide", "narrow"):
        chart = re.search(rf'<svg[^>]*class="chart chart-{drawn}".*?</svg>', page.text, re.S)[0]
        assert 'role="img"' in chart and chart.count("<circle") == 3 * 6  # three models, six dates with a participating list
        assert "WSO: 291 on 2025-07-09 am (participatingAgencies07092025am.xlsx)" in chart  # each point names its source
    assert 'href="/factsheet' in page.text


def test_home_map_by_state_and_county(site):
    page = site.get("/").text
    national = re.search(r'<svg[^>]*id="map-state".*?</svg>', page, re.S)[0]
    assert 'role="group"' in national and national.count('<a href="/states/') == 51  # 50 states and DC, each a link
    assert '<a href="/states/FL" aria-label="Florida">' in national and "Florida — 307 MOAs" in national
    # the map's texts are HTML beside it, at the page's type size (inside the SVG they shrank to 4 px on a phone)
    assert "<text" not in national and re.search(r'<ul class="map-legend"[^>]*>.*?100 or more \(2 states\)</li>', page, re.S)
    county = site.get("/", params={"level": "county", "model": "WSO", "as_of": "2025-06-20"}).text
    counties = re.search(r'<svg[^>]*id="map-county".*?</svg>', county, re.S)[0]
    assert counties.count("data-fips=") > 3000 and "Warrant Service Officer (WSO) only, in ICE's list of 20 June 2025" in counties
    assert "participatingAgencies06202025am.xlsx" in counties
    assert "<script" not in counties and not re.search(r"\son\w+=", counties)  # drawn without scripts or handlers


def test_home_latest_changes_come_from_the_diff(site):
    text = text_of(site.get("/").text)
    assert "Latest changes" in text and "newly listed as participating: 2" in text and "moved from the pending list to participating: 29" in text
    assert "Walworth County Sheriff's Office (WI), WSO" in text  # the agreement the latest list no longer lists, by name
    assert "Every change, with details" in text


def test_home_for_a_date_and_a_model(site, fixed_today):
    text = text_of(site.get("/", params={"as_of": "2025-05-29"}).text)
    # 516 agencies, not the 518 names of that list: identity resolution joins two pairs of names of one agency. A date
    # chosen: the list in force on it, and no note on the age of the latest list.
    assert "In force on 29 May 2025, ICE's participating list of 29 May 2025 (am): 635 MOAs with 516 agencies (counted by this registry) in 40 states." in text
    assert "not today's figures" not in text and "the latest this registry holds" not in text
    between = text_of(site.get("/", params={"as_of": "2025-06-01"}).text)
    assert "In force on 1 June 2025, ICE's participating list of 29 May 2025 (am): 635 MOAs" in between
    assert "participatingAgencies05292025am.xlsx" in text and LATEST not in text
    text = text_of(site.get("/", params={"as_of": "2025-05-29", "model": "JEM"}).text)
    assert "100 JEM MOAs" in text and "All models: 635 MOAs" in text


def test_home_before_any_publication(site):
    page = site.get("/", params={"as_of": "2020-01-01"}).text
    # ICE published lists long before 2020: what is missing is a list held here, not one published.
    assert "this registry holds no participating list of ICE's published on or before that date" in text_of(page)
    assert 'id="map-' not in page and 'class="chart' not in page


def test_forms_work_without_javascript(site):
    page = site.get("/").text
    form = re.search(r'<form class="filters" method="get" action="/".*?</form>', page, re.S)[0]
    assert 'name="as_of"' in form and 'name="model"' in form and '<button type="submit">' in form
    assert re.search(r'<option value="2025-05-16">2025-05-16 am</option>', form)  # every publication's date


def test_state_page(site, fixed_today):
    page = site.get("/states/FL")
    text = text_of(page.text)
    assert page.status_code == 200 and "Florida" in text
    assert "In ICE's participating list of 9 July 2025 (am), the latest this registry holds: 307 MOAs with 244 agencies (counted by this registry) in Florida." in text
    assert "508 days before today: these are not today's figures." in text and LATEST in text
    assert (
        "All 67 of Florida's 67 counties (2022 vintage) have a participating agency whose listed county is there, 67 a county-level one; "
        "this counts where agencies are listed, not where their officers act: 155 listings, mostly of state and municipal agencies "
        "(154 of 155), name no county." in text
    )
    # The TYPE counts are of MOAs (rows), beside a count of agencies: the label says so.
    assert "MOAs by agency type (TYPE column): County 141, Municipality 142, State agency 24." in text and "By agency type" not in text
    # The counties table names the lists, not a day.
    assert "Counties of Florida with an agency listed in ICE's participating list of 9 July 2025 (am) and ICE's pending list of 11 July 2025 (am)" in text
    texas = text_of(site.get("/states/TX").text)
    assert "At least 81 of Texas's 254 counties (2022 vintage) have a participating agency whose listed county is there" in texas
    assert "6 listings, all of state and municipal agencies, name no county." in texas and "; 81 of 254 counties" not in texas
    assert "Hillsborough County Sheriff" in text and 'href="/counties/12057"' in page.text
    assert "MOAs in Florida over time" in text and 'class="chart chart-wide"' in page.text
    state_map = re.search(r'<svg[^>]*id="map-fl".*?</svg>', page.text, re.S)[0]
    assert state_map.count('<a href="/counties/12') == 67 and 'aria-label="Hillsborough County, FL"' in state_map
    assert "Counties (GeoJSON)" in text and "/exports/counties.geojson?state=FL" in page.text
    assert site.get("/states/fl").status_code == 200
    assert site.get("/states/ZZ").status_code == 404
    older = text_of(site.get("/states/FL", params={"as_of": "2025-05-29", "model": "WSO"}).text)
    assert "participatingAgencies05292025am.xlsx" in older and "WSO MOAs" in older
    assert "In force on 29 May 2025, ICE's participating list of 29 May 2025 (am): 65 WSO MOAs" in older and "not today's figures" not in older
    assert "Counties of Florida with an agency listed in ICE's participating list of 29 May 2025 (am) and ICE's pending list of 15 May 2025 (am), in force on 29 May 2025" in older


def test_territory_page_has_no_county_map(site):
    page = site.get("/states/PR")
    assert page.status_code == 200 and 'id="map-' not in page.text


def test_states_index(site):
    text = text_of(site.get("/states").text)
    assert "Florida" in text and "Wyoming" in text and LATEST in text and "67 of 67" in text and "2022 vintage" in text


def test_county_page_by_fips(site, fixed_today):
    page = site.get("/counties/12009")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Brevard County, Florida" in text and "FIPS code 12009" in text and "Brevard County Sheriff" in text and LATEST in text
    assert "In ICE's participating list of 9 July 2025 (am), the latest this registry holds: 5 MOAs with 4 agencies (counted by this registry) located in Brevard County." in text
    assert "508 days before today: these are not today's figures." in text and not re.search(r"\bAs of\b", text)
    # The agencies' table names the lists it shows, not a day (it said "in the lists in force on <today>").
    assert "Agencies located in Brevard County in ICE's participating list of 9 July 2025 (am) and ICE's pending list of 11 July 2025 (am)" in text
    assert "in the lists in force on" not in text
    assert site.get("/counties/99999").status_code == 404 and site.get("/counties/12").status_code == 422
    model = text_of(site.get("/counties/12057", params={"model": "JEM", "as_of": "2025-05-16"}).text)
    assert "participatingAgencies05162025am.xlsx" in model and "JEM MOAs" in model


def test_county_names_redirect_to_the_fips_page(site):
    for name in ("brevard", "Brevard%20County", "BREVARD-COUNTY"):
        moved = site.get(f"/states/FL/counties/{name}", params={"as_of": "2025-06-20"}, follow_redirects=False)
        assert moved.status_code == 301 and moved.headers["location"] == "/counties/12009?as_of=2025-06-20"
    assert site.get("/states/FL/counties/brevard").status_code == 200
    missing = site.get("/states/FL/counties/nowhere")
    assert missing.status_code == 404 and "no single county of Florida" in text_of(missing.text)


def test_agency_page(site):
    found = site.get("/api/v1/search", params={"q": "Hillsborough County Sheriff"}).json()["hits"]
    agency = next(h for h in found if h["kind"] == "agency" and h["state"] == "FL")
    page = site.get(agency["url"])
    text = text_of(page.text)
    assert page.status_code == 200 and "Hillsborough County Sheriff" in text
    assert "Agreements" in text and "Every listing" in text and "Names and identity" in text and "History of each agreement" in text
    assert "the first name the agency was published under" in text  # the identity rule, explained
    assert "ice.gov" in page.text  # MOA document links
    assert "Hillsborough County, FL (FIPS 12057)" in text and 'href="/counties/12057"' in page.text
    assert re.search(r"Participating: first listed 2025-05-\d\d am ?, last 2025-07-09 am", text)
    assert site.get("/agencies/999999").status_code == 404
    assert site.get("/agencies/abc").status_code == 422


def test_agency_page_of_a_merged_agency(site, bundled_db):
    from sqlalchemy import select

    from g287.db.models.registry import Agency

    with bundled_db.session() as session:
        absorbed = session.scalars(select(Agency).where(Agency.merged_into_id.is_not(None)).order_by(Agency.id)).first()
        absorbed_id, survivor_id = absorbed.id, absorbed.merged_into_id
    moved = site.get(f"/agencies/{absorbed_id}", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == f"/agencies/{survivor_id}"
    text = text_of(site.get(f"/agencies/{survivor_id}").text)
    assert "Identity merges" in text and "confidence" in text and "Evidence:" in text
    assert re.search(r"same name without a 'City of' / 'Town of' prefix|abbreviations|spelling", text)


def test_agency_list_filters_and_pages(site):
    text = text_of(site.get("/agencies", params={"state": "TX", "model": "WSO", "status": "participating"}).text)
    assert "agencies participating (state TX, model WSO)" in text
    everyone = site.get("/agencies", params={"status": "all"}).text
    assert "Page 1 of" in everyone and 'rel="next"' in everyone
    assert site.get("/agencies", params={"state": "XX"}).status_code == 422


def test_model_pages(site):
    index = text_of(site.get("/models").text)
    assert "Jail Enforcement Model" in index and "Who may join" in index and "Source:" in index
    # Each model's description is The Center Square's (as the model pages, the home page and the fact sheet say);
    # the index gave the three without a source, "Source:" being only the list's and the other statements'.
    for code in ("JEM", "TFM", "WSO"):
        summary = catalog().models[code].summary
        assert f"{summary.text} Source: {summary.sources[0].title}." in index, code
    # How an agency joins: the facts file's steps (letter of interest and MOA templates, nominees trained and
    # certified) and where questions go, which the page left out.
    joining = index.split("How an agency joins", 1)[1].split("Requirements for nominated officers", 1)[0]
    assert "letter template for each model" in joining and "fillable MOA template" in joining and "trained and certified by ICE" in joining
    assert "Questions about the program go to its contact mailbox at ICE. Source: The Center Square" in joining
    page = site.get("/models/TFM")
    text = text_of(page.text)
    assert "399 TFM MOAs" in text and "two years of sworn law enforcement experience" in text and LATEST in text
    jem = site.get("/models/JEM").text
    assert "unconfirmed" in jem  # the catalog's unconfirmed training statement is marked
    assert site.get("/models/XYZ").status_code == 404  # no such page, as /states/ZZ


def test_pending_page(site):
    text = text_of(site.get("/pending").text)
    assert "39 pending listings" in text and "pendingAgencies07112025am_b.xlsx" in text
    assert "From pending to signed" in text and "Median wait to be listed as participating: 18 days (51 agreements)" in text
    assert "Days on the pending list, by model" in text and "by state" in text
    assert "Left the pending list without being listed as signed (4)" in text and "Still pending (38)" in text
    assert "86 more agreements moved from pending to participating but were already pending" in text
    assert "1 agreement was listed as pending only when or after ICE listed it as participating" in text
    text = text_of(site.get("/pending", params={"as_of": "2025-05-20"}).text)
    assert "pendingAgencies05152025am" in text
    wso = text_of(site.get("/pending", params={"model": "WSO"}).text)
    assert "From pending to signed: WSO" in wso and "(19 agreements)" in wso and "1 agreement was listed as pending only when" in wso
    assert "0 agreements were listed as pending only when" in text_of(site.get("/pending", params={"model": "JEM"}).text)


def test_changes_page(site):
    page = site.get("/changes")
    text = text_of(page.text)
    assert "807" in text and "777" in text and "+30" in text
    assert "Newly listed as participating (2)" in text and "Missing from the newer participating list (1)" in text
    # Its one agreement (Walworth County, WI, absent from the 9 July list only) is an omission so far: headed "No
    # longer listed", it contradicted the page's own definition (no longer listed: absent from K consecutive lists).
    assert "Walworth County Sheriff's Office (WI), WSO, signed 2025-06-12: absent from fewer than 2 lists in force so far" in text
    assert "No longer listed as participating" not in text
    chosen = text_of(site.get("/changes", params={"from": "2025-05-16", "to": "2025-07-09"}).text)
    assert "participatingAgencies05162025am.xlsx" in chosen and LATEST in chosen
    assert "Renamed (the same agency under a new name) (8)" in chosen
    assert "City of Melbourne Police Department → Melbourne Police Department (FL), TFM: same name without a 'City of' / 'Town of' prefix (confidence 0.95)" in chosen
    # 136: on the pending list of 15 May (in force at FROM), or of 30 May or 3 July (published between the two lists)
    assert "Signed date changed (7)" in chosen and "Moved from the pending list to participating (136)" in chosen
    pending = text_of(site.get("/changes", params={"kind": "pending"}).text)
    assert "pendingAgencies07112025am_b.xlsx" in pending and "Newly pending" in pending and "No longer pending" in pending
    assert site.get("/changes", params={"from": "no such file"}).status_code == 404


def test_search_page_tolerates_typos(site):
    text = text_of(site.get("/search", params={"q": "hilsborough sherif"}).text)
    assert "Hillsborough County Sheriff's Office" in text
    text = text_of(site.get("/search", params={"q": "Florda"}).text)
    assert "State: Florida" in text
    assert "Nothing matches" in site.get("/search", params={"q": "zzqqxx"}).text


def test_data_and_publication_pages(site):
    page = text_of(site.get("/data").text)
    assert LATEST in page and "quality register" in page.lower() and "g287.sqlite" in page and "Datasette" in page
    publications = site.get("/api/v1/publications").json()
    first = publications[0]
    text = text_of(site.get(f"/publications/{first['id']}").text)
    assert first["file"] in text and first["sha256"] in text and "Quality register" in text
    assert site.get("/publications/99999").status_code == 404


def test_about_page_defines_every_figure(site):
    text = text_of(site.get("/about").text)
    for term in (
        "List in force on a date", "MOAs", "Agreements", "Agencies", "States", "Pending listings", "Signed date", "Located", "Not located",
        "Counties with an agency", "Counties with a county-level agency", "Vintages", "2000: 3,141", "2022: 3,144", "No longer listed (K)", "K = 2",
        "Renamed", "Pipeline", "This registry's own lists", "Known data problems", "identity", "WGS 84",
    ):
        assert term in text, term
    assert '"Bowie County"' in text  # a county text that names no county of its state, listed
    # Not located: every reason a coverage count gives, as the counts' own words say them.
    assert "whose county text could not be matched to one county" in text and "Connecticut's counties are not in the 2022 list" in text
    # The list in force is the latest held here; an absence is not a termination; statements rest on a news site.
    assert "The latest of ICE's lists of that kind (participating or pending) held by this registry and published on or before the date" in text
    assert "ICE gives no reason for an absence. This is not a confirmed termination." in text and "Ended (K)" not in text
    assert "Figures from public statements and reference counts" in text and "What the program's own statements say" not in text
    # The one total reported for a list held here is what counting rows reproduces; agency counts are the registry's.
    assert "635 MOAs in 40 states on 29 May 2025 (The Center Square, quoting ICE)" in text and "This reproduces ICE's own totals" not in text
    assert "Agency counts are this registry's" in text
    assert (
        "The lists of May–July 2025 bundled here were published on ICE's 287(g) page and preserved by the public archive "
        "appelson/Tracking_287g; suffixes such as _b and __v2 were added by the archive, not ICE." in text
    )
    assert 'id="unmatched"' in site.get("/about").text  # the maps' captions link the unmatched county texts here
    assert "place_prefix" in text and "0.95" in text  # the identity rules with their confidence, from the rules file


def test_factsheet_page_and_pdf(site):
    text = text_of(site.get("/factsheet").text)
    assert "807" in text and "658" in text and LATEST in text and "Generated from the data" in text
    assert 'id="factsheet-map"' in site.get("/factsheet").text
    pdf = site.get("/factsheet.pdf", params={"as_of": "2025-05-29"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf.content))
    assert len(reader.pages) == 1
    words = reader.pages[0].extract_text()
    assert "635" in words and "516" in words and "participatingAgencies05292025am.xlsx" in words
    assert reader.pages[0].images  # the map, drawn from the data


@pytest.mark.parametrize("path", ["/", "/states/FL", "/agencies", "/api/v1/stats", "/exports/agreements.csv"])
def test_security_headers(site, path):
    headers = site.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_errors_are_pages_for_people(site):
    page = site.get("/no/such/page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    invalid = site.get("/", params={"as_of": "yesterday"})
    assert invalid.status_code == 422 and "as_of" in invalid.text


def test_head_and_static(site):
    assert site.head("/").status_code == 200 and site.head("/").content == b""
    for path in ("/static/site.css", "/static/site.js", "/static/favicon.svg"):
        assert site.get(path).status_code == 200


# A link to a publication (the macros pub_link and ref_link: its label, and pub_link's file in brackets)
PUBLICATION_LINK = r'<a href="/publications/\d+">[^<]*</a>(?: \([^)<]*\))?'


def test_a_publication_link_is_followed_by_its_punctuation_without_a_space(site, bundled_db):
    """The macros that link a publication end without whitespace: a full stop or comma after one follows it at once
    (read in the HTML: text_of puts a space for every tag)."""
    from sqlalchemy import select

    from g287.db.models.registry import AgencyName

    with bundled_db.session() as session:
        longboat_key = session.scalars(select(AgencyName.agency_id).where(AgencyName.name == "Longboat Key Police Department")).one()
    followed = 0
    for path in ("/", "/pending", f"/agencies/{longboat_key}", "/changes"):
        page = site.get(path).text
        assert not re.findall(PUBLICATION_LINK + r"\s+[.,;:]", page), path
        followed += len(re.findall(PUBLICATION_LINK + r"[.,;:]", page))
    assert followed > 10
