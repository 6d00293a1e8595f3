"""The workflow's routes read a record's id in their path as the registry's do (tests/web/test_path_ids.py): only
as written, from 1 to 2,147,483,647; `/program/nominees/01` is a bad id (422 naming it), not nominee 1's page."""

from __future__ import annotations

import re

from tests.program.web.conftest import token_of
from tests.web.test_path_ids import ID_PARAMETER, assert_bad_id, id_routes


def test_program_routes_take_an_id_only_as_written(program_world, clients):
    client = clients["program_officer"]  # who may take every step: the id is refused, not the caller
    routes = list(id_routes(program_world.app, ("/program", "/api/v1/program")))
    assert len(routes) >= 15
    # A change carries its CSRF token, checked before anything else the request says (g287.web.program.api): the id
    # is what is refused here.
    headers = {"X-CSRF-Token": token_of(client)}
    ids = {"nominee_id": program_world.veteran, "application_id": program_world.application, "moa_id": program_world.tfm, "agency_id": program_world.agency_a}
    for route in routes:
        for method in route.methods - {"HEAD"}:
            for name in ID_PARAMETER.findall(route.path):
                for value in ("01", "%20" + str(ids[name]), f"{ids[name]}.0"):
                    path = ID_PARAMETER.sub(lambda m: value if m.group(1) == name else str(ids[m.group(1)]), route.path)
                    path = re.sub(r"\{\w+(:\w+)?\}", "pdf", path)
                    sent = client.request(method, path, follow_redirects=False, headers=headers if method != "GET" else None)
                    assert_bad_id(sent, f"{method} {path}", name)
    assert client.get(f"/program/nominees/{program_world.veteran}").status_code == 200
    assert client.get(f"/api/v1/program/nominees/{program_world.veteran}").status_code == 200
