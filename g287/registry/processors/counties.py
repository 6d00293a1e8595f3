"""County matching for the rows a publication stores for the first time (see g287/geo/store.py)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from g287.geo import matching
from g287.geo.store import match_rows
from g287.registry.processors import IngestEvent

ORDER = 20


def process(conn: Connection, event: IngestEvent) -> None:
    match_rows(conn, event.new_raw_row_ids)


def warm_up() -> None:
    matching.warm_up()
