"""The XLSX in ICE's layout and Excel's limit of 32,767 characters in a cell: a list read from CSV has no such limit,
and xlsxwriter cut a longer value at the limit without a word, so the workbook showed part of a name as the name. A
value over the limit is cut with a note saying so and where the whole value is (the SQLite download)."""

import csv
import io
import json
import sqlite3
import warnings

import openpyxl
import pytest

from g287.exports.ice_workbook import within_cell_limit
from g287.registry.ingest import ingest_file
from g287.web.app import create_app
from tests.conftest import make_database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

LIMIT = 32_767
AGENCY = "Long Name " + "x" * 40_000 + " Police Department"
COUNTY = "Travis " + "y" * 33_000
ADDENDUM = "q" * 40_000  # no address: ICE's cell written back as text
SOURCE = "participatingAgencies01052026am.csv"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
def client(tmp_path, actor):
    with open(tmp_path / SOURCE, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"])
        writer.writerow(["TEXAS", AGENCY, "Municipality", COUNTY, "Task Force Model", "5/8/2025", "https://www.ice.gov/doclib/287gMOA/a.pdf", ADDENDUM])
        writer.writerow(["TEXAS", "Short Police Department", "Municipality", "Travis County", "Task Force Model", "5/8/2025", "https://www.ice.gov/doclib/287gMOA/b.pdf", ""])
    database = make_database("sqlite", tmp_path)[0]
    ingest_file(database, tmp_path / SOURCE, actor)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with TestClient(create_app(database)) as client:
            yield client
    database.dispose()


def test_a_value_over_the_limit_is_cut_with_a_note_saying_where_the_whole_value_is(client, tmp_path):
    answer = client.get("/exports/agreements.xlsx")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    long, short = sorted(rows, key=lambda row: row["LAW ENFORCEMENT AGENCY"])
    for column, whole in (("LAW ENFORCEMENT AGENCY", AGENCY), ("COUNTY", COUNTY), ("ADDENDUM", ADDENDUM)):
        written = long[column]
        assert _units(written) == LIMIT, column
        note = f" [cut: Excel holds at most 32,767 characters in a cell, and this value has {len(whole):,}; the SQLite download (/exports/g287.sqlite) holds it whole]"
        assert written.endswith(note) and whole.startswith(written[: -len(note)]), column
    assert short["LAW ENFORCEMENT AGENCY"] == "Short Police Department" and short["COUNTY"] == "Travis County"

    # The note is true: the SQLite download holds each value whole (ICE's cells as read), as the CSV export holds
    # the agency's name and county.
    (tmp_path / "download.sqlite").write_bytes(client.get("/exports/g287.sqlite").content)
    with sqlite3.connect(tmp_path / "download.sqlite") as download:
        cells = [json.loads(content)["cells"] for (content,) in download.execute("SELECT content FROM raw_rows")]
    assert {"LAW ENFORCEMENT AGENCY": AGENCY, "COUNTY": COUNTY, "ADDENDUM": ADDENDUM}.items() <= next(c for c in cells if c["ADDENDUM"]).items()
    exported = client.get("/exports/agreements.json").json()["agreements"]
    assert {(a["agency"], a["county"]) for a in exported} == {(AGENCY, COUNTY), ("Short Police Department", "Travis County")}


def test_the_limit_is_counted_as_excel_counts_it_and_no_character_is_split():
    assert within_cell_limit("a" * LIMIT, LIMIT) == "a" * LIMIT  # at the limit: whole
    wide = "\U0001F600" * 20_000  # 40,000 UTF-16 units in 20,000 characters
    cut = within_cell_limit(wide, LIMIT)
    assert _units(cut) <= LIMIT and "this value has 40,000;" in cut  # counted as the limit is: "20,000" was less than it
    kept = cut.split(" [cut:")[0]
    assert kept and set(kept) == {"\U0001F600"}  # whole characters only: a lone surrogate would be no text at all
