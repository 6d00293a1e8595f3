"""The history commands, as a user types them."""

import json

from click.testing import CliRunner

from g287.cli import cli, common


def run(db, *args):
    result = CliRunner().invoke(cli, ["--database", db.url, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_diff_json_keys(bundled_db):
    data = json.loads(run(bundled_db, "diff", "2025-05-16", "2025-05-29", "--json"))
    for key in ("added", "removed", "renamed", "signed_date_changed", "from_pending", "to_pending"):
        assert isinstance(data[key], list)
    assert data["counts"]["from_pending"] == len(data["from_pending"]) > 0
    for item in data["added"] + data["from_pending"]:
        assert {"state", "agency", "model"} <= set(item)
    text = run(bundled_db, "diff", "2025-05-16", "2025-05-29")
    assert "renamed: " in text and "City of Melbourne Police Department -> Melbourne Police Department" in text


def test_timeline_json_and_filters(bundled_db, monkeypatch):
    rows = json.loads(run(bundled_db, "timeline", "--every", "publication", "--json"))
    assert {"date", "participating_moas", "states", "by_model", "pending_listings"} <= set(rows[0])
    florida = json.loads(run(bundled_db, "timeline", "--state", "fl", "--model", "TFM", "--every", "month", "--json"))
    assert [r["date"] for r in florida] == ["2025-05-31", "2025-06-30", "2025-07-11"]
    assert all(r["states"] in (None, 1) for r in florida)
    monkeypatch.setattr(common.console, "width", 200)  # a wide terminal: the table shows whole file names
    assert "participatingAgencies07092025am.xlsx" in run(bundled_db, "timeline", "--every", "week")


def test_a_range_outside_the_publications_has_no_entry_as_in_the_api(bundled_db):
    """The README says dates outside the span held are cut to it: `--from` after the latest list alone was refused
    ("start is after the end 2025-07-11"), while the API answered no entry."""
    for args in (["--from", "2025-08-01"], ["--from", "2020-01-01", "--to", "2025-05-01"]):
        assert json.loads(run(bundled_db, "timeline", *args, "--json")) == []
        assert run(bundled_db, "timeline", *args).strip() == "No date in the range: the publications held span 2025-05-15 to 2025-07-11."
    reversed_range = CliRunner().invoke(cli, ["--database", bundled_db.url, "timeline", "--from", "2025-07-01", "--to", "2025-06-01"])
    assert str(reversed_range.exception) == "the start 2025-07-01 is after the end 2025-06-01"  # a mistake: said (in one line, by run_cli)


def test_agency_in_words_says_what_its_json_holds(bundled_db):
    """The text printed the names, each agreement's status and the listings' spans only: no merge, no lifecycle,
    no row number, which the README promises and the JSON holds."""
    data = json.loads(run(bundled_db, "agency", "St. Cloud Police Department", "--state", "FL", "--json"))
    text = run(bundled_db, "agency", "St. Cloud Police Department", "--state", "FL")
    merge = data["merges"][0]
    assert f"{merge['name']}: {merge['reason']} ({merge['confidence']:.2f}; {merge['rule']}), by {merge['by']}" in text
    assert "evidence: names St. Cloud Police Department and City of St. Cloud Police Department; listed together" in text
    life = data["agreements"][0]["lifecycle"]
    assert f"participating lists: {life['first_participating']['published']} am to {life['last_participating']['published']} am (6 lists in force; 7 with the lists replaced the same half-day)" in text
    assert "signed dates as listed: 2025-04-14, 2025-04-15 from 2025-05-16 am" in text
    walworth = run(bundled_db, "agency", "Walworth County Sheriff's Office", "--state", "WI")
    assert "WSO: omitted lately" in walworth and "not in the participating lists after 2025-07-03 pm" in walworth  # absent from 9 July
    for listing in data["listings"]:
        numbers = f"{', '.join(map(str, listing['row_numbers_first']))} in the first list, {', '.join(map(str, listing['row_numbers_last']))} in the last"
        assert numbers in text


def test_pipeline_agreements_agency_review_alias(bundled_db):
    data = json.loads(run(bundled_db, "pipeline", "--json"))
    assert data["durations"]["to_listed"]["count"] > 0
    assert "median" in run(bundled_db, "pipeline")
    ended = json.loads(run(bundled_db, "agreements", "--status", "ended", "--json"))
    assert ended and all(a["status"] == "ended" for a in ended)
    history = json.loads(run(bundled_db, "agency", "Melbourne Police Department", "--state", "FL", "--json"))
    assert {n["name"] for n in history["names"]} == {"City of Melbourne Police Department", "Melbourne Police Department"}
    assert history["merges"][0]["rule"] == "place_prefix"
    # The two agreements that left the pending list as they were listed as signed under a longer name were proposed
    # for review and joined by the reviewed alias table (the proposal itself: test_real_history).
    assert run(bundled_db, "review").strip() == "nothing to review"
    aliases = run(bundled_db, "alias")
    assert "University of West Florida" in aliases and "Arkansas State Police" in aliases and "Lower Burrell" in aliases


def test_a_name_two_agencies_were_published_under_names_both(bundled_db):
    """Texas's Walker County sheriff is listed as "Walker County Sheriff's Office" too (for its WSO; the reviewed
    alias table joins it to "Walker County Sheriff’s Department"), and so is Georgia's: `g287 agency` with that name
    showed Georgia's alone, as its current name is that name, and hid Texas's."""
    result = CliRunner().invoke(cli, ["--database", bundled_db.url, "agency", "Walker County Sheriff's Office"])
    assert result.exit_code != 0
    message = str(result.exception)
    assert message.startswith("2 agencies match: ") and " GA Walker County Sheriff's Office" in message and " TX Walker County Sheriff’s Department" in message
    texas = json.loads(run(bundled_db, "agency", "Walker County Sheriff's Office", "--state", "TX", "--json"))
    assert texas["agency"]["state"] == "TX"


def test_diff_items_are_in_reading_order(bundled_db):
    """Each list of the diff runs by state, then name, then model: it ran by str((agency id, model)), which put
    Limestone County, Alabama between two Florida agencies and Auburndale, Florida after Pennsylvania."""
    data = json.loads(run(bundled_db, "diff", "2025-05-16", "2025-07-09", "--json"))
    for key in ("added", "from_pending", "signed_date_changed"):
        items = [(item["state"], item["agency"].lower(), item["model"]) for item in data[key]]
        assert len(items) > 5 and items == sorted(items), key


def test_a_range_between_publications_says_so(bundled_db):
    """--every publication over days of the span held, none a publication's day, said "No date in the range: the
    publications held span ..." as if the range lay outside that span."""
    text = run(bundled_db, "timeline", "--every", "publication", "--from", "2025-06-01", "--to", "2025-06-10")
    assert text.strip() == "No publication in the range 2025-06-01 to 2025-06-10: the publications held span 2025-05-15 to 2025-07-11."


def test_diff_in_words_writes_dates_and_k_as_words(bundled_db):
    # The signed dates were printed as Python lists (['2025-06-12'] -> ['2025-06-11']); K=1 as "1 or more consecutive".
    text = run(bundled_db, "diff", "2025-06-20", "2025-07-09")
    assert "  AL  Limestone County Sheriff's Office  TFM: 2025-06-12 -> 2025-06-11" in text.splitlines() and "['" not in text
    text = run(bundled_db, "diff", "2025-06-20", "2025-07-09", "--end-after", "1")
    assert "no longer listed (absent from a list in force; ICE gives no reason" in text and "1 or more" not in text
    assert "absent from 2 or more consecutive lists in force" in run(bundled_db, "diff", "2025-05-16", "2025-07-09")


def test_pipeline_in_words_gives_each_state_and_the_distributions(bundled_db):
    # The README lists them for the command; only --json held the states and the distributions.
    data = json.loads(run(bundled_db, "pipeline", "--json"))
    lines = run(bundled_db, "pipeline").splitlines()
    assert data["by_state"] and "By state:" in lines
    for usps, figures in data["by_state"].items():
        count = figures["to_listed"]["count"]
        assert any(line.startswith(f"{usps:10} {count:4} agreement") for line in lines), usps
    for label, figures in {"all": data["durations"], **data["by_model"]}.items():
        # the spans the lists held can observe (they span 57 days), each with the JSON's count: every agreement is in one
        spans = [(days, n) for days, n in figures["to_listed"]["distribution"].items() if int(days.rstrip("+").split("-")[0]) <= 57]
        spread = ", ".join(f"{days.replace('-', '–').replace('–60', '–57')} days {n}" for days, n in spans)
        assert sum(n for _, n in spans) == figures["to_listed"]["count"]
        assert any(line.startswith(f"{label:10} to be listed: {spread};") for line in lines), label


def test_pipeline_in_words_says_of_how_many_the_wait_to_the_signed_date_is_known(bundled_db):
    # "all 51 agreements; median 18 days to be listed, 13 days to the signed date" gave the second median as one of
    # the 51, while one agreement has no single signed date; the pending page says "(51 agreements) ... 13 days (50)".
    data = json.loads(run(bundled_db, "pipeline", "--json"))
    lines = run(bundled_db, "pipeline").splitlines()
    assert f"{'all':10}   51 agreements; median 18 days to be listed, 13 days to the signed date (known for 50)" in lines
    for label, figures in {**data["by_model"], **data["by_state"]}.items():
        listed, signed = figures["to_listed"]["count"], figures["to_signed"]["count"]
        line = next(line for line in lines if line.startswith(f"{label:10} {listed:4} agreement"))
        assert line.endswith("to the signed date" if signed == listed else f"to the signed date (known for {signed})"), line


def test_agency_zero_is_no_id_and_no_name(bundled_db):
    # "0" is no record's id, and is read as (part of) a name: the message said only "no agency named like '0'".
    from tests.in_process import run_g287

    status, _out, err = run_g287(bundled_db.url, "agency", "0")
    assert status == 1
    assert err.strip() == "g287: error: no agency with id '0', nor any named like it: ids are whole numbers from 1 to 2147483647"


def test_an_moa_listed_under_another_agency_is_said_so_on_both_sides(bundled_db):
    """Okaloosa County, FL: the WSO MOA of the Sheriff's Office (signed 2025-02-26) is listed from 3 July 2025 under
    the Department of Corrections, the same document. The diff said only that one agreement ended and another began."""
    data = json.loads(run(bundled_db, "diff", "2025-06-20", "2025-07-09", "--json"))
    gone = [i for i in data["removed"] if "same_moa_now_under" in i]
    new = [i for i in data["added"] + data["from_pending"] if "same_moa_before_under" in i]
    assert [(i["agency"], i["model"], i["same_moa_now_under"]["agency"]) for i in gone] == [("Okaloosa County Sheriff's Office", "WSO", "Okaloosa County Department of Corrections")]
    assert [(i["agency"], i["same_moa_before_under"]["agency_id"]) for i in new] == [("Okaloosa County Department of Corrections", gone[0]["agency_id"])]
    assert gone[0]["same_moa_now_under"]["agency_id"] == new[0]["agency_id"]
    assert gone[0]["status_since"].startswith("the same MOA (document and signed date) is listed under Okaloosa County Department of Corrections in the later list; no longer listed")
    text = run(bundled_db, "diff", "2025-06-20", "2025-07-09")
    assert "  FL  Okaloosa County Department of Corrections  WSO  2025-02-26  the same MOA (document and signed date) was listed under Okaloosa County Sheriff's Office in the earlier list" in text.splitlines()


def test_an_moa_is_said_to_be_listed_elsewhere_only_when_one_agreement_matches_on_each_side():
    from g287.history.diff import Side, _mark_moas_listed_elsewhere

    def side(*agreements):
        found = Side()
        for agency_id, url in agreements:
            found.agreements[(agency_id, "WSO")] = {"state": "FL", "names": {f"Agency {agency_id}"}, "signed": {None}, "moas": {url}}
        return found

    def items(*agency_ids):
        return [{"agency": f"Agency {n}", "agency_id": n, "model": "WSO", "status_since": "no longer listed"} for n in agency_ids]

    removed, added = items(1, 2), items(3)  # two agreements of the earlier list gave the document: which one moved?
    _mark_moas_listed_elsewhere(side((1, "u"), (2, "u")), side((3, "u")), removed, added)
    assert not any("same_moa_now_under" in i for i in removed) and "same_moa_before_under" not in added[0]
    removed, added = items(1), items(3)
    _mark_moas_listed_elsewhere(side((1, "u")), side((3, "other")), removed, added)  # another document
    assert "same_moa_now_under" not in removed[0]
    _mark_moas_listed_elsewhere(side((1, "u")), side((3, "u")), removed, added)
    assert removed[0]["same_moa_now_under"] == {"agency": "Agency 3", "agency_id": 3}


def test_stats_in_words_says_how_old_the_list_in_force_is():
    # "As of 2026-11-30: 807 MOAs ..." read as today's figures over a list of July 2025 (the site's pages say its age).
    from g287.registry.figures import headline

    figures = {"as_of": "2025-07-20", "origin": "ice", "pending": None, "participating": {
        "moas": 807, "agencies": 658, "states": 40, "by_model": {"JEM": 117, "TFM": 399, "WSO": 291},
        "published": "2025-07-09", "half": "am", "publication": "participatingAgencies07092025am.xlsx", "source": "ICE"}}
    assert headline(figures).endswith("per ICE's participating list of 2025-07-09 am (participatingAgencies07092025am.xlsx), published 11 days before that date.")
    figures["as_of"] = "2025-07-09"
    assert headline(figures).endswith("(participatingAgencies07092025am.xlsx).")


def test_pipeline_in_words_with_no_wait_measured_says_so(tmp_path):
    """With one pending list, no wait is measured: the command printed "By state:" over nothing and the line
    "all        to be listed: ; to the signed date: "."""
    from g287.config import BUNDLED_PUBLICATIONS_DIR
    from tests.conftest import make_database

    db, close = make_database("sqlite", tmp_path)
    try:
        run(db, "ingest", str(BUNDLED_PUBLICATIONS_DIR / "pending" / "pendingAgencies05152025am.xlsx"))
        out = run(db, "pipeline")
    finally:
        close()
    assert "By state: no wait measured\n" in out
    assert "all        to be listed: none measured; to the signed date: none measured\n" in out
    assert ": ;" not in out and not out.rstrip().endswith(":")
