"""Everything the registry knows about one agency over time: its names and why they are one agency, each
agreement's lifecycle, and every listing, by publication."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.db.models.registry import Agency, AgencyName, Agreement, Publication, PublicationRows
from g287.history.diff import diff
from g287.history.lifecycle import lifecycles
from g287.history.listings import publications, runs_of
from g287.history.names import RULE_TEXT, expanded_key
from g287.history.review import live_agency, merges_of
from g287.registry.publications import half_rank
from g287.registry.runs import decode_row_map


def _row_number(session: Session, publication_id: int, raw_row_ids: set[int]) -> list[int]:
    blob = session.get(PublicationRows, publication_id)
    return [m.row_number for m in decode_row_map(blob.row_map) if m.raw_row_id in raw_row_ids] if blob else []


def moas_listed_elsewhere(session: Session, lives: dict, origin: str = "ice") -> dict[tuple[int, str], list[dict]]:
    """For each end of an agreement, the agency its MOA is listed under by the list it left (history's diff of that
    list and the one before it: the same document, signed date, model and state), when there is one: the Okaloosa
    County Sheriff's Office's WSO MOA, listed under the Department of Corrections from 3 July 2025. The agency's page
    said "no longer listed" alone, where the changes page and the feed say where the MOA is listed."""
    found: dict[tuple[int, str], list[dict]] = defaultdict(list)
    ends = [(key, end) for key, life in lives.items() for end in life.ends]
    if not ends:
        return found
    held = publications(session, "participating", origin)
    place = {p.id: i for i, p in enumerate(held)}
    for key, end in ends:
        i = place.get(end["publication_id"])
        if not i:  # an end is a list after one that listed it: never the first
            continue
        changes = diff(session, session.get(Publication, held[i - 1].id), session.get(Publication, end["publication_id"]))
        for item in changes["removed"]:
            if (item["agency_id"], item["model"]) == key and item.get("same_moa_now_under"):
                found[key].append({"from": end, **item["same_moa_now_under"]})
    return found


def agency_history(session: Session, agency_id: int, origin: str = "ice") -> dict:
    agency = live_agency(session, agency_id)
    names = session.execute(select(AgencyName.name, AgencyName.rule, AgencyName.confidence).where(AgencyName.agency_id == agency.id).order_by(AgencyName.id)).all()
    agreements = session.scalars(select(Agreement).where(Agreement.agency_id == agency.id, Agreement.merged_into_id.is_(None)).order_by(Agreement.model)).all()
    lives = lifecycles(session, agency_ids=[agency.id], origin=origin)
    elsewhere = moas_listed_elsewhere(session, lives, origin)
    first_held = next(iter(publications(session, "pending", origin)), None)
    listings = []
    for kind in ("participating", "pending"):
        pubs = {p.seq: p for p in publications(session, kind, origin)}
        # The list in force of each date and half is its last publication; a run counts those it includes, so a list
        # the re-issue of its half-day replaced without the agency counts for none, as in the lifecycle.
        in_force = {slot: seq for seq, p in sorted(pubs.items()) for slot in [(p.published_on, half_rank(p.half))]}.values()
        grouped: dict[tuple[int, int], list] = defaultdict(list)
        for run in runs_of(session, kind, origin, agency_ids=[agency.id]):
            grouped[(run.first_seq, run.last_seq)].append(run)
        for (first, last), runs in sorted(grouped.items()):
            raw_ids = {r.raw_row_id for r in runs}
            listings.append(
                {
                    "list": kind,
                    "from": pubs[first].ref,
                    "to": pubs[last].ref,
                    "publications": last - first + 1,
                    # Counted as the lifecycle counts lists (and K): a list and its re-issue of the same half-day are
                    # one list in force (07/03 pm and its __v2), where "publications" counts both.
                    "lists_in_force": sum(1 for seq in in_force if first <= seq <= last),
                    "rows": [{"name": r.name, "model": r.model, "signed": r.signed_on.isoformat() if r.signed_on else None} for r in runs],
                    "row_numbers_first": _row_number(session, pubs[first].id, raw_ids),
                    "row_numbers_last": _row_number(session, pubs[last].id, raw_ids),
                }
            )
    # In publication order: by date, then half (a pending list of the morning before a participating list of the
    # afternoon), then list.
    listings.sort(key=lambda item: (item["from"]["published"], half_rank(item["from"]["half"]), item["list"]))
    return {
        "agency": {
            "id": agency.id,
            "requested_id": agency_id,
            "state": agency.state_usps,
            "name": agency.name,
            "type": agency.agency_type,
            "county": agency.county_text,
        },
        "names": [{"name": n, "rule": rule, "reason": RULE_TEXT.get(rule, rule), "confidence": confidence} for n, rule, confidence in names],
        "merges": merges_of(session, agency.id),
        "agreements": [
            {
                "id": a.id,
                "model": a.model,
                "signed_on": a.signed_on.isoformat() if a.signed_on else None,
                "moa_url": a.moa_url,
                "addendum_url": a.addendum_url,
                "origin": a.origin,
                "lifecycle": lives[(agency.id, a.model)].as_dict() if (agency.id, a.model) in lives else None,
                "same_moa_now_under": elsewhere.get((agency.id, a.model), []),
                # First pending in the first pending list held (or its re-issue that half-day): no start, as the pending
                # page and `g287 agreements` say it: ICE's earlier lists are not held, so pending since then or earlier.
                "pending_since_first_list_held": _first_held(lives.get((agency.id, a.model)), first_held),
                # Whose lists hold it: an agreement only this registry's own lists give is never shown as ICE's.
                "source": "ICE" if a.origin == "ice" or (agency.id, a.model) in lives else "this registry",
            }
            for a in agreements
        ],
        "listings": listings,
    }


def _first_held(life, first_held) -> bool:
    if life is None or life.first_pending is None or first_held is None:
        return False
    return (life.first_pending["published"], half_rank(life.first_pending["half"])) == (first_held.published_on.isoformat(), half_rank(first_held.half))


def find_agencies(session: Session, text: str, state: str | None = None, limit: int = 20) -> list[Agency]:
    """Agencies whose published names contain the text as words once the abbreviations g287/data/rules/identity.toml
    lists are written out on both sides ("saint lucie" finds "St. Lucie County Sheriff's Office", "st lucie" "Saint
    Lucie ..."; from a word's start, so "saint" finds no "Stanislaus"), else, when no name does, those containing
    the text anywhere (in any case); live ones only."""
    # Compared here, not by the database: SQLite's lower() and LIKE fold the case of ASCII letters only, so "ÉLOY"
    # found "Éloy Police Department" on PostgreSQL and nothing on SQLite. (Nor is % or _ a wildcard here.)
    wanted = text.strip().lower()
    words = expanded_key(text)
    query = select(AgencyName.agency_id, AgencyName.name)
    if state:
        query = query.where(AgencyName.state_usps == state.upper())
    names = session.execute(query).all()
    # As words first: a short query is an abbreviation or a word's start ("st" the St./Saint agencies, "so" the
    # sheriff's offices), not the letters inside other words ("st" was Houston, Limestone and West: 68 agencies).
    # The text anywhere in a name only when no name has it as words ("borough", "e_c", "%").
    ids = {agency_id for agency_id, name in names if words and f" {words}" in f" {expanded_key(name)}"}
    ids = ids or {agency_id for agency_id, name in names if wanted in name.lower()}
    ids = sorted(ids)[: limit * 2]
    agencies = [live_agency(session, i) for i in ids]
    unique = {a.id: a for a in agencies}
    return sorted(unique.values(), key=lambda a: (a.state_usps or "", a.name))[:limit]


def published_names(session: Session, agency_id: int) -> list[str]:
    """Every name an agency was published under (its own and those merged into it)."""
    return list(session.scalars(select(AgencyName.name).where(AgencyName.agency_id == agency_id)))
