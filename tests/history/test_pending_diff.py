"""The changes between two pending lists on the command line and the API: `g287 diff FROM TO --kind pending` and
GET /api/v1/pending-changes answer what the page /changes?kind=pending shows (history's pending_changes). Only the
page gave them: `g287 diff` and the API's diff compared participating lists alone and refused pending ones."""

from __future__ import annotations

import json
import re
import warnings

import pytest

from tests.in_process import run_g287

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from g287.web.app import create_app
from g287.web.params import PUBLICATION_NAME_DOCUMENTED

FIRST, SECOND = "pendingAgencies05152025am.xlsx", "pendingAgencies05302025pm.xlsx"
PARTS = ("added", "to_participating", "not_participating", "renamed")
# The two pending lists' changes, as the page /changes?kind=pending shows them (checked against it below).
COUNTS = {"added": 35, "to_participating": 42, "not_participating": 3, "renamed": 0}
TEXAS = {"added": 4, "to_participating": 2, "not_participating": 1, "renamed": 0}
PAGE_HEADINGS = {
    "added": "Newly pending",
    "to_participating": "No longer pending, listed as signed (on the participating list in force, or on one published between the two pending lists)",
    "not_participating": "No longer pending, not listed as signed (on neither the participating list in force nor one published between the two pending lists)",
}


@pytest.fixture(scope="module")
def client(bundled_db):
    with TestClient(create_app(bundled_db)) as test_client:
        yield test_client


def g287(database, *arguments) -> str:
    status, out, err = run_g287(database.url, "diff", *arguments)
    assert status == 0 and err == "", err
    return out


def refused(database, *arguments) -> str:
    """The one line `g287 diff` refuses these arguments with (exit 1, nothing on stdout)."""
    status, out, err = run_g287(database.url, "diff", *arguments)
    assert (status, out) == (1, "") and len(err.strip().splitlines()) == 1, (status, out, err)
    return err.strip()


def page_counts(client, **params) -> dict[str, int]:
    page = client.get("/changes", params={"kind": "pending", **params})
    assert page.status_code == 200
    return {key: int(re.search(re.escape(f"<h2>{heading} (") + r"(\d+)\)</h2>", page.text)[1]) for key, heading in PAGE_HEADINGS.items()}


def test_two_pending_lists_by_date_and_by_file_name_on_the_command_line_the_api_and_the_page(bundled_db, client):
    by_date = json.loads(g287(bundled_db, "2025-05-15", "2025-05-30pm", "--kind", "pending", "--json"))
    by_file = json.loads(g287(bundled_db, FIRST, SECOND, "--json"))  # file names name their own list: no --kind needed
    assert by_date == by_file
    assert (by_date["from"]["publication"], by_date["to"]["publication"], by_date["state"]) == (FIRST, SECOND, None)
    assert by_date["counts"] == COUNTS and {key: len(by_date[key]) for key in PARTS} == COUNTS
    # Every value: each item names its state, agency, agency id and model; those no longer pending, what decided their part.
    for key in ("added", "to_participating", "not_participating"):
        for item in by_date[key]:
            assert {"state", "agency", "agency_id", "model"} <= set(item) and item["model"] in ("JEM", "TFM", "WSO")
    assert all("signed_decided_by" in item for item in by_date["to_participating"] + by_date["not_participating"])
    api = client.get("/api/v1/pending-changes", params={"from": "2025-05-15", "to": "2025-05-30pm"})
    assert api.status_code == 200, api.text
    assert api.json() == by_date
    by_id = client.get("/api/v1/pending-changes", params={"from": by_date["from"]["publication_id"], "to": by_date["to"]["publication_id"]})
    assert by_id.json() == by_date
    page = client.get("/changes", params={"kind": "pending", "from": by_date["from"]["publication_id"], "to": by_date["to"]["publication_id"]})
    assert f'/api/v1/pending-changes?from={by_date["from"]["publication_id"]}&amp;to={by_date["to"]["publication_id"]}"' in page.text  # its JSON
    assert page_counts(client, **{"from": FIRST, "to": SECOND}) == {key: COUNTS[key] for key in PAGE_HEADINGS}

    text = g287(bundled_db, FIRST, SECOND)
    assert text.startswith(f"From {FIRST} to {SECOND} (pending lists):\n")
    for key, heading in PAGE_HEADINGS.items():
        assert f"\n{heading.lower()}: {COUNTS[key]}\n" in text
    assert "\nrenamed: 0\n" in text
    left = by_date["not_participating"][0]
    assert f"\n  {left['state']}  {left['agency']}  {left['model']}\n" in text.split(PAGE_HEADINGS["not_participating"].lower())[1]


def test_one_states_pending_changes(bundled_db, client):
    texas = json.loads(g287(bundled_db, "2025-05-15", "2025-05-30pm", "--kind", "pending", "--state", "tx", "--json"))
    assert texas["state"] == "TX" and texas["counts"] == TEXAS
    assert {item["state"] for key in PARTS for item in texas[key]} == {"TX"}
    api = client.get("/api/v1/pending-changes", params={"from": FIRST, "to": SECOND, "state": "Tx"})
    assert api.json() == texas
    assert page_counts(client, **{"from": FIRST, "to": SECOND, "state": "TX"}) == {key: TEXAS[key] for key in PAGE_HEADINGS}
    text = g287(bundled_db, FIRST, SECOND, "--state", "TX")
    assert text.startswith(f"From {FIRST} to {SECOND} (pending lists), in Texas only:\n")
    assert "\n  TX  San Jacinto County Sheriff's Office  WSO\n" in text.split(PAGE_HEADINGS["not_participating"].lower() + ": 1")[1]


