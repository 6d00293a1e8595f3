"""Agencies and agreements as publications name them.

Each distinct published name (per state) is recorded once and attached to an agency with the rule that attached
it. Names whose normalized keys agree (case, spacing, punctuation, apostrophes) are one agency; the history
module adds the rules that follow an agency across renames.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from g287.db.chunks import chunks
from g287.db.plain import plain
from g287.db.models.registry import Agency, AgencyName, Agreement, ListingRun, RawRow, series_of
from g287.registry.names import agency_key

RULE_FIRST_SEEN = "first_seen"  # rule codes; their wording is in g287.history.names.RULE_TEXT
RULE_SAME_KEY = "same_key"


@dataclass(frozen=True)
class NameFacts:
    """What the row that first used a name says about its agency."""

    agency_type: str | None
    county_text: str | None


# Columns of the tables the plain statements below use (Core, not ORM attributes: see g287.db.plain).
_agencies = Agency.__table__.c
_agency_names = AgencyName.__table__.c
_raw_rows = RawRow.__table__.c
_agreements = Agreement.__table__.c

_NAMES_CALLED = plain(select(_agency_names.id, _agency_names.state_usps, _agency_names.name).where(_agency_names.name.in_(bindparam("names", expanding=True))))
_AGENCIES_OF_KEYS = plain(
    select(_agency_names.agency_id, _agency_names.state_usps, _agency_names.key).where(_agency_names.key.in_(bindparam("keys", expanding=True))).order_by(_agency_names.id)
)
_NEW_AGENCY = plain(insert(Agency.__table__), columns=("id", "state_usps", "name", "key", "agency_type", "county_text"))
_NEW_NAME = plain(insert(AgencyName.__table__), columns=("id", "state_usps", "name", "key", "rule", "confidence", "agency_id"))


def resolve_names(conn: Connection, wanted: dict[tuple[str | None, str], NameFacts]) -> tuple[dict[tuple[str | None, str], int], list[int]]:
    """Agency name ids for (state, published name) pairs, recording the names not seen before; also the ids
    of the agencies created for names whose key matched no known agency."""
    known: dict[tuple[str | None, str], int] = {}
    by_key: dict[tuple[str | None, str], int] = {}
    # agency_names always point to the live agency (merges re-point them), so keys lead to live agencies.
    for name_id, state, name in _NAMES_CALLED.rows_in_chunks(conn, "names", sorted({name for _state, name in wanted})):
        known[(state, name)] = name_id
    new_keys = sorted({agency_key(name) for pair in wanted if pair not in known for name in [pair[1]]})
    # One live agency holds each key: a merge moves every name of the absorbed agency, and undoing it moves back
    # the names of its keys, those listed since too (identity.unmerge). The first name of a key decides regardless.
    for agency_id, state, key in _AGENCIES_OF_KEYS.rows_in_chunks(conn, "keys", new_keys):  # each chunk in id order
        by_key.setdefault((state, key), agency_id)
    result = {pair: known[pair] for pair in wanted if pair in known}
    new_names = sorted((p for p in wanted if p not in known), key=lambda pair: (pair[0] or "", pair[1]))
    if not new_names:
        return result, []
    created: dict[tuple[str | None, str], int] = {}  # (state, key) -> index into new agencies
    new_agencies, name_rows = [], []
    for state, name in new_names:
        key = agency_key(name)
        rule = RULE_SAME_KEY
        if (state, key) not in by_key and (state, key) not in created:
            facts = wanted[(state, name)]
            created[(state, key)] = len(new_agencies)
            new_agencies.append({"state_usps": state, "name": name, "key": key, "agency_type": facts.agency_type, "county_text": facts.county_text})
            rule = RULE_FIRST_SEEN
        name_rows.append({"state_usps": state, "name": name, "key": key, "rule": rule, "confidence": 1.0})
    new_agency_ids = _NEW_AGENCY.inserted_ids(conn, new_agencies)
    for pair, index in created.items():
        by_key[pair] = new_agency_ids[index]
    for row in name_rows:
        row["agency_id"] = by_key[(row["state_usps"], row["key"])]
    returned = _NEW_NAME.inserted_ids(conn, name_rows)
    result.update({(row["state_usps"], row["name"]): name_id for row, name_id in zip(name_rows, returned)})
    return result, new_agency_ids




_AGENCIES_OF_RAW_ROWS = plain(
    select(_agency_names.agency_id).join(RawRow.__table__, _raw_rows.agency_name_id == _agency_names.id).where(_raw_rows.id.in_(bindparam("ids", expanding=True)))
)


def agencies_of_raw_rows(conn: Connection, raw_row_ids) -> set[int]:
    """The agencies of these stored rows (as identity resolution leaves them)."""
    return {agency_id for (agency_id,) in _AGENCIES_OF_RAW_ROWS.rows_in_chunks(conn, "ids", sorted(raw_row_ids))}


def agency_ids_of_names(conn: Connection, name_ids: set[int]) -> dict[int, int]:
    names = AgencyName.__table__
    result = {}
    ids = sorted(name_ids)
    for chunk in chunks(ids):
        result.update(dict(conn.execute(select(names.c.id, names.c.agency_id).where(names.c.id.in_(chunk))).all()))
    return result


@dataclass(frozen=True)
class AgreementFacts:
    signed_on: object
    moa_url: str | None
    addendum_url: str | None


def listing_rank(moa_url: str | None, signed_on) -> tuple:
    """Which of several listings of one agreement in one publication (ICE lists some twice, with different signed
    dates) gives the agreement its signed date and addresses: the one linking the signed MOA, then the later date.
    The ingest, identity's refresh and the lifecycles all choose by this rank, so every command shows one date."""
    return (moa_url is not None, signed_on is not None, signed_on)


