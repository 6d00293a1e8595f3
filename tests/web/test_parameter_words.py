"""The API refuses a bad parameter in words saying what the parameter takes, as it does the `county` filter's
(`1059`: "... FIPS codes have five digits: 01059?"), never in pydantic's ("String should match pattern '^\\d{5}$'",
"Input should be 'ice' or 'registry'"); the OpenAPI document still says what is taken (pattern, enum)."""

from __future__ import annotations

import pytest


def refusal(site, path: str, params: dict | None = None) -> dict:
    answer = site.get(path, params=params)
    assert answer.status_code == 422, (path, params, answer.status_code, answer.text[:300])
    (field,) = answer.json()["error"]["fields"]
    return field


def parameter(site, path: str, name: str) -> dict:
    (found,) = [p for p in site.get("/api/v1/openapi.json").json()["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found


@pytest.mark.parametrize(
    "fips, message",
    [
        ("1059", "'1059': not a county's FIPS code (FIPS codes have five digits: 01059?)"),
        ("9999", "'9999': not a county's FIPS code (five digits, as 01059)"),
        ("abc", "'abc': not a county's FIPS code (five digits, as 01059)"),
        ("010590", "'010590': not a county's FIPS code (five digits, as 01059)"),
        ("%D9%A1%D9%A0%D9%A5%D9%A9%D9%A0", "'١٠٥٩٠': not a county's FIPS code (five digits, as 01059)"),
    ],
)
def test_a_county_path_id_is_refused_in_words(site, fips, message):
    assert refusal(site, f"/api/v1/counties/{fips}") == {"field": "fips", "message": message}
    page = site.get(f"/counties/{fips}")
    assert page.status_code == 422 and "not a county&#39;s FIPS code" in page.text


def test_the_county_path_id_is_still_described_by_its_pattern(site):
    assert parameter(site, "/api/v1/counties/{fips}", "fips")["schema"]["pattern"] == "^[0-9]{5}$"
    assert site.get("/api/v1/counties/01059").status_code == 200
    assert site.get("/api/v1/counties/99999").status_code == 404


@pytest.mark.parametrize("sha256", ["abc", "0" * 63, "0" * 65, "g" * 64, "%20" + "0" * 64])
def test_a_document_path_id_is_refused_in_words(site, sha256):
    shown = sha256.replace("%20", " ")
    assert refusal(site, f"/api/v1/documents/{sha256}") == {"field": "sha256", "message": f"'{shown}': not a document's SHA-256 (64 hexadecimal digits, in either case)"}


def test_the_document_path_id_is_still_described_by_its_pattern(site):
    assert parameter(site, "/api/v1/documents/{sha256}", "sha256")["schema"]["pattern"] == "^[0-9a-fA-F]{64}$"
    assert site.get("/api/v1/documents/" + "A" * 64).status_code == 404


CHOICES = [
    ("/api/v1/publications", "origin", "ICE", "'ICE': not an origin: ice or registry (in lower case)", ["ice", "registry"]),
    ("/api/v1/publications", "kind", "Pending", "'Pending': not a list: participating or pending (in lower case)", ["participating", "pending"]),
    ("/api/v1/series", "kind", "", "'': not a list: participating or pending (in lower case)", ["participating", "pending"]),
    ("/api/v1/timeline", "every", "year", "'year': not a step of the timeline: day, week, month or publication (in lower case)", ["day", "week", "month", "publication"]),
    ("/api/v1/agencies", "status", "ALL", "'ALL': not a status: participating, pending, listed or all (in lower case)", ["participating", "pending", "listed", "all"]),
    ("/api/v1/agreements", "type", "County", "'County': not an agency type: county, municipality, state_agency or other (in lower case)", ["county", "municipality", "state_agency", "other"]),
    ("/api/v1/quality", "category", "notes", "'notes': not a category: not_a_listing, duplicate, repaired, unknown or note (in lower case)", ["not_a_listing", "duplicate", "repaired", "unknown", "note"]),
    ("/api/v1/counties", "vintage", "2021", "'2021': not a county vintage: 2000, 2010, 2020 or 2022", ["2000", "2010", "2020", "2022"]),
    ("/api/v1/coverage", "vintage", " 2020", "' 2020': not a county vintage: 2000, 2010, 2020 or 2022", ["2000", "2010", "2020", "2022"]),
    ("/api/v1/documents", "kind", "PDF", "'PDF': not a kind of document: pdf, workbook or page (in lower case)", ["pdf", "workbook", "page"]),
]


@pytest.mark.parametrize("path, name, value, message, values", CHOICES)
def test_a_value_a_parameter_does_not_take_is_refused_in_words(site, path, name, value, message, values):
    assert refusal(site, path, {name: value}) == {"field": name, "message": message}
    assert refusal(site, "/exports/agreements.csv", {"status": "ALL"})["message"].startswith("'ALL': not a status: ")
    schema = parameter(site, path, name)["schema"]
    assert [(s["enum"], s["type"]) for s in schema.get("anyOf", [schema]) if "enum" in s] == [(values, "string")]
    assert site.get(path, params={name: values[-1]}).status_code == 200


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "'': names no county: a county's FIPS code or name holds a letter or a digit"),
        (" - ", "' - ': names no county: a county's FIPS code or name holds a letter or a digit"),
        ("x" * 101, "a county of 101 characters: no county's FIPS code or name is so long (at most 100)"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/agencies", "/api/v1/agreements", "/exports/agreements.csv"])
def test_a_county_filter_naming_no_county_is_refused_in_words(site, path, value, message):
    assert refusal(site, path, {"county": value}) == {"field": "county", "message": message}


def test_the_county_filter_is_still_described_by_its_pattern_and_length(site):
    (schema,) = [s for s in parameter(site, "/api/v1/agencies", "county")["schema"]["anyOf"] if s["type"] == "string"]
    assert (schema["pattern"], schema["maxLength"]) == ("[0-9A-Za-z]", 100)
    assert site.get("/api/v1/agencies", params={"county": "x" * 100}).status_code == 200


@pytest.mark.parametrize(
    "q, message",
    [("", "the search has no words to look for"), (" ", "the search has no words to look for"), ("x" * 501, "a query of 501 characters: at most 500")],
)
def test_a_document_search_with_no_words_or_too_many_characters_is_refused_in_words(site, q, message):
    assert refusal(site, "/api/v1/documents/search", {"q": q}) == {"field": "q", "message": message}
    schema = parameter(site, "/api/v1/documents/search", "q")["schema"]
    assert (schema["minLength"], schema["maxLength"]) == (1, 500)
