"""Every page answers, shows its figures with the publication they come from, and works without JavaScript."""

import html as html_module
import re

import pytest

LATEST = "participatingAgencies07092025am.xlsx"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_home_headline_cards_chart_and_sources(site):
    page = site.get("/")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "807 MOAs with 659 agencies in 40 states" in text
    assert LATEST in text and 'href="/publications/' in page.text
    for code, count in (("JEM", "117"), ("TFM", "399"), ("WSO", "291")):
        assert f"({code})" in text and f"{count} MOAs" in text
    assert "Pending: 39 listings" in text
    assert '<svg' in page.text and 'role="img"' in page.text  # the chart, drawn on the server
    assert "WSO: 291 on 2025-07-09 am (participatingAgencies07092025am.xlsx)" in page.text  # each point names its source
    assert 'href="/factsheet' in page.text


def test_home_for_a_date_and_a_model(site):
    text = text_of(site.get("/", params={"as_of": "2025-05-29"}).text)
    assert "As of 2025-05-29: 635 MOAs with 518 agencies in 40 states" in text
    assert "participatingAgencies05292025am.xlsx" in text and LATEST not in text
    text = text_of(site.get("/", params={"as_of": "2025-05-29", "model": "JEM"}).text)
    assert "100 JEM MOAs" in text and "All models: 635 MOAs" in text


def test_home_before_any_publication(site):
    assert "no participating list had been published" in site.get("/", params={"as_of": "2020-01-01"}).text


def test_forms_work_without_javascript(site):
    page = site.get("/").text
    form = re.search(r'<form class="filters" method="get" action="/".*?</form>', page, re.S)[0]
    assert 'name="as_of"' in form and 'name="model"' in form and '<button type="submit">' in form
    assert re.search(r'<option value="2025-05-16">2025-05-16 am</option>', form)  # every publication's date


def test_state_page(site):
    page = site.get("/states/FL")
    text = text_of(page.text)
    assert page.status_code == 200 and "Florida" in text
    assert "307 MOAs with 244 agencies in Florida" in text and LATEST in text
    assert "Hillsborough County Sheriff" in text and "/states/FL/counties/" in page.text
    assert "MOAs in Florida over time" in text
    assert site.get("/states/fl").status_code == 200
    assert site.get("/states/ZZ").status_code == 404
    older = text_of(site.get("/states/FL", params={"as_of": "2025-05-29", "model": "WSO"}).text)
    assert "participatingAgencies05292025am.xlsx" in older and "WSO MOAs" in older


def test_states_index(site):
    text = text_of(site.get("/states").text)
    assert "Florida" in text and "Wyoming" in text and LATEST in text


def test_county_page(site):
    page = site.get("/states/FL/counties/brevard")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Brevard County" in text and "Brevard County Sheriff" in text and LATEST in text
    assert site.get("/states/FL/counties/Brevard%20County").status_code == 200
    assert site.get("/states/FL/counties/nowhere").status_code == 404


def test_agency_page(site):
    found = site.get("/api/v1/search", params={"q": "Hillsborough County Sheriff"}).json()["hits"]
    agency = next(h for h in found if h["kind"] == "agency" and h["state"] == "FL")
    page = site.get(agency["url"])
    text = text_of(page.text)
    assert page.status_code == 200 and "Hillsborough County Sheriff" in text
    assert "Agreements" in text and "Every listing" in text and "Names and identity" in text
    assert "first seen" in text  # the identity rule
    assert "ice.gov" in page.text  # MOA document links
    assert site.get("/agencies/999999").status_code == 404
    assert site.get("/agencies/abc").status_code == 422


def test_agency_list_filters_and_pages(site):
    text = text_of(site.get("/agencies", params={"state": "TX", "model": "WSO", "status": "participating"}).text)
    assert "agencies (state TX, model WSO)" in text
    everyone = site.get("/agencies", params={"status": "all"}).text
    assert "Page 1 of" in everyone and 'rel="next"' in everyone
    assert site.get("/agencies", params={"state": "XX"}).status_code == 422


def test_model_pages(site):
    index = text_of(site.get("/models").text)
    assert "Jail Enforcement Model" in index and "Who may join" in index and "Source:" in index
    page = site.get("/models/TFM")
    text = text_of(page.text)
    assert "399 TFM MOAs" in text and "two years of sworn law enforcement experience" in text and LATEST in text
    jem = site.get("/models/JEM").text
    assert "unconfirmed" in jem  # the catalog's unconfirmed training statement is marked
    assert site.get("/models/XYZ").status_code == 422


def test_pending_page(site):
    text = text_of(site.get("/pending").text)
    assert "39 pending listings" in text and "pendingAgencies07112025am_b.xlsx" in text
    text = text_of(site.get("/pending", params={"as_of": "2025-05-20"}).text)
    assert "pendingAgencies05152025am" in text


def test_changes_page(site):
    page = site.get("/changes")
    text = text_of(page.text)
    assert "807" in text and "777" in text and "+30" in text
    chosen = text_of(site.get("/changes", params={"from": "2025-05-16", "to": "2025-05-29"}).text)
    assert "participatingAgencies05162025am.xlsx" in chosen and "participatingAgencies05292025am.xlsx" in chosen
    pending = text_of(site.get("/changes", params={"kind": "pending"}).text)
    assert "pendingAgencies07112025am_b.xlsx" in pending
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
    for term in ("List in force on a date", "MOAs", "Agencies", "States", "Pending listings", "Signed date", "Counties", "Known data problems"):
        assert term in text


def test_factsheet_page_and_pdf(site):
    text = text_of(site.get("/factsheet").text)
    assert "807" in text and "659" in text and LATEST in text and "Generated from the data" in text
    pdf = site.get("/factsheet.pdf", params={"as_of": "2025-05-29"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf.content))
    assert len(reader.pages) == 1
    words = reader.pages[0].extract_text()
    assert "635" in words and "518" in words and "participatingAgencies05292025am.xlsx" in words


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
