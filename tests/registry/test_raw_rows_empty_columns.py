"""A column ICE adds empty to every row (ADDENDUM, in July 2025) leaves the rows what they were: the rows listed
before and after it are one stored row each, their runs go on, and only a row that fills the new column is new."""

from sqlalchemy import func, select

from g287.db.models.registry import ListingRun, RawRow
from g287.registry.ingest import ingest_file

HEADER = "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA"
ROWS = [
    "TEXAS,Lavaca County Sheriff's Office,County,Lavaca,Jail Enforcement Model,6/8/2020,",
    "FLORIDA,Sanibel Police Department,Municipality,Lee,Task Force Model,3/26/2025,",
    "IDAHO,Owyhee County Sheriff's Office,County,Owyhee,Task Force Model,3/7/2025,",
]


def _write(path, header: str, rows: list[str]) -> None:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def test_an_empty_new_column_keeps_the_rows_and_their_runs(db, actor, tmp_path):
    before, after, filled = (tmp_path / f"participatingAgencies0{n}012025am.csv" for n in (5, 6, 7))
    _write(before, HEADER, ROWS)
    _write(after, HEADER + ",ADDENDUM", [row + "," for row in ROWS])
    _write(filled, HEADER + ",ADDENDUM", [ROWS[0] + ",https://www.ice.gov/doclib/287gMOA/addendum.pdf", *(row + "," for row in ROWS[1:])])
    for path in (before, after, filled):
        ingest_file(db, path, actor)
    with db.session() as session:
        stored = session.scalar(select(func.count()).select_from(RawRow))
        runs = {(raw_row_id, first, last) for raw_row_id, first, last in session.execute(select(ListingRun.raw_row_id, ListingRun.first_seq, ListingRun.last_seq))}
    # Three rows, and one more when Lavaca's row gains an addendum: its first row ends with the second list.
    assert stored == 4
    assert sorted((first, last) for _id, first, last in runs) == [(1, 2), (1, 3), (1, 3), (3, 3)]
