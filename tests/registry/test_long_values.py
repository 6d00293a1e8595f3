"""Names, county texts and column headings longer than the columns once declared (255 and 64 characters): on
PostgreSQL, which enforces a VARCHAR's length, such a list stopped its ingest ("value too long for type character
varying(255)"), where SQLite ingested it. Both now keep them whole and give the same figures."""

from __future__ import annotations

import datetime as dt

import openpyxl
from sqlalchemy import select

from g287.db.models.registry import Agency, AgencyName, QualityIssue, RawRow, RowProblem
from g287.registry import figures
from g287.registry.ingest import ingest_file

LONG_NAME = "Police Department of " + "the Very Long Township of Alabama " * 9  # 327 characters
LONG_COUNTY = "Colbert County, " + "as the list spells it at length, " * 9
LONG_HEADING = "NOTES ON THE AGREEMENT " + "AS THE LIST'S AUTHOR WROTE THEM " * 3


def test_long_names_counties_and_headings_are_kept_whole_on_either_database(db, actor, tmp_path):
    assert len(LONG_NAME.strip()) > 255 and len(LONG_COUNTY.strip()) > 255 and len(LONG_HEADING) > 64
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", LONG_HEADING])
    sheet.append(["ALABAMA", LONG_NAME, "Municipality", LONG_COUNTY, "Task Force Model", "05/08/2025", "link pending", "a note"])
    sheet.append(["ALABAMA", "Colbert County Sheriff's Office", "County", "Colbert County", "Jail Enforcement Model", "05/08/2025", "link pending", ""])
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    book.save(path)

    result = ingest_file(db, path, actor)
    assert result.listings == 2
    with db.session() as session:
        names = set(session.scalars(select(AgencyName.name)))
        assert LONG_NAME.strip() in names
        assert LONG_NAME.strip() in set(session.scalars(select(Agency.name)))
        assert LONG_COUNTY.strip() in set(session.scalars(select(RawRow.county_text)))
        # The value under the heading the reader does not know is registered with its column's name, whole.
        assert LONG_HEADING.strip() in set(session.scalars(select(QualityIssue.column))) | set(session.scalars(select(RowProblem.column)))
        stats = figures.stats(session, dt.date(2025, 5, 29))
    assert stats["participating"]["moas"] == 2 and stats["participating"]["by_model"] == {"JEM": 1, "TFM": 1, "WSO": 0}
