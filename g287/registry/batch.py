"""Ingesting many files: the batch behind `g287 ingest PATH...`, the bundled publications and the benchmarks.

Files go in publication order, each in its own transaction (g287.registry.ingest.write_publication). With several
files and more than one core, a worker process reads and interprets the next files while this process writes the
current one: reading is pure, and only this process touches the database.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import re
from collections import deque
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from g287.access import Actor, authorize
from g287.config import check_reading_settings
from g287.db.engine import Database
from g287.db.models.registry import Publication
from g287.db.plain import compile_all
from g287.errors import Busy, G287Error, SourceError
from g287.folders import files_in_folder
from g287.registry.handoff import Receiver, Sender
from g287.registry.ingest import (
    CommittedIds, IngestResult, already_ingested, file_digest, kind_and_date, prepare, publication_holding, registry_change, unchanged_result, write_publication,
)
from g287.registry.processors import warm_up as warm_up_processors
from g287.sources.filename import parse_file_name
from g287.workers import start_worker


def ingest_many(
    db: Database, paths: list[Path], actor: Actor, on_result=None, on_error=None, read_first: list | None = None, **options
) -> tuple[list[IngestResult], list[G287Error]]:
    """Ingest files in publication order (so that runs are appended, not split); each file is its own transaction.

    With several files and more than one core, a worker process reads and interprets the next files while
    this process writes the current one (reading is pure; only this process touches the database). `read_first`: the
    outcomes of read_before_the_database() for the first files of that order, taken over rather than read again."""
    authorize(actor, "publication.ingest")
    check_reading_settings()  # a bad setting is one error for the batch, not the same error for every file
    results, errors = [], []

    def finish(path: Path, outcome) -> None:
        if isinstance(outcome, G287Error):
            errors.append(outcome)
            if on_error:
                on_error(path, outcome)
            return
        results.append(outcome)
        if on_result:
            on_result(path, outcome)

    known = CommittedIds()
    with _full_collections_paused():
        for index, (path, prepared) in enumerate(_prepared_in_order(db, sort_for_ingest(paths), options, read_first or []), start=1):
            if isinstance(prepared, (G287Error, IngestResult)):
                finish(path, prepared)
                continue
            try:
                with registry_change(db) as session:
                    existing = already_ingested(session, prepared.sha256, prepared.published_on, prepared.half, kind=prepared.kind, origin=prepared.origin)
                    outcome = unchanged_result(path, existing) if existing is not None else write_publication(session, prepared, actor, known)
                known.committed()
            except Busy:
                raise  # the database's, not the file's: the files after it would wait for the same process
            except G287Error as error:
                known.rolled_back()
                outcome = error
            finish(path, outcome)
            if index % _FILES_BETWEEN_COLLECTIONS == 0:
                gc.collect(1)  # the young generations only (a file leaves a few hundred objects in cycles)
    return results, errors


_FILES_BETWEEN_COLLECTIONS = 32


@contextmanager
def _full_collections_paused():
    """Automatic garbage collection off for a batch of files, restored after it.

    Python's full collections walk every object of the process (the interpretation cache, the reference data,
    SQLAlchemy's metadata): during a batch they took a fifth of the ingest time, while reading and writing make
    almost no reference cycles (their garbage is freed by reference counting). The caller collects the young
    generations every few dozen files; anything older waits for the next automatic collection after the batch."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _prepare_outcome(path: Path, options: dict):
    """prepare(), with its error returned rather than raised (exceptions do not all survive pickling)."""
    try:
        return "ok", prepare(path, **options)
    except SourceError as error:
        return "error", (error.path, error.problem)
    except G287Error as error:
        return "error", (path.name, str(error))


_sender: Sender | None = None  # in the worker process: the readings sent to the writer so far


def _prepare_in_worker(path: Path, options: dict):
    """_prepare_outcome() in the worker process, packed for the writer (see handoff.py)."""
    global _sender
    if _sender is None:
        _sender = Sender()
    status, value = _prepare_outcome(path, options)
    return (status, _sender.pack(value)) if status == "ok" else (status, value)


def _prepared_in_order(db: Database, paths: list[Path], options: dict, read_first: list):
    """(path, PreparedPublication | IngestResult for a file held already | G287Error), in the given order.

    With more than two files and more than one core, a worker process reads the files while the caller writes
    the one before; each file is checked against the database (same sha256, same day) just before it is handed to the
    worker. The first files' outcomes are `read_first`'s when the caller read them already (a file read is checked
    against the database when it is written)."""
    todo = ((Path(path), None, read_first[index]) if index < len(read_first) else _to_prepare(db, Path(path), options) for index, path in enumerate(paths))
    use_worker = len(paths) > 2 and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()
    if not use_worker:
        for path, file_options, done in todo:
            if done is not None:
                yield path, done
                continue
            status, value = _prepare_outcome(path, file_options)
            yield path, value if status == "ok" else SourceError(*value)
        return
    received = Receiver()
    finish_workers()  # an earlier batch's worker, long gone by now: the list of pools left to exit stays short
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=start_worker, initargs=(os.getpid(),))
    try:
        ahead = deque()  # (path, future or the outcome of a file that needs no reading)

        def fill() -> None:  # keep a few files in the worker's hands, not the whole folder
            while sum(1 for _p, f in ahead if hasattr(f, "result")) < _READ_AHEAD:
                item = next(todo, None)
                if item is None:
                    return
                path, file_options, done = item
                ahead.append((path, done if done is not None else pool.submit(_prepare_in_worker, path, file_options)))

        # The worker reads every file, the first included, and does the processors' pure work on them (county
        # matching: see processors.precompute); meanwhile the writer compiles its statements and loads what the
        # processors need for the rest of their work. The county reference data is left to the worker: the writer
        # loads it only for a row the worker's pure work did not cover. (Writing is the longer part of an ingest:
        # whatever the writer leaves to the worker shortens the whole.)
        fill()
        compile_all(db.engine.dialect)
        warm_up_processors(pure_work_done_elsewhere=True)
        while ahead:
            path, pending = ahead.popleft()
            fill()
            if not hasattr(pending, "result"):
                yield path, pending
                continue
            status, value = pending.result()
            yield path, received.unpack(value) if status == "ok" else SourceError(*value)
    finally:
        # When the last file has been handed over the worker has nothing left to do and exits on its own; waiting
        # for it here would add its shutdown to the ingest. (Files not handed over, after an error, are cancelled.)
        # (shutdown forgets the pool's management thread: it is kept here for finish_workers.)
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        if manager is not None:
            _left_to_exit.append(manager)


