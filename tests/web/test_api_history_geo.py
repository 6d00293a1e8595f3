"""The API's resources over history and geography (diff, timeline, pipeline, coverage, counties): every filter,
each answer equal to the service it is a layer over, each figure with its publication."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from g287.cli import cli
from g287.geo.coverage import coverage
from g287.history.diff import diff
from g287.history.pipeline import pipeline
from g287.history.timeline import timeline
from g287.registry.publications import resolve

LATEST = "participatingAgencies07092025am.xlsx"


def test_diff_between_two_publications(site, bundled_db):
    answer = site.get("/api/v1/diff", params={"from": "2025-05-16", "to": "2025-07-09"}).json()
    with bundled_db.session() as session:
        expected = diff(session, resolve(session, "2025-05-16"), resolve(session, "2025-07-09"))
    assert answer["counts"] == expected["counts"] and answer["from"]["publication"] == "participatingAgencies05162025am.xlsx"
    assert answer["to"]["publication"] == LATEST and answer["to"]["source"] == "ICE"
    assert answer["counts"]["renamed"] > 0 and all(r["reason"] for r in answer["renamed"])  # each rename with its rule
    assert {c["agency_id"] for c in answer["added"]} == {c["agency_id"] for c in expected["added"]}
    assert all(c["status_since"] for c in answer["removed"])
    by_id = site.get("/api/v1/diff", params={"from": answer["from"]["publication_id"], "to": answer["to"]["publication_id"]}).json()
    assert by_id["counts"] == answer["counts"]
    assert site.get("/api/v1/diff", params={"from": "2025-05-16", "to": "2025-07-09", "end_after": 1}).json()["end_after"] == 1
    assert site.get("/api/v1/diff", params={"from": "2025-05-16"}).status_code == 422
    assert site.get("/api/v1/diff", params={"from": "nothing", "to": "2025-07-09"}).status_code == 404
    for empty in ("", " "):  # no name at all: a parameter refused (it was a 404, "no publication named ''")
        answer = site.get("/api/v1/diff", params={"from": empty, "to": "2025-07-09"})
        assert answer.status_code == 422 and [f["field"] for f in answer.json()["error"]["fields"]] == ["from"]


def test_diff_refuses_a_pending_list(site):
    pending = next(p for p in site.get("/api/v1/publications", params={"kind": "pending"}).json())
    answer = site.get("/api/v1/diff", params={"from": pending["id"], "to": "2025-07-09"})
    # The publication exists: naming the wrong kind of list is a bad parameter (422, naming it), not a missing record.
    fields = answer.json()["error"]["fields"]
    assert answer.status_code == 422 and fields[0]["field"] == "from" and "diff compares participating lists" in fields[0]["message"]


@pytest.mark.parametrize(
    "params",
    [{}, {"every": "day"}, {"every": "week"}, {"every": "month"}, {"state": "FL"}, {"model": "WSO"}, {"from": "2025-06-01", "to": "2025-06-30", "every": "day"}],
)
def test_timeline_filters(site, bundled_db, params):
    answer = site.get("/api/v1/timeline", params=params).json()
    with bundled_db.session() as session:
        expected = timeline(
            session, state=params.get("state"), model=params.get("model"), every=params.get("every", "publication"),
            start=dt.date.fromisoformat(params["from"]) if "from" in params else None, end=dt.date.fromisoformat(params["to"]) if "to" in params else None,
        )
    assert answer["items"] == expected and answer["every"] == params.get("every", "publication")
    if "from" in params:
        assert answer["items"][0]["date"] == "2025-06-01" and answer["items"][-1]["date"] == "2025-06-30" and len(answer["items"]) == 30
    if not params:
        assert answer["items"][-1]["participating_moas"] == 807 and answer["items"][-1]["participating_publication"]["file"] == LATEST


def test_timeline_invalid(site):
    assert site.get("/api/v1/timeline", params={"every": "year"}).status_code == 422
    assert site.get("/api/v1/timeline", params={"state": "ZZ"}).status_code == 422
    for empty in ({"from": "2030-01-01"}, {"to": "2020-01-01"}):
        answer = site.get("/api/v1/timeline", params=empty)
        assert answer.status_code == 200 and answer.json()["items"] == []  # no day in the range, no entry
    # A first date after the last is a mistake in the request, refused as diff refuses publications out of order.
    reversed_range = site.get("/api/v1/timeline", params={"from": "2025-07-01", "to": "2025-06-01"})
    assert reversed_range.status_code == 422 and reversed_range.json()["error"]["fields"][0]["field"] == "from"


def test_pipeline(site, bundled_db):
    answer = site.get("/api/v1/pipeline").json()
    with bundled_db.session() as session:
        expected = pipeline(session)
    assert answer["durations"] == expected["durations"] and answer["pending_publications"] == 4
    assert len(answer["moved"]) == len(expected["moved"]) > 0 and set(answer["by_model"]) <= {"JEM", "TFM", "WSO"}
    assert len(answer["still_pending"]) == len(expected["still_pending"])


@pytest.mark.parametrize("params", [{}, {"vintage": "2000"}, {"model": "JEM"}, {"as_of": "2025-05-29"}, {"as_of": "2025-05-29", "vintage": "2022", "model": "TFM"}])
def test_coverage(site, bundled_db, params):
    answer = site.get("/api/v1/coverage", params=params).json()
    with bundled_db.session() as session:
        expected = coverage(session, dt.date.fromisoformat(params["as_of"]) if "as_of" in params else None, params.get("vintage"), params.get("model"))
    assert answer == expected
    if params.get("vintage") == "2000":
        assert answer["counties_total"] == 3141
    assert answer["publication"]["source"] == "ICE"


def test_coverage_invalid_and_empty(site):
    assert site.get("/api/v1/coverage", params={"vintage": "1990"}).status_code == 422
    # Before the first list nothing is covered: the same shape, zero counts and no publication (as /stats says it).
    before = site.get("/api/v1/coverage", params={"as_of": "2020-01-01", "vintage": "2022", "model": "JEM"})
    assert before.status_code == 200
    empty, full = before.json(), site.get("/api/v1/coverage", params={"vintage": "2022"}).json()
    assert empty["publication"] is None and empty["as_of"] == "2020-01-01" and empty["model"] == "JEM"
    assert empty["counties_with_county_agency"] == empty["counties_with_any_agency"] == empty["states_with_agreement"] == 0
    assert empty["listings"]["total"] == 0 and empty["percent"] == {"counties_with_county_agency": 0.0, "counties_with_any_agency": 0.0, "states_with_agreement": 0.0}
    assert shape({**empty, "publication": None}) == shape({**full, "publication": None}) and empty["counties_total"] == full["counties_total"] == 3144
    assert {k: v["counties_total"] for k, v in empty["by_state"].items()} == {k: v["counties_total"] for k, v in full["by_state"].items() if v["fips"] and k in empty["by_state"]}
    assert not any(v["has_agreement"] or v["moas"] for v in empty["by_state"].values())


def shape(value):
    """The keys of a JSON answer, nested (the keys of by_state's entries, not which states)."""
    if isinstance(value, dict) and "AL" in value:
        return {"by state": shape(value["AL"])}
    return {k: shape(v) for k, v in value.items() if not k.startswith("no_county_text_by") and k != "territories_with_agreement"} if isinstance(value, dict) else None


def test_counties_of_a_state(site):
    florida = site.get("/api/v1/counties", params={"state": "FL"}).json()
    assert florida["total"] == 67 == len(florida["items"]) and florida["vintage"] == "2022"
    assert florida["participating_publication"]["file"] == LATEST
    located = sum(c["moas"] for c in florida["items"])
    assert located + florida["listings_not_located"]["participating"] == 307  # every Florida MOA: located or counted apart
    hillsborough = next(c for c in florida["items"] if c["fips"] == "12057")
    assert hillsborough["name"] == "Hillsborough County" and hillsborough["moas"] >= 1 and hillsborough["has_county_agency"]
    listed = site.get("/api/v1/counties", params={"state": "FL", "with_agreements": "true"}).json()
    assert listed["total"] == florida["counties_with_agreement"] and all(c["moas"] or c["pending_listings"] for c in listed["items"])


@pytest.mark.parametrize(
    "params, check",
    [
        ({}, lambda a: a["total"] == 3144 and a["vintage"] == "2022"),
        ({"vintage": "2000"}, lambda a: a["total"] == 3141),
        ({"model": "WSO", "state": "TX"}, lambda a: all(set(c["by_model"]) >= {"WSO"} and c["by_model"]["JEM"] == c["by_model"]["TFM"] == 0 for c in a["items"])),
        ({"as_of": "2025-05-29", "state": "FL"}, lambda a: a["participating_publication"]["file"] == "participatingAgencies05292025am.xlsx"),
        ({"limit": 10, "offset": 20}, lambda a: len(a["items"]) == 10 and a["offset"] == 20 and a["total"] == 3144),
    ],
)
def test_every_county_filter(site, params, check):
    answer = site.get("/api/v1/counties", params=params)
    assert answer.status_code == 200 and check(answer.json())


def test_one_county(site):
    county = site.get("/api/v1/counties/12057").json()
    assert county["name"] == "Hillsborough County" and county["state"] == "FL" and "2000" in county["vintages"]
    assert county["participating"]["rows"] >= 1 and county["has_county_agency"]
    assert any(a["name"] == "Hillsborough County Sheriff's Office" for a in county["agencies"])
    assert county["participating_publication"]["file"] == LATEST
    earlier = site.get("/api/v1/counties/12057", params={"as_of": "2025-05-16", "model": "WSO"}).json()
    assert earlier["participating_publication"]["file"] == "participatingAgencies05162025am.xlsx"
    assert all(set(a["models"]) <= {"WSO"} for a in earlier["agencies"])
    assert site.get("/api/v1/counties/99999").status_code == 404
    assert site.get("/api/v1/counties/123").status_code == 422


def test_diff_answers_the_json_of_g287_diff(site, bundled_db):
    """The README gives the API's diff as the JSON of `g287 diff` (and pending-changes as that of `--kind pending`):
    a field an item does not have (old_signed of an agreement added, note of one never listed before) is left out of
    both, never null in one of them."""
    def shown(span: dict, kind: str) -> dict:
        result = CliRunner().invoke(cli, ["--database", bundled_db.url, "diff", span["from"], span["to"], "--kind", kind, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    participating, pending = {"from": "2025-05-16", "to": "2025-07-09"}, {"from": "2025-05-15", "to": "2025-07-09"}
    whole = shown(participating, "participating")
    assert site.get("/api/v1/diff", params=participating).json() == whole
    assert site.get("/api/v1/pending-changes", params=pending).json() == shown(pending, "pending")
    # The pair has items with and without the optional fields: the equality above covers their omission.
    added = whole["added"] + whole["from_pending"]
    assert any("note" in item for item in added) and any("note" not in item for item in added)
    assert any("same_moa_now_under" in item for item in whole["removed"]) and not any("old_signed" in item for item in added)
