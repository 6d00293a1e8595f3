"""The JSON API: every resource and filter, errors as JSON, stable ids, validators and 304."""

import datetime as dt

import pytest

from g287.registry import figures
from tests.conftest import ROOT


def test_stats_has_the_shape_of_the_command(site, bundled_db):
    for as_of in (None, "2025-05-29", "2020-01-01"):
        answer = site.get("/api/v1/stats", params={"as_of": as_of} if as_of else None)
        assert answer.status_code == 200
        with bundled_db.session() as session:
            expected = figures.stats(session, dt.date.fromisoformat(as_of) if as_of else None)
        assert answer.json() == expected


def test_index_lists_resources(site):
    index = site.get("/api/v1").json()
    assert index["openapi"] == "/api/v1/openapi.json" and "agencies" in index["resources"]
    assert {"counties", "coverage", "timeline", "diff", "pending_changes", "pipeline"} <= set(index["resources"])
    required = {"search": {"q": "x"}, "diff": {"from": "2025-05-16", "to": "2025-07-09"}, "pending-changes": {"from": "2025-05-15", "to": "2025-07-11"}}  # each takes only its own
    for path in index["resources"].values():
        assert site.get(path, params=required.get(path.rsplit("/", 1)[1])).status_code == 200, path


def test_agencies_filters(site):
    florida = site.get("/api/v1/agencies", params={"state": "FL", "limit": 1000}).json()
    assert florida["total"] == 244 and len(florida["items"]) == 244
    assert florida["participating_publication"]["file"] == "participatingAgencies07092025am.xlsx"
    assert all(a["state"] == "FL" and a["status"] in ("participating", "participating and pending") for a in florida["items"])
    wso = site.get("/api/v1/agencies", params={"state": "FL", "model": "WSO", "limit": 1000}).json()
    assert 0 < wso["total"] < florida["total"] and all("WSO" in a["models"] for a in wso["items"])
    municipal = site.get("/api/v1/agencies", params={"type": "municipality", "limit": 1000}).json()
    assert municipal["total"] > 0 and all(a["agency_type"] == "municipality" for a in municipal["items"])
    brevard = site.get("/api/v1/agencies", params={"state": "FL", "county": "Brevard", "limit": 1000}).json()
    assert brevard["total"] >= 1 and all(a["county"].lower().startswith("brevard") for a in brevard["items"])
    pending = site.get("/api/v1/agencies", params={"status": "pending", "limit": 1000}).json()
    assert pending["total"] > 0 and all(a["pending_models"] and not a["models"] for a in pending["items"])
    listed = site.get("/api/v1/agencies", params={"status": "listed", "limit": 1000}).json()
    everyone = site.get("/api/v1/agencies", params={"status": "all", "limit": 1000}).json()
    assert everyone["total"] >= listed["total"] >= 658
    assert any(a["status"] == "not listed" for a in everyone["items"]) or everyone["total"] == listed["total"]
    earlier = site.get("/api/v1/agencies", params={"as_of": "2025-05-29", "limit": 1000}).json()
    # 516, not the 518 names of that list: identity resolution joins two pairs of names of one agency (a "City of"
    # prefix; a sheriff listed as Office and as Department, by the reviewed alias table)
    assert earlier["total"] == 516 and earlier["participating_publication"]["file"] == "participatingAgencies05292025am.xlsx"


def test_pagination_is_stable(site):
    first = site.get("/api/v1/agencies", params={"limit": 50}).json()
    second = site.get("/api/v1/agencies", params={"limit": 50, "offset": 50}).json()
    whole = site.get("/api/v1/agencies", params={"limit": 100}).json()
    assert [a["id"] for a in first["items"] + second["items"]] == [a["id"] for a in whole["items"]]
    assert first["total"] == 658 and first["limit"] == 50 and second["offset"] == 50


def test_agreements_filters_and_ids(site):
    every = site.get("/api/v1/agreements", params={"limit": 1000}).json()
    assert every["total"] > 700 and all(a["status"] == "participating" for a in every["items"])
    assert sum(a["rows"] for a in every["items"]) <= 807
    jem = site.get("/api/v1/agreements", params={"model": "JEM", "limit": 1000}).json()
    assert all(a["model"] == "JEM" for a in jem["items"])
    texas_county = site.get("/api/v1/agreements", params={"state": "TX", "type": "county", "limit": 1000}).json()
    assert all(a["state"] == "TX" and a["agency_type"] == "county" for a in texas_county["items"])
    one = every["items"][0]
    again = site.get(f"/api/v1/agreements/{one['id']}").json()
    assert again["id"] == one["id"] and again["agency_id"] == one["agency_id"] and again["model"] == one["model"]
    pending = site.get("/api/v1/agreements", params={"status": "pending"}).json()
    assert all(a["status"] == "pending" for a in pending["items"])
    assert site.get("/api/v1/agreements/99999999").status_code == 404


