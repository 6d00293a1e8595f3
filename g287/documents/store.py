"""Storing documents: the services that add a file to the archive, link it, and read it again.

Each is one transaction with its access check and audit event. A PDF is read completely (and refused with one
clear message if it cannot be) before anything changes; the file enters the archive inside the transaction and
is removed again if the transaction fails, so a failure leaves the archive and the database as they were.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from g287 import audit
from g287.access import Actor, authorize
from g287.db.dialect import PAGE_SEPARATOR, fulltext_add_documents, fulltext_remove_documents, take_turns
from g287.db.engine import Database
from g287.db.models.documents import Document, DocumentAddress, DocumentFact, DocumentOrigin, DocumentPage
from g287.documents import checks, settings
from g287.documents.archive import Archive, sha256_of
from g287.documents.extract import extract
from g287.documents.pdftext import DocumentError
from g287.documents.reading import DocumentReading, ReadPage, fragments_of_blob, read_pdf
from g287.documents.workbook_copy import write_publishable_copy
from g287.errors import NotFound
from g287.wording import counted, quoted

MEDIA_TYPES = {".pdf": "application/pdf", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".html": "text/html"}


def archive_for(db: Database) -> Archive:
    return Archive(settings.documents_dir(db.url))


@dataclass
class StoreResult:
    file: str
    status: str  # stored | held (the same content was already in the archive)
    document_id: int
    sha256: str
    pages: int | None = None
    text_pages: int | None = None
    ocr_pages: int | None = None
    unread_pages: int | None = None
    addresses: list[str] = field(default_factory=list)  # addresses now linked to the document
    notes: list[str] = field(default_factory=list)


def store_pdf(
    db: Database,
    path: Path,
    actor: Actor,
    *,
    address_ids: list[int] = (),
    via: str = "import",
    file_name: str | None = None,
    reading: DocumentReading | None = None,
    ocr: bool | None = None,
) -> StoreResult:
    """Keep a PDF (read, extracted, archived, linked to the addresses given); the same content again only adds links."""
    authorize(actor, "documents.add")
    path = Path(path)
    file_name = file_name or path.name
    sha256, size = _digest(path)
    archive = archive_for(db)
    with _content_session(db, sha256) as session:
        held = session.scalars(select(Document).where(Document.sha256 == sha256)).first()
        if held is not None:
            return _link_held(session, held, actor, list(address_ids), via, file_name, path, archive)
    reading = reading or read_pdf(path, ocr=ocr)
    facts = extract(reading.pages)
    now = dt.datetime.now(dt.timezone.utc)
    document = Document(
        sha256=sha256, size_bytes=size, kind="pdf", extension=".pdf", media_type=MEDIA_TYPES[".pdf"], file_name=file_name[:255],
        page_count=reading.page_count, text_pages=reading.text_pages, ocr_pages=reading.ocr_pages, unread_pages=reading.unread_pages,
        reader=reading.reader[:128], stored_at=now, read_at=now,
    )

    def with_pages(session: Session, document: Document) -> None:
        _write_pages(session, document.id, reading.pages, facts)

    def checked(session: Session, document: Document) -> None:
        checks.check_rows(session.connection(), checks.rows_linking_documents(session.connection(), [document.id]))

    stored = _store_new(
        db, document, path, file_name, actor, archive, list(address_ids), via, before_link=with_pages, after_archive=checked,
        audit_after={"pages": reading.page_count, "ocr_pages": reading.ocr_pages},
    )
    if stored.status == "stored":
        stored = dataclasses.replace(stored, pages=reading.page_count, text_pages=reading.text_pages, ocr_pages=reading.ocr_pages, unread_pages=reading.unread_pages, notes=_notes(reading))
    return stored


def store_file(db: Database, path: Path, actor: Actor, *, kind: str, extension: str, address_ids: list[int] = (), via: str = "sync", file_name: str | None = None, publication_id: int | None = None) -> StoreResult:
    """Keep a file that is not read page by page (ICE's workbooks, ICE's page): archived and linked only. A workbook
    is kept as its publishable copy (g287.documents.workbook_copy): without the names of the people who saved it."""
    authorize(actor, "documents.add")
    path = Path(path)
    file_name = file_name or path.name
    if kind != "workbook":
        return _store_plain_file(db, path, actor, kind, extension, list(address_ids), via, file_name, publication_id)
    with tempfile.TemporaryDirectory(prefix="g287-workbook-") as folder:
        copy = Path(folder) / "copy.xlsx"
        write_publishable_copy(path, copy)
        return _store_plain_file(db, copy, actor, kind, extension, list(address_ids), via, file_name, publication_id)


def _store_plain_file(db: Database, path: Path, actor: Actor, kind: str, extension: str, address_ids: list[int], via: str, file_name: str, publication_id: int | None) -> StoreResult:
    sha256, size = _digest(path)
    archive = archive_for(db)
    document = Document(
        sha256=sha256, size_bytes=size, kind=kind, extension=extension, media_type=MEDIA_TYPES.get(extension, "application/octet-stream"),
        file_name=file_name[:255], publication_id=publication_id, stored_at=dt.datetime.now(dt.timezone.utc),
    )
    return _store_new(db, document, path, file_name, actor, archive, address_ids, via, audit_after={"kind": kind})


def _store_new(
    db: Database, document: Document, path: Path, file_name: str, actor: Actor, archive: Archive, address_ids: list[int], via: str, *,
    before_link=None, after_archive=None, audit_after: dict,
) -> StoreResult:
    """Keep a new document (not yet flushed) in one transaction: its row, what `before_link` adds, its links, its
    archive file, what `after_archive` checks, its audit event; or, when its content is held already (stored
    meanwhile by another process), only the links. A failure takes the new archive file away with the rows."""
    added_file = False
    try:
        with _content_session(db, document.sha256) as session:
            held = session.scalars(select(Document).where(Document.sha256 == document.sha256)).first()
            if held is not None:
                if document.publication_id and held.publication_id is None:
                    held.publication_id = document.publication_id
                return _link_held(session, held, actor, address_ids, via, file_name, path, archive)
            session.add(document)
            session.flush()
            if before_link:
                before_link(session, document)
            urls = _link(session, document.id, address_ids, via, file_name, document.stored_at)
            added_file = archive.put(path, document.sha256, document.extension)
            if after_archive:
                after_archive(session, document)
            audit.record(
                session, actor, "document.store", "document", document.id,
                after={"sha256": document.sha256, "file": file_name, **audit_after, "addresses": urls},
            )
            session.flush()
            return StoreResult(file_name, "stored", document.id, document.sha256, addresses=urls)
    except BaseException:
        if added_file:
            archive.discard_new(document.sha256, document.extension)
        raise


@contextmanager
def _content_session(db: Database, sha256: str) -> Iterator[Session]:
    """A writing session that stores or links the document of this content. On PostgreSQL it first waits for any
    other doing so (on SQLite every writing session does): two imports of one file at once both found it new, and the
    second failed on the unique index of the documents' sha256, ending its command."""
    with db.session(writing=True) as session:
        take_turns(session.connection(), f"document {sha256}")
        yield session


