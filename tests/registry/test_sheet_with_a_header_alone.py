"""A sheet holding a header and no row below it (a template, a list not pasted yet) before the sheet that holds the
list: the list is read, and the other sheet registered. The workbook was refused as having no rows with data."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from g287.errors import SourceError
from g287.registry.figures import stats
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from g287.registry.quality import register
from tests.conftest import snapshot

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
ROWS = [
    ["TEXAS", "Harris County Sheriff's Office", "County", "Harris", "Task Force Model", dt.datetime(2025, 5, 1), "link"],
    ["FLORIDA", "Collier County Sheriff's Office", "County", "Collier", "Jail Enforcement Model", dt.datetime(2025, 4, 2), "link"],
]


def workbook(path, list_rows):
    book = openpyxl.Workbook()
    template = book.active
    template.title = "Template"
    template.append(HEADER)
    sheet = book.create_sheet("Agencies")
    for values in [HEADER, *list_rows]:
        sheet.append(values)
    for number in range(2, len(list_rows) + 2):
        sheet.cell(number, 7).hyperlink = f"https://www.ice.gov/doclib/287gMOA/{number}.pdf"
    book.save(path)
    return path


def test_the_list_is_read_from_the_sheet_below_a_header_alone(db, actor, tmp_path):
    result = ingest_file(db, workbook(tmp_path / "participatingAgencies05292025am.xlsx", ROWS), actor)
    assert (result.listings, result.source_rows) == (2, 2)
    with db.session() as session:
        figures = stats(session)["participating"]
        notes = [e.problem for e in register(session, resolve(session, str(result.publication_id))) if e.category == "note"]
    assert (figures["moas"], figures["states"], figures["by_model"]["TFM"], figures["by_model"]["JEM"]) == (2, 2, 1, 1)
    assert "the workbook has another sheet with data: 'Template'" in notes


def test_headers_alone_are_still_refused(db, actor, tmp_path):
    before = snapshot(db)
    with pytest.raises(SourceError, match="the list has a header but no rows with data"):
        ingest_file(db, workbook(tmp_path / "participatingAgencies05292025am.xlsx", []), actor)
    assert snapshot(db) == before
