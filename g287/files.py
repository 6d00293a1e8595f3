"""Writing files whole or not at all, for every part of g287 that writes a file a user or the repository keeps."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from g287.errors import G287Error


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
