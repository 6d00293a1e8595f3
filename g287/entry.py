"""The `g287` command's entry point: the command line is imported here, so that Ctrl+C while it loads (click, rich,
SQLAlchemy take a moment; the command's own module is imported later, inside the group, which turns an interruption
into the same line) ends in the one line any interruption gives, not in a traceback of whatever module was loading.
Nothing has changed yet then."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        # Said before the command line is imported (click, rich and SQLAlchemy took half a second or more for one
        # line), as click's version option says it; with other arguments, that option says it.
        from g287 import __version__

        sys.stdout.write(f"g287, version {__version__}\n")
        return
    try:
        from g287.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("g287: error: interrupted while starting; nothing was changed\n")
        raise SystemExit(130) from None
    run()
