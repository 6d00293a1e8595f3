"""Counties as of a date, keyed by FIPS code: ICE's listings located in counties by geography's county matching
(g287.geo), with the figures of each county, for the site, the API and the exports.

The definitions are geography's (README, section geography): a listing is *located* in the county its COUNTY text
was matched to; listings without a county text or whose text names no single county are *not located*, counted
and never placed by guessing. Counties are those of a vintage (default: the one in force on the date); a listing
located in a county of another vintage counts for the county of the chosen vintage that wholly contains it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.db.models.geo import CountyMatch
from g287.db.models.registry import Agency, AgencyName, ListingRun, RawRow, series_of
from g287.errors import NotFound
from g287.geo import reference
from g287.geo.store import county_facts
from g287.registry.figures import MODELS
from g287.registry.queries import Filters, InForce, Listing, figures_of, inside, listings
from g287.wording import quoted


def county_or_404(fips: str) -> reference.County:
    """A county by its five-digit FIPS code (its latest version), or NotFound."""
    code = str(fips).strip()
    if len(code) != 5 or not code.isdigit():
        raise NotFound(f"no county with the FIPS code {quoted(str(fips))}: a county's code has five digits (state and county)")
    return reference.county(code)


def vintage_of(force: InForce, vintage: str | None = None) -> reference.Vintage:
    """The vintage asked for, else the one in force on the date of the lists."""
    return reference.vintage(vintage) if vintage is not None else reference.vintage_on(force.as_of)


def located(session: Session, rows: list[Listing], vintage_name: str) -> dict[int, str | None]:
    """raw row id -> the county of the vintage its listing lies in (None: not located, or in no single county
    of that vintage)."""
    facts = county_facts(session, [r.raw_row_id for r in rows])
    result = {}
    for raw_id, (_text, fips) in facts.items():
        result[raw_id] = reference.in_vintage(fips, vintage_name) if fips else None
    return result


@dataclass
class CountyFigures:
    fips: str
    name: str
    state: str
    kind: str
    moas: int = 0  # participating listings located here, as ICE counts MOAs
    agencies: set = field(default_factory=set)
    by_model: Counter = field(default_factory=Counter)
    county_agency: bool = False  # a listing of TYPE "County" is located here
    pending_listings: int = 0
    pending_agencies: set = field(default_factory=set)

    def as_dict(self, participating_held: bool = True, pending_held: bool = True) -> dict:
        """The county's figures; those of a list not in force are None (0 would say the list holds none here)."""
        by_model = {m: self.by_model.get(m, 0) for m in MODELS}
        if self.by_model.get(None):
            by_model["unknown"] = self.by_model[None]
        return {
            "fips": self.fips,
            "name": self.name,
            "state": self.state,
            "kind": self.kind,
            "moas": self.moas if participating_held else None,
            "agencies": len(self.agencies) if participating_held else None,
            "by_model": by_model if participating_held else None,
            "has_county_agency": self.county_agency if participating_held else None,
            "pending_listings": self.pending_listings if pending_held else None,
            "pending_agencies": len(self.pending_agencies) if pending_held else None,
        }


def county_figures(session: Session, force: InForce, *, vintage: str | None = None, state: str | None = None, model: str | None = None) -> dict:
    """Every county of the vintage (of one state, when given) with the figures of the lists in force: MOAs,
    agencies and models of the participating listings located in it, whether a county-level agency is among them,
    and pending listings. Also the listings that are not located (nationally, those of an unknown state too:
    the same count as coverage's), so nothing is left out silently."""
    chosen = vintage_of(force, vintage)
    counties = {f: c for f, c in reference.counties_in(chosen.name).items() if state is None or c.usps == state}
    table = {f: CountyFigures(f, c.name, c.usps, c.kind) for f, c in sorted(counties.items())}
    filters = Filters(state=state, model=model)
    not_located = {"participating": 0, "pending": 0}
    for kind, publication in (("participating", force.participating), ("pending", force.pending)):
        if publication is None:
            continue
        rows = listings(session, publication, filters)
        where = located(session, rows, chosen.name)
        for row in rows:
            fips = where.get(row.raw_row_id)
            entry = table.get(fips) if fips else None
            if entry is None:
                # Nationally, a listing whose STATE names no known state (#N/A, a misspelling) is not located
                # either: leaving it out made these figures disagree with coverage's, and it vanished unseen.
                if state is None or row.state == state:
                    not_located[kind] += 1
                continue
            if kind == "participating":
                entry.moas += 1
                entry.by_model[row.model] += 1
                entry.county_agency = entry.county_agency or row.agency_type == "county"
                if row.agency_id is not None:
                    entry.agencies.add(row.agency_id)
            else:
                entry.pending_listings += 1
                if row.agency_id is not None:
                    entry.pending_agencies.add(row.agency_id)
    held = {"participating": force.participating is not None, "pending": force.pending is not None}
    return {
        "as_of": force.as_of.isoformat(),
        "vintage": chosen.name,
        "vintage_description": chosen.description,
        "counties_total": len(table),
        "counties_with_agreement": sum(1 for c in table.values() if c.moas) if held["participating"] else None,
        "counties_with_county_agency": sum(1 for c in table.values() if c.county_agency) if held["participating"] else None,
        "listings_not_located": {kind: count if held[kind] else None for kind, count in not_located.items()},
        "counties": [c.as_dict(held["participating"], held["pending"]) for c in table.values()],
    }


