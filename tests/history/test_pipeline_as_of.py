"""The pipeline as of a date: from the lists of both kinds published on or before it, exactly as a database that
ingested only those lists gives it (no later list changes a wait, a departure or who is still pending)."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from g287.access import Actor
from g287.cli import cli
from g287.history.pipeline import pipeline
from g287.registry.batch import expand_paths, ingest_many
from tests.conftest import ICE, make_database
from tests.history.test_cli import run

# The bundled lists published on or before each date (by the date in their names): a date names every list of its
# day, the afternoon's too (07/03 pm and its __v2, which replaced it that afternoon).
PUBLISHED_BY = {
    "2025-05-29": ("05152025am", "05162025am", "05292025am"),
    "2025-06-20": ("05152025am", "05162025am", "05292025am", "05302025pm", "06172025pm", "06202025am"),
    "2025-07-03": ("05152025am", "05162025am", "05292025am", "05302025pm", "06172025pm", "06202025am", "07032025pm"),
}


@pytest.mark.parametrize("day", sorted(PUBLISHED_BY))
def test_the_pipeline_as_of_a_date_is_that_of_a_database_holding_only_the_lists_published_by_then(bundled_db, tmp_path, day):
    backend = "sqlite" if bundled_db.url.startswith("sqlite") else "postgresql"
    files = [f for f in expand_paths([str(ICE / "participating"), str(ICE / "pending")]) if any(date in f.name for date in PUBLISHED_BY[day])]
    earlier, close = make_database(backend, tmp_path)
    try:
        results, errors = ingest_many(earlier, files, Actor.command_line())
        assert not errors and len(results) == len(files)
        with earlier.session() as session:
            expected = pipeline(session)
    finally:
        close()
    with bundled_db.session() as session:
        answer = pipeline(session, as_of=dt.date.fromisoformat(day))
    assert answer.pop("as_of") == day
    assert answer == expected  # the whole answer: every item, its lists (ids and labels) and its days
    with bundled_db.session() as session:
        every_list = pipeline(session)
    # The date matters: the lists after it leave Ellis County, KS's last pending listing (3 July) out, and those
    # first listed as pending on 3 July or later are not pending yet.
    assert answer != every_list
    assert all(i["first_pending"]["published"] <= day for i in answer["still_pending"] + answer["left_without_signing"])
    assert all(i["last_pending"]["published"] <= day for i in answer["left_without_signing"])


def test_the_pipeline_before_any_list_and_after_the_last(bundled_db):
    with bundled_db.session() as session:
        every_list = pipeline(session)
        before = pipeline(session, as_of=dt.date(2025, 5, 1))
        after = pipeline(session, as_of=dt.date(2025, 8, 1))
    # Before the first list: the shape of a database holding no pending list, with the date asked.
    assert before == {
        "as_of": "2025-05-01", "pending_publications": 0, "first_pending_publication": None, "durations": None, "by_model": {}, "by_state": {}, "moved": [],
        "moved_pending_before_first_publication": [], "left_without_signing": [], "still_pending": [], "pending_after_participating": [],
        "stayed_pending_after_participating": [],
    }
    # After the last: every list held, as without a date (which gives no `as_of`).
    assert "as_of" not in every_list and after == {"as_of": "2025-08-01", **every_list}


def test_the_command_takes_the_date(bundled_db):
    with bundled_db.session() as session:
        expected = pipeline(session, as_of=dt.date(2025, 6, 20))
    assert json.loads(run(bundled_db, "pipeline", "--as-of", "2025-06-20", "--json")) == expected
    lines = run(bundled_db, "pipeline", "--as-of", "2025-06-20").splitlines()
    # The lists used are named, up to the last pending list of 20 June or before; the window is theirs (36 days).
    assert lines[0] == "From the 2 pending lists held here published on or before 2025-06-20 (2025-05-15 am to 2025-05-30 pm) and the participating lists published by then:"
    assert f"{'all':10}   26 agreements; median 18 days to be listed, 13 days to the signed date" in lines
    assert f"{'all':10} to be listed: 0–30 days 26, 31–36 days 0; to the signed date: 0–30 days 26, 31–36 days 0" in lines
    assert "3 left the pending list without being listed as signed; 26 still pending;" in "\n".join(lines)
    # Before any list: the empty shape with the date, and words that say so.
    assert json.loads(run(bundled_db, "pipeline", "--as-of", "2025-05-01", "--json"))["as_of"] == "2025-05-01"
    assert run(bundled_db, "pipeline", "--as-of", "2025-05-01").strip() == "no pending list published on or before 2025-05-01 ingested"


@pytest.mark.parametrize("value, problem", [("2025-13-01", "expected a date YYYY-MM-DD"), ("someday", "expected a date YYYY-MM-DD"), ("1800-01-01", "expected a date from")])
def test_the_command_refuses_a_date_as_the_other_commands_do(tmp_path, value, problem):
    # Refused before the database is opened (none is made), in the words of `g287 stats --as-of`.
    url = f"sqlite:///{tmp_path / 'none.sqlite'}"
    for command in ("pipeline", "stats"):
        result = CliRunner().invoke(cli, ["--database", url, command, "--as-of", value])
        assert result.exit_code != 0 and f"--as-of '{value}': {problem}" in result.output + str(result.exception), command
    assert not (tmp_path / "none.sqlite").exists()