def test_agency_detail(site):
    listed = site.get("/api/v1/agencies", params={"state": "AL", "limit": 1}).json()["items"][0]
    detail = site.get(f"/api/v1/agencies/{listed['id']}").json()
    assert detail["id"] == listed["id"] and detail["names"] and detail["agreements"] and detail["listings"]
    run = detail["listings"][0]
    assert run["from"]["file"].endswith(".xlsx") and run["publications"] >= 1 and run["row_numbers_first"]
    agreement = detail["agreements"][0]
    assert agreement["status"] in ("participating", "pending", "not listed")
    assert agreement["lifecycle"]["first_participating"] or agreement["lifecycle"]["first_pending"]
    assert detail["status_publications"]["participating"]["file"] == "participatingAgencies07092025am.xlsx"


def test_agency_detail_with_identity_merges_and_absorbed_ids(site, bundled_db):
    from sqlalchemy import select

    from g287.db.models.registry import Agency

    with bundled_db.session() as session:
        absorbed = session.scalars(select(Agency).where(Agency.merged_into_id.is_not(None)).order_by(Agency.id)).first()
        absorbed_id, survivor_id = absorbed.id, absorbed.merged_into_id
    moved = site.get(f"/api/v1/agencies/{absorbed_id}", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == f"/api/v1/agencies/{survivor_id}"
    detail = site.get(f"/api/v1/agencies/{absorbed_id}").json()
    assert detail["id"] == survivor_id and len(detail["names"]) >= 2
    merge = detail["merges"][0]
    assert merge["rule"] and merge["reason"] and 0 < merge["confidence"] <= 1 and "names" in merge["evidence"]
    everyone = site.get("/api/v1/agencies", params={"status": "all", "limit": 1000}).json()["items"]
    ids = [a["id"] for a in everyone]
    assert absorbed_id not in ids and survivor_id in ids and len(ids) == len(set(ids))
    agreements = site.get("/api/v1/agreements", params={"status": "all", "limit": 1000}).json()["items"]
    keys = [(a["agency_id"], a["model"]) for a in agreements]
    assert len(keys) == len(set(keys)) and all(a["agency_id"] != absorbed_id for a in agreements)  # each agreement once


def test_publications_and_quality(site):
    publications = site.get("/api/v1/publications").json()
    assert len(publications) == 11
    assert {p["kind"] for p in site.get("/api/v1/publications", params={"kind": "pending"}).json()} == {"pending"}
    latest = next(p for p in publications if p["file"] == "participatingAgencies07092025am.xlsx")
    detail = site.get(f"/api/v1/publications/{latest['id']}").json()
    assert detail["participating"]["moas"] == 807 and detail["pending"] is None
    register = site.get("/api/v1/quality", params={"publication": latest["id"], "limit": 5000}).json()
    assert register["total"] == len(register["items"]) > 0 and register["summary"]
    assert sum(s["entries"] for s in register["summary"]) == register["total"]
    duplicates = site.get("/api/v1/quality", params={"category": "duplicate", "limit": 5}).json()
    assert all(e["category"] == "duplicate" for e in duplicates["items"]) and len(duplicates["items"]) <= 5
    assert site.get("/api/v1/quality", params={"publication": 99999}).status_code == 404


def test_search_states_series(site):
    hits = site.get("/api/v1/search", params={"q": "Hilsborough"}).json()["hits"]
    assert any(h["kind"] == "agency" and "Hillsborough" in h["label"] for h in hits)
    assert site.get("/api/v1/search", params={"q": "texas", "limit": 1}).json()["hits"][0]["url"] == "/states/TX"
    county = site.get("/api/v1/search", params={"q": "brevard"}).json()["hits"][0]
    assert county["kind"] == "county" and county["url"] == "/counties/12009" and county["label"] == "Brevard County"
    parish = site.get("/api/v1/search", params={"q": "orleens parish"}).json()["hits"]  # a typo; every county, listed or not
    assert any(h["url"] == "/counties/22071" for h in parish)
    states = site.get("/api/v1/states").json()
    assert sum(s["moas"] for s in states["items"]) == 807
    series = site.get("/api/v1/series").json()["items"]
    assert [s["rows"] for s in series][-1] == 807 and len(series) == 7
    florida = site.get("/api/v1/series", params={"state": "FL", "model": "TFM"}).json()["items"]
    assert all(s["by_model"]["JEM"] == 0 for s in florida)
    pending = site.get("/api/v1/series", params={"kind": "pending"}).json()["items"]
    assert pending[-1]["rows"] == 39


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/api/v1/stats", {"as_of": "2025-13-40"}, "as_of"),
        ("/api/v1/agencies", {"state": "XX"}, "state"),
        ("/api/v1/agencies", {"model": "ABC"}, "model"),
        ("/api/v1/agencies", {"type": "police"}, "type"),
        ("/api/v1/agencies", {"status": "gone"}, "status"),
        ("/api/v1/agencies", {"limit": 0}, "limit"),
        ("/api/v1/agreements", {"offset": -1}, "offset"),
        ("/api/v1/search", {}, "q"),
        ("/api/v1/agencies/x", {}, "agency_id"),
        ("/api/v1/quality", {"category": "bad"}, "category"),
    ],
)
def test_invalid_parameters_are_422_naming_the_field(site, path, params, field):
    answer = site.get(path, params=params)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["status"] == 422 and field in error["message"] and error["fields"][0]["field"] == field


