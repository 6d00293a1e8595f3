"""An empty MOA cell of a participating row: its status was 'none' with no register entry, a document unknown and
unsaid. Every row of a participating list is a signed MOA, so each such row registers "no MOA document link", with
the cell's empty value (none of ICE's bundled lists has one: the register gains no entry from them)."""

from __future__ import annotations

import datetime as dt

import openpyxl

from g287.registry import quality
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"]
PDF = "https://www.ice.gov/doclib/287gMOA/harris.pdf"


def test_an_empty_moa_cell_is_registered_once_per_row(db, actor, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for agency, moa in [("Harris County Sheriff's Office", "link"), ("Bexar County Sheriff's Office", None), ("Travis County Sheriff's Office", "link pending"), ("Dallas County Sheriff's Office", "")]:
        sheet.append(["TEXAS", agency, "County", agency.split()[0], "Task Force Model", dt.date(2025, 5, 1), moa, None])
    sheet.append(["TEXAS", "Collin County Sheriff's Office", "County", "Collin", "Task Force Model", dt.date(2025, 5, 1)])  # a row that ends before MOA
    sheet["G2"].hyperlink = PDF
    path = tmp_path / "participatingAgencies07012025am.xlsx"
    book.save(path)

    result = ingest_file(db, path, actor)
    with db.session() as session:
        entries = quality.register(session, resolve(session, str(result.publication_id)))
    moa = [(e.row, e.column, e.raw_value, e.problem, e.action, e.category) for e in entries if e.column in ("MOA", "ADDENDUM")]
    missing = ("MOA", "", "no MOA document link", "document status 'none': the MOA's address is unknown", "unknown")
    assert moa == [(3, *missing), (5, *missing), (6, *missing)]
