"""Processors: work that other concerns do on every new publication, inside the ingest transaction.

Each module in this package defines `ORDER` (an int; lower runs first) and `process(conn, event)`, and may
define `precompute(readings)`, pure work on a publication's rows done where the file is read (in a worker
process when several files are ingested; its result reaches `process` as `event.precomputed[module name]`, and
covers only the rows that process had not read before: `process` must do the work of any row not covered), and
`warm_up()`, loading what `process` needs (modules, reference data) ahead of the first event. They are
found automatically, so a concern adds one by adding a module here (a thin shim calling its own package):
matching county names to FIPS codes, following agencies across renames, linking documents to agreements.
A processor that fails aborts the ingest, which then changes nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class NewRow:
    """What a row stored for the first time says, as stored (raw_rows; agency_name is its agency name's text)."""

    raw_row_id: int
    state_usps: str | None
    agency_name: str | None
    agency_type: str | None
    county_text: str | None
    model: str | None
    moa_url: str | None
    addendum_url: str | None


@dataclass(frozen=True)
class IngestEvent:
    publication_id: int
    kind: str  # participating | pending
    origin: str  # ice | registry
    series: str
    seq: int
    is_latest: bool  # the newest publication of its series
    new_rows: tuple[NewRow, ...]  # rows stored for the first time by this publication, by id
    new_agency_ids: list[int]  # agencies created for names that matched no known agency by their key
    listed_raw_row_ids: list[int]  # every row this publication lists
    precomputed: dict[str, object] = field(default_factory=dict)  # by processor module name (see precompute)

    @property
    def new_raw_row_ids(self) -> list[int]:
        return [row.raw_row_id for row in self.new_rows]


def load() -> None:
    """Import every processor module now."""
    _modules()


@cache
def _modules() -> tuple:
    found = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.append((module.ORDER, module_info.name, module))
    return tuple(module for _order, _name, module in sorted(found))


# The row readings whose pure work this process has done, by id (held, so that an id is never reused). Readings
# are shared by consecutive publications (interpretation is cached per row); a row read before was stored with
# the earlier file, and `process` does any work not covered itself, so the result is the same either way.
_precomputed_readings: dict[int, object] = {}
_PRECOMPUTED_KEPT = 200_000


def precompute(readings: list) -> dict[str, object]:
    """Every processor's pure work on the row readings of a publication not precomputed before in this process,
    by module name."""
    if len(_precomputed_readings) >= _PRECOMPUTED_KEPT:
        _precomputed_readings.clear()
    fresh = []
    for reading in readings:
        if id(reading) not in _precomputed_readings:
            _precomputed_readings[id(reading)] = reading
            fresh.append(reading)
    return {module.__name__.rsplit(".", 1)[-1]: module.precompute(fresh) for module in _modules() if hasattr(module, "precompute")}


def processors() -> tuple:
    return tuple(module.process for module in _modules())


def warm_up(*, pure_work_done_elsewhere: bool = False) -> None:
    """Load every processor's modules and reference data now (g287.registry.batch.ingest_many calls this while a
    worker reads the first file, so that the first write does not wait for them). `pure_work_done_elsewhere`: the
    events will come with their rows precomputed (by a worker), so a processor that defines `precompute` needs
    its reference data only for a row that was not; that is left to load on first use."""
    for module in _modules():
        if hasattr(module, "warm_up") and not (pure_work_done_elsewhere and hasattr(module, "precompute")):
            module.warm_up()


def run_processors(conn: Connection, event: IngestEvent) -> None:
    for process in processors():
        process(conn, event)
