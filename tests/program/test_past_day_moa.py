"""What is due and the summary of a past day read the MOA as it stood that day: `program due --as-of` left out the
nominees of an MOA terminated since, and the summary said today's status ("terminated") of a day it was in effect."""

import datetime as dt

import pytest

from g287.program import moas, nominees, training
from tests.program.world import OFFICER, TODAY, build, years_ago

DAY = dt.timedelta(days=1)


@pytest.fixture
def world(db):
    """The certified world (TFM signed on day -30, the veteran certified on day -5), an officer nominated on day -4 whose
    background result is not recorded yet, and the MOA terminated on day -2."""
    with db.session() as session:
        w = build(session, "certified")
        ann = nominees.nominate(session, w.user_a, w.tfm, full_name="Ann Pending", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": years_ago(9)}], nominated_on=TODAY - 4 * DAY, today=TODAY)
        moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY - 2 * DAY, today=TODAY)
    return db, w, ann.id


def test_what_was_due_while_the_moa_was_in_effect_is_listed_for_that_day(world):
    db, w, ann = world
    with db.session() as session:
        due = lambda day: {(i["nominee_id"], i["kind"]) for i in training.due(session, OFFICER, as_of=day, within_days=training.MAX_WITHIN_DAYS)}  # noqa: E731
        veteran = w.nominees["veteran"]
        assert {(ann, "background_pending"), (veteran, "refresher_due"), (veteran, "certification_expires")} <= due(TODAY - 3 * DAY)
        # From the termination on (its day included, as `participating` reads it), nothing under that MOA is due.
        assert due(TODAY - 2 * DAY) == set() and due(TODAY) == set()
        # Nor before its signing (day -30): no one was nominated then either.
        assert due(TODAY - 31 * DAY) == set()


def test_the_summary_of_a_past_day_says_the_moa_status_of_that_day(world):
    db, w, ann = world
    with db.session() as session:
        row = lambda day: {(r["model"], r["moa_status"], r["nominees"], r["authorized"]) for r in training.summary(session, OFFICER, as_of=day)}  # noqa: E731
        assert row(TODAY - 3 * DAY) == {("TFM", "signed", 3, 1)}
        assert row(TODAY - 2 * DAY) == row(TODAY) == {("TFM", "terminated", 3, 0)}
        assert moas.status_on(session.get(moas.ProgramMoa, w.tfm), TODAY - 31 * DAY) == "not_signed"


def test_the_registry_figures_of_a_day_count_the_moas_status_on_reads_in_effect(world):
    """views.program_figures reads each MOA by moas.status_on, as due and the summary do: in effect the day before
    the termination, terminated on its day (neither participating nor pending), pending before the signing."""
    from g287.program import views
    from tests.program.world import PUBLIC

    db, w, _ = world
    with db.session() as session:
        moa = session.get(moas.ProgramMoa, w.tfm)
        for day in (TODAY - 31 * DAY, moa.signed_on, TODAY - 3 * DAY, moa.terminated_on, TODAY):
            figures = views.program_figures(session, PUBLIC, day)
            status = moas.status_on(moa, day)
            assert figures["participating"]["by_model"]["TFM"] == (status == "signed"), day
            assert figures["pending"]["by_model"]["TFM"] == (status == "not_signed"), day
