"""One "today" for the whole workflow (g287.days.today, the local date): far from UTC, a letter, its MOA's draft,
the date checks, the registry's lists and their figures all name the same day."""

import datetime as dt
import os
import time

import pytest

from g287 import days
from g287.program import applications, moas, nominees, publish, training, views
from g287.program.applications import moas_of
from g287.registry import figures
from tests.program.world import ADMIN, OFFICER, PUBLIC, SIGNATORIES, SIGNED_PDF, build, letter


@pytest.fixture
def far_from_utc():
    """A time zone whose date is not UTC's at this moment: 12 hours behind UTC in the UTC morning (its evening of
    the day before), 14 hours ahead after 11:00 UTC (its morning of the next day)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Etc/GMT+12" if dt.datetime.now(dt.timezone.utc).hour < 11 else "Etc/GMT-14"  # POSIX signs: GMT+12 is UTC-12
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_letters_drafts_steps_lists_and_figures_agree_on_today(db, far_from_utc, tmp_path):
    today = days.today()
    assert today != dt.datetime.now(dt.timezone.utc).date()  # the case this test is about
    with db.session() as session:
        w = build(session, "agencies")
        application = applications.submit_letter(session, w.user_a, w.agency_a, letter(models=["TFM", "WSO"]))
        tfm, wso = moas_of(session, application.id)
        moas.draft_moa(session, OFFICER, tfm.id)
        assert (application.letter["date"], tfm.draft["drafted_on"]) == (today.isoformat(), today.isoformat())
        # Signed the day the letter was sent (not before it), then an officer nominated and enrolled today.
        moas.record_signed_moa(session, OFFICER, tfm.id, pdf=SIGNED_PDF.read_bytes(), signed_on=today, signatories=SIGNATORIES)
        nominee = nominees.nominate(session, w.user_a, tfm.id, full_name="Tia Zone", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": "2010-01-01"}])
        assert nominees.nominee_detail(session, OFFICER, nominee.id)["nominated_on"] == today.isoformat()
        nominees.record_background(session, OFFICER, nominee.id, result="passed", completed_on=today)
        assert training.enrol(session, OFFICER, nominee.id).enrolled_on == today
        # The registry's figures from its records, for today: the letter sent today is counted.
        live = views.program_figures(session, PUBLIC)
        assert live["as_of"] == today.isoformat()
        assert (live["participating"]["by_model"]["TFM"], live["pending"]["by_model"]["WSO"]) == (1, 1)
    result = publish.publish(db, ADMIN, directory=tmp_path / "lists")
    assert [(item.kind, item.status, item.rows) for item in result.lists] == [("participating", "published", 1), ("pending", "published", 1)]
    assert all(f"Agencies{today:%m%d%Y}" in item.file for item in result.lists)
    assert result.figures["as_of"] == today.isoformat()
    with db.session() as session:
        published = figures.stats(session, today, origin="registry")  # the lists in force today
        assert published["participating"]["published"] == today.isoformat() and published["participating"]["moas"] == 1
        assert published["pending"]["published"] == today.isoformat()


def test_the_office_pages_show_a_recorded_moment_as_its_local_day(far_from_utc):
    """A letter submitted now, dated today (local), was shown as submitted on the UTC date: a day apart."""
    from g287.web.render import environment, local_day

    now = dt.datetime.now(dt.timezone.utc)
    assert local_day(now.isoformat()) == days.today().isoformat() != now.date().isoformat()
    assert local_day(now) == days.today().isoformat()
    assert local_day("2025-07-01") == "2025-07-01" and local_day(None) == "" and local_day("not a time") == "not a time"
    when = environment().from_string('{% from "program/_forms.html" import when %}{{ when(moment) }}')
    assert when.render(moment=now.isoformat()) == days.today().isoformat()


def test_the_command_line_shows_a_recorded_moment_as_its_local_time(far_from_utc):
    """`program applications` printed the stored UTC time whole; it prints the local time to the minute, whose date is
    the one a letter submitted then carries."""
    now = dt.datetime.now(dt.timezone.utc)
    shown = days.local_minute(now.isoformat())
    assert shown[:10] == days.today().isoformat() != now.date().isoformat()
    assert shown == f"{now.astimezone():%Y-%m-%d %H:%M}" and days.local_minute(now) == shown
    assert days.local_minute("2025-05-15T23:33:17.123456+00:00") == f"{dt.datetime(2025, 5, 15, 23, 33, tzinfo=dt.timezone.utc).astimezone():%Y-%m-%d %H:%M}"
