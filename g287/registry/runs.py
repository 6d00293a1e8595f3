"""Listings stored as runs: a row listed unchanged in consecutive publications is one record, whatever their number.

A publication at position `seq` of its series (see series_of) lists the rows whose run covers seq. Placing a new publication extends
the runs of the rows it repeats, starts runs for new rows, and — when a publication arrives out of order — shifts
later positions and splits the runs it interrupts. Row maps name rows by (raw row, occurrence), never by run, so
splitting or joining runs never invalidates them.
"""

from __future__ import annotations

import array
import zlib
from typing import NamedTuple

from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from g287.db.plain import plain
from g287.db.models.registry import ListingRun, Publication

RowKey = tuple[int, int]  # (raw row id, occurrence)


class MappedRow(NamedTuple):  # a tuple: an ingest makes one per source row, and a row map is read back whole
    row_number: int
    raw_row_id: int
    occurrence: int


def encode_row_map(rows: list[MappedRow]) -> bytes:
    """Delta-code (row number, raw row id, occurrence) triples and compress them."""
    values = array.array("q")
    last_row = last_raw = 0
    for row in rows:
        values.extend((row.row_number - last_row, row.raw_row_id - last_raw, row.occurrence))
        last_row, last_raw = row.row_number, row.raw_row_id
    return zlib.compress(values.tobytes(), 6)


def decode_row_map(blob: bytes) -> list[MappedRow]:
    values = array.array("q")
    values.frombytes(zlib.decompress(blob))
    rows = []
    last_row = last_raw = 0
    for index in range(0, len(values), 3):
        last_row += values[index]
        last_raw += values[index + 1]
        rows.append(MappedRow(last_row, last_raw, values[index + 2]))
    return rows


def make_room(conn: Connection, series: str, seq: int) -> None:
    """Shift publications and runs at or after `seq` one place later, leaving a gap at `seq`."""
    conn.execute(update(Publication).where(Publication.series == series, Publication.seq >= seq).values(seq=Publication.seq + 1))
    conn.execute(update(ListingRun).where(ListingRun.series == series, ListingRun.first_seq >= seq).values(first_seq=ListingRun.first_seq + 1))
    conn.execute(update(ListingRun).where(ListingRun.series == series, ListingRun.last_seq >= seq).values(last_seq=ListingRun.last_seq + 1))


_RUN_COLUMNS = ("series", "raw_row_id", "occurrence", "first_seq", "last_seq")
# Columns of the tables the plain statements below use (Core, not ORM attributes: see g287.db.plain).
_runs = ListingRun.__table__.c

_SPANNING = plain(
    select(_runs.id, _runs.raw_row_id, _runs.occurrence, _runs.last_seq).where(
        _runs.series == bindparam("series"), _runs.first_seq < bindparam("seq"), _runs.last_seq > bindparam("seq")
    )
)
_ENDING = plain(select(_runs.id, _runs.raw_row_id, _runs.occurrence).where(_runs.series == bindparam("series"), _runs.last_seq == bindparam("seq")))
_STARTING = plain(
    select(_runs.id, _runs.raw_row_id, _runs.occurrence, _runs.last_seq).where(
        _runs.series == bindparam("series"), _runs.first_seq == bindparam("seq")
    )
)
_EXTEND_ALL = plain(update(ListingRun.__table__).where(_runs.series == bindparam("_series"), _runs.last_seq == bindparam("before")), columns=("last_seq",))
_NEW_RUN = plain(insert(ListingRun.__table__), columns=_RUN_COLUMNS)
# Runs ended or begun at a position, by id (run with rows(): an UPDATE returns none).
_SET_LAST = plain(update(ListingRun.__table__).where(_runs.id.in_(bindparam("ids", expanding=True))).values(last_seq=bindparam("seq")))
_SET_FIRST = plain(update(ListingRun.__table__).where(_runs.id.in_(bindparam("ids", expanding=True))).values(first_seq=bindparam("seq")))


def place(conn: Connection, series: str, seq: int, keys: set[RowKey]) -> set[int]:
    """Make the runs of a series cover position `seq` for exactly `keys` (call make_room first if seq is not last).

    Returns the raw rows whose listing changed from the previous publication of the series: rows that start at
    `seq`, and rows the previous publication listed that this one does not."""
    remaining = set(keys)
    changed: set[int] = set()
    runs = ListingRun.__table__
    # Runs that span the gap left by make_room: kept where the row is listed again, split where it is not.
    spanning = _SPANNING.rows(conn, series=series, seq=seq)
    splits = []
    for run_id, raw_row_id, occurrence, last in spanning:
        key = (raw_row_id, occurrence)
        if key in remaining:
            remaining.discard(key)
            continue
        changed.add(raw_row_id)
        conn.execute(update(runs).where(runs.c.id == run_id).values(last_seq=seq - 1))
        splits.append({"series": series, "raw_row_id": raw_row_id, "occurrence": occurrence, "first_seq": seq + 1, "last_seq": last})
    if splits:
        conn.execute(insert(runs), splits)
    before = {(r, o): i for i, r, o in _ENDING.rows(conn, series=series, seq=seq - 1)}
    after = {(r, o): (i, last) for i, r, o, last in _STARTING.rows(conn, series=series, seq=seq + 1)}
    stopped = [i for key, i in before.items() if key not in remaining]
    changed.update(key[0] for key in before if key not in remaining)
    extend, join, start_earlier, new = [], [], [], []
    for key in remaining:
        if key in before and key in after:
            join.append((before[key], after[key]))
        elif key in before:
            extend.append(before[key])
        else:
            changed.add(key[0])
            if key in after:
                start_earlier.append(after[key][0])
            else:
                new.append({"series": series, "raw_row_id": key[0], "occurrence": key[1], "first_seq": seq, "last_seq": seq})
    if extend and not after and len(stopped) < len(extend):
        # The usual case, a new latest publication that repeats most rows: extend every run that reached the
        # previous publication, then hold back the few that stop there.
        _EXTEND_ALL.many(conn, [{"_series": series, "before": seq - 1, "last_seq": seq}])
        _SET_LAST.rows_in_chunks(conn, "ids", stopped, seq=seq - 1)
    else:
        _SET_LAST.rows_in_chunks(conn, "ids", extend, seq=seq)
    _SET_FIRST.rows_in_chunks(conn, "ids", start_earlier, seq=seq)
    for earlier, (later, later_last) in join:
        conn.execute(update(runs).where(runs.c.id == earlier).values(last_seq=later_last))
        conn.execute(delete(runs).where(runs.c.id == later))
    _NEW_RUN.many(conn, new)
    return changed


def covering(series, seq):
    """The condition selecting the runs listed by the publication at `seq` of a series (values, or bind parameters
    for a statement prepared once). Core columns: a plain statement may use it (see g287.db.plain)."""
    return and_(_runs.series == series, _runs.first_seq <= seq, _runs.last_seq >= seq)


