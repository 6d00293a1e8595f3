"""CSV quotes and title lines. A stray double quote opened a cell that swallowed the rows below it (76 lines read as
one agency name, 76 listings gone without a word): the file is now refused in one line naming the line the quote
opened on, before anything is written. A title line above the header no longer decides the delimiter: the header
is looked for in the top rows under each, as in a workbook."""

import csv
import io

import pytest

from g287.config import BUNDLED_PUBLICATIONS_DIR
from g287.errors import SourceError
from g287.registry.ingest import ingest_file
from g287.sources.csvfile import read_csv
from tests.conftest import ICE_CSV, snapshot
from tests.in_process import run_g287

CSV = ICE_CSV / "participatingAgencies05162025am.csv"  # 585 rows below its header, on line 1
GOOD = BUNDLED_PUBLICATIONS_DIR / "pending" / "pendingAgencies07112025am_b.xlsx"
DAMAGED = "the file is damaged (a stray double quote?)"


def lines_of(source=CSV) -> list[str]:
    return source.read_text(encoding="utf-8").split("\n")


def write(tmp_path, lines: list[str], name: str = CSV.name, newline: str = "\n"):
    path = tmp_path / name
    path.write_bytes(newline.join(lines).encode("utf-8"))
    return path


def stray_quote(tmp_path, closing_line: int | None = None):
    """The reproduction: one stray quote on line 6 (`…,"County,…`); with `closing_line`, a second one that closes
    it there (`…Office",…`), so the quotes pair up and csv reads them without error."""
    lines = lines_of()
    assert lines[5].startswith("ALABAMA,Etowah County Sheriff's Office,County,")
    lines[5] = lines[5].replace(",County,", ',"County,', 1)
    if closing_line is not None:
        assert "Office," in lines[closing_line - 1] and '"' not in lines[closing_line - 1]
        lines[closing_line - 1] = lines[closing_line - 1].replace("Office,", 'Office",', 1)
    return write(tmp_path, lines)


def test_a_stray_quote_refuses_the_file_and_writes_nothing(db, actor, tmp_path):
    ingest_file(db, GOOD, actor)  # the database holds something that must survive
    before = snapshot(db)
    path = stray_quote(tmp_path)
    with pytest.raises(SourceError) as raised:
        ingest_file(db, path, actor)
    # the quote on line 6 runs to the next quote in the file, line 82's, which opens a legitimate quoted name
    assert str(raised.value) == f"{CSV.name}: a quoted field opened on line 6 is closed on line 82 by a quote followed by more text: {DAMAGED}"
    assert snapshot(db) == before


def test_the_command_line_refuses_a_stray_quote_in_one_line(tmp_path, monkeypatch):
    path = stray_quote(tmp_path)
    monkeypatch.setenv("G287_ALIASES_FILE", str(tmp_path / "aliases.csv"))
    status, out, err = run_g287(f"sqlite:///{tmp_path / 'cli.sqlite'}", "ingest", str(path))
    assert status == 1 and "Traceback" not in err + out
    assert err.strip().splitlines() == [f"g287: error: {path}: a quoted field opened on line 6 is closed on line 82 by a quote followed by more text: {DAMAGED}"]
    assert "ingested" not in out


@pytest.mark.parametrize(
    "closing_line, problem",
    [
        (41, "a quoted field opened on line 6 runs over 36 lines, to line 41 (a cell holds a line or two)"),
        (8, "a quoted field opened on line 6 holds line 7, with the delimiters of a whole row"),
    ],
    ids=["over many lines", "over a whole row"],
)
def test_two_stray_quotes_that_pair_up_refuse_the_file(db, actor, tmp_path, closing_line, problem):
    """csv reads these without error (the second quote closes the first): the lines between would be one cell."""
    before = snapshot(db)
    with pytest.raises(SourceError) as raised:
        ingest_file(db, stray_quote(tmp_path, closing_line), actor)
    assert str(raised.value) == f"{CSV.name}: {problem}: {DAMAGED}"
    assert snapshot(db) == before


def test_a_quote_never_closed_is_named_by_its_line(tmp_path):
    lines = lines_of()
    del lines[81]  # line 82 holds the file's only quoted name: the stray quote now runs to the end of the file
    lines[5] = lines[5].replace(",County,", ',"County,', 1)
    with pytest.raises(SourceError) as raised:
        read_csv(write(tmp_path, lines))
    assert str(raised.value) == f"{CSV.name}: a quoted field opened on line 6 is never closed: {DAMAGED}"