def reread(db: Database, sha256: str, actor: Actor, *, ocr: bool | None = None, only_pages: set[int] | None = None, reading: DocumentReading | None = None) -> StoreResult:
    """Read a stored PDF again (e.g. with OCR after a sync without it, or with improved rules): its pages and
    facts are replaced, and the listings that link it are checked again. `reading` is a reading of the same file
    made elsewhere (e.g. OCR done in parallel), used instead of reading it here."""
    authorize(actor, "documents.reread")
    settings.check_reading_settings()
    with db.session() as session:
        document = document_by_sha(session, sha256)
        if document.kind != "pdf":
            raise DocumentError(document.file_name, "only PDFs are read; this is a " + document.kind)
        path = archive_for(db).path_for(document.sha256, document.extension)
        document_id = document.id
    if not path.is_file():
        raise NotFound(f"the archive file of {sha256[:12]} is missing: {path}")
    reading = reading or read_pdf(path, ocr=ocr, only_pages=only_pages)
    reading = _keep_earlier_ocr(db, document_id, reading)
    facts = extract(reading.pages)
    with db.session(writing=True) as session:
        document = session.get(Document, document_id)
        before = {"text_pages": document.text_pages, "ocr_pages": document.ocr_pages, "unread_pages": document.unread_pages}
        old_text = indexed_text(session.scalars(select(DocumentPage.text).where(DocumentPage.document_id == document_id).order_by(DocumentPage.page_number)))
        fulltext_remove_documents(session.connection(), {document_id: old_text})
        session.execute(delete(DocumentPage).where(DocumentPage.document_id == document_id))
        session.execute(delete(DocumentFact).where(DocumentFact.document_id == document_id))
        _write_pages(session, document_id, reading.pages, facts)
        document.text_pages, document.ocr_pages, document.unread_pages = reading.text_pages, reading.ocr_pages, reading.unread_pages
        document.reader, document.read_at = reading.reader[:128], dt.datetime.now(dt.timezone.utc)
        checks.check_rows(session.connection(), checks.rows_linking_documents(session.connection(), [document_id]))
        after = {"text_pages": reading.text_pages, "ocr_pages": reading.ocr_pages, "unread_pages": reading.unread_pages}
        audit.record(session, actor, "document.reread", "document", document_id, before=before, after=after)
        return StoreResult(document.file_name, "reread", document_id, document.sha256, reading.page_count, reading.text_pages, reading.ocr_pages, reading.unread_pages, notes=_notes(reading))