@dataclass
class CountyRecord:
    county: reference.County
    participating: list[Listing]
    pending: list[Listing]
    figures: dict
    pending_figures: dict
    former_agencies: list[Agency]  # agencies ever located here that the lists in force do not list here


def county_record(session: Session, fips: str, force: InForce, model: str | None = None) -> CountyRecord:
    """One county as of a date: the listings located in it (participating and pending), their figures, and the
    agencies located in it by any earlier or later listing."""
    county = county_or_404(fips)
    filters = Filters(state=county.usps, model=model, fips=county.fips)
    participating = listings(session, force.participating, filters) if force.participating else []
    pending = listings(session, force.pending, filters) if force.pending else []
    current = {r.agency_id for r in participating + pending}
    ever = agencies_ever_in(session, county)
    return CountyRecord(county, participating, pending, figures_of(participating), figures_of(pending), [a for a in ever if a.id not in current])


ICE_SERIES = [series_of("ice", kind) for kind in ("participating", "pending")]


def agencies_ever_in(session: Session, county: reference.County) -> list[Agency]:
    """Live agencies (merges followed) named by any stored row located in the county, in any of ICE's lists (a row
    only this registry's own lists hold is not ICE's: the county's page and API describe ICE's lists)."""
    texts = [
        (text, fips)
        for text, fips in session.execute(select(CountyMatch.county_text, CountyMatch.fips).where(CountyMatch.state_usps == county.usps, CountyMatch.fips.is_not(None)))
        if inside(county, fips)
    ]
    if not texts:
        return []
    query = (
        select(Agency)
        .join(AgencyName, AgencyName.agency_id == Agency.id)
        .join(RawRow, RawRow.agency_name_id == AgencyName.id)
        .where(RawRow.state_usps == county.usps, RawRow.county_text.in_([t for t, _ in texts]), Agency.merged_into_id.is_(None))
        .where(select(ListingRun.id).where(ListingRun.raw_row_id == RawRow.id, ListingRun.series.in_(ICE_SERIES)).exists())
        .distinct()
    )
    return sorted(session.scalars(query), key=lambda a: (a.name.lower(), a.id))


def fips_of_text(state: str, text: str) -> str | None:
    """The county a COUNTY text names in a state, as county matching reads it (None: none or several)."""
    from g287.geo.matching import match_county

    return match_county(state, text).fips


def county_fips_of_texts(session: Session, pairs: set[tuple[str | None, str | None]]) -> dict[tuple[str | None, str | None], str | None]:
    """The county each (state, COUNTY text) names, as county matching read it at ingest (None: no text, or no
    single county)."""
    stored = {(s, t): f for s, t, f in session.execute(select(CountyMatch.state_usps, CountyMatch.county_text, CountyMatch.fips))}
    return {(state, text): (stored[(state, text)] if (state, text) in stored else fips_of_text(state, text)) if state and text else None for state, text in pairs}


def agency_county_fips(session: Session, agency_ids: list[int]) -> dict[int, str | None]:
    """The county of each agency's latest published COUNTY text (None: no text, or not matched)."""
    result: dict[int, str | None] = defaultdict(lambda: None)
    if not agency_ids:
        return result
    texts = {agency_id: (state, text) for agency_id, state, text in session.execute(select(Agency.id, Agency.state_usps, Agency.county_text).where(Agency.id.in_(agency_ids)))}
    named = county_fips_of_texts(session, set(texts.values()))
    result.update((agency_id, named[pair]) for agency_id, pair in texts.items())
    return result
