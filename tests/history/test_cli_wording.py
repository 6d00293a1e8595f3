"""Counts printed by the commands carry the right noun: "1 list", never "1 lists"."""

import re

from click.testing import CliRunner

from g287.cli import cli
from g287.web.app import create_app
from tests.conftest import ICE
from tests.history.builders import Publisher, row
from tests.history.test_cli import run
from tests.web.conftest import TestClient
from tests.web.test_pages import text_of


def test_a_count_of_one_is_written_with_the_singular(bundled_db):
    text = run(bundled_db, "agency", "Arkansas State Police Department", "--state", "AR")
    assert "participating: 2025-07-09 am to 2025-07-09 am (1 list)" in text and "(2 lists)" in text  # and its pending run
    assert not re.search(r"\b1 (lists|pages|rows|publications|listings|agreements)\b", text)
    pipeline = run(bundled_db, "pipeline")
    assert "the 4 pending lists held here" in pipeline and "median 18 days" in pipeline


def test_an_ingest_names_its_counts(tmp_path):
    database = f"sqlite:///{tmp_path / 'one.sqlite'}"
    result = CliRunner().invoke(cli, ["--database", database, "ingest", str(ICE / "pending" / "pendingAgencies07112025am_b.xlsx")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ listings from \d+ source rows, \d+ quality-register entr(y|ies)", result.output)


def test_the_diff_says_when_an_agency_keeps_its_other_models(bundled_db):
    # Okaloosa County Sheriff's Office, FL: its WSO MOA is no longer listed from 2025-07-03 pm, its other models are.
    # The site's changes page and the feed say "(the agency keeps its other models)"; the command said nothing.
    text = run(bundled_db, "diff", "2025-05-29", "2025-07-09")
    removed = next(line for line in text.splitlines() if line.startswith("  FL  Okaloosa County Sheriff's Office  WSO"))
    assert removed.endswith("this registry counts that as an end); the agency keeps its other models"), removed
    # Butler County, PA, listed with WSO alone on 29 May and with TFM alone from 17 June, keeps none of its models and
    # gains none beside one it had: neither is said of it.
    butler = [line for line in text.splitlines() if line.startswith("  PA  Butler County Sheriff's Office")]
    assert butler == [
        "  PA  Butler County Sheriff's Office  TFM  2025-06-12  ",
        "  PA  Butler County Sheriff's Office  WSO  2025-05-22  no longer listed (absent from 2 or more consecutive lists in force; ICE gives no reason — this registry counts that as an end)",
    ], butler


def test_the_pipeline_shows_only_the_spans_the_lists_can_observe(bundled_db):
    # The lists held span 57 days (15 May to 11 July 2025). The command printed "61-90 days 0, 91-180 days 0, 181+
    # days 0", read as "no agreement waits that long", which the pending page leaves out for that reason.
    text = run(bundled_db, "pipeline")
    assert "all        to be listed: 0–30 days 43, 31–57 days 8; to the signed date: 0–30 days 42, 31–57 days 8\n" in text
    assert "Spans longer than 57 days (61–90, 91–180, 181 or more days) cannot be observed in these lists and are not shown.\n" in text
    assert "61-90" not in text and "181+" not in text


def test_a_wait_past_the_lists_held_is_shown_never_dropped():
    # A signed date after the last list held makes a wait longer than the window: its span is shown with its count.
    from g287.history.pipeline import observable_spans

    shown, unobservable = observable_spans({"0-30": 1, "31-60": 0, "61-90": 2, "91-180": 0, "181+": 0}, 57)
    assert shown == [{"label": "0–30", "count": 1}, {"label": "31–57", "count": 0}, {"label": "61–90", "count": 2}]
    assert unobservable == ["91–180", "181 or more"]


def test_the_agency_says_where_the_moa_of_an_agreement_no_longer_listed_is_listed(bundled_db):
    # As the diff says it: Okaloosa County Sheriff's Office's WSO MOA, under the Department of Corrections from 3 July.
    text = run(bundled_db, "agency", "Okaloosa County Sheriff's Office", "--state", "FL")
    assert (
        "    no longer listed from 2025-07-03 pm, participatingAgencies07032025pm.xlsx; the same MOA (document and signed date) is listed"
        " under Okaloosa County Department of Corrections from that list\n"
    ) in text


def test_the_agreements_say_when_a_first_pending_list_is_the_first_held(bundled_db):
    # Montgomery and Murray County Sheriff's Offices, GA: "first pending 2025-05-15 am", the first pending list held,
    # read as "pending since 15 May 2025", which no list held tells (the pending page says so too).
    text = run(bundled_db, "agreements", "--state", "GA", "--status", "pending")
    assert text.endswith(
        "2 agreements were first listed as pending by the first pending list held here (2025-05-15 am): pending since then or earlier,"
        " for a time these lists cannot tell.\n"
    ), text
    assert "first pending list held here" not in run(bundled_db, "agreements", "--state", "FL", "--status", "pending")


def test_the_agency_prints_its_names_as_published(bundled_db):
    # Python's repr quoted each name with the quote it did not hold: 'Walker County Sheriff’s Department' beside
    # "Walker County Sheriff's Office", two names of one agency in two quotings. Names are printed as published.
    text = run(bundled_db, "agency", "Walker County Sheriff's Office", "--state", "TX")
    assert "\n  Walker County Sheriff's Office — the reviewed alias table says so (1.00)\n" in text
    assert "\n  Walker County Sheriff’s Department — the first name the agency was published under (1.00)\n" in text
    assert "\n  Walker County Sheriff's Office: the reviewed alias table says so (1.00; alias), by " in text
    # What the alias table said names both names as in_quotes does, each whole in single quotes, as the page does.
    said = "; evidence: alias: TX: 'Walker County Sheriff's Office' is 'Walker County Sheriff’s Department'\n"
    assert said in text
    text = text.replace(said, "\n")
    assert ": Walker County Sheriff’s Department JEM signed 2020-06-09; Walker County Sheriff's Office WSO signed 2025-04-02; rows " in text
    st_cloud = run(bundled_db, "agency", "St. Cloud Police Department", "--state", "FL")
    assert "evidence: names St. Cloud Police Department and City of St. Cloud Police Department; listed together" in st_cloud
    assert not re.search(r"""["'](Walker|St\. Cloud|City of St)""", text + st_cloud)  # the rule's own words quote 'City of'


def test_the_pipeline_names_the_pending_lists_it_is_measured_in(bundled_db):
    # "Pending since 2025-05-15 (4 pending lists)" read as the date the agreements became pending: it is the first
    # pending list held here, and the waits are measured in the lists held.
    text = run(bundled_db, "pipeline")
    assert text.startswith("From the 4 pending lists held here (2025-05-15 am to 2025-07-11 am) and the participating lists:\n"), text
    assert "Pending since" not in text


def test_the_pipeline_of_one_pending_list_names_it_once(db, tmp_path, alias_file):
    pub = Publisher(db, tmp_path)
    pub.publish("pending", "2025-05-01", [row("FL", "Sigma Police Department", "TFM", None)])
    pub.publish("participating", "2025-05-08", [row("FL", "Sigma Police Department", "TFM", "2025-05-02")])
    assert run(db, "pipeline").startswith("From the 1 pending list held here (2025-05-01 am) and the participating lists:\n")
    with TestClient(create_app(db)) as site:
        page = text_of(site.get("/pending").text)
    # one list, named once (it read "1 pending lists held here, 2025-05-01 am to ICE's pending list of 2025-05-01 am")
    assert re.search(r"From ICE's 1 pending list held here, 2025-05-01 am ?, and the participating lists\.", page), page
    assert "1 pending lists" not in page


def test_an_error_line_quotes_a_value_holding_an_apostrophe_as_any_other(db):
    # wording.quoted took Python's repr, which quoted such a value with the quote it did not hold ("O'Brien's").
    from tests.in_process import run_g287

    status, out, err = run_g287(db.url, "agency", "O'Brien's Police\tDepartment")
    assert (status, out) == (1, "") and err == "g287: error: no agency named like 'O'Brien's Police\\tDepartment'\n", err