def test_lists_of_two_kinds_are_refused_in_one_line(bundled_db):
    # A date names the participating list in force then, unless --kind pending: with a pending list's file, two kinds.
    mixed = refused(bundled_db, FIRST, "2025-05-30")
    assert re.fullmatch(
        rf"g287: error: FROM \(publication \d+, {re.escape(FIRST)}\) is ICE's pending list and TO \(publication \d+, participatingAgencies05292025am\.xlsx\) "
        r"is ICE's participating list: diff compares two lists of one kind \(a date names the participating list in force then, and with --kind pending the pending one\)",
        mixed,
    ), mixed
    assert "--kind pending compares two pending lists" in refused(bundled_db, "participatingAgencies05162025am.xlsx", SECOND, "--kind", "pending")
    assert "is ICE's pending list: --kind participating compares two participating lists" in refused(bundled_db, FIRST, SECOND, "--kind", "participating")
    assert refused(bundled_db, FIRST, SECOND, "--end-after", "3") == (
        "g287: error: --end-after applies to participating lists only: the changes between two pending lists count no ends"
    )
    assert "give the earlier publication first" in refused(bundled_db, SECOND, FIRST)


def test_the_api_refuses_a_participating_list_and_end_after(bundled_db, client):
    for params, field, says in (
        ({"from": "participatingAgencies05162025am.xlsx", "to": SECOND}, "from", "is ICE's participating list: pending-changes compares pending lists"),
        ({"from": FIRST, "to": "participatingAgencies05292025am.xlsx"}, "to", "is ICE's participating list: pending-changes compares pending lists"),
        ({"from": SECOND, "to": FIRST}, "from", "give the earlier publication first"),
        ({"from": FIRST, "to": SECOND, "end_after": "2"}, "end_after", "unknown parameter: this endpoint takes from, to, state"),
        ({"from": FIRST, "to": SECOND, "state": "zz"}, "state", "not a state's USPS code"),
    ):
        answer = client.get("/api/v1/pending-changes", params=params)
        assert answer.status_code == 422, answer.text
        (problem,) = answer.json()["error"]["fields"]
        assert problem["field"] == field and says in problem["message"], problem
    assert client.get("/api/v1/pending-changes", params={"from": FIRST, "to": "no-such-list.xlsx"}).status_code == 404


def test_a_name_that_names_no_publication_is_refused_in_words(bundled_db, client):
    """An empty `from` or `to` (or spaces, or a name longer than any) was refused in pydantic's words, "String should
    match pattern '[0-9A-Za-z]'", where every other parameter says what it takes; the OpenAPI document still declares
    the pattern and the length."""
    for endpoint in ("/api/v1/diff", "/api/v1/pending-changes"):
        for params, field, says in (
            ({"from": "", "to": SECOND}, "from", "'': names no publication: give its id, its file name or a date YYYY-MM-DD[am|pm]"),
            ({"from": FIRST, "to": "  "}, "to", "'  ': names no publication: give its id, its file name or a date YYYY-MM-DD[am|pm]"),
            ({"from": "1" * 101, "to": SECOND}, "from", "a name of 101 characters: no publication has one (at most 100)"),
        ):
            answer = client.get(endpoint, params=params)
            assert answer.status_code == 422, answer.text
            assert answer.json()["error"]["fields"] == [{"field": field, "message": says}]
        declared = {p["name"]: p["schema"] for p in client.get("/api/v1/openapi.json").json()["paths"][endpoint]["get"]["parameters"]}
        for name in ("from", "to"):
            assert {k: declared[name][k] for k in ("type", "maxLength", "pattern")} == {"type": "string", "maxLength": 100, "pattern": PUBLICATION_NAME_DOCUMENTED}
            # as documented, the pattern admits the names and ids the API takes and not an id it refuses (0)
            assert all(re.search(declared[name]["pattern"], taken) for taken in (FIRST, SECOND, "1", "2025-05-29am"))
            assert re.search(declared[name]["pattern"], "0") is None


def test_participating_lists_are_compared_as_before(bundled_db, client):
    plain = json.loads(g287(bundled_db, "2025-05-16", "2025-05-29", "--json"))
    assert json.loads(g287(bundled_db, "2025-05-16", "2025-05-29", "--kind", "participating", "--json")) == plain
    api = client.get("/api/v1/diff", params={"from": "2025-05-16", "to": "2025-05-29"}).json()
    assert api["counts"] == plain["counts"] and all([i["agency_id"] for i in api[key]] == [i["agency_id"] for i in plain[key]] for key in plain["counts"])
    assert {"end_after", "from_pending", "to_pending", "signed_date_changed"} <= set(plain)
    assert g287(bundled_db, "2025-05-16", "2025-05-29").startswith("From participatingAgencies05162025am.xlsx to participatingAgencies05292025am.xlsx:\n")
    answer = client.get("/api/v1/diff", params={"from": FIRST, "to": SECOND})
    assert answer.status_code == 422 and "diff compares participating lists" in answer.text
