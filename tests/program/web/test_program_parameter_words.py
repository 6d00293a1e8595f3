"""A value a program parameter of a few choices does not take (an application's stage, a document's format) is
refused in words naming what it takes, on the API and the pages, as the public API's parameters are; pydantic said
"Input should be 'pdf' or 'docx'"."""

from __future__ import annotations

import pytest

STAGES = "not a stage: requested, draft, signed, terminated or withdrawn (in lower case)"
FORMATS = "not a format: pdf or docx (in lower case)"


def fields_of(response) -> dict[str, str]:
    return {item["field"]: item["message"] for item in response.json()["error"]["fields"]}


def test_the_api_names_the_values_it_takes(program_world, clients):
    officer = clients["program_officer"]
    refused = officer.get("/api/v1/program/applications", params={"stage": "Signed"})
    assert refused.status_code == 422 and fields_of(refused) == {"stage": f"'Signed': {STAGES}"}
    assert officer.get("/api/v1/program/applications", params={"stage": "signed"}).status_code == 200
    letter = officer.get(f"/api/v1/program/applications/{program_world.application}/letter.doc")
    assert letter.status_code == 422 and fields_of(letter) == {"fmt": f"'doc': {FORMATS}"}
    draft = officer.get(f"/api/v1/program/moas/{program_world.tfm}/draft.PDF")
    assert draft.status_code == 422 and fields_of(draft) == {"fmt": f"'PDF': {FORMATS}"}
    assert officer.get(f"/api/v1/program/moas/{program_world.tfm}/draft.pdf").status_code == 200


@pytest.mark.parametrize("path, says", [("/program/applications?stage=open", f"&#39;open&#39;: {STAGES}"), ("/program/moas/{tfm}/draft.txt", f"&#39;txt&#39;: {FORMATS}")])
def test_the_pages_name_them_too(program_world, clients, path, says):
    page = clients["program_officer"].get(path.format(tfm=program_world.tfm))
    assert page.status_code == 422 and says in page.text
