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
from g287.registry.figures import MODELS, describe_publication, list_age, listed, no_participating_list
from g287.registry.publications import in_force
from g287.wording import counted, has_none, has_of, is_known_to_have, is_of, none_of, noun, quoted


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
        raise G287Error(f"unknown model {quoted(str(model))}: one of {', '.join(MODELS)}")
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
    # With no date, the date is today's (the figures' `as_of` says so) and so is the vintage, as the site's pages, the
    # API's counties and the GeoJSON count it: the list's own date chose another for a list of before June 2022.
    chosen = reference.vintage(vintage) if vintage is not None else reference.vintage_on(as_of)
    listings = located_listings(session, publication, chosen.name, model)
    return coverage_of(publication, chosen, listings, model, as_of)


def state_coverage(session: Session, usps: str, as_of: dt.date | None = None, model: str | None = None) -> dict | None:
    """coverage()'s figures of one state (its entry of by_state), with the vintage counted and its listings not
    located by why (`not_located`: not_located_counts), for its page; None when no participating list is in force."""
    model = check_model(model)
    publication = in_force(session, "participating", as_of)
    if publication is None:
        return None
    chosen = reference.vintage_on(as_of)  # today's with no date, as _coverage_of_list
    listings = located_listings(session, publication, chosen.name, model)
    figures = coverage_of(publication, chosen, listings, model, as_of)["by_state"].get(usps)
    return None if figures is None else dict(figures, vintage=chosen.name, not_located=not_located_counts(listings, usps))


def not_located_counts(listings: list[LocatedListing], usps: str | None = None) -> dict:
    """The listings (of one state, or of all) located in no county of the vintage, by why: those that name no county
    (by TYPE), those whose county text matched no single county, those whose county is not of the vintage, those
    whose county text is of a territory (Puerto Rico, Guam...), for which the registry holds no county list."""
    counted = {s.usps for s in reference.counted_states()}
    mine = [x for x in listings if (usps is None or x.state == usps) and not x.vintage_fips]
    no_text = [x for x in mine if x.county_text is None]
    unplaced = [x for x in mine if x.county_text is not None and x.fips is None]
    # A territory's county text is no failed match: the registry holds no county list to match it in.
    in_territory = [x for x in unplaced if x.state and x.state not in counted]
    return {
        "no_county_text": len(no_text),
        "no_county_text_by_type": dict(sorted(Counter(x.agency_type or "unknown" for x in no_text).items())),
        "county_not_matched": len(unplaced) - len(in_territory),
        "county_not_in_vintage": sum(1 for x in mine if x.fips),
        "county_text_in_territory": len(in_territory),
    }


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
    county_level_by_state = Counter(counties[f].usps for f in county_level)
    any_agency_by_state = Counter(counties[f].usps for f in any_agency)
    by_state = {}
    for usps, info in sorted(counted.items()):
        total = totals_by_state[usps]
        with_county = county_level_by_state[usps]
        with_any = any_agency_by_state[usps]
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
            **not_located_counts(listings),
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


def none_counted(county_level: int, any_type: int, total: int, percent_any_type: float, not_located: int, start: bool = False) -> str | None:
    """The counties clause when it would read "0 of TOTAL counties have a participating county-level agency": while
    some listing is not located, that count is "at least 0", and none of them is known to have one (the count of any
    type, when not 0, is "at least" on its own); when every listing is located, none of them has one. None when the
    count of county-level agencies is not 0: the caller's own clause says it."""
    if county_level:
        return None
    subject = f"{none_of(total, start=start)} {is_known_to_have(total) if not_located else has_none(total)}"
    if not any_type:
        return f"{subject} a participating agency of any type located in it, county-level or other"
    return (
        f"{subject} a participating county-level agency; {at_least(not_located)}{any_type:,} ({percent_any_type}%) {has_of(any_type, total)} "
        f"a participating agency of any type located in {noun(any_type, 'it', 'them')}"
    )


