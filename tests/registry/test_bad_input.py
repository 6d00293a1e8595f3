"""Bad input: one clear line, a non-zero exit, and a database exactly as it was."""

import functools
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from g287.errors import SourceError
from g287.registry import ingest as ingest_module
from g287.registry.ingest import ingest_file
from g287.sources.csvfile import read_csv
from tests.conftest import ICE, snapshot

GOOD = ICE / "pending" / "pendingAgencies07112025am_b.xlsx"
PARTICIPATING = ICE / "participating" / "participatingAgencies05292025am.xlsx"


def rewrite_member(source: Path, target: Path, member: str, change) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info, change(data) if info.filename == member else data)
    return target


def make_truncated(tmp_path):
    target = tmp_path / "participatingAgencies06012025am.xlsx"
    data = PARTICIPATING.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def make_not_a_workbook(tmp_path):
    target = tmp_path / "participatingAgencies06022025am.xlsx"
    target.write_text("STATE,LAW ENFORCEMENT AGENCY\nFLORIDA,Somewhere\n")
    return target


def make_missing_column(tmp_path):
    target = tmp_path / "participatingAgencies06032025am.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "MOA"])  # no SIGNED
    sheet.append(["FLORIDA", "Somewhere Police Department", "Municipality", "", "Task Force Model", "link"])
    book.save(target)
    return target


def make_empty_sheet(tmp_path):
    target = tmp_path / "pendingAgencies06042025am.xlsx"
    openpyxl.Workbook().save(target)
    return target


def make_header_only(tmp_path):
    target = tmp_path / "pendingAgencies06052025am.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"])
    book.save(target)
    return target


def make_no_header(tmp_path):
    target = tmp_path / "pendingAgencies06062025am.xlsx"
    book = openpyxl.Workbook()
    for i in range(30):
        book.active.append(["FLORIDA", f"Agency {i}", "County", "", "Task Force Model"])
    book.save(target)
    return target


def make_oversized_dimension(tmp_path):
    return rewrite_member(
        GOOD,
        tmp_path / "pendingAgencies06072025am.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:E40"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )


def make_far_cell(tmp_path):
    """A real cell a million rows down: calamine would build a grid of that size."""
    return rewrite_member(
        GOOD,
        tmp_path / "pendingAgencies06082025am.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</sheetData>", b'<row r="1048000"><c r="A1048000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'),
    )


def make_deep_cell(tmp_path):
    """A cell whose own reference names a row far below its <row> tag."""
    return rewrite_member(
        GOOD,
        tmp_path / "pendingAgencies06142025am.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</sheetData>", b'<row r="41"><c r="A99999999999" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'),
    )


@functools.cache
def _zip_bomb_bytes() -> bytes:
    """Made once per test process: compressing the 300 MB took over a second, and the bytes are the same each time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(GOOD) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info.filename))
        with out.open("xl/media/padding.bin", "w", force_zip64=True) as handle:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros, a few hundred KB compressed
                handle.write(chunk)
    return buffer.getvalue()


def make_zip_bomb(tmp_path):
    target = tmp_path / "pendingAgencies06092025am.xlsx"
    target.write_bytes(_zip_bomb_bytes())
    return target


def make_bad_csv_encoding(tmp_path):
    target = tmp_path / "pendingAgencies06102025am.csv"
    target.write_bytes("STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE\nFLORIDA,X,County,,Task Force Model\n".encode("utf-16-le"))
    return target


def make_binary_csv(tmp_path):
    target = tmp_path / "pendingAgencies06112025am.csv"
    target.write_bytes(bytes(range(256)) * 40)
    return target


def make_empty_file(tmp_path):
    target = tmp_path / "pendingAgencies06122025am.xlsx"
    target.write_bytes(b"")
    return target


def make_damaged_member(tmp_path):
    """The archive opens, but the sheet's compressed data is corrupt."""
    target = tmp_path / "pendingAgencies06132025am.xlsx"
    data = bytearray(GOOD.read_bytes())
    with zipfile.ZipFile(GOOD) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    data[start : start + 200] = b"\xff" * 200
    target.write_bytes(bytes(data))
    return target


def make_workbook_named_csv(tmp_path):
    """An .xlsx workbook saved under a .csv name: it was refused as text, "neither UTF-8 nor Windows-1252"."""
    target = tmp_path / "pendingAgencies06152025am.csv"
    target.write_bytes(GOOD.read_bytes())
    return target


