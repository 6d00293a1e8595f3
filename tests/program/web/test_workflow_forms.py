"""The workflow through the site's forms and its JSON API (in process, on SQLite and PostgreSQL): sign-in,
CSRF, throttling, each service error's status with its reasons on the page, uploads, and the same services
behind forms and API."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile

import pytest

from sqlalchemy import func, select

from g287.access import Actor
from g287.db.models.program import Application
from g287.program import accounts, agencies
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, sign_in, token_of
from tests.program.world import SIGNED_PDF

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()
TODAY = dt.date.today()


@pytest.fixture
def site(db):
    """An empty registry with agency A and B, an agency user for each, a program officer and an administrator."""
    with db.session() as session:
        a = agencies.create_agency(session, ADMIN, "Formtown Sheriff's Office", "FL", "county", county="Form County")
        b = agencies.create_agency(session, ADMIN, "Elsewhere Police Department", "TX", "municipality")
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=a.id, password=PASSWORD)
        accounts.add_user(session, ADMIN, "agency-b", "agency_user", agency_id=b.id, password=PASSWORD)
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
        accounts.add_user(session, ADMIN, "admin", "administrator", password=PASSWORD)
    app = create_app(db)
    app.agency_a = a.id
    return app


def client(app, username: str | None = None, **options) -> TestClient:
    made = TestClient(app, **options)
    if username:
        assert sign_in(made, username).status_code == 303
    return made


def post_form(c: TestClient, page: str, action: str, data: dict, files=None):
    """Open the page (for its CSRF token), then send the form, as a browser does."""
    token = csrf_of(c.get(page).text)
    return c.post(action, data={**data, "csrf_token": token}, files=files, follow_redirects=False)


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return "".join(package.read(name).decode() for name in package.namelist() if name.startswith("word/") and name.endswith(".xml"))


LETTER = {
    "models": ["TFM", "WSO"],
    "chief_executive_name": "Pat Example",
    "chief_executive_title": "Sheriff",
    "contact_name": "Sam Sample",
    "contact_title": "Captain",
    "contact_email": "sam@formtown.example",
    "justification": "The agency asks to take part.",
}


def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session(site):
    c = TestClient(site, base_url="https://testserver")
    response = sign_in(c, "agency-a")
    assert response.status_code == 303 and response.headers["location"] == "/program?done=signed-in"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("g287_session="))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert response.headers["cache-control"] == "private, no-store"
    dashboard = c.get("/program")
    assert dashboard.status_code == 200 and "Formtown Sheriff&#39;s Office" in dashboard.text and "Signed in as" in dashboard.text
    out = c.post("/program/logout", data={"csrf_token": csrf_of(dashboard.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"].startswith("/program/login")
    assert c.get("/program", follow_redirects=False).headers["location"] == "/program/login"
    plain = TestClient(site)  # over http the cookie is not Secure (a development server)
    cookie = next(v for k, v in sign_in(plain, "agency-a").headers.multi_items() if k == "set-cookie" and v.startswith("g287_session="))
    assert "Secure" not in cookie


def test_every_form_needs_its_csrf_token(site):
    c = client(site, "agency-a")
    refused = c.post("/program/applications", data={**LETTER, "agency_id": str(site.agency_a)}, follow_redirects=False)
    assert refused.status_code == 403 and "security token" in refused.text
    forged = c.post("/program/applications", data={**LETTER, "csrf_token": "1.2.3"}, follow_redirects=False)
    assert forged.status_code == 403
    # A token of another session is refused too.
    other = client(site, "agency-b")
    stolen = csrf_of(other.get("/program/password").text)
    assert c.post("/program/applications", data={**LETTER, "csrf_token": stolen}, follow_redirects=False).status_code == 403
    # The login form needs its seed cookie and token.
    anonymous = TestClient(site)
    assert anonymous.post("/program/login", data={"username": "agency-a", "password": PASSWORD}).status_code == 403
    api = client(site, "agency-a")
    assert api.post("/api/v1/program/applications", json={"agency_id": site.agency_a, **LETTER}).status_code == 403
    assert api.get("/program/applications").text.count("Application ") == 0
    # The API checks the token before the body: a change without a valid one is refused as that whatever its body
    # says (a body with fields it does not take was answered 422, field by field, before the token was looked at).
    for token in (None, "1.2.3", stolen):
        headers = {"X-CSRF-Token": token} if token else {}
        refused = api.post("/api/v1/program/applications", json={"surplus": 1}, headers=headers)
        assert refused.status_code == 403 and refused.json()["error"]["fields"] == [], refused.text
        assert api.put(f"/api/v1/program/agencies/{site.agency_a}", content=b"{not json", headers=headers).status_code == 403
    assert api.post("/api/v1/program/applications", json={"surplus": 1}, headers={"X-CSRF-Token": token_of(api)}).status_code == 422


def test_a_change_without_its_token_is_refused_before_its_json_is_parsed(site):
    """A change sent as JSON that does not parse, without a valid CSRF token, is refused as having none (403): FastAPI
    parses a JSON body before any dependency of the route runs, so it was answered 422 "JSON decode error", as if the
    token had been accepted and only the body were wrong."""
    api = client(site, "agency-a")
    stolen = token_of(client(site, "agency-b"))
    sent = {"content": b"{not json", "headers": {"content-type": "application/json"}}
    for token in (None, "1.2.3", stolen):
        headers = {**sent["headers"], **({"X-CSRF-Token": token} if token else {})}
        for method, path in (("PUT", f"/api/v1/program/agencies/{site.agency_a}"), ("POST", "/api/v1/program/applications"), ("PATCH", "/api/v1/program/nominees/1"), ("POST", "/api/v1/program/session")):
            refused = api.request(method, path, content=sent["content"], headers=headers)
            assert refused.status_code == 403 and refused.json()["error"]["fields"] == [], f"{method} {path}: {refused.text}"
    # With its token, the same body is refused as the body it is.
    headers = {**sent["headers"], "X-CSRF-Token": token_of(api)}
    assert api.put(f"/api/v1/program/agencies/{site.agency_a}", content=sent["content"], headers=headers).status_code == 422


def test_wrong_password_is_401_and_a_lockout_is_429_with_retry_after(site, monkeypatch):
    monkeypatch.setenv("G287_LOGIN_MAX_FAILURES", "3")
    c = TestClient(site)
    for _ in range(3):
        response = sign_in(c, "officer", "wrong password!")
        assert response.status_code == 401 and "wrong user name or password" in response.text
    locked = sign_in(c, "officer", PASSWORD)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0 and "too many failed logins" in locked.text
    api = TestClient(site)
    token = token_of(api)
    response = api.post("/api/v1/program/session", json={"username": "officer", "password": PASSWORD}, headers={"X-CSRF-Token": token})
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert response.json()["error"]["status"] == 429


def test_guesses_at_the_current_password_lock_the_form_and_the_api(site, monkeypatch):
    monkeypatch.setenv("G287_LOGIN_MAX_FAILURES", "3")
    form, api = client(site, "officer"), client(site, "officer")  # signed in first: a success restarts the count
    for _ in range(2):
        wrong = post_form(form, "/program/password", "/program/password", {"current_password": "a guess", "new_password": "x" * 12, "repeat_password": "x" * 12})
        assert wrong.status_code == 422 and "wrong password" in wrong.text
    token = api.get("/api/v1/program/session").json()["csrf_token"]
    guess = {"current_password": "a guess", "new_password": "x" * 12}
    assert api.post("/api/v1/program/password", json=guess, headers={"X-CSRF-Token": token}).status_code == 422  # the third
    locked = api.post("/api/v1/program/password", json=dict(guess, current_password=PASSWORD), headers={"X-CSRF-Token": token})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0 and "too many failed password checks" in locked.json()["error"]["message"]
    page = post_form(form, "/program/password", "/program/password", {"current_password": PASSWORD, "new_password": "x" * 12, "repeat_password": "x" * 12})
    assert page.status_code == 429 and int(page.headers["retry-after"]) > 0 and "too many failed password checks" in page.text


def test_the_workflow_through_the_forms(site):
    agency = client(site, "agency-a")
    invalid = post_form(agency, "/program/applications/new", "/program/applications", {**LETTER, "contact_email": "not an address", "models": []})
    assert invalid.status_code == 422
    assert "not an e-mail address" in invalid.text and "choose at least one model" in invalid.text and 'aria-invalid="true"' in invalid.text
    assert 'value="Sam Sample"' in invalid.text  # the values sent are kept
    submitted = post_form(agency, "/program/applications/new", "/program/applications", LETTER)
    assert submitted.status_code == 303
    page_url = submitted.headers["location"].split("?")[0]
    application = int(page_url.rsplit("/", 1)[1])
    assert agency.get(f"/program/applications/{application}/letter.pdf").content.startswith(b"%PDF-")
    detail = agency.get(page_url).text
    tfm, wso = (int(x) for x in re.findall(r'id="moa-(\d+)"', detail))
    assert "Record the signed MOA" not in detail  # an agency user does not record MOAs

    officer = client(site, "officer")
    signatories = {"signatory_party": ["agency", "ICE", ""], "signatory_name": ["Pat Example", "Lee Official", ""], "signatory_title": ["Sheriff", "Field Office Director", ""]}
    section = officer.get(page_url).text.split(f'id="moa-{tfm}"', 1)[1].split(f'id="moa-{wso}"', 1)[0]
    assert f'action="/program/moas/{tfm}/signed"' not in section and "Draft the MOA from the model's template before recording it as signed." in section
    undrafted = post_form(officer, page_url, f"/program/moas/{tfm}/signed", {"signed_on": TODAY.isoformat(), **signatories}, files={"pdf": ("moa.pdf", SIGNED_PDF.read_bytes(), "application/pdf")})
    assert undrafted.status_code == 409 and f"MOA {tfm} has not been drafted" in undrafted.text
    assert post_form(officer, page_url, f"/program/moas/{tfm}/draft", {}).status_code == 303
    assert f'action="/program/moas/{tfm}/signed"' in officer.get(page_url).text
    draft = officer.get(f"/program/moas/{tfm}/draft.docx")
    assert draft.status_code == 200 and "DRAFT FOR DISCUSSION" in docx_text(draft.content)
    not_pdf = post_form(officer, page_url, f"/program/moas/{tfm}/signed", {"signed_on": TODAY.isoformat(), **signatories}, files={"pdf": ("moa.pdf", b"hello", "application/pdf")})
    assert not_pdf.status_code == 422 and f'<span class="field-error" id="f-{tfm}-pdf-error">the file is not a PDF</span>' in not_pdf.text  # beside its field
    one_party = post_form(officer, page_url, f"/program/moas/{tfm}/signed", {"signed_on": TODAY.isoformat(), "signatory_party": ["agency"], "signatory_name": ["Pat"], "signatory_title": ["Sheriff"]}, files={"pdf": ("moa.pdf", SIGNED_PDF.read_bytes(), "application/pdf")})
    assert one_party.status_code == 422 and "one for ICE" in one_party.text
    recorded = post_form(officer, page_url, f"/program/moas/{tfm}/signed", {"signed_on": TODAY.isoformat(), **signatories}, files={"pdf": ("moa.pdf", SIGNED_PDF.read_bytes(), "application/pdf")})
    assert recorded.status_code == 303
    again = post_form(officer, page_url, f"/program/moas/{tfm}/draft", {})
    assert again.status_code == 409 and "only a requested or drafted MOA can be drafted" in again.text

    one_year = (TODAY - dt.timedelta(days=370)).isoformat()
    nominated = post_form(agency, page_url, f"/program/moas/{tfm}/nominees", {"full_name": "Nova Novice", "us_citizen": "yes", "enforced_jurisdiction_laws": "yes", "period_start": [one_year, ""], "period_end": ["", ""]})
    assert nominated.status_code == 303
    novice = nominated.headers["location"].split("?")[0]
    shown = agency.get(novice).text
    assert "not eligible" in shown and "two years" in shown
    officer_page = officer.get(novice).text
    enrol = officer.post(f"{novice}/enrolment", data={"csrf_token": csrf_of(officer_page)}, follow_redirects=False)
    assert enrol.status_code == 409 and "This step is refused" in enrol.text and "the Task Force Model requires at least 2 years" in enrol.text
    assert re.search(r'<ul class="reasons">\s*<li>', enrol.text)

    veteran = post_form(agency, page_url, f"/program/moas/{tfm}/nominees", {"full_name": "Vera Veteran", "us_citizen": "yes", "enforced_jurisdiction_laws": "yes", "period_start": ["2010-01-04"], "period_end": [""]}).headers["location"].split("?")[0]
    day = TODAY.isoformat()
    assert post_form(officer, veteran, f"{veteran}/background", {"result": "passed", "completed_on": day}).status_code == 303
    assert post_form(officer, veteran, f"{veteran}/enrolment", {}).status_code == 303
    bad_score = post_form(officer, veteran, f"{veteran}/exams", {"score": "140", "taken_on": day})
    assert bad_score.status_code == 422 and "a percentage from 0 to 100" in bad_score.text
    assert post_form(officer, veteran, f"{veteran}/exams", {"score": "62", "taken_on": day}).status_code == 303
    assert "remediation due" in officer.get(veteran).text
    assert post_form(officer, veteran, f"{veteran}/exams", {"score": "84", "taken_on": day}).status_code == 303
    assert post_form(officer, veteran, f"{veteran}/certification", {}).status_code == 303
    page = agency.get(veteran).text
    assert "Authorized" in page and "62%" in page and "84%" in page
    assert "Vera Veteran" in officer.get("/program/training").text
    assert "Vera Veteran" not in client(site, "agency-b").get("/program/training").text

    public = TestClient(site)
    registry = public.get("/program/registry")
    assert registry.status_code == 200 and "no-store" not in registry.headers.get("cache-control", "")
    assert re.search(r'id="records-participating"><strong>1</strong>', registry.text)
    assert "Vera Veteran" not in registry.text and "Sam Sample" not in registry.text
    admin = client(site, "admin")
    published = post_form(admin, "/program", "/program/publish", {})
    assert published.status_code == 200 and "published" in published.text
    registry = public.get("/program/registry")
    assert re.search(r'id="published-participating"><strong>1</strong> MOA<', registry.text) and "Per this registry's participating list of" in registry.text
    figures = public.get("/api/v1/program/public/figures").json()
    assert figures["published"]["participating"]["moas"] == 1 and figures["published"]["participating"]["source"] == "this registry"
    assert public.get("/api/v1/stats").json()["participating"] is None  # ICE's figures never include the registry's lists


def test_the_api_uses_the_same_services(site):
    c = TestClient(site)
    session = c.get("/api/v1/program/session").json()
    assert session["signed_in"] is False and session["role"] == "public"
    signed = c.post("/api/v1/program/session", json={"username": "agency-a", "password": PASSWORD}, headers={"X-CSRF-Token": session["csrf_token"]})
    assert signed.status_code == 200 and signed.json()["role"] == "agency_user"
    token = signed.json()["csrf_token"]
    invalid = c.post("/api/v1/program/applications", json={"agency_id": site.agency_a, **LETTER, "contact_email": "nope"}, headers={"X-CSRF-Token": token})
    assert invalid.status_code == 422 and invalid.json()["error"]["fields"] == [{"field": "contact_email", "message": "not an e-mail address"}]
    created = c.post("/api/v1/program/applications", json={"agency_id": site.agency_a, **LETTER}, headers={"X-CSRF-Token": token})
    assert created.status_code == 201 and created.headers["cache-control"] == "private, no-store"
    moa = created.json()["moas"][0]["id"]
    assert c.post(f"/api/v1/program/moas/{moa}/draft", headers={"X-CSRF-Token": token}).status_code == 403  # agency users do not draft
    other = TestClient(site)
    assert other.get(f"/api/v1/program/applications/{created.json()['id']}").status_code == 403
    assert other.get("/api/v1/program/public/pending").json()[0]["agency"]["name"] == "Formtown Sheriff's Office"
    assert "contact" not in other.get("/api/v1/program/public/pending").text
    officer = TestClient(site)
    officer_token = officer.post("/api/v1/program/session", json={"username": "officer", "password": PASSWORD}, headers={"X-CSRF-Token": token_of(officer)}).json()["csrf_token"]
    headers = {"X-CSRF-Token": officer_token}
    assert officer.post(f"/api/v1/program/moas/{moa}/draft", headers=headers).json()["status"] == "draft"
    assert officer.get(f"/api/v1/program/moas/{moa}/draft.pdf").content.startswith(b"%PDF-")
    signatories = '[{"name": "Pat Example", "title": "Sheriff", "party": "agency"}, {"name": "Lee Official", "title": "Director", "party": "ICE"}]'
    no_file = officer.post(f"/api/v1/program/moas/{moa}/signed", data={"signed_on": TODAY.isoformat(), "signatories": signatories}, headers=headers)
    # The field named: the upload had no pdf (it said "the uploaded file is empty", naming none).
    assert no_file.status_code == 422 and no_file.json()["error"]["message"] == "pdf: required: the signed MOA as a PDF file"
    assert no_file.json()["error"]["fields"] == [{"field": "pdf", "message": "required: the signed MOA as a PDF file"}]
    empty = officer.post(f"/api/v1/program/moas/{moa}/signed", data={"signed_on": TODAY.isoformat(), "signatories": signatories}, files={"pdf": ("moa.pdf", b"", "application/pdf")}, headers=headers)
    assert empty.status_code == 422 and empty.json()["error"]["fields"] == [{"field": "pdf", "message": "the file is empty"}]
    signed = officer.post(f"/api/v1/program/moas/{moa}/signed", data={"signed_on": TODAY.isoformat(), "signatories": signatories}, files={"pdf": ("moa.pdf", SIGNED_PDF.read_bytes(), "application/pdf")}, headers=headers)
    assert signed.status_code == 200 and signed.json()["status"] == "signed" and signed.json()["registry_agreement_id"]
    assert TestClient(site).get(f"/api/v1/program/public/moas/{moa}/signed.pdf").content == SIGNED_PDF.read_bytes()
    one_year = {"start": (TODAY - dt.timedelta(days=370)).isoformat()}
    nominee = c.post(f"/api/v1/program/moas/{moa}/nominees", json={"full_name": "Nova Novice", "us_citizen": True, "enforced_jurisdiction_laws": True, "service_periods": [one_year]}, headers={"X-CSRF-Token": token})
    assert nominee.status_code == 201 and nominee.json()["eligibility"]["eligible"] is False
    officer.post(f"/api/v1/program/nominees/{nominee.json()['id']}/background", json={"result": "passed", "completed_on": TODAY.isoformat()}, headers=headers)
    refused = officer.post(f"/api/v1/program/nominees/{nominee.json()['id']}/enrolment", json={}, headers=headers)
    assert refused.status_code == 409 and len(refused.json()["error"]["reasons"]) == 1 and "requires at least 2 years" in refused.json()["error"]["reasons"][0]
    document = c.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert "/api/v1/program/applications" in paths and "/api/v1/program/nominees/{nominee_id}/exams" in paths and "/api/v1/program/public/figures" in paths
    assert "/program/login" not in paths  # the forms are pages, not API operations
    assert "LetterIn" in document["components"]["schemas"] and "NomineeDetail" in document["components"]["schemas"]
    out = c.delete("/api/v1/program/session", headers={"X-CSRF-Token": token})
    assert out.status_code == 200 and out.json()["signed_in"] is False
    assert c.get("/api/v1/program/applications").json() == []  # the public reads no application
    again = c.post("/api/v1/program/session", json={"username": "agency-a", "password": PASSWORD}, headers={"X-CSRF-Token": out.json()["csrf_token"]})
    assert again.status_code == 200 and len(c.get("/api/v1/program/applications").json()) == 1


def test_an_oversized_upload_is_refused_before_it_is_read(site, monkeypatch):
    monkeypatch.setenv("G287_MAX_UPLOAD_MB", "0.01")
    officer = client(site, "officer")
    agency = client(site, "agency-a")
    location = post_form(agency, "/program/applications/new", "/program/applications", {**LETTER, "models": ["JEM"]}).headers["location"].split("?")[0]
    moa = int(re.search(r'id="moa-(\d+)"', officer.get(location).text).group(1))
    big = b"%PDF-1.4\n" + b"0" * (2 << 20)
    response = post_form(officer, location, f"/program/moas/{moa}/signed", {"signed_on": TODAY.isoformat()}, files={"pdf": ("moa.pdf", big, "application/pdf")})
    assert response.status_code == 422 and "larger than the limit" in response.text


def test_odd_record_ids_in_forms_are_named_not_crashed(site):
    agency = client(site, "agency-a")
    for odd in ("²", "99999999999999999999", "0", "-3"):
        letter = post_form(agency, "/program/applications/new", "/program/applications", {**LETTER, "agency_id": odd})
        assert letter.status_code == 422 and "choose the agency" in letter.text, odd
    admin = client(site, "admin")
    for odd in ("²", "99999999999999999999"):
        user = post_form(admin, "/program/users", "/program/users", {"username": "someone", "role": "agency_user", "agency_id": odd, "password": "a long enough password"})
        assert user.status_code == 422 and "a record&#39;s number" in user.text, odd
        # The form comes back with what was typed, except the password.
        assert 'value="someone"' in user.text and "a long enough password" not in user.text
    with site.state.site.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_an_upload_of_undeclared_length_is_refused(site):
    officer = client(site, "officer")
    agency = client(site, "agency-a")
    location = post_form(agency, "/program/applications/new", "/program/applications", {**LETTER, "models": ["JEM"]}).headers["location"].split("?")[0]
    moa = int(re.search(r'id="moa-(\d+)"', officer.get(location).text).group(1))
    token = csrf_of(officer.get(location).text)
    boundary = "g287boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="pdf"; filename="moa.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n\r\n'
        f"--{boundary}--\r\n"
    ).encode()

    def chunked():  # a generator body is sent chunked, without Content-Length
        yield body

    response = officer.post(f"/program/moas/{moa}/signed", content=chunked(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, follow_redirects=False)
    assert response.status_code == 422 and "declare its length" in response.text


def test_a_refused_form_is_filled_again_without_its_token_passwords_or_uploads():
    from starlette.datastructures import UploadFile

    from g287.web.program.core import shown_again

    sent = {"csrf_token": "1.2.3", "password": "secret one", "new_password": "secret two", "username": "someone", "models": ["TFM", "WSO"], "pdf": UploadFile(io.BytesIO(b"%PDF"))}
    assert shown_again(sent) == {"username": "someone", "models": ["TFM", "WSO"]}
