"""The site in Chromium for a keyboard's reader and a phone's: Tab walks a map's shapes in the order of the page's
tables, a focused shape's edge is drawn whole above its neighbours, a table's caption stays on a phone's screen
when its table scrolls sideways, a filter's label stays with its control, a table's dates stay whole on a phone, a
file name that fits its cell is drawn on one line, and a chart wider than its box says it scrolls (a phone is shown a
narrow one).
(Fixtures: tests/web/conftest.py; skipped with one line without a browser.)"""

from __future__ import annotations

import base64


def pathname(href: str) -> str:
    return href.split("?", 1)[0]


def tabbed_links(page, start: str, count: int) -> list[str]:
    """The links Tab reaches after the link named `start`, in turn."""
    page.get_by_role("link", name=start, exact=True).focus()
    reached = []
    for _ in range(count):
        page.keyboard.press("Tab")
        reached.append(pathname(page.evaluate("document.activeElement.getAttribute('href') || ''")))
    return reached


def test_tab_walks_a_maps_shapes_in_the_order_of_the_pages_tables(page, server):
    # The shapes were grouped by colour class: from the link before Florida's map, Tab went to Baker County (12003),
    # with 2 MOAs, the palest class drawn; Alachua (12001), with 3, came after every county with 2.
    page.goto(server + "/states/FL")
    every_county = page.eval_on_selector_all("#counties-title ~ details ul.columns a", "links => links.map(a => a.getAttribute('href'))")
    expected = [pathname(href) for href in every_county[:6]]
    assert expected[0] == "/counties/12001"  # by FIPS code, as the page's tables list them
    assert tabbed_links(page, "Atom feed for Florida", 6) == expected
    page.goto(server + "/")
    assert tabbed_links(page, "By county", 5) == ["/states/AL", "/states/AK", "/states/AZ", "/states/AR", "/states/CA"]


# Points just outside a shape's edge all around it, in the page's pixels: at even steps along its outline, each
# moved `offset` pixels outward (the side isPointInFill says is not the shape's).
EDGE_POINTS = """([name, offset, count]) => {
    const path = document.querySelector(`figure.map a[aria-label="${name}"] path`);
    const ctm = path.getScreenCTM(), scale = Math.hypot(ctm.a, ctm.b), length = path.getTotalLength(), step = offset / scale;
    const points = [];
    for (let i = 0; i < count; i++) {
        const at = length * (i + 0.5) / count, p = path.getPointAtLength(at);
        const before = path.getPointAtLength(Math.max(at - 1, 0)), after = path.getPointAtLength(Math.min(at + 1, length));
        let nx = before.y - after.y, ny = after.x - before.x;
        const norm = Math.hypot(nx, ny) || 1;
        nx /= norm; ny /= norm;
        if (path.isPointInFill(new DOMPoint(p.x + nx * step, p.y + ny * step))) { nx = -nx; ny = -ny; }
        const out = new DOMPoint(p.x + nx * step, p.y + ny * step).matrixTransform(ctm);
        points.push([out.x, out.y]);
    }
    return points;
}"""

# The colour of each point of a PNG, read in a blank page of its own (the page under test is left as it is).
PIXELS = """async ([png, points]) => {
    const image = new Image();
    image.src = "data:image/png;base64," + png;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width; canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return points.map(([x, y]) => Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3)));
}"""


def test_a_focused_shapes_edge_is_drawn_whole_above_its_neighbours(browser, server):
    # Painted in its place, the focused shape's dark edge lay half under the neighbours painted after it: all of
    # Butler County's in Kansas (its FIPS code is the lowest of them), and on the national map Kansas's northern,
    # eastern and southern neighbours (and the state borders drawn over every state).
    scale = 2
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=scale)
    page = context.new_page()
    blank = context.new_page()
    for path, name in (("/states/KS", "Butler County, KS"), ("/", "Kansas")):
        page.goto(server + path)
        link = page.locator(f"figure.map a[aria-label='{name}']")
        link.scroll_into_view_if_needed()
        link.focus()
        # The dark edge is 3 pixels wide across the shape's border: 0.6 pixel outside lies in its outer half, the half
        # the neighbours covered.
        points = page.evaluate(EDGE_POINTS, [name, 0.6, 48])
        png = base64.b64encode(page.screenshot()).decode()
        colours = blank.evaluate(PIXELS, [png, [[int(x * scale), int(y * scale)] for x, y in points]])
        covered = [(round(x), round(y), colour) for (x, y), colour in zip(points, colours) if max(colour) > 80]
        assert covered == [], f"{path}: {name}'s focused edge is covered at {len(covered)} of {len(points)} points"
        # The edge drawn again is no link: Tab goes on to the next shape, and the edge with it.
        page.keyboard.press("Tab")
        assert page.locator("figure.map .map-focus-edge").count() == 1
        assert page.evaluate("document.activeElement.closest('figure.map') !== null")
    page.get_by_role("link", name="By county", exact=True).focus()
    assert page.locator("figure.map .map-focus").count() == 0  # gone when the map has no focus
    context.close()