def test_a_stray_quote_above_the_header_is_reported_rather_than_the_header_it_hides(tmp_path):
    path = write(tmp_path, ['ICE list of participating agencies,"as of May 16 2025', *lines_of()])
    with pytest.raises(SourceError) as raised:
        read_csv(path)
    assert str(raised.value) == f"{CSV.name}: a quoted field opened on line 1 is closed on line 83 by a quote followed by more text: {DAMAGED}"


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_a_quoted_line_break_in_a_cell_is_still_one_row(db, actor, tmp_path, newline):
    """A name typed on two lines in Excel is exported as a quoted cell over two lines: one row, the line break kept."""
    lines = lines_of()
    lines[5] = lines[5].replace("Etowah County Sheriff's Office", f'"Etowah County{newline}Sheriff\'s Office"', 1)
    lines[6] = lines[6].replace(",County,", ',"County",', 1)  # quoting a cell without a need is no damage either
    path = write(tmp_path, lines, newline=newline)
    table = read_csv(path)
    assert table.source_rows == 585
    assert table.rows[4].cells[:3] == ["ALABAMA", f"Etowah County{newline}Sheriff's Office", "County"]
    assert table.rows[5].cells[2] == "County"
    result = ingest_file(db, path, actor)
    assert (result.listings, result.source_rows) == (571, 585)


@pytest.mark.parametrize(
    "titles, delimiter",
    [
        (["287(g) Participating Agencies; as of May 16 2025"], ","),  # the reproduction: a semicolon above commas
        (["Participating agencies, as of May 16 2025"], ";"),  # a comma above semicolons
        (['"Participating Agencies, May 2025"'], ";"),  # a quoted comma above semicolons
        (["Participating agencies, as of May 16; 2025"], "\t"),
        (["Participating\tagencies\tMay 16"], ","),
        (["Participating agencies; Task Force Model; as of May 16, 2025", "", "Source: ICE, archived"], ","),  # title lines and a blank
    ],
    ids=["semicolon over comma", "comma over semicolon", "quoted comma over semicolon", "comma and semicolon over tab", "tabs over comma", "three lines"],
)
def test_title_lines_above_the_header_do_not_decide_the_delimiter(tmp_path, titles, delimiter):
    expected = read_csv(CSV)
    body = io.StringIO()
    csv.writer(body, delimiter=delimiter, lineterminator="\n").writerows(csv.reader(io.StringIO(CSV.read_text(encoding="utf-8"), newline="")))
    table = read_csv(write(tmp_path, [*titles, body.getvalue()]))
    assert table.header_row == len(titles) + 1
    assert table.header == expected.header and table.source_rows == 585
    assert [r.cells for r in table.rows] == [r.cells for r in expected.rows]


def test_a_titled_csv_is_ingested_as_the_plain_one(db, actor, tmp_path):
    path = write(tmp_path, ["287(g) Participating Agencies; as of May 16 2025", *lines_of()])
    result = ingest_file(db, path, actor)
    assert (result.listings, result.source_rows, result.quality_entries) == (571, 585, 425)


def test_with_a_header_under_no_delimiter_the_message_is_unchanged(tmp_path):
    path = write(tmp_path, ["Participating agencies; as of May 16 2025", *(f"FLORIDA;Agency {i},Task Force Model" for i in range(30))])
    with pytest.raises(SourceError) as raised:
        read_csv(path)
    assert str(raised.value) == f"{CSV.name}: no header row with the columns STATE and LAW ENFORCEMENT AGENCY in the first 25 rows"


@pytest.mark.parametrize("name, figures", [(CSV.name, (571, 585, 425)), ("pendingAgencies05152025am.csv", (92, 92, 48))])
def test_the_bundled_csv_files_read_as_before(db, actor, name, figures):
    """Strict quotes and the delimiter search change nothing for the exports ICE's lists were saved as (one of them
    holds a quoted name with a comma)."""
    result = ingest_file(db, ICE_CSV / name, actor)
    assert (result.listings, result.source_rows, result.quality_entries) == figures
