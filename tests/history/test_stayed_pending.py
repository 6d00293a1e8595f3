"""Pending lists that still listed an agreement after its first participating listing (stayed_pending): by date and
half (am before pm), apart from a pending listing begun later (back on the pending list), on constructed lists and on
ICE's."""

import pytest

from g287.history.agency import agency_history
from g287.history.lifecycle import lifecycles
from tests.history.builders import Publisher, row

OMEGA, SIGMA, TAU, UPSILON = "Omega Police Department", "Sigma Police Department", "Tau Police Department", "Upsilon Police Department"


def signed(name):
    return row("FL", name, "TFM", "2025-04-20")


def pending(name):
    return row("FL", name, "TFM", None)


@pytest.fixture
def lists(db, tmp_path, alias_file):
    """Sigma stays on the pending list after being listed as participating (the pending list of the same morning is
    not later; that afternoon's and a later one are); Tau leaves it, then comes back on it (back_to_pending, not
    stayed); Upsilon's last pending list is of the morning before its first participating list, that afternoon;
    Omega is first listed as pending the same half-day as participating, and stays that afternoon."""
    pub = Publisher(db, tmp_path)
    pub.publish("pending", "2025-04-28", [row("GA", "Epsilon Police Department", "TFM", None)])
    pub.publish("pending", "2025-05-01", [pending(SIGMA), pending(TAU), pending(UPSILON)])
    pub.publish("participating", "2025-05-05", [signed(OMEGA), signed(SIGMA), signed(TAU)], half="am")
    pub.publish("pending", "2025-05-05", [pending(OMEGA), pending(SIGMA), pending(TAU), pending(UPSILON)], half="am")
    pub.publish("pending", "2025-05-05", [pending(OMEGA), pending(SIGMA), pending(UPSILON)], half="pm")
    pub.publish("pending", "2025-05-08", [pending(SIGMA), pending(UPSILON)], half="am")
    pub.publish("participating", "2025-05-08", [signed(OMEGA), signed(SIGMA), signed(TAU), signed(UPSILON)], half="pm")
    pub.publish("pending", "2025-05-10", [pending(TAU)])
    return db


def labels(refs):
    return [ref["label"] for ref in refs]


def test_lifecycle_names_the_pending_lists_that_still_listed_it(lists):
    with lists.session() as session:
        lives = {life.name: life for life in lifecycles(session).values()}
    assert labels(lives[SIGMA].stayed_pending) == ["2025-05-05 pm", "2025-05-08 am"]
    assert lives[SIGMA].back_to_pending == [] and lives[SIGMA].status == "participating"
    assert labels(lives[TAU].back_to_pending) == ["2025-05-10 am"] and lives[TAU].stayed_pending == []
    assert lives[UPSILON].stayed_pending == [] and lives[UPSILON].back_to_pending == []
    assert labels(lives[OMEGA].stayed_pending) == ["2025-05-05 pm"] and lives[OMEGA].back_to_pending == []
    assert lives["Epsilon Police Department"].stayed_pending == []  # never listed as participating


def test_agency_history_gives_it(lists):
    with lists.session() as session:
        sigma = next(life for life in lifecycles(session).values() if life.name == SIGMA)
        history = agency_history(session, sigma.agency_id)
    assert labels(history["agreements"][0]["lifecycle"]["stayed_pending"]) == ["2025-05-05 pm", "2025-05-08 am"]


def test_on_ices_lists_two_agreements_stayed_on_the_pending_list(bundled_db):
    """Robertson County, TN's WSO agreement (pending 3 July pm and 11 July am, participating from 9 July am) and Longboat
    Key, FL's TFM agreement (pending 15 May am and 30 May pm, participating from 16 May am)."""
    with bundled_db.session() as session:
        lives = lifecycles(session)
    stayed = sorted((life.state, life.name, life.model, tuple(labels(life.stayed_pending))) for life in lives.values() if life.stayed_pending)
    assert stayed == [
        ("FL", "Longboat Key Police Department", "TFM", ("2025-05-30 pm",)),
        ("TN", "Robertson County Sheriff's Office", "WSO", ("2025-07-11 am",)),
    ]


def test_agency_command_says_it(bundled_db):
    from click.testing import CliRunner

    from g287.cli import cli

    output = CliRunner().invoke(cli, ["--database", bundled_db.url, "agency", "Longboat Key Police Department"], catch_exceptions=False).output
    assert "    still on the pending list after its first participating listing: 2025-05-30 pm\n" in output


