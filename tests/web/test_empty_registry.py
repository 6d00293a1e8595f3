"""A fresh install before the first ingest: an empty registry is not a missing resource. Every GET of the API
document and every page the site links answers without a 404 or a server error; a named record that does not
exist is still a 404."""

from __future__ import annotations

import html
import re
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from g287.web.app import create_app

# Path parameters naming a record: on an empty registry none exists, except counties (from the reference list).
NAMED = {"fips": "12057", "agreement_id": "1", "agency_id": "1", "publication_id": "1", "sha256": "0" * 64, "application_id": "1", "nominee_id": "1", "moa_id": "1", "fmt": "pdf"}
REQUIRED = {"q": "sheriff", "from": "2025-05-16", "to": "2025-07-09"}


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory):
    from g287.db.engine import Database

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('empty') / 'g287.sqlite'}")
    with TestClient(create_app(database), raise_server_exceptions=False) as client:
        yield client
    database.dispose()


def test_coverage_of_an_empty_registry(empty_site):
    answer = empty_site.get("/api/v1/coverage")
    assert answer.status_code == 200, answer.text
    figures = answer.json()
    assert figures["publication"] is None and figures["vintage"] == "2022" and figures["counties_total"] == 3144 and figures["states_total"] == 51
    assert figures["counties_with_county_agency"] == figures["counties_with_any_agency"] == figures["states_with_agreement"] == 0
    assert figures["listings"]["total"] == figures["listings"]["located"] == 0 and figures["territories_with_agreement"] == {}
    assert len(figures["by_state"]) == 51 and figures["by_state"]["FL"]["counties_total"] == 67 and not figures["by_state"]["FL"]["has_agreement"]
    old = empty_site.get("/api/v1/coverage", params={"as_of": "2001-06-01", "model": "WSO"}).json()
    assert old["vintage"] == "2000" and old["counties_total"] == 3141 and old["model"] == "WSO" and old["as_of"] == "2001-06-01"


def test_every_api_resource_answers_on_an_empty_registry(empty_site):
    paths = empty_site.get("/api/v1/openapi.json").json()["paths"]
    answered = []
    for path, operations in paths.items():
        if "get" not in operations:
            continue
        required = {p["name"]: REQUIRED.get(p["name"], "x") for p in operations["get"].get("parameters", []) if p["in"] == "query" and p.get("required")}
        named = re.findall(r"\{(\w+)\}", path)
        address = re.sub(r"\{(\w+)\}", lambda m: NAMED[m.group(1)], path)
        status = empty_site.get(address, params=required).status_code
        answered.append(path)
        assert status < 500, f"{path}: {status}"
        if not named and path not in ("/api/v1/diff", "/api/v1/pending-changes"):  # each names two publications: none exists yet
            assert status != 404, f"{path} answers 404 on an empty registry"
    assert "/api/v1/coverage" in answered and len(answered) >= 20
    assert empty_site.get("/api/v1/counties/12057").status_code == 200  # a county of the reference list, with nothing located
    assert empty_site.get("/api/v1/agencies/1").status_code == 404  # a named record that does not exist


def test_every_page_linked_answers_on_an_empty_registry(empty_site):
    # The pages of the menu and every address they link (downloads too): none a dead end before the first ingest.
    starts = ["/", "/states", "/agencies", "/models", "/pending", "/changes", "/documents", "/data", "/about", "/factsheet", "/search?q=sheriff"]
    links = set(starts)
    for start in starts:
        page = empty_site.get(start)
        assert page.status_code == 200, start
        links |= {html.unescape(h).split("#")[0] for h in re.findall(r'href="(/[^/"][^"]*)"', page.text)}
    broken = [(link, status) for link in sorted(links) if (status := empty_site.get(link).status_code) >= 400]
    assert broken == []


def test_a_timeline_range_on_an_empty_registry_has_no_entry(empty_site):
    # Both ends given and no publication yet: an empty timeline, as with one end or none (a 500 before).
    for params in ({"from": "2025-01-01", "to": "2025-02-01"}, {"from": "2025-01-01", "to": "2025-02-01", "every": "day"}):
        answer = empty_site.get("/api/v1/timeline", params=params)
        assert answer.status_code == 200, answer.text
        assert answer.json()["items"] == []
