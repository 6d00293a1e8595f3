"""The XLSX in ICE's layout keeps ICE's own cell where the registry read no value from it (an impossible signed date,
a placeholder or an Excel error for the county, "link" with no address): written blank, the download dropped what ICE
published, and a re-ingest registered nothing where the list had a problem."""

import datetime as dt
import io
import warnings

import openpyxl
import pytest

from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from g287.registry.quality import register
from g287.web.app import create_app
from tests.conftest import make_database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

# ICE's columns; each row but the last has one cell the registry cannot read: a date in the year 5025 (ICE's
# 07-09 list signs Grundy County, TN's WSO agreement so), a placeholder, an Excel error, "link" with no address.
HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"]
LIST = [
    ["TEXAS", "Impossible Date Police Department", "Municipality", "Travis County", "Task Force Model", dt.datetime(5025, 7, 7), "a"],
    ["TEXAS", "Placeholder County Sheriff's Office", "County", "N/A", "Jail Enforcement Model", dt.datetime(2025, 5, 8), "b"],
    ["TEXAS", "Error County Police Department", "Municipality", "#N/A", "Task Force Model", dt.datetime(2025, 5, 8), "c"],
    ["TEXAS", "No Address Police Department", "Municipality", "Travis County", "Warrant Service Officer", dt.datetime(2025, 5, 8), None, "link"],
    ["TEXAS", "Whole Police Department", "Municipality", "Travis County", "Warrant Service Officer", dt.datetime(2025, 5, 8), "d"],
]
UNREAD = {
    "Impossible Date Police Department": ("SIGNED", "5025-07-07"),
    "Placeholder County Sheriff's Office": ("COUNTY", "N/A"),
    "Error County Police Department": ("COUNTY", "#N/A"),
    "No Address Police Department": ("MOA", "link"),
}
SOURCE = "participatingAgencies01052026am.xlsx"


def _write_list(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for values in LIST:
        sheet.append(values[:6])
        row = sheet.max_row
        if values[6]:  # a cell that says "link", carrying the address as ICE's cells do
            sheet.cell(row, 7, "link").hyperlink = f"https://www.ice.gov/doclib/287gMOA/{values[6]}.pdf"
        else:
            sheet.cell(row, 7, "link")  # ... or carrying none
        if len(values) > 7:
            sheet.cell(row, 8, values[7])
    sheet["D4"].data_type = "e"  # #N/A as an error value, not as text
    book.save(path)


@pytest.fixture
def client(tmp_path, actor):
    database = make_database("sqlite", tmp_path)[0]
    _write_list(tmp_path / SOURCE)
    ingest_file(database, tmp_path / SOURCE, actor)
    with TestClient(create_app(database)) as client:
        client.db = database
        yield client
    database.dispose()


def _unknowns(database, file_name: str) -> set[tuple[int, str, str]]:
    """(row, column, value) of each cell the register says gave no value in the file."""
    with database.session() as session:
        return {(e.row, e.column, e.raw_value) for e in register(session, resolve(session, file_name)) if e.category == "unknown"}


def test_the_xlsx_writes_back_the_cells_the_registry_could_not_read(client, tmp_path, actor):
    answer = client.get("/exports/agreements.xlsx")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    header = [cell.value for cell in sheet[1]]
    rows = {row[1]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    for agency, (column, written) in UNREAD.items():
        assert str(rows[agency][column]) == written, (agency, column, rows[agency][column])
    assert rows["No Address Police Department"]["ADDENDUM"] == "link"
    assert rows["Whole Police Department"]["COUNTY"] == "Travis County" and rows["Whole Police Department"]["ADDENDUM"] is None

    # Read back, the export registers each of those cells again, in the same row and column, with the same value.
    copy = tmp_path / "participatingAgencies01052026am_g287.xlsx"
    copy.write_bytes(answer.content)
    fresh = make_database("sqlite", tmp_path / "fresh")[0]
    ingest_file(fresh, copy, actor)
    assert _unknowns(fresh, copy.name) == _unknowns(client.db, SOURCE) != set()
    fresh.dispose()

