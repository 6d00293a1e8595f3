"""The pages as a reporter reads them, over the bundled lists: each sentence true of ICE's lists, in the words the
other doors (the commands, the API, the feed) use for the same thing."""

from __future__ import annotations

import csv
import html as html_module
import io
import re


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_every_county_of_a_state_counted_is_no_lower_bound(site):
    # Florida, 20 June 2025: each of its 67 counties has a county-level agency. The map's caption said "At least 67
    # of 67 counties (100.0%)" beside the page's "All 67 of Florida's 67 counties", though no county is left to add.
    text = text_of(site.get("/states/FL", params={"as_of": "2025-06-20"}).text)
    assert "All 67 of Florida's 67 counties" in text
    assert "Florida: 285 MOAs (as ICE counts them: one per row). 67 of 67 counties (100.0%) have a participating county-level agency" in text
    assert "at least 67" not in text.lower()
    # A state with counties left to count keeps its lower bound, as before.
    assert "At least 81 of 254 counties (31.89%) have a participating county-level agency" in text_of(site.get("/states/TX").text)


def test_a_signed_date_with_no_reading_is_unknown_at_every_door(site):
    # Grundy County, TN: ICE's list of 9 July 2025 gives its WSO MOA as signed 5025-07-07, a date with no reading
    # (the quality register quotes it). The agency page said "not given" and the changes page and the feed "signed
    # no date", as if ICE had left the cell empty; `g287 agency` says "signed unknown".
    found = site.get("/api/v1/agencies", params={"state": "TN", "limit": 1000}).json()["items"]
    grundy = next(a["id"] for a in found if a["name"] == "Grundy County Sheriff's Office")
    page = text_of(site.get(f"/agencies/{grundy}").text)
    assert "Warrant Service Officer participating unknown " in page
    assert "Signed date unknown, as listed from 2025-07-09 am ." in page and "not given" not in page
    changes = text_of(site.get("/changes", params={"from": "2025-07-03", "to": "2025-07-09"}).text)
    assert "Grundy County Sheriff's Office (TN), WSO, signed unknown" in changes and "no date" not in changes
    feed = site.get("/exports/feed/TN.atom").text
    assert "Grundy County Sheriff's Office (TN), WSO, signed unknown" in feed and "no date" not in feed


def test_a_listing_run_names_its_list_file_once(site):
    # Okaloosa County Sheriff's Office: its run of listings from ICE's first list of 3 July 2025 (pm), which another
    # list of that half-day replaced, read "2025-07-03 pm, participatingAgencies07032025pm.xlsx
    # participatingAgencies07032025pm.xlsx": the label names the file already, and the file was set beside it again.
    found = site.get("/api/v1/agencies", params={"state": "FL", "limit": 1000}).json()["items"]
    okaloosa = next(a["id"] for a in found if a["name"] == "Okaloosa County Sheriff's Office")
    page = site.get(f"/agencies/{okaloosa}").text
    listings = text_of(page[page.index('aria-labelledby="listings-title"'):page.index('aria-labelledby="names-title"')])
    assert listings.count("participatingAgencies07032025pm.xlsx") == 1, listings
    assert "2025-07-03 pm, participatingAgencies07032025pm.xlsx 2025-07-09 am participatingAgencies07092025am.xlsx 2 in force; 3 with the lists replaced the same half-day" in listings
    # A list no other shares its date and half with is named by its date, its file beside it, as before.
    assert "2025-05-16 am participatingAgencies05162025am.xlsx 2025-06-20 am participatingAgencies06202025am.xlsx 4" in listings


def test_an_agreement_pending_since_the_first_list_held_may_be_older(site):
    # Montgomery and Murray County Sheriff's Offices, GA, and Denton County Sheriff's Office, TX (JEM): still pending,
    # "First pending 2025-05-15 am", the first pending list held here, with nothing saying so: read as "pending since
    # 15 May 2025", which no list held tells.
    page = site.get("/pending").text
    still = text_of(page[page.index("Still pending ("):page.index("Still on the pending list after")])
    said = "3 of them were listed by the first pending list held here ( 2025-05-15 am ): pending since then or earlier, for a time these lists cannot tell."
    assert f"Still pending (38) {said}" in still
    assert "GA Montgomery County Sheriff's Office JEM 2025-05-15 am" in still
    # Of one model, that model's: all three are JEM; none of the TFM agreements still pending was pending then.
    assert f"Still pending (4) {said}" in text_of(site.get("/pending", params={"model": "JEM"}).text)
    tfm = text_of(site.get("/pending", params={"model": "TFM"}).text)
    assert "Still pending (" in tfm and "listed by the first pending list held here" not in tfm


