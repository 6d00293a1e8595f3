"""The `g287` command's entry point: the command line is imported here, so that Ctrl+C while it loads (click, rich,
SQLAlchemy and every command's module take a moment) ends in the one line any interruption gives, not in a
traceback of whatever module was loading. Nothing has changed yet then."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from g287.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("g287: error: interrupted while starting; nothing was changed\n")
        raise SystemExit(130) from None
    run()
