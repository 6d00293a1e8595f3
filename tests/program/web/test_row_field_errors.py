"""A refused row of a form's repeated fields (a period of service, a signatory) is shown as the other fields are:
the message beside that row's input, which is marked aria-invalid and described by it, and the summary at the top
naming the field in words ("Period 2, To"), with what was typed kept. The services name the item of their list
(service_periods[0].end: the rows left empty are no item), which the page showed in the summary only, under that
name; the API still names it so."""

from __future__ import annotations

import datetime as dt
import html
import re
import warnings

import pytest

from g287.program import accounts, moas, nominees
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, sign_in, token_of
from tests.program.world import ADMIN, OFFICER, SIGNED_PDF, TODAY, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BEFORE_START = "must not be before the start"
NOT_A_DATE = "expected a date YYYY-MM-DD"


@pytest.fixture
def site(db):
    """Agency A's TFM MOA signed (the nomination form) with a nominee (the facts form), its WSO MOA drafted (the form
    recording it signed); the agency's user and a program officer signed in."""
    with db.session() as session:
        w = build(session, "signed")
        moas.draft_moa(session, OFFICER, w.wso, today=TODAY - dt.timedelta(days=40))
        nominee = nominees.nominate(session, w.user_a, w.tfm, full_name="Rita Rowfield", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": "2010-01-04"}])
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
    app = create_app(db)
    with TestClient(app) as agency, TestClient(app) as officer:
        assert sign_in(agency, "agency-a").status_code == 303 and sign_in(officer, "officer").status_code == 303
        yield w, nominee.id, agency, officer


def form_in(page: str, action: str) -> str:
    start = page.index(f'method="post" action="{action}"')
    return page[start : page.index("</form>", start)]


def controls(form: str) -> dict[str, str]:
    """Each input and select of the form by its id: its opening tag."""
    return {m.group(2): m.group(0) for m in re.finditer(r'<(input|select) id="([^"]+)"[^>]*>', form)}


def assert_shown_beside(response, action: str, bad_id: str, label: str, message: str) -> str:
    """The refusal is a 422 whose form marks the input `bad_id` only, described by the message beside it, and whose
    summary names the field in words; gives the form."""
    assert response.status_code == 422, response.text
    form = form_in(response.text, action)
    marked = {id_ for id_, tag in controls(form).items() if 'aria-invalid="true"' in tag}
    assert marked == {bad_id}, marked
    assert f'aria-describedby="{bad_id}-error"' in controls(form)[bad_id]
    assert f'<span class="field-error" id="{bad_id}-error">{message}</span>' in form
    summary = html.unescape(response.text[response.text.index('id="problem"') : response.text.index("</div>", response.text.index('id="problem"'))])
    assert f"<strong>{label}</strong>: {message}" in summary, summary
    assert "service_periods" not in summary and "signatories" not in summary
    return form


def value_of(form: str, id_: str) -> str:
    tag = controls(form)[id_]
    if tag.startswith("<select"):
        chosen = re.search(r'<option value="([^"]*)" selected>', form[form.index(tag) : form.index("</select>", form.index(tag))])
        return chosen.group(1) if chosen else ""
    return re.search(r'value="([^"]*)"', tag).group(1)


# Each bad period sent as the third row (the first filled in, the second left empty): the services' second item.
PERIODS = {
    "end before start": (("2025-01-01", "2024-01-01"), "end", "Period 3, To", BEFORE_START),
    "start not a date": (("2025-02-30", ""), "start", "Period 3, From", NOT_A_DATE),
    "end not a date": (("2020-01-01", "someday"), "end", "Period 3, To", NOT_A_DATE),
}


@pytest.mark.parametrize("case", PERIODS, ids=list(PERIODS))
def test_a_bad_period_of_a_nomination_is_shown_beside_its_row(site, case):
    w, _nominee, agency, _officer = site
    (start, end), part, label, message = PERIODS[case]
    page = agency.get(f"/program/applications/{w.application}").text
    action = f"/program/moas/{w.tfm}/nominees"
    sent = {"csrf_token": csrf_of(page), "full_name": "Nico Newrow", "us_citizen": "yes", "enforced_jurisdiction_laws": "yes",
            "period_start": ["2012-03-05", "", start], "period_end": ["", "", end]}
    form = assert_shown_beside(agency.post(action, data=sent), action, f"f-{w.tfm}-{part}-2", label, message)
    assert [value_of(form, f"f-{w.tfm}-start-{i}") for i in range(3)] == ["2012-03-05", "", start]
    assert [value_of(form, f"f-{w.tfm}-end-{i}") for i in range(3)] == ["", "", end]
    assert value_of(form, f"f-{w.tfm}-full_name") == "Nico Newrow"


@pytest.mark.parametrize("case", PERIODS, ids=list(PERIODS))
def test_a_bad_period_of_the_facts_is_shown_beside_its_row(site, case):
    _w, nominee_id, agency, _officer = site
    (start, end), part, label, message = PERIODS[case]
    action = f"/program/nominees/{nominee_id}"
    page = agency.get(action).text
    sent = {"csrf_token": csrf_of(page), "full_name": "Rita Rowfield", "us_citizen": "yes", "enforced_jurisdiction_laws": "yes",
            "period_start": ["2010-01-04", "", start], "period_end": ["", "", end]}
    form = assert_shown_beside(agency.post(action, data=sent), action, f"f-{part}-2", label, message)
    assert [value_of(form, f"f-start-{i}") for i in range(3)] == ["2010-01-04", "", start]
    assert [value_of(form, f"f-end-{i}") for i in range(3)] == ["", "", end]


# The second row (its party chosen or not, its name and title) as sent; the first is the agency's signatory.
SIGNATORIES = {
    "no party": (("", "Lee Official", "Field Office Director"), "party", "Signatory 2, Party", "required"),
    "a party of neither": (("FBI", "Lee Official", "Field Office Director"), "party", "Signatory 2, Party", "one of agency, ICE"),
    "no name": (("ICE", "", "Field Office Director"), "name", "Signatory 2, Name", "required"),
    "no title": (("ICE", "Lee Official", ""), "title", "Signatory 2, Title", "required"),
}


@pytest.mark.parametrize("case", SIGNATORIES, ids=list(SIGNATORIES))
def test_a_bad_signatory_is_shown_beside_its_row(site, case):
    w, _nominee, _agency, officer = site
    (party, name, title), part, label, message = SIGNATORIES[case]
    page = officer.get(f"/program/applications/{w.application}").text
    action = f"/program/moas/{w.wso}/signed"
    sent = {"csrf_token": csrf_of(page), "signed_on": "2025-06-01",
            "signatory_party": ["agency", party, ""], "signatory_name": ["Pat Example", name, ""], "signatory_title": ["Sheriff", title, ""]}
    response = officer.post(action, data=sent, files={"pdf": ("signed.pdf", SIGNED_PDF.read_bytes(), "application/pdf")})
    form = assert_shown_beside(response, action, f"f-{w.wso}-{part}-1", label, message)
    assert [value_of(form, f"f-{w.wso}-party-{i}") for i in range(3)] == ["agency", party if party != "FBI" else "", ""]
    assert [value_of(form, f"f-{w.wso}-name-{i}") for i in range(3)] == ["Pat Example", name, ""]
    assert [value_of(form, f"f-{w.wso}-title-{i}") for i in range(3)] == ["Sheriff", title, ""]
    assert value_of(form, f"f-{w.wso}-signed_on") == "2025-06-01"


def test_signatories_without_ice_are_refused_under_the_legend_in_words(site):
    w, _nominee, _agency, officer = site
    page = officer.get(f"/program/applications/{w.application}").text
    action = f"/program/moas/{w.wso}/signed"
    sent = {"csrf_token": csrf_of(page), "signed_on": "2025-06-01", "signatory_party": ["agency", "", ""], "signatory_name": ["Pat Example", "", ""], "signatory_title": ["Sheriff", "", ""]}
    response = officer.post(action, data=sent, files={"pdf": ("signed.pdf", SIGNED_PDF.read_bytes(), "application/pdf")})
    assert response.status_code == 422
    form = form_in(response.text, action)
    message = "name at least one signatory for the agency and one for ICE"
    assert f'<fieldset aria-describedby="f-{w.wso}-signatories-error">' in form
    assert f'<span class="field-error" id="f-{w.wso}-signatories-error">{message}</span>' in form
    assert f"<strong>Signatories</strong>: {message}" in response.text


def test_the_api_still_names_the_services_items(site):
    w, _nominee, agency, _officer = site
    body = {"full_name": "Ada Api", "us_citizen": True, "enforced_jurisdiction_laws": True, "service_periods": [{"start": "2025-01-01", "end": "2024-01-01"}]}
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json=body, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [{"field": "service_periods[0].end", "message": BEFORE_START}]


def test_a_single_row_sent_is_shown_again_as_that_row(site):
    """A client sending one row sends each column as one value: the form shows it in the first row, not one
    character per row."""
    w, _nominee, agency, _officer = site
    page = agency.get(f"/program/applications/{w.application}").text
    action = f"/program/moas/{w.tfm}/nominees"
    sent = {"csrf_token": csrf_of(page), "full_name": "Olga Onerow", "period_start": "2025-01-01", "period_end": "2024-01-01"}
    form = assert_shown_beside(agency.post(action, data=sent), action, f"f-{w.tfm}-end-0", "Period 1, To", BEFORE_START)
    assert [value_of(form, f"f-{w.tfm}-start-{i}") for i in range(3)] == ["2025-01-01", "", ""]
    assert [value_of(form, f"f-{w.tfm}-end-{i}") for i in range(3)] == ["2024-01-01", "", ""]


def test_each_row_s_label_says_its_row_to_a_screen_reader(site):
    """The rows' labels said only "From", "To", "Party": a screen reader, reading one field at a time, did not say
    which row it was in. Each label now begins with its row in words, visually hidden (the page shows the rows one
    under the other)."""
    w, nominee, agency, officer = site

    def labels(page: str, action: str) -> dict[str, str]:
        form = form_in(page, action)
        return {m.group(1): re.sub(r"<[^>]+>", "", m.group(2)) for m in re.finditer(r'<label for="([^"]+)">(.*?)</label>', form)}

    nominate = labels(agency.get(f"/program/applications/{w.application}").text, f"/program/moas/{w.tfm}/nominees")
    assert [nominate[f"f-{w.tfm}-{part}-{i}"] for i in range(3) for part in ("start", "end")] == [f"Period {i}, {word}" for i in (1, 2, 3) for word in ("From", "To")]
    facts = labels(agency.get(f"/program/nominees/{nominee}").text, f"/program/nominees/{nominee}")
    assert facts["f-start-0"] == "Period 1, From" and facts["f-end-1"] == "Period 2, To"
    signed = labels(officer.get(f"/program/applications/{w.application}").text, f"/program/moas/{w.wso}/signed")
    assert [signed[f"f-{w.wso}-{part}-1"] for part in ("party", "name", "title")] == ["Signatory 2, Party", "Signatory 2, Name", "Signatory 2, Title"]
    assert '<span class="visually-hidden">Signatory 2, </span>Party' in form_in(officer.get(f"/program/applications/{w.application}").text, f"/program/moas/{w.wso}/signed")