def counties_clause(county_level: int, any_type: int, total: int, percent: dict, not_located: int, start: bool = False) -> str:
    """The counties of a coverage figure in words, for the command, the maps' captions (nationally and of a state):
    "at least 399 of 3,144 counties (12.69%) have a participating county-level agency; 403 (12.82%) have a
    participating agency of any type located in them", each verb and pronoun by its count; "at least" while some
    listing is not located and some county is not counted; 0 said as none (none_counted). `percent`:
    coverage's percentages."""
    none = none_counted(county_level, any_type, total, percent["counties_with_any_agency"], not_located, start)
    if none:
        return none
    # every county counted is no lower bound: "at least 67 of 67 counties" (the state's page says "All 67")
    text = (
        f"{at_least(not_located) if county_level < total else ''}{county_level:,} of {total:,} {noun(total, 'county', 'counties')} ({percent['counties_with_county_agency']}%) "
        f"{has_of(county_level, total)} a participating county-level agency; {any_type:,} ({percent['counties_with_any_agency']}%) "
        f"{has_of(any_type, total)} a participating agency of any type located in {'it' if 1 in (any_type, total) else 'them'}"
    )
    return sentence(text) if start else text


def sentence(text: str) -> str:
    """`text` at a sentence's start."""
    return text[:1].upper() + text[1:]


def no_county_text(listings: int, by_type: dict) -> str:
    """The listings that name no county, said with the agencies they are mostly of (from the data): a county count
    says where agencies are listed, and these are listed nowhere in it."""
    if not listings:
        return "every listing names a county"
    share = _civic_share(by_type, listings)
    # the share set off by commas is closed by one before the verb; in parentheses, it needs none
    return f"{counted(listings, 'listing')}{share}{',' if share.startswith(',') else ''} {noun(listings, 'names', 'name')} no county"


def _civic_share(by_type: dict, listings: int) -> str:
    """How many of `listings` are of state and municipal agencies, as words that follow them: ", all of state and
    municipal agencies", ", mostly of state and municipal agencies (229 of 230)", " (5 of them of state and municipal
    agencies)"."""
    civic = by_type.get("municipality", 0) + by_type.get("state_agency", 0)
    if civic == listings:
        return ", all of state and municipal agencies"
    if 2 * civic > listings:
        return f", mostly of state and municipal agencies ({civic:,} of {listings:,})"
    return f" ({civic:,} of them of state and municipal agencies)"


def not_located_text(counts: dict, vintage: str, unmatched_hint: str | None = None) -> str:
    """Every listing a county count leaves out, by why (not_located_counts, or coverage's "listings"), in the one
    wording of the command, the maps and the pages: those that name no county, those whose county text could not
    be matched to one county (followed by `unmatched_hint`, where they are listed), and those whose county is not of
    the vintage counted (Broomfield County, formed in 2001, is in no county of the Census 2000 list), so that the
    listings said add up to those not located."""
    others = counts["county_not_matched"] or counts["county_not_in_vintage"] or counts.get("county_text_in_territory")
    # "every listing names a county" only when it is all there is to say: before "1 has a county text ..." it read as a contradiction
    parts = [no_county_text(counts["no_county_text"], counts["no_county_text_by_type"])] if counts["no_county_text"] or not others else []
    for count, singular, plural in _county_reasons(counts, vintage, unmatched_hint):
        if count:
            parts.append(f"{f'{count:,}' if parts else counted(count, 'listing')} {singular if count == 1 else plural}")
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def _county_reasons(counts: dict, vintage: str, unmatched_hint: str | None) -> tuple:
    """The listings whose county text was not placed, by why: (count, verb phrase for one, for several)."""
    hint = f" ({unmatched_hint})" if unmatched_hint else ""
    return (
        # not "names a county": a text may name several ("Polk and Hillsborough") or a name two counties share ("Richmond")
        (counts["county_not_matched"], f"has a county text that could not be matched to one county{hint}", f"have a county text that could not be matched to one county{hint}"),
        (counts["county_not_in_vintage"], f"names a county not in the Census {vintage} list", f"name a county not in the Census {vintage} list"),
        (
            counts.get("county_text_in_territory", 0),
            "has a county text of a territory, whose counties are not counted here",
            "have a county text of a territory, whose counties are not counted here",
        ),
    )


