"""Through the JSON API and the forms: an examination's score is a number (JSON true is refused, not stored as 1
percent), an unknown examination is invalid input naming `exam` (422, not 409), and a nomination may carry its
date (default today; never in the future)."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from g287.access import Actor
from g287.program import accounts, nominees, training
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, sign_in, token_of
from tests.program.world import OFFICER, TODAY, build, years_ago

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()


def build_site(db):
    """The workflow world (agency A's TFM MOA signed) with a trainee enrolled, an officer's and an agency user's
    accounts, and a client signed in as each."""
    with db.session() as session:
        w = build(session, "signed")
        trainee = nominees.nominate(session, w.user_a, w.tfm, full_name="Tess Trainee", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(5)}], nominated_on=TODAY - dt.timedelta(days=10), today=TODAY)
        nominees.record_background(session, OFFICER, trainee.id, result="passed", completed_on=TODAY - dt.timedelta(days=9), today=TODAY)
        training.enrol(session, OFFICER, trainee.id, enrolled_on=TODAY - dt.timedelta(days=8), today=TODAY)
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
    app = create_app(db)
    clients = {}
    for username in ("officer", "agency-a"):
        clients[username] = TestClient(app)
        assert sign_in(clients[username], username).status_code == 303
    return db, w, trainee.id, clients


@pytest.fixture
def site(db):
    """The site over a world of its own, for a test that changes it."""
    return build_site(db)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def unchanged_site(request, tmp_path_factory):
    """The site over one world per database kind, shared by the tests whose requests are all refused or only read
    (building the world and the application took about a second a test). Each such test still checks that its
    refused request recorded nothing, so one wrongly accepted fails there."""
    from tests.conftest import make_database

    database, close = make_database(request.param, tmp_path_factory.mktemp("exam-api"))
    built = build_site(database)
    yield built
    for client in built[3].values():
        client.close()
    close()


def fields_of(response) -> dict:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def exams_of(db, nominee_id: int) -> list:
    with db.session() as session:
        return nominees.nominee_detail(session, OFFICER, nominee_id)["exams"]


@pytest.mark.parametrize("score", [True, False, "90", None])
def test_a_score_that_is_not_a_number_is_refused(unchanged_site, score):
    db, _, trainee, clients = unchanged_site
    officer = clients["officer"]
    response = officer.post(f"/api/v1/program/nominees/{trainee}/exams", json={"score": score, "taken_on": TODAY.isoformat()}, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 422 and list(fields_of(response)) == ["score"], response.text
    assert exams_of(db, trainee) == []


def test_an_unknown_examination_is_422_naming_the_field(site):
    db, _, trainee, clients = site
    officer = clients["officer"]
    response = officer.post(f"/api/v1/program/nominees/{trainee}/exams", json={"score": 90, "taken_on": TODAY.isoformat(), "exam": "Origami"}, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 422 and list(fields_of(response)) == ["exam"], response.text
    assert exams_of(db, trainee) == []
    response = officer.post(f"/api/v1/program/nominees/{trainee}/exams", json={"score": 90, "taken_on": TODAY.isoformat()}, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 200 and [e["score"] for e in response.json()["exams"]] == [90.0]


def test_a_nomination_carries_its_date_through_the_api_and_the_form(site):
    db, w, _, clients = site
    agency = clients["agency-a"]
    nominated_on = (TODAY - dt.timedelta(days=3)).isoformat()
    body = {"full_name": "Dee Dated", "us_citizen": True, "enforced_jurisdiction_laws": True, "service_periods": [{"start": "2010-01-01"}]}
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={**body, "nominated_on": nominated_on}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 201 and response.json()["nominated_on"] == nominated_on, response.text
    # Another officer: the first is on the MOA, and one officer is not nominated twice.
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={**body, "full_name": "Tod Today"}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 201 and response.json()["nominated_on"] == dt.date.today().isoformat()
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={**body, "nominated_on": tomorrow}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 422 and list(fields_of(response)) == ["nominated_on"]
    page = f"/program/applications/{w.application}"
    form = {"full_name": "Fay Formed", "us_citizen": "yes", "enforced_jurisdiction_laws": "yes", "period_start": "2010-01-01", "nominated_on": nominated_on}
    response = agency.post(f"/program/moas/{w.tfm}/nominees", data={**form, "csrf_token": csrf_of(agency.get(page).text)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    nominee_id = int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])
    with db.session() as session:
        assert nominees.nominee_detail(session, OFFICER, nominee_id)["nominated_on"] == nominated_on


def test_the_agency_cannot_rename_a_vetted_nominee_through_the_api_or_the_form(site):
    """The trainee's background investigation is recorded: a new name from the agency is a 403 on the API, the
    form shows the name read-only with the reason, and the program office may correct it."""
    db, _, trainee, clients = site
    agency, officer = clients["agency-a"], clients["officer"]
    response = agency.patch(f"/api/v1/program/nominees/{trainee}", json={"full_name": "Someone Else"}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 403 and "program office" in response.json()["error"]["message"], response.text
    page = agency.get(f"/program/nominees/{trainee}")
    assert 'name="full_name" type="text" value="Tess Trainee" required' in page.text and "readonly" in page.text.split('name="full_name"', 1)[1].split(">", 1)[0]
    assert "the program office corrects it" in page.text
    assert "readonly" not in officer.get(f"/program/nominees/{trainee}").text.split('name="full_name"', 1)[1].split(">", 1)[0]
    response = officer.patch(f"/api/v1/program/nominees/{trainee}", json={"full_name": "Tess Trainee-Corrected"}, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 200, response.text
    with db.session() as session:
        assert nominees.nominee_detail(session, OFFICER, trainee)["full_name"] == "Tess Trainee-Corrected"


def test_a_name_with_a_bidirectional_override_is_refused_through_the_api_and_the_form(unchanged_site):
    """"a" U+202E "b" was stored and shown (found by review): 422 naming the field, and nothing recorded."""
    db, w, _, clients = unchanged_site
    agency = clients["agency-a"]
    problem = "contains bidirectional control characters (U+202A to U+202E, U+2066 to U+2069), which change the order text is shown in"
    response = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={"full_name": "a\u202eb"}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 422 and fields_of(response) == {"full_name": problem}, response.text
    page = f"/program/applications/{w.application}"
    response = agency.post(f"/program/moas/{w.tfm}/nominees", data={"full_name": "a\u2067b\u2069", "csrf_token": csrf_of(agency.get(page).text)}, follow_redirects=False)
    assert response.status_code == 422 and problem in response.text
    with db.session() as session:
        assert [n["full_name"] for n in nominees.list_nominees(session, OFFICER)] == ["Tess Trainee"]


@pytest.mark.parametrize("score", ["7_0", "1e1", "70 ", "+70", "inf", "nan", "\u0667\u0660", "0x46", "", "100.5"])
def test_a_score_the_form_sends_is_read_strictly(unchanged_site, score):
    """float() read "7_0" as 70 and "1e1" as 10 (a browser's number field sends neither): refused beside the field,
    as any other score that is not a percentage, and nothing recorded."""
    db, _, trainee, clients = unchanged_site
    officer = clients["officer"]
    page = f"/program/nominees/{trainee}"
    form = {"score": score, "taken_on": TODAY.isoformat(), "csrf_token": csrf_of(officer.get(page).text)}
    response = officer.post(f"/program/nominees/{trainee}/exams", data=form, follow_redirects=False)
    assert response.status_code == 422 and "a percentage from 0 to 100" in response.text, (score, response.status_code)
    assert exams_of(db, trainee) == []


@pytest.mark.parametrize("score, recorded", [("70", 70.0), ("70.5", 70.5), ("0.5", 0.5), ("100", 100.0)])
def test_a_score_as_a_number_field_sends_it_is_recorded(site, score, recorded):
    db, _, trainee, clients = site
    officer = clients["officer"]
    form = {"score": score, "taken_on": TODAY.isoformat(), "csrf_token": csrf_of(officer.get(f"/program/nominees/{trainee}").text)}
    assert officer.post(f"/program/nominees/{trainee}/exams", data=form, follow_redirects=False).status_code == 303
    assert [e["score"] for e in exams_of(db, trainee)] == [recorded]


def test_the_program_whole_numbers_are_read_strictly(unchanged_site):
    """`within_days` (training page and API) and `limit` (audit page and API) took "6_0", "60.0" and " 60" for 60."""
    _, _, _, clients = unchanged_site
    officer = clients["officer"]
    for path, name, good in (("/program/training", "within_days", "60"), ("/api/v1/program/due", "within_days", "60"), ("/program/audit", "limit", "10"), ("/api/v1/program/audit", "limit", "10")):
        assert officer.get(path, params={name: good}).status_code == 200, path
        for value in ("6_0", "60.0", " 60", "1e1", "+10"):
            response = officer.get(path, params={name: value})
            assert response.status_code == 422 and name in response.text, (path, value, response.status_code)


def test_number_in():
    from g287.numbers import number_in

    assert [number_in(t, 0, 100) for t in ("70", "70.25", ".5", "0", "100")] == [70.0, 70.25, 0.5, 0.0, 100.0]
    assert [number_in(t, 0, 100) for t in ("7_0", "1e1", " 70", "70.", "-0", "nan", "inf", "\u0667", "", "101", True, None, float("nan"))] == [None] * 13
    assert number_in(90, 0, 100) == 90.0 and number_in(90.5, 0, 100) == 90.5  # a JSON number, a click option
    assert [number_in(t, 0, 10, whole=True) for t in ("7", "10", "07")] == [7, 10, 7]
    assert [number_in(t, 0, 10, whole=True) for t in ("7.0", "1_0", "11", 7.0, True)] == [None] * 5
    # int() refuses more than 4,300 digits, leading zeros included (a ValueError): refused, or read as "05" is
    assert number_in("1" * 5000, 0, float("inf"), whole=True) is None and number_in("0" * 5000 + "5", 0, 10, whole=True) == 5


def _readme_words_on(step: str) -> str:
    """The program API paragraph's words on a nominee's step: from `/{id}/STEP` to the end of the parenthesis after
    it (steps named together share theirs)."""
    from tests.conftest import ROOT

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    start = readme.index(f"`/{{id}}/{step}`")
    depth, at = 0, readme.index(" (", start) + 1
    for at in range(at, len(readme)):
        depth += {"(": 1, ")": -1}.get(readme[at], 0)
        if depth == 0:
            break
    return readme[start : at + 1]


@pytest.mark.parametrize("step", ["background", "enrolment", "exams", "certification", "refresher", "renewal", "revocation"])
def test_the_readme_names_each_steps_fields_and_which_are_required_as_the_api_takes_them(unchanged_site, step):
    """The README said every step was "dated by its optional `on` (`taken_on` for an examination), today when left
    out": the background result's date is `completed_on`, and required. Each field the step's body takes is named
    where the README speaks of the step; those a body without them is refused for are said to be required, the
    others (dates) to be today when left out."""
    db, _, trainee, clients = unchanged_site
    officer = clients["officer"]
    words = _readme_words_on(step)
    body = officer.get("/api/v1/openapi.json").json()
    path = body["paths"][f"/api/v1/program/nominees/{{nominee_id}}/{step}"]["post"]
    reference = path["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    taken = set(body["components"]["schemas"][reference]["properties"])
    assert {name for name in taken if f"`{name}`" not in words} == set(), words
    before = exams_of(db, trainee)
    response = officer.post(f"/api/v1/program/nominees/{trainee}/{step}", json={}, headers={"X-CSRF-Token": token_of(officer)})
    required = set(fields_of(response)) if response.status_code == 422 else set()
    assert exams_of(db, trainee) == before  # refused: the trainee is enrolled, and neither passed nor certified
    assert response.status_code in (409, 422), response.text
    for name in taken:
        said = words[words.index(f"`{name}`") :]
        if name in required:
            assert "required" in said, (name, words)
        elif name.endswith("on"):
            assert "today when left out" in said, (name, words)


def test_a_step_s_date_left_empty_on_the_nominee_page_is_today_as_its_label_says(site):
    """The examination's, refresher's, renewal's and revocation's date fields were labelled "(required)" (and marked
    required to the browser) though the server takes an empty one as today, as the enrolment's and certification's
    fields, labelled "(empty: today)", say. The background result's date is required, and said so."""
    import re

    from g287 import days

    db, _, trainee, clients = site
    officer = clients["officer"]
    page = f"/program/nominees/{trainee}"

    def field(html: str, field_id: str) -> tuple[str, str]:
        """The label and the input of the field of that id (the refresher's date is f-refresher-on: the background
        result's, f-completed_on, has the same name)."""
        found = re.search(r'(<label for="' + field_id + r'">.*?</label>).*?(<input id="' + field_id + r'"[^>]*>)', html, re.S)
        assert found, field_id
        return found.group(1), found.group(2)

    def post(step: str, values: dict) -> None:
        response = officer.post(f"/program/nominees/{trainee}/{step}", data={**values, "csrf_token": csrf_of(officer.get(page).text)}, follow_redirects=False)
        assert response.status_code == 303, response.text

    label, tag = field(officer.get(page).text, "f-taken_on")
    assert "(empty: today)" in label and "(required)" not in label and " required" not in tag
    post("exams", {"score": "90", "taken_on": ""})
    assert [e["taken_on"] for e in exams_of(db, trainee)] == [days.today().isoformat()]
    post("certification", {"certified_on": ""})
    html = officer.get(page).text
    for field_id in ("f-refresher-on", "f-renewed_on", "f-revoked_on"):
        label, tag = field(html, field_id)
        assert "(empty: today)" in label and "(required)" not in label and " required" not in tag, (field_id, label, tag)
    label, tag = field(html, "f-completed_on")  # the background result's date
    assert "(required)" in label and " required" in tag
    post("refresher", {"completed_on": ""})
    with db.session() as session:
        assert nominees.nominee_detail(session, OFFICER, trainee)["certification"]["last_refresher_on"] == days.today().isoformat()