# The management threads of pools shut down without waiting (above): each pool's worker exits on its own once its
# last file is handed over, and then its thread ends.
_left_to_exit: list = []


def finish_workers() -> None:
    """Wait until the reading workers of finished batches have exited. A command that ends right after a batch
    calls this: on Python 3.11, the interpreter's exit wakes each pool's management thread while that thread may be
    closing its wake-up pipe, and then prints "Exception ignored ... OSError: [Errno 9] Bad file descriptor" and a
    traceback after a successful run (seen on PostgreSQL, where the last commit ends closer to the worker's exit).
    The batch itself does not wait: its files are written by then."""
    while _left_to_exit:
        _left_to_exit.pop().join()


# Files the worker may have read ahead of the writer: enough that it keeps reading while the writer takes its time
# over a file whose every row is new, few enough that a folder of publications is not held in memory at once.
_READ_AHEAD = 4


def read_before_the_database(paths: list[Path], options: dict):
    """(path, PreparedPublication | G287Error) for the files in the batch's order (sort_for_ingest), up to the first
    that can be ingested, read without touching any database: the command line reads them before it makes a new
    SQLite database, so that files none of which can be ingested make none. ingest_many(read_first=...) takes the
    outcomes over."""
    for path in sort_for_ingest(paths):
        status, value = _prepare_outcome(Path(path), options)
        yield Path(path), (value if status == "ok" else SourceError(*value))
        if status == "ok":
            return


def _to_prepare(db: Database, path: Path, options: dict) -> tuple[Path, dict | None, G287Error | IngestResult | None]:
    """(path, the options to prepare it with, its digest included; or None and the outcome when the file needs no
    reading: an error reading it, or a publication holding it already)."""
    try:
        # Refused even for a file held already (see ingest_file); and the day the file is held under.
        kind, published_on, half = kind_and_date(path, options.get("kind"), options.get("published"))
        digest = file_digest(path)
    except G287Error as error:
        return path, None, error
    with db.engine.connect() as conn:  # most files are new: no session, no ORM object, for a file that is not held
        held = publication_holding(conn, digest[0], published_on, half, kind=kind, origin=options.get("origin", "ice"))
    if held is not None:
        with db.session() as session:
            return path, None, unchanged_result(path, session.get(Publication, held))
    return path, dict(options, digest=digest), None


def sort_for_ingest(paths: list[Path]) -> list[Path]:
    """Publication order: by the date and half the names give; names of one half-day by name, a browser's copy
    ("participatingAgencies05292025am (1).xlsx", its second download) after its original, and "(2)" after "(1)" and
    before "(10)". (By the whole name, " (1)" sorted before ".xlsx": the copy was ingested first, and a later list of
    the same half-day is the one ingested later.) The sort is stable: files of one name keep the order given."""

    def key(path: Path):
        named = parse_file_name(path.stem)
        copy = _BROWSER_COPY.match(path.stem)
        original, number = (copy["original"], int(copy["number"])) if copy else (path.stem, 0)
        return (named.published_on or dt.date.max, 0 if named.half != "pm" else 1, original, number, path.stem, path.suffix)

    return sorted(paths, key=key)


# How browsers name a second download of a file (Chrome, Edge: "name (1).xlsx"; Firefox: "name(1).xlsx").
_BROWSER_COPY = re.compile(r"^(?P<original>.+?)\s*\((?P<number>[0-9]+)\)$")


# In a folder, only what ICE publishes and exports are publications: a README.txt beside them is not one (a named
# file may be any format the readers take, SUFFIXES).
FOLDER_SUFFIXES = (".xlsx", ".csv")


def expand_paths(arguments: list[str], unreadable: list[SourceError] | None = None) -> list[Path]:
    """Files named, and the publications inside folders named (recursively). A folder that cannot be listed is
    added to `unreadable` (as an error naming it) when the caller passes a list, so that it is never skipped in
    silence; otherwise the error is raised."""
    found: list[Path] = []

    def refused(error: OSError) -> None:
        problem = SourceError(error.filename or "a folder", f"the folder cannot be read ({error.strerror or error})")
        if unreadable is None:
            raise problem
        unreadable.append(problem)

    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found.extend(p for p in files_in_folder(path, refused) if p.name.lower().endswith(FOLDER_SUFFIXES) and not p.name.startswith((".", "~$")))
        else:
            found.append(path)
    return found