# The one listing that names no county, by its type.
ONE_WITHOUT_A_COUNTY = {"state_agency": "a state agency", "municipality": "a municipal agency"}


def why_not_located(said: int, counts: dict, vintage: str, unmatched_hint: str | None = None) -> str:
    """Why the `said` listings just counted as not located are not ("3 listings are not on the map: ..."). When one
    reason covers them all it is said of them once ("it names no county (a state agency)"): "1 listing is not on the
    map: 1 listing, all of state and municipal agencies, names no county" said their count twice. Otherwise
    not_located_text, each reason with its count."""
    no_county = counts["no_county_text"]
    reasons = [(no_county, "names no county", "name no county"), *_county_reasons(counts, vintage, unmatched_hint)]
    given = [reason for reason in reasons if reason[0]]
    if len(given) != 1 or given[0][0] != said:
        return not_located_text(counts, vintage, unmatched_hint)
    _count, singular, plural = given[0]
    text = f"it {singular}" if said == 1 else f"they {plural}"
    if not no_county:
        return text
    by_type = counts["no_county_text_by_type"]
    if said == 1:
        kind = next((t for t, n in by_type.items() if n), None)
        return f"{text} ({ONE_WITHOUT_A_COUNTY.get(kind, 'not a state or municipal agency')})"
    return text + _civic_share(by_type, said)


def listings_located_text(listings: dict, vintage: str, unmatched_hint: str | None = None) -> str:
    """How many of the listings are located in a county, and why the others are not (why_not_located)."""
    total, located = listings["total"], listings["located"]
    if not total:  # "0 of 0 listings are located" (a model the list has no listing of)
        return "there is no listing to locate in a county"
    text = f"{located:,} of {total:,} {noun(total, 'listing')} {is_of(located, total)} located in a county"
    if total == located:
        return text
    return f"{text}; {total - located:,} {noun(total - located, 'is', 'are')} not: {why_not_located(total - located, listings, vintage, unmatched_hint)}"


def headline(figures: dict) -> str:
    """One paragraph with the coverage figures and their source; with no participating list in force, the sentence
    `stats` says then (coverage_or_none_covered's zeros are no figures of a list)."""
    if figures["publication"] is None:
        return no_participating_list(figures["as_of"])
    l = figures["listings"]  # noqa: E741
    model = f" ({figures['model']} only)" if figures["model"] else ""
    publication = figures["publication"]
    counties = counties_clause(figures["counties_with_county_agency"], figures["counties_with_any_agency"], figures["counties_total"], figures["percent"], l["total"] - l["located"])
    return (
        f"As of {figures['as_of']}{model}: {counties}; {states_clause(figures['states_with_agreement'], figures['states_total'])}. "
        f"{sentence(listings_located_text(l, figures['vintage'], UNMATCHED_BY_THE_COMMAND))}. Counties: {figures['vintage']} vintage. "
        f"Source: ICE's participating list of {publication['published']}{' ' + publication['half'] if publication['half'] else ''} ({publication['publication']})"
        f"{list_age(publication, figures['as_of'])}."
    )


def states_clause(states: int, total: int) -> str:
    """The states named by a listing, in words: "40 of 51 states (50 and DC) have at least one agreement"; 0 said as
    none, as the counties are (none_of, has_none: the count of states is exact), never "0 of 51 states have"."""
    if not states:
        return f"none of the {total:,} states (50 and DC) has an agreement"
    return f"{states:,} of {total:,} states (50 and DC) {has_of(states, total)} at least one agreement"


# Where the county texts that could not be matched are listed, for a reader of the command (the site's reader is
# pointed to its method page: maps.UNMATCHED_ON_THE_WEB).
UNMATCHED_BY_THE_COMMAND = "see `g287 counties unmatched`"
