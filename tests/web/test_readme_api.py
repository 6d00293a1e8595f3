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
