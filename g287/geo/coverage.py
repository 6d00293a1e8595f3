"""How much of the country the program covers on a date: counties and states with participating agencies.

Definitions (the same in the command, the JSON, the maps and the README):
- Participating listings: the rows of ICE's participating list in force on the date (MOAs as ICE counts them).
- A listing is *located* in the county its COUNTY text was matched to (g287/geo/matching.py). Listings without
  a county text (most municipal and state agencies: ICE leaves COUNTY empty), or whose text names no single
  county of the state, are *not located*: counted and reported, never guessed.
- Counties with a county-level agency: counties in which a listing of TYPE "County" (sheriffs, county
  departments, jails) is located.
- Counties with any agency: counties in which any listing is located, whatever its type.
- States with an agreement: states (50 states and DC) named by at least one listing. Territories are reported
  apart; they have no county list here.
Counts are of the counties of a vintage (2000: 3,141; 2010: 3,143; 2020: 3,143; 2022: 3,144): a listing
located in a county of another vintage counts for the county of this vintage that wholly contains it, else as
"not in this vintage" (Broomfield County did not exist in 2000).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from g287 import days
from g287.errors import G287Error, NotFound
from g287.geo import matching, reference
from g287.geo.store import county_facts
from g287.registry.figures import MODELS, describe_publication, listed, no_participating_list
from g287.registry.publications import in_force
from g287.wording import has_of, is_known_to_have, none_of, noun


@dataclass(frozen=True)
class LocatedListing:
    raw_row_id: int
    state: str | None
    model: str | None
    agency_type: str | None
    agency_id: int | None
    county_text: str | None
    fips: str | None  # matched county (any vintage)
    vintage_fips: str | None  # the county of the chosen vintage it lies in


def check_model(model: str | None) -> str | None:
    if model is None:
        return None
    code = str(model).strip().upper()
    if code not in MODELS:
        raise G287Error(f"unknown model {model!r}: one of {', '.join(MODELS)}")
    return code


def participating_publication(session: Session, as_of: dt.date | None):
    publication = in_force(session, "participating", as_of)
    if publication is None:
        when = f"on or before {as_of.isoformat()}" if as_of else "yet"
        raise NotFound(f"no participating list has been ingested {when} (see `g287 publications`)")
    return publication


def located_listings(session: Session, publication, vintage_name: str, model: str | None = None) -> list[LocatedListing]:
    """The listings of a publication (optionally of one model), each with its county in the vintage."""
    rows = [r for r in listed(session, publication) if model is None or r.model == model]
    facts = county_facts(session, [r.raw_row_id for r in rows])
    result = []
    for r in rows:
        text, fips = facts.get(r.raw_row_id, (None, None))
        if matching.names_no_county(text):  # "Statewide" is no county given, not a county that failed to match
            text = None
        result.append(
            LocatedListing(r.raw_row_id, r.state, r.model, r.agency_type, r.agency_id, text, fips, reference.in_vintage(fips, vintage_name) if fips else None)
        )
    return result


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def coverage(session: Session, as_of: dt.date | None = None, vintage: str | None = None, model: str | None = None) -> dict:
    """Coverage on a date (default: the latest list) for a county vintage (default: the one in force on the
    date) and optionally one model. Plain data; keys as documented in README.md (section geography)."""
    model = check_model(model)
    return _coverage_of_list(session, participating_publication(session, as_of), as_of, vintage, model)


def coverage_or_none_covered(session: Session, as_of: dt.date | None = None, vintage: str | None = None, model: str | None = None) -> dict:
    """coverage(), or when no participating list is in force on the date (none ingested yet, or a date before the
    first) the same figures with nothing covered and a null publication: for the API, to which an empty registry is
    not a missing resource, nor to `g287 coverage`, which says that no list is held, as `g287 stats` does."""
    model = check_model(model)
    publication = in_force(session, "participating", as_of)
    if publication is not None:
        return _coverage_of_list(session, publication, as_of, vintage, model)
    chosen = reference.vintage(vintage) if vintage is not None else reference.vintage_on(as_of)
    return coverage_of(None, chosen, [], model, as_of)


def _coverage_of_list(session: Session, publication, as_of: dt.date | None, vintage: str | None, model: str | None) -> dict:
    chosen = reference.vintage(vintage) if vintage is not None else reference.vintage_on(as_of or publication.published_on)
    listings = located_listings(session, publication, chosen.name, model)
    return coverage_of(publication, chosen, listings, model, as_of)


def coverage_of(publication, chosen: reference.Vintage, listings: list[LocatedListing], model: str | None, as_of: dt.date | None) -> dict:
    """The coverage figures of listings already located in the vintage `chosen`."""
    counties = reference.counties_in(chosen.name)
    counted = {s.usps: s for s in reference.counted_states()}

    county_level = {x.vintage_fips for x in listings if x.vintage_fips and x.agency_type == "county"}
    any_agency = {x.vintage_fips for x in listings if x.vintage_fips}
    states_with = {x.state for x in listings if x.state in counted}
    territories = Counter(x.state for x in listings if x.state and x.state not in counted)

    totals_by_state = Counter(c.usps for c in counties.values())
    moas_by_state = Counter(x.state for x in listings if x.state)
    not_located_by_state = Counter(x.state for x in listings if x.state and not x.vintage_fips)
    by_state = {}
    for usps, info in sorted(counted.items()):
        in_state = lambda fips_set: sum(1 for f in fips_set if counties[f].usps == usps)  # noqa: E731
        total = totals_by_state[usps]
        with_county = in_state(county_level)
        with_any = in_state(any_agency)
        by_state[usps] = {
            "name": info.name,
            "fips": info.fips,
            "counties_total": total,
            "counties_with_county_agency": with_county,
            "counties_with_any_agency": with_any,
            "has_agreement": usps in states_with,
            "moas": moas_by_state[usps],
            "listings_not_located": not_located_by_state[usps],
            "percent": {"counties_with_county_agency": _percent(with_county, total), "counties_with_any_agency": _percent(with_any, total)},
        }
    for usps, n in sorted(territories.items()):
        info = reference.states().get(usps)
        by_state[usps] = {
            "name": info.name if info else usps,
            "fips": info.fips if info else None,
            "counties_total": None,
            "counties_with_county_agency": None,
            "counties_with_any_agency": None,
            "has_agreement": True,
            "moas": n,
            "listings_not_located": n,
            "percent": {"counties_with_county_agency": None, "counties_with_any_agency": None},
        }

    no_text = sum(1 for x in listings if x.county_text is None)
    not_matched = sum(1 for x in listings if x.county_text is not None and x.fips is None)
    not_in_vintage = sum(1 for x in listings if x.fips and not x.vintage_fips)
    return {
        "as_of": (as_of or days.today()).isoformat(),  # the day asked about, as stats says it (the list in force on it is named)
        "vintage": chosen.name,
        "vintage_description": chosen.description,
        "model": model,
        "publication": describe_publication(publication) if publication is not None else None,
        "counties_total": len(counties),
        "counties_with_county_agency": len(county_level),
        "counties_with_any_agency": len(any_agency),
        "states_total": len(counted),
        "states_with_agreement": len(states_with),
        "territories_with_agreement": dict(sorted(territories.items())),
        "percent": {
            "counties_with_county_agency": _percent(len(county_level), len(counties)),
            "counties_with_any_agency": _percent(len(any_agency), len(counties)),
            "states_with_agreement": _percent(len(states_with), len(counted)),
        },
        "listings": {
            "total": len(listings),
            "located": sum(1 for x in listings if x.vintage_fips),
            "no_county_text": no_text,
            "no_county_text_by_type": dict(sorted(Counter(x.agency_type or "unknown" for x in listings if x.county_text is None).items())),
            "county_not_matched": not_matched,
            "county_not_in_vintage": not_in_vintage,
            "state_unknown": sum(1 for x in listings if not x.state),
        },
        "by_state": by_state,
    }


def county_breakdown(listings: list[LocatedListing]) -> dict[str, dict]:
    """Per county of the vintage: listings (MOAs), models, and whether a county-level agency is among them."""
    result: dict[str, dict] = defaultdict(lambda: {"moas": 0, "models": Counter(), "county_agency": False})
    for x in listings:
        if not x.vintage_fips:
            continue
        entry = result[x.vintage_fips]
        entry["moas"] += 1
        entry["models"][x.model or "unknown"] += 1
        entry["county_agency"] = entry["county_agency"] or x.agency_type == "county"
    return dict(result)


def at_least(not_located: int) -> str:
    """A count of counties is a lower bound while some listings are not located in a county (one of them may be in a
    county not counted), as the home page says; exact when every listing is."""
    return "at least " if not_located else ""


def none_known(county_level: int, any_type: int, total: int, percent_any_type: float, not_located: int, start: bool = False) -> str | None:
    """The counties clause when it would read "at least 0 of TOTAL counties have a participating county-level agency":
    none of them is known to have one, and the count of any type, when not 0, is "at least" on its own. None when the
    count of county-level agencies is not 0, or exact (every listing located): the caller's own clause says it."""
    if county_level or not not_located:
        return None
    subject = f"{none_of(total, start=start)} {is_known_to_have(total)}"
    if not any_type:
        return f"{subject} a participating agency of any type located in it, county-level or other"
    return (
        f"{subject} a participating county-level agency; at least {any_type:,} ({percent_any_type}%) {has_of(any_type, total)} "
        f"a participating agency of any type located in {noun(any_type, 'it', 'them')}"
    )