def recheck(db: Database, actor: Actor, sha256: str | None = None) -> int:
    """Extract facts again from the stored pages (no reading) and re-check the listings; for rule changes."""
    authorize(actor, "documents.reread")
    with db.session(writing=True) as session:
        query = select(Document).where(Document.kind == "pdf")
        if sha256:
            query = query.where(Document.id == document_by_sha(session, sha256).id)
        documents = session.scalars(query).all()
        for document in documents:
            pages = [
                ReadPage(p.page_number, p.source, fragments_of_blob(p.layout), p.ocr_confidence)
                for p in session.scalars(select(DocumentPage).where(DocumentPage.document_id == document.id).order_by(DocumentPage.page_number))
            ]
            session.execute(delete(DocumentFact).where(DocumentFact.document_id == document.id))
            session.execute(insert(DocumentFact.__table__), [dict(f.as_dict(), document_id=document.id) for f in extract(pages)])
        ids = [d.id for d in documents]
        checks.check_rows(session.connection(), checks.rows_linking_documents(session.connection(), ids))
        audit.record(session, actor, "document.recheck", "document", sha256 or "all", after={"documents": len(ids)})
        return len(ids)


def _keep_earlier_ocr(db: Database, document_id: int, reading: DocumentReading) -> DocumentReading:
    """Pages OCR'd before and not read by OCR in this reading (not asked, OCR off, or the page could not be rendered
    this time) keep their earlier OCR text: reading some pages again, or failing to, must not lose the others."""
    with db.session() as session:
        earlier = {
            p.page_number: p
            for p in session.scalars(select(DocumentPage).where(DocumentPage.document_id == document_id, DocumentPage.source.in_(("ocr", "text+ocr"))))
        }
    for index, page in enumerate(reading.pages):
        if page.source in ("unread", "unreadable") and page.number in earlier:
            old = earlier[page.number]
            note = f"its earlier OCR text is kept (this time: {page.note})" if page.note and page.source == "unreadable" else None
            reading.pages[index] = ReadPage(page.number, old.source, fragments_of_blob(old.layout), old.ocr_confidence, note=note)
    return reading


def indexed_text(page_texts) -> str:
    """A document's text as the document-level search index holds it (pages in order, with a separator)."""
    return PAGE_SEPARATOR.join(text or "" for text in page_texts)


def _write_pages(session: Session, document_id: int, pages: list[ReadPage], facts) -> None:
    """Pages (indexed page by page by triggers), facts, and the document in the document-level search index."""
    if pages:
        session.execute(
            insert(DocumentPage.__table__),
            [
                {
                    "document_id": document_id,
                    "page_number": p.number,
                    "source": p.source,
                    "text": p.text or None,
                    "characters": p.characters,
                    "ocr_confidence": round(p.ocr_confidence, 2) if p.ocr_confidence is not None else None,
                    "layout": p.layout_blob(),
                    "note": p.note or None,
                }
                for p in pages
            ],
        )
    session.execute(insert(DocumentFact.__table__), [dict(f.as_dict(), document_id=document_id) for f in facts])
    fulltext_add_documents(session.connection(), {document_id: indexed_text(p.text or None for p in pages)})


