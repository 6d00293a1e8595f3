"""The same facts through every door: `g287 stats --json`, the API's stats, agreements, states, coverage and timeline,
the agreements export and the fact sheet count the lists in force on a date alike, where they count the same thing.
MOAs are rows (ICE's count) while the agreements export and /api/v1/agreements give one item per agreement with the
rows that list it (`rows_in_list`, `rows`): a duplicate row is one agreement, so the rows, not the items, sum to the
MOAs. A listing whose SUPPORT TYPE gives no model is an MOA of no model: every figure by model says so."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import warnings
from collections import Counter

import pytest

from g287.db.engine import Database
from g287.exports.factsheet import factsheet, factsheet_pdf
from g287.exports.ice_workbook import IceRow, write_ice_workbook
from g287.geo.coverage import coverage_or_none_covered
from g287.registry import figures
from g287.registry.ingest import ingest_file
from g287.web.app import create_app
from tests.in_process import run_g287

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

# Before the first list; the first participating list; a day with its own list; the day ICE published two
# participating files (pm, __v2 in force); the latest participating list; the latest pending list, after it.
DATES = ["2025-01-01", "2025-05-16", "2025-05-29", "2025-07-03", "2025-07-09", "2025-07-11"]


def _csv_rows(site, **params) -> list[dict]:
    response = site.get("/exports/agreements.csv", params=params)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _by_rows(rows: list[dict], key: str) -> Counter:
    counts: Counter = Counter()
    for row in rows:
        counts[row[key]] += int(row["rows_in_list"])
    return counts


@pytest.mark.parametrize("as_of", DATES)
def test_the_figures_of_a_date_agree_through_every_door(sqlite_site, as_of):
    site = sqlite_site
    day = dt.date.fromisoformat(as_of)
    with site.db.session() as session:
        stats = figures.stats(session, day)
        covered = coverage_or_none_covered(session, day)
    status, out, _err = run_g287(site.db.url, "stats", "--as-of", as_of, "--json")
    assert status == 0 and json.loads(out) == stats
    assert site.get("/api/v1/stats", params={"as_of": as_of}).json() == stats
    assert site.get("/api/v1/coverage", params={"as_of": as_of}).json() == json.loads(json.dumps(covered))
    p, q = stats["participating"], stats["pending"]

    participating = _csv_rows(site, as_of=as_of)
    api = site.get("/api/v1/agreements", params={"as_of": as_of, "limit": 1000}).json()
    assert api["total"] == len(participating) and sum(a["rows"] for a in api["items"]) == sum(int(r["rows_in_list"]) for r in participating)
    if p is None:
        assert participating == [] and covered["publication"] is None
    else:
        assert sum(int(r["rows_in_list"]) for r in participating) == p["moas"] == covered["listings"]["total"]
        assert {m: n for m, n in _by_rows(participating, "model").items()} == {m: n for m, n in p["by_model"].items() if n}
        assert len({r["agency_id"] for r in participating}) == p["agencies"]
        assert len({r["state"] for r in participating}) == p["states"] == covered["states_with_agreement"]
        assert {r["publication_file"] for r in participating} == {p["publication"]}

    pending = _csv_rows(site, as_of=as_of, status="pending")
    if q is None:
        assert pending == []
    else:
        assert sum(int(r["rows_in_list"]) for r in pending) == q["listings"]
        assert {m: n for m, n in _by_rows(pending, "model").items()} == {m: n for m, n in q["by_model"].items() if n}
        assert len({r["agency_id"] for r in pending}) == q["agencies"] and len({r["state"] for r in pending}) == q["states"]

    states = site.get("/api/v1/states", params={"as_of": as_of}).json()["items"]
    assert sum(s["moas"] or 0 for s in states) == (p["moas"] if p else 0)
    assert sum(s["agencies"] or 0 for s in states) == (p["agencies"] if p else 0)  # an agency is of one state
    assert sum(s["pending_listings"] or 0 for s in states) == (q["listings"] if q else 0)

    timeline = site.get("/api/v1/timeline", params={"from": as_of, "to": as_of, "every": "day"}).json()["items"]
    if p is not None:
        (entry,) = timeline
        assert (entry["participating_moas"], entry["agencies"], entry["states"], entry["by_model"]) == (p["moas"], p["agencies"], p["states"], p["by_model"])
        assert entry["agreements"] == len(participating)
        assert entry["pending_listings"] == (q["listings"] if q else None)

    with site.db.session() as session:
        sheet = factsheet(session, day)
    assert sheet["stats"] == stats
    if p is not None:
        assert {m["code"]: m["moas"] for m in sheet["models"]} == {m: p["by_model"][m] for m in ("JEM", "TFM", "WSO")}


@pytest.fixture(scope="module")
def model_unknown(tmp_path_factory):
    """A participating list with a row whose SUPPORT TYPE names no model (#N/A), beside three that do."""
    from g287.access import Actor

    folder = tmp_path_factory.mktemp("model-unknown")
    database = Database(f"sqlite:///{folder / 'g287.sqlite'}")
    workbook = folder / "participatingAgencies08012025am.xlsx"
    write_ice_workbook(workbook, "participating", [
        IceRow("ALABAMA", "Colbert County Sheriff's Office", "County", "Colbert County", "Jail Enforcement Model", dt.date(2025, 5, 8)),
        IceRow("ALABAMA", "Colbert County Sheriff's Office", "County", "Colbert County", "#N/A", dt.date(2025, 5, 8)),
        IceRow("TEXAS", "Harris County Sheriff's Office", "County", "Harris County", "Task Force Model", dt.date(2025, 3, 17)),
        IceRow("TEXAS", "Dallas County Sheriff's Office", "County", "Dallas County", "Warrant Service Officer", dt.date(2025, 3, 17)),
    ], modified=dt.datetime(2025, 8, 1, 9))
    ingest_file(database, workbook, Actor.command_line())
    with TestClient(create_app(database)) as client:
        client.db = database
        yield client
    database.dispose()


def test_an_moa_of_no_model_is_said_wherever_moas_are_counted_by_model(model_unknown):
    site = model_unknown
    with site.db.session() as session:
        stats = figures.stats(session)
        sheet = factsheet(session)
    assert stats["participating"]["moas"] == 4 and stats["participating"]["by_model"] == {"JEM": 1, "TFM": 1, "WSO": 1, "unknown": 1}
    # The command's sentence: the three models alone summed to 3 of 4 MOAs.
    assert "4 MOAs with 3 agencies in 2 states (JEM 1, TFM 1, WSO 1, model unknown 1)" in figures.headline(stats)
    # The fact sheet (page and PDF) and the home page's models: the three cards summed to 3 of 4 MOAs, the 4th unsaid.
    said = "Model unknown: 1 MOA whose SUPPORT TYPE gives none of the three models"
    assert said in sheet["model_unknown_text"]
    assert said in site.get("/factsheet").text
    from pypdf import PdfReader

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(factsheet_pdf(sheet))).pages).split())
    assert said in text
    home = " ".join(site.get("/").text.split())
    assert said in home
    # Each model's card says its count with its noun: "1 MOA" (it said "1 MOAs").
    assert home.count('<p class="figure"><strong>1</strong> MOA</p>') == 3 and "<strong>1</strong> MOAs" not in home
    models = " ".join(site.get("/models").text.split())
    assert models.count('<p class="figure"><strong>1</strong> MOA</p>') == 3 and "<strong>1</strong> MOAs" not in models


def test_no_model_unknown_line_when_every_moa_has_its_model(sqlite_site):
    with sqlite_site.db.session() as session:
        assert factsheet(session)["model_unknown_text"] is None
    assert "Model unknown" not in sqlite_site.get("/factsheet").text and "Model unknown" not in sqlite_site.get("/").text


@pytest.mark.parametrize("as_of, participating, pending", [("2025-01-01", None, None), ("2025-05-15", None, 0), ("2025-07-09", 0, 0)])
def test_states_geojson_counts_no_listing_of_a_list_not_in_force(sqlite_site, as_of, participating, pending):
    """The listings of no known state are counted per list in force, null for a list not in force (as every feature's
    figures are): 0 said that a list held none."""
    states = sqlite_site.get("/exports/states.geojson", params={"as_of": as_of}).json()
    assert states["listings_of_no_known_state"] == {"participating": participating, "pending": pending}
    assert all((f["properties"]["moas"] is None) == (participating is None) for f in states["features"])
    assert all((f["properties"]["pending_listings"] is None) == (pending is None) for f in states["features"])
