"""The site in Chromium for a keyboard's reader: Tab walks a map's shapes in the order of the page's tables.
(Fixtures: tests/web/conftest.py; skipped with one line without a browser.)"""

from __future__ import annotations


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
