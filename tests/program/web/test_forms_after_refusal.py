"""A form refused is shown again open, with what was typed beside the problem (found by review: the link of an
applicant agency to the registry's agency came back closed, with the recorded id instead of the one typed, while
the agency's details form opened)."""

from __future__ import annotations

import re

from tests.program.web.conftest import token_of


def details_opened(html: str) -> dict[str, bool]:
    """Each <details> of the page by its summary: whether it is open."""
    return {summary: "open" in attributes for attributes, summary in re.findall(r"<details([^>]*)>\s*<summary>([^<]+)</summary>", html)}


def test_a_refused_link_keeps_the_id_typed_in_its_open_form(program_world, clients):
    officer = clients["program_officer"]
    path = f"/program/agencies/{program_world.agency_a}"
    recorded = officer.get(path).text
    assert details_opened(recorded) == {"Correct the agency's details": False, "Link to the registry's agency": False}
    for typed in ("abc", "99999999"):
        response = officer.post(f"{path}/link", data={"csrf_token": token_of(officer), "registry_agency_id": typed}, follow_redirects=False)
        assert response.status_code == 422, response.text
        field = re.search(r'<input id="f-link-id" name="registry_agency_id"[^>]*>', response.text).group()
        assert f'value="{typed}"' in field and 'aria-invalid="true"' in field
        assert details_opened(response.text) == {"Correct the agency's details": False, "Link to the registry's agency": True}
    # The details form refused: it opens, with the values sent; the link form stays as recorded.
    response = officer.post(path, data={"csrf_token": token_of(officer), "name": "Renamed Sheriff's Office", "state": "ZZ", "agency_type": "county"}, follow_redirects=False)
    assert response.status_code == 422 and 'value="Renamed Sheriff&#39;s Office"' in response.text
    assert details_opened(response.text) == {"Correct the agency's details": True, "Link to the registry's agency": False}
