"""Rows stored under earlier reading rules are not reused by a list read under the current ones: a publication's
register entries then all follow one set of rules (a database kept across an upgrade otherwise mixed them)."""

from sqlalchemy import func, select

from g287.db.models.registry import RawRow
from g287.registry.ingest import ingest_file
from g287.sources import interpret

HEADER = "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA"
ROWS = [
    "TEXAS,Lavaca County Sheriff's Office,County,Lavaca,Jail Enforcement Model,6/8/2020,",
    "IDAHO,Owyhee County Sheriff's Office,County,Owyhee,Task Force Model,3/7/2025,",
]


def _list(path, rows, newline="\n"):
    path.write_bytes((newline.join([HEADER, *rows]) + newline).encode("utf-8"))
    return path


def _stored(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(RawRow))


def test_rows_are_reused_under_the_same_rules_and_stored_anew_under_new_ones(db, actor, tmp_path, monkeypatch):
    first = _list(tmp_path / "participatingAgencies05012025am.csv", ROWS)
    second = _list(tmp_path / "participatingAgencies05022025am.csv", ROWS, "\r\n")  # other bytes, the same rows
    third = _list(tmp_path / "participatingAgencies05032025am.csv", [*ROWS, "FLORIDA,Sanibel Police Department,Municipality,Lee,Task Force Model,3/26/2025,"])
    monkeypatch.setattr(interpret, "READING_RULES", "earlier rules")
    interpret._readings_by_cells.clear()  # readings of these rows by an earlier test, under the current rules
    ingest_file(db, first, actor)
    assert _stored(db) == 2
    monkeypatch.undo()
    interpret._readings_by_cells.clear()  # one process never changes rules: its cache of readings by cells knows no version
    ingest_file(db, second, actor)
    assert _stored(db) == 4  # the same rows, read under other rules: stored anew
    ingest_file(db, third, actor)
    assert _stored(db) == 5  # under the same rules they are reused; only the new row is stored
