"""Handing prepared publications from the reading process to the writing process cheaply (see g287.registry.batch).

ICE republishes most rows unchanged, and interpretation is cached per row, so consecutive publications share
most of their RowReading objects. Pickling each publication whole made the writer unpickle some 800 readings
per file, holding the interpreter for milliseconds a file. The reader sends a reading once per batch and
refers to it by number afterwards; the writer keeps what it received. Cells of listing rows stay behind: the
writer uses only the readings of listings, and the cells of the rows that are not listings (quality register).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from g287.sources.interpret import RowReading
from g287.sources.table import SourceRow

if TYPE_CHECKING:
    from g287.registry.ingest import PreparedPublication


@dataclass
class Packed:
    prepared: "PreparedPublication"  # without its readings; listing rows without their cells
    references: list[int]  # the number of each row's reading
    readings: dict[int, RowReading]  # the readings not sent before, by number


class Sender:
    """In the reading process: numbers each reading the first time it is sent."""

    def __init__(self) -> None:
        # id(reading) -> (number, reading); the reading is held so that its id is never reused by another object.
        self._numbers: dict[int, tuple[int, RowReading]] = {}

    def pack(self, prepared: "PreparedPublication") -> Packed:
        references, new = [], {}
        for reading in prepared.readings:
            known = self._numbers.get(id(reading))
            if known is None:
                known = self._numbers[id(reading)] = (len(self._numbers), reading)
                new[known[0]] = reading
            references.append(known[0])
        rows = [
            row if not reading.listing else SourceRow(number=row.number, cells=[], links={}, hidden=row.hidden)
            for row, reading in zip(prepared.table.rows, prepared.readings)
        ]
        slim = dataclasses.replace(prepared, table=dataclasses.replace(prepared.table, rows=rows), readings=[])
        return Packed(slim, references, new)


class Receiver:
    """In the writing process: the readings received so far in this batch."""

    def __init__(self) -> None:
        self._readings: dict[int, RowReading] = {}

    def unpack(self, packed: Packed) -> "PreparedPublication":
        self._readings.update(packed.readings)
        packed.prepared.readings = [self._readings[number] for number in packed.references]
        return packed.prepared
