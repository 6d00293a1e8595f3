"""A change that changes nothing is no change: a form sent again as it is (a letter of interest re-sends the
agency's details; a nominee's or an agency's form saved unchanged; PATCH with nothing in it) succeeds and writes
no audit event whose values before and after are the same, and the page then says that nothing changed. Found by
review: a letter wrote `agency.update` beside `application.submit`, each unchanged form wrote its `*.update`, and
then the page said "The changes are saved." of a form that changed nothing."""

from __future__ import annotations

import datetime as dt
import html
import re
import warnings

import pytest
from sqlalchemy import select

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.program import accounts, agencies, nominees, training
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, sign_in, token_of
from tests.program.world import OFFICER, TODAY, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()
LETTER = {
    "models": ["JEM"],
    "chief_executive_name": "Pat Example",
    "chief_executive_title": "Sheriff",
    "contact_name": "Sam Sample",
    "contact_title": "Captain",
    "contact_email": "sam@agency.example",
    "justification": "The agency asks to take part.",
}


@pytest.fixture
def site(db):
    """The workflow world (agency A's TFM MOA signed, a certified veteran), with an agency user's and a program
    officer's accounts, each signed in."""
    with db.session() as session:
        w = build(session, "certified")
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
    app = create_app(db)
    clients = {}
    for username in ("agency-a", "officer"):
        clients[username] = TestClient(app)
        assert sign_in(clients[username], username).status_code == 303
    return db, w, clients


def actions_since(db, last_id: int) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.id > last_id).order_by(AuditEvent.id)))


def last_event(db) -> int:
    with db.session() as session:
        return session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def form_values(html: str, form_action: str) -> dict[str, list[str]]:
    """The values a browser sends with the form posted to `form_action`, as the page fills it in (text, date and
    hidden inputs, the checked radios and checkboxes, the selected options, the textareas). The posted form: a page may
    also have a form that only reads (the nominee page's day of standing, method="get") with the same action."""
    form = html.split(f'method="post" action="{form_action}"', 1)[1].split("</form>", 1)[0]
    sent: dict[str, list[str]] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        if name and (kind not in ("radio", "checkbox") or " checked" in tag):
            sent.setdefault(name[1], []).append(unescape(value[1]) if value else "")
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        sent.setdefault(name, []).append(unescape(chosen[1]) if chosen else "")
    for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        sent.setdefault(name, []).append(unescape(body))
    return sent


def unescape(text: str) -> str:
    return html.unescape(text)


