"""A publication's rows in ICE's own layout, restricted to a selection (state, county, model, type).

The rows keep the publication's own order (a county given by FIPS code keeps the rows located in it) and values (see ice_workbook.ice_row), so an export of a whole
publication re-ingests to exactly its figures, and an export of a selection to the figures of that selection.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.db.chunks import chunks
from g287.db.models.registry import AgencyName, Publication, PublicationRows, RawRow
from g287.exports.ice_workbook import IceRow, ice_row
from g287.registry.queries import Filters, Listing, located_in
from g287.registry.runs import decode_row_map


def selected_rows(session: Session, publication: Publication, filters: Filters | None = None) -> list[IceRow]:
    blob = session.get(PublicationRows, publication.id)
    if blob is None:
        return []
    mapped = decode_row_map(blob.row_map)
    ids = sorted({m.raw_row_id for m in mapped})
    raw: dict[int, tuple[RawRow, str | None, int | None]] = {}
    for chunk in chunks(ids):
        query = (
            select(RawRow, AgencyName.name, AgencyName.agency_id)
            .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
            .where(RawRow.id.in_(chunk))
        )
        for row, name, agency_id in session.execute(query):
            raw[row.id] = (row, name, agency_id)
    kept = []
    for m in mapped:
        row, name, agency_id = raw[m.raw_row_id]
        listing = Listing(row.id, m.occurrence, agency_id, name, row.state_usps, row.agency_type, row.county_text, row.model, None, None, None, None)
        if filters is None or filters.keep(listing):
            kept.append((listing, row, name))
    if filters is not None and filters.fips is not None:
        located = {id(x) for x in located_in(session, [listing for listing, _r, _n in kept], filters.fips)}
        kept = [k for k in kept if id(k[0]) in located]
    return [ice_row(row, name) for _listing, row, name in kept]