_AGREEMENTS_OF = plain(
    select(_agreements.id, _agreements.agency_id, _agreements.model, _agreements.signed_on, _agreements.moa_url, _agreements.addendum_url, _agreements.origin).where(
        _agreements.agency_id.in_(bindparam("ids", expanding=True))
    )
)
# The (agency, model) pairs ICE's lists hold: such an agreement is ICE's record, whatever list created it.
_ICE_LISTED = plain(
    select(_agency_names.agency_id, _raw_rows.model)
    .distinct()
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, _raw_rows.id == ListingRun.__table__.c.raw_row_id)
    .join(AgencyName.__table__, _agency_names.id == _raw_rows.agency_name_id)
    .where(_agency_names.agency_id.in_(bindparam("ids", expanding=True)), ListingRun.__table__.c.series.in_([series_of("ice", "participating"), series_of("ice", "pending")]))
)
_UPDATE_AGREEMENT = plain(update(Agreement.__table__).where(_agreements.id == bindparam("_id")), columns=("signed_on", "moa_url", "addendum_url"))
_NEW_AGREEMENT = plain(insert(Agreement.__table__), columns=("agency_id", "model", "signed_on", "moa_url", "addendum_url", "origin"))


def upkeep_agreements(conn: Connection, facts: dict[tuple[int, str], AgreementFacts | None], *, latest: bool, origin: str = "ice") -> None:
    """Create the agreements a publication names (with the publication's origin as their source); when it is the
    latest participating list of its origin, its signed dates and document addresses become the current ones (None
    facts: a pending listing, nothing to update) of the agreements that are that origin's record: any agreement
    for ICE's lists; for the registry's own lists only the registry's own agreements, which no list of ICE's holds
    (ICE's record keeps what ICE published). The registry's agreement is created when its MOA is recorded as signed,
    with no address: its own list, ingested by publish, now gives it the address, as the same list gives it to an
    agreement a database ingesting the list creates (both then show the same)."""
    agency_ids = sorted({agency_id for agency_id, _model in facts})
    existing = {}
    for agreement_id, agency_id, model, signed, moa, addendum, held_origin in _AGREEMENTS_OF.rows_in_chunks(conn, "ids", agency_ids):
        existing[(agency_id, model)] = (agreement_id, signed, moa, addendum, held_origin)
    ice_listed = set(_ICE_LISTED.rows_in_chunks(conn, "ids", agency_ids)) if latest and origin != "ice" else set()
    new_rows, changed = [], []
    for (agency_id, model), fact in facts.items():
        current = existing.get((agency_id, model))
        if current is None:
            new_rows.append(
                {
                    "agency_id": agency_id,
                    "model": model,
                    "signed_on": fact.signed_on if fact else None,
                    "moa_url": fact.moa_url if fact else None,
                    "addendum_url": fact.addendum_url if fact else None,
                    "origin": origin,
                }
            )
        elif latest and fact is not None and (current[1], current[2], current[3]) != (fact.signed_on, fact.moa_url, fact.addendum_url):
            if origin == "ice" or (current[4] == origin and (agency_id, model) not in ice_listed):
                changed.append({"_id": current[0], "signed_on": fact.signed_on, "moa_url": fact.moa_url, "addendum_url": fact.addendum_url})
    _UPDATE_AGREEMENT.many(conn, changed)
    _NEW_AGREEMENT.many(conn, new_rows)


_AGENCY_FACTS = plain(select(_agencies.id, _agencies.name, _agencies.agency_type, _agencies.county_text).where(_agencies.id.in_(bindparam("ids", expanding=True))))
_UPDATE_AGENCY = plain(update(Agency.__table__).where(_agencies.id == bindparam("_id")), columns=("name", "key", "agency_type", "county_text"))


def refresh_agencies(conn: Connection, latest_names: dict[int, tuple[str, str | None, str | None]]) -> None:
    """Give agencies the name, type and county of the latest publication that lists them."""
    current = {agency_id: (name, kind, county) for agency_id, name, kind, county in _AGENCY_FACTS.rows_in_chunks(conn, "ids", sorted(latest_names))}
    changed = [
        {"_id": agency_id, "name": values[0], "key": agency_key(values[0]), "agency_type": values[1], "county_text": values[2]}
        for agency_id, values in latest_names.items()
        if current.get(agency_id) != values
    ]
    _UPDATE_AGENCY.many(conn, changed)
