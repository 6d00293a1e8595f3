"""Cells that hold no text (numbers, true/false values, dates, NaN and infinities) in the list's text columns.

Each became a name ("12345.0", "True", "2025-05-08T00:00:00", "nan") with no register entry, a numeric 0 was a name
while the text "0" is a placeholder, and NaN made the stored row invalid JSON. Now such a value is unknown, with an
entry quoting the cell as Excel shows it, and the row stays a listing when it has other data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import openpyxl
from sqlalchemy import text

from g287.registry import quality
from g287.registry.ingest import ingest_file, prepare
from g287.registry.publications import resolve

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
AGENCY = "LAW ENFORCEMENT AGENCY"
NOT_A_NAME = "not a name: left unknown"


def row(state="TEXAS", agency="Harris County Sheriff's Office", kind="County", county="Harris", model="Task Force Model", moa="link"):
    return [state, agency, kind, county, model, dt.date(2025, 5, 1), moa]


def workbook(tmp_path: Path, rows: list[list], name: str = "participatingAgencies07012025am.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for cells in rows:
        sheet.append(cells)
    path = tmp_path / name
    book.save(path)
    return path


def register(db, result) -> list:
    with db.session() as session:
        return quality.register(session, resolve(session, str(result.publication_id)))


def entries(db, result, column: str) -> set[tuple]:
    return {(e.row, e.raw_value, e.problem, e.action, e.category) for e in register(db, result) if e.column == column}


def stored(db) -> list[tuple]:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT r.content, n.name FROM raw_rows r LEFT JOIN agency_names n ON n.id = r.agency_name_id")).all()


def test_numbers_true_false_values_and_dates_are_no_agency_names(db, actor, tmp_path):
    path = workbook(tmp_path, [row(agency=12345), row(agency=1e20), row(agency=True), row(agency=dt.datetime(2025, 5, 8)), row(agency=0.25)])
    assert [r.agency_name for r in prepare(path).readings] == [None] * 5  # were "12345.0", "1e+20", "True", "2025-05-08T00:00:00", "0.25"
    result = ingest_file(db, path, actor)
    assert result.listings == 5  # the rows have other data: still listings
    assert {name for _content, name in stored(db)} == {None}
    assert entries(db, result, AGENCY) == {
        (2, "12345", "a number instead of agency name", NOT_A_NAME, "unknown"),
        (3, "1E+20", "a number instead of agency name", NOT_A_NAME, "unknown"),
        (4, "TRUE", "a true/false value instead of agency name", NOT_A_NAME, "unknown"),
        (5, "2025-05-08", "a date instead of agency name", NOT_A_NAME, "unknown"),
        (6, "0.25", "a number instead of agency name", NOT_A_NAME, "unknown"),
    }


def test_a_numeric_zero_is_the_placeholder_0(db, actor, tmp_path):
    """0 typed in a cell Excel made a number was the agency "0.0" (and -0.0 "-0.0"), while the text "0" is a
    placeholder; a row of zeros only was a listing, while a row of "0" only is none."""
    path = workbook(tmp_path, [row(agency="0"), row(agency=0), row(agency=-0.0, model="Jail Enforcement Model"), ["0"] * 7, [0] * 7])
    readings = prepare(path).readings
    assert [r.listing for r in readings] == [True, True, True, False, False]
    assert [r.agency_name for r in readings[:3]] == [None, None, None]
    assert readings[3].not_listing_reason == readings[4].not_listing_reason
    result = ingest_file(db, path, actor)
    assert result.listings == 3
    placeholder = ("0", "placeholder instead of agency name", "agency name unknown", "unknown")
    assert entries(db, result, AGENCY) == {(number, *placeholder) for number in (2, 3, 4)}


def test_the_other_text_columns_take_no_number_either(db, actor, tmp_path):
    path = workbook(tmp_path, [row(state=48), row(kind=5), row(county=12345), row(county=True), row(model=1), row(moa=12345)])
    readings = prepare(path).readings
    assert [(r.state, r.agency_type, r.county_text, r.model) for r in readings] == [
        (None, "county", "Harris", "TFM"),  # 48 was "not a state" quoting "48.0"
        ("TX", None, "Harris", "TFM"),  # 5 was the type "5", counted as "other"
        ("TX", "county", None, "TFM"),  # was the county "12345.0"
        ("TX", "county", None, "TFM"),  # was the county "True"
        ("TX", "county", "Harris", None),
        ("TX", "county", "Harris", "TFM"),
    ]
    result = ingest_file(db, path, actor)
    assert result.listings == 6
    assert entries(db, result, "STATE") == {(2, "48", "a number instead of state", NOT_A_NAME, "unknown")}
    assert entries(db, result, "TYPE") == {(3, "5", "a number instead of agency type", NOT_A_NAME, "unknown")}
    assert {(e[0], e[1], e[2]) for e in entries(db, result, "COUNTY") if e[3] == NOT_A_NAME} == {
        (4, "12345", "a number instead of county"),
        (5, "TRUE", "a true/false value instead of county"),
    }
    assert entries(db, result, "SUPPORT TYPE") == {(6, "1", "a number instead of model", NOT_A_NAME, "unknown")}
    # The document cell is read as before (its status unknown), quoting the number as Excel shows it, not "12345.0".
    assert {(e[0], e[1], e[2]) for e in entries(db, result, "MOA") if e[4] == "unknown" and e[1] == "12345"} == {(7, "12345", "unexpected text in the document cell")}


def _cell(reference: str, replacement: str):
    """A change of a sheet's XML: the cell `reference` replaced by `replacement` (a whole <c> element)."""
    return lambda xml: re.sub(rf'<c r="{reference}"[^>]*?(?:/>|>.*?</c>)'.encode(), replacement.encode(), xml, count=1, flags=re.S)


