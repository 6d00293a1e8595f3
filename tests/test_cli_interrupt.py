"""Ctrl+C and progress on the command line: an interrupted command ends in one line `g287: error: ...` (status
130), with no worker's traceback; a progress bar is drawn only on a terminal."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from g287.registry import batch
from g287.registry import ingest as ingest_module
from tests.conftest import ICE
from tests.in_process import run_g287

PENDING = [ICE / "pending" / "pendingAgencies05152025am.xlsx", ICE / "pending" / "pendingAgencies05302025pm.xlsx"]


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("G287_HOME", str(tmp_path))
    monkeypatch.delenv("G287_DATABASE_URL", raising=False)
    return str(tmp_path / "cli.sqlite")


def test_an_interrupted_ingest_is_one_line_and_keeps_the_files_before_it(database, monkeypatch):
    """click caught Ctrl+C itself: a blank line and "aborted" on stderr, not the one line every error gets."""
    calls = []

    def interrupt_the_second_file(step):
        if step == "quality":
            calls.append(step)
            if len(calls) == 2:
                raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "checkpoint", interrupt_the_second_file)
    status, out, err = run_g287(database, "ingest", *map(str, PENDING))
    assert status == 130 and out == ""
    assert err.splitlines() == ["g287: error: interrupted; the change in progress was rolled back (those finished before it are kept)"]
    monkeypatch.setattr(ingest_module, "checkpoint", lambda step: None)
    status, out, _ = run_g287(database, "publications", "--json")
    assert [p["file"] for p in json.loads(out)] == [PENDING[0].name]


def test_no_progress_bar_when_stderr_is_not_a_terminal(database):
    """Piped, the bar drew nothing but still left a blank line on stderr."""
    status, out, err = run_g287(database, "ingest", *map(str, PENDING))
    assert status == 0 and err == "" and out.count("ingested as publication") == 2


def _interrupt_handling(path, options):  # run in the ingest's worker process instead of reading the file
    return "error", (path.name, f"SIGINT {signal.getsignal(signal.SIGINT)!r}")


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the ingest reads in a worker process only with two cores or more")
def test_the_ingest_worker_leaves_ctrl_c_to_the_command(database, monkeypatch):
    """Ctrl+C reaches the whole process group: the worker printed a traceback of its own before the one line."""
    from g287.access import Actor
    from g287.db.engine import open_database

    monkeypatch.setattr(batch, "_prepare_in_worker", _interrupt_handling)
    files = sorted((ICE / "participating").glob("*.xlsx"))[:3]
    _results, errors = batch.ingest_many(open_database(database), files, Actor.command_line())
    assert [error.problem for error in errors] == [f"SIGINT {signal.SIG_IGN!r}"] * 3


def _interrupt_handling_of_a_reader(path):  # run in a reading worker (spawned) instead of reading the PDF
    return f"SIGINT {signal.getsignal(signal.SIGINT)!r}"


def test_the_pdf_readers_leave_ctrl_c_to_the_command(monkeypatch):
    from g287.documents import reading

    monkeypatch.setattr(reading, "_text_layer_or_error", _interrupt_handling_of_a_reader)
    assert reading.read_text_layers(["a.pdf", "b.pdf"], workers=2) == [f"SIGINT {signal.SIG_IGN!r}"] * 2


def test_ctrl_c_at_the_password_prompt_is_one_line(database, monkeypatch):
    """click.prompt turns Ctrl+C into click.Abort: that was "aborted" alone, not the one line every error gets."""
    import click

    from g287.cli import program_accounts

    def interrupted():
        raise click.Abort()

    monkeypatch.setattr(program_accounts, "_typed_password", interrupted)
    status, out, err = run_g287(database, "user", "add", "carol", "--role", "program_officer", "--prompt-password")
    assert (status, out, err) == (130, "", "g287: error: aborted\n")


def test_documents_import_of_several_files_shows_progress_on_a_terminal(database, monkeypatch):
    """`documents import` of a folder of PDFs read and stored them for minutes without a sign of progress."""
    import io

    from rich.console import Console

    from g287.cli import documents as documents_cli
    from tests.conftest import MOA_DIR

    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(Path(database).parent / "archive"))
    monkeypatch.setenv("G287_OCR", "off")
    terminal = io.StringIO()
    monkeypatch.setattr(documents_cli, "err_console", Console(file=terminal, force_terminal=True, width=100))
    pdfs = sorted(MOA_DIR.glob("*.pdf"))[:2]
    status, out, err = run_g287(database, "documents", "import", "--no-ocr", *map(str, pdfs))
    assert status == 0 and out.count("stored as") == 2, err
    assert "importing" in terminal.getvalue() and "2/2" in terminal.getvalue()


def test_ctrl_c_while_the_command_line_loads_is_one_line_too():
    """Ctrl+C in the first half second, while modules load, printed a traceback of whichever was loading."""
    import subprocess
    import sys

    code = (
        "import builtins, sys\n"
        "real = builtins.__import__\n"
        "def interrupted(name, *args, **kwargs):\n"
        "    if name == 'sqlalchemy':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = interrupted\n"
        "sys.argv = ['g287', 'stats']\n"
        "from g287.entry import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (130, "")
    assert done.stderr == "g287: error: interrupted while starting; nothing was changed\n"
