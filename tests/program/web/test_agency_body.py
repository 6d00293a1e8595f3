"""Creating an applicant agency and correcting one (PUT) take its details whole: name, state and agency_type are
required each time, as the service refuses them left out (422 naming each, in its words). The OpenAPI document said
every field was optional."""

from __future__ import annotations

from tests.program.web.conftest import token_of


def test_an_agency_s_details_are_required_whole_and_documented_so(program_world, clients):
    officer = clients["program_officer"]
    schemas = officer.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["AgencyIn"]["required"] == schemas["NewAgencyIn"]["required"] == ["name", "state", "agency_type"]
    url = f"/api/v1/program/agencies/{program_world.agency_b}"
    before = officer.get(url).json()
    answer = officer.put(url, json={"address": "1 Main Street"}, headers={"X-CSRF-Token": token_of(officer)})
    assert answer.status_code == 422, answer.text
    assert {f["field"]: f["message"] for f in answer.json()["error"]["fields"]} == {"name": "required", "state": "required", "agency_type": "required"}
    assert officer.get(url).json() == before
