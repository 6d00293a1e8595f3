"""The pages' tables agree with their headlines: the pending agencies (all the pending list in force lists), the
model pages as of a date, and the home page's latest changes (the list in force against the one in force before
its publication day, as the trend)."""

from __future__ import annotations

import html as html_module
import re

import pytest


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", page)))


def section(page: str, title_id: str) -> str:
    """The HTML of the section labelled by `title_id`."""
    start = page.index(f'aria-labelledby="{title_id}"')
    return page[start:page.index("</section>", start)]


def agency_ids(fragment: str) -> set[str]:
    return set(re.findall(r'href="/agencies/(\d+)"', fragment))


def api_pending_ids(site, **params) -> set[str]:
    body = site.get("/api/v1/agencies", params={"status": "pending", "limit": 1000, **params}).json()
    assert body["total"] == len(body["items"]) > 0
    return {str(a["id"]) for a in body["items"]}


@pytest.mark.parametrize("as_of", ["2025-05-29", "2025-07-09", None])
def test_pending_page_lists_every_agency_its_headline_counts(site, as_of):
    params = {"as_of": as_of} if as_of else {}
    page = site.get("/pending", params=params).text
    counted = int(re.search(r"pending listings of (\d+) agencies", text_of(page)).group(1).replace(",", ""))
    listed = agency_ids(section(page, "agencies-title"))
    assert len(listed) == counted
    assert listed == api_pending_ids(site, **params)


def test_pending_page_keeps_the_participating_agreements_beside(site):
    table = section(site.get("/pending", params={"as_of": "2025-05-29"}).text, "agencies-title")
    assert "(pending)" in table and "participating and pending" not in table  # statuses per agreement, not per agency
    assert re.search(r'title="[^"]*: participating"', table)  # an agency also participating shows it


@pytest.mark.parametrize("usps", ["FL", "TX"])
@pytest.mark.parametrize("as_of", ["2025-05-29", "2025-07-09"])
def test_state_page_lists_every_pending_agency_its_headline_counts(site, usps, as_of):
    page = site.get(f"/states/{usps}", params={"as_of": as_of}).text
    counted = int(re.search(r"Pending: (\d+) listings of (\d+) agencies", text_of(page)).group(2))
    listed = agency_ids(section(page, "pending-title"))
    assert len(listed) == counted
    assert listed == api_pending_ids(site, as_of=as_of, state=usps)


def test_model_page_honours_as_of(site):
    then = text_of(site.get("/models/JEM", params={"as_of": "2025-05-29"}).text)
    assert "In force on 29 May 2025, ICE's participating list of 29 May 2025 (am): 100 JEM MOAs." in then
    assert "participatingAgencies05292025am.xlsx" in then and "the latest this registry holds" not in then
    latest = text_of(site.get("/models/JEM").text)
    assert "In ICE's participating list of 9 July 2025 (am), the latest this registry holds: 117 JEM MOAs." in latest
    index = text_of(site.get("/models", params={"as_of": "2025-05-29"}).text)
    assert "100 MOAs" in index


def test_home_latest_changes_compare_with_the_list_of_an_earlier_day(site):
    page = site.get("/", params={"as_of": "2025-07-03"}).text
    changes = text_of(section(page, "changes-title"))
    assert "participatingAgencies07032025pm" in changes
    assert "2025-06-20" in changes or "June 20, 2025" in changes
    match = re.search(r"Latest changes Comparing the list in force, (.+?), with the list in force before its publication day, (.+?):", changes)
    assert match and "07032025pm" in match.group(1) and "07032025pm" not in match.group(2)
    recent = text_of(section(page, "recent-title"))
    # The latest publications: the list in force, then the one it is compared with (+58 from it).
    # (a row of a day with two lists names the one it replaced that day, with its MOAs, before its own figures)
    shown = re.findall(r"(participatingAgencies\S+?\.xlsx)(?: ?; replaced that day [^;]*? with [\d,]+ MOAs?)? [\d,]+ ([+-]\d+|first)", recent)
    assert shown[0] == ("participatingAgencies07032025pm__v2.xlsx", "+58")
    assert f"({shown[0][0]}), with" in match.group(0) and f"({shown[1][0]}):" in match.group(0)
    assert "newly listed as participating: 50;" in changes  # not the 24 of the same day's first version


@pytest.mark.parametrize("url", ["/states/IA", "/states/ID", "/counties/01059", "/", "/pending", "/models/JEM", "/publications/1"])
def test_a_count_of_one_takes_the_singular(site, url):
    """"1 MOAs with 1 agencies" on Iowa's page, "3 MOAs with 1 agencies" on Franklin County's (found by review)."""
    text = " ".join(re.sub(r"<[^>]+>", " ", site.get(url).text).split())
    assert re.findall(r"\b1 (?:MOAs|agencies|states|listings|pending listings)\b", text) == []
    assert re.search(r"\b\d[\d,]* (?:JEM |TFM |WSO )?(?:MOAs?|agenc(?:y|ies)|listings?)\b", text)  # the page writes counts at all
