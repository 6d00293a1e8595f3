"""Identity evidence is stored with the names in Python's quotes (repr: "O'Brien's Police Department" in double
quotes, a backslash doubled); every reader gets them as the project quotes names (wording.in_quotes): `g287 review`
and `g287 agency`, their JSON, the agency's page and the API. The names stay separate fields, as stored."""

from __future__ import annotations

import csv
import html
import io
import json
import warnings

import pytest

from g287.history import review
from g287.history.identity import SYSTEM
from g287.web.app import create_app
from g287.wording import in_quotes
from tests.history.builders import Publisher, row
from tests.history.test_identity import agency_of, pending_candidates
from tests.history.test_identity_late_lists import ingested, lists
from tests.history.test_identity_late_lists import merges as stored_merges
from tests.in_process import run_g287

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

APOSTROPHE = "O'Brien's Police Department"  # repr: in double quotes
QUOTE_BACKSLASH = 'Kings "East" Sheriff\\Police Department'  # repr: in single quotes, the backslash doubled
HIALEAH = "Hialeah Police Department"


@pytest.fixture
def pub(db, tmp_path, alias_file):
    return Publisher(db, tmp_path)


def write_table(alias_file, *entries):
    """The alias table with these FL entries, quoted as CSV quotes names holding quotes."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["state", "name", "relation", "other_name", "reason", "reviewed"])
    writer.writerows(["FL", a, relation, b, "test", "2025-05-01"] for a, relation, b in entries)
    alias_file.write_text(text.getvalue())


def shown(db, agency_id) -> tuple[dict, str, dict]:
    """The agency's merges as `g287 agency --json` gives them, its page's text (unescaped) and its API document."""
    status, out, err = run_g287(db.url, "agency", str(agency_id), "--json")
    assert status == 0, err
    with TestClient(create_app(db)) as client:
        page, api = client.get(f"/agencies/{agency_id}"), client.get(f"/api/v1/agencies/{agency_id}")
    assert page.status_code == 200 and api.status_code == 200
    return json.loads(out), html.unescape(page.text), api.json()


def test_an_alias_merge_shows_its_names_as_in_quotes_quotes_them(db, pub, actor):
    pub.publish("participating", "2025-05-16", [row("FL", APOSTROPHE, "TFM"), row("FL", QUOTE_BACKSLASH, "JEM")])
    review.add_alias(db, actor, "FL", APOSTROPHE, "same", QUOTE_BACKSLASH, "one office (test)")
    agency_id = agency_of(db, "FL", QUOTE_BACKSLASH)
    said = f"FL: {in_quotes(APOSTROPHE)} is {in_quotes(QUOTE_BACKSLASH)}"
    assert said == "FL: 'O'Brien's Police Department' is 'Kings \"East\" Sheriff\\Police Department'"
    cli, page, api = shown(db, agency_id)
    assert [m["evidence"]["alias"] for m in cli["merges"]] == [said]
    assert [m["evidence"]["alias"] for m in api["merges"]] == [said]
    assert f"alias: {said}" in page
    assert repr(APOSTROPHE) not in page and repr(QUOTE_BACKSLASH) not in page
    # The text output gives it, and the reason `alias add` was given, in the page's words (it gave none of them).
    assert f"alias: {said} · reason: one office (test)" in page
    status, out, err = run_g287(db.url, "agency", str(agency_id))
    assert status == 0, err
    [merge_line] = [line for line in out.splitlines() if line.startswith(f"  {APOSTROPHE}: ")]
    assert merge_line.endswith(f"; evidence: alias: {said}; reason: one office (test)"), merge_line


def test_an_alias_contradiction_and_its_review_show_the_names_as_in_quotes_quotes_them(db, pub, actor, alias_file, deferred_writes):
    pub.publish("participating", "2025-05-16", [row("FL", APOSTROPHE, "TFM"), row("FL", QUOTE_BACKSLASH, "TFM")])
    write_table(alias_file, (HIALEAH, "same", APOSTROPHE), (HIALEAH, "same", QUOTE_BACKSLASH))
    pub.publish("participating", "2025-05-29", [row("FL", APOSTROPHE, "TFM"), row("FL", QUOTE_BACKSLASH, "TFM"), row("FL", HIALEAH, "WSO")])
    said = f"FL: the alias table says 'Hialeah Police Department' is {in_quotes(QUOTE_BACKSLASH)} and {in_quotes(APOSTROPHE)}, names of 2 agencies"
    waiting = pending_candidates(db)
    assert [c.evidence["alias"] for c in waiting] == [said, said]
    status, out, err = run_g287(db.url, "review")
    assert status == 0, err
    assert out.count(f"\n    {said}\n") == 2
    status, out, err = run_g287(db.url, "review", "--json")
    assert status == 0, err
    listed = json.loads(out)
    assert [c["evidence"]["alias"] for c in listed] == [said, said]
    # The names as stored, each its own value (the machine-readable part of the evidence).
    assert sorted(c["evidence"]["names"][1] for c in listed) == sorted([APOSTROPHE, QUOTE_BACKSLASH])
    accepted = next(c for c in waiting if c.candidate_name == APOSTROPHE)
    review.decide(db, actor, accepted.id, True, "one agency (test)")
    cli, page, api = shown(db, agency_of(db, "FL", APOSTROPHE))
    [merge] = [m for m in api["merges"] if m["rule"] == "review"]
    assert merge["evidence"]["alias"] == said and merge["evidence"]["names"] == [HIALEAH, APOSTROPHE]
    assert [m["evidence"]["alias"] for m in cli["merges"] if m["rule"] == "review"] == [said]
    assert f"alias: {said}" in page and repr(APOSTROPHE) not in page
    status, out, err = run_g287(db.url, "agency", str(agency_of(db, "FL", APOSTROPHE)))
    assert status == 0, err
    assert f"; evidence: alias: {said}; names {HIALEAH} and {APOSTROPHE}; " in out


@pytest.mark.parametrize("older, newer", [(APOSTROPHE, "O'Brian's Police Department"), (QUOTE_BACKSLASH, 'Kingz "East" Sheriff\\Police Department')])
def test_a_merge_a_late_list_undid_gives_its_reason_with_the_names_as_in_quotes_quotes_them(db, tmp_path, alias_file, older, newer):
    """C, ingested before B, joined the names across B's gap; B undid the merge, its reason naming both names."""
    pair = ("FL", older, newer, "Municipality", "spelling_with_continuity")
    ingested(db, lists(tmp_path / "lists", pair, "neither name"), "ACB")
    [(_rule, _actor, undone_by, stored)] = stored_merges(db)
    assert undone_by == SYSTEM and repr(newer) in stored and repr(older) in stored  # stored as before
    said = (
        "in publication order, with the list of 2025-05-29 am ingested since: the list of 2025-06-10 am is the first to give "
        f"{in_quotes(newer)}; the list before it (2025-05-29 am) gives none of its agreements under {in_quotes(older)}"
    )
    agency_id = agency_of(db, "FL", older)
    cli, page, api = shown(db, agency_id)
    assert [m["undone_reason"] for m in cli["merges"]] == [said]
    assert [m["undone_reason"] for m in api["merges"]] == [said]
    assert f": {said}." in page
    status, out, err = run_g287(db.url, "agency", str(agency_id))
    assert status == 0, err
    assert f": {said}\n" in out and repr(newer) not in out


def test_a_reason_a_person_gave_for_an_undo_is_shown_as_written(db, pub, actor):
    pub.publish("participating", "2025-05-16", [row("FL", APOSTROPHE, "TFM"), row("FL", QUOTE_BACKSLASH, "JEM")])
    review.add_alias(db, actor, "FL", APOSTROPHE, "same", QUOTE_BACKSLASH, "one office (test)")
    reason = 'the "East" office is another one (test)'  # a person's words: read as repr's, "East" would be written 'East'
    review.add_alias(db, actor, "FL", APOSTROPHE, "different", QUOTE_BACKSLASH, reason)
    cli, _page, api = shown(db, agency_of(db, "FL", QUOTE_BACKSLASH))
    assert [m["undone_reason"] for m in cli["merges"]] == [reason] == [m["undone_reason"] for m in api["merges"]]
