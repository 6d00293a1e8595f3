"""Where uploaded signed MOAs are kept: content-addressed files (sha256) under G287_PROGRAM_FILES_DIR, never
overwritten. This is the only module that touches those files, so it can be switched to the shared document
archive (G287_DOCUMENTS_DIR) in one place.

A file is written before the database transaction that refers to it commits; if that transaction rolls back,
the file stays as an unreferenced copy, which is harmless (the same content always has the same name).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from g287 import config
from g287.errors import G287Error, NotFound
from g287.program import settings
from g287.wording import megabytes


class UploadRejected(G287Error):
    """An uploaded file that is not an acceptable PDF. `problem` says why; the file's own problems name the field
    that carries it, `pdf` (the API's 422 and the form name it; the command line names its --pdf and the file),
    while a refused request (no length declared, too large to read) names no field."""

    def __init__(self, problem: str, field: str | None = "pdf"):
        self.problem = problem
        self.fields = {field: problem} if field else {}
        super().__init__(f"{field}: {problem}" if field else problem)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size_bytes: int
    pages: int


def _path(sha256: str) -> Path:
    return settings.program_files_dir() / "signed-moas" / sha256[:2] / f"{sha256}.pdf"


def check_pdf(content: bytes | None) -> int:
    """The number of pages of an acceptable PDF; UploadRejected otherwise (none sent, too large, not a PDF,
    damaged, encrypted, no pages)."""
    limit = settings.max_upload_bytes()
    if content is None:
        raise UploadRejected("required: the signed MOA as a PDF file")
    if not content:
        raise UploadRejected("the file is empty")
    if len(content) > limit:
        raise UploadRejected(f"the file is {megabytes(len(content))}; the limit is {megabytes(limit)} (G287_MAX_UPLOAD_MB)")
    if not content[:1024].lstrip().startswith(b"%PDF-"):
        raise UploadRejected("the file is not a PDF")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise UploadRejected("the PDF is encrypted: upload an unencrypted copy of the signed MOA")
        pages = len(reader.pages)
    except UploadRejected:
        raise
    except Exception as error:  # pypdf raises many kinds (NotImplementedError for unsupported encryption...): all mean "unreadable"
        raise UploadRejected(f"the PDF cannot be read ({type(error).__name__}): upload the signed MOA again") from None
    if pages < 1:
        raise UploadRejected("the PDF has no pages")
    return pages


def store_signed_moa(content: bytes | None) -> StoredFile:
    """Check and keep a signed MOA PDF (None: none was sent); the same content is kept once."""
    pages = check_pdf(content)
    digest = hashlib.sha256(content).hexdigest()
    target = _path(digest)
    if not target.exists():
        config.make_folder(target.parent)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(content)
            temporary = Path(handle.name)
        os.replace(temporary, target)
    return StoredFile(digest, len(content), pages)


def read_signed_moa(sha256: str) -> bytes:
    path = _path(sha256)
    if not path.is_file():
        # Named by the setting, not the path: the message reaches the public (a signed MOA is public).
        raise NotFound(f"the signed MOA file {sha256[:12]}... is missing from the program's files (G287_PROGRAM_FILES_DIR, signed-moas/)")
    return path.read_bytes()
