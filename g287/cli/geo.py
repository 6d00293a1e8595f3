"""Commands of the geography: counties (reference data and matching), coverage, map."""

from __future__ import annotations

from pathlib import Path

import click

from g287.access import Actor
from g287 import days
from g287.cli.common import Choice, MODEL, GivenPath, Table, console, database_option, echo, json_option, parse_date, print_json, state
from g287.documents.display import displayable
from g287.errors import G287Error
from g287.files import write_atomically
from g287.geo import reference
from g287.geo.coverage import coverage_or_none_covered, headline
from g287.geo.maps import LEVELS, MEASURES, check_arguments, render_map, shapes
from g287.geo.raster import svg_to_png
from g287.geo.matching import NO_COUNTY, NO_COUNTY_LIST
from g287.geo.store import match_summary, rematch, unmatched
from g287.registry.figures import no_participating_list
from g287.registry.publications import in_force
from g287.sources.rules import usps_code
from g287.wording import counted, noun


def register(cli: click.Group) -> None:
    cli.add_command(counties)
    cli.add_command(coverage_command)
    cli.add_command(map_command)


@click.group()
def counties():
    """Counties and county equivalents (FIPS codes, vintages) and the matching of ICE's COUNTY column."""


def _neither_matched_nor_failed(by_status: dict[str, int]) -> str:
    """The rows outside the match rate, said rather than left out of the line's count."""
    said = ""
    if nowhere := by_status.get(NO_COUNTY, 0):
        said += f"; {counted(nowhere, 'row')} of a text standing for no county (\"Statewide\") {'was' if nowhere == 1 else 'were'} not matched"
    if territory := by_status.get(NO_COUNTY_LIST, 0):
        said += f"; {counted(territory, 'row')} of a territory, whose counties are not held here, {'was' if territory == 1 else 'were'} not matched"
    return said


