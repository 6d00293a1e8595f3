"""A row whose only data is in the STATE and/or COUNTY columns (a state's name above its rows, a county left on a
line of its own) names no agreement: no agency, type, model, signed date, document or link. It was a listing (an
MOA of ICE's count, with an unknown agency and model); it is not a listing, and the register says why, quoting the
row, so that nothing is dropped unsaid. A row with anything more (a type, a link) is still a listing."""

from __future__ import annotations

import datetime as dt

import openpyxl

from g287.registry import quality
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from g287.sources.interpret import Layout, read_row
from g287.sources.xlsx import read_xlsx

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "NOTES"]
PDF = "https://www.ice.gov/doclib/287gMOA/alpha.pdf"
PARTICIPATING_REASON = "data only in {}: no agency name, type, model, signed date or document, nor any link"


def participating(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["FLORIDA"])  # row 2: a state's heading above its rows
    sheet.append(["FLORIDA", "Alpha County Sheriff's Office", "County", "Alpha", "Jail Enforcement Model", dt.date(2025, 5, 1), "link"])
    sheet.append([None, None, None, "Beta County"])  # row 4: a county alone
    sheet.append(["FLORIDA", None, None, "Gamma", None, None, None, "see above"])  # row 5: a note, not the list's
    sheet.append(["TEXAS", None, "County"])  # row 6: a type names something: a listing, with its agency unknown
    sheet.append(["TEXAS", None, None, None, None, None, "link"])  # row 7: a link: a listing
    sheet["G7"].hyperlink = PDF
    sheet.append(["TEXAS", "Delta Police Department", "Municipality", "Delta", "Task Force Model", dt.date(2025, 5, 2), "link"])
    # rows 9 and 10: a placeholder or an error value where the agency goes is ICE's row, counted, its agency unknown
    sheet.append(["FLORIDA", "N/A", None, "Zeta"])
    sheet.append(["FLORIDA", "#N/A", None, "Eta"])
    path = path / "participatingAgencies07012025am.xlsx"
    book.save(path)
    return path


def test_a_row_with_data_only_in_state_or_county_is_not_a_listing(tmp_path):
    table = read_xlsx(participating(tmp_path))
    layout = Layout(table, "participating")
    readings = {row.number: read_row(layout, row) for row in table.rows}
    assert [n for n, r in readings.items() if not r.listing] == [2, 4, 5]
    assert readings[2].not_listing_reason == PARTICIPATING_REASON.format("STATE")
    assert readings[4].not_listing_reason == PARTICIPATING_REASON.format("COUNTY")
    assert readings[5].not_listing_reason == PARTICIPATING_REASON.format("STATE and COUNTY")
    assert not readings[2].problems  # no "no agency name", "no model"...: the row is no agreement to have them


def test_such_rows_are_registered_with_the_raw_row_and_not_counted(db, actor, tmp_path):
    result = ingest_file(db, participating(tmp_path), actor)
    assert result.listings == 6  # rows 3 and 6 to 10: ICE's count of MOAs is of listings
    with db.session() as session:
        entries = quality.register(session, resolve(session, str(result.publication_id)))
    not_listings = [(e.row, e.raw_value, e.problem, e.action, e.category) for e in entries if e.category == "not_a_listing"]
    assert not_listings == [
        (2, "FLORIDA", PARTICIPATING_REASON.format("STATE"), "not a listing", "not_a_listing"),
        (4, "Beta County", PARTICIPATING_REASON.format("COUNTY"), "not a listing", "not_a_listing"),
        (5, "FLORIDA | Gamma | see above", PARTICIPATING_REASON.format("STATE and COUNTY"), "not a listing", "not_a_listing"),
    ]
    assert not any(e.row in (2, 4, 5) and e.category != "not_a_listing" for e in entries)


def test_a_pending_row_with_data_only_in_state_is_not_a_listing(db, actor, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"])
    sheet.append(["OHIO", None, None, "  "])
    sheet.append(["OHIO", "Epsilon County Sheriff's Office", "County", "Epsilon", "Warrant Service Officer"])
    path = tmp_path / "pendingAgencies07012025am.xlsx"
    book.save(path)
    result = ingest_file(db, path, actor)
    assert result.listings == 1
    with db.session() as session:
        entries = quality.register(session, resolve(session, str(result.publication_id)))
    assert [(e.row, e.raw_value, e.problem) for e in entries if e.category == "not_a_listing"] == [
        (2, "OHIO", "data only in STATE: no agency name, type or model, nor any link")
    ]
