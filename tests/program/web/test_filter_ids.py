"""An id in a filter that names no record (?agency_id=, ?moa_id=) is refused, as the audit log's filters and the
command line's --agency and --moa are: the API answered 200 [], which reads as "no nominee", "no one is authorized".
To an agency user, another agency's id is answered whether or not it names a record, so it tells nothing of it."""

from __future__ import annotations

import pytest

FILTERED = ("nominees", "summary", "due", "authorized")
NO_ID = 2**31 - 1  # an id no record has (the largest a record may have)


def fields(response) -> dict:
    return {item["field"]: item["message"] for item in response.json()["error"]["fields"]}


@pytest.mark.parametrize("resource", FILTERED)
def test_an_agency_id_naming_no_agency_is_refused_naming_the_filter(program_world, clients, resource):
    officer = clients["program_officer"]
    response = officer.get(f"/api/v1/program/{resource}?agency_id={NO_ID}")
    assert response.status_code == 422 and fields(response) == {"agency_id": "no such applicant agency"}, response.text
    assert officer.get(f"/api/v1/program/{resource}?agency_id={program_world.agency_a}").status_code == 200
    assert clients["own_agency"].get(f"/api/v1/program/{resource}?agency_id={program_world.agency_a}").status_code == 200


def test_an_moa_id_naming_no_moa_is_refused_naming_the_filter(program_world, clients):
    officer = clients["program_officer"]
    response = officer.get(f"/api/v1/program/nominees?moa_id={NO_ID}")
    assert response.status_code == 422 and fields(response) == {"moa_id": "no such MOA"}, response.text
    assert {row["id"] for row in officer.get(f"/api/v1/program/nominees?moa_id={program_world.tfm}").json()} == {program_world.novice, program_world.veteran}
    # The WSO MOA, asked for and never signed, has no nominee: an empty list, as it is.
    assert officer.get(f"/api/v1/program/nominees?moa_id={program_world.wso}").json() == []


@pytest.mark.parametrize("resource", FILTERED)
def test_another_agencys_id_tells_an_agency_user_nothing(program_world, clients, resource):
    other = clients["other_agency"]
    theirs, none = (other.get(f"/api/v1/program/{resource}?agency_id={agency}") for agency in (program_world.agency_a, NO_ID))
    assert theirs.status_code == none.status_code == 403 and theirs.json() == none.json()


def test_another_agencys_moa_is_to_an_agency_user_no_such_moa(program_world, clients):
    other = clients["other_agency"]
    theirs, none = (other.get(f"/api/v1/program/nominees?moa_id={moa}") for moa in (program_world.tfm, NO_ID))
    assert theirs.status_code == none.status_code == 422 and theirs.json() == none.json()


def test_a_visitor_is_refused_nominees_whatever_the_filter_names(program_world, clients):
    public = clients["public"]
    answers = [public.get(f"/api/v1/program/nominees?{query}") for query in (f"moa_id={program_world.tfm}", f"moa_id={NO_ID}", f"agency_id={program_world.agency_a}", f"agency_id={NO_ID}")]
    assert {response.status_code for response in answers} == {403} and len({response.text for response in answers}) == 1


def test_the_pages_refuse_a_filter_naming_no_agency(clients):
    officer = clients["program_officer"]
    for page in ("/program/training", "/program/nominees"):
        response = officer.get(f"{page}?agency_id={NO_ID}")
        assert response.status_code == 422 and "<strong>agency_id</strong>: no such applicant agency" in response.text, page


def test_a_page_without_a_form_says_the_value_refused_came_in_its_address(program_world, clients):
    """The error page of a refused filter (or id) said "Please correct the form" above no form: it says the value
    refused is in the page's address, and names it; the audit log, whose filters are a form on the page it shows
    again, still asks to correct the form."""
    officer = clients["program_officer"]
    for address in (f"/program/nominees?agency_id={NO_ID}", f"/program/nominees?moa_id={NO_ID}", f"/program/training?agency_id={NO_ID}", "/program/training?as_of=not-a-day"):
        response = officer.get(address)
        assert response.status_code == 422 and "<form" not in response.text.split('id="problem"')[1], address
        assert "Please correct the form" not in response.text, address
        assert "A value in the page's address is refused <span class=\"status\">(422)</span>" in response.text, address
    assert "<strong>moa_id</strong>: no such MOA" in officer.get(f"/program/nominees?moa_id={NO_ID}").text
    audit = officer.get("/program/audit?actor=nosuchuser")
    assert audit.status_code == 422 and "Please correct the form" in audit.text and 'name="actor"' in audit.text
