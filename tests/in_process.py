"""Running `g287` in the test's own process, as the console command runs it (run_cli: exit status, one-line
errors), for tests that call it many times (a subprocess each would cost a second).

What the command takes from its process is the test's to give: settings with monkeypatch.setenv (g287 reads them
from os.environ when a command runs), standard input with `input`, a terminal's width with
monkeypatch.setattr(g287.cli.common.console, "width", N) (g287 reads COLUMNS once, at import). What only a real
process shows (a warning or a log line on stderr, output at exit, signals, a terminal) is not seen here: the tests
of the ingest, documents, program and geo commands keep runs of the real console command, and test_cli_interrupt.py,
test_concurrent_processes.py and web/test_serve.py run it for signals, concurrency and the server."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from unittest.mock import patch

from click.testing import CliRunner

from g287.cli import cli
from g287.cli.common import run_cli


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_g287(database: str | None, *arguments: str, input: str | None = None) -> tuple[int, str, str]:
    """`g287 --database DATABASE ARGUMENTS...`: (exit status, stdout, stderr). With `database` None, no --database is
    given (the setting G287_DATABASE_URL names the database, else the default). `input` is standard input, which is
    not a terminal."""
    runner = CliRunner()
    named = [] if database is None else ["--database", database]
    with runner.isolation(input=input) as (out, err, _), patch.object(sys, "argv", ["g287", *named, *arguments]):
        try:
            run_cli(cli)
            status = 0
        except SystemExit as exit_:
            status = exit_.code or 0
    return status, out.getvalue().decode(), err.getvalue().decode()