# Forms pydantic's int read as 1 (`limit=1_0` gave ten items, `offset=%201` skipped one): "+" is a space in a query.
NOT_DIGITS_ONLY = ("1_0", "%2B1", "+1", "1+", "1.0", "%EF%BC%91", "%D9%A1")


def _integer(schema: dict) -> bool:
    return schema.get("type") == "integer" or any(option.get("type") == "integer" for option in schema.get("anyOf", []))


def test_every_integer_parameter_takes_digits_only(sqlite_site):
    """Every integer query parameter of the public API (read from its document, so that one added later is covered)
    takes digits only, as an id in a path does: any other form is a 422 naming the parameter."""
    paths = sqlite_site.get("/api/v1/openapi.json").json()["paths"]
    required = {"q": "sheriff", "from": "2025-05-29", "to": "2025-07-09"}
    checked = set()
    for path, operations in paths.items():
        parameters = operations.get("get", {}).get("parameters", [])
        if path.startswith("/api/v1/program") or "{" in path:
            continue
        query = "&".join(f"{p['name']}={required[p['name']]}" for p in parameters if p.get("required"))
        for parameter in parameters:
            if parameter["in"] != "query" or not _integer(parameter["schema"]):
                continue
            name = parameter["name"]
            if "; default " in parameter.get("description", ""):  # page_limit's: the default it names is the one taken
                assert f"; default {parameter['schema']['default']})" in parameter["description"], (path, name)
            url = f"{path}?{query}&{name}=" if query else f"{path}?{name}="
            assert sqlite_site.get(url + "1").status_code == 200, (path, name)
            for value in NOT_DIGITS_ONLY:
                answer = sqlite_site.get(url + value)
                assert answer.status_code == 422 and answer.json()["error"]["fields"][0]["field"] == name, (path, name, value, answer.text)
            checked.add((path, name))
    assert {("/api/v1/agencies", "limit"), ("/api/v1/agreements", "offset"), ("/api/v1/diff", "end_after"), ("/api/v1/search", "limit"), ("/api/v1/documents/search", "offset"), ("/api/v1/counties", "limit"), ("/api/v1/quality", "publication")} <= checked


def test_an_integer_of_thousands_of_digits_is_a_422_naming_the_parameter(sqlite_site):
    """int() refuses text of more than 4,300 digits (leading zeros included) with a ValueError, which pydantic
    answered as "Value error, Exceeds the limit (4300 digits) for integer string conversion...": now the
    parameter's own message; leading zeros are read as in "05"."""
    many = "1" * 5000
    answer = sqlite_site.get(f"/api/v1/agencies?limit={many}")
    assert answer.status_code == 422
    [field] = answer.json()["error"]["fields"]
    assert field["field"] == "limit" and "not a whole number from 1 to 1000" in field["message"] and "4300" not in field["message"]
    assert sqlite_site.get("/api/v1/agencies?limit=" + "0" * 5000 + "5").json()["limit"] == 5


