"""A sheet whose STATE (or any column) is merged down several rows: Excel keeps the value in the range's first cell
only, and shows it on every row; each row is read with it, and the repair is registered."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from g287.registry.ingest import ingest_file
from g287.db.models.registry import Publication
from g287.registry.quality import register
from g287.sources.xlsx import read_xlsx

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]


def workbook(path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["FL", "Alpha County Sheriff's Office", "County", "Alpha County", "Jail Enforcement Model", dt.datetime(2025, 4, 1), "link"])
    sheet.append([None, "Beta Police Department", "Municipality", "Alpha County", "Task Force Model", dt.datetime(2025, 4, 2), "link"])
    sheet.append([None, "Gamma Police Department", "Municipality", "Alpha County", "Task Force Model", dt.datetime(2025, 4, 3), "link"])
    sheet.append(["TX", "Delta County Sheriff's Office", "County", "Delta County", "Warrant Service Officer", dt.datetime(2025, 4, 4), "link"])
    sheet["B6"] = " "  # row 6 is in the sheet, with nothing in it
    sheet.merge_cells("A2:A4")  # FL over the three Florida rows: Excel keeps it in A2 only
    sheet.merge_cells("A5:A6")  # TX over its row and an empty row below it, which stays empty
    book.save(path)
    return path


def test_a_merged_state_applies_to_each_row_of_its_range(tmp_path):
    path = workbook(tmp_path / "participatingAgencies06012025am.xlsx")
    table = read_xlsx(path)
    states = [row.cells[0] for row in table.rows]
    assert states[:4] == ["FL", "FL", "FL", "TX"] and table.rows[4].number == 6 and table.rows[4].cells[0] in (None, "")
    assert [n.problem for n in table.notes] == ["2 cells inside merged ranges of cells hold no value of their own"]


def test_merged_rows_are_listings_of_their_state_and_the_repair_is_registered(db, actor, tmp_path):
    result = ingest_file(db, workbook(tmp_path / "participatingAgencies06012025am.xlsx"), actor)
    assert result.listings == 4
    with db.session() as session:
        issues = register(session, session.get(Publication, result.publication_id))
    assert not any(i.problem == "no state" for i in issues)
    assert any(i.problem == "2 cells inside merged ranges of cells hold no value of their own" and i.category == "repaired" for i in issues)


def test_a_merged_number_calamine_reads_as_a_time_is_no_time_on_any_row_of_its_range(tmp_path):
    """calamine reads a number in a time format as a time of day, a value no cell holds (xlsx_grid): the range's first
    cell gets back the number it stores, and the rows below, which show the range's value, get that value as text
    rather than the invented time (rows holding such a value are found before the merged values are filled in)."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["FL", "Alpha County Sheriff's Office", "County", "Alpha County", "Jail Enforcement Model", 0.5, "link"])
    sheet.append(["FL", "Beta Police Department", "Municipality", "Alpha County", "Task Force Model", None, "link"])
    sheet["F2"].number_format = "h:mm"
    sheet.merge_cells("F2:F3")
    path = tmp_path / "participatingAgencies06012025am.xlsx"
    book.save(path)
    signed = [row.cells[5] for row in read_xlsx(path).rows]
    assert signed == [0.5, "12:00:00"]
    assert not any(isinstance(value, (dt.time, dt.timedelta)) for value in signed)