def test_an_agreement_no_longer_listed_says_where_its_moa_is_listed(site):
    # Okaloosa County Sheriff's Office, FL: its WSO MOA is listed from 3 July 2025 under the Okaloosa County Department
    # of Corrections (the same document and signed date). The changes page and the feed say so; the agency page, where
    # a reader looks for what became of the agreement, said only "no longer listed ... counted as an end".
    found = site.get("/api/v1/agencies", params={"state": "FL", "status": "all", "limit": 1000}).json()["items"]
    ids = {a["name"]: a["id"] for a in found}
    sheriff, corrections = ids["Okaloosa County Sheriff's Office"], ids["Okaloosa County Department of Corrections"]
    page = site.get(f"/agencies/{sheriff}").text
    assert (
        "No longer listed: absent from 2025-07-03 pm, participatingAgencies07032025pm.xlsx on, in 2 or more consecutive lists (ICE gives no"
        " reason; this registry counts that as an end). The same MOA (document and signed date) is listed under Okaloosa County Department"
        " of Corrections from that list."
    ) in text_of(page)
    assert f'listed under <a href="/agencies/{corrections}">Okaloosa County Department of Corrections</a>' in page
    agreements = {g["model"]: g for g in site.get(f"/api/v1/agencies/{sheriff}").json()["agreements"]}
    assert agreements["TFM"]["same_moa_now_under"] == []
    [moved] = agreements["WSO"]["same_moa_now_under"]
    assert (moved["agency"], moved["agency_id"], moved["from"]["file"]) == ("Okaloosa County Department of Corrections", corrections, "participatingAgencies07032025pm.xlsx")
    # An end whose MOA no other agency is listed with says nothing more: Butler County, PA's WSO agreement.
    butler = next(a["id"] for a in site.get("/api/v1/agencies", params={"state": "PA", "status": "all", "limit": 1000}).json()["items"] if a["name"] == "Butler County Sheriff's Office")
    assert "The same MOA" not in site.get(f"/agencies/{butler}").text


def test_the_pending_page_offers_its_agencies_as_downloads(site):
    # The state, county and agency-list pages offer their selection as CSV, JSON and ICE's layout; the pending page,
    # where a reader finds the pending agencies, offered none (a dead end for "which agencies are pending?").
    page = site.get("/pending", params={"as_of": "2025-05-30", "model": "TFM"}).text
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="(/exports/agreements\.[a-z]+\?[^"]*)"', page)]
    assert links == [
        "/exports/agreements.csv?as_of=2025-05-30&model=TFM&status=pending",
        "/exports/agreements.json?as_of=2025-05-30&model=TFM&status=pending",
        "/exports/agreements.xlsx?as_of=2025-05-30&model=TFM&status=pending",
    ]
    answer = site.get(links[0])
    counted = int(re.search(r"(\d+) TFM pending listings", text_of(page)).group(1))
    assert answer.status_code == 200 and int(answer.headers["x-total-count"]) == counted == 50
    assert {row["status"] for row in csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))} == {"pending"}


def test_an_agencys_first_pending_list_says_when_it_is_the_first_held(site, bundled_db):
    """The agency's page said "Pending: first listed 2025-05-15 am", read as "pending since 15 May", where the
    pending page and `g287 agreements` say that list is the first held: pending since then or earlier."""
    import json

    from click.testing import CliRunner

    from g287.cli import cli

    note = "the first pending list held here: pending since then or earlier, for a time these lists cannot tell"
    for name, state, first in (("Montgomery County Sheriff's Office", "GA", True), ("Madison County Sheriff's Office", "AL", False)):
        shown = CliRunner().invoke(cli, ["--database", bundled_db.url, "agency", name, "--state", state, "--json"])
        agency_id = json.loads(shown.output)["agency"]["id"]
        page = " ".join(site.get(f"/agencies/{agency_id}").text.split())
        text = " ".join(CliRunner().invoke(cli, ["--database", bundled_db.url, "agency", name, "--state", state]).output.split())
        answer = site.get(f"/api/v1/agencies/{agency_id}").json()
        assert [a["pending_since_first_list_held"] for a in answer["agreements"] if a["lifecycle"] and a["lifecycle"]["first_pending"]] == [first]
        assert (f"2025-05-15 am</a> ({note}), last" in page) is first and (note in page) is first
        assert (f"2025-05-15 am is {note}" in text) is first and (note in text) is first


def test_an_agencys_listings_count_lists_in_force_as_its_lifecycle_does(site, bundled_db):
    """St. Cloud, FL's run from 3 July pm to 9 July: the "Lists" column said 3 (07/03 pm, its __v2 and 07/09), where
    the lifecycle above it says 2 lists in force; it now says both, as the lifecycle does."""
    import json

    from click.testing import CliRunner

    from g287.cli import cli

    args = ["--database", bundled_db.url, "agency", "St. Cloud Police Department", "--state", "FL"]
    data = json.loads(CliRunner().invoke(cli, [*args, "--json"]).output)
    run = next(item for item in data["listings"] if item["from"]["published"] == "2025-07-03")
    assert (run["publications"], run["lists_in_force"]) == (3, 2)
    page = site.get(f"/agencies/{data['agency']['id']}").text
    assert '<td class="n">2 in force; 3 with the lists replaced the same half-day</td>' in page
    assert '<td class="n">4</td>' in page  # the first run: no list replaced, one number
    answer = site.get(f"/api/v1/agencies/{data['agency']['id']}").json()
    assert [(r["publications"], r["lists_in_force"]) for r in answer["listings"]] == [(r["publications"], r["lists_in_force"]) for r in data["listings"]]
    text = " ".join(CliRunner().invoke(cli, args).output.split())
    assert "participatingAgencies07032025pm.xlsx to 2025-07-09 am (2 lists in force; 3 with the lists replaced the same half-day):" in text
    assert "2025-05-16 am to 2025-06-20 am (4 lists):" in text
