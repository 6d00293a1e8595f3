"""The time limit on reading a text layer (G287_TEXT_LAYER_TIMEOUT): pdfminer can take hours over a PDF made to stall
it; such a file is refused as a damaged one is, its worker process killed, and the other files of the batch read.

The slow PDF is real: one page of a thousand tiny text-show operators scattered over it, which pdfminer's layout
analysis takes half a minute or more to group (more on a busy machine), against a few milliseconds for the
one-line normal PDF. The limit is half a second: far from both, so the tests take about that long and time nothing finely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from g287.documents import reading, settings, timed_workers
from g287.documents.archive import Archive
from g287.documents.importer import import_paths
from g287.documents.pdftext import DocumentError, PageLayout
from g287.documents.reading import TextLayer, complete_reading, read_text_layers
from g287.documents.store import store_pdf
from tests.conftest import snapshot
from tests.documents.noting_reader import PIDS_FOLDER, noting_its_pid, slow_start
from tests.documents.pdfmaker import scattered_text_pdf, text_pdf
from tests.in_process import run_g287

LIMIT = "0.5"
TOO_SLOW = "too slow to read: its text layer was not read within 0.5 s (G287_TEXT_LAYER_TIMEOUT), far longer than any MOA takes; not read"

pytestmark = pytest.mark.skipif(not Path("/proc/self").exists(), reason="processes are looked up in /proc (Linux)")


def slow_pdf(folder: Path, name: str = "slow.pdf") -> Path:
    path = folder / name
    path.write_bytes(scattered_text_pdf())
    return path


def normal_pdf(folder: Path, name: str = "normal.pdf", words: bytes = b"Memorandum of Agreement") -> Path:
    path = folder / name
    path.write_bytes(text_pdf(words))
    return path


@pytest.fixture
def worker_pids(tmp_path, monkeypatch):
    """The pid of the worker that read each file (by name), noted by the worker; workers are spawned, so the
    patch reaches them as the function they are given to run, and the folder as an environment variable."""
    folder = tmp_path / "pids"
    folder.mkdir()
    monkeypatch.setenv(PIDS_FOLDER, str(folder))
    monkeypatch.setattr(reading, "_text_layer_or_error", noting_its_pid)
    return lambda: {p.name.split("-", 1)[1]: int(p.name.split("-", 1)[0]) for p in folder.iterdir()}


def children() -> set[int]:
    """The processes whose parent is this one, zombies (ended, never waited for) included."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(after_name[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


def resource_tracker() -> set[int]:
    """multiprocessing's own helper, started with the first spawned process and kept for the life of this one."""
    from multiprocessing import resource_tracker as tracker

    pid = tracker._resource_tracker._pid
    return {pid} if pid else set()


def assert_gone(pids) -> None:
    """No such process at all: neither running (an orphan), nor a zombie (a child never waited for)."""
    assert pids and [pid for pid in pids if Path(f"/proc/{pid}").exists()] == []


@pytest.mark.parametrize("workers", [1, 2])
def test_a_pdf_over_the_limit_is_that_file_s_error_and_the_others_are_read(tmp_path, monkeypatch, worker_pids, workers):
    monkeypatch.setenv("G287_TEXT_LAYER_TIMEOUT", LIMIT)
    before = children()
    paths = [slow_pdf(tmp_path), normal_pdf(tmp_path), normal_pdf(tmp_path, "second.pdf", b"Addendum")]
    layers = read_text_layers(paths, workers=workers)
    assert isinstance(layers[0], DocumentError) and str(layers[0]) == f"slow.pdf: {TOO_SLOW}"
    assert [type(layer) for layer in layers[1:]] == [TextLayer, TextLayer]
    assert [layer.layouts[0].fragments[0].text for layer in layers[1:]] == ["Memorandum of Agreement", "Addendum"]
    read_by = worker_pids()
    assert sorted(read_by) == ["normal.pdf", "second.pdf", "slow.pdf"]
    if workers == 1:  # the worker killed over slow.pdf, replaced for the files still waiting
        assert read_by["normal.pdf"] != read_by["slow.pdf"]
    assert_gone(read_by.values())
    assert children() - before - resource_tracker() == set()


def test_an_import_refuses_a_pdf_over_the_limit_in_one_line_and_keeps_the_others(sqlite_db, actor, tmp_path, monkeypatch):
    monkeypatch.setenv("G287_TEXT_LAYER_TIMEOUT", LIMIT)
    monkeypatch.setenv("G287_WORKERS", "2")
    folder = tmp_path / "folder"
    folder.mkdir()
    slow_pdf(folder)
    normal_pdf(folder)
    report = import_paths(sqlite_db, [str(folder)], actor)
    assert [(r.file, r.status, r.text_pages) for r in report.results] == [("normal.pdf", "stored", 1)]
    assert report.errors == [{"file": str(folder / "slow.pdf"), "error": f"slow.pdf: {TOO_SLOW}"}]
    assert len(Archive(settings.documents_dir()).listing()) == 1  # nothing kept of the slow file


def test_the_command_line_says_it_in_one_line_and_exits_1(sqlite_db, tmp_path, monkeypatch):
    monkeypatch.setenv("G287_TEXT_LAYER_TIMEOUT", LIMIT)
    folder = tmp_path / "folder"
    folder.mkdir()
    slow_pdf(folder)
    normal_pdf(folder)
    status, out, err = run_g287(sqlite_db.url, "documents", "import", str(folder))
    assert (status, err) == (1, f"g287: error: slow.pdf: {TOO_SLOW}\n")
    assert out.startswith("normal.pdf: stored as ")


