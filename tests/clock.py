"""Waiting for the clock in tests of what g287 stamps to the second (an Atom entry's `updated`, a PDF's creation
date): what happens after the wait must fall in a later second than what happened before it."""

from __future__ import annotations

import time


def sleep_into_next_second() -> None:
    """Sleep until the wall clock (time.time's, which datetime.now reads too) is past the next whole second: whatever
    was stamped before the call falls in this second or an earlier one, whatever is stamped after it in a later one.
    A fixed sleep of 1.1 s made sure of the same, in twice the time on average."""
    time.sleep(1 - time.time() % 1 + 0.01)  # the hundredth: past the boundary even with a clock read a little early
