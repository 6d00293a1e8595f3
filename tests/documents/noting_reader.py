"""What a reading worker runs in the tests of the time limit (tests/documents/test_reading_time_limit.py), instead of
reading._text_layer_or_error, and a slow preload: a module of its own, so that a worker imports this and the reader,
not the test module (and the database models, the importer and the test fixtures it imports, which took a worker
about a second to start)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from g287.documents import reading

PIDS_FOLDER = "TEST_READER_PIDS_FOLDER"  # where each worker notes its pid (a test's variable, not a setting)


def noting_its_pid(path: str):
    """Notes the worker's pid and the file it reads (`PID-NAME`, an empty file), then reads it; a file named
    crash.pdf ends the worker instead (as a crash of a C extension, or the kernel's OOM killer, would)."""
    (Path(os.environ[PIDS_FOLDER]) / f"{os.getpid()}-{Path(path).name}").touch()
    if Path(path).name == "crash.pdf":
        os._exit(3)
    return reading._text_layer_or_error(path)


def slow_start() -> None:
    """A worker's preload that is still running when the parent closes the worker's pipe."""
    time.sleep(0.5)
