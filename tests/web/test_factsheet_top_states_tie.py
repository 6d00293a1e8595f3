"""The fact sheet's "States with the most MOAs" keeps every state tied at the 10th place: cut at the 10th row, it
dropped the states with as many MOAs as the 10th by their code, unsaid."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings

from pypdf import PdfReader

from g287.exports.factsheet import TOP_STATES, factsheet, factsheet_pdf
from g287.sources.rules import states as state_records
from tests.geo.test_review_fixes import ingest_rows

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DAY = dt.date(2025, 7, 27)
TIED_MOAS = 2


def rows_of(counts: dict[str, int]) -> list[list[str]]:
    return [
        [name, f"Agency {n} of {name.title()}", "Municipality", "", "Task Force Model", "2025-07-20", "link pending"]
        for name, count in counts.items()
        for n in range(count)
    ]


def test_every_state_tied_at_the_tenth_place_is_shown_and_the_tie_is_said(db, actor, tmp_path):
    names = [s.name.upper() for s in state_records() if s.category == "state"]
    leading = {name: TIED_MOAS + TOP_STATES - i for i, name in enumerate(names[: TOP_STATES - 1])}  # 9 states ahead
    # Three states tie for the 10th place; the last of them by code (the one a cut at 10 rows kept) and two after it.
    tied = {name: TIED_MOAS for name in names[TOP_STATES - 1 : TOP_STATES + 2]}
    behind = {names[TOP_STATES + 2]: TIED_MOAS - 1}
    ingest_rows(db, actor, tmp_path / "tie.csv", rows_of({**leading, **tied, **behind}), DAY)
    with db.session() as session:
        sheet = factsheet(session, DAY)
    shown = [row["name"].upper() for row in sheet["top_states"]]
    assert shown[: TOP_STATES - 1] == list(leading) and sorted(shown[TOP_STATES - 1 :]) == sorted(tied)
    assert len(shown) == TOP_STATES + 2 and names[TOP_STATES + 2] not in shown
    said = f"3 tie for {TOP_STATES}th place with {TIED_MOAS} MOAs each, all shown"
    assert sheet["top_states_tie"] == said

    text = " ".join(PdfReader(io.BytesIO(factsheet_pdf(sheet))).pages[0].extract_text().split())
    assert said.capitalize() in text
    from g287.web.app import create_app

    page = " ".join(re.sub(r"<[^>]+>", " ", TestClient(create_app(db)).get("/factsheet", params={"as_of": DAY.isoformat()}).text).split())
    assert f"13 states listed; the first {TOP_STATES + 2} ({said})" in page


def test_no_tie_at_the_tenth_place_says_none(db, actor, tmp_path):
    names = [s.name.upper() for s in state_records() if s.category == "state"]
    ingest_rows(db, actor, tmp_path / "no-tie.csv", rows_of({name: 20 - i for i, name in enumerate(names[: TOP_STATES + 2])}), DAY)
    with db.session() as session:
        sheet = factsheet(session, DAY)
    assert len(sheet["top_states"]) == TOP_STATES and sheet["top_states_tie"] == ""
