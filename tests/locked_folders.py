"""A folder that cannot be listed, for the tests of the commands that walk folders (as root, a folder's
permissions lock nobody out)."""

from __future__ import annotations

import os
from pathlib import Path


def lock_folders_named(monkeypatch, name: str) -> None:
    """os.scandir, as os.walk calls it, refuses every folder of this name, as it refuses one the user may not read."""
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def folders_not_entered(monkeypatch, name: str) -> None:
    """A folder of this name can be listed but not entered (read without execute permission): looking at a file in
    it (Path.is_file, a stat) is refused, as the system refuses it."""
    real_is_file = Path.is_file

    def is_file(self):
        if self.parent.name == name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_file(self)

    monkeypatch.setattr(Path, "is_file", is_file)
