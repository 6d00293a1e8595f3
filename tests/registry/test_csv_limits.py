"""G287_MAX_SOURCE_ROWS applies to CSV files as to workbooks: a CSV with more rows of data is refused in one line
naming the file and the setting, before anything is written, and without parsing it to the end; and a cell longer
than Python csv's own limit is read whole."""

import csv

import pytest
from sqlalchemy import select

from g287.config import BUNDLED_PUBLICATIONS_DIR, max_workbook_bytes
from g287.db.models.registry import AgencyName
from g287.errors import SourceError
from g287.registry.ingest import ingest_file
from g287.sources import csvfile
from g287.sources.csvfile import read_csv
from tests.conftest import ICE_CSV, snapshot
from tests.in_process import run_g287

CSV = ICE_CSV / "participatingAgencies05162025am.csv"  # 585 rows below its header
GOOD = BUNDLED_PUBLICATIONS_DIR / "pending" / "pendingAgencies07112025am_b.xlsx"
HEADER = "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE\n"


def pending_csv(tmp_path, rows: int, above_header: int = 0):
    path = tmp_path / "pendingAgencies06202025am.csv"
    title = "".join(f"ICE list of pending agencies, line {i}\n" for i in range(above_header))
    path.write_text(title + HEADER + "".join(f"FLORIDA,Agency {i} Police Department,Municipality,,Task Force Model\n" for i in range(rows)))
    return path


def test_a_csv_with_more_rows_than_the_limit_is_refused_and_nothing_written(db, actor, monkeypatch):
    ingest_file(db, GOOD, actor)  # the database holds something that must survive
    before = snapshot(db)
    monkeypatch.setenv("G287_MAX_SOURCE_ROWS", "584")
    with pytest.raises(SourceError) as raised:
        ingest_file(db, CSV, actor)
    assert str(raised.value) == f"{CSV.name}: refused: it holds more rows below its header than the limit of 584 (G287_MAX_SOURCE_ROWS)"
    assert snapshot(db) == before


def test_the_limit_counts_the_rows_below_the_header(tmp_path, monkeypatch):
    monkeypatch.setenv("G287_MAX_SOURCE_ROWS", "585")
    assert read_csv(CSV).source_rows == 585  # at the limit: read
    path = pending_csv(tmp_path, 30, above_header=3)
    monkeypatch.setenv("G287_MAX_SOURCE_ROWS", "30")
    assert read_csv(path).source_rows == 30  # the title lines above the header are not rows of data
    monkeypatch.setenv("G287_MAX_SOURCE_ROWS", "29")
    with pytest.raises(SourceError, match="limit of 29 .G287_MAX_SOURCE_ROWS"):
        read_csv(path)


def test_a_long_csv_is_not_parsed_to_its_end(tmp_path, monkeypatch):
    path = pending_csv(tmp_path, 20_000)
    parsed = []
    reader = csv.reader

    def counting_reader(*args, **kwargs):
        for record in reader(*args, **kwargs):
            parsed.append(1)
            yield record

    monkeypatch.setattr(csvfile.csv, "reader", counting_reader)
    monkeypatch.setenv("G287_MAX_SOURCE_ROWS", "10")
    with pytest.raises(SourceError, match="refused"):
        read_csv(path)
    assert len(parsed) <= 10 + 25 + 1  # the limit, and the rows in which a header is looked for


def test_the_command_line_refuses_it_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("G287_MAX_SOURCE_ROWS", "1")
    status, out, err = run_g287(f"sqlite:///{tmp_path / 'cli.sqlite'}", "ingest", str(CSV))
    assert status == 1 and "Traceback" not in err + out
    assert err.strip().splitlines() == [f"g287: error: {CSV}: refused: it holds more rows below its header than the limit of 1 (G287_MAX_SOURCE_ROWS)"]
    assert "ingested" not in out


def test_a_small_size_limit_is_named_with_its_digits(monkeypatch):
    """With G287_MAX_WORKBOOK_MB=0.01 the messages said "0 MB (limit 0 MB)" and "0 MB is larger than any list"."""
    from g287.wording import megabytes

    assert (megabytes(10_000), megabytes(1048576 * 0.01), megabytes(1048576 * 250)) == ("0.00954 MB", "0.01 MB", "250 MB")
    monkeypatch.setenv("G287_MAX_WORKBOOK_MB", "0.01")
    with pytest.raises(SourceError) as refused:
        read_csv(CSV)
    assert "0 MB" not in str(refused.value) and " MB is larger than any list" in str(refused.value)


@pytest.fixture
def csv_default_limit():
    """Python's csv as it starts, whatever an earlier test read: its limit is the process's."""
    before = csv.field_size_limit(131072)
    yield
    csv.field_size_limit(before)


def test_a_cell_longer_than_csv_s_own_limit_is_read_whole(db, actor, tmp_path, csv_default_limit):
    """csv refuses a field over 131,072 characters ("field larger than field limit"): such a file was refused,
    while names are kept whole whatever their length. Any cell a file within the size limit holds is read."""
    name = "Agency" + " of a very long name" * 10_000  # 200,006 characters
    path = tmp_path / "pendingAgencies06202025am.csv"
    path.write_text(HEADER + f'FLORIDA,"{name}",Municipality,,Task Force Model\nTEXAS,Harris County Sheriff\'s Office,County,Harris,Task Force Model\n')
    table = read_csv(path)
    assert [row.cells[1] for row in table.rows] == [name, "Harris County Sheriff's Office"]
    assert ingest_file(db, path, actor).listings == 2
    with db.session() as session:
        assert session.scalar(select(AgencyName.name).where(AgencyName.name.like("Agency of a very long%"))) == name
    assert csv.field_size_limit() <= max_workbook_bytes()  # no cell longer than the file that holds it
