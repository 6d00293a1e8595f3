"""The pending page of a date, and the API's pipeline of a date: every figure below the headline is of the lists
published on or before that date, and the page names those lists (a reviewer read "Still pending (38)" on the page
of 29 May 2025, a figure of 11 July)."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest

from g287.history.pipeline import pipeline


def words(page: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", "", page)))


def pipeline_section(page: str) -> str:
    return page[page.index('id="pipeline-title"'):page.index('id="series-title"')]


@pytest.mark.parametrize("day", ["2025-05-29", "2025-06-20", "2025-07-03"])
def test_the_pending_page_of_a_date_counts_the_lists_published_by_then(site, bundled_db, day):
    with bundled_db.session() as session:
        expected = pipeline(session, as_of=dt.date.fromisoformat(day))
    page = site.get("/pending", params={"as_of": day}).text
    text = words(pipeline_section(page))
    on = dt.date.fromisoformat(day).strftime("%-d %B %Y")
    assert f"Still pending on {on} ({len(expected['still_pending'])})" in text
    assert f"Left the pending list without being listed as signed by {on} ({len(expected['left_without_signing'])})" in text
    assert f"the {len(expected['still_pending'])} agreements still pending are not counted (listed as pending by the latest pending list held published on or before {on}," in text
    # No agreement first listed as pending after the date, nor a last pending listing after it (Ellis County, KS's of 3 July).
    listed = re.findall(r'<a href="/publications/\d+">(\d{4}-\d\d-\d\d)', pipeline_section(page))
    assert listed and max(listed) <= day


def test_the_pending_page_of_a_date_names_the_lists_it_used(site):
    text = words(site.get("/pending", params={"as_of": "2025-06-20"}).text)
    assert (
        "From ICE's 2 pending lists held here published on or before 20 June 2025, 2025-05-15 am to 2025-05-30 pm, and the participating lists "
        "published by then: the figures below are those of that date, as if no later list were held." in text
    )
    assert "The lists held published on or before 20 June 2025 span 15 May 2025 to 20 June 2025, so no wait longer than 36 days can be measured" in text
    # The reviewer's page: one pending list held by 29 May, the 49 agreements it lists that were never listed as
    # participating by then still pending; none had left it.
    text = words(site.get("/pending", params={"as_of": "2025-05-29"}).text)
    assert "From ICE's 1 pending list held here published on or before 29 May 2025, 2025-05-15 am, and the participating lists published by then" in text
    assert "Still pending on 29 May 2025 (49)" in text and "Left the pending list without being listed as signed by 29 May 2025 (0)" in text
    assert "Ellis County" not in text  # first listed as pending on 30 May


def series_section(page: str) -> str:
    return page[page.index('id="series-title"'):]


def test_the_pending_page_of_a_date_tables_only_the_lists_published_by_then(site, bundled_db):
    # The table of every pending list stopped at no date: the page of 20 June listed the lists of July.
    from g287.registry.publications import list_publications

    with bundled_db.session() as session:
        held = [(p.id, p.published_on.isoformat()) for p in list_publications(session, "pending", "ice")]
    dated = series_section(site.get("/pending", params={"as_of": "2025-06-20"}).text)
    listed = re.findall(r'<a href="/publications/(\d+)">(\d{4}-\d\d-\d\d)', dated)
    assert [(int(i), day) for i, day in reversed(listed)] == [(i, day) for i, day in held if day <= "2025-06-20"] != held
    assert "ICE's pending lists published on or before 20 June 2025" in words(dated)
    undated = re.findall(r'<a href="/publications/(\d+)">', series_section(site.get("/pending").text))
    assert sorted(int(i) for i in undated) == sorted(i for i, _day in held)


def test_the_pending_page_of_a_date_before_any_list_has_no_pipeline(site):
    page = site.get("/pending", params={"as_of": "2025-05-01"}).text
    assert 'id="pipeline-title"' not in page and "holds no pending list of ICE's published on or before that date" in words(page)


@pytest.mark.parametrize("day", ["2025-05-01", "2025-05-29", "2025-07-03"])
def test_the_api_pipeline_of_a_date_is_the_service_s(site, bundled_db, day):
    answer = site.get("/api/v1/pipeline", params={"as_of": day})
    with bundled_db.session() as session:
        expected = pipeline(session, as_of=dt.date.fromisoformat(day))
    assert answer.status_code == 200 and answer.json() == expected and answer.json()["as_of"] == day


def test_the_api_pipeline_refuses_a_date_that_is_no_date(site):
    # Refused as stats refuses it (the same parameter type), not as a parameter the endpoint does not take.
    for value in ("2025-13-01", "1800-01-01", "someday"):
        answer = site.get("/api/v1/pipeline", params={"as_of": value})
        assert answer.status_code == 422 and answer.json() == site.get("/api/v1/stats", params={"as_of": value}).json(), value
    # Without a date: every list held, no `as_of`, as before.
    assert "as_of" not in site.get("/api/v1/pipeline").json()


def test_a_pending_page_with_no_wait_to_measure_says_so_without_empty_tables(site):
    """By 20 May 2025 one pending list is held, and no agreement it did not already list moved: the page gave a
    median of "no agreement (0 agreements)", a table of zeros and two empty tables; and "1 more agreements ... were"."""
    text = words(pipeline_section(site.get("/pending", params={"as_of": "2025-05-20"}).text))
    assert "No wait to measure by 20 May 2025: no agreement first listed as pending after the first pending list held here was later listed as participating." in text
    assert "Median wait" not in text and "Days on the pending list, by model" not in text and "How long:" not in text and "by state (all models)" not in text
    assert "1 more agreement moved from pending to participating but was already pending in the first pending list held here, so its wait is unknown; it is not in the durations." in text
    # A model none of whose agreements moved (JEM by then) says the same of its model; it showed nothing at all.
    jem = words(pipeline_section(site.get("/pending", params={"as_of": "2025-05-20", "model": "JEM"}).text))
    assert "No wait to measure by 20 May 2025: no JEM agreement first listed" in jem and "The lists held published on or before 20 May 2025 span" in jem
    # With waits to measure, the median and its tables as before.
    latest = words(pipeline_section(site.get("/pending").text))
    assert "Median wait to be listed as participating: 18 days (51 agreements)" in latest and "No wait to measure" not in latest
    assert "86 more agreements moved from pending to participating but were already pending" in latest