def test_pipeline_names_them_apart_and_counts_nothing_otherwise(lists):
    from g287.history.pipeline import pipeline

    with lists.session() as session:
        result = pipeline(session)
    moved = {i["agency"]: i for i in result["moved"]}
    assert labels(moved[SIGMA]["stayed_pending"]) == ["2025-05-05 pm", "2025-05-08 am"] and moved[SIGMA]["days_to_listed"] == 4
    assert moved[TAU]["stayed_pending"] == [] and moved[UPSILON]["stayed_pending"] == [] and moved[UPSILON]["days_to_listed"] == 7
    assert [(i["agency"], labels(i["stayed_pending"])) for i in result["pending_after_participating"]] == [(OMEGA, ["2025-05-05 pm"])]
    assert [(i["agency"], labels(i["stayed_pending"])) for i in result["stayed_pending_after_participating"]] == [
        (OMEGA, ["2025-05-05 pm"]), (SIGMA, ["2025-05-05 pm", "2025-05-08 am"])
    ]
    assert result["durations"]["to_listed"]["count"] == 3 and len(result["left_without_signing"]) == 1


def test_on_ices_lists_the_pipeline_and_its_text_name_the_two(bundled_db):
    import json

    from click.testing import CliRunner

    from g287.cli import cli

    def run(*args):
        return CliRunner().invoke(cli, ["--database", bundled_db.url, "pipeline", *args], catch_exceptions=False).output

    result = json.loads(run("--json"))
    stayed = [(i["state"], i["agency"], i["model"], labels(i["stayed_pending"])) for i in result["stayed_pending_after_participating"]]
    assert stayed == [("FL", "Longboat Key Police Department", "TFM", ["2025-05-30 pm"]), ("TN", "Robertson County Sheriff's Office", "WSO", ["2025-07-11 am"])]
    censored = {i["agency"]: i for i in result["moved_pending_before_first_publication"]}
    moved = {i["agency"]: i for i in result["moved"]}
    assert labels(censored["Longboat Key Police Department"]["stayed_pending"]) == ["2025-05-30 pm"]
    assert labels(moved["Robertson County Sheriff's Office"]["stayed_pending"]) == ["2025-07-11 am"]
    assert sum(1 for part in ("moved", "moved_pending_before_first_publication", "pending_after_participating") for i in result[part] if i["stayed_pending"]) == 2
    assert (
        "2 agreements were still on the pending list after being listed as participating (each also counted above, its wait unchanged):\n"
        "  FL Longboat Key Police Department TFM: first participating 2025-05-16 am; pending lists after it: 2025-05-30 pm\n"
        "  TN Robertson County Sheriff's Office WSO: first participating 2025-07-09 am; pending lists after it: 2025-07-11 am\n"
    ) in run()


def test_agreements_table_shows_back_on_the_pending_list_and_stayed_on_it(lists, monkeypatch):
    """`g287 agreements --json` gave back_to_pending and stayed_pending; its table showed neither."""
    from click.testing import CliRunner

    from g287.cli import cli, common

    monkeypatch.setattr(common.console, "width", 250)  # a wide terminal: one line a row
    output = CliRunner().invoke(cli, ["--database", lists.url, "agreements"], catch_exceptions=False).output
    header = next(line for line in output.splitlines() if " agency " in line)
    assert "back on the pending list from" in header and "still on the pending list after first listed" in header
    rows = {cells[1]: cells for cells in ([c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines() if line.startswith("│"))}
    assert rows[SIGMA][-2:] == ["", "2025-05-05 pm, 2025-05-08 am"]
    assert rows[TAU][-2:] == ["2025-05-10 am", ""]
    assert rows[UPSILON][-2:] == ["", ""]


def test_agreements_table_on_ices_lists_shows_the_two_that_stayed(bundled_db, monkeypatch):
    from click.testing import CliRunner

    from g287.cli import cli, common

    monkeypatch.setattr(common.console, "width", 400)  # no agency name or file name folded
    output = CliRunner().invoke(cli, ["--database", bundled_db.url, "agreements"], catch_exceptions=False).output
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines() if line.startswith("│")]
    assert len(rows) > 800 and not any(cells[-2] for cells in rows)  # none back on the pending list
    assert [(cells[0], cells[1], cells[2], cells[-1]) for cells in rows if cells[-1]] == [
        ("FL", "Longboat Key Police Department", "TFM", "2025-05-30 pm"), ("TN", "Robertson County Sheriff's Office", "WSO", "2025-07-11 am"),
    ]
