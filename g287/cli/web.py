"""Commands of the public site: serve it, and write the fact sheet."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from g287.access import Actor
from g287.cli.common import GivenPath, WholeNumber, database_option, echo, json_option, parse_date, print_json, state
from g287.documents.display import displayable
from g287.errors import G287Error
from g287.files import check_writable, write_atomically
from g287.program.settings import secret_key_is_set
from g287.registry import figures
from g287.registry.bundled import ingest_bundled, is_empty
from g287.wording import counted


def register(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(factsheet_command)


def _check_port(host: str, port: int) -> None:
    """Fail with one line, before starting, when the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise G287Error(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8287, show_default=True, type=WholeNumber(1, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=WholeNumber(1, 64), help="Worker processes (each serves every route).")
@click.option("--access-log/--no-access-log", default=False, show_default=True, help="Log every request.")
@database_option
def serve(host, port, workers, access_log):
    """Serve the public site and the JSON API (/api/v1).

    On a database without any publication, the publications bundled with g287 are ingested first."""
    import uvicorn

    from g287.web.app import check_settings

    if not host.strip():  # "" would listen on every interface, not on the default 127.0.0.1
        raise G287Error("--host is empty: give an address (0.0.0.0 for every interface), or leave the option out")
    check_settings()  # a key too short, a site address that is not one, K in words...: one line, not an error page per request
    if workers > 1 and not secret_key_is_set():
        raise G287Error("--workers above 1 needs G287_SECRET_KEY: each worker would sign its forms with a key of its own and refuse the others'")
    _check_port(host, port)  # before the database is opened (a new one would be made)
    db = state().db
    if is_empty(db):
        echo("The database holds no publication yet: ingesting the publications bundled with g287 first.")
        results = ingest_bundled(db, Actor.command_line())
        echo(f"{counted(sum(r.status == 'ingested' for r in results), 'publication')} ingested into {db.safe_url}")
    with db.session() as session:
        echo(figures.headline(figures.stats(session)))
    echo(f"Serving {db.safe_url} at http://{host}:{port}/ (API at /api/v1, documentation at /api/v1/docs); Ctrl+C stops.")
    options = {"host": host, "port": port, "access_log": access_log, "log_level": "warning", "server_header": False}
    if workers == 1:
        from g287.web.app import create_app

        uvicorn.run(create_app(db), **options)
    else:
        import os

        os.environ["G287_DATABASE_URL"] = db.url  # each worker process opens the same database
        db.dispose()
        uvicorn.run("g287.web.app:app_from_environment", factory=True, workers=workers, **options)


@click.command("factsheet")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The lists in force on this date (default: the latest).")
@click.option("-o", "--output", "output", required=True, type=GivenPath(dir_okay=False), help="The PDF file to write.")
@json_option
@database_option
def factsheet_command(as_of, output, as_json):
    """Write the one-page fact sheet (PDF) of the figures in force on a date, generated from the data."""
    from g287.exports.factsheet import factsheet, factsheet_pdf

    target = Path(output)
    if target.suffix.lower() != ".pdf":
        raise G287Error(f"{output}: the fact sheet is written as PDF; name the file FILE.pdf")
    day = parse_date(as_of)
    check_writable(target)  # before the database is opened (a new one would be made)
    with state().db.session() as session:
        sheet = factsheet(session, day)
    write_atomically(target, factsheet_pdf(sheet))  # a file that cannot be written: one clear error
    if as_json:
        print_json({"file": str(target), "as_of": sheet["as_of"], "title": sheet["title"], "stats": sheet["stats"]})
    else:
        echo(displayable(f"{target}: fact sheet, {sheet['title']}"))  # one line, as error_line names it
