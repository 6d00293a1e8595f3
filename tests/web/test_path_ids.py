"""A record's id in a URL is a whole number from 1 to 2,147,483,647 written in digits, as the registry writes it,
and nothing else: `/agencies/1.0`, `/agencies/%201`, `/agencies/01` are not agency 1's page but a bad id, answered
as `/agencies/abc` or `/agencies/0` are (422 naming the parameter). Checked over every route of the application
that takes an id in its path (read from the application itself, so a route added later is covered)."""

from __future__ import annotations

import re

from g287.db.ids import MAX_ID, record_id
from tests.program.web.test_privacy_routes import routes as every_route

# Forms pydantic's int reads as 1 ("%20" is a space), and forms it already refused.
LENIENT = ("1.0", "%201", "1%20", "01", "+1", "1_0", "%EF%BC%91")
REFUSED = ("0", "abc", "-1", "1e0", str(MAX_ID + 1))
ID_PARAMETER = re.compile(r"\{(\w+_id)\}")


def id_routes(app, prefix: tuple[str, ...], methods=frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})):
    """Every route (routers included at any depth) under `prefix` with an id in its path."""
    return [found for found in every_route(app, set(methods)) if found.path.startswith(prefix) and ID_PARAMETER.search(found.path)]


def fill(path: str, value: str) -> str:
    return re.sub(r"\{\w+(:\w+)?\}", "pdf", ID_PARAMETER.sub(value, path))  # letter.{fmt}, draft.{fmt}


def assert_bad_id(response, path: str, name: str):
    assert response.status_code == 422, (path, response.status_code, response.text[:300])
    if response.headers["content-type"].startswith("application/json"):
        assert response.json()["error"]["fields"][0]["field"] == name, path
    else:
        assert name in response.text, path


def test_exact_record_id():
    assert [record_id(t, exact=True) for t in ("1", "42", str(MAX_ID))] == [1, 42, MAX_ID]
    assert [record_id(t, exact=True) for t in (" 1", "1 ", "01", "+1", "1.0", "1_0", "１", "²", "", "0", str(MAX_ID + 1), "99999999999")] == [None] * 12
    assert record_id(" 07 ") == 7  # a command line forgives what a person types


def test_registry_routes_take_an_id_only_as_written(sqlite_site):
    routes = list(id_routes(sqlite_site.app, ("/agencies", "/publications", "/api/v1/agencies", "/api/v1/agreements", "/api/v1/publications"), {"GET"}))
    assert {r.path for r in routes} >= {"/agencies/{agency_id}", "/publications/{publication_id}", "/api/v1/agencies/{agency_id}", "/api/v1/agreements/{agreement_id}", "/api/v1/publications/{publication_id}"}
    for route in routes:
        name = ID_PARAMETER.search(route.path).group(1)
        assert sqlite_site.get(fill(route.path, "1"), follow_redirects=False).status_code in (200, 301, 308), route.path
        for value in LENIENT + REFUSED:
            path = fill(route.path, value)
            assert_bad_id(sqlite_site.get(path, follow_redirects=False), path, name)


def test_a_publication_filter_takes_an_id_only_as_written(sqlite_site):
    for path in ("/api/v1/quality", "/exports/agreements.csv"):
        assert sqlite_site.get(path, params={"publication": "1"}).status_code == 200, path
        for value in ("01", "1.0", " 1"):
            assert_bad_id(sqlite_site.get(path, params={"publication": value}), path, "publication")


def test_a_publication_named_by_its_id_in_a_diff_takes_it_only_as_written(sqlite_site):
    # `from` and `to` take a file name or a date too; an id among them is read as every other parameter reads one:
    # `010` and ` 2` were other addresses of publications 10 and 2 (the command line's forgiving reading), `0` a 404.
    pairs = {"/api/v1/diff": ("2", "10"), "/changes": ("2", "10"), "/api/v1/pending-changes": ("1", "11")}
    for path, (older, newer) in pairs.items():
        assert sqlite_site.get(path, params={"from": older, "to": newer}).status_code == 200, path
        for value in ("0" + older, " " + older, older + " ", "0", str(MAX_ID + 1)):
            assert_bad_id(sqlite_site.get(path, params={"from": value, "to": newer}), path, "from")
            assert_bad_id(sqlite_site.get(path, params={"from": older, "to": value}), path, "to")
    assert sqlite_site.get("/api/v1/diff", params={"from": "999", "to": "10"}).status_code == 404  # an id no publication has


def test_the_documented_name_of_a_publication_admits_no_id_the_diffs_refuse(sqlite_site):
    # The OpenAPI document called `0` a valid `from` (its pattern was "a letter or digit") while the diffs refuse it
    # (422): a schema-valid request rejected, as the API's conformance test found. Python reads the pattern as
    # hypothesis, generating schemathesis's cases, does.
    document = sqlite_site.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/diff", "/api/v1/pending-changes"):
        for name in ("from", "to"):
            [parameter] = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
            pattern = re.compile(parameter["schema"]["pattern"])
            for refused in ("0", "00", "010", " 2", "2 ", "2\n", "\t7", str(MAX_ID + 1), "99999999999"):
                assert not pattern.search(refused), (path, name, refused)
            for taken in ("2", "10", str(MAX_ID), "2025-05-29", "2025-05-29am", "participatingAgencies05292025am.xlsx", "x", " a ", "2 b"):
                assert pattern.search(taken), (path, name, taken)
    for value in ("2", str(MAX_ID), "2025-05-29"):  # what it admits is not refused as a parameter (a 404 for a name no publication has)
        assert sqlite_site.get("/api/v1/diff", params={"from": value, "to": "10"}).status_code in (200, 404), value


def test_an_id_no_publication_has_is_refused_naming_no_command(sqlite_site, tmp_path):
    # The API's and the page's readers have no command line: "(see `g287 publications`)" was no help to them.
    from tests.in_process import run_g287

    for path in ("/api/v1/diff", "/changes"):
        answer = sqlite_site.get(path, params={"from": "999", "to": "10"})
        assert answer.status_code == 404 and "no publication with id 999" in answer.text and "g287 publications" not in answer.text, path
    status, _, err = run_g287(str(tmp_path / "empty.sqlite"), "diff", "999", "998")
    assert status == 1 and "no publication with id 999 (see `g287 publications`)" in err, err
