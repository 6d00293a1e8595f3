"""A worker process ends with the command that started it, even one killed with SIGKILL (which it cannot catch to
stop its workers): both kinds of worker, the document readers (spawned) and the ingest's reader (forked)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ICE, ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self").exists(), reason="processes are looked up in /proc (Linux)")

# Each parent starts a worker that would work for a minute and waits for it (the ingest's prints its pid).
DOCUMENT_READER = """
    import time
    from g287.documents.timed_workers import run_each

    run_each(time.sleep, [60], workers=1, seconds=120, overdue=lambda item: None, ended=lambda item, status: None)
"""

INGEST_READER = f"""
    import os, sys, time
    from pathlib import Path
    import g287.registry.batch as batch
    from g287.access import Actor
    from g287.db.engine import Database

    def reading_for_a_minute(path, options):
        print("PID", os.getpid(), flush=True)
        time.sleep(60)

    batch._prepare_in_worker = reading_for_a_minute  # forked: the worker has this module's function too
    batch.os.cpu_count = lambda: 2
    files = sorted(Path({str(ICE / "participating")!r}).glob("*.xlsx"))[:3]
    batch.ingest_many(Database("sqlite:///" + sys.argv[1]), files, Actor.command_line())
"""


def _state(pid: int) -> str | None:
    """The process's state letter, None when there is no such process (Z: ended, not yet waited for by init)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _worker_of(parent: subprocess.Popen, printed: bool) -> int:
    """The worker's pid: printed by it, or the child of the parent that is not multiprocessing's resource tracker."""
    if printed:
        line = parent.stdout.readline()
        assert line.startswith("PID "), line + parent.stderr.read()
        return int(line.split()[1])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = [pid for pid in _children(parent.pid) if "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")]
        if workers and _state(workers[0]) not in (None, "Z"):
            time.sleep(1.0)  # past its start-up, where it asks the kernel to end it with its parent
            return workers[0]
        time.sleep(0.1)
    raise AssertionError(f"no worker started: {parent.stderr.read() if parent.poll() is not None else 'the parent runs'}")


@pytest.mark.parametrize(("script", "printed"), [(DOCUMENT_READER, False), (INGEST_READER, True)], ids=["document reader (spawned)", "ingest reader (forked)"])
def test_a_worker_ends_when_its_command_is_killed(tmp_path, script, printed):
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), str(tmp_path / "g287.sqlite")],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    worker = None
    try:
        worker = _worker_of(parent, printed)
        assert _state(worker) not in (None, "Z")
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _state(worker) not in (None, "Z") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _state(worker) in (None, "Z"), f"worker {worker} still runs after its command was killed"
    finally:
        for pid in _children(parent.pid) | ({worker} if worker else set()):  # were the test to fail
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if parent.poll() is None:
            parent.kill()
            parent.wait()