def _link(session: Session, document_id: int, address_ids: list[int], via: str, file_name: str, now: dt.datetime) -> list[str]:
    """Record where the document came from and make the addresses serve it; returns the addresses' URLs."""
    origins = DocumentOrigin.__table__
    known = set(session.execute(select(origins.c.address_id, origins.c.via, origins.c.file_name).where(origins.c.document_id == document_id)).all())
    rows = []
    for address_id in address_ids or [None]:
        if (address_id, via, file_name[:255]) not in known:
            rows.append({"document_id": document_id, "address_id": address_id, "via": via, "file_name": file_name[:255], "at": now})
    if rows:
        session.execute(insert(origins), rows)
    if not address_ids:
        return []
    session.execute(
        update(DocumentAddress)
        .where(DocumentAddress.id.in_(address_ids))
        .values(document_id=document_id, status="held", problem=None, http_status=None, failures=0)
    )
    return list(session.scalars(select(DocumentAddress.url).where(DocumentAddress.id.in_(address_ids)).order_by(DocumentAddress.id)))


def _link_held(session: Session, document: Document, actor: Actor, address_ids: list[int], via: str, file_name: str, path: Path, archive: Archive) -> StoreResult:
    already = set(session.scalars(select(DocumentAddress.id).where(DocumentAddress.document_id == document.id)))
    new_addresses = [a for a in address_ids if a not in already]
    urls = _link(session, document.id, address_ids, via, file_name, dt.datetime.now(dt.timezone.utc))
    notes = [f"already in the archive as {document.file_name} ({document.sha256[:12]})"]
    if not archive.holds(document.sha256, document.extension):  # lost from the archive: the same content puts it back
        archive.put(path, document.sha256, document.extension)
        notes.append("its archive file was missing and is restored")
    if new_addresses:
        checks.check_rows(session.connection(), checks.rows_linking_documents(session.connection(), [document.id]))
        audit.record(session, actor, "document.link", "document", document.id, after={"addresses": urls, "file": file_name})
        notes.append(f"linked to {counted(len(new_addresses), 'more address', 'more addresses')}")
    return StoreResult(file_name, "held", document.id, document.sha256, document.page_count, document.text_pages, document.ocr_pages, document.unread_pages, urls, notes)


def check_sha(sha256: str) -> str:
    """The sha256 (or its start) as documents are looked up by it; NotFound for a value that names no document in
    any archive (document_by_sha checks it; the command line before it opens the database)."""
    value = (sha256 or "").strip().lower()
    if len(value) < 6 or any(c not in "0123456789abcdef" for c in value):
        raise NotFound(f"no document {quoted(sha256 or '')}: give its sha256 (at least its first 6 hex digits)")
    return value


def document_by_sha(session: Session, sha256: str) -> Document:
    value = check_sha(sha256)
    found = session.scalars(select(Document).where(Document.sha256.like(value + "%")).limit(2)).all()
    if not found:
        raise NotFound(f"no document with sha256 {value}…")
    if len(found) > 1:
        raise NotFound(f"{value} names more than one document; give more of the sha256")
    return found[0]


def _digest(path: Path) -> tuple[str, int]:
    try:
        return sha256_of(path)
    except OSError as error:
        raise DocumentError(path.name, f"cannot be read ({error.strerror or error})") from None


def _notes(reading: DocumentReading) -> list[str]:
    notes = []
    unread = [p for p in reading.pages if p.source in ("unread", "unreadable")]
    if unread:
        reasons = sorted({p.note for p in unread if p.note})
        notes.append(f"{counted(len(unread), 'page')} not read: " + "; ".join(reasons))
    kept = [p for p in reading.pages if p.source not in ("unread", "unreadable") and p.note]
    if kept:
        notes.append(f"page {', '.join(str(p.number) for p in kept)}: " + "; ".join(sorted({p.note for p in kept})))
    return notes