# Every table caption (those in closed <details> too, opened), where it is drawn and whether its text fits its box:
# [text, left, right, scrollWidth, clientWidth, whether its table scrolls sideways].
CAPTIONS = """() => {
    document.querySelectorAll("details").forEach(d => { d.open = true; });
    return [...document.querySelectorAll("caption")].map(c => {
        const box = c.getBoundingClientRect(), wrap = c.closest(".table-wrap");
        return [c.textContent.trim().slice(0, 50), box.left, box.right, c.scrollWidth, c.clientWidth,
                !!wrap && wrap.scrollWidth > wrap.clientWidth + 1];
    });
}"""


def test_table_captions_stay_readable_on_a_phone(browser, server):
    # A table wider than the screen scrolls in its box; its caption, as wide as the table, ran off the screen
    # ("Days on the pending list, by state (all models)" to 707 pixels of 360) until the table was scrolled.
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    scrolling = 0
    for path in ("/agencies", "/states/FL", "/pending", "/data"):
        page.goto(server + path)
        width = page.evaluate("document.documentElement.clientWidth")
        captions = page.evaluate(CAPTIONS)
        assert captions, path
        cut = [(text, round(right)) for text, _left, right, _s, _c, _w in captions if right > width + 0.5]
        assert cut == [], f"{path}: captions beyond the screen's {width} pixels"
        clipped = [text for text, _l, _r, scroll_width, client_width, _w in captions if scroll_width > client_width]
        assert clipped == [], f"{path}: captions whose text is clipped"
        scrolling += sum(1 for caption in captions if caption[5])
        # Scrolled to its end, a table keeps its caption in view.
        page.evaluate("() => document.querySelectorAll('.table-wrap').forEach(w => { w.scrollLeft = w.scrollWidth; })")
        moved = [(text, round(left), round(right)) for text, left, right, *_rest in page.evaluate(CAPTIONS) if left < -0.5 or right > width + 0.5]
        assert moved == [], f"{path}: captions scrolled out of view with their tables"
    assert scrolling >= 4  # the tables these pages show at 360 pixels do scroll sideways: the test tests something
    context.close()


# Each filter form's label and its control, where they are drawn: [label, its left, top and bottom, the control's
# left and top].
LABELS_AND_CONTROLS = """() => [...document.querySelectorAll("form.filters label[for]")].map(label => {
    const own = label.getBoundingClientRect(), control = document.getElementById(label.htmlFor).getBoundingClientRect();
    return [label.textContent.trim(), own.left, own.top, own.bottom, control.left, control.top];
})"""


def test_a_filters_label_stays_with_its_control(browser, server):
    # The labels and menus of a filter form wrapped one by one: on a phone "Model" ended the home page's first line
    # of filters and its menu began the next, under "Date"; on a laptop the changes form's "To" ended the line.
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        for path in ("/", "/states/FL", "/pending", "/agencies", "/changes", "/documents", "/search"):
            page.goto(server + path)
            pairs = page.evaluate(LABELS_AND_CONTROLS)
            assert pairs, path
            apart = []
            for text, left, top, bottom, control_left, control_top in pairs:
                beside = control_top < bottom and control_left > left  # on the label's line, after it
                below = control_top >= bottom - 1 and abs(control_left - left) < 1  # on the next line, under it
                if not (beside or below):
                    apart.append(text)
            assert apart == [], f"{path} at {width} px: labels drawn apart from their controls"
        context.close()


# Each date (with its half-day), and each model's count ("JEM 117"), in a table cell that is drawn over two lines.
SPLIT_IN_CELLS = r"""() => {
    document.querySelectorAll("details").forEach(d => { d.open = true; });
    const split = [], pattern = /\b(19|20|21)\d\d-\d\d-\d\d( am| pm)?|\b(JEM|TFM|WSO) \d[\d,]*\d|\b(JEM|TFM|WSO) \d/g;
    document.querySelectorAll("td, th").forEach(cell => {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.textContent.matchAll(pattern)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                if (new Set([...range.getClientRects()].map(box => Math.round(box.top))).size > 1) { split.push(match[0]); }
            }
        }
    });
    return split;
}"""


