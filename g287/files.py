"""Writing files whole or not at all, for every part of g287 that writes a file a user or the repository keeps."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from g287.errors import G287Error


def check_writable(path: Path) -> None:
    """G287Error, as write_atomically words it, when `path` cannot be written because of its folder (none, not a
    folder, or not writable): checked before the work whose result it is to hold (and before a command opens the
    database). What only writing tells (a full disk) is still write_atomically's to say."""
    folder = Path(path).resolve().parent
    problem = None if folder.is_dir() else errno.ENOTDIR if folder.exists() else errno.ENOENT
    if problem is None and not os.access(folder, os.W_OK | os.X_OK):
        problem = errno.EACCES
    if problem is not None:
        raise G287Error(f"{path}: cannot be written ({os.strerror(problem)})")


def write_atomically(path: Path, data: bytes) -> None:
    """Write the whole file or nothing (a temporary file in the same folder, then renamed over the target)."""
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=".g287-", dir=Path(path).resolve().parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file (mkstemp makes it private)
        os.replace(temporary, path)
    except OSError as error:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise G287Error(f"{path}: cannot be written ({error.strerror or error})") from None
