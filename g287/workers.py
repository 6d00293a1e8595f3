"""What every worker process of a pool shares."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def ignore_interrupts() -> None:
    """Ctrl+C reaches every process of the terminal's foreground group, and the command itself stops the pool and
    says so in one line; a worker that took it would print its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_worker(parent_pid: int) -> None:
    """A pool's initializer, given the pid of the process that starts the pool: interrupts ignored, and the worker
    ended with its parent."""
    ignore_interrupts()
    end_with_parent(parent_pid)


def end_with_parent(parent_pid: int) -> None:
    """On Linux, the kernel kills this worker when its parent dies. A command that ends normally or by Ctrl+C or
    SIGTERM stops its workers itself, but a SIGKILL (the out-of-memory killer, `kill -9`) cannot be caught: its
    worker read its file to the end, for minutes with a large PDF, holding memory and CPU for nobody. The signal
    is sent when the thread that started the worker ends, so workers are started by the thread that uses them
    (g287 starts them in the call that waits for their results). Elsewhere nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before prctl: the kernel sends nothing now
        os._exit(0)
