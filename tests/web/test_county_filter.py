"""A county by name, with its state, selects what the county's own page shows: the API compared ICE's raw COUNTY
text ("Franklin County" in AL: 2 MOAs) while /counties/01059 counted the listings matched to it (3: one row spells
it "Frankin County")."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("state, name, fips", [("AL", "Franklin County", "01059"), ("MI", "Berrien County", "26021"), ("VA", "Hopewell city", "51670")])
def test_a_county_named_with_its_state_selects_what_its_page_shows(site, state, name, fips):
    params = {"as_of": "2025-07-09", "state": state, "limit": 1000}
    by_name = site.get("/api/v1/agreements", params={**params, "county": name}).json()
    by_fips = site.get("/api/v1/agreements", params={**params, "county": fips}).json()
    assert by_name["total"] == by_fips["total"] > 0
    page = site.get(f"/api/v1/counties/{fips}", params={"as_of": "2025-07-09"}).json()
    assert by_name["total"] == page["participating"]["rows"]  # no duplicate rows in these counties
    csv_rows = site.get("/exports/agreements.csv", params={"as_of": "2025-07-09", "state": state, "county": name}).text.strip().splitlines()
    assert len(csv_rows) - 1 == by_fips["total"]


def test_a_county_named_without_a_state_is_the_county_text_in_any_state(site):
    both = site.get("/api/v1/agreements", params={"as_of": "2025-07-09", "county": "Hillsborough"}).json()
    assert {a["state"] for a in both["items"]} >= {"FL", "NH"}


@pytest.mark.parametrize("path", ["/api/v1/agreements", "/api/v1/agencies", "/exports/agreements.csv", "/agencies"])
def test_a_county_name_naming_several_counties_of_its_state_is_refused_naming_them(site, path):
    """"Richmond" in Virginia is the county or the city: read as ICE's COUNTY text, it gave Richmond County's rows and
    those written "Richmond", not the city's, with nothing to say the name was ambiguous."""
    answer = site.get(path, params={"as_of": "2025-07-09", "state": "VA", "county": "Richmond"})
    assert answer.status_code == 422
    said = answer.json()["error"]["fields"][0] if path.startswith("/api") else None
    text = said["message"] if said else answer.text
    assert "Richmond County (51159) or Richmond city (51760)" in text and (said is None or said["field"] == "county")
    for name in ("Richmond County", "Richmond city", "51760"):  # each of them, by its name or code
        assert site.get(path, params={"as_of": "2025-07-09", "state": "VA", "county": name}).status_code == 200
    assert site.get(path, params={"as_of": "2025-07-09", "county": "Richmond"}).status_code == 200  # no state: ICE's text


@pytest.mark.parametrize("path", ["/api/v1/agreements", "/api/v1/agencies", "/exports/agreements.csv", "/agencies"])
def test_a_county_of_another_state_is_refused_naming_its_state(site, path):
    """?state=TX&county=12086 (Miami-Dade County, FL) answered an empty list, read as "no agreement in this county"."""
    answer = site.get(path, params={"as_of": "2025-07-09", "state": "TX", "county": "12086"})
    assert answer.status_code == 422
    said = answer.json()["error"]["fields"][0] if path.startswith("/api") else None
    text = said["message"] if said else answer.text
    assert "'12086' is Miami-Dade County, FL, not a county of TX" in text.replace("&#39;", "'") and (said is None or said["field"] == "county")
    assert site.get(path, params={"as_of": "2025-07-09", "state": "fl", "county": "12086"}).status_code == 200  # its own state, in any case


@pytest.mark.parametrize("path", ["/api/v1/agreements", "/api/v1/agencies", "/exports/agreements.csv", "/agencies"])
@pytest.mark.parametrize(("county", "state", "said"), [
    ("1059", None, "no county with FIPS code '1059' (FIPS codes have five digits: 01059?)"),
    ("012009", "AL", "no county with FIPS code '012009'"),
    ("99999", None, "no county with FIPS code '99999'"),
])
def test_a_number_that_is_no_county_s_fips_code_is_refused(site, path, county, state, said):
    """A number is a FIPS code, never a county's name (no COUNTY text of ICE's is a number): `county=1059` (01059,
    Franklin County, AL, its leading zero lost as a spreadsheet loses it) or `99999` answered an empty list, with or
    without a state, read as "no agreement in this county"."""
    answer = site.get(path, params={"as_of": "2025-07-09", "county": county, **({"state": state} if state else {})})
    assert answer.status_code == 422
    given = answer.json()["error"]["fields"][0] if path.startswith("/api") else None
    text = (given["message"] if given else answer.text).replace("&#39;", "'")
    assert f"{said}: give a county's five-digit FIPS code, or its name with the state" in text and (given is None or given["field"] == "county")
    assert site.get(path, params={"as_of": "2025-07-09", "county": "01059"}).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/agreements", "/api/v1/agencies", "/exports/agreements.csv", "/exports/agreements.json", "/exports/agreements.xlsx", "/agencies"])
@pytest.mark.parametrize(("county", "state"), [("Brevardd", "FL"), ("Harris County", "FL"), ("Nowhere", "PR")])
def test_a_name_that_is_no_county_of_its_state_nor_any_of_its_county_texts_is_refused(site, path, county, state):
    """`county=Brevardd&state=FL` (a misspelling) answered an empty list, read as "no agreement in this county": it
    was read as ICE's COUNTY text, which no listing of Florida gives. A county with no agreement is still an empty
    list, and a COUNTY text of ICE's that matching cannot read still selects its listings."""
    answer = site.get(path, params={"as_of": "2025-07-09", "state": state.lower(), "county": county})
    assert answer.status_code == 422
    given = answer.json()["error"]["fields"][0] if path.startswith("/api") else None
    text = (given["message"] if given else answer.text).replace("&#39;", "'")
    assert f"no county named '{county}' in {state}, and no listing of {state} gives it as its county" in text and (given is None or given["field"] == "county")
    assert site.get(path, params={"as_of": "2025-07-09", "county": county}).status_code == 200  # no state: ICE's text in any state


@pytest.mark.parametrize(("state", "county", "total"), [
    ("VT", "Windham County", 0),  # a county with no agreement: an empty list, not a 422
    ("vt", "windham county", 0),  # the same, in any case: county_name_problem, which no longer matches the name, is not asked
    ("NC", "Albemarle County", 1),  # ICE's COUNTY text as published, which matching cannot read (it is in Virginia)
    ("nc", "ALBEMARLE  county", 1),  # compared as the filter compares it
])
def test_a_county_with_no_agreement_and_an_unread_county_text_are_still_answered(site, state, county, total):
    params = {"as_of": "2025-07-09", "state": state, "county": county, "status": "all"}
    assert site.get("/api/v1/agreements", params=params).json()["total"] == total
    for path in ("/exports/agreements.csv", "/agencies"):
        assert site.get(path, params=params).status_code == 200
