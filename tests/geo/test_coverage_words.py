"""What `g287 coverage` and the maps' captions say, as a reader takes it: the figures of a list published long before
the date asked are said to be that old, as `g287 stats` says."""

from __future__ import annotations

from tests.in_process import run_g287


def test_coverage_says_how_old_the_list_in_force_is(bundled_db):
    # "As of 2026-11-30: at least 399 of 3,144 counties ..." read as that day's figures over a list of July 2025,
    # where `g287 stats` on the same date says "published 509 days before that date".
    status, out, err = run_g287(bundled_db.url, "coverage", "--as-of", "2025-07-20")
    assert (status, err) == (0, "")
    first = out.splitlines()[0]
    assert first.startswith("As of 2025-07-20: ") and first.endswith(
        "Source: ICE's participating list of 2025-07-09 am (participatingAgencies07092025am.xlsx), published 11 days before that date."
    ), first
    stats = run_g287(bundled_db.url, "stats", "--as-of", "2025-07-20")[1]
    assert "published 11 days before that date." in stats.splitlines()[0]
    # A list of the date asked is that day's: nothing is said of its age.
    first = run_g287(bundled_db.url, "coverage", "--as-of", "2025-07-09")[1].splitlines()[0]
    assert first.endswith("(participatingAgencies07092025am.xlsx).") and "before that date" not in first
