"""Running `g287` in the test's own process, as the console command runs it (run_cli: exit status, one-line
errors), for tests that call it many times (a subprocess each would cost a second)."""

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


def run_g287(database: str, *arguments: str) -> tuple[int, str, str]:
    """`g287 --database DATABASE ARGUMENTS...`: (exit status, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _), patch.object(sys, "argv", ["g287", "--database", database, *arguments]):
        try:
            run_cli(cli)
            status = 0
        except SystemExit as exit_:
            status = exit_.code or 0
    return status, out.getvalue().decode(), err.getvalue().decode()