# Spellings pydantic's bool read as true or false ("yes", "on", "1", "TRUE"...), or that are no boolean at all: a
# yes or no in a query is true or false, as JSON and the OpenAPI document (type: boolean) write it.
NOT_TRUE_OR_FALSE = ("yes", "no", "on", "off", "1", "0", "t", "f", "y", "n", "True", "TRUE", "False", "FALSE", "%20true", "true%20", "+true", "", "ture")


def test_every_boolean_parameter_takes_true_or_false_only(sqlite_site):
    """Every boolean query parameter of the public API (read from its document, so that one added later is covered)
    takes true and false, as the document says; any other spelling is a 422 naming the parameter, as a number
    in another form is."""
    paths = sqlite_site.get("/api/v1/openapi.json").json()["paths"]
    checked = set()
    for path, operations in paths.items():
        parameters = operations.get("get", {}).get("parameters", [])
        if path.startswith("/api/v1/program") or "{" in path or any(p.get("required") for p in parameters):
            continue
        for parameter in parameters:
            if parameter["in"] != "query" or parameter["schema"].get("type") != "boolean":
                continue
            name = parameter["name"]
            assert sqlite_site.get(f"{path}?{name}=true").status_code == 200, (path, name)
            assert sqlite_site.get(f"{path}?{name}=false").json() == sqlite_site.get(path).json() == sqlite_site.get(f"{path}?{name}=false&{name}=false").json(), (path, name)
            for value in NOT_TRUE_OR_FALSE:
                answer = sqlite_site.get(f"{path}?{name}={value}")
                assert answer.status_code == 422, (path, name, value, answer.text)
                error = answer.json()["error"]
                assert error["status"] == 422 and error["message"] == f"invalid parameter: {name}", (path, name, value)
                assert error["fields"] == [{"field": name, "message": error["fields"][0]["message"]}] and "not a boolean: true or false" in error["fields"][0]["message"]
            checked.add((path, name))
    assert {("/api/v1/counties", "with_agreements")} <= checked


def test_counties_with_agreements_true_or_false(sqlite_site):
    every = sqlite_site.get("/api/v1/counties", params={"state": "TX", "with_agreements": "false"}).json()
    listed = sqlite_site.get("/api/v1/counties", params={"state": "TX", "with_agreements": "true"}).json()
    assert every["total"] == 254 and 0 < listed["total"] < every["total"]
    answer = sqlite_site.get("/api/v1/counties", params={"state": "TX", "with_agreements": "yes"})
    assert answer.status_code == 422
    assert answer.json()["error"] == {
        "status": 422,
        "message": "invalid parameter: with_agreements",
        "fields": [{"field": "with_agreements", "message": "'yes': not a boolean: true or false, in lower case"}],
    }


def _routes(routes):
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI 0.16x keeps an included router as one route
        yield from _routes(included.routes) if included else [route]


def _query_fields(dependant):
    yield from dependant.query_params
    for dependency in dependant.dependencies:
        yield from _query_fields(dependency)


def test_every_boolean_query_parameter_of_the_site_is_read_strictly(sqlite_site):
    """The pages, the exports and the program (outside the public API's document, or behind a sign-in) too: a
    boolean query parameter is a QueryBoolean, never pydantic's bool, which FastAPI also keeps when a QueryBoolean
    is given its Query after `=` instead of in Annotated (g287.web.params.query_boolean)."""
    from fastapi.routing import APIRoute

    from g287.web.params import QueryBoolean

    strict = QueryBoolean.__metadata__[0]
    fields = [(route.path, field) for route in _routes(sqlite_site.app.routes) if isinstance(route, APIRoute) for field in _query_fields(route.dependant)]
    booleans = {(path, field.name): field.field_info.metadata for path, field in fields if bool in (field.field_info.annotation, *getattr(field.field_info.annotation, "__args__", ()))}
    assert len(fields) > 100 and ("/api/v1/counties", "with_agreements") in booleans
    assert [place for place, metadata in booleans.items() if strict not in metadata] == []


def test_unknown_ids_and_paths_are_json_404(site):
    for path in ("/api/v1/agencies/999999", "/api/v1/publications/999999", "/api/v1/nothing"):
        answer = site.get(path)
        assert answer.status_code == 404 and answer.json()["error"]["message"]


