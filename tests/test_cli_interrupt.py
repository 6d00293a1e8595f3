"""Ctrl+C, progress and the terminal on the command line: an interrupted command ends in one line `g287: error: ...`
(status 130), with no worker's traceback; a progress bar is drawn only on a terminal; tables fit the terminal."""

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


def _interrupt_at_file(monkeypatch, number: int) -> None:
    calls = []

    def interrupt(step):
        if step == "quality":
            calls.append(step)
            if len(calls) == number:
                raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "checkpoint", interrupt)


THREE = [*PENDING, ICE / "pending" / "pendingAgencies07032025pm.xlsx"]


def test_an_interrupted_ingest_is_one_line_and_keeps_the_files_before_it(database, monkeypatch):
    """click caught Ctrl+C itself: a blank line and "aborted" on stderr, not the one line every error gets. The
    files done before were listed only at the end, so an interrupted run did not say which it had kept."""
    _interrupt_at_file(monkeypatch, 3)
    status, out, err = run_g287(database, "ingest", *map(str, THREE))
    assert status == 130
    assert [line.split(":")[0] for line in out.splitlines()] == [str(PENDING[0]), str(PENDING[1])]  # as given
    assert "ingested as publication 1" in out and "ingested as publication 2" in out
    assert err.splitlines() == [f"g287: error: interrupted at file 3 of 3 ({THREE[2]}): nothing of it was written; the 2 files before it are done, as listed above"]
    monkeypatch.setattr(ingest_module, "checkpoint", lambda step: None)
    status, out, _ = run_g287(database, "publications", "--json")
    assert [p["file"] for p in json.loads(out)] == [PENDING[0].name, PENDING[1].name]


def test_an_ingest_interrupted_at_its_first_file_says_nothing_was_written(database, monkeypatch):
    _interrupt_at_file(monkeypatch, 1)
    status, out, err = run_g287(database, "ingest", *map(str, PENDING))
    assert (status, out) == (130, "")
    assert err.splitlines() == [f"g287: error: interrupted at file 1 of 2 ({PENDING[0]}): nothing of it was written"]


def test_an_interrupted_ingest_with_json_gives_the_files_done(database, monkeypatch):
    """With --json nothing was printed: the files kept were known only by asking `g287 publications`."""
    _interrupt_at_file(monkeypatch, 2)
    status, out, err = run_g287(database, "ingest", "--json", *map(str, THREE))
    answer = json.loads(out)
    assert status == 130 and answer["interrupted"] is True and answer["errors"] == []
    assert [(r["file"], r["status"]) for r in answer["results"]] == [(PENDING[0].name, "ingested")]
    assert err.splitlines() == [f"g287: error: interrupted at file 2 of 3 ({PENDING[1]}): nothing of it was written; the 1 file before it is done, as the JSON lists"]


def test_a_file_that_failed_before_the_interruption_counts_as_done(database, monkeypatch, tmp_path):
    broken = tmp_path / "pendingAgencies05012025am.xlsx"
    broken.write_bytes(b"not a workbook")
    _interrupt_at_file(monkeypatch, 2)
    status, out, err = run_g287(database, "ingest", str(broken), *map(str, PENDING))
    assert status == 130 and out.count("ingested as publication") == 1
    assert err.splitlines()[-1] == f"g287: error: interrupted at file 3 of 3 ({PENDING[1]}): nothing of it was written; the 2 files before it are done, as listed above"


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
    from tests.documents.pdfmaker import pages_pdf, stream

    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(Path(database).parent / "archive"))
    monkeypatch.setenv("G287_OCR", "off")
    monkeypatch.setenv("G287_WORKERS", "1")  # the bar is drawn by the command: no pool of readers to start for it
    terminal = io.StringIO()
    monkeypatch.setattr(documents_cli, "err_console", Console(file=terminal, force_terminal=True, width=100))
    # Two one-page PDFs of their own content (two MOAs took pdfminer seconds, for a bar that counts files)
    pdfs = [Path(database).parent / f"moa{number}.pdf" for number in (1, 2)]
    for number, pdf in enumerate(pdfs, start=1):
        pdf.write_bytes(pages_pdf([stream(b"BT /F1 12 Tf 72 700 Td (Memorandum of Agreement %d) Tj ET" % number)]))
    status, out, err = run_g287(database, "documents", "import", "--no-ocr", *map(str, pdfs))
    assert status == 0 and out.count("stored as") == 2, err
    assert "importing" in terminal.getvalue() and "2/2" in terminal.getvalue()


