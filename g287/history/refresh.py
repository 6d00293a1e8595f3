"""Giving agencies and their agreements the facts of the latest ICE list that names them (after a merge, its
undoing, or an older list ingested after newer ones)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from g287.db.models.registry import AgencyName, Agreement, ListingRun, Publication, RawRow, series_of
from g287.db.plain import plain
from g287.registry.agencies import listing_rank, refresh_agencies

# Columns of the tables the plain statements below use (Core, not ORM attributes: see g287.db.plain).
_agency_names = AgencyName.__table__.c
_agreements = Agreement.__table__.c
_raw_rows = RawRow.__table__.c
_runs = ListingRun.__table__.c
_publications = Publication.__table__.c
_ICE_PARTICIPATING = series_of("ice", "participating")
_ICE_SERIES = (_ICE_PARTICIPATING, series_of("ice", "pending"))


def refresh(conn: Connection, agency_ids: list[int]) -> None:
    """Give agencies and their agreements the name, type, county, signed date and addresses of the latest
    ICE publication that lists them. (A few queries for all of them: an older list ingested after newer ones
    refreshes every agency it lists.)"""
    if not agency_ids:
        return
    dates = {(series, seq): published for series, seq, published in _PUBLICATION_DATES.rows(conn)}
    latest_of = _latest_rows(conn, agency_ids, dates)
    existing: dict[int, set[str]] = defaultdict(set)
    for agency_id, model in _MODELS_OF.rows_in_chunks(conn, "agencies", sorted(latest_of)):
        existing[agency_id].add(model)
    latest_names: dict[int, tuple[str, str | None, str | None]] = {}
    new_agreements, updates, clears = [], [], []
    for agency_id in dict.fromkeys(agency_ids):
        latest = latest_of.get(agency_id)
        if not latest:
            continue
        # An agency separated from a wrong merge needs its own agreements again.
        new_agreements += [{"agency_id": agency_id, "model": model, "origin": "ice"} for model in latest if model not in existing[agency_id]]
        newest = max(latest.values(), key=lambda r: (r["series"] == _ICE_PARTICIPATING, r["date"], r["seq"]))
        latest_names[agency_id] = (newest["name"], newest["agency_type"], newest["county_text"])
        for model, row in latest.items():
            if row["series"] == _ICE_PARTICIPATING:
                updates.append({"agency": agency_id, "_model": model, "signed_on": row["signed_on"], "moa_url": row["moa_url"], "addendum_url": row["addendum_url"]})
            else:
                # A model ICE lists for the agency only as pending has no signed date or MOA: one carried over from
                # an agency it was merged into (a merge undone) would say what no list of its own said.
                clears.append({"agency": agency_id, "_model": model})
    # Each statement touches one agency's agreements: all the new ones first, then their dates and addresses.
    _NEW_AGREEMENT.many(conn, new_agreements)
    _UPDATE_LIVE_AGREEMENT.many(conn, updates)
    _CLEAR_PENDING_AGREEMENT.many(conn, clears)
    refresh_agencies(conn, latest_names)  # name (with its key), type and county, as a new latest list gives them


def give_agreements_to_listing_agencies(conn: Connection, agency_ids: list[int]) -> None:
    """Each ICE agreement of these agencies (a merge of them just undone) goes to the one whose names ICE lists its
    model under, when its own names do not: an agreement created while they were one agency, from a listing of a name
    separated since, stayed with the other agency (which never lists it), and refresh gave the separated agency a
    second one. When that agency has an agreement of the model already, it joins it, as a merge joins two."""
    listed: dict[int, set[str]] = defaultdict(set)
    for agency_id, model in _ICE_MODELS_OF.rows_in_chunks(conn, "agencies", sorted(set(agency_ids))):
        listed[agency_id].add(model)
    live = _LIVE_AGREEMENTS_OF.rows_in_chunks(conn, "agencies", sorted(set(agency_ids)))
    held = {(agency_id, model): agreement_id for agreement_id, agency_id, model, _origin in live}
    moves, joins = [], []
    for agreement_id, agency_id, model, origin in live:
        # The registry's own agreements (origin "registry") belong to the agency its program gave them to.
        listing = [other for other in agency_ids if other != agency_id and model in listed[other]]
        if origin != "ice" or model in listed[agency_id] or len(listing) != 1:
            continue
        [other] = listing
        if (other, model) in held:
            joins.append({"_id": agreement_id, "merged_into_id": held[(other, model)]})
        else:
            moves.append({"_id": agreement_id, "agency_id": other})
            held[(other, model)] = agreement_id
    _JOIN_AGREEMENT.many(conn, joins)
    _MOVE_AGREEMENT.many(conn, moves)


_ICE_MODELS_OF = plain(
    select(_agency_names.agency_id, _raw_rows.model)
    .distinct()
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, _raw_rows.id == _runs.raw_row_id)
    .join(AgencyName.__table__, _agency_names.id == _raw_rows.agency_name_id)
    .where(_agency_names.agency_id.in_(bindparam("agencies", expanding=True)), _runs.series.in_(_ICE_SERIES), _raw_rows.model.is_not(None))
)
_LIVE_AGREEMENTS_OF = plain(
    select(_agreements.id, _agreements.agency_id, _agreements.model, _agreements.origin)
    .where(_agreements.agency_id.in_(bindparam("agencies", expanding=True)), _agreements.merged_into_id.is_(None))
    .order_by(_agreements.id)
)
_JOIN_AGREEMENT = plain(update(Agreement.__table__).where(_agreements.id == bindparam("_id")), columns=("merged_into_id",))
_MOVE_AGREEMENT = plain(update(Agreement.__table__).where(_agreements.id == bindparam("_id")), columns=("agency_id",))
_PUBLICATION_DATES = plain(select(_publications.series, _publications.seq, _publications.published_on))
_MODELS_OF = plain(select(_agreements.agency_id, _agreements.model).where(_agreements.agency_id.in_(bindparam("agencies", expanding=True))))
_NEW_AGREEMENT = plain(insert(Agreement.__table__), columns=("agency_id", "model", "origin"))
_UPDATE_LIVE_AGREEMENT = plain(
    update(Agreement.__table__).where(_agreements.agency_id == bindparam("agency"), _agreements.model == bindparam("_model"), _agreements.merged_into_id.is_(None)),
    columns=("signed_on", "moa_url", "addendum_url"),
)
_CLEAR_PENDING_AGREEMENT = plain(
    update(Agreement.__table__)
    .where(_agreements.agency_id == bindparam("agency"), _agreements.model == bindparam("_model"), _agreements.merged_into_id.is_(None), _agreements.origin == "ice")
    .values(signed_on=None, moa_url=None, addendum_url=None)
)
_LATEST_ROWS = plain(
    select(
        _agency_names.agency_id, _runs.series, _runs.last_seq, _raw_rows.model, _raw_rows.signed_on, _raw_rows.moa_url, _raw_rows.addendum_url,
        _raw_rows.agency_type, _raw_rows.county_text, _agency_names.name,
    )
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, _raw_rows.id == _runs.raw_row_id)
    .join(AgencyName.__table__, _agency_names.id == _raw_rows.agency_name_id)
    # Only the agencies in the condition: an agency has a handful of runs, found through its names by their
    # indexes; a condition on the series let SQLite start from every run of the series instead. ICE's series are
    # kept below. In stored order: of two rows that rank alike, the first stored gives the agreement its facts.
    .where(_agency_names.agency_id.in_(bindparam("agencies", expanding=True)))
    .order_by(_raw_rows.id, _runs.id)
)


def _latest_rows(conn: Connection, agency_ids: list[int], dates: dict[tuple[str, int], dt.date]) -> dict[int, dict[str, dict]]:
    """For each agency an ICE publication lists, per model, the row of the latest such publication listing it
    (participating preferred); `dates`: the publication date of every (series, seq)."""
    best: dict[int, dict[str, dict]] = defaultdict(dict)
    for agency_id, series, last_seq, model, signed, moa, addendum, agency_type, county, name in _LATEST_ROWS.rows_in_chunks(conn, "agencies", sorted(set(agency_ids))):
        if series not in _ICE_SERIES:
            continue
        row = {
            "series": series, "seq": last_seq, "date": dates.get((series, last_seq)), "signed_on": signed, "moa_url": moa,
            "addendum_url": addendum, "agency_type": agency_type, "county_text": county, "name": name,
        }
        key = model or ""
        current = best[agency_id].get(key)
        rank = (series == _ICE_PARTICIPATING, row["date"] or dt.date.min, last_seq, listing_rank(moa, signed))
        if current is None or rank > (
            current["series"] == _ICE_PARTICIPATING, current["date"] or dt.date.min, current["seq"], listing_rank(current["moa_url"], current["signed_on"])
        ):
            best[agency_id][key] = row
    latest = {agency_id: {k: v for k, v in rows.items() if k} for agency_id, rows in best.items()}
    return {agency_id: rows for agency_id, rows in latest.items() if rows}
