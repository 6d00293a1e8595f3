"""Document archive on ingest: link the new rows to the addresses in their MOA and ADDENDUM cells, and check
them against the documents already held there (see g287/documents/links.py and checks.py)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from g287.documents import checks, links
from g287.registry.processors import IngestEvent

ORDER = 50


def precompute(readings) -> dict[str, str]:
    """The file name each address ends with: pure, so worked out where the file is read (a worker process, when
    there are several files); `process` works out any it does not cover."""
    return links.link_names(url for r in readings if r.listing for url in (r.moa_url, r.addendum_url))


def process(conn: Connection, event: IngestEvent) -> None:
    # The archive holds the documents ICE's lists link. The registry's own lists link the site's copies of the signed
    # MOAs the program holds already (g287.program.publish): linked, `g287 documents sync` fetched them from the site.
    if not event.new_raw_row_ids or event.origin != "ice":
        return
    names = event.precomputed.get(__name__.rsplit(".", 1)[-1])
    address_ids = links.link_rows(conn, event.new_raw_row_ids, new_rows=True, stored=event.new_rows, names=names)
    checks.check_rows(conn, event.new_raw_row_ids, new_rows=True, address_ids=address_ids)
