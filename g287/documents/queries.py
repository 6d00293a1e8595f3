"""Reading the archive: what the command line, the API and the site show (documents of an agency, one document,
broken links, the file itself). No function here changes anything."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from g287.access import Actor, authorize
from g287.db.engine import Database
from g287.db.ids import MAX_ID
from g287.db.models.documents import Document, DocumentAddress, DocumentFact, DocumentOrigin, DocumentPage, DocumentRowLink
from g287.db.models.registry import Agency, AgencyName, Publication, RawRow
from g287.documents.archive import Archive, ArchiveError
from g287.documents.display import displayable
from g287.documents.links import agreements_of_addresses, publications_of_addresses
from g287.documents.store import document_by_sha, archive_for
from g287.errors import NotFound
from g287.registry.publications import labels_of


def file_link(document: Document) -> str:
    """The path under which the site serves a document's file (the web layer maps it to `document_file`)."""
    return f"/documents/{document.sha256}{document.extension}"


def facts_of(session: Session, document_ids: list[int]) -> dict[int, dict[str, dict]]:
    result: dict[int, dict[str, dict]] = {i: {} for i in document_ids}
    if not document_ids:
        return result
    for fact in session.scalars(select(DocumentFact).where(DocumentFact.document_id.in_(document_ids)).order_by(DocumentFact.id)):
        result[fact.document_id][fact.field] = {
            "value": fact.value, "page": fact.page, "confidence": fact.confidence, "source": fact.source, "evidence": fact.evidence,
        }
    return result


def _summary(document: Document, facts: dict[str, dict]) -> dict:
    return {
        "id": document.id,
        "sha256": document.sha256,
        "file_name": document.file_name,
        "kind": document.kind,
        "extension": document.extension,
        "size_bytes": document.size_bytes,
        "pages": document.page_count,
        "text_pages": document.text_pages,
        "ocr_pages": document.ocr_pages,
        "unread_pages": document.unread_pages,
        "stored_at": document.stored_at.isoformat() if document.stored_at else None,
        "file_link": file_link(document),
        "facts": facts,
    }


def documents_of_agency(session: Session, agency_id: int, actor: Actor | None = None) -> list[dict]:
    """The documents an agency's listings link, each with its role (moa/addendum), the models of the listings,
    the addresses, the facts read from it and the link to its file; MOAs before the rest, then by models, file name
    and id."""
    authorize(actor or Actor.public(), "documents.read")
    if session.get(Agency, agency_id) is None:
        raise NotFound(f"no agency {agency_id}")
    rows = session.execute(
        select(DocumentAddress.document_id, DocumentAddress.url, DocumentRowLink.role, RawRow.model)
        .join(DocumentRowLink, DocumentRowLink.address_id == DocumentAddress.id)
        .join(RawRow, RawRow.id == DocumentRowLink.raw_row_id)
        .join(AgencyName, AgencyName.id == RawRow.agency_name_id)
        .where(AgencyName.agency_id == agency_id, DocumentAddress.document_id.is_not(None))
        .distinct()
    ).all()
    by_document: dict[int, dict] = {}
    for document_id, url, role, model in rows:
        entry = by_document.setdefault(document_id, {"roles": set(), "models": set(), "addresses": set()})
        entry["roles"].add(role)
        if model:
            entry["models"].add(model)
        entry["addresses"].add(url)
    documents = session.scalars(select(Document).where(Document.id.in_(list(by_document)))).all()
    facts = facts_of(session, [d.id for d in documents])
    result = []
    for document in documents:
        entry = by_document[document.id]
        item = _summary(document, facts[document.id])
        item.update(roles=sorted(entry["roles"]), models=sorted(entry["models"]), addresses=sorted(entry["addresses"]))
        result.append(item)
    # id last: two files under one name (of one role and model) come in one order, whatever order the database returned
    result.sort(key=lambda d: (d["roles"] != ["moa"], d["models"], d["file_name"], d["id"]))
    return result


def document_detail(session: Session, sha256: str, actor: Actor | None = None) -> dict:
    """One document: its facts, pages (source, size, OCR confidence), addresses and their state, origins, the
    agreements whose listings link it and the publications that list them."""
    authorize(actor or Actor.public(), "documents.read")
    document = document_by_sha(session, sha256)
    item = _summary(document, facts_of(session, [document.id])[document.id])
    addresses = session.scalars(select(DocumentAddress).where(DocumentAddress.document_id == document.id).order_by(DocumentAddress.id)).all()
    linked = agreements_of_addresses(session.connection(), [a.id for a in addresses])
    item["addresses"] = [{"url": a.url, "link_name": a.link_name, "role": a.role, "status": a.status} for a in addresses]
    item["agreements"] = [
        {"agency_id": l.agency_id, "agency": l.agency_name, "state": l.state, "model": l.model, "agreement_id": l.agreement_id, "role": l.role}
        for a in addresses
        for l in linked[a.id]
    ]
    # label: as history names a list, its file too when another list has its date and half (07/03 pm and its __v2);
    # origin: whose list it is (ICE's, or this registry's own), which the date and file do not say
    publications = publications_of_addresses(session, [a.id for a in addresses])
    labels = labels_of(session, publications)
    item["publications"] = [
        {"id": p.id, "file": p.file_name, "published": p.published_on.isoformat(), "half": p.half, "kind": p.kind, "origin": p.origin, "label": labels[p.id]}
        for p in publications
    ]
    if document.publication_id:
        item["publication_id"] = document.publication_id  # the publication it was first archived for
        # The same bytes published on two days are two publications (migration 0017) and one archived file: each is
        # named, not the first alone.
        item["publication_ids"] = _publications_of_the_same_file(session, document.publication_id)
    item["origins"] = [
        {"via": o.via, "file_name": o.file_name, "at": o.at.isoformat()}
        for o in session.scalars(select(DocumentOrigin).where(DocumentOrigin.document_id == document.id).order_by(DocumentOrigin.id))
    ]
    item["pages_detail"] = [
        {"page": p.page_number, "source": p.source, "characters": p.characters, "ocr_confidence": p.ocr_confidence, "note": p.note}
        for p in session.scalars(select(DocumentPage).where(DocumentPage.document_id == document.id).order_by(DocumentPage.page_number))
    ]
    item["reader"] = document.reader
    return item


