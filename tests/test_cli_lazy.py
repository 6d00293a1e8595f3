"""A command imports its own module of g287.cli only (g287.cli.COMMAND_MODULES), not every other command's: the table
names every command each module adds, and help still lists them all."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import click

import g287.cli
from g287.cli import COMMAND_MODULES
from tests.in_process import run_g287


def _added_by(module: str) -> dict[str, click.Command]:
    group = click.Group()
    importlib.import_module(module).register(group)
    return group.commands


def test_the_table_names_every_command_each_module_adds():
    modules = [f"g287.cli.{found.name}" for found in pkgutil.iter_modules(g287.cli.__path__) if found.name != "common"]
    expected: dict[str, set[str]] = {}
    for module in modules:
        for name in _added_by(module):
            expected.setdefault(name, set()).add(module)
    assert {name: set(found) & set(modules) for name, found in COMMAND_MODULES.items()} == expected
    listed = {module for found in COMMAND_MODULES.values() for module in found}
    assert listed == set(modules)  # a module adding only subcommands (program_training) is listed with its group


def test_a_command_imports_its_own_module_only():
    code = (
        "import sys, click\n"
        "from g287.cli import cli\n"
        "assert cli.get_command(click.Context(cli), 'stats').name == 'stats'\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('g287.cli.') or m in ('argon2', 'jinja2', 'xlsxwriter'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["g287.cli.common", "g287.cli.registry"]  # not g287.cli.ingest, which imports the reader


def test_help_lists_every_command_and_each_runs():
    status, out, _ = run_g287(None, "-h")
    assert status == 0
    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMAND_MODULES)
    status, out, _ = run_g287(None, "program", "rules", "--json")
    assert status == 0 and out.lstrip().startswith("[")


def test_an_unknown_command_is_still_refused_with_click_s_usage():
    status, _, err = run_g287(None, "statz")
    assert status == 2 and "No such command 'statz'" in err


def test_version_alone_is_said_before_the_command_line_is_imported():
    """`g287 --version` took half a second or more importing click, rich and SQLAlchemy for one line; alone, it is
    said by the entry point, in click's words (test_cli_errors checks those words through the command line)."""
    code = (
        "import sys\n"
        "sys.argv = ['g287', '--version']\n"
        "from g287.entry import main\n"
        "main()\n"
        "print(sorted(m for m in ('click', 'rich', 'sqlalchemy', 'g287.cli') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    import g287

    assert out.splitlines() == [f"g287, version {g287.__version__}", "[]"]
    through_click = subprocess.run([sys.executable, "-m", "g287", "--database", "x.sqlite", "--version"], capture_output=True, text=True, check=True).stdout
    assert through_click.splitlines() == [f"g287, version {g287.__version__}"]