def test_a_letter_with_the_agency_unchanged_writes_only_its_submission(site):
    db, w, clients = site
    agency = clients["agency-a"]
    page = agency.get(f"/program/applications/new?agency_id={w.agency_a}").text
    sent = form_values(page, "/program/applications")
    assert sent["agency_name"] == ["Testville County Sheriff's Office"] and sent["address"] == ["1 Test Road\nTestville, FL 32000"]  # the form re-sends them
    before = last_event(db)
    response = agency.post("/program/applications", data={**sent, **LETTER}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert actions_since(db, before) == ["application.submit"]


def test_a_letter_that_changes_the_address_writes_the_change_then_the_submission(site):
    db, w, clients = site
    agency = clients["agency-a"]
    sent = form_values(agency.get(f"/program/applications/new?agency_id={w.agency_a}").text, "/program/applications")
    before = last_event(db)
    response = agency.post("/program/applications", data={**sent, **LETTER, "address": "2 Other Road"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert actions_since(db, before) == ["agency.update", "application.submit"]


def test_a_nominee_form_saved_unchanged_writes_nothing(site):
    db, w, clients = site
    agency = clients["agency-a"]
    nominee = w.nominees["novice"]
    sent = form_values(agency.get(f"/program/nominees/{nominee}").text, f"/program/nominees/{nominee}")
    assert sent["full_name"] == ["Nova Novice"] and sent["us_citizen"] == ["yes"] and sent["period_start"][0]  # the form is filled in
    before = last_event(db)
    response = agency.post(f"/program/nominees/{nominee}", data=sent, follow_redirects=False)
    assert response.status_code == 303 and "done=unchanged" in response.headers["location"], response.text
    assert actions_since(db, before) == []
    shown = agency.get(response.headers["location"]).text
    assert "Nothing changed" in shown and "The changes are saved." not in shown  # the page says what happened
    changed = agency.post(f"/program/nominees/{nominee}", data={**sent, "us_citizen": "no", "csrf_token": sent["csrf_token"]}, follow_redirects=False)
    assert changed.status_code == 303 and actions_since(db, before) == ["nominee.update"]
    assert "done=updated" in changed.headers["location"] and "The changes are saved." in agency.get(changed.headers["location"]).text


def test_an_agency_form_saved_unchanged_writes_nothing(site):
    db, w, clients = site
    officer = clients["officer"]
    sent = form_values(officer.get(f"/program/agencies/{w.agency_a}").text, f"/program/agencies/{w.agency_a}")
    assert sent["name"] == ["Testville County Sheriff's Office"]
    before = last_event(db)
    response = officer.post(f"/program/agencies/{w.agency_a}", data=sent, follow_redirects=False)
    assert response.status_code == 303 and "done=unchanged" in response.headers["location"], response.text
    assert actions_since(db, before) == []
    shown = officer.get(response.headers["location"]).text
    assert "Nothing changed" in shown and "The agency is saved." not in shown
    response = officer.put(f"/api/v1/program/agencies/{w.agency_a}", json={"name": "Testville County Sheriff's Office", "state": "FL", "agency_type": "county", "county": "Testville County", "address": "1 Test Road\nTestville, FL 32000"}, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 200 and actions_since(db, before) == []
    response = officer.put(f"/api/v1/program/agencies/{w.agency_a}", json={"name": "Testville County Sheriff's Office", "state": "FL", "agency_type": "county", "county": "Testville County", "address": "3 New Road"}, headers={"X-CSRF-Token": token_of(officer)})
    assert response.status_code == 200 and actions_since(db, before) == ["agency.update"]


def test_a_patch_that_changes_nothing_writes_nothing(site):
    db, w, clients = site
    agency = clients["agency-a"]
    nominee = w.nominees["novice"]
    before = last_event(db)
    for body in ({}, {"full_name": "Nova Novice", "us_citizen": True}):
        response = agency.patch(f"/api/v1/program/nominees/{nominee}", json=body, headers={"X-CSRF-Token": token_of(agency)})
        assert response.status_code == 200 and response.json()["full_name"] == "Nova Novice", response.text
    assert actions_since(db, before) == []
    response = agency.patch(f"/api/v1/program/nominees/{nominee}", json={"enforced_jurisdiction_laws": False}, headers={"X-CSRF-Token": token_of(agency)})
    assert response.status_code == 200 and actions_since(db, before) == ["nominee.update"]


def test_steps_recorded_again_as_they_are_write_nothing(site):
    """A link, a background result, a refresher or a renewal recorded again with the values already recorded."""
    db, w, _ = site
    veteran = w.nominees["veteran"]
    with db.session() as session:
        agencies.link_agency(session, OFFICER, w.agency_b, None)  # never linked: unlinking it changes nothing
        nominee = nominees.get_nominee(session, OFFICER, veteran)
        nominees.record_background(session, OFFICER, veteran, result=nominee.background_result, completed_on=nominee.background_completed_on, today=TODAY)
        day = TODAY - dt.timedelta(days=2)
        training.record_refresher(session, OFFICER, veteran, completed_on=day, today=TODAY)
        training.renew_certification(session, OFFICER, veteran, renewed_on=day, today=TODAY)
    before = last_event(db)
    with db.session() as session:
        agencies.link_agency(session, OFFICER, w.agency_b, None)
        nominees.record_background(session, OFFICER, veteran, result="passed", completed_on=TODAY - dt.timedelta(days=25), today=TODAY)
        training.record_refresher(session, OFFICER, veteran, completed_on=day, today=TODAY)
        training.renew_certification(session, OFFICER, veteran, renewed_on=day, today=TODAY)
    assert actions_since(db, before) == []
    with db.session() as session:
        training.record_refresher(session, OFFICER, veteran, completed_on=day + dt.timedelta(days=1), today=TODAY)
    assert actions_since(db, before) == ["training.record_refresher"]


def test_the_training_page_marks_dates_that_follow_an_assumed_period(site, monkeypatch):
    """JEM's and WSO's certification and refresher periods, and TFM's refresher, are this registry's working
    assumptions (courses.toml, unconfirmed): the dates drawn from them were shown as if a source set them. The TFM
    MOAs say only that about a year after certification ICE *may* provide updated training: a date it falls "due" on
    is the registry's (it was shown as the MOA's, found by a reviewer acting as an agency)."""
    from g287.web.program import office

    assert office._assumed_periods() == {
        "JEM": {"expires": True, "refresher": True}, "TFM": {"expires": False, "refresher": True}, "WSO": {"expires": True, "refresher": True},
    }
    _db, _w, clients = site

    def authorized_table(page: str) -> str:
        # The authorized officers' table only: what is due, whose items depend on today's date, marks its own
        # (test_what_is_due_marks_the_dates_that_follow_an_assumed_period_on_every_page).
        return page[page.index('id="authorized-title"'):page.index('id="due-title"')]

    page = clients["officer"].get("/program/training").text
    # A TFM officer: the expiry is the MOA's two years, the refresher the registry's assumption.
    assert "Vera Veteran" in page and authorized_table(page).count(" (assumed)</td>") == 1 and "A date marked (assumed) follows" in page
    monkeypatch.setattr(office, "_assumed_periods", lambda: {m: {"expires": m == "TFM", "refresher": False} for m in ("JEM", "TFM", "WSO")})
    page = clients["officer"].get("/program/training").text
    assert authorized_table(page).count(" (assumed)</td>") == 1 and "A date marked (assumed) follows this registry's working assumption" in page


def test_what_is_due_marks_the_dates_that_follow_an_assumed_period_on_every_page(site, monkeypatch):
    """The authorized officers' table marked a date following an unconfirmed period "(assumed)", and the table of
    what is due (the training page's and the dashboard's) showed the same dates unmarked. The veteran is a TFM
    officer certified on 26 June 2025: the refresher of 26 June 2026 is the registry's assumption, the expiry of 26
    June 2027 the MOA's two years."""
    from g287 import days
    from g287.web.program import office

    _db, _w, clients = site
    officer = clients["officer"]
    due_part = lambda url: officer.get(url).text.split('id="due-title"', 1)[1]  # noqa: E731
    due = due_part("/program/training?as_of=2026-06-01&within_days=60")
    assert "<td>2026-06-26 (assumed)</td><td>refresher training due</td>" in due and "A date marked (assumed) follows" in due
    due = due_part("/program/training?as_of=2027-06-01&within_days=60")
    assert "2026-06-26 (assumed) <strong>(overdue)</strong></td><td>refresher training due" in due
    assert "<td>2027-06-26</td><td>the certification expires" in due  # the MOA's period: no mark
    monkeypatch.setattr(office, "_assumed_periods", lambda: {m: {"expires": True, "refresher": False} for m in ("JEM", "TFM", "WSO")})
    due = due_part("/program/training?as_of=2027-06-01&within_days=60")
    assert "<td>2027-06-26 (assumed)</td><td>the certification expires" in due and "<td>2026-06-26 <strong>(overdue)</strong></td><td>refresher training due" in due
    due = due_part("/program/training?as_of=2027-07-01&within_days=60")
    assert "<td>2027-06-26 (assumed) <strong>(overdue)</strong></td><td>the certification expired" in due
    monkeypatch.undo()
    monkeypatch.setattr(days, "today", lambda: dt.date(2026, 6, 1))
    for client in clients.values():  # the dashboard, the program office's and the agency's
        due = client.get("/program").text.split('id="due-title"', 1)[1]
        assert "<td>2026-06-26 (assumed)</td><td>refresher training due</td>" in due and "A date marked (assumed) follows" in due


def test_the_nominee_page_says_when_its_dates_follow_an_assumed_period(site, monkeypatch):
    import dataclasses

    from g287.program import courses

    db, w, clients = site
    with db.session() as session:
        veteran = next(n for n in nominees.list_nominees(session, ADMIN) if n["full_name"] == "Vera Veteran")
    page = clients["officer"].get(f"/program/nominees/{veteran['id']}").text
    assert "Expires on" in page and not re.search(r"Expires on</dt><dd>[^<]*\(assumed", page)  # the TFM MOA's own period
    assert re.search(r"Refresher due</dt><dd>[^<]*\(assumed: About one year after certification, ICE may provide", page)
    real = courses.course_catalog()
    tfm = real.for_model("TFM")
    assumed = dataclasses.replace(tfm, certification=dataclasses.replace(tfm.certification, confirmed=False, text="A working assumption."))
    monkeypatch.setattr("g287.web.program.nominees.course_catalog", lambda: dataclasses.replace(real, courses={**real.courses, tfm.code: assumed}))
    page = clients["officer"].get(f"/program/nominees/{veteran['id']}").text
    assert "(assumed: A working assumption.)</dd>" in page


def test_the_last_renewal_is_shown_on_the_nominee_page_and_in_the_api(site):
    """A renewal moved the expiry, but neither the page nor the API said when it was renewed: the current period
    seemed to run from the certification."""
    db, w, clients = site
    veteran = w.nominees["veteran"]
    page = clients["officer"].get(f"/program/nominees/{veteran}").text
    assert "Last renewed on" not in page
    day = TODAY - dt.timedelta(days=2)
    with db.session(writing=True) as session:
        training.renew_certification(session, OFFICER, veteran, renewed_on=day, today=TODAY)
    page = clients["officer"].get(f"/program/nominees/{veteran}").text
    assert re.search(rf"<dt>Last renewed on</dt><dd>{day.isoformat()}</dd>", page)
    detail = clients["officer"].get(f"/api/v1/program/nominees/{veteran}").json()
    assert detail["certification"]["renewed_on"] == day.isoformat()


def test_the_training_page_takes_a_model_in_any_case(site):
    """`/program/training?model=jem` was a 422 while the API's authorized list and the public pages took any case."""
    _db, _w, clients = site
    officer = clients["officer"]
    lower, upper = officer.get("/program/training", params={"model": "tfm"}), officer.get("/program/training", params={"model": "TFM"})
    assert lower.status_code == upper.status_code == 200 and "Vera Veteran" in lower.text
    token = re.compile(r"\d+\.[0-9a-f]{16}\.[0-9a-f]{64}")  # each page's own CSRF token
    assert token.sub("", lower.text) == token.sub("", upper.text)
    assert officer.get("/program/training", params={"model": "xyz"}).status_code == 422


def test_the_nominee_page_states_the_examination_rule_of_the_catalog(site, monkeypatch):
    """The page wrote "one remediation attempt; two failed examinations disqualify" as fixed text, whatever
    courses.toml says."""
    import dataclasses

    from g287.program import courses

    db, w, clients = site
    url = f"/program/nominees/{w.nominees['veteran']}"
    assert "Pass mark 70% on each examination; 1 remediation attempt; 2 failed examinations disqualify." in clients["officer"].get(url).text
    real = courses.course_catalog()
    other = dataclasses.replace(real, policy=dataclasses.replace(real.policy, remedial_attempts=2, failures_disqualify=1))
    monkeypatch.setattr("g287.web.program.nominees.course_catalog", lambda: other)
    assert "2 remediation attempts; 1 failed examination disqualifies." in clients["officer"].get(url).text


def test_the_nominee_page_says_the_examination_rule_is_assumed(site, monkeypatch):
    """The page stated "Pass mark 70% on each examination; 1 remediation attempt; 2 failed examinations disqualify"
    as fact for every model's nominee, though courses.toml marks that rule unconfirmed (the JEM MOA's rule, which the
    registry applies to the TFM and WSO nominees too); it now says it is assumed, why, and its source."""
    import dataclasses
    import html as markup

    from g287.program import courses

    _db, w, clients = site
    page = markup.unescape(clients["officer"].get(f"/program/nominees/{w.nominees['veteran']}").text)  # a TFM nominee
    policy = courses.course_catalog().policy
    assert f"2 failed examinations disqualify. (assumed: {policy.statement.text} Source: {policy.statement.sources[0].title}.)</p>" in page
    real = courses.course_catalog()
    confirmed = dataclasses.replace(real, policy=dataclasses.replace(policy, statement=dataclasses.replace(policy.statement, confirmed=True)))
    monkeypatch.setattr("g287.web.program.nominees.course_catalog", lambda: confirmed)
    page = clients["officer"].get(f"/program/nominees/{w.nominees['veteran']}").text
    assert "2 failed examinations disqualify.</p>" in page


def test_a_form_field_that_is_not_utf8_is_refused_and_changes_nothing(site):
    """`full_name=%ff%fe` was decoded with errors="replace" and saved as the nominee's name "\ufffd\ufffd" (303
    "updated", in the audit log and on the training page); no page of the site sends such a form."""
    from urllib.parse import urlencode

    db, w, clients = site
    agency = clients["agency-a"]
    nominee = w.nominees["novice"]
    sent = form_values(agency.get(f"/program/nominees/{nominee}").text, f"/program/nominees/{nominee}")
    before = last_event(db)
    body = urlencode({k: v for k, v in sent.items() if k != "full_name"}, doseq=True) + "&full_name=%ff%fe"
    response = agency.post(f"/program/nominees/{nominee}", content=body, headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)
    assert response.status_code == 422, response.text
    assert "not text as the site's forms send it (UTF-8, percent-encoded); nothing was changed" in html.unescape(response.text)
    # Nor UTF-8 sent unescaped (curl -d 'full_name=José'), which Starlette reads as Latin-1: "JosÃ©".
    body = urlencode({k: v for k, v in sent.items() if k != "full_name"}, doseq=True).encode() + "&full_name=José".encode()
    response = agency.post(f"/program/nominees/{nominee}", content=body, headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)
    assert response.status_code == 422 and "not text as the site's forms send it" in html.unescape(response.text)
    assert actions_since(db, before) == []
    with db.session() as session:
        assert nominees.nominee_detail(session, OFFICER, nominee)["full_name"] == "Nova Novice"