def test_nan_infinities_and_typed_dates_are_no_names_and_the_row_stays_json(db, actor, tmp_path):
    """A sheet's XML can store NaN, INF and -INF (Excel cannot show them) and a date typed t="d": they were the
    agencies "nan", "inf", "-inf" and "2025-05-08T00:00:00", and NaN was stored as `"LAW ENFORCEMENT AGENCY":NaN`,
    which no strict JSON reader accepts."""
    (tmp_path / "built").mkdir()
    built = workbook(tmp_path / "built", [row(agency=n) for n in (1, 2, 3, 4)] + [row(agency="Harris County Sheriff's Office")])
    changes = [_cell("B2", '<c r="B2"><v>NaN</v></c>'), _cell("B3", '<c r="B3"><v>INF</v></c>'), _cell("B4", '<c r="B4" t="n"><v>-INF</v></c>'),
               _cell("B5", '<c r="B5" t="d"><v>2025-05-08T00:00:00</v></c>'), _cell("F6", '<c r="F6"><v>NaN</v></c>')]
    path = tmp_path / "participatingAgencies07012025am.xlsx"
    with zipfile.ZipFile(built) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in original.namelist():
            content = original.read(name)
            if name == "xl/worksheets/sheet1.xml":
                for change in changes:
                    content = change(content)
                assert b"<v>NaN</v>" in content and b't="d"' in content
            copy.writestr(name, content)
    result = ingest_file(db, path, actor)
    assert result.listings == 5
    rows = [(content, name) for content, name in stored(db) if name is None]
    assert len(rows) == 4

    def no_constants(constant):
        raise AssertionError(f"{constant} is not JSON")

    for content, _name in stored(db):
        json.loads(content, parse_constant=no_constants)
    agencies = {json.dumps(json.loads(content)["cells"][AGENCY]) for content, _name in rows}
    assert agencies == {'{"number": "NaN"}', '{"number": "INF"}', '{"number": "-INF"}', '{"datetime": "2025-05-08T00:00:00"}'}
    cannot = "a number Excel cannot hold (NaN or infinity) instead of agency name"
    assert entries(db, result, AGENCY) == {
        (2, "NaN", cannot, NOT_A_NAME, "unknown"),
        (3, "INF", cannot, NOT_A_NAME, "unknown"),
        (4, "-INF", cannot, NOT_A_NAME, "unknown"),
        (5, "2025-05-08", "a date instead of agency name", NOT_A_NAME, "unknown"),
    }
    # NaN in the SIGNED column is quoted as the row keeps it, not as Python's "nan".
    assert {(e[0], e[1], e[2]) for e in entries(db, result, "SIGNED")} == {(6, "NaN", "a number that is not a date")}