@pytest.mark.parametrize(
    ("loading", "arguments"),
    [("sqlalchemy", ["stats"]), ("g287.registry.batch", ["ingest", "x.xlsx"]), ("g287.registry.batch", ["-h"])],
    ids=["the command line", "the command's own module", "every module, for help"],
)
def test_ctrl_c_while_the_command_line_loads_is_one_line_too(loading, arguments):
    """Ctrl+C in the first half second, while modules load, printed a traceback of whichever was loading. A command's
    own module is imported when the command is named (g287.cli.COMMAND_MODULES): the same line then."""
    import subprocess
    import sys

    code = (
        "import builtins, sys\n"
        "real = builtins.__import__\n"
        "def interrupted(name, *args, **kwargs):\n"
        f"    if name == {loading!r}:\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = interrupted\n"
        f"sys.argv = ['g287', *{arguments!r}]\n"
        "from g287.entry import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (130, "")
    assert done.stderr == "g287: error: interrupted while starting; nothing was changed\n"


def test_with_a_progress_bar_each_files_line_still_goes_to_standard_output(database, monkeypatch):
    """The lines are printed while the bar is drawn (so that an interrupted run has said what it kept): with stdout
    redirected to a file, they must reach the file, not the terminal the bar is on."""
    import io

    from rich.console import Console

    from g287.cli import ingest as ingest_cli

    terminal = io.StringIO()
    monkeypatch.setattr(ingest_cli, "err_console", Console(file=terminal, force_terminal=True, width=100))
    status, out, err = run_g287(database, "ingest", *map(str, THREE))
    assert status == 0 and out.count("ingested as publication") == 3, (out, err)
    assert "ingesting" in terminal.getvalue() and "ingested as publication" not in terminal.getvalue()


def test_with_a_progress_bar_on_the_terminal_lines_are_printed_above_it(database, monkeypatch, tmp_path):
    """Printed past the bar's console, a line written while the bar is drawn lands inside the bar."""
    import io

    from rich.console import Console

    from g287.cli import ingest as ingest_cli

    terminal = io.StringIO()
    monkeypatch.setattr(ingest_cli, "err_console", Console(file=terminal, force_terminal=True, width=200))
    monkeypatch.setattr(ingest_cli, "_stdout_is_terminal", lambda: True)  # stdout: the same terminal
    broken = tmp_path / "pendingAgencies05012025am.xlsx"
    broken.write_bytes(b"not a workbook")
    status, out, err = run_g287(database, "ingest", str(broken), *map(str, PENDING))
    shown = terminal.getvalue()
    assert status == 1 and out == "" and err == "", (out, err)
    assert shown.count("ingested as publication") == 2 and f"g287: error: {broken}: " in shown


class _Stream:
    def __init__(self, terminal: bool):
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def test_tables_fit_a_narrow_terminal_and_stay_wide_in_a_file(monkeypatch):
    """Tables were drawn at least 100 columns wide: on an 80-column terminal every row wrapped onto two lines."""
    from g287.cli.common import _width

    monkeypatch.setenv("COLUMNS", "80")
    assert _width(_Stream(True)) == 80
    assert _width(_Stream(False)) == 100  # a file or a pipe: readable, whatever COLUMNS says
    monkeypatch.setenv("COLUMNS", "132")
    assert (_width(_Stream(True)), _width(_Stream(False))) == (132, 132)
    assert _width(None) == 132


def test_a_terminals_width_is_read_from_the_stream_the_table_goes_to(monkeypatch):
    """With stdout piped, the width was stdout's (none: 160 columns) for the progress bar drawn on stderr's terminal."""
    import fcntl
    import pty
    import shutil
    import struct
    import termios

    from g287.cli.common import _width

    monkeypatch.delenv("COLUMNS", raising=False)
    leader, follower = pty.openpty()
    try:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 72, 0, 0))
        with open(follower, "w", closefd=False) as terminal:
            assert _width(terminal) == 72
            # A terminal with no size yet (a new pty, `docker exec -t` before it is resized) says 0 columns: rich
            # then drew every table as nothing at all.
            fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
            assert _width(terminal) == shutil.get_terminal_size((160, 24)).columns > 0
    finally:
        os.close(leader)
        os.close(follower)


def test_on_an_80_column_terminal_tables_fold_values_rather_than_cut_them(database, monkeypatch):
    """On an 80-column terminal `g287 publications` showed "participat…" for each list's kind and file, and
    `g287 timeline` "2025-…" for every date: a value is folded onto further lines of its cell, never cut short."""
    from g287.cli.common import console

    participating = ICE / "participating"
    files = [participating / "participatingAgencies05292025am.xlsx", participating / "participatingAgencies07032025pm__v2.xlsx", PENDING[0]]
    assert run_g287(database, "ingest", *map(str, files))[0] == 0
    assert run_g287(database, "user", "add", "a-user-name-long-enough-to-be-folded", "--role", "program_officer")[0] == 0
    monkeypatch.setattr(console, "width", 80)
    for command in (["publications"], ["timeline", "--every", "publication"], ["quality", "--summary"], ["stats"], ["coverage"], ["counties", "list", "TX"], ["user", "list"]):
        status, out, err = run_g287(database, *command)
        assert status == 0 and err == "", (command, err)
        assert "…" not in out, (command, out)
        assert max(len(line) for line in out.splitlines() if line.startswith(("┃", "│"))) <= 80, command
