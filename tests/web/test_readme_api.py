"""The README's section on the JSON API names every public resource the application serves, and no other (the
project's rule: "README: every command and setting documented; nothing untrue")."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
API_SECTION = README.split("### JSON API (`/api/v1`)")[1].split("\n### ")[0]


def _readme_name(path: str) -> str:
    """The name README gives a path of the OpenAPI document: `/api/v1/agencies/{agency_id}` is `agencies/ID`."""
    name = path.removeprefix("/api/v1").removeprefix("/")
    return re.sub(r"\{(\w+)\}", lambda m: {"fips": "FIPS", "sha256": "SHA256"}.get(m.group(1), "ID"), name) or "/api/v1"


def _public_paths(site) -> list[str]:
    paths = site.get("/api/v1/openapi.json").json()["paths"]
    return sorted(p for p in paths if not p.startswith("/api/v1/program"))


def test_every_public_resource_of_the_api_is_in_the_readme(site):
    """`/api/v1` itself, the index of the resources, was served and in the OpenAPI document but not in README."""
    names = [_readme_name(p) for p in _public_paths(site)]
    assert "/api/v1" in names and "agencies/ID" in names
    missing = [n for n in names if not re.search(r"(?:^|\n|\W)`" + re.escape(n) + r"(?=[`?\[])", API_SECTION)]
    assert missing == []


def test_every_resource_the_readme_lists_is_served(site):
    """A resource README gives with its parameters (`series?kind=`, `publications[?kind=`) or by an id
    (`agreements/ID`) is a path of the OpenAPI document."""
    resources = API_SECTION.split("Resources:")[1].split("Every list that takes")[0]
    listed = set(re.findall(r"`([a-z][a-z-]*(?:/[a-z]+|/FIPS)?)(?:\?|\[\?)", resources))
    listed |= set(re.findall(r"`([a-z][a-z-]*/(?:ID|FIPS|SHA256))`", resources))
    assert {"stats", "series", "publications", "diff", "counties/FIPS", "documents/search", "agreements/ID"} <= listed
    assert sorted(listed - set(map(_readme_name, _public_paths(site)))) == []


def test_the_index_gives_the_path_of_every_resource_without_an_id(site):
    index = site.get("/api/v1").json()
    assert set(index) == {"name", "version", "openapi", "docs", "resources"}
    without_id = {p for p in _public_paths(site) if "{" not in p and p != "/api/v1"}
    assert set(index["resources"].values()) == without_id
    assert index["resources"]["pending_changes"] == "/api/v1/pending-changes"


def test_the_readme_gives_each_limit_its_range_and_default(site):
    """README said only `limit` ≤ 1000 of agencies and agreements: the range and default of every `limit`, and of
    `offset`, are as the OpenAPI document declares them (and as the API refuses a value out of range)."""
    text = " ".join(API_SECTION.split())
    sentence = re.search(r"`limit` goes from 1 to a maximum, with a default: (.*?); `offset` \(default (\d+)\) up to ([\d,]+)", text)
    assert sentence, "README's sentence on the limits changed: update this test with it"
    said = {}
    for names, most, default in re.findall(r"((?:`[a-z/-]+`(?:, | and )?)+) (?:up )?to (\d+) \(default (\d+)\)", sentence.group(1)):
        said |= {name: (int(most), int(default)) for name in re.findall(r"`([a-z/-]+)`", names)}
    paths = site.get("/api/v1/openapi.json").json()["paths"]
    declared, offsets = {}, set()
    for path in _public_paths(site):
        parameters = {p["name"]: p for p in paths[path]["get"].get("parameters", [])}
        if "limit" in parameters:
            schema = parameters["limit"]["schema"]
            declared[_readme_name(path)] = (schema["maximum"], schema["default"])
        if "offset" in parameters:
            offsets.add((parameters["offset"]["schema"]["maximum"], parameters["offset"]["schema"]["default"]))
    assert said == declared
    assert offsets == {(int(sentence.group(3).replace(",", "")), int(sentence.group(2)))}
    for name, (most, _) in declared.items():
        extra = {"q": "sheriff"} if name.endswith("search") else {}
        assert site.get(f"/api/v1/{name}", params={**extra, "limit": most}).status_code == 200
        assert site.get(f"/api/v1/{name}", params={**extra, "limit": most + 1}).status_code == 422


def test_the_readme_gives_the_values_each_parameter_takes(site):
    """Each value of a parameter the OpenAPI document enumerates (`status`, `kind`, `category`, `type`, `every`,
    `vintage`, `origin`) is in README's API section: the values of `quality?category=`, `documents?kind=`,
    `publications?kind=&origin=`, `type` and the range of `end_after` were given nowhere."""
    text = " ".join(API_SECTION.split())
    paths = site.get("/api/v1/openapi.json").json()["paths"]
    missing = set()
    for path in _public_paths(site):
        for parameter in paths[path]["get"].get("parameters", []):
            schema = next((s for s in parameter["schema"].get("anyOf", [parameter["schema"]]) if s.get("type") != "null"), {})
            values = schema.get("enum") or (re.fullmatch(r"\^\(([a-z|]+)\)\$", schema.get("pattern", "")) or [None, ""])[1].split("|")
            missing |= {f"{_readme_name(path)} {parameter['name']}={v}" for v in values if v and not re.search(r"[`|= ]" + re.escape(v) + r"[`|) ,;&]", text)}
    assert missing == set()
    assert "`status` = participating (the default)" in text and "`kind` is `participating`, the default" in text
    assert "`end_after` is K, 1 to 100, by default `G287_END_AFTER`" in text
    schema = {p["name"]: p["schema"] for p in paths["/api/v1/diff"]["get"]["parameters"]}["end_after"]
    schema = next(s for s in schema.get("anyOf", [schema]) if s.get("type") != "null")
    assert (schema["minimum"], schema["maximum"]) == (1, 100)


def test_the_workbook_of_a_date_with_no_list_in_force_is_the_404_the_readme_gives(site):
    """README did not say what /exports/agreements.xlsx answers on a date no list of its kind is in force: a 404
    (there is no list to lay out), where the CSV and JSON answer with no rows."""
    text = " ".join(README.split())
    quoted = re.search(r"is a 404 saying so — `([^`]+)` —, where the CSV and JSON answer with no rows", text)
    assert quoted, "README's words on the workbook of a date with no list changed: update this test with them"
    answer = site.get("/exports/agreements.xlsx", params={"as_of": "2000-01-01"})
    assert answer.status_code == 404 and answer.json()["error"]["message"] == quoted.group(1)
    assert site.get("/exports/agreements.xlsx", params={"publication": 999999}).status_code == 404
    empty = site.get("/exports/agreements.csv", params={"as_of": "2000-01-01"})
    assert empty.status_code == 200 and empty.headers["x-total-count"] == "0"
    assert site.get("/exports/agreements.json", params={"as_of": "2000-01-01"}).json()["total"] == 0
