"""A query parameter an endpoint of the API or of the exports does not take is a 422 naming it, with the parameters
the endpoint takes: `/api/v1/stats?asof=2025-05-29` (for `as_of`) answered today's figures, and nothing said that
the date was not read. The pages ignore what they do not take (browsers and link trackers add their own)."""

from __future__ import annotations

import warnings
from typing import Optional

import pytest
from fastapi import Depends, FastAPI, Query

from g287.web.known_parameters import query_names, refuse_unknown_query_parameters

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

UNKNOWN = "unknown parameter: this endpoint takes "


def _ids(site) -> dict[str, int]:
    agreement = site.get("/api/v1/agreements", params={"limit": 1}).json()["items"][0]
    return {"agency_id": agreement["agency_id"], "agreement_id": agreement["id"]}


@pytest.mark.parametrize(
    "path, query, unknown, taken",
    [
        ("/api/v1/stats", "asof=2025-05-29", "asof", "as_of"),
        ("/api/v1/stats", "date=2025-05-29", "date", "as_of"),
        ("/api/v1/agencies", "stat=FL&limit=5", "stat", "as_of, state, county, model, type, status, limit, offset"),
        ("/api/v1/agencies/{agency_id}", "as_of=2025-05-29", "as_of", None),
        ("/api/v1/agreements/{agreement_id}", "date=2025-05-29", "date", "as_of"),
        ("/api/v1/diff", "from=2025-05-29&to=2025-07-09&end-after=3", "end-after", "from, to, end_after, state"),
        ("/exports/agreements.csv", "state=FL&page=2", "page", "publication, as_of, state, county, model, type, status, limit, offset"),
        ("/exports/feed.atom", "state=FL", "state", None),
    ],
)
def test_a_parameter_the_endpoint_does_not_take_is_a_422_naming_it(site, path, query, unknown, taken):
    answer = site.get(path.format(**_ids(site)) + "?" + query)
    assert answer.status_code == 422, answer.text
    assert answer.json() == {
        "error": {
            "status": 422,
            "message": f"invalid parameter: {unknown}",
            "fields": [{"field": unknown, "message": UNKNOWN + taken if taken else "unknown parameter: this endpoint takes no query parameter"}],
        }
    }


def test_the_parameters_it_takes_are_read_as_before(site):
    ids = _ids(site)
    dated = site.get("/api/v1/stats", params={"as_of": "2025-05-29"})
    assert dated.status_code == 200 and dated.json()["participating"]["publication"] == "participatingAgencies05292025am.xlsx"
    assert site.get(f"/api/v1/agencies/{ids['agency_id']}").status_code == 200
    assert site.get(f"/api/v1/agreements/{ids['agreement_id']}", params={"as_of": "2025-07-09"}).status_code == 200
    florida = site.get("/api/v1/agencies", params={"state": "FL", "limit": 5}).json()
    assert florida["limit"] == 5 and {a["state"] for a in florida["items"]} == {"FL"}


def test_each_unknown_parameter_is_named_once_before_any_value_is_read(sqlite_site):
    answer = sqlite_site.get("/api/v1/agencies?stat=FL&as_of=not-a-date&Limit=5&stat=TX")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["message"] == "invalid parameter: Limit, stat"  # names are matched as written: `Limit` is not `limit`
    assert [f["field"] for f in error["fields"]] == ["stat", "Limit"]
    nameless = sqlite_site.get("/api/v1/stats?=2025-05-29").json()["error"]
    assert nameless["fields"] == [{"field": "request", "message": "a parameter with no name: this endpoint takes as_of"}]


def test_pages_and_the_interactive_documentation_ignore_what_they_do_not_take(sqlite_site):
    for path in ("/agencies?utm_source=newsletter", "/states/FL?fbclid=x", "/api/v1/docs?utm_source=newsletter", "/api/v1/openapi.json?v=2"):
        assert sqlite_site.get(path).status_code == 200, path


def test_every_operation_takes_exactly_the_query_parameters_of_its_document(sqlite_site):
    """What the check takes is what the OpenAPI document declares, for every operation (the program's included):
    a parameter the document gives is never refused as unknown, and each refusal lists them in its order."""
    paths = sqlite_site.get("/api/v1/openapi.json").json()["paths"]
    checked = 0
    for path, operations in paths.items():
        for method, operation in operations.items():
            declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            # Path parameters are read after the check: any value will do. No session is needed either.
            url = path.replace("{fmt}", "pdf")
            for name in ("agency_id", "agreement_id", "publication_id", "application_id", "moa_id", "nominee_id", "username", "fips", "sha256"):
                url = url.replace("{" + name + "}", "1")
            answer = sqlite_site.request(method.upper(), url + "?not_a_parameter=1")
            assert answer.status_code == 422, (method, path, answer.text)
            [field] = answer.json()["error"]["fields"]
            expected = UNKNOWN + ", ".join(declared) if declared else "unknown parameter: this endpoint takes no query parameter"
            assert field == {"field": "not_a_parameter", "message": expected}, (method, path)
            checked += 1
    assert checked >= 60


