"""Where an ingest's time goes: the steps of the writer and of the reading worker, on one time line.

Ingests every bundled publication into a fresh SQLite database, as bench/ingest.py does, and prints when each step
began and ended, in ms from the start of the ingest: in the writer (this process) the statements compiled, the
processors' reference data loaded (what the worker's pure work leaves to the writer), each file written; in the
worker, each file read. A step that waits for the other process shows as a gap. A diagnostic, not a measurement of the targets: the
timing of each step adds a little to it.
Run: .venv/bin/python -m bench.ingest_timeline
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from g287.access import Actor
from g287.config import BUNDLED_PUBLICATIONS_DIR
from g287.db.engine import Database
from g287.registry import batch

_START = [0.0]
_WRITER = os.getpid()
_STEPS: list[tuple[float, float, str, str]] = []


def _timed(function, step: str):
    def timed(*args, **kwargs):
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            ended = time.perf_counter()
            name = next((a.name if isinstance(a, Path) else a.path.name for a in args if isinstance(a, Path) or hasattr(a, "path")), "")
            line = (began - _START[0], ended - _START[0], step, name)
            if os.getpid() == _WRITER:
                _STEPS.append(line)
            else:  # the worker: its lines reach the terminal at once, the writer's are printed at the end
                print(f"worker  {line[0] * 1000:7.1f} -> {line[1] * 1000:7.1f}  {(line[1] - line[0]) * 1000:6.1f}  {step} {name}", file=sys.stderr, flush=True)

    return timed


def main() -> None:
    batch.prepare = _timed(batch.prepare, "read")
    batch.write_publication = _timed(batch.write_publication, "write")
    batch.warm_up_processors = _timed(batch.warm_up_processors, "processors warmed up")
    batch.compile_all = _timed(batch.compile_all, "statements compiled")
    ice = BUNDLED_PUBLICATIONS_DIR
    files = batch.sort_for_ingest(batch.expand_paths([str(ice / "participating"), str(ice / "pending")]))
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'timeline.sqlite'}")
        _START[0] = time.perf_counter()
        results, errors = batch.ingest_many(db, files, Actor.command_line())
        total = time.perf_counter() - _START[0]
        db.dispose()
    assert not errors and len(results) == len(files)
    for began, ended, step, name in _STEPS:
        print(f"writer  {began * 1000:7.1f} -> {ended * 1000:7.1f}  {(ended - began) * 1000:6.1f}  {step} {name}", file=sys.stderr)
    print(f"total {total * 1000:.0f} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
