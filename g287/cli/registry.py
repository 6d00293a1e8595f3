"""Commands of the registry core: ingest, stats, publications, quality, bootstrap."""

from __future__ import annotations

import sys
from dataclasses import asdict
from functools import partial

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from g287.access import Actor
from g287.cli.common import Choice, EMPTY_PATH, Interrupted, Table, console, database_option, echo, err_console, error_line, json_option, parse_date, print_json, state
from g287.documents.display import displayable
from g287.errors import G287Error, NotFound
from g287.registry import figures, quality
from g287.registry.bundled import ingest_bundled
from g287.registry.batch import expand_paths, finish_workers, ingest_many, sort_for_ingest
from g287.registry.publications import PublicationInfo, is_date_reference, list_publications, resolve
from g287.sources.filename import KINDS, parse_published
from g287.wording import counted


def _result_line(r) -> str:
    """A file's line, one line as its error line is (error_line): a line break in the file's name, or in the name of
    the file ingested before with the same bytes, is shown as "?" (--json keeps the names exactly)."""
    if r.status == "unchanged":
        return displayable(f"{r.file}: unchanged — {r.notes[0]}")
    when = r.published + (f" {r.half}" if r.half else "")
    return displayable(
        f"{r.file}: ingested as publication {r.publication_id} ({r.kind}, {when}): "
        f"{counted(r.listings, 'listing')} from {counted(r.source_rows, 'source row')}, {counted(r.quality_entries, 'quality-register entry', 'quality-register entries')}"
    )


def _stdout_is_terminal() -> bool:
    # Where the output goes, not whether rich would draw there: FORCE_COLOR makes every console "a terminal".
    return sys.stdout.isatty()


def _interrupted_line(files: list, done: int, where: str) -> str:
    """What an interrupted ingest did: each file is its own transaction, so the one in progress wrote nothing. The
    files are taken in publication order (sort_for_ingest), not as given: the one in progress is named."""
    total = len(files)
    if done >= total:
        return f"interrupted after the last file: all {total} are done, {where}"
    before = f"; the {counted(done, 'file')} before it {'is' if done == 1 else 'are'} done, {where}" if done else ""
    return f"interrupted at file {done + 1} of {total} ({sort_for_ingest(files)[done].name}): nothing of it was written{before}"


def register(cli: click.Group) -> None:
    for command in (ingest, stats, publications, quality_command, bootstrap):
        cli.add_command(command)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))  # an unreadable file: our one line, not click's usage error
@click.option("--published", metavar="YYYY-MM-DD[am|pm]", help="Publication date (and half) when the file name does not say it; one file only.")
@click.option("--kind", type=Choice(KINDS), help="Which list the file is, when its name does not say.")
@click.option("--encoding", metavar="CODEC", help="Encoding of CSV files (default: UTF-8, else Windows-1252).")
@click.option("--origin", type=Choice(["ice", "registry"]), default="ice", show_default=True, help="Whose list: ICE's, or one this registry published (g287 program publish).")
@json_option
@database_option
def ingest(paths, published, kind, encoding, origin, as_json):
    """Ingest ICE publications (.xlsx or .csv files, or folders of them).

    Each file is one transaction: a file that cannot be read changes nothing. A file ingested before (same
    sha256) is skipped. Exits with status 1 if any file failed."""
    if any(not path.strip() for path in paths):  # "" would read as the current folder: everything under it
        raise G287Error(f"PATHS: {EMPTY_PATH}")
    for name, value in (("--published", published), ("--encoding", encoding)):
        if value is not None and not value.strip():
            raise G287Error(f"{name} is empty: give a value, or leave the option out")
    unreadable = []
    files = expand_paths(list(paths), unreadable)
    failures = [{"file": problem.path, "error": str(problem)} for problem in unreadable]
    if not as_json:
        for problem in unreadable:
            echo(error_line(problem), err=True)
    if not files and unreadable:  # said already, folder by folder: "no files found" would blame the folder's contents
        if as_json:
            print_json({"results": [], "errors": failures})
        raise click.exceptions.Exit(1)
    if not files:
        raise G287Error("no .xlsx or .csv files found in " + ", ".join(paths))
    options = {"kind": kind, "encoding": encoding, "origin": origin}
    if kind is not None and len(files) > 1:
        raise G287Error("--kind names the list of one file; give one file")
    if published is not None:
        if len(files) > 1:
            raise G287Error("--published names the date of one file; give one file")
        options["published"] = parse_published(published)
    db = state().db
    actor = Actor.command_line()

    results = []
    # How a file's line and an error's are printed: above the progress bar while one is drawn on the terminal.
    say = {"out": echo, "err": lambda line: echo(line, err=True)}

    def on_result(path, result):
        # Each file's line as soon as it is committed: an interrupted run has already said which files it kept.
        results.append(result)
        if not as_json:
            say["out"](_result_line(result))

    def on_error(path, error):
        failures.append({"file": str(path), "error": str(error)})
        if not as_json:
            say["err"](error_line(error))

    try:
        if len(files) > 1 and not as_json and err_console.is_terminal:  # piped, a bar would leave a blank line
            bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console, transient=True, redirect_stdout=False, redirect_stderr=False)
            with bar as progress:
                above_the_bar = partial(progress.console.print, markup=False, highlight=False, soft_wrap=True)
                # A line written to the bar's terminal past its console would land inside the bar. Stdout redirected
                # (`g287 ingest ... > log`), the files' lines go to the log as they are.
                say["err"] = above_the_bar
                if _stdout_is_terminal():
                    say["out"] = above_the_bar
                task = progress.add_task("ingesting", total=len(files))
                ingest_many(
                    db, files, actor, on_result=lambda p, r: (progress.advance(task), on_result(p, r)), on_error=lambda p, e: (progress.advance(task), on_error(p, e)), **options
                )
        else:
            ingest_many(db, files, actor, on_result=on_result, on_error=on_error, **options)
    except KeyboardInterrupt:
        if as_json:
            print_json({"results": [asdict(r) for r in results], "errors": failures, "interrupted": True})
        raise Interrupted(_interrupted_line(files, len(results) + len(failures) - len(unreadable), "as the JSON lists" if as_json else "as listed above")) from None
    finish_workers()  # before the command ends (see finish_workers); not after Ctrl+C, which should end at once
    if as_json:
        print_json({"results": [asdict(r) for r in results], "errors": failures})
    if failures:
        raise click.exceptions.Exit(1)


@click.command()
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Figures of the publications in force on this date (default: the latest).")
@click.option("--origin", type=Choice(["ice", "registry"]), default="ice", show_default=True, help="Whose lists: ICE's, or those this registry published itself.")
@json_option
@database_option
def stats(as_of, origin, as_json):
    """The headline figures: MOAs by model and agency type, agencies, states, pending listings."""
    with state().db.session() as session:
        result = figures.stats(session, parse_date(as_of), origin)
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


@click.command()
@json_option
@database_option
def bootstrap(as_json):
    """Ingest the publications bundled with g287 (once; again changes nothing) and print the headline figures."""
    db = state().db
    results = ingest_bundled(db, Actor.command_line())
    with db.session() as session:
        result = figures.stats(session)
    new = sum(r.status == "ingested" for r in results)
    if as_json:  # what the text says: how many were new, how many held already, and where
        print_json({"ingested": new, "already_held": len(results) - new, "database": db.safe_url, "stats": result})
        return
    echo(f"{counted(new, 'publication')} ingested, {len(results) - new} already held, in {db.safe_url}")
    echo(figures.headline(result))
