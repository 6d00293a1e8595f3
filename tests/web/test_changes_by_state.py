"""The changes between two lists narrowed to one state: the page /changes, the API's diff and `g287 diff --state`
read a state's changes through history's one filter (diff.in_state), as the feed per state does; a code no state
has is refused as every `state` parameter refuses it."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from g287.cli import cli

KINDS = ("added", "removed", "renamed", "signed_date_changed", "from_pending", "to_pending")
SPAN = {"from": "2025-05-16", "to": "2025-07-09"}


def in_state(whole: dict, state: str) -> dict:
    return {key: [item for item in whole[key] if item["state"] == state] for key in KINDS}


@pytest.mark.parametrize("given", ["fl", "Fl", "FL"])
def test_the_api_diff_gives_one_states_changes(site, given):
    whole = site.get("/api/v1/diff", params=SPAN).json()
    answer = site.get("/api/v1/diff", params={**SPAN, "state": given})
    assert answer.status_code == 200, answer.text
    narrowed = answer.json()
    expected = in_state(whole, "FL")
    assert {key: narrowed[key] for key in KINDS} == expected
    assert narrowed["counts"] == {key: len(items) for key, items in expected.items()}
    assert narrowed["state"] == "FL" and whole["state"] is None
    assert narrowed["counts"]["from_pending"] > 0 and narrowed["counts"]["added"] < whole["counts"]["added"]


@pytest.mark.parametrize("given", ["zz", "Texas", " tx"])
def test_the_api_diff_refuses_a_code_no_state_has(site, given):
    answer = site.get("/api/v1/diff", params={**SPAN, "state": given})
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["message"].startswith(f"state {given!r}: not a state's USPS code")


def test_the_changes_page_gives_one_states_changes_and_figures(site):
    whole = site.get("/api/v1/diff", params=SPAN).json()
    page = site.get("/changes", params={**SPAN, "state": "tx"})
    assert page.status_code == 200
    texas = {(i["agency_id"], i["model"]) for i in in_state(whole, "TX")["added"]}
    elsewhere = {(i["agency_id"], i["model"]) for i in whole["added"]} - texas
    listed = set(re.findall(r'<li><a href="/agencies/(\d+)">[^<]*</a> \(([A-Z]{2})\), (JEM|TFM|WSO)', page.text))
    assert {(int(a), m) for a, s, m in listed if s == "TX"} >= texas and {s for _a, s, _m in listed} == {"TX"}
    assert not {(int(a), m) for a, _s, m in listed} & elsewhere
    assert ", in Texas only." in page.text and "Figures of the two publications in Texas" in page.text
    assert re.search(r"<th scope=\"row\">States</th><td class=\"n\">1</td><td class=\"n\">1</td>", page.text)
    assert '<option value="TX" selected>' in page.text and "/api/v1/diff?from=" in page.text and "state=TX" in page.text


def test_the_pending_changes_page_gives_one_states_changes(site):
    whole = site.get("/changes", params={"kind": "pending", "from": "2025-05-15", "to": "2025-07-09"})
    florida = site.get("/changes", params={"kind": "pending", "from": "2025-05-15", "to": "2025-07-09", "state": "FL"})
    states = set(re.findall(r'</a> \(([A-Z]{2})\), (?:JEM|TFM|WSO)</li>', whole.text))
    assert len(states) > 1
    assert set(re.findall(r'</a> \(([A-Z]{2})\), (?:JEM|TFM|WSO)</li>', florida.text)) == {"FL"}


def test_the_changes_page_refuses_a_code_no_state_has(site):
    page = site.get("/changes", params={"state": "zz"})
    assert page.status_code == 422 and "state &#39;zz&#39;: not a state&#39;s USPS code" in page.text


def test_g287_diff_takes_a_state(bundled_db):
    def run(*args):
        return CliRunner().invoke(cli, ["--database", bundled_db.url, "diff", SPAN["from"], SPAN["to"], *args])

    whole = json.loads(run("--json").output)
    narrowed = json.loads(run("--state", "fl", "--json").output)
    assert {key: narrowed[key] for key in KINDS} == in_state(whole, "FL") and narrowed["state"] == "FL"
    text = run("--state", "FL").output
    assert text.startswith("From participatingAgencies05162025am.xlsx to participatingAgencies07092025am.xlsx, in Florida only:")
    assert f"\nmoved from pending to participating: {narrowed['counts']['from_pending']}\n" in text
    refused = run("--state", "zz")
    assert refused.exit_code != 0 and "--state 'zz': not a state's USPS code" in str(refused.exception)