def test_reading_a_stored_pdf_again_stops_at_the_limit_and_leaves_it_as_it_was(sqlite_db, actor, tmp_path, monkeypatch):
    """`g287 documents read` reads one file at a time (read_pdf), within the limit as well. The slow PDF is stored
    with a reading given (reading it here would take the time the limit saves)."""
    path = slow_pdf(tmp_path)
    stored = store_pdf(sqlite_db, path, actor, reading=complete_reading(path, TextLayer(path.name, 1, [PageLayout(1)]), ocr=False))
    before = snapshot(sqlite_db)
    monkeypatch.setenv("G287_TEXT_LAYER_TIMEOUT", LIMIT)
    status, out, err = run_g287(sqlite_db.url, "documents", "read", stored.sha256)
    assert (status, out, err) == (1, "", f"g287: error: {stored.sha256}.pdf: {TOO_SLOW}\n")  # the archive file's name
    assert snapshot(sqlite_db) == before


def test_a_worker_that_dies_costs_its_own_file_only(tmp_path, worker_pids):
    before = children()
    paths = [normal_pdf(tmp_path, "crash.pdf"), normal_pdf(tmp_path)]
    layers = read_text_layers(paths, workers=2)
    assert str(layers[0]) == "crash.pdf: could not be read (the process reading it ended with exit status 3)"
    assert isinstance(layers[1], TextLayer)
    assert_gone(worker_pids().values())
    assert children() - before - resource_tracker() == set()


def test_an_interrupted_reading_ends_every_worker_at_once(tmp_path, monkeypatch, worker_pids):
    """Ctrl+C while a worker reads a slow file (no limit near): the command ends now, and its workers with it."""
    real_wait = timed_workers.wait

    def interrupted_once_the_slow_file_is_being_read(connections, timeout):
        if "slow.pdf" in worker_pids():
            raise KeyboardInterrupt
        return real_wait(connections, 0.05)

    monkeypatch.setattr(timed_workers, "wait", interrupted_once_the_slow_file_is_being_read)
    before = children()
    with pytest.raises(KeyboardInterrupt):
        read_text_layers([slow_pdf(tmp_path), normal_pdf(tmp_path)], workers=2)
    assert_gone(worker_pids().values())
    assert children() - before - resource_tracker() == set()


def test_within_workers_kept_one_worker_reads_file_after_file_and_ends_with_the_scope(tmp_path, worker_pids):
    """`documents read` and the sync read one file at a time: in workers_kept() each read takes the worker the one
    before left idle (one start-up for all), and leaving the scope ends it; outside it, nothing is kept."""
    before = children()
    with timed_workers.workers_kept():
        first = read_text_layers([normal_pdf(tmp_path, "first.pdf")], workers=1)
        second = read_text_layers([normal_pdf(tmp_path, "second.pdf", b"Addendum")], workers=1)
        kept = children() - before - resource_tracker()
    assert [layer.layouts[0].fragments[0].text for layer in first + second] == ["Memorandum of Agreement", "Addendum"]
    read_by = worker_pids()
    assert read_by["first.pdf"] == read_by["second.pdf"] and kept == {read_by["first.pdf"]}
    assert_gone(read_by.values())
    assert children() - before - resource_tracker() == set()
    read_text_layers([normal_pdf(tmp_path, "third.pdf")], workers=1)  # outside the scope: its worker ends with it
    assert read_by["first.pdf"] != worker_pids()["third.pdf"]
    assert children() - before - resource_tracker() == set()


def test_within_workers_kept_a_worker_killed_over_a_slow_file_is_not_kept(tmp_path, monkeypatch, worker_pids):
    monkeypatch.setenv("G287_TEXT_LAYER_TIMEOUT", LIMIT)
    before = children()
    with timed_workers.workers_kept():
        slow = read_text_layers([slow_pdf(tmp_path)], workers=1)
        normal = read_text_layers([normal_pdf(tmp_path)], workers=1)
    assert str(slow[0]) == f"slow.pdf: {TOO_SLOW}" and isinstance(normal[0], TextLayer)
    read_by = worker_pids()
    assert read_by["slow.pdf"] != read_by["normal.pdf"]
    assert_gone(read_by.values())
    assert children() - before - resource_tracker() == set()


def test_documents_read_of_several_files_starts_one_worker(sqlite_db, actor, tmp_path, worker_pids):
    stored = [store_pdf(sqlite_db, normal_pdf(tmp_path, f"{n}.pdf", f"Page {n}".encode()), actor, ocr=False) for n in ("one", "two", "three")]
    reading_pids = set(worker_pids().values())  # the workers of the three imports (one each: no scope there)
    before = children()
    status, out, err = run_g287(sqlite_db.url, "documents", "read", "--no-ocr", *(s.sha256 for s in stored))
    assert (status, err) == (0, "") and out.count("1 with a text layer") == 3
    rereading_pids = set(worker_pids().values()) - reading_pids
    assert len(reading_pids) == 3 and len(rereading_pids) == 1
    assert_gone(rereading_pids)
    assert children() - before - resource_tracker() == set()


def test_a_worker_whose_pipe_is_closed_while_it_starts_ends_quietly(capfd):
    """The other workers may do every task before one has started; its pipe is then closed (run_each's end) before it
    says it is ready. It printed a BrokenPipeError traceback on the command's stderr (seen in `documents import` of
    three files with two workers)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    parent_end, child_end = context.Pipe()
    process = context.Process(target=timed_workers._serve, args=(child_end, len, slow_start, os.getpid()))
    process.start()
    child_end.close()
    parent_end.close()  # before the worker's preload has ended
    process.join(30)
    assert process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err
