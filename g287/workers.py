"""What every worker process of a pool shares."""

from __future__ import annotations

import signal


def ignore_interrupts() -> None:
    """A pool's initializer: Ctrl+C reaches every process of the terminal's foreground group, and the command
    itself stops the pool and says so in one line; a worker that took it would print its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
