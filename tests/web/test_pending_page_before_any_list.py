"""The pending page on a date before any pending list held: its agency table's caption named the list in force by
an empty label ("Agencies with a pending agreement in  (and their participating ones)")."""

from __future__ import annotations

from html import unescape


def test_the_pending_pages_agency_table_names_no_empty_list(site):
    page = unescape(site.get("/pending", params={"as_of": "2025-01-01"}).text)
    assert "pending agreement in  (" not in page
    assert "<caption>Agencies with a pending agreement: this registry holds no pending list of ICE's published on or before 2025-01-01</caption>" in page
    # With a list in force, the caption names it as before
    assert "Agencies with a pending agreement in ICE's pending list of 2025-05-15 am (and their participating ones)" in unescape(site.get("/pending", params={"as_of": "2025-05-29"}).text)


def test_the_agency_list_says_which_list_it_lacks(site):
    """/agencies?status=pending on a date before any list said only that no participating list was held: its 0
    agencies with a pending agreement are so because no pending list is, which it did not say."""
    held_none = "this registry holds no {} list of ICE's published on or before that date"
    pending = unescape(site.get("/agencies", params={"as_of": "2025-01-01", "status": "pending"}).text)
    assert held_none.format("pending") in pending and held_none.format("participating") not in pending
    both = unescape(site.get("/agencies", params={"as_of": "2025-01-01"}).text)
    assert held_none.format("participating") in both and held_none.format("pending") in both
    # 15 May 2025: ICE's first pending list, and no participating list yet
    day = unescape(site.get("/agencies", params={"as_of": "2025-05-15"}).text)
    assert held_none.format("participating") in day and held_none.format("pending") not in day
    assert held_none.format("participating") not in unescape(site.get("/agencies", params={"as_of": "2025-05-15", "status": "pending"}).text)