def test_dates_and_model_counts_in_tables_stay_whole_on_a_phone(browser, server):
    # A table squeezed to a phone's width broke its dates at their hyphens ("2025-" on one line, "07-02" on the next)
    # and its counts by model between code and number ("JEM", "117,", "TFM", "399,": six lines for one row).
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path in ("/", "/states/FL", "/states/CO", "/counties/12057", "/agencies", "/agencies/123", "/pending", "/changes", "/data"):
        page.goto(server + path)
        split = page.evaluate(SPLIT_IN_CELLS)
        assert split == [], f"{path}: {len(split)} dates or counts drawn over two lines, such as {split[:3]}"
    context.close()


# Each file name or rule code (.file), whether it would fit on a line of its cell and on how many lines it is drawn:
# [text, its width on one line, the width of its cell's lines, its lines].
FILE_NAMES = """() => {
    document.querySelectorAll("details").forEach(d => { d.open = true; });
    const names = [...document.querySelectorAll(".file")].filter(e => e.getClientRects().length);
    const room = names.map(e => {
        const cell = e.closest("td, th, dd, li, p"), style = getComputedStyle(cell);
        return cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    });
    const lines = names.map(e => new Set([...e.getClientRects()].map(box => Math.round(box.top))).size);
    names.forEach(e => { e.style.whiteSpace = "nowrap"; });
    const widths = names.map(e => e.getBoundingClientRect().width);
    names.forEach(e => { e.style.whiteSpace = ""; });
    return names.map((e, i) => [e.textContent.trim(), widths[i], room[i], lines[i]]);
}"""


def test_a_file_name_that_fits_its_cell_is_drawn_on_one_line(browser, server):
    # File names and rule codes broke at any letter where their line ran out, though the whole name fitted on the
    # next: "participatingAgencies07032025pm.xlsx" over two lines in a cell 464 pixels wide at 1280 (it is 270),
    # and "(first_seen)" over two in a cell of 117 pixels at 390.
    fitting = 0
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in ("/", "/pending", "/data", "/agencies/123", "/publications/1"):
            page.goto(server + path)
            names = page.evaluate(FILE_NAMES)
            assert names, path
            fits = [(text, lines) for text, one_line, room, lines in names if one_line <= room]
            fitting += len(fits)
            broken = [text for text, lines in fits if lines > 1]
            assert broken == [], f"{path} at {width} px: names broken though they fit on a line of their cell"
        context.close()
    assert fitting >= 20  # the test tests something: names that fit their cells, at both widths


# The trend chart's box, its lines' labels and the line saying it scrolls: [whether the box scrolls sideways, the
# labels drawn beyond its right edge (scrolled to its left end), whether the line is shown, its left and right, its
# text, the class of the chart shown].
CHART_CUE = """() => {
    const figure = document.querySelector("figure.chart"), box = figure.querySelector(".chart-wrap");
    const edge = box.getBoundingClientRect().right, cue = figure.querySelector(".chart-cue");
    const hidden = [...box.querySelectorAll(".series-label")].filter(l => l.getClientRects().length && l.getBoundingClientRect().right > edge + 0.5).map(l => l.textContent);
    const shown = !!cue && getComputedStyle(cue).display !== "none", drawn = shown ? cue.getBoundingClientRect() : {};
    const chart = [...box.querySelectorAll("svg")].filter(svg => svg.getClientRects().length).map(svg => svg.getAttribute("class"));
    return [box.scrollWidth > box.clientWidth + 1, hidden, shown, drawn.left, drawn.right, shown ? cue.textContent : "", chart];
}"""


def test_a_chart_wider_than_its_box_says_it_scrolls(browser, server):
    # On a phone the trend chart kept a legible width and scrolled sideways: its lines' labels ("TFM 399", at its
    # right end) were off the screen with nothing saying there was more to see. A phone is now shown the chart drawn
    # narrow, its lines' latest figures in a legend at its left; only a box narrower than that chart's least width
    # (280 px, with 16 px of margin each side) scrolls, and says so.
    for width, scrolls, drawn in ((300, True, "narrow"), (390, False, "narrow"), (1280, False, "wide")):
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        for path in ("/", "/states/TX"):
            page.goto(server + path)
            overflows, hidden, shown, left, right, text, chart = page.evaluate(CHART_CUE)
            assert chart == [f"chart chart-{drawn}"], f"{path} at {width} px: {chart} shown"
            assert overflows == scrolls and hidden == [], f"{path} at {width} px: {overflows}, {hidden}"
            assert shown == scrolls, f"{path} at {width} px: the line saying the chart scrolls is {'not ' if scrolls else ''}shown"
            if scrolls:
                assert 0 <= left and right <= width, f"{path}: that line is beyond the screen"
                assert text == "The chart scrolls sideways."
        context.close()
