"""A county-level agency named after an independent city (Virginia's, Baltimore, St. Louis) whose COUNTY column
names another county equivalent — the county of the same name — is registered as a note, as one named after a
county is ("Bradford County Sheriff's Office" listed in Bedford County): the listing is located where the COUNTY
column says, and the register says the agency's own name disagrees. Names that are a county's own ("Charles City
County", "James City County") or a county's with a reviewed fix ("Hopewell County") give no note."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from g287.db.models.geo import CountyRowProblem
from g287.db.models.registry import RowProblem
from tests.geo.test_review_fixes import ingest_rows

DAY = dt.date(2025, 8, 5)


def row(state: str, agency: str, county: str) -> list[str]:
    return [state, agency, "County", county, "Jail Enforcement Model", "2025-07-20", "link pending"]


ROWS = [
    row("VIRGINIA", "Richmond City Sheriff's Office", "Richmond County"),
    row("MISSOURI", "St. Louis City Sheriff's Office", "St. Louis County"),
    row("MARYLAND", "Baltimore City Sheriff's Office", "Baltimore County"),
    # the agency's name is its county's: no note
    row("VIRGINIA", "Charles City County Sheriff's Office", "Charles City County"),
    row("VIRGINIA", "James City County Police Department", "James City County"),
    row("VIRGINIA", "Hopewell County Sheriff's Office", "Hopewell County"),
    row("VIRGINIA", "Norfolk City Sheriff's Office", "Norfolk"),
]


def test_a_city_sheriff_listed_in_the_county_of_its_name_is_noted(db, actor, tmp_path):
    ingest_rows(db, actor, tmp_path / "list.csv", ROWS, DAY)
    with db.session() as session:
        notes = session.execute(
            select(RowProblem.raw_value, RowProblem.problem)
            .join(CountyRowProblem, CountyRowProblem.row_problem_id == RowProblem.id)
            .where(RowProblem.category == "note")
            .order_by(RowProblem.raw_value)
        ).all()
    assert [tuple(n) for n in notes] == [
        (
            "Baltimore County",
            "the agency's name (Baltimore City Sheriff's Office) names Baltimore city (24510), but the COUNTY column names Baltimore County (24005)",
        ),
        (
            "Richmond County",
            "the agency's name (Richmond City Sheriff's Office) names Richmond city (51760), but the COUNTY column names Richmond County (51159)",
        ),
        (
            "St. Louis County",
            "the agency's name (St. Louis City Sheriff's Office) names St. Louis city (29510), but the COUNTY column names St. Louis County (29189)",
        ),
    ]
