"""Tables on a narrow terminal: every value of every row is shown, whatever the width (rich squeezed the columns of a
table wider than the terminal to one character or none, and a column of width 0 showed nothing of its values)."""

from __future__ import annotations

import re

import pytest

from g287.cli.common import console
from tests.in_process import run_g287

COMMANDS = [
    ["publications"],
    ["stats", "--as-of", "2025-07-09"],
    ["quality", "--summary"],
    ["quality", "10", "--category", "unknown"],
    ["timeline", "--every", "publication"],
    ["coverage", "--as-of", "2025-07-09"],
    ["agreements", "--state", "AL"],
    ["counties", "unmatched"],
]
WIDE = 10_000  # every row on one line, no value folded: what the narrower outputs must show too


def _shown(bundled_db, monkeypatch, width: int, command: list[str]) -> str:
    monkeypatch.setattr(console, "width", width)
    status, out, err = run_g287(bundled_db.url, *command)
    assert status == 0 and err == "", (command, err)
    return out


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip()[1:-1].split(line.strip()[0])]


def _table(out: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the table drawn at WIDE columns."""
    header = [_cells(line) for line in out.splitlines() if line.startswith("┃")]
    rows = [_cells(line) for line in out.splitlines() if line.startswith("│")]
    assert len(header) == 1 and rows, out[:2000]
    return header[0], rows


def _without_spaces(text: str) -> str:
    return re.sub(r"\s", "", text)


def _every_value_shown(out: str, header: list[str], rows: list[list[str]], width: int) -> None:
    lines = out.splitlines()
    if any(line.startswith("┏") for line in lines):  # a table: each column's cells, read down, hold its values in order
        drawn = [_cells(line) for line in lines if line.startswith(("┃", "│"))]
        assert all(len(cells) == len(header) for cells in drawn)
        for index, name in enumerate(header):
            column = _without_spaces("".join(cells[index] for cells in drawn))
            assert column.startswith(_without_spaces(name)), (name, column[:200])
            position = 0
            for row in rows:
                found = column.find(_without_spaces(row[index]), position)
                assert found >= 0, (width, name, row[index])
                position = found + len(_without_spaces(row[index]))
        assert max(len(line) for line in lines if line.startswith(("┃", "│"))) <= width
    else:  # one block per row: "column: value", each of a row's values under its column's name
        shown = _without_spaces(out)
        position = 0
        for row in rows:
            for name, value in zip(header, row):
                found = shown.find(_without_spaces(f"{name}: {value}"), position)
                assert found >= 0, (width, name, value)
                position = found
        assert all(len(line) <= width for line in lines if line.startswith(tuple(f"{name}:" for name in header)))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_value_of_a_table_is_shown_on_a_30_and_an_80_column_terminal(bundled_db, monkeypatch, command):
    """At 30 columns `g287 publications` drew 7 columns of one character, `g287 timeline` and `g287 agreements`
    columns of none: empty cells, the figures gone. A table whose columns would be narrower than their words (and than
    6 characters) is printed as one block per row, `column: value`."""
    header, rows = _table(_shown(bundled_db, monkeypatch, WIDE, command))
    for width in (30, 80):
        _every_value_shown(_shown(bundled_db, monkeypatch, width, command), header, rows, width)


def test_a_table_that_fits_is_still_a_table_and_json_is_the_same_at_any_width(bundled_db, monkeypatch):
    narrow = _shown(bundled_db, monkeypatch, 30, ["stats", "--as-of", "2025-07-09"])
    assert "│ MOAs              │   807 │" in narrow.splitlines()
    assert "┃ id ┃ kind" in _shown(bundled_db, monkeypatch, 80, ["publications"])
    blocks = _shown(bundled_db, monkeypatch, 30, ["publications"])
    assert blocks.startswith("id: 2\nkind: participating\npublished: 2025-05-16 am\nfile: \n"), blocks[:200]
    for command in (["publications", "--json"], ["timeline", "--json"], ["quality", "--summary", "--json"]):
        assert _shown(bundled_db, monkeypatch, 30, command) == _shown(bundled_db, monkeypatch, WIDE, command)


def test_a_table_printed_as_blocks_shows_what_a_terminal_acts_on_as_question_marks():
    """The blocks are drawn from the cells' own text: an escape in a value (a raw value of the quality register) must be
    replaced as it is in a table's cells, not reach the terminal."""
    import io

    from g287.cli.common import Table, _TerminalConsole

    table = Table(title="raw\x1b]0;title\x07")
    for name in ("publication", "row", "raw value", "problem", "what was done"):
        table.add_column(name)
    table.add_row("10", "3", "\x1b[31mred\u202e", "unknown", "kept\nas text")
    out = io.StringIO()
    _TerminalConsole(file=out, width=30, highlight=False, markup=False).print(table)
    assert out.getvalue().splitlines() == [
        "raw?]0;title?", "", "publication: 10", "row: 3", "raw value: ?[31mred?", "problem: unknown", "what was done: kept", "  as text",
    ]
