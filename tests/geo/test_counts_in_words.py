"""Every count of the coverage figures is worded for its number, and the listings not located are said by why in one
wording wherever they are said: `g287 coverage` said "1 of 51 states ... have", "1 of 2 listings are located", "1 are
not", "1 (0.03%) have"; the maps said "whose county could not be matched" where the pages say "have a county text that
could not be matched to one county"; a state's page counted a listing whose county is not of the vintage among those
whose text could not be matched; the home page said "at least" when every listing is located; `g287 map` with no
list in force exited 1 where `coverage` and `stats` answer."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import warnings

from g287.geo.coverage import coverage, headline
from g287.geo.maps import map_figure
from tests.geo.test_review_fixes import ingest_rows
from tests.in_process import run_g287

DAY = dt.date(2025, 8, 5)
TFM = "Task Force Model"
# One listing located (Hillsborough County), one that names no county: counts of 1 everywhere.
ONE = [
    ["FLORIDA", "Hillsborough County Sheriff's Office", "County", "Hillsborough County", "Jail Enforcement Model", "2025-07-20", "link pending"],
    ["FLORIDA", "Florida Highway Patrol", "State Agency", "", TFM, "2025-07-20", "link pending"],
]
# Connecticut's listings not located, one for each reason: no county; a text naming no county of the state; Hartford
# County, matched but no county of the 2022 vintage (planning regions replaced the counties).
CONNECTICUT = [
    ["CONNECTICUT", "Capitol Region Test Office", "County", "Capitol Planning Region", TFM, "2025-07-20", "link pending"],
    ["CONNECTICUT", "Hartford Test Office", "County", "Hartford County", TFM, "2025-07-20", "link pending"],
    ["CONNECTICUT", "Atlantis Test Office", "County", "Atlantis County", TFM, "2025-07-20", "link pending"],
    ["CONNECTICUT", "Connecticut State Police", "State Agency", "", TFM, "2025-07-20", "link pending"],
]
NOT_LOCATED_CT = (
    "1 listing, all of state and municipal agencies, names no county, 1 has a county text that could not be matched to one "
    "county{hint}, and 1 names a county not in the Census 2022 list"
)


def page_text(db, path: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from g287.web.app import create_app

    response = TestClient(create_app(db)).get(path)
    assert response.status_code == 200
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.text).split()))


def test_the_coverage_headline_words_counts_of_one_for_their_number(db, actor, tmp_path):
    ingest_rows(db, actor, tmp_path / "list.csv", ONE, DAY)
    status, out, err = run_g287(db.url, "coverage", "--as-of", DAY.isoformat())
    assert (status, err) == (0, "")
    assert out.startswith(
        "As of 2025-08-05: at least 1 of 3,144 counties (0.03%) has a participating county-level agency; 1 (0.03%) has a "
        "participating agency of any type located in it; 1 of 51 states (50 and DC) has at least one agreement. 1 of 2 listings "
        "is located in a county; 1 is not: it names no county (a state agency). Counties: 2022 vintage."
    ), out
    # Every listing of the model located: exact, no "at least", and no listing left to say.
    jem = run_g287(db.url, "coverage", "--as-of", DAY.isoformat(), "--model", "JEM")[1]
    assert jem.startswith("As of 2025-08-05 (JEM only): 1 of 3,144 counties (0.03%) has a participating county-level agency;"), jem
    assert "1 of 1 listing is located in a county. Counties:" in jem
    # A model the list has no listing of: none of the counties, none of the states (said as the counties are, not
    # "0 of 51 states have"), and no "0 of 0 listings are located".
    wso = run_g287(db.url, "coverage", "--as-of", DAY.isoformat(), "--model", "WSO")[1]
    assert (
        "none of the 3,144 counties has a participating agency of any type located in it, county-level or other; "
        "none of the 51 states (50 and DC) has an agreement. " in wso
    ), wso
    assert "There is no listing to locate in a county. Counties: 2022 vintage." in wso and "0 of 0" not in wso and "0 of 51" not in wso
    # The JSON keeps its counts: the words are the command's.
    wso_json = json.loads(run_g287(db.url, "coverage", "--as-of", DAY.isoformat(), "--model", "WSO", "--json")[1])
    assert (wso_json["states_with_agreement"], wso_json["states_total"], wso_json["model"]) == (0, 51, "WSO")


def test_the_maps_and_the_pages_say_the_listings_not_located_in_the_commands_words(db, actor, tmp_path):
    ingest_rows(db, actor, tmp_path / "list.csv", CONNECTICUT + ONE, DAY)
    with db.session() as session:
        said = headline(coverage(session, DAY))
        national = map_figure(session, "county", DAY)
        connecticut = map_figure(session, "county", DAY, state="CT")
        florida = map_figure(session, "county", DAY, state="FL")
    # 6 listings, 2 located (Hillsborough; the planning region is a county of 2022), 4 not: 2 name no county.
    listings = (
        "2 of 6 listings are located in a county; 4 are not: 2 listings, all of state and municipal agencies, name no county, "
        "1 has a county text that could not be matched to one county{hint}, and 1 names a county not in the Census 2022 list"
    )
    assert listings.format(hint=" (see `g287 counties unmatched`)") + ". Counties: 2022 vintage." in said
    assert national.caption[1] == listings.format(hint=" (listed on the method page)")[:1].upper() + listings.format(hint=" (listed on the method page)")[1:] + "."
    assert national.caption_link == ("listed on the method page", "/about#unmatched")
    assert "whose county could not be matched" not in " ".join(national.caption + connecticut.caption)
    assert (
        "At least 1 of 9 counties (11.11%) has a participating county-level agency; 1 (11.11%) has a participating agency of "
        "any type located in it. 3 listings are not on the map: " + NOT_LOCATED_CT.format(hint=" (listed on the method page)") + "."
    ) in connecticut.caption[0]
    assert "1 listing is not on the map: it names no county (a state agency)." in florida.caption[0]
    # The state's page: Hartford County was matched; its county is not of the vintage (it was said as a text not matched).
    state_page = page_text(db, f"/states/CT?as_of={DAY.isoformat()}")
    assert "not where their officers act: " + NOT_LOCATED_CT.format(hint="") + ". Definitions" in state_page
    assert "2 have a county text" not in state_page


def test_the_state_maps_and_the_unmatched_summary_word_counts_of_one(db, actor, tmp_path):
    # One listing, in Puerto Rico: on no shape of the state map; the District of Columbia's one county.
    territory = [["PUERTO RICO", "Policía de Puerto Rico", "State Agency", "", TFM, "2025-07-20", "link pending"]]
    ingest_rows(db, actor, tmp_path / "list.csv", territory, DAY)
    with db.session() as session:
        figure = map_figure(session, "state", DAY, measure="coverage")
    assert "States are counted by the STATE column of ICE's list; 1 of 1 listing is not on this map (1 in territories)." in figure.notes
    district = re.search(r'data-fips="11"[^>]*><title>([^<]+)</title>', figure.svg)[1]
    assert district == "District of Columbia — 0 of 1 county (0%) with a participating county-level agency; no MOAs"
    # One stored row with a county text, matched.
    ingest_rows(db, actor, tmp_path / "later.csv", ONE[:1], DAY + dt.timedelta(days=1))
    status, out, err = run_g287(db.url, "counties", "unmatched")
    assert (status, err) == (0, "") and out.startswith("1 of 1 stored row with a county text matched (100.00%); 0 texts did not match."), out


def test_the_home_page_says_at_least_only_while_some_listing_is_not_located(db, actor, tmp_path):
    # Every listing located, none of them county-level: exact counts.
    located = [["FLORIDA", "Tampa Police Department", "Municipality", "Hillsborough County", TFM, "2025-07-20", "link pending"]]
    ingest_rows(db, actor, tmp_path / "list.csv", located, DAY)
    text = page_text(db, f"/?as_of={DAY.isoformat()}")
    assert (
        "Counties: 1 of the 3,141 counties (Census 2000 list, the count in public statements) has a participating agency whose "
        "listed county is there; this counts where agencies are listed, not where their officers act: every listing names a "
        "county. No county has a participating county-level agency" in text
    ), text
    assert "at least" not in text.lower()
    # Some listing not located: "at least", for each count of counties.
    ingest_rows(db, actor, tmp_path / "later.csv", ONE + located, DAY + dt.timedelta(days=1))
    later = page_text(db, f"/?as_of={(DAY + dt.timedelta(days=1)).isoformat()}")
    assert "Counties: at least 1 of the 3,141 counties (Census 2000 list, the count in public statements) has a participating agency" in later
    assert "names no county. At least 1 has a participating county-level agency" in later


def test_a_map_with_no_list_in_force_says_so_as_coverage_does(db, tmp_path):
    svg = tmp_path / "map.svg"
    status, out, err = run_g287(db.url, "map", "--level", "county", "-o", str(svg))
    assert (status, err) == (0, "") and not svg.exists()
    said = run_g287(db.url, "coverage")[1].rstrip("\n")
    assert out == f"{said} No map is drawn: {svg} is not written.\n", out
    svg.write_text("an earlier map", encoding="utf-8")
    status, out, err = run_g287(db.url, "map", "--level", "state", "--as-of", "2025-01-01", "-o", str(svg), "--json")
    assert (status, err) == (0, "") and json.loads(out) == {"file": None, "format": "svg", "bytes": 0}
    assert svg.read_text(encoding="utf-8") == "an earlier map"  # left as it was
    # A bad argument is refused all the same.
    status, out, err = run_g287(db.url, "map", "--level", "state", "--state", "FL", "-o", str(svg))
    assert status == 1 and "a state's map shows its counties: use the county level" in err


# Listings not located for one reason in each state: Texas's three and Alabama's one name no county, Oklahoma's
# three too (one of them a sheriff's office); Georgia's two name a county it does not have, under another model.
ONE_REASON_EACH = [
    ["TEXAS", "Harris County Sheriff's Office", "County", "Harris County", TFM, "2025-07-20", "link pending"],
    ["TEXAS", "Texas Department of Public Safety", "State Agency", "", TFM, "2025-07-20", "link pending"],
    ["TEXAS", "Texas Department of Criminal Justice", "State Agency", "", TFM, "2025-07-20", "link pending"],
    ["TEXAS", "Galveston Police Department", "Municipality", "", TFM, "2025-07-20", "link pending"],
    ["ALABAMA", "Albertville Police Department", "Municipality", "", TFM, "2025-07-20", "link pending"],
    ["OKLAHOMA", "Oklahoma Highway Patrol", "State Agency", "", TFM, "2025-07-20", "link pending"],
    ["OKLAHOMA", "Oklahoma Bureau of Narcotics", "State Agency", "", TFM, "2025-07-20", "link pending"],
    ["OKLAHOMA", "Test Sheriff's Office", "County", "", TFM, "2025-07-20", "link pending"],
    ["GEORGIA", "Atlantis County Sheriff's Office", "County", "Atlantis County", "Jail Enforcement Model", "2025-07-20", "link pending"],
    ["GEORGIA", "Atlantis County Jail", "County", "Atlantis County", "Jail Enforcement Model", "2025-07-20", "link pending"],
]


def test_one_reason_for_every_listing_not_located_is_said_once(db, actor, tmp_path):
    # "1 listing is not on the map: 1 listing, all of state and municipal agencies, names no county": the count was
    # said twice. One reason for them all is said once, of them; several reasons are each counted, as before.
    ingest_rows(db, actor, tmp_path / "list.csv", ONE_REASON_EACH, DAY)
    with db.session() as session:
        caption = {state: map_figure(session, "county", DAY, state=state).caption[0] for state in ("TX", "AL", "OK", "GA")}
        national = map_figure(session, "county", DAY).caption[1]
        tfm = map_figure(session, "county", DAY, "TFM").caption[1]
    assert caption["TX"].endswith("3 listings are not on the map: they name no county, all of state and municipal agencies."), caption["TX"]
    assert caption["AL"].endswith("1 listing is not on the map: it names no county (a municipal agency)."), caption["AL"]
    assert caption["OK"].endswith(
        "3 listings are not on the map: they name no county, mostly of state and municipal agencies (2 of 3)."
    ), caption["OK"]
    assert caption["GA"].endswith(
        "2 listings are not on the map: they have a county text that could not be matched to one county (listed on the method page)."
    ), caption["GA"]
    assert national == (
        "1 of 10 listings is located in a county; 9 are not: 7 listings, mostly of state and municipal agencies (6 of 7), name no "
        "county, and 2 have a county text that could not be matched to one county (listed on the method page)."
    )
    assert tfm == "1 of 8 listings is located in a county; 7 are not: they name no county, mostly of state and municipal agencies (6 of 7)."
    # The command says them in the same words.
    status, out, err = run_g287(db.url, "coverage", "--as-of", DAY.isoformat(), "--model", "JEM")
    assert (status, err) == (0, "")
    assert "0 of 2 listings are located in a county; 2 are not: they have a county text that could not be matched to one county (see `g287 counties unmatched`)." in out, out
