"""A row's reading is cached by its content and what else it depends on (interpret.Layout.reading_key): the header of
each field's column, not the column's position, and not a county or addendum column whose cell is empty. A list that
gains a column (ICE's ADDENDUM, in July 2025) then reads again only the rows that changed; every reading served from
the cache is the one reading the row afresh gives."""

from __future__ import annotations

import datetime as dt

import pytest

from g287.registry import ingest
from g287.registry.batch import expand_paths, sort_for_ingest
from g287.sources import interpret
from g287.sources.table import SourceRow, SourceTable
from tests.conftest import ICE

PARTICIPATING = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
LINK = "https://www.ice.gov/doclib/287gMOA/x.pdf"


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    for name in ("_readings", "_readings_by_cells", "_field_readings"):
        monkeypatch.setattr(interpret, name, {})


def afresh(layout: interpret.Layout, row: SourceRow) -> interpret.RowReading:
    """The row read with no cache at all."""
    content = interpret._raw_content(layout, row)
    saved = dict(interpret._field_readings)
    interpret._field_readings.clear()
    try:
        return interpret._interpret(layout, row, content, "digest")
    finally:
        interpret._field_readings.update(saved)


def same_reading(a: interpret.RowReading, b: interpret.RowReading) -> bool:
    return {**vars(a), "digest": None} == {**vars(b), "digest": None}


def read(header: list[str], cells: list, links: dict[int, str] | None = None, kind: str = "participating"):
    table = SourceTable(path="x.xlsx", file_name="x.xlsx", source_format="xlsx", header_row=1, header=header, rows=[], source_rows=1)
    layout = interpret.Layout(table, kind)
    row = SourceRow(number=2, cells=cells, links=links or {})
    return layout, row, interpret.read_row(layout, row)


def test_every_bundled_row_read_from_the_cache_is_its_reading_afresh_and_the_addendum_column_costs_no_rereading():
    files = sort_for_ingest(expand_paths([str(ICE / "participating"), str(ICE / "pending")]))
    previous: set[int] = set()
    reused = {}
    for path in files:
        prepared = ingest.prepare(path)
        layout = interpret.Layout(prepared.table, prepared.kind)
        for row, reading in zip(prepared.table.rows, prepared.readings):
            assert same_reading(reading, afresh(layout, row)), (path.name, row.number)
        reused[path.name] = sum(1 for r in prepared.readings if id(r) in previous)
        previous = {id(r) for r in prepared.readings}
    # The first list with an ADDENDUM column (empty on most rows) shares the readings of the list before it.
    assert reused["participatingAgencies07032025pm.xlsx"] > 500


def test_a_list_that_gains_an_empty_addendum_column_or_spells_an_empty_county_column_otherwise_shares_its_rows_readings():
    cells = ["FL", "Alpha County Sheriff's Office", "County", "Alpha County", "Task Force Model", dt.date(2025, 4, 1), "link"]
    _layout, _row, before = read(PARTICIPATING, cells, {6: LINK})
    moved = PARTICIPATING[:3] + ["ADDENDUM"] + PARTICIPATING[3:]  # a new column, which also moves the others
    _layout, _row, after = read(moved, cells[:3] + [None] + cells[3:], {7: LINK})
    assert after is before
    _layout, _row, county = read(PARTICIPATING, cells[:3] + [""] + cells[4:], {6: LINK})
    spelled = PARTICIPATING[:3] + ["COUNTY NAME"] + PARTICIPATING[4:]
    _layout, _row, county_name = read(spelled, cells[:3] + [None] + cells[4:], {6: LINK})
    assert county_name is county and county.county_text is None and not county.problems


ROW = ["FL", "Alpha County Sheriff's Office", "County", "Alpha County", "Task Force Model", dt.date(2025, 4, 1), "link"]


@pytest.mark.parametrize(
    "header_a, cells_a, links_a, header_b, cells_b, links_b",
    [
        # An empty agency cell is registered under its column's header: two spellings, two readings.
        (PARTICIPATING, ROW[:1] + [None] + ROW[2:], {6: LINK}, ["STATE", "AGENCY NAME"] + PARTICIPATING[2:], ROW[:1] + [None] + ROW[2:], {6: LINK}),
        # The same content, "MOA" read as the MOA in one list, and in the other a second MOA column beside an empty
        # first one ("MOA LINK"), which the list does not read.
        (PARTICIPATING, ROW, {6: LINK}, PARTICIPATING[:6] + ["MOA LINK", "MOA"], ROW[:6] + [None, "link"], {7: LINK}),
    ],
)
def test_rows_whose_reading_depends_on_the_layout_are_read_for_each(header_a, cells_a, links_a, header_b, cells_b, links_b):
    layout_a, row_a, first = read(header_a, cells_a, links_a)
    layout_b, row_b, second = read(header_b, cells_b, links_b)
    assert first.content == second.content  # the same row as stored: only the layout tells the readings apart
    assert second is not first
    assert same_reading(first, afresh(layout_a, row_a)) and same_reading(second, afresh(layout_b, row_b))
    assert not same_reading(first, second)
