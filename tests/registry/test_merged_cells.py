"""A sheet whose STATE (or any column) is merged down several rows: Excel keeps the value in the range's first cell
only, and shows it on every row; each row is read with it, and the repair is registered. A range over several
columns gives its value to its first column only, and the workbook's register says so in one note."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook, load_workbook

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


ACROSS = "merged ranges of cells span several columns in the list's rows"
ACROSS_ACTION = "the value is read in the range's first column only, where the sheet stores it; the other columns it covers are empty"


def merged_across(path):
    """Row 2: a state's name merged across the whole row, as a heading; row 3: an agency's name merged across TYPE
    and COUNTY; rows 4-5: a STATE merged down (A4:A5) and an agency merged over two columns and two rows (B4:C5)."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["FLORIDA"])
    sheet.append(["FL", "Alpha County Sheriff's Office", None, None, "Jail Enforcement Model", dt.datetime(2025, 4, 1), "link"])
    sheet.append(["TX", "Beta Police Department", None, "Beta County", "Task Force Model", dt.datetime(2025, 4, 2), "link"])
    sheet.append([None, None, None, "Gamma County", "Warrant Service Officer", dt.datetime(2025, 4, 3), "link"])
    sheet["H1"] = "NOTES"
    sheet.merge_cells("H1:I1")  # a merge in the header: no row of the list
    sheet.merge_cells("A2:G2")
    sheet.merge_cells("B3:D3")
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:C5")
    book.save(path)
    return path


def test_a_range_over_several_columns_gives_its_value_to_its_first_column_only(tmp_path):
    """Every column a range covered took its value: an agency's name merged over TYPE and COUNTY was its type and its
    county too, and a state's heading merged across the row was a listing whose agency and model were the state."""
    table = read_xlsx(merged_across(tmp_path / "participatingAgencies06012025am.xlsx"))
    cells = {row.number: [value if value != "" else None for value in row.cells] for row in table.rows}  # calamine: "" for none
    assert cells[2] == ["FLORIDA"] + [None] * 7
    assert cells[3][:4] == ["FL", "Alpha County Sheriff's Office", None, None]
    assert cells[4][:4] == ["TX", "Beta Police Department", None, "Beta County"]
    assert cells[5][:4] == ["TX", "Beta Police Department", None, "Gamma County"]  # filled down its first column
    assert [(n.problem, n.action, n.raw_value, n.row_number, n.category) for n in table.notes if ACROSS in n.problem] == [
        (f"3 {ACROSS}", ACROSS_ACTION, "A2:G2, B3:D3, B4:C5", 2, "note")
    ]
    assert "2 cells inside merged ranges of cells hold no value of their own" in [n.problem for n in table.notes]


def test_one_note_per_workbook_and_a_heading_merged_across_the_row_is_no_listing(db, actor, tmp_path):
    result = ingest_file(db, merged_across(tmp_path / "participatingAgencies06012025am.xlsx"), actor)
    assert result.listings == 3
    with db.session() as session:
        issues = register(session, session.get(Publication, result.publication_id))
    assert [(i.row, i.problem, i.category) for i in issues if ACROSS in i.problem] == [(2, f"3 {ACROSS}", "note")]
    assert [(i.row, i.raw_value) for i in issues if i.category == "not_a_listing"] == [(2, "FLORIDA")]
    assert [(i.row, i.column) for i in issues if i.problem == "no agency type"] == [(3, "TYPE"), (4, "TYPE"), (5, "TYPE")]


def test_one_range_is_said_in_the_singular_and_many_are_quoted_in_part(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for number in range(2, 14):
        sheet.append(["FL", f"Agency {number}", None, None, "Task Force Model", dt.datetime(2025, 4, 1), "link"])
        sheet.merge_cells(f"B{number}:C{number}")
    path = tmp_path / "participatingAgencies06012025am.xlsx"
    book.save(path)
    (note,) = [n for n in read_xlsx(path).notes if ACROSS in n.problem]
    assert (note.problem, note.raw_value) == (f"12 {ACROSS}", ", ".join(f"B{n}:C{n}" for n in range(2, 12)) + " and 2 more")
    sheet.unmerge_cells("B2:C2")
    for number in range(4, 14):
        sheet.unmerge_cells(f"B{number}:C{number}")
    book.save(path)
    (note,) = [n for n in read_xlsx(path).notes if "merged range" in n.problem]
    assert (note.problem, note.raw_value) == ("1 merged range of cells spans several columns in the list's rows", "B3:C3")


def test_one_cell_filled_from_its_range_is_said_in_the_singular(tmp_path):
    """The note said "1 cells ... hold no value of their own"."""
    path = workbook(tmp_path / "participatingAgencies06022025am.xlsx")
    book = load_workbook(path)
    book.active.unmerge_cells("A2:A4")
    book.active["A3"] = "FL"
    book.active.merge_cells("A3:A4")  # Gamma's row only takes its state from the range
    book.save(path)
    table = read_xlsx(path)
    assert [row.cells[0] for row in table.rows][:4] == ["FL", "FL", "FL", "TX"]
    assert [n.problem for n in table.notes] == ["1 cell inside merged ranges of cells holds no value of its own"]