def test_etag_last_modified_and_304(site):
    first = site.get("/api/v1/stats")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag and modified
    assert site.get("/api/v1/stats", headers={"If-None-Match": etag}).status_code == 304
    assert site.get("/api/v1/stats", headers={"If-Modified-Since": modified}).status_code == 304
    assert site.get("/api/v1/stats", headers={"If-None-Match": '"other"'}).status_code == 200
    assert site.get("/api/v1/stats", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    page = site.get("/states/FL")
    assert site.get("/states/FL", headers={"If-None-Match": page.headers["etag"]}).status_code == 304
    other = site.get("/api/v1/stats", params={"as_of": "2025-05-29"})
    assert other.headers["etag"] != etag


def test_if_none_match_given_on_several_lines_is_one_list(sqlite_site):
    # RFC 9110: repeated lines of a list header are one list (a proxy may split one); only the last line was read.
    for path in ("/api/v1/stats", "/states/FL", "/exports/g287.sqlite"):
        etag = sqlite_site.get(path).headers["etag"]
        for lines in ([etag, '"zz"'], ['"zz"', etag], ['"a", "b"', f"W/{etag}"]):
            answer = sqlite_site.get(path, headers=[("If-None-Match", line) for line in lines])
            assert answer.status_code == 304, (path, lines)
        assert sqlite_site.get(path, headers=[("If-None-Match", '"a"'), ("If-None-Match", '"b"')]).status_code == 200, path


def test_validators_are_one_pair_no_older_than_today_and_browsers_ask_again(site):
    """A page that defaults to today may change at midnight with no change of data: its Last-Modified is never
    before the day began. Each response carries one ETag and one Last-Modified (a static file's own are replaced),
    and Cache-Control: no-cache, so a browser revalidates instead of guessing how long the page stays fresh."""
    import datetime as dt
    from email.utils import parsedate_to_datetime

    day_began = dt.datetime.combine(dt.date.today(), dt.time()).astimezone(dt.timezone.utc)
    for path in ("/api/v1/stats", "/", "/static/site.css"):
        response = site.get(path)
        assert response.status_code == 200, path
        names = [name.lower() for name in response.headers.keys()]
        assert names.count("etag") == 1 and names.count("last-modified") == 1, path
        assert parsedate_to_datetime(response.headers["last-modified"]) >= day_began.replace(microsecond=0), path
        assert response.headers["cache-control"] == "no-cache", path


def test_absolute_links_follow_the_scheme_each_request_came_by(site):
    """Feeds carry absolute links: a request made over https (or forwarded as https) must not decide the links
    the others get from the response cache."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    secure = TestClient(site.app, base_url="https://testserver")
    assert 'href="https://testserver/' in secure.get("/exports/feed/TX.atom").text
    plain = site.get("/exports/feed/TX.atom").text
    assert 'href="http://testserver/' in plain and "https://testserver/" not in plain


def test_openapi_document_declares_every_resource(site):
    document = site.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in ("/api/v1/stats", "/api/v1/agencies", "/api/v1/agencies/{agency_id}", "/api/v1/agreements", "/api/v1/agreements/{agreement_id}",
                 "/api/v1/publications", "/api/v1/publications/{publication_id}", "/api/v1/quality", "/api/v1/search", "/api/v1/states", "/api/v1/series",
                 "/api/v1/counties", "/api/v1/counties/{fips}", "/api/v1/coverage", "/api/v1/timeline", "/api/v1/diff", "/api/v1/pending-changes", "/api/v1/pipeline"):
        operation = paths[path]["get"]
        assert "200" in operation["responses"] and "422" in operation["responses"]
        assert "$ref" in str(operation["responses"]["200"])
    assert not any(p.startswith(("/states", "/agencies", "/exports")) for p in paths)  # pages stay out of the API document
    parameters = {p["name"] for p in paths["/api/v1/agencies"]["get"]["parameters"]}
    assert parameters == {"as_of", "state", "county", "model", "type", "status", "limit", "offset"}


def test_docs_are_served_locally(site):
    page = site.get("/api/v1/docs")
    assert page.status_code == 200 and "/api/v1/docs/assets/swagger-ui-bundle.js" in page.text
    assert "http" not in page.text.split("<body>")[1].replace('href="/', "")  # nothing from another host
    assert site.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert site.get("/api/v1/docs/assets/other.js").status_code == 404


@pytest.mark.parametrize(
    "params, check",
    [
        ({"state": "FL"}, lambda a: a["state"] == "FL"),
        ({"county": "brevard county", "state": "FL"}, lambda a: a["county"].lower().startswith("brevard")),
        ({"county": "12009"}, lambda a: a["state"] == "FL" and a["county"].lower().startswith("brevard")),
        ({"model": "TFM"}, lambda a: a["model"] == "TFM"),
        ({"type": "state_agency"}, lambda a: a["agency_type"] == "state_agency"),
        ({"status": "listed"}, lambda a: a["status"] in ("participating", "pending")),
        ({"status": "all"}, lambda a: a["status"] in ("participating", "pending", "not listed")),
        ({"as_of": "2025-06-17"}, lambda a: a["publication_id"] is not None),
    ],
)
def test_every_agreement_filter(site, params, check):
    answer = site.get("/api/v1/agreements", params={**params, "limit": 1000}).json()
    assert answer["total"] > 0 and all(check(a) for a in answer["items"])
    if "as_of" in params:
        assert answer["participating_publication"]["file"] == "participatingAgencies06172025pm.xlsx"


def test_publication_origin_and_states_as_of(site):
    assert len(site.get("/api/v1/publications", params={"origin": "ice"}).json()) == 11
    assert site.get("/api/v1/publications", params={"origin": "registry"}).json() == []
    assert site.get("/api/v1/publications", params={"origin": "other"}).status_code == 422
    earlier = site.get("/api/v1/states", params={"as_of": "2025-05-29"}).json()
    assert sum(s["moas"] for s in earlier["items"]) == 635 and earlier["participating_publication"]["file"] == "participatingAgencies05292025am.xlsx"


def test_every_paged_list_gives_back_its_total_limit_and_offset(sqlite_site):
    # A list that takes limit and offset answers them with its total, so that a client pages every list alike
    # (/api/v1/documents gave only its total).
    paths = sqlite_site.get("/api/v1/openapi.json").json()["paths"]
    paged = []
    for path, operations in paths.items():
        names = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        if path.startswith("/api/v1/program") or "{" in path or not {"limit", "offset"} <= names:
            continue
        answer = sqlite_site.get(path, params={"limit": 2, "offset": 1, **({"q": "sheriff"} if "q" in names else {})})
        assert answer.status_code == 200, (path, answer.text)
        page = answer.json()
        assert (page["limit"], page["offset"]) == (2, 1) and isinstance(page["total"], int), path
        paged.append(path)
    assert "/api/v1/documents" in paged and len(paged) >= 6


def test_the_index_names_every_resource_of_the_document(site):
    # Each public resource of the OpenAPI document without a path parameter is in the index (the documents and
    # their search were missing).
    paths = site.get("/api/v1/openapi.json").json()["paths"]
    public = {p for p in paths if "{" not in p and p != "/api/v1" and not p.startswith("/api/v1/program")}
    assert public <= set(site.get("/api/v1").json()["resources"].values())


def test_every_parameter_of_the_public_api_is_described(site):
    # A developer reads each parameter's meaning in the OpenAPI document, and for a paged list the order its pages
    # follow (limit, offset, model, the ids and a dozen others had only their type).
    paths = site.get("/api/v1/openapi.json").json()["paths"]
    bare = [
        f"{path} {p['name']}"
        for path, operations in paths.items() if not path.startswith("/api/v1/program")
        for p in operations.get("get", {}).get("parameters", []) if not (p.get("description") or p["schema"].get("description"))
    ]
    assert bare == []
    for path, operations in paths.items():
        offset = next((p for p in operations.get("get", {}).get("parameters", []) if p["name"] == "offset"), None)
        if offset and not path.startswith("/api/v1/program"):
            assert "order" in offset["description"], path


def test_an_agreement_no_longer_listed_is_given_as_status_all_gives_it(sqlite_site):
    # The README said an agreement the lists in force do not list was a 404; one ICE listed earlier is given, as
    # status=all lists it, with the status "not listed" (Okaloosa County's WSO agreement, last listed on 20 June).
    items = sqlite_site.get("/api/v1/agreements", params={"status": "all", "limit": 1000}).json()["items"]
    gone = [item for item in items if item["status"] == "not listed"]
    assert gone and any(item["agency_name"] == "Okaloosa County Sheriff's Office" and item["model"] == "WSO" for item in gone)
    for item in gone:
        answer = sqlite_site.get(f"/api/v1/agreements/{item['id']}")
        assert answer.status_code == 200 and answer.json() == item
        assert (item["signed"], item["moa_url"], item["rows"], item["publication_id"]) == (None, None, 0, None)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "one ICE listed earlier and the lists in force no longer list has the status `not listed`" in readme
