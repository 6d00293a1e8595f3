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
