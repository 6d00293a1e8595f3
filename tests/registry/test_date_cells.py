"""The SIGNED column's cells as they are stored: numbers in a date format that are no dates, and dates typed as text.

calamine reads a NaN stored in a date-formatted cell as 1899-12-30 00:00:00, which the register quoted as the cell's
raw value, and it panicked (a Rust panic, which escaped every handler and ended the ingest with a traceback) on -INF
or a large negative number in a date format. A date typed as text in a workbook was registered in some forms
(5/8/2025) and not in the ISO form (2025-05-08); a CSV, where every date is text, registers neither.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from g287.registry.ingest import prepare
from tests.registry.test_non_text_cells import HEADER, workbook  # a workbook of ICE's participating columns, built with openpyxl

SIGNED_COLUMN = "F"
AS_TEXT = ("date written as text", "read as 2025-05-08", "repaired")


def row(agency: str, signed) -> list:
    return ["TEXAS", agency, "County", "Harris", "Task Force Model", signed, "link"]


def with_stored_values(source: Path, target: Path, values: dict[str, str]) -> Path:
    """A copy of a workbook whose cells (by reference) store other text in <v>, each keeping its own attributes (its
    date format among them)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for member in original.namelist():
            content = original.read(member)
            if member == "xl/worksheets/sheet1.xml":
                for reference, stored in values.items():
                    content, found = re.subn(rf'(<c r="{reference}" s="\d+"[^>]*>)<v>[^<]*</v>'.encode(), lambda m: m[1] + b"<v>" + stored.encode() + b"</v>", content)
                    assert found == 1, f"{reference} is not a date-formatted cell"
            copy.writestr(member, content)
    return target


def signed_entries(prepared) -> list[list[tuple]]:
    return [[(p.raw_value, p.problem, p.action, p.category) for p in r.problems if p.column == "SIGNED"] for r in prepared.readings]


STORED_IN_A_DATE_FORMAT = {
    # stored: the raw value the register quotes (as the row's content keeps a number no cell can show)
    "NaN": "NaN",  # calamine: 1899-12-30 00:00:00
    "nan": "NaN",
    "-INF": "-INF",  # calamine panicked
    "-1e15": "-1000000000000000",  # calamine panicked
    "INF": "INF",
    "1e300": "1E+300",
    "2958466": "2958466",  # the day after 9999-12-31, the last date Excel holds
    "-700000": "-700000",  # calamine: 00:00:00
    "-1e10": "-10000000000",
}


def test_numbers_in_a_date_format_that_are_no_dates_are_quoted_as_stored(tmp_path):
    (tmp_path / "built").mkdir()
    stored = list(STORED_IN_A_DATE_FORMAT)
    built = workbook(tmp_path / "built", [row(f"Agency {i}", dt.date(2025, 5, 1)) for i in range(len(stored))])
    path = with_stored_values(built, tmp_path / built.name, {f"{SIGNED_COLUMN}{i + 2}": value for i, value in enumerate(stored)})
    prepared = prepare(path)
    assert all(r.listing and r.signed_on is None for r in prepared.readings)
    expected = [[(STORED_IN_A_DATE_FORMAT[value], "a number that is not a date" if value in ("NaN", "nan", "-INF", "-1e15", "INF", "-700000", "-1e10") else "a number that is not a plausible date", "signed date unknown", "unknown")] for value in stored]
    assert signed_entries(prepared) == expected
    # The rows keep the number the cell stores (NaN as tagged text, as in a cell without a date format), no invented date.
    contents = [json.loads(r.content)["cells"]["SIGNED"] for r in prepared.readings]
    assert contents[0] == contents[1] == {"number": "NaN"} and contents[2] == {"number": "-INF"} and contents[7] == -700000
    assert "1899" not in repr(prepared.table.rows) + repr(contents)


def test_nan_in_a_date_format_in_a_text_column_is_quoted_as_nan(tmp_path):
    (tmp_path / "built").mkdir()
    built = workbook(tmp_path / "built", [row(dt.date(2025, 5, 8), dt.date(2025, 5, 1)), row("Harris County Sheriff's Office", dt.date(2025, 5, 1))])
    path = with_stored_values(built, tmp_path / built.name, {"B2": "NaN"})
    problems = [(p.raw_value, p.problem) for p in prepare(path).readings[0].problems if p.column == "LAW ENFORCEMENT AGENCY"]
    assert problems == [("NaN", "a number Excel cannot hold (NaN or infinity) instead of agency name")]  # was "1899-12-30", "a date"


def test_a_real_date_before_1900_typed_as_a_date_cell_is_kept(tmp_path):
    """A date cell (t="d") holds its date as text: calamine's reading is the cell's, and no number is put for it."""
    (tmp_path / "built").mkdir()
    built = workbook(tmp_path / "built", [row("Harris County Sheriff's Office", dt.date(2025, 5, 1))])
    path = tmp_path / built.name
    with zipfile.ZipFile(built) as original, zipfile.ZipFile(path, "w") as copy:
        for member in original.namelist():
            content = original.read(member)
            if member == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<c r="F2"[^>]*><v>[^<]*</v></c>', b'<c r="F2" t="d"><v>1850-01-01</v></c>', content)
                assert b"1850-01-01" in content
            copy.writestr(member, content)
    assert signed_entries(prepare(path)) == [[("1850-01-01", "impossible date 1850-01-01", "signed date unknown", "unknown")]]


TYPED = ["2025-05-08", "2025-05-08 00:00:00", "5-8-2025", "5/8/2025", "May 8, 2025"]


