"""The `g287` command: a thin layer over the service functions of the registry, history, geography, program
and document archive. Each concern adds its commands in its own module here."""

from __future__ import annotations

import click

from g287 import __version__
from g287.cli.common import Context, G287Group, run_cli

# The modules whose register() adds each command (`program`'s subcommands come from two): each is imported when its
# command runs. tests/test_cli_errors.py checks this table against what the modules register.
COMMAND_MODULES = {
    **dict.fromkeys(("ingest", "bootstrap"), ("g287.cli.ingest",)),
    **dict.fromkeys(("stats", "publications", "quality"), ("g287.cli.registry",)),
    **dict.fromkeys(("diff", "timeline", "pipeline", "agreements", "agency", "review", "alias"), ("g287.cli.history",)),
    **dict.fromkeys(("counties", "coverage", "map"), ("g287.cli.geo",)),
    **dict.fromkeys(("sync", "documents"), ("g287.cli.documents",)),
    "program": ("g287.cli.program", "g287.cli.program_training"),
    **dict.fromkeys(("user", "audit", "demo"), ("g287.cli.program_accounts",)),
    **dict.fromkeys(("serve", "factsheet"), ("g287.cli.web",)),
}


@click.group(cls=G287Group, command_modules=COMMAND_MODULES, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--database", metavar="URL|PATH", default=None, help="Database URL or SQLite file (default: $G287_DATABASE_URL, else the default SQLite file).")
@click.version_option(__version__, prog_name="g287")
@click.pass_context
def cli(ctx: click.Context, database: str | None) -> None:
    """g287: the open registry of the U.S. 287(g) program."""
    ctx.obj = Context(database)


def main() -> None:
    run_cli(cli)
