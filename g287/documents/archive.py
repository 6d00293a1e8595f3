"""The archive on disk: files stored under their sha256, never overwritten.

Layout of the archive directory (G287_DOCUMENTS_DIR):

    sha256/ab/ab12…ef.pdf     one file per distinct content, read-only; the first two hex digits fan out folders
    partial/                  downloads in progress (resumed, or discarded, by the next sync), and downloads.lock,
                              held by the sync downloading (one at a time: see Archive.downloading)

A file enters the archive only complete and hashed: it is written to a temporary file in the archive directory
and renamed into place (atomic on one file system). A path already present is checked, never replaced.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from g287 import config
from g287.errors import G287Error

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION = re.compile(r"^\.[a-z0-9]{1,7}$")


class ArchiveError(G287Error):
    """The archive directory cannot be used, or holds a damaged file."""


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


@dataclass(frozen=True)
class Archive:
    root: Path

    def path_for(self, sha256: str, extension: str) -> Path:
        """Where a file with this content lives; refuses anything that is not a sha256 and a plain suffix, so a
        name from a request can never reach outside the archive."""
        sha256 = sha256.lower()
        if not _SHA256.match(sha256):
            raise ArchiveError(f"not a sha256: {sha256[:80]!r}")
        if not _EXTENSION.match(extension):
            raise ArchiveError(f"not a file suffix: {extension[:20]!r}")
        return self.root / "sha256" / sha256[:2] / f"{sha256}{extension}"

    @property
    def partial_dir(self) -> Path:
        return self.root / "partial"

    @contextmanager
    def downloading(self, on_wait=None):
        """The archive's downloads to this process alone, until the block ends: a download in progress is a file named
        by its address (partial/), so two syncs at once wrote the same file, and the one that finished first took it
        from the other ("partial/....part: No such file or directory"). A second sync waits for the first (it then
        asks ICE's server only for what changed, and two syncs never ask the same server at once); `on_wait` is
        called once if it has to. The lock is the operating system's (flock): a sync that ends in any way, killed too,
        releases it. Where there is none (not a POSIX system), no lock is taken."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            yield
            return
        try:
            config.make_folder(self.partial_dir)
            handle = open(self.partial_dir / "downloads.lock", "a+b")
        except OSError as error:
            raise ArchiveError(f"the archive directory {self.root} cannot be used ({error.strerror or error})") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def holds(self, sha256: str, extension: str) -> bool:
        return self.path_for(sha256, extension).is_file()

    def put(self, source: Path, sha256: str, extension: str) -> bool:
        """Copy a file into the archive under its hash. Returns True when the file is new to the archive (the caller
        removes it with `discard_new` if its transaction fails), False when the same content was already there."""
        target = self.path_for(sha256, extension)
        if target.exists():
            held, _size = sha256_of(target)
            if held != sha256:
                raise ArchiveError(f"the archive file {target} is damaged (its content no longer matches its name); restore it from a backup")
            return False
        try:
            config.make_folder(target.parent)
            handle, temporary = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
            try:
                with os.fdopen(handle, "wb") as out, open(source, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
                    out.flush()
                    os.fsync(out.fileno())
                if sha256_of(Path(temporary))[0] != sha256:
                    raise ArchiveError(f"{source.name} changed while it was being stored; nothing was kept")
                os.chmod(temporary, 0o444)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise ArchiveError(f"cannot write to the archive {self.root}: {error.strerror or error}") from None
        return True

    def discard_new(self, sha256: str, extension: str) -> None:
        """Remove a file that `put` added in a transaction that then failed, so the archive stays as it was."""
        target = self.path_for(sha256, extension)
        try:
            target.unlink(missing_ok=True)
            for folder in (target.parent, target.parent.parent):
                if folder.exists() and not any(folder.iterdir()):
                    folder.rmdir()
        except OSError:
            pass

    def listing(self) -> list[str]:
        """Every file of the archive (relative paths), for checking that a failed operation changed nothing."""
        if not self.root.exists():
            return []
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file() and "partial" not in p.relative_to(self.root).parts)
