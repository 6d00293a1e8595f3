"""The command line never shows a traceback: one line naming the problem, and exit status 1."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ICE

CASES = {
    "unwritable output file": (["factsheet", "-o", "/nonexistent-folder/f.pdf"], "/nonexistent-folder/f.pdf"),
    "a setting that is not a number": (["agreements", "--status", "ended"], "setting G287_END_AFTER='x': expected a number"),
    "a database g287 does not run on": (["--database", "mysql://x", "stats"], "unsupported database 'mysql'"),
    "a database in a folder that does not exist": (["--database", "/typo-folder/x.sqlite", "stats"], "the folder /typo-folder does not exist"),
    "a timeline of a state that does not exist": (["timeline", "--state", "ZZ"], "not a state's USPS code"),
    "several workers without a shared key": (["serve", "--workers", "2", "--port", "1"], "--workers above 1 needs G287_SECRET_KEY"),
    "an alias in a state that does not exist": (["alias", "add", "ZZ", "A Police Department", "same", "B Police Department", "--reason", "r"], "not a state's USPS code"),
    "a date that does not exist": (["diff", "2025-13-45", "2025-05-29"], "not a valid date"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_clear_line(tmp_path, case):
    arguments, expected = CASES[case]
    env = dict(os.environ, G287_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}", G287_ALIASES_FILE=str(tmp_path / "aliases.csv"))
    env.pop("G287_SECRET_KEY", None)
    if case == "a setting that is not a number":
        env["G287_END_AFTER"] = "x"
    if case in ("a timeline of a state that does not exist", "a date that does not exist"):
        subprocess.run([sys.executable, "-m", "g287", "ingest", str(ICE / "participating" / "participatingAgencies05292025am.xlsx")], env=env, check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-m", "g287", *arguments], env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("g287: error:") and expected in lines[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_documents_import_of_an_empty_folder(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    env = dict(os.environ, G287_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}")
    result = subprocess.run([sys.executable, "-m", "g287", "documents", "import", str(folder)], env=env, capture_output=True, text=True)
    assert result.returncode == 1 and "no files found" in result.stderr


def test_version_and_short_help():
    import tomllib

    from tests.conftest import ROOT

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    shown = subprocess.run([sys.executable, "-m", "g287", "--version"], capture_output=True, text=True)
    assert shown.returncode == 0 and shown.stdout.strip() == f"g287, version {version}"
    helped = subprocess.run([sys.executable, "-m", "g287", "-h"], capture_output=True, text=True)
    assert helped.returncode == 0 and "Usage: g287" in helped.stdout and "ingest" in helped.stdout
