"""Document archive on ingest: link the new rows to the addresses in their MOA and ADDENDUM cells, and check
them against the documents already held there (see g287/documents/links.py and checks.py)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from g287.documents import checks, links
from g287.registry.processors import IngestEvent

ORDER = 50


def process(conn: Connection, event: IngestEvent) -> None:
    if not event.new_raw_row_ids:
        return
    address_ids = links.link_rows(conn, event.new_raw_row_ids, new_rows=True, stored=event.new_rows)
    checks.check_rows(conn, event.new_raw_row_ids, new_rows=True, address_ids=address_ids)