def headline(figures: dict) -> str:
    """One paragraph with the coverage figures and their source; with no participating list in force, the sentence
    `stats` says then (coverage_or_none_covered's zeros are no figures of a list)."""
    if figures["publication"] is None:
        return no_participating_list(figures["as_of"])
    p = figures["percent"]
    l = figures["listings"]  # noqa: E741
    model = f" ({figures['model']} only)" if figures["model"] else ""
    publication = figures["publication"]
    counties = none_known(figures["counties_with_county_agency"], figures["counties_with_any_agency"], figures["counties_total"], p["counties_with_any_agency"], l["total"] - l["located"]) or (
        f"{at_least(l['total'] - l['located'])}{figures['counties_with_county_agency']:,} of {figures['counties_total']:,} counties "
        f"({p['counties_with_county_agency']}%) have a participating county-level agency; "
        f"{figures['counties_with_any_agency']:,} ({p['counties_with_any_agency']}%) have a participating agency of any type located in them"
    )
    return (
        f"As of {figures['as_of']}{model}: {counties}; "
        f"{figures['states_with_agreement']} of {figures['states_total']} states (50 and DC) have at least one agreement. "
        f"{l['located']:,} of {l['total']:,} listings are located in a county; {l['total'] - l['located']:,} are not "
        f"({l['no_county_text']:,} without a county in ICE's list, {l['county_not_matched']:,} whose county could not be matched, "
        f"{l['county_not_in_vintage']:,} in a county not of this vintage). Counties: {figures['vintage']} vintage. "
        f"Source: ICE's participating list of {publication['published']}{' ' + publication['half'] if publication['half'] else ''} ({publication['publication']})."
    )