def test_a_date_typed_as_text_in_a_workbook_is_registered_in_every_form(tmp_path):
    prepared = prepare(workbook(tmp_path, [row(f"Agency {i}", text) for i, text in enumerate(TYPED)]))
    assert [r.signed_on for r in prepared.readings] == [dt.date(2025, 5, 8)] * len(TYPED)
    assert signed_entries(prepared) == [[(text, *AS_TEXT)] for text in TYPED]


def csv_file(tmp_path: Path, dates: list[str]) -> Path:
    path = tmp_path / "participatingAgencies07012025am.csv"
    lines = [",".join(HEADER)] + [",".join(row(f"Agency {i}", f'"{text}"')) for i, text in enumerate(dates)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("csv_first", [True, False])
def test_in_a_csv_every_date_is_text_and_only_real_repairs_are_registered(tmp_path, csv_first):
    """Whichever file is read first in the process (readings of equal cells are shared), the workbook registers its
    text dates and the CSV does not; a two-digit year or a missing separator is a repair in either."""
    (tmp_path / "csv").mkdir()
    dates = TYPED + ["5/8/25", "05/082025"]
    csv_path = csv_file(tmp_path / "csv", dates)
    xlsx_path = workbook(tmp_path, [row(f"Agency {i}", text) for i, text in enumerate(dates)])
    order = [csv_path, xlsx_path] if csv_first else [xlsx_path, csv_path]
    read = {path.suffix: prepare(path) for path in order}
    repairs = [
        [("5/8/25", "date written as text with a two-digit year", "read as 2025-05-08", "repaired")],
        [("05/082025", "date written as text with a separator missing; only one reading is possible", "read as 2025-05-08", "repaired")],
    ]
    assert [r.signed_on for r in read[".csv"].readings] == [dt.date(2025, 5, 8)] * len(dates)
    assert signed_entries(read[".csv"]) == [[]] * len(TYPED) + repairs
    assert signed_entries(read[".xlsx"]) == [[(text, *AS_TEXT)] for text in TYPED] + repairs


def test_a_panic_of_calamine_is_one_line_naming_the_file(tmp_path, monkeypatch):
    """A Rust panic is no Exception: it escaped the readers' handlers and ended the ingest with a traceback. The one
    known is avoided; any other is one line, as for a damaged file."""
    from g287.errors import SourceError
    from g287.sources import xlsx_grid

    (tmp_path / "built").mkdir()
    built = workbook(tmp_path / "built", [row("Harris County Sheriff's Office", dt.date(2025, 5, 1))])
    path = with_stored_values(built, tmp_path / built.name, {"F2": "-INF"})
    monkeypatch.setattr(xlsx_grid, "_would_panic", lambda xml: False)
    with pytest.raises(SourceError) as raised:
        prepare(path)
    assert str(raised.value).startswith(f"{path.name}: the workbook cannot be read: calamine, the spreadsheet reader, failed on it (")
    assert "\n" not in str(raised.value)


def test_a_number_too_large_for_a_duration_format_is_quoted_as_stored(tmp_path):
    """1e12 or INF in a [h]:mm:ss cell made calamine build a duration Python cannot hold (OverflowError): the whole
    workbook was refused as damaged. The sheet is read again with those cells unformatted."""
    (tmp_path / "built").mkdir()
    built = workbook(tmp_path / "built", [row("Agency 1", 1), row("Agency 2", 1), row("Agency 3", dt.date(2025, 5, 1))])
    book = openpyxl.load_workbook(built)
    for cell in (f"{SIGNED_COLUMN}2", f"{SIGNED_COLUMN}3"):
        book.active[cell].number_format = "[h]:mm:ss"
    book.save(built)
    path = with_stored_values(built, tmp_path / built.name, {f"{SIGNED_COLUMN}2": "1e12", f"{SIGNED_COLUMN}3": "INF"})
    prepared = prepare(path)
    assert [r.signed_on for r in prepared.readings] == [None, None, dt.date(2025, 5, 1)]
    quoted = [entries[0][0] for entries in signed_entries(prepared)[:2]]
    assert quoted == ["1000000000000", "INF"]


def test_a_serial_number_typed_as_text_stays_unknown_and_the_register_says_what_it_is(tmp_path):
    """The text "45785" in SIGNED was registered as "not a valid date", as though it were a date mistyped: it is a
    number, which Excel shows as written whatever the cell's format, so it is not read as a serial (a number stored
    as one is: 45785 is 8 May 2025). The register says so, and names the day it would be, in a workbook and a CSV."""
    (tmp_path / "csv").mkdir()
    texts = ["45785", "'45785", "123"]
    xlsx = prepare(workbook(tmp_path, [row(f"Agency {i}", text) for i, text in enumerate(texts)] + [row("Agency 9", 45785)]))
    assert [r.signed_on for r in xlsx.readings] == [None, None, None, dt.date(2025, 5, 8)]
    typed = ("a number typed as text, not read as a date serial (as a serial it would be 2025-05-08)", "signed date unknown", "unknown")
    not_a_date = ("a number written as text, not a date", "signed date unknown", "unknown")
    assert signed_entries(xlsx) == [
        [("45785", *typed)],
        [("'45785", *typed)],
        [("123", *not_a_date)],
        [("45785", "date stored as a plain number (Excel serial)", "read as 2025-05-08", "repaired")],
    ]
    csv = prepare(csv_file(tmp_path / "csv", texts))
    assert [r.signed_on for r in csv.readings] == [None, None, None]
    in_a_csv = ("a number, not read as a date serial: a CSV does not say its date system (in Excel's default one it would be 2025-05-08)", "signed date unknown", "unknown")
    assert signed_entries(csv) == [[("45785", *in_a_csv)], [("'45785", *in_a_csv)], [("123", *not_a_date)]]
