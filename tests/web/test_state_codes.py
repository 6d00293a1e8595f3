"""A state's USPS code is taken in any case wherever a parameter takes one (the API, the downloads, the agencies
page), as `--state` takes it, and passed on in capitals; a code no state has is a 422 naming the value. The OpenAPI
document's pattern admits exactly the codes accepted."""

from __future__ import annotations

import itertools
import re
import string

import pytest

from g287.sources.rules import states

# Every route with a `state` query parameter, with what its answer says of the state chosen.
ECHOED = {
    "/api/v1/timeline": lambda answer: answer.json()["state"],
    "/api/v1/series": lambda answer: answer.json()["state"],
}
FILTERED = {
    "/api/v1/agencies": lambda answer: {a["state"] for a in answer.json()["items"]},
    "/api/v1/agreements": lambda answer: {a["state"] for a in answer.json()["items"]},
    "/api/v1/counties": lambda answer: {c["state"] for c in answer.json()["items"]},
    "/exports/agreements.csv": lambda answer: {line.split(",")[2] for line in answer.text.splitlines()[1:]},
    "/exports/agreements.json": lambda answer: {a["state"] for a in answer.json()["agreements"]},
    "/exports/counties.geojson": lambda answer: {f["properties"]["state"] for f in answer.json()["features"]},
}


@pytest.mark.parametrize("given", ["tx", "Tx", "tX"])
@pytest.mark.parametrize("path", list(ECHOED))
def test_a_code_in_any_case_is_echoed_in_capitals(site, path, given):
    answer = site.get(path, params={"state": given})
    assert answer.status_code == 200, answer.text
    assert ECHOED[path](answer) == "TX"
    assert answer.json() == site.get(path, params={"state": "TX"}).json()


@pytest.mark.parametrize("given", ["fl", "fL"])
@pytest.mark.parametrize("path", list(FILTERED))
def test_a_code_in_any_case_filters_as_in_capitals(site, path, given):
    limit = {} if path.endswith(".geojson") else {"limit": 50}  # the GeoJSON has no pages: it takes no limit
    answer = site.get(path, params={"state": given, **limit})
    assert answer.status_code == 200, answer.text
    assert FILTERED[path](answer) == {"FL"}
    assert answer.content == site.get(path, params={"state": "FL", **limit}).content
    if "content-disposition" in answer.headers:  # the download's name says the state as the link in capitals does
        assert "_FL" in answer.headers["content-disposition"] or "-FL" in answer.headers["content-disposition"]


@pytest.mark.parametrize("given", ["tx", "tX"])
def test_the_agencies_page_takes_a_code_in_any_case(site, given):
    page = site.get("/agencies", params={"state": given})
    assert page.status_code == 200
    assert '<option value="TX" selected>' in page.text  # the form shows the state chosen
    assert re.search(r"state=TX\b", page.text) and not re.search(rf"state={given}\b", page.text)  # its links in capitals


@pytest.mark.parametrize("path", [*ECHOED, *FILTERED])
@pytest.mark.parametrize("given", ["zz", "ZZ", "Texas", " tx", "t1"])
def test_a_code_no_state_has_is_refused_naming_the_value(site, path, given):
    answer = site.get(path, params={"state": given})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["message"] == "invalid parameter: state"
    assert error["fields"] == [{"field": "state", "message": error["fields"][0]["message"]}]
    assert error["fields"][0]["message"].startswith(f"state {given!r}: not a state's USPS code")


def test_the_agencies_page_refuses_a_code_no_state_has(site):
    page = site.get("/agencies", params={"state": "zz"})
    assert page.status_code == 422 and "state &#39;zz&#39;: not a state&#39;s USPS code" in page.text


def test_the_documented_pattern_admits_exactly_the_codes_accepted(site):
    from g287.web.params import STATE_PATTERN

    codes = {s.usps for s in states()}
    pattern = re.compile(STATE_PATTERN)
    pairs = ["".join(p) for p in itertools.product(string.ascii_letters, repeat=2)]
    assert {p for p in pairs if pattern.fullmatch(p)} == {p for p in pairs if p.upper() in codes}
    document = site.get("/api/v1/openapi.json").json()
    documented = [
        p["schema"] for operations in document["paths"].values() for p in operations.get("get", {}).get("parameters", []) if p["name"] == "state"
    ]
    assert len(documented) == 7  # agencies, agreements, series, timeline, counties, diff, pending-changes
    assert all(s["anyOf"][0]["pattern"] == STATE_PATTERN and "enum" not in s["anyOf"][0] for s in documented)
    assert all("in any case" in s["anyOf"][0]["description"] for s in documented)


def _codes_of_other_characters() -> list[str]:
    """Texts of characters other than ASCII letters whose capitals are a state's code: "\ufb02" ("fl" as one
    character) is "FL" in capitals, "\u0131a" (a dotless i) "IA"."""
    codes = {s.usps for s in states()}
    upper_of = {chr(point): chr(point).upper() for point in range(0x80, 0x10000) if chr(point).upper().isascii() and chr(point).upper().isalpha()}
    whole = [c for c, upper in upper_of.items() if upper in codes]
    halves = [c + second for c, upper in upper_of.items() if len(upper) == 1 for second in string.ascii_lowercase if upper + second.upper() in codes]
    return whole + halves


def test_a_path_names_a_state_by_its_code_in_ascii_letters_only(site):
    found = _codes_of_other_characters()
    assert found  # the characters this test is about exist in this Python's Unicode tables
    for text in found:
        for path in (f"/states/{text}", f"/exports/feed/{text}.atom", f"/states/{text}/counties/Harris"):
            answer = site.get(path, follow_redirects=False)
            assert answer.status_code == 404, (path, answer.status_code)
    assert site.get("/states/fl").status_code == 200 and site.get("/exports/feed/fl.atom").status_code == 200
