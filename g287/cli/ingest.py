"""Commands that ingest publications: ingest (files and folders) and bootstrap (the bundled ones)."""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import asdict
from functools import partial
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import SQLAlchemyError

from g287.access import Actor
from g287.cli.common import Choice, EMPTY_PATH, Interrupted, database_option, echo, err_console, error_line, json_option, print_json, state
from g287.config import check_reading_settings, database_url
from g287.db.engine import Database, check_database_url
from g287.db.revisions import database_revisions
from g287.documents.display import displayable
from g287.errors import G287Error, SourceError
from g287.registry import figures
from g287.registry.bundled import ingest_bundled
from g287.registry.ingest import file_digest, format_of_name, kind_and_date
from g287.registry.batch import expand_paths, finish_workers, ingest_many, read_before_the_database, sort_for_ingest
from g287.sources.filename import KINDS, parse_published
from g287.wording import counted


def _result_line(path: Path, r) -> str:
    """A file's line, one line as its error line is (error_line), naming the file as its error line does (the path as
    given, _file_error): a line break in the file's name, or in the name of the file ingested before with the same
    bytes, is shown as "?" (--json keeps the names exactly)."""
    if r.status == "unchanged":
        return displayable(f"{path}: unchanged — {r.notes[0]}")
    when = r.published + (f" {r.half}" if r.half else "")
    return displayable(
        f"{path}: ingested as publication {r.publication_id} ({r.kind}, {when}): "
        f"{counted(r.listings, 'listing')} from {counted(r.source_rows, 'source row')}, {counted(r.quality_entries, 'quality-register entry', 'quality-register entries')}"
        + "".join(f"; {note}" for note in r.notes)
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
    return f"interrupted at file {done + 1} of {total} ({sort_for_ingest(files)[done]}): nothing of it was written{before}"


def _none_readable(files: list, origin: str) -> list | None:
    """When no file named can be read (none there, none a file of data, none this user may read, none named as a list
    of `origin` is: `g287 ingest README.md`), each one's error, in the batch's order; else None: the batch reads them,
    and says what is wrong with each in its turn."""
    unread = []
    for path in sort_for_ingest(files):
        try:
            if stat.S_ISREG(os.stat(path).st_mode):
                open(path, "rb").close()  # (not opened unless a regular file: a named pipe's open waits for a writer)
                format_of_name(Path(path), origin)  # the service's first refusal, by the name alone
                return None
        except OSError:
            pass
        except SourceError as error:
            unread.append((path, error))
            continue
        try:
            file_digest(path)  # refuses what is not a file of data unread, and says why a file cannot be opened
        except G287Error as error:
            unread.append((path, error))
        else:  # made or mended since it was looked at: the batch reads it
            return None
    return unread


def _database_is_new(option: str | None) -> bool:
    """Whether opening the database would make it or g287's tables in it: an SQLite file that does not exist yet, or a
    PostgreSQL database holding no g287 schema (asked without migrating; one that cannot be asked is opened as
    before, and its opening says why)."""
    url = database_url(option)
    parsed = check_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return not parsed.query.get("uri") and not Path(parsed.database).expanduser().exists()
    try:
        probe = Database(url, migrate=False)
    except G287Error:
        return False
    try:
        with probe.engine.connect() as connection:
            return not database_revisions(connection)
    except SQLAlchemyError:
        return False
    finally:
        probe.dispose()


def _file_error(path: Path, error: G287Error) -> str:
    """A file's error, naming the file as the command line gave it: the path named, or the path under the folder named
    (`lists/may/participatingAgencies05292025am.xlsx`), as --json gives it ("file"). The services name a file by its
    name alone, and two folders may hold files of one name: the line did not say which of them failed."""
    return f"{path}: {error.problem}" if isinstance(error, SourceError) else str(error)


def register(cli: click.Group) -> None:
    for command in (ingest, bootstrap):
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
    sha256) under the same day's name is skipped; under another day's name it is that day's publication. Exits with
    status 1 if any file failed."""
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
    if kind is not None or published is not None:
        try:  # the service's rule (a kind, date or half the file name contradicts is refused), before the database is opened
            kind_and_date(files[0], kind, options.get("published"))
        except SourceError as error:
            raise G287Error(_file_error(files[0], error)) from None
    check_reading_settings()  # as ingest_many does, but before the database is opened (a new one would be made)
    unread = _none_readable(files, origin)
    if unread is not None:  # each file's error line, as the batch gives it, and no database opened (nor made)
        failures += [{"file": str(path), "error": _file_error(path, error)} for path, error in unread]
        if as_json:
            print_json({"results": [], "errors": failures})
        else:
            for path, error in unread:
                echo(error_line(_file_error(path, error)), err=True)
        raise click.exceptions.Exit(1)
    results = []
    # How a file's line and an error's are printed: above the progress bar while one is drawn on the terminal.
    say = {"out": echo, "err": lambda line: echo(line, err=True)}

    def on_result(path, result):
        # Each file's line as soon as it is committed: an interrupted run has already said which files it kept.
        results.append(result)
        if not as_json:
            say["out"](_result_line(path, result))

    def on_error(path, error):
        failures.append({"file": str(path), "error": _file_error(path, error)})
        if not as_json:
            say["err"](error_line(_file_error(path, error)))

    read_first = []
    if _database_is_new(state().database_option):
        # A new database is made for a file that can be ingested only: the files are read, in the batch's order, up to
        # the first that can be (the batch takes these readings over). None can: their lines, and no SQLite file, no
        # g287 tables in a PostgreSQL database.
        try:
            for path, outcome in read_before_the_database(files, options):
                read_first.append((path, outcome))
        except KeyboardInterrupt:
            for path, error in read_first:
                on_error(path, error)
            if as_json:
                print_json({"results": [], "errors": failures, "interrupted": True})
            raise Interrupted(_interrupted_line(files, len(read_first), "as the JSON lists" if as_json else "as listed above")) from None
        if all(isinstance(outcome, G287Error) for _path, outcome in read_first):
            for path, error in read_first:
                on_error(path, error)
            if as_json:
                print_json({"results": [], "errors": failures})
            raise click.exceptions.Exit(1)
    db = state().db
    actor = Actor.command_line()
    options["read_first"] = [outcome for _path, outcome in read_first]

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
@json_option
@database_option
def bootstrap(as_json):
    """Ingest the publications bundled with g287 (once; again changes nothing) and print the headline figures."""
    check_reading_settings()
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
