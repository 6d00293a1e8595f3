"""A territory is counted apart from the states, alike in every figure: with a Puerto Rico row, `g287 stats` said
"7 states" where coverage said "6 of 51 states (50 and DC)". States are the 50 and DC (the categories of
g287/data/reference/states.csv); ICE's lists held here have no territory row, so ICE's "40 states" stays 40
(tests/registry/test_figures_oracle.py)."""

from __future__ import annotations

import re
import warnings

from g287.exports.factsheet import factsheet
from g287.geo.coverage import coverage
from g287.registry import figures
from g287.sources.rules import states as state_records
from tests.geo.constructed import PUBLISHED, ROWS, ingest_constructed
from tests.in_process import run_g287

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def _expected() -> tuple[int, int]:
    """The states (50 and DC) and territories the constructed list names, by the reference's own categories."""
    names = {s.name.upper(): s for s in state_records()}
    named = {names[row[0]] for row in ROWS}
    return sum(1 for s in named if s.category != "territory"), sum(1 for s in named if s.category == "territory")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_territory_is_counted_apart_from_the_states_everywhere(db, tmp_path):
    ingest_constructed(db, tmp_path)
    in_states, in_territories = _expected()
    assert in_territories == 1  # the list has its Puerto Rico row
    with db.session() as session:
        stats = figures.stats(session, PUBLISHED)
        covered = coverage(session, PUBLISHED)
        sheet = factsheet(session, PUBLISHED)
    p = stats["participating"]
    assert (p["states"], p["territories"]) == (in_states, in_territories) == (covered["states_with_agreement"], len(covered["territories_with_agreement"]))
    places = f"in {in_states} states and 1 territory"
    assert places in figures.headline(stats)

    status, out, _ = run_g287(db.url, "stats", "--as-of", PUBLISHED.isoformat())
    assert status == 0 and places in " ".join(out.split())

    from g287.web.app import create_app

    client = TestClient(create_app(db))
    api = client.get("/api/v1/stats", params={"as_of": PUBLISHED.isoformat()}).json()["participating"]
    assert (api["states"], api["territories"]) == (in_states, in_territories)
    assert places in _text(client.get("/", params={"as_of": PUBLISHED.isoformat()}).text)
    assert places in _text(client.get(f"/publications/{p['publication_id']}").text)
    timeline = client.get("/api/v1/timeline", params={"every": "publication"}).json()["items"]
    assert [(e["states"], e["territories"]) for e in timeline if e["participating_moas"]] == [(in_states, in_territories)]

    states_card = next(c for c in sheet["cards"] if "state" in c["caption"])
    assert states_card == {"value": str(in_states), "caption": "states (and 1 territory)"}
    assert sheet["states_listed_text"] == f"{in_states} states and 1 territory"
