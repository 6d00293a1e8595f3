"""The files inside a folder named on the command line, for every command that takes folders (`g287 ingest`,
`g287 documents import`): one walk, so that both follow the same linked folders and say the same of a folder they
cannot list."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def files_in_folder(folder: Path, refused: Callable[[OSError], None]) -> list[Path]:
    """Every file under `folder`, recursively, in order of path. Linked folders are followed (a folder of lists or
    of downloads may link another), each real folder once: a link to a folder above it would otherwise be walked for
    ever. A folder that cannot be listed is passed to `refused` (os.walk, and Path.rglob, pass over it in silence:
    what it holds was skipped with nothing said). Links to nothing and other non-files are left out."""
    found: list[Path] = []
    seen = {os.path.realpath(folder)}
    for parent, folders, files in os.walk(folder, onerror=refused, followlinks=True):
        folders[:] = [name for name in sorted(folders) if _first_visit(seen, os.path.join(parent, name))]
        found.extend(Path(parent) / name for name in files)
    unentered: set[Path] = set()  # the folders whose files could not be looked at, each said once
    return [path for path in sorted(found) if _is_file(path, refused, unentered)]


def _is_file(path: Path, refused: Callable[[OSError], None], unentered: set[Path]) -> bool:
    """Whether the path is a file; a folder that can be listed but not entered (read without execute permission:
    os.walk lists it, and says nothing) raised PermissionError here, a traceback: it is passed to `refused`, once."""
    try:
        return path.is_file()
    except OSError as error:
        if path.parent not in unentered:
            unentered.add(path.parent)
            refused(OSError(error.errno, error.strerror, str(path.parent)))
        return False


def _first_visit(seen: set[str], folder: str) -> bool:
    real = os.path.realpath(folder)
    if real in seen:
        return False
    seen.add(real)
    return True