@counties.command("unmatched")
@json_option
@database_option
def counties_unmatched(as_json):
    """County texts that matched no single county of their state, with the agencies that carry them."""
    with state().db.session() as session:
        items = unmatched(session)
        summary = match_summary(session)
    if as_json:
        print_json({"summary": summary, "unmatched": items})
        return
    rate = summary["match_rate"]
    with_text = summary["located"] + summary["failed"]
    echo(
        f"{summary['located']:,} of {with_text:,} stored {noun(with_text, 'row')} with a county text matched"
        + (f" ({rate:.2%})" if rate is not None else "")
        + f"; {counted(len(items), 'text')} did not match"
        + _neither_matched_nor_failed(summary["by_status"])
        + "."
    )
    if not items:
        return
    table = Table()
    for column in ("state", "county text", "status", "reason", "rows", "agencies"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(item["state"] or "?", item["county_text"], item["status"], item["reason"], str(len(item["raw_rows"])), "; ".join(item["agencies"]))
    console.print(table)


@counties.command("rematch")
@json_option
@database_option
def counties_rematch(as_json):
    """Match every county text again (after editing g287/data/geo/county_fixes.csv or matching.toml).

    The quality-register entries of county matching are replaced, never duplicated."""
    result = rematch(state().db, Actor.command_line())
    if as_json:
        print_json(result)
        return
    echo(
        f"{counted(result.texts, 'county text')} matched again; {len(result.changed):,} changed; "
        f"{counted(result.entries_written, 'quality-register entry', 'quality-register entries')} written."
    )
    for change in result.changed:
        echo(f"  {change['state']} {change['county_text']!r}: {change['before']['status']} {change['before']['fips'] or ''} -> {change['after']['status']} {change['after']['fips'] or ''}")


@counties.command("list")
@click.argument("usps")
@click.option("--vintage", type=Choice(reference.VINTAGE_NAMES), help="Counties of this vintage (default: the latest, 2022).")
@json_option
def counties_list(usps, vintage, as_json):
    """The counties of a state (USPS code), with their FIPS codes."""
    info = reference.state_info(usps)
    if info.category == "territory":  # an empty table would read as "no counties", not "not in the reference"
        raise G287Error(f"no county list of {info.name}: the reference holds the counties of the 50 states and DC only")
    items = [c.as_dict() for c in reference.counties_of_state(usps, vintage)]
    if as_json:
        print_json(items)
        return
    table = Table(title=f"{reference.state_info(usps).name}: {len(items)} {'county or equivalent' if len(items) == 1 else 'counties and equivalents'} ({reference.vintage(vintage).name} vintage)")
    for column in ("fips", "name", "kind"):
        table.add_column(column)
    for c in items:
        table.add_row(c["fips"], c["name"], c["kind"])
    console.print(table)


@counties.command("show")
@click.argument("fips")
@json_option
def counties_show(fips, as_json):
    """One county by FIPS code: name, state, kind, vintages, and how the maps draw it."""
    versions = reference.versions_of(fips)
    if not versions:
        reference.county(fips)  # raises NotFound with the message
    items = [dict(c.as_dict(), shape_note=c.shape_note or _marker_note(c.shape)) for c in versions]
    if as_json:
        print_json(items)
        return
    for c in items:
        until = f" until {c['valid_until']}" if c["valid_until"] else ""
        since = f" since {c['valid_from']}" if c["valid_from"] else ""
        echo(f"{c['fips']} {c['name']}, {c['state']} ({c['kind']}){since}{until}; vintages {' '.join(c['vintages']) or 'none'}")
        if c["shape_note"]:
            echo(f"  map: {c['shape_note']}")


def _marker_note(shape: str) -> str | None:
    """How the maps draw a county too small for their grid (Falls Church, Lexington and Manassas Park, Virginia), as
    their notes say it; the reference data's notes say only how a county is drawn with another's shape."""
    if shape and shapes()["counties"].get(shape, {}).get("marker"):
        return "smaller than the map's grid: drawn as a small square where it lies"
    return None


@counties.command("counts")
@json_option
def counties_counts(as_json):
    """How many counties and county equivalents each vintage has (50 states and DC)."""
    items = [{"vintage": v.name, "as_of": v.as_of.isoformat(), "counties": len(reference.counties_in(v.name)), "description": v.description} for v in reference.vintages()]
    if as_json:
        print_json(items)
        return
    for item in items:
        echo(f"{item['vintage']}: {item['counties']:,} — {item['description']}")


@click.command("coverage")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The participating list in force on this date (default: the latest).")
@click.option("--vintage", type=Choice(reference.VINTAGE_NAMES), help="Counties of this vintage (default: the one in force on the date).")
@click.option("--model", type=MODEL, help="Only agreements of this model.")
@json_option
@database_option
def coverage_command(as_of, vintage, model, as_json):
    """Counties with a participating county-level agency, with any participating agency, and states with an
    agreement, nationally and per state, as numbers and percentages of the vintage's counties."""
    day = parse_date(as_of)  # before the database is opened (a new one would be made)
    with state().db.session() as session:
        result = coverage_or_none_covered(session, day, vintage, model)
    if as_json:
        print_json(result)
        return
    echo(headline(result))
    if result["publication"] is None:  # no list: nothing by state to show (as `stats` shows no table then)
        return
    table = Table(title="By state (counties of the vintage)")
    for column in ("state", "MOAs", "counties", "with county-level agency", "%", "with any agency", "%", "listings not located"):
        table.add_column(column, justify="left" if column == "state" else "right")
    for usps, s in result["by_state"].items():
        if not s["moas"] and not s["counties_with_any_agency"]:
            continue
        table.add_row(
            usps,
            f"{s['moas']:,}",
            "" if s["counties_total"] is None else f"{s['counties_total']:,}",
            "" if s["counties_with_county_agency"] is None else str(s["counties_with_county_agency"]),
            "" if s["percent"]["counties_with_county_agency"] is None else f"{s['percent']['counties_with_county_agency']:.1f}",
            "" if s["counties_with_any_agency"] is None else str(s["counties_with_any_agency"]),
            "" if s["percent"]["counties_with_any_agency"] is None else f"{s['percent']['counties_with_any_agency']:.1f}",
            f"{s['listings_not_located']:,}",
        )
    console.print(table)
    echo(f"States without an agreement: {', '.join(u for u, s in result['by_state'].items() if not s['has_agreement']) or 'none'}.")


@click.command("map")
@click.option("--level", type=Choice(LEVELS), required=True, help="Shapes: states, or counties.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The participating list in force on this date (default: the latest).")
@click.option("--model", type=MODEL, help="Only agreements of this model.")
@click.option("--measure", type=Choice(MEASURES), default="moas", show_default=True, help="moas: MOAs per shape, as ICE counts them (one per row); coverage: counties with participating agencies.")
@click.option("--state", "state_usps", metavar="USPS", help="Only this state's counties (county level).")
@click.option("-o", "--output", required=True, type=GivenPath(dir_okay=False), help="FILE.svg or FILE.png.")
@json_option
@database_option
def map_command(level, as_of, model, measure, state_usps, output, as_json):
    """Draw a choropleth map (Albers USA, Alaska and Hawaii as insets) as SVG or PNG, offline."""
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise G287Error(f"{output}: the map is written as .svg or .png")
    if not path.resolve().parent.is_dir():
        raise G287Error(f"{output}: no such folder {path.resolve().parent}")
    state_usps = usps_code(state_usps)  # a code no state has is refused naming --state, as every --state does
    day = parse_date(as_of)
    check_arguments(level, measure, state_usps, model)  # refused even when no list is in force, before the database is opened
    with state().db.session() as session:
        # No list in force is no figure, not a map of zeros (the site shows no map then): said as `stats` and
        # `coverage` say it, with status 0, and no file written.
        held = in_force(session, "participating", day) is not None
        svg = render_map(session, level, day, model, measure, state_usps) if held else None
    if svg is None:
        if as_json:
            print_json({"file": None, "format": suffix[1:], "bytes": 0})
        else:
            echo(displayable(f"{no_participating_list((day or days.today()).isoformat())} No map is drawn: {path} is not written."))
        return
    data = svg.encode("utf-8") if suffix == ".svg" else svg_to_png(svg)
    write_atomically(path, data)
    if as_json:
        print_json({"file": str(path), "format": suffix[1:], "bytes": len(data)})
    else:
        echo(displayable(f"{path}: {suffix[1:].upper()} map, {len(data) / 1024:,.0f} KiB"))  # one line, as error_line names it
