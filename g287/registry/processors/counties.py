"""County matching for the rows a publication stores for the first time (see g287/geo/store.py)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from g287.geo import store
from g287.registry.processors import IngestEvent

ORDER = 20


def precompute(readings) -> store.Precomputed:
    """Matching is pure: done where the file is read (a worker process, when there are several files)."""
    return store.precompute([(r.state, r.county_text, r.agency_type, r.agency_name) for r in readings if r.listing])


def warm_up() -> None:
    # The reference data and the index of county names (the writer matches the rows no precompute covered).
    from g287.geo import matching

    matching.warm_up()


def process(conn: Connection, event: IngestEvent) -> None:
    store.match_rows(conn, event.new_raw_row_ids, event.precomputed.get(__name__.rsplit(".", 1)[-1]), new_rows=True, stored=event.new_rows)
