"""The program workflow in a real headless Chromium (Debian's, driven by Playwright): the whole journey of
issue 6, an axe-core check of every program page type, pages on a phone, and screenshots of the main steps.

The agency user's browser runs with JavaScript disabled: every form works without it. With CI=true these tests
must run; elsewhere they are skipped, with one line, when /usr/bin/chromium, axe-core (node_modules, installed by
scripts/test with npm ci) or the playwright package is missing. Screenshots go to G287_SCREENSHOTS_DIR/program
(the committed ones: G287_SCREENSHOTS_DIR=docs/screenshots), else a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from tests.browser import AXE, launched_chromium, served
from tests.program.world import SIGNED_PDF

PASSWORD = "journey password 287g"
TODAY = dt.date.today().isoformat()


@pytest.fixture(scope="module")
def browser():
    yield from launched_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The site over the bundled ICE publications, with an applicant agency and one account per role."""
    from g287.access import Actor
    from g287.db.engine import Database
    from g287.program import accounts, agencies
    from g287.registry.bundled import ingest_bundled
    from g287.web.app import create_app

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('journey') / 'g287.sqlite'}")
    operator = Actor.command_line()
    ingest_bundled(database, operator)
    with database.session() as session:
        agency = agencies.create_agency(session, operator, "Journeyville County Sheriff's Office", "FL", "county", county="Journeyville County", address="1 Journey Road\nJourneyville, FL 32000")
        accounts.add_user(session, operator, "journey-agency", "agency_user", agency_id=agency.id, display_name="Agency user, Journeyville", password=PASSWORD)
        accounts.add_user(session, operator, "journey-officer", "program_officer", display_name="Program officer", password=PASSWORD)
        accounts.add_user(session, operator, "journey-admin", "administrator", display_name="Administrator", password=PASSWORD)
    with served(create_app(database)) as address:
        yield address
    database.dispose()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    base = os.environ.get("G287_SCREENSHOTS_DIR")
    folder = Path(base) / "program" if base else tmp_path_factory.mktemp("program-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def signed_in(browser, server: str, username: str, *, javascript: bool = True, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, java_script_enabled=javascript, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto(server + "/program")
    assert "/program/login" in page.url  # a visitor is asked to sign in
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/program\?done=signed-in"))
    return context, page


def shot(page, shots: Path, name: str, full_page: bool = True) -> None:
    """A screenshot as JPEG (the committed ones stay small)."""
    page.screenshot(path=str(shots / name), full_page=full_page, type="jpeg", quality=60)


def text_of(page, selector: str) -> str:
    return " ".join(page.locator(selector).first.inner_text().split())


PAGES_SEEN: dict[str, set[str]] = {}  # role -> page paths visited in the journey, checked with axe below


def visit(page, role: str) -> None:
    PAGES_SEEN.setdefault(role, set()).add(page.url)


def test_the_journey(browser, server, shots):
    # The login page, as anyone sees it.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    login = context.new_page()
    login.goto(server + "/program/login")
    login.fill("#f-username", "journey-agency")
    shot(login, shots, "01-sign-in.jpg", full_page=False)
    context.close()

    # 1. The agency user (JavaScript disabled) writes a letter of interest for TFM and WSO.
    agency_context, agency = signed_in(browser, server, "journey-agency", javascript=False)
    assert "Journeyville County Sheriff's Office" in text_of(agency, "main h1")
    agency.get_by_role("link", name="Write a letter of interest").first.click()
    agency.check("input[name=models][value=TFM]")
    agency.check("input[name=models][value=WSO]")
    agency.fill("#f-chief_executive_name", "Pat Example")
    agency.fill("#f-chief_executive_title", "Sheriff")
    agency.fill("#f-contact_name", "Sam Sample")
    agency.fill("#f-contact_title", "Captain")
    agency.fill("#f-contact_email", "sam.sample@journeyville.example")
    agency.fill("#f-justification", "The Sheriff's Office asks to join the Task Force Model and the Warrant Service Officer model.")
    shot(agency, shots, "02-letter-of-interest.jpg")
    agency.get_by_role("button", name="Submit the letter of interest").click()
    agency.wait_for_url(re.compile(r".*/program/applications/\d+\?done=submitted"))
    application_url = agency.url.split("?")[0]
    assert "The letter of interest is submitted" in text_of(agency, ".done")
    moa_ids = [int(x) for x in re.findall(r'id="moa-(\d+)"', agency.content())]
    tfm = moa_ids[0]
    assert "TFM" in text_of(agency, f"#moa-{tfm} h2")
    with agency.expect_download() as letter:
        agency.get_by_role("link", name="PDF").first.click()
    assert Path(letter.value.path()).read_bytes().startswith(b"%PDF-")
    visit(agency, "agency")

    # 2. The program officer drafts the TFM MOA and records it as signed.
    officer_context, officer = signed_in(browser, server, "journey-officer")
    officer.goto(application_url)
    officer.locator(f"#moa-{tfm}").get_by_role("button", name="Draft the MOA").click()
    officer.wait_for_url(re.compile(r".*done=drafted.*"))
    with officer.expect_download() as draft:
        officer.locator(f"#moa-{tfm}").get_by_role("link", name="PDF").click()
    assert Path(draft.value.path()).read_bytes().startswith(b"%PDF-") and "draft" in draft.value.suggested_filename
    assert "DRAFT FOR DISCUSSION" in text_of(officer, f"#moa-{tfm}")
    section = officer.locator(f"#moa-{tfm}")
    section.locator("summary", has_text="Record the signed MOA").click()
    officer.set_input_files(f"#f-{tfm}-pdf", str(SIGNED_PDF))
    officer.fill(f"#f-{tfm}-signed_on", TODAY)
    officer.select_option(f"#f-{tfm}-party-0", "agency")
    officer.fill(f"#f-{tfm}-name-0", "Pat Example")
    officer.fill(f"#f-{tfm}-title-0", "Sheriff")
    officer.select_option(f"#f-{tfm}-party-1", "ICE")
    officer.fill(f"#f-{tfm}-name-1", "Lee Official")
    officer.fill(f"#f-{tfm}-title-1", "Field Office Director")
    shot(officer, shots, "03-record-signed-moa.jpg")
    section.get_by_role("button", name="Record the signed MOA").click()
    officer.wait_for_url(re.compile(r".*done=signed.*"))
    assert "signed" in text_of(officer, f"#moa-{tfm} h2") and "the signed MOA (PDF)" in text_of(officer, f"#moa-{tfm}")
    visit(officer, "officer")

    # 3. A nominee with one year of experience is refused for the Task Force Model, with the reason shown.
    def nominate(name: str, start: str) -> str:
        agency.goto(application_url)
        block = agency.locator(f"#moa-{tfm}")
        block.locator("summary", has_text="Nominate an officer").click()
        agency.fill(f"#f-{tfm}-full_name", name)
        block.locator("input[name=us_citizen][value=yes]").check()
        block.locator("input[name=enforced_jurisdiction_laws][value=yes]").check()
        agency.fill(f"#f-{tfm}-start-0", start)
        block.get_by_role("button", name="Nominate").click()
        agency.wait_for_url(re.compile(r".*/program/nominees/\d+\?done=nominated"))
        return agency.url.split("?")[0]

    one_year = (dt.date.today() - dt.timedelta(days=366)).isoformat()
    novice = nominate("Nova Novice", one_year)
    assert "not eligible" in text_of(agency, "#eligibility h2") and "two years" in text_of(agency, "#eligibility")
    shot(agency, shots, "04-nominee-not-eligible.jpg", full_page=False)
    visit(agency, "agency")
    officer.goto(novice)
    officer.select_option("#f-result", "passed")
    officer.fill("#f-completed_on", TODAY)
    officer.get_by_role("button", name="Record the result").click()
    officer.wait_for_url(re.compile(r".*done=background.*"))
    officer.get_by_role("button", name="Enrol").click()
    problem = text_of(officer, ".problem")
    assert "This step is refused (409)" in problem and "the Task Force Model requires at least 2 years" in problem
    shot(officer, shots, "05-enrolment-refused.jpg", full_page=False)
    visit(officer, "officer")

    # 4. Another nominee qualifies, fails the examination once, passes the remediation and is certified.
    veteran = nominate("Vera Veteran", "2012-03-05")
    assert "background investigation" in text_of(agency, "#eligibility .reasons")  # the one rule still open
    officer.goto(veteran)
    officer.select_option("#f-result", "passed")
    officer.fill("#f-completed_on", TODAY)
    officer.get_by_role("button", name="Record the result").click()
    officer.wait_for_url(re.compile(r".*done=background.*"))
    assert text_of(officer, "#eligibility h2").endswith(": eligible")
    officer.get_by_role("button", name="Enrol").click()
    officer.wait_for_url(re.compile(r".*done=enrolled.*"))
    for score in ("62", "84"):
        officer.fill("#f-score", score)
        officer.fill("#f-taken_on", TODAY)
        officer.get_by_role("button", name="Record the score").click()
        officer.wait_for_url(re.compile(r".*done=exam.*"))
        if score == "62":
            assert "remediation due" in text_of(officer, "#standing")
    officer.get_by_role("button", name="Certify").click()
    officer.wait_for_url(re.compile(r".*done=certified.*"))
    assert text_of(officer, "#standing").startswith("Authorized")
    assert [row.split("\t")[2] for row in officer.locator("#exams tbody tr").all_inner_texts()] == ["62%", "84%"]
    shot(officer, shots, "06-certified.jpg", full_page=False)
    officer.goto(server + "/program/training")
    assert "Vera Veteran" in text_of(officer, "#authorized-title + .table-wrap")
    shot(officer, shots, "07-authorized-and-due.jpg")
    visit(officer, "officer")

    # 5. The administrator publishes the registry's lists; the agreement appears in the registry's own public
    # figures, labelled as this registry's, and ICE's figures on the home page do not change.
    admin_context, admin = signed_in(browser, server, "journey-admin")
    admin.get_by_role("button", name="Publish the lists").click()
    assert "Participating list: published, 1 row " in text_of(admin, "#published-lists")
    public_context = browser.new_context(viewport={"width": 1280, "height": 900})
    public = public_context.new_page()
    public.errors = []
    public.on("pageerror", lambda error: public.errors.append(str(error)))
    public.goto(server + "/program/registry")
    assert text_of(public, "#records-participating").startswith("1 participating")
    published = text_of(public, ".registry-figures .card:nth-child(2)")
    assert published.startswith("From the registry's published lists 1 MOA ") and "Per this registry's participating list of" in published
    assert "Journeyville County Sheriff's Office" in text_of(public, "#participating-title + .table-wrap")
    assert "Vera Veteran" not in public.content() and "Sam Sample" not in public.content()
    shot(public, shots, "08-registry-figures.jpg")
    ice = public.request.get(server + "/api/v1/stats").json()["participating"]
    assert (ice["moas"], ice["agencies"], ice["source"]) == (807, 658, "ICE")  # ICE's figures, as before
    for context, page in ((agency_context, agency), (officer_context, officer), (admin_context, admin), (public_context, public)):
        assert page.errors == []
        context.close()


PROGRAM_PAGES = {
    "journey-agency": ["/program", "/program/applications", "/program/applications/new", "/program/applications/1", "/program/nominees", "/program/nominees/1", "/program/training", "/program/agencies/1", "/program/password"],
    "journey-officer": ["/program", "/program/applications/1", "/program/nominees/1", "/program/nominees/2", "/program/training", "/program/audit?action=training.", "/program/agencies", "/program/nominees/999"],
    "journey-admin": ["/program/users", "/program/applications/new"],
    None: ["/program/login", "/program/registry", "/program/registry/applications/1"],
}


def axe_problems(page, path: str) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # injected by the test (the site's CSP forbids inline scripts)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{path}: {v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_accessibility_of_every_program_page_type(browser, server):
    """Runs after the journey (same server): every page type, with data, signed in as who uses it; also a form
    showing its problems, and an error page."""
    problems = []
    for username, paths in PROGRAM_PAGES.items():
        if username:
            context, page = signed_in(browser, server, username)
        else:
            context = browser.new_context()
            page = context.new_page()
        for path in paths:
            page.goto(server + path)
            problems += axe_problems(page, path)
        if username == "journey-agency":
            page.goto(server + "/program/applications/new")
            # Valid for the browser's own checks, refused by the service: no model chosen, no domain dot.
            for field in ("chief_executive_name", "chief_executive_title", "contact_name", "contact_title", "justification"):
                page.fill(f"#f-{field}", "Text")
            page.fill("#f-contact_email", "sam@localhost")
            page.get_by_role("button", name="Submit the letter of interest").click()
            page.locator(".problem").first.wait_for()  # the answer to the form (count() does not wait: on a busy machine it was 0)
            assert page.locator(".problem").count() == 1 and page.locator("[aria-invalid=true]").count() >= 1
            assert "choose at least one model" in text_of(page, ".problem") and "not an e-mail address" in text_of(page, ".problem")
            problems += axe_problems(page, "the letter form with its problems")
        if username == "journey-admin":
            page.goto(server + "/program")
            page.get_by_role("button", name="Publish the lists").click()
            problems += axe_problems(page, "the lists published")
        if username is None:
            page.goto(server + "/program/login")
            page.fill("#f-username", "journey-agency")
            page.fill("#f-password", "not the password")
            page.get_by_role("button", name="Sign in").click()
            assert "wrong user name or password" in text_of(page, ".problem")
            problems += axe_problems(page, "a refused sign-in")
        context.close()
    assert problems == []


def test_program_pages_on_a_phone(browser, server, shots):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server + "/program/login")
    page.fill("#f-username", "journey-officer")
    page.fill("#f-password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/program\?done=signed-in"))
    for path in ("/program", "/program/applications/1", "/program/nominees/2", "/program/training", "/program/audit", "/program/applications/new", "/program/registry"):
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
    page.goto(server + "/program/nominees/2")
    shot(page, shots, "09-nominee-phone.jpg", full_page=False)
    context.close()
