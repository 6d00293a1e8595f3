"""The site in a real headless Chromium (Debian's, driven by Playwright; no browser is downloaded): the home
page, switching the date and the model, a state, a county and an agency, a search, a CSV download, pages
without JavaScript and on a phone, an axe-core accessibility check of every page type, and screenshots.

With CI=true these tests must run; elsewhere they are skipped, with one line, when /usr/bin/chromium or
axe-core (node_modules, installed by scripts/test with npm ci) is missing. Screenshots go to the folder named
by G287_SCREENSHOTS_DIR (the committed ones: G287_SCREENSHOTS_DIR=docs/screenshots), else a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import AXE


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("G287_SCREENSHOTS_DIR") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def headline(page) -> str:
    return " ".join(page.locator("section.headline").inner_text().split())


def test_visit_the_site(page, server, shots):
    page.goto(server + "/")
    assert "the latest this registry holds: 807 MOAs with 658 agencies (counted by this registry) in 40 states." in headline(page)
    assert "at least 403 of the 3,141 counties" in headline(page)
    assert page.locator("figure.map svg a path[data-fips]").count() == 51  # 50 states and DC, each a link to its page
    page.screenshot(path=str(shots / "home.png"), full_page=True)

    with page.expect_navigation():
        page.select_option("#as_of", "2025-05-29")  # our script submits the form on change
    assert "as_of=2025-05-29" in page.url and "635 MOAs with 516 agencies" in headline(page)
    assert "in ICE's list of 29 May 2025" in page.locator("figure.map svg title").first.text_content()
    with page.expect_navigation():
        page.select_option("#model", "JEM")
    assert "model=JEM" in page.url and "100 JEM MOAs" in headline(page)
    assert "Jail Enforcement Model (JEM) only, in ICE's list of 29 May 2025" in page.locator("figure.map svg title").first.text_content()
    assert page.locator("figure.chart svg.chart-wide g.series").count() == 1  # the chart shows the chosen model
    with page.expect_navigation():
        page.select_option("#level", "county")
    assert "level=county" in page.url and page.locator("figure.map svg path[data-fips]").count() > 3000

    page.goto(server + "/")
    with page.expect_navigation():
        page.locator("figure.map a[aria-label='Florida']").focus()  # the national map's states are links, reached by keyboard too
        page.keyboard.press("Enter")
    assert page.url.endswith("/states/FL") and "Florida" in page.locator("h1").inner_text() and "307 MOAs" in headline(page)
    assert page.locator("figure.map a[href^='/counties/12']").count() == 67
    page.screenshot(path=str(shots / "state.png"), full_page=False)

    with page.expect_navigation():
        page.locator("figure.map a[aria-label='Hillsborough County, FL']").click()  # and the state map's counties, by mouse
    assert page.url.endswith("/counties/12057")
    assert "Hillsborough County" in page.locator("h1").inner_text()

    page.get_by_role("link", name="Hillsborough County Sheriff's Office").first.click()
    page.wait_for_url("**/agencies/*")
    assert page.locator("h1").inner_text() == "Hillsborough County Sheriff's Office"
    assert page.locator("text=Every listing").count() == 1 and page.locator("text=History of each agreement").count() == 1
    assert page.locator("h3 a", has_text="hIllsboroughCountySherrifsOffice_WSO_MOA_03122025.pdf").count() == 1  # its signed MOA, held
    page.screenshot(path=str(shots / "agency.png"), full_page=True)
    with page.expect_response(lambda response: response.url.endswith(".pdf")) as served:
        page.get_by_role("link", name="the file kept by this registry").first.click()
    assert served.value.status == 200 and served.value.headers["content-type"] == "application/pdf"
    page.goto(server + "/documents")
    page.fill("#document-search", "Hillsborough")
    with page.expect_navigation():
        page.press("#document-search", "Enter")
    assert page.locator("ol.hits mark").count() >= 1

    page.fill("#site-search", "hilsborough sherif")
    with page.expect_navigation():
        page.press("#site-search", "Enter")
    assert page.locator(".hits a", has_text="Hillsborough County Sheriff's Office").count() >= 1

    page.goto(server + "/agencies?state=TX")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    saved = download.value.path()
    assert Path(saved).read_bytes().startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs to read UTF-8
    lines = Path(saved).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("agreement_id,agency_id,state,agency") and all(",TX," in line for line in lines[1:])
    assert page.errors == []


def test_pages_work_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.select_option("#as_of", "2025-06-20")
    page.select_option("#model", "WSO")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**as_of=2025-06-20**")
    assert "WSO MOAs" in headline(page) and "participatingAgencies06202025am.xlsx" in page.content()
    assert page.locator("figure.chart svg").count() == 2  # the chart is SVG drawn on the server (wide, and narrow for a phone)
    assert page.locator("figure.map > svg").count() == 1  # and so is the map (its legend beside it, in HTML)
    page.goto(server + "/changes")
    page.select_option("#from", label="2025-05-16 am (participatingAgencies05162025am.xlsx)")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**from=**")
    assert "Renamed (the same agency under a new name)" in page.content()
    page.goto(server + "/pending")
    page.select_option("#model", "TFM")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**model=TFM**")
    assert "From pending to signed: TFM" in page.content()
    context.close()


def test_usable_on_a_phone(browser, server, shots):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    for path in ("/", "/?level=county", "/states/FL", "/counties/12057", "/agencies", "/pending", "/changes", "/about", "/search?q=sheriff"):
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
    page.goto(server + "/")
    page.screenshot(path=str(shots / "home-phone.png"))
    context.close()


# Every visible text in a map's figure, with the size it is drawn at: an SVG text's font size times the scale the
# SVG is drawn at (a map 975 units wide shrinks to the width of the screen), an HTML element's own font size.
MAP_TEXT_SIZES = """() => [...document.querySelectorAll("figure.map *")]
    .filter(e => [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()) && !e.closest("title, desc"))
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
    .map(e => {
        const own = parseFloat(getComputedStyle(e).fontSize);
        const matrix = e instanceof SVGElement ? e.getScreenCTM() : null;
        return [e.textContent.trim().slice(0, 40), matrix ? own * Math.hypot(matrix.a, matrix.b) : own];
    })"""


def test_map_text_is_legible_on_a_phone(browser, server):
    # At 375 pixels the maps' title, legend and caption were drawn inside the SVG and shrank with it to about 4 px.
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    for path in ("/", "/?level=county&model=WSO", "/states/FL", "/factsheet"):
        page.goto(server + path)
        sizes = page.evaluate(MAP_TEXT_SIZES)
        assert any("MOA" in text for text, _ in sizes), f"{path}: no legend text measured"
        small = [(text, round(size, 1)) for text, size in sizes if size < 11]
        assert small == [], f"{path}: map text drawn smaller than 11 px at 375 px wide"
        assert page.locator("figure.map svg path[data-fips]").count() >= 51
    context.close()


# Every visible text of the trend chart: [its text, the size it is drawn at, its left and right on the page].
CHART_TEXTS = """() => [...document.querySelectorAll("figure.chart svg text")]
    .filter(e => e.getClientRects().length)
    .map(e => {
        const matrix = e.getScreenCTM(), box = e.getBoundingClientRect();
        return [e.textContent, parseFloat(getComputedStyle(e).fontSize) * Math.hypot(matrix.a, matrix.b), box.left, box.right];
    })"""


def test_a_phone_is_shown_a_chart_of_its_width(browser, server):
    # At 375 pixels the trend chart shrank with the screen and its axis text was drawn at about 6 px; kept at a
    # legible width, it then scrolled sideways, its lines' latest figures out of sight. A phone is shown the chart
    # drawn narrow: whole on the screen, its text legible, named and described as the wide one is.
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    for path, label in (("/", "TFM 399"), ("/states/TX", "WSO 59"), ("/models/WSO", "WSO 291")):
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, f"{path} scrolls sideways"
        texts = page.evaluate(CHART_TEXTS)
        assert label in [text for text, *_ in texts], f"{path}: the lines' latest figures are not shown"
        small = [(text, round(size, 1)) for text, size, _left, _right in texts if size < 11]
        assert small == [], f"{path}: chart text drawn smaller than 11 px at 375 px wide"
        outside = [text for text, _size, left, right in texts if left < 0 or right > 375]
        assert outside == [], f"{path}: chart text beyond the screen"
        box = page.locator("figure.chart .chart-wrap")
        assert box.evaluate("b => b.scrollWidth <= b.clientWidth + 1") and box.get_attribute("role") is None, f"{path}: the chart scrolls"
        wide = page.locator("svg.chart-wide")
        assert wide.is_hidden() and page.locator("svg.chart-narrow").is_visible()
        title, description = wide.locator("title").first.text_content(), wide.locator("desc").text_content()
        chart = page.get_by_role("img", name=title)  # the chart shown (a hidden one has no role)
        assert chart.count() == 1 and chart.get_attribute("class") == "chart chart-narrow"
        assert chart.evaluate("svg => document.getElementById(svg.getAttribute('aria-labelledby').split(' ')[1]).textContent") == description
    context.close()


def test_a_choice_made_with_the_keyboard_waits_for_enter(page, server):
    # Arrow keys change a closed menu's value at once: sending the form then reloaded the page at the first step.
    page.goto(server + "/")
    page.focus("#model")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)
    assert page.url == server + "/" and page.input_value("#model") == "JEM"
    page.keyboard.press("ArrowDown")
    assert page.input_value("#model") == "TFM"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "model=TFM" in page.url and "TFM MOAs" in headline(page)
    page.focus("#model")
    address = page.url
    page.keyboard.press("w")  # typing a letter picks the first option that starts with it, on a closed menu too
    page.wait_for_timeout(500)
    assert page.url == address and page.input_value("#model") == "WSO"
    page.keyboard.press("Alt+ArrowDown")  # opens the list (Space just after a letter would be typed, not open it)
    page.wait_for_function(MENU_OPEN, arg="#model")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Escape")  # Chromium keeps the option moved to, but Escape is not a request to send it
    page.wait_for_timeout(500)
    assert page.url == address
    assert page.errors == []


MENU_OPEN = "menu => document.querySelector(menu).matches(':open')"


@pytest.mark.parametrize("opener", ["keyboard", "mouse"])
@pytest.mark.parametrize("path, menu, key", [("/pending", "#model", "ArrowDown"), ("/", "#as_of", "ArrowDown"), ("/agencies", "#state", "ArrowDown"), ("/changes", "#from", "ArrowUp")])
def test_one_enter_in_an_open_menu_applies_the_choice(page, server, path, menu, key, opener):
    # Chromium takes the Enter that picks an option in an open list out of the page's sight: it used to close the
    # list only, and a second Enter was needed to send the form. A list opened with the mouse and chosen in with the
    # keyboard is sent by that Enter too (its keys, but the released Enter, never reach the page).
    page.goto(server + path)
    options = page.eval_on_selector(menu, "s => [...s.options].map(o => o.value)")
    before = page.input_value(menu)
    chosen = options[options.index(before) + (1 if key == "ArrowDown" else -1)]
    if opener == "mouse":
        page.click(menu)
    else:
        page.focus(menu)
        page.keyboard.press(" ")  # opens the list
    page.wait_for_function(MENU_OPEN, arg=menu)
    page.keyboard.press(key)
    assert page.input_value(menu) == before  # moving in the open list chooses nothing yet
    with page.expect_navigation(timeout=5000):
        page.keyboard.press("Enter")
    assert page.input_value(menu) == chosen and f"{menu[1:]}={chosen}" in page.url
    assert page.errors == []


PHONE_PAGES = [
    "/", "/about", "/changes", "/documents", "/factsheet", "/agencies", "/pending", "/publications/2", "/states/FL", "/counties/48201",
    "/search?q=sheriff", "/data",
]


def test_nothing_is_cut_off_at_phone_width(browser, server):
    # A plain 375-pixel window: a mobile browser would zoom out to fit a page that overflows, and hide the fault.
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    beyond = """() => [...document.querySelectorAll("main *")]
        .filter(e => !e.closest(".table-wrap") && !e.closest("figure") && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(e => e.tagName + "." + e.className + ": " + (e.textContent || "").trim().slice(0, 40))"""
    for path in PHONE_PAGES:
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1, path
        assert page.evaluate(beyond) == [], path
    context.close()


def test_printed_pages_show_every_column_and_the_fact_sheet_fits_one_sheet(page, server):
    import io

    from pypdf import PdfReader

    page.emulate_media(media="print")
    page.goto(server + "/factsheet")
    assert len(PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True))).pages) == 1
    for path in ("/publications/2", "/pending", "/about"):
        page.goto(server + path)
        widest = page.evaluate("Math.max(...[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right))")
        assert widest <= page.evaluate("document.documentElement.clientWidth") + 1, path
        page.pdf(prefer_css_page_size=True)  # prints without error


def test_a_table_that_scrolls_sideways_is_reachable_by_keyboard(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(server + "/pending")
    boxes = page.locator(".table-wrap")
    scrolling = [i for i in range(boxes.count()) if boxes.nth(i).evaluate("b => b.scrollWidth > b.clientWidth + 1")]
    assert scrolling, "no table scrolls sideways at 375 pixels: the test shows nothing"
    for i in scrolling:
        box = boxes.nth(i)
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
        assert box.get_attribute("aria-label").endswith("table, scrolls sideways")
    page.set_viewport_size({"width": 1600, "height": 900})
    page.wait_for_function("() => [...document.querySelectorAll('.table-wrap')].every(b => b.scrollWidth > b.clientWidth + 1 || !b.hasAttribute('tabindex'))")
    context.close()


PAGES = [
    "/", "/?model=TFM", "/?level=county&as_of=2025-06-20", "/states", "/states/FL", "/states/PR", "/counties/12009", "/agencies", "/models",
    "/models/WSO", "/pending", "/pending?model=WSO", "/changes", "/changes?from=2025-05-16&to=2025-07-09", "/changes?kind=pending",
    "/search?q=sheriff", "/data", "/publications/1", "/publications/2", "/about", "/factsheet", "/api/v1/docs", "/documents", "/documents?q=warrant",
]


def document_agency(page, server, document) -> int:
    return page.request.get(server + f"/api/v1/documents/{document['sha256']}").json()["agreements"][0]["agency_id"]


def test_accessibility(page, server):
    agency = page.request.get(server + "/api/v1/agencies?limit=1").json()["items"][0]["id"]
    merged = page.request.get(server + "/api/v1/diff?from=2025-05-16&to=2025-07-09").json()["renamed"][0]["agency_id"]
    document = page.request.get(server + "/api/v1/documents").json()["documents"][0]
    with_documents = document_agency(page, server, document)
    assert axe_problems(page, server, PAGES + [f"/agencies/{agency}", f"/agencies/{merged}", f"/documents/{document['sha256']}", f"/agencies/{with_documents}"]) == []
    assert page.errors == []


def test_accessibility_on_a_phone(browser, server):
    # Tables scroll sideways on a narrow screen: each scrolling box must be reachable by keyboard.
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    assert axe_problems(page, server, ["/pending", "/about", "/counties/48201", "/publications/2", "/agencies", "/factsheet"]) == []
    context.close()


def axe_problems(page, server, paths) -> list[str]:
    """axe-core's serious and critical findings on each page."""
    source = AXE.read_text(encoding="utf-8")
    problems = []
    for path in paths:
        page.goto(server + path)
        page.evaluate(source)  # injected by the test (our CSP forbids inline scripts for the site itself)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                problems.append(f"{path}: {violation['id']} ({violation['impact']}): {violation['help']} — {len(violation['nodes'])} nodes")
    return problems


def test_the_api_documentation_is_legible(page, server):
    # Checked before Swagger UI had drawn anything: drawn, its schema names were dark grey on the site's blue
    # buttons (1.1:1) and its GET labels white on light blue (2.3:1).
    page.goto(server + "/api/v1/docs")
    page.wait_for_selector(".opblock")
    page.locator(".opblock-summary-control").first.click()
    page.wait_for_selector(".parameters-container, .responses-wrapper")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {runOnly: ['color-contrast'], resultTypes: ['violations']})")
    assert [(v["id"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]] == []
    assert page.errors == []


FILE_NAME_LINES = """() => [...document.querySelectorAll("table .file")].filter(e => e.getClientRects().length)
    .map(e => [e.textContent.trim(), Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))])"""


def test_file_names_in_tables_stay_readable_on_a_phone(browser, server):
    # A file name breaks anywhere: in a table wider than the screen its column shrank to a few letters, and the
    # data page drew each publication's name over 12 lines, an agency's listings over 7 to 9.
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    for path in ("/data", "/agencies/83", "/pending"):
        page.goto(server + path)
        lines = page.evaluate(FILE_NAME_LINES)
        assert lines and [(name, n) for name, n in lines if n > 3] == [], path
    context.close()


FOCUS_WIDTH = """link => {
    const path = link.querySelector("path"), scale = Math.hypot(path.getScreenCTM().a, path.getScreenCTM().b);
    const style = getComputedStyle(path), outline = parseFloat(getComputedStyle(link).outlineWidth) || 0;
    const stroke = style.stroke === "none" ? 0 : parseFloat(style.strokeWidth) * (style.vectorEffect === "non-scaling-stroke" ? 1 : scale);
    return Math.max(outline * scale, stroke);
}"""


def test_a_focused_map_shape_shows_it(page, server):
    # The shapes are drawn scaled to a quarter and less, and the 3-pixel focus outline with them: under a pixel.
    for path, name in (("/", "Texas"), ("/states/FL", "Hillsborough County, FL")):
        page.goto(server + path)
        link = page.locator(f"figure.map a[aria-label='{name}']")
        link.focus()
        assert link.evaluate(FOCUS_WIDTH) >= 2, path