def _publications_of_the_same_file(session: Session, publication_id: int) -> list[int]:
    """The ids of the publications of the file (its sha256) publication `publication_id` was read from, in
    publication order (list_publications: ICE's first, then by list and order)."""
    same_file = select(Publication.sha256).where(Publication.id == publication_id).scalar_subquery()
    return list(session.scalars(select(Publication.id).where(Publication.sha256 == same_file).order_by(Publication.origin, Publication.kind, Publication.seq)))


def page_text(session: Session, sha256: str, page: int, actor: Actor | None = None) -> dict:
    """The text of one page and how it was read."""
    authorize(actor or Actor.public(), "documents.read")
    document = document_by_sha(session, sha256)
    found = None
    if 1 <= page <= MAX_ID:  # a larger number is no page (and more than SQLite can even compare)
        found = session.scalars(select(DocumentPage).where(DocumentPage.document_id == document.id, DocumentPage.page_number == page)).first()
    if found is None:
        raise NotFound(f"{document.file_name} has no page {page}")
    return {"sha256": document.sha256, "page": page, "source": found.source, "ocr_confidence": found.ocr_confidence, "note": found.note, "text": found.text or ""}


def list_documents(session: Session, *, kind: str | None = None, limit: int = 100, offset: int = 0, actor: Actor | None = None) -> dict:
    authorize(actor or Actor.public(), "documents.read")
    query = select(Document)
    counted = select(func.count(Document.id))
    if kind:
        query, counted = query.where(Document.kind == kind), counted.where(Document.kind == kind)
    documents = session.scalars(query.order_by(Document.id).limit(limit).offset(offset)).all()
    facts = facts_of(session, [d.id for d in documents])
    return {"total": session.scalar(counted), "documents": [_summary(d, facts[d.id]) for d in documents]}


def broken_links(session: Session, actor: Actor | None = None) -> list[dict]:
    """Every address whose last fetch failed, with why, since when, and the agreements whose listings link it."""
    authorize(actor or Actor.public(), "documents.read")
    addresses = session.scalars(select(DocumentAddress).where(DocumentAddress.status == "broken").order_by(DocumentAddress.id)).all()
    linked = agreements_of_addresses(session.connection(), [a.id for a in addresses])
    return [
        {
            "url": a.url,
            "link_name": a.link_name,
            "role": a.role,
            "http_status": a.http_status,
            "problem": a.problem,
            "failures": a.failures,
            "checked_at": a.checked_at.isoformat() if a.checked_at else None,
            "held_earlier": a.document_id is not None,
            "agreements": [
                {"agency_id": l.agency_id, "agency": l.agency_name, "state": l.state, "model": l.model, "agreement_id": l.agreement_id}
                for l in linked[a.id]
            ],
        }
        for a in addresses
    ]


@dataclass(frozen=True)
class DocumentFile:
    path: Path
    media_type: str
    download_name: str
    size_bytes: int
    kind: str = "pdf"  # a workbook is served as its publishable copy (g287.documents.workbook_copy.served_copy)


def document_file(db: Database, sha256: str, actor: Actor | None = None) -> DocumentFile:
    """The archive file of a document, for serving it. The name is checked to be a sha256 before any path is built,
    and the path is checked to lie inside the archive, so no request can reach another file."""
    authorize(actor or Actor.public(), "documents.read")
    value = (sha256 or "").strip().lower()
    if len(value) != 64:
        raise NotFound("no such document")
    with db.session() as session:
        document = session.scalars(select(Document).where(Document.sha256 == value)).first()
        if document is None:
            raise NotFound("no such document")
        archive: Archive = archive_for(db)
        try:
            path = archive.path_for(document.sha256, document.extension)
        except ArchiveError:
            raise NotFound("no such document") from None
        root = archive.root.resolve()
        if root not in path.resolve().parents or not path.is_file():
            raise NotFound(f"the file of document {value[:12]} is missing from the archive")
        return DocumentFile(path, document.media_type, _download_name(document.file_name, document.extension), document.size_bytes, document.kind)


def _download_name(name: str, extension: str) -> str:
    """The archived name as the file is served under: its last path part, without the characters never shown
    (control and bidirectional characters: g287.documents.display), and with its extension. Every other character
    stays: the web layer writes the name exactly, percent-encoded, in filename*, and only its ASCII fallback
    (filename) is simplified (g287.exports.disposition)."""
    base = displayable(Path(name.replace("\\", "/")).name, "").strip()
    base = base if base.strip(". ") else "document"  # nothing left, or only dots (a path's "..")
    return base if base.lower().endswith(extension) else base + extension
