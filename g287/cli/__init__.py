"""The `g287` command: a thin layer over the service functions of the registry, history, geography, program
and document archive. Each concern adds its commands in its own module here."""

from __future__ import annotations

import importlib
import pkgutil

import click

from g287 import __version__
from g287.cli.common import Context, G287Group, accept_database_everywhere, run_cli


@click.group(cls=G287Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--database", metavar="URL|PATH", default=None, help="Database URL or SQLite file (default: $G287_DATABASE_URL, else the default SQLite file).")
@click.version_option(__version__, prog_name="g287")
@click.pass_context
def cli(ctx: click.Context, database: str | None) -> None:
    """g287: the open registry of the U.S. 287(g) program."""
    ctx.obj = Context(database)


for _module in pkgutil.iter_modules(__path__):
    if _module.name != "common":
        importlib.import_module(f"{__name__}.{_module.name}").register(cli)
accept_database_everywhere(cli)


def main() -> None:
    run_cli(cli)
