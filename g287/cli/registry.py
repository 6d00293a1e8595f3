"""Commands that read the registry core: stats, publications, quality (g287/cli/ingest.py adds what they read)."""

from __future__ import annotations

from dataclasses import asdict

import click

from g287.cli.common import Choice, Table, console, database_option, echo, json_option, parse_date, print_json, state
from g287.errors import NotFound
from g287.registry import figures, quality
from g287.registry.publications import PublicationInfo, check_reference, is_date_reference, list_publications, resolve
from g287.sources.filename import KINDS


def register(cli: click.Group) -> None:
    for command in (stats, publications, quality_command):
        cli.add_command(command)


@click.command()
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Figures of the publications in force on this date (default: the latest).")
@click.option("--origin", type=Choice(["ice", "registry"]), default="ice", show_default=True, help="Whose lists: ICE's, or those this registry published itself.")
@json_option
@database_option
def stats(as_of, origin, as_json):
    """The headline figures: MOAs by model and agency type, agencies, states, pending listings."""
    day = parse_date(as_of)  # each value is checked before the database is opened (a new one would be made)
    with state().db.session() as session:
        result = figures.stats(session, day, origin)
    if as_json:
        print_json(result)
        return
    echo(figures.headline(result))
    p = result["participating"]
    if p:
        table = Table(title="Participating (MOAs as ICE counts them: one per row)")
        table.add_column("figure")
        table.add_column("value", justify="right")
        table.add_row("MOAs", f"{p['moas']:,}")
        table.add_row("agencies", f"{p['agencies']:,}")
        table.add_row("states", str(p["states"]))
        table.add_row("territories", str(p["territories"]))
        for model, n in p["by_model"].items():
            table.add_row(f"model {model}", f"{n:,}")
        for kind, n in p["by_agency_type"].items():
            table.add_row(f"type {kind}", f"{n:,}")
        console.print(table)


@click.command()
@click.option("--kind", type=Choice(KINDS), help="Only participating or only pending lists.")
@json_option
@database_option
def publications(kind, as_json):
    """Every publication ingested, in order; the id names a publication in other commands."""
    with state().db.session() as session:
        items = [PublicationInfo.of(p) for p in list_publications(session, kind)]
    if as_json:
        print_json([asdict(i) for i in items])
        return
    table = Table()
    for column in ("id", "kind", "published", "file", "listings", "rows", "sha256"):
        table.add_column(column, justify="right" if column in ("id", "listings", "rows") else "left")
    for i in items:
        table.add_row(str(i.id), i.kind, i.published + (f" {i.half}" if i.half else ""), i.file, str(i.listings), str(i.source_rows), i.sha256[:12])
    console.print(table)


def _named_lists(session, ref: str) -> list:
    """The publications a PUBLICATION argument names: an id or a file name names one; a date names the list of each
    kind in force on it (the participating and the pending list), as a reader of that day's register expects."""
    if not is_date_reference(ref):
        return [resolve(session, ref)]
    found = []
    for kind in KINDS:
        try:
            found.append(resolve(session, ref, kind))
        except NotFound:
            continue
    if not found:
        raise NotFound(f"no publication on or before {ref.strip()}")
    return found


@click.command("quality")
@click.argument("publication", required=False)
@click.option("--summary", is_flag=True, help="Count the entries by problem instead of listing them.")
@click.option("--category", type=Choice(["not_a_listing", "duplicate", "repaired", "unknown", "note"]), help="Only entries of this category.")
@json_option
@database_option
def quality_command(publication, summary, category, as_json):
    """The data-quality register: rows that are not listings, values repaired or unknown, duplicates.

    PUBLICATION is an id, a file name or a date: the participating and the pending list in force then (default:
    every publication)."""
    if publication is not None:
        check_reference(publication)
    with state().db.session() as session:
        # "" is a publication named "" (none, said as diff says it), not every publication
        chosen = _named_lists(session, publication) if publication is not None else list_publications(session)
        entries = [e for p in chosen for e in quality.register(session, p)]
    if category:
        entries = [e for e in entries if e.category == category]
    if summary:
        rows = quality.summary(entries)
        if as_json:
            print_json(rows)
            return
        table = Table()
        table.add_column("entries", justify="right")  # a count, aligned as the other commands' counts are
        for column in ("category", "problem"):
            table.add_column(column)
        for r in rows:
            table.add_row(f"{r['entries']:,}", r["category"], r["problem"])
        console.print(table)
        return
    if as_json:
        print_json(quality.as_dicts(entries))
        return
    table = Table()
    for column in ("publication", "row", "column", "raw value", "problem", "what was done"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(str(e.publication_id), "" if e.row is None else str(e.row), e.column or "", e.raw_value or "", e.problem, e.action)
    console.print(table)