BAD_FILES = {
    "truncated workbook": (make_truncated, "damaged or truncated"),
    "not a workbook, renamed .xlsx": (make_not_a_workbook, "not an Excel workbook"),
    "missing required column": (make_missing_column, "missing required column SIGNED"),
    "empty sheet": (make_empty_sheet, "the workbook is empty"),
    "header but no rows": (make_header_only, "no rows with data"),
    "no header row": (make_no_header, "no header row"),
    "oversized declared dimensions": (make_oversized_dimension, "declares its data reaches XFD1048576"),
    "a cell a million rows down": (make_far_cell, "has cells beyond"),
    "a cell whose reference is far below its row": (make_deep_cell, "has cells beyond"),
    "zip bomb": (make_zip_bomb, "refused"),
    "unreadable CSV encoding": (make_bad_csv_encoding, "unreadable"),
    "binary data as CSV": (make_binary_csv, "unreadable"),
    "empty file": (make_empty_file, "the file is empty"),
    "damaged sheet data": (make_damaged_member, "damaged or truncated"),
    "a workbook named .csv": (make_workbook_named_csv, "an Excel workbook (.xlsx) named .csv, not a CSV file: rename it .xlsx"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_input_leaves_the_database_unchanged(db, actor, tmp_path, case):
    make, message = BAD_FILES[case]
    ingest_file(db, GOOD, actor)  # the database holds something that must survive
    before = snapshot(db)
    path = make(tmp_path)
    with pytest.raises(SourceError) as raised:
        ingest_file(db, path, actor)
    assert message in str(raised.value)
    assert str(raised.value).startswith(path.name)
    assert "\n" not in str(raised.value)
    assert snapshot(db) == before


@pytest.mark.parametrize("step", ["publication", "raw rows", "runs", "processors", "quality", "agreements", "audit"])
def test_interrupted_ingest_leaves_the_database_unchanged(db, actor, monkeypatch, step):
    ingest_file(db, GOOD, actor)
    before = snapshot(db)

    def interrupt(at):
        if at == step:
            raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "checkpoint", interrupt)
    with pytest.raises(KeyboardInterrupt):
        ingest_file(db, PARTICIPATING, actor)
    assert snapshot(db) == before


def test_command_line_gives_one_clear_line_and_no_traceback(tmp_path):
    """The truncated workbook is given to the console command itself (a real process: its exit status, and nothing
    else on stderr), the other files to the command in this process (tests/in_process.py)."""
    from tests.in_process import Result, run_g287

    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    env = dict(os.environ, G287_DATABASE_URL=database)
    good = Result(*run_g287(database, "ingest", str(GOOD)))
    assert good.returncode == 0, good.stderr
    truncated = make_truncated(tmp_path)
    runs = [(truncated, subprocess.run([sys.executable, "-m", "g287", "ingest", str(truncated)], capture_output=True, text=True, env=env))]
    for make in (make_not_a_workbook, make_missing_column, make_bad_csv_encoding):
        path = make(tmp_path)
        runs.append((path, Result(*run_g287(database, "ingest", str(path)))))
    for path, result in runs:
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"g287: error: {path}: ")
        assert "Traceback" not in result.stderr + result.stdout
    status, out, _ = run_g287(database, "stats", "--json")
    assert status == 0 and '"listings": 39' in out


def test_a_bad_file_among_good_ones(db, actor, tmp_path):
    from g287.registry.batch import ingest_many

    bad = make_truncated(tmp_path)
    results, errors = ingest_many(db, [GOOD, bad, PARTICIPATING], actor)
    assert [r.file for r in results] == [PARTICIPATING.name, GOOD.name]
    assert len(errors) == 1 and bad.name in str(errors[0])


def make_huge_serial_date(tmp_path):
    target = tmp_path / "participatingAgencies06062025am.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    sheet.append(["TEXAS", "Somewhere Police Department", "Municipality", "Harris", "Task Force Model", 3000000, "link"])  # a number past year 9999
    book.save(target)
    return target


def test_numbers_past_any_date_in_a_date_cell_stay_unknown(db, actor, tmp_path):
    result = ingest_file(db, make_huge_serial_date(tmp_path), actor)
    assert result.listings == 1
    with db.session() as session:
        from g287.registry import quality
        from g287.registry.publications import resolve

        register = quality.register(session, resolve(session, str(result.publication_id)))
    assert {(e.row, e.column, e.raw_value) for e in register if "not a plausible date" in e.problem or "not a date" in e.problem} == {(2, "SIGNED", "3000000")}  # as the cell stores it (was Python's "3000000.0")


def test_an_unforeseen_failure_reading_a_file_is_one_line_naming_it(db, actor, monkeypatch):
    """A reader's bug on an input nobody foresaw: the file is named in one line, and nothing is written."""
    ingest_file(db, GOOD, actor)
    before = snapshot(db)

    def fails(_layout, _row):
        raise ArithmeticError("a value no reader foresaw")

    monkeypatch.setattr(ingest_module, "read_row", fails)
    with pytest.raises(SourceError) as raised:
        ingest_file(db, PARTICIPATING, actor)
    assert str(raised.value).startswith(PARTICIPATING.name) and "ArithmeticError" in str(raised.value) and "\n" not in str(raised.value)
    assert snapshot(db) == before


