"""Where uploaded signed MOAs are kept: content-addressed files (sha256) under G287_PROGRAM_FILES_DIR, never
overwritten. This is the only module that touches those files, so it can be switched to the shared document
archive (G287_DOCUMENTS_DIR) in one place.

A file is written before the database transaction that refers to it commits. If that transaction does not commit
(a conflict, a constraint, any error), the file this transaction wrote is removed once it has ended, unless a row
refers to it: content-addressed, one file may be the signed MOA of an earlier upload of the same bytes, which is
never removed. The check and the removal take the registry's turn (as recording a signed MOA does), so an upload of
the same bytes at the same moment either commits before the check (the file is kept) or writes the file again after.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from g287 import config
from g287.db.models.program import ProgramMoa
from g287.errors import G287Error, NotFound
from g287.program import settings
from g287.registry.ingest import take_registry_turn
from g287.wording import megabytes

WRITTEN = "g287.program.storage.written"  # session.info: the files the session's open transaction wrote
log = logging.getLogger("g287.program")


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


def store_signed_moa(content: bytes | None, session: Session | None = None) -> StoredFile:
    """Check and keep a signed MOA PDF (None: none was sent); the same content is kept once. `session`: the
    transaction that will refer to the file; a file written here is removed if it does not commit (see above)."""
    pages = check_pdf(content)
    digest = hashlib.sha256(content).hexdigest()
    target = _path(digest)
    if not target.exists():
        config.make_folder(target.parent)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(content)
            temporary = Path(handle.name)
        os.replace(temporary, target)
        if session is not None:
            _remove_unless_committed(session, digest)
    return StoredFile(digest, len(content), pages)


def _remove_unless_committed(session: Session, sha256: str) -> None:
    written = session.info.get(WRITTEN)
    if written is None:  # listened to once per session: its later transactions use the same set
        written = session.info[WRITTEN] = set()
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_transaction_end", _ended)
    written.add(sha256)


def _committed(session: Session) -> None:
    # A savepoint's commit (after_commit fires for it too, the savepoint still open) commits nothing yet.
    if not session.in_nested_transaction():
        session.info[WRITTEN].clear()


def _ended(session: Session, transaction: SessionTransaction) -> None:
    """After the session's outermost transaction ended, committed (nothing is left to remove) or not."""
    written = session.info[WRITTEN]
    if transaction.parent is not None or not written:
        return
    digests = set(written)
    written.clear()
    bind = session.get_bind()
    _remove_unreferenced(bind.engine if isinstance(bind, Connection) else bind, digests)


def _remove_unreferenced(bind, digests: set[str]) -> None:
    """Remove the signed MOA files of `digests` that no MOA refers to, in a transaction of its own (the one that
    wrote them has ended). A failure here is logged, never raised: it would hide the error that rolled the
    transaction back, and a file left over is harmless (the same content always has the same name)."""
    try:
        with Session(bind=bind) as check, check.begin():
            take_registry_turn(check)  # an upload of the same bytes commits before this check, or writes after it
            referenced = set(check.scalars(select(ProgramMoa.signed_pdf_sha256).where(ProgramMoa.signed_pdf_sha256.in_(sorted(digests)))))
            for digest in sorted(digests - referenced):
                _path(digest).unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - see above: logged, the transaction's own error goes on
        log.warning("could not remove the signed MOA files of a transaction that did not commit: %s", ", ".join(sorted(digests)), exc_info=True)


def read_signed_moa(sha256: str) -> bytes:
    path = _path(sha256)
    if not path.is_file():
        # Named by the setting, not the path: the message reaches the public (a signed MOA is public).
        raise NotFound(f"the signed MOA file {sha256[:12]}... is missing from the program's files (G287_PROGRAM_FILES_DIR, signed-moas/)")
    return path.read_bytes()