def test_every_route_of_the_exports_refuses_what_it_does_not_take(sqlite_site):
    """The exports are outside the OpenAPI document: each of their routes is found among the application's."""
    from fastapi.routing import APIRoute

    def routes(candidates):
        for route in candidates:
            included = getattr(route, "original_router", None)  # FastAPI 0.16x keeps an included router as one route
            yield from routes(included.routes) if included else [route]

    exports = [route for route in routes(sqlite_site.app.routes) if isinstance(route, APIRoute) and route.path.startswith("/exports/")]
    assert len(exports) >= 8
    for route in exports:
        answer = sqlite_site.get(route.path.replace("{usps}", "FL") + "?not_a_parameter=1")
        assert answer.status_code == 422 and answer.json()["error"]["fields"][0]["field"] == "not_a_parameter", route.path
        assert sqlite_site.get(route.path.replace("{usps}", "FL")).status_code == 200, route.path
    assert query_names(next(r for r in exports if r.path == "/exports/counties.geojson")) == ["as_of", "state", "model", "vintage"]


REPEATED = "given more than one value: this parameter takes one"


@pytest.mark.parametrize(
    "query, repeated",
    [
        ("/api/v1/stats?as_of=2025-05-29&as_of=2025-07-09", ["as_of"]),
        ("/api/v1/agencies?state=TX&state=CA&limit=5", ["state"]),
        ("/api/v1/agencies?state=TX&state=tx", ["state"]),  # two spellings of one state: compared as sent
        ("/api/v1/agencies?limit=5&state=TX&model=JEM&state=CA&limit=6", ["state", "limit"]),
        ("/exports/agreements.csv?state=TX&state=CA", ["state"]),
        ("/api/v1/program/public/figures?as_of=2025-05-29&as_of=2025-07-09", ["as_of"]),
    ],
)
def test_a_parameter_given_two_values_is_a_422_naming_it(sqlite_site, query, repeated):
    """`?state=TX&state=CA` was read as its last value, silently: the answer was California's alone, taken for one
    about both. No parameter is taken repeated (none is declared as a list), so two values of one are refused."""
    answer = sqlite_site.get(query)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["fields"] == [{"field": name, "message": REPEATED} for name in repeated]


def test_the_same_value_given_twice_leaves_nothing_to_choose(sqlite_site):
    twice = sqlite_site.get("/api/v1/agencies?state=TX&limit=5&state=TX")
    assert twice.status_code == 200 and twice.json() == sqlite_site.get("/api/v1/agencies?state=TX&limit=5").json()


def test_a_page_refuses_a_parameter_given_two_values_and_ignores_what_it_does_not_take(sqlite_site):
    page = sqlite_site.get("/agencies?state=TX&state=CA")
    assert page.status_code == 422 and f"state: {REPEATED}" in page.text
    assert sqlite_site.get("/states/FL?as_of=2025-05-29&as_of=2025-07-09").status_code == 422
    # A form's empty field is no value (the page takes it as absent), and a parameter the page does not take is
    # ignored however often it comes (browsers and trackers add their own).
    assert sqlite_site.get("/agencies?state=&state=TX").status_code == 200
    assert sqlite_site.get("/agencies?ref=a&ref=b").status_code == 200


def test_no_operation_declares_a_parameter_taken_repeated(sqlite_site):
    """The rule above holds for every parameter of the document: none is an array (one would be taken repeated)."""
    paths = sqlite_site.get("/api/v1/openapi.json").json()["paths"]
    arrays = [(path, p["name"]) for path, operations in paths.items() for operation in operations.values() for p in operation.get("parameters", []) if "array" in str(p.get("schema"))]
    assert arrays == []


def test_a_parameter_declared_as_a_list_would_be_taken_repeated():
    """The check leaves to a route what it declares as a list (FastAPI reads each repetition as one of its values).
    (Its annotations are read from this module's names: `from __future__ import annotations` makes them strings.)"""
    app = FastAPI(dependencies=[Depends(refuse_unknown_query_parameters)])

    @app.get("/api/listed")
    def listed(code: Optional[list[str]] = Query(None), one: Optional[str] = None):
        return {"code": code, "one": one}

    with TestClient(app) as client:
        assert client.get("/api/listed?code=TX&code=CA&one=x").json() == {"code": ["TX", "CA"], "one": "x"}
        refused = client.get("/api/listed?code=TX&one=x&one=y")
        assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["query", "one"]