def test_a_workbook_or_another_zip_named_csv_is_said_to_be_one_in_one_line(tmp_path):
    """Not a CSV encoding error: the line says what the file is, and how to ingest it."""
    from tests.in_process import run_g287

    database = tmp_path / "cli.sqlite"
    workbook = make_workbook_named_csv(tmp_path)
    status, out, err = run_g287(f"sqlite:///{database}", "ingest", str(workbook))
    assert (status, out) == (1, "")
    assert err.splitlines() == [f"g287: error: {workbook}: an Excel workbook (.xlsx) named .csv, not a CSV file: rename it .xlsx to ingest it"]
    archive = tmp_path / "pendingAgencies06162025am.CSV"
    with zipfile.ZipFile(archive, "w") as out_zip:
        out_zip.writestr("notes.txt", "STATE,LAW ENFORCEMENT AGENCY\n")
    with pytest.raises(SourceError) as raised:
        read_csv(archive)
    assert str(raised.value) == f"{archive.name}: a zip archive named .CSV, not a CSV file (an .xlsx workbook is one: rename it .xlsx if it is)"
    # An Excel 97-2003 workbook (a compound file) named .csv was "decoded as ..., the text holds control characters".
    old_style = tmp_path / "pendingAgencies06172025am.csv"
    old_style.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"STATE,LAW ENFORCEMENT AGENCY\r\n")
    with pytest.raises(SourceError) as raised:
        read_csv(old_style)
    assert str(raised.value) == f"{old_style.name}: an old-style .xls workbook (or an encrypted one) named .csv, not a CSV file: save it as .xlsx to ingest it"


def test_a_failed_ingest_into_a_database_file_that_did_not_exist_makes_none(tmp_path):
    """A file that opens but cannot be ingested (no header, a workbook cut short) left a new, empty SQLite database
    behind: "unchanged" is then still absent. A batch with a file that can be ingested makes it, once, and each
    file's line is printed once, in the batch's order."""
    from tests.in_process import run_g287

    folder = tmp_path / "lists"
    folder.mkdir()
    no_header = folder / "pendingAgencies05012025am.csv"  # before every bundled list: read first
    no_header.write_text("STATE,LAW\nTEXAS,Harris County\n")
    truncated = make_truncated(folder)
    database = tmp_path / "new.sqlite"
    for arguments in ([str(no_header)], [str(no_header), str(truncated), "--json"]):
        status, out, err = run_g287(str(database), "ingest", *arguments)
        assert status == 1 and "Traceback" not in out + err
        assert not list(tmp_path.glob("new.sqlite*"))
    assert err == "" and {error["file"] for error in json.loads(out)["errors"]} == {str(no_header), str(truncated)}
    status, out, err = run_g287(str(database), "ingest", str(no_header), str(GOOD))
    assert status == 1 and database.exists()
    assert err.splitlines() == [f"g287: error: {no_header}: no header row with the columns STATE and LAW ENFORCEMENT AGENCY in the first 25 rows"]
    assert [line.split(": ")[1] for line in out.splitlines()] == ["ingested as publication 1 (pending, 2025-07-11 am)"]


def test_a_failed_ingest_into_an_empty_database_leaves_it_without_g287_s_tables(blank_url, tmp_path):
    """A PostgreSQL database holding nothing got g287's tables from an ingest none of whose files could be ingested,
    as a new SQLite file was made: "unchanged" is then still empty, of either kind. A file that can be ingested makes
    them."""
    from sqlalchemy import create_engine

    from g287.db.dialect import own_tables
    from tests.in_process import run_g287

    def tables() -> list[str]:
        if blank_url.startswith("sqlite"):
            return ["(the file exists)"] if (tmp_path / "blank.sqlite").exists() else []
        engine = create_engine(blank_url)
        try:
            with engine.connect() as connection:
                return own_tables(connection)
        finally:
            engine.dispose()

    no_header = tmp_path / "pendingAgencies05012025am.csv"
    no_header.write_text("STATE,LAW\nTEXAS,Harris County\n")
    status, out, err = run_g287(blank_url, "ingest", str(no_header))
    assert (status, out) == (1, "") and err.startswith(f"g287: error: {no_header}: no header row") and tables() == []
    status, out, err = run_g287(blank_url, "ingest", str(no_header), str(GOOD))
    assert status == 1 and "ingested as publication 1" in out and tables() != []
