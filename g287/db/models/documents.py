"""The document archive: files kept by content (sha256), the addresses they came from, the listings that link
them, their pages' text and the facts read from them.

A file is stored once, whatever the number of addresses or listings that point to it. An address (a URL as a
listing or ICE's page gives it) remembers what it last served and how the last attempt went, so a sync never
downloads twice what it holds and a broken link is a record, not a failure. Listings link documents through
their raw rows (`document_row_links`); agreements and publications follow from the rows.

Full-text search uses tables that are not models (`document_search` per page, `document_search_documents` per
document; see g287/db/dialect.py and g287/db/unmanaged.py): FTS5 indexes on SQLite, tsvector tables with GIN
indexes on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from g287.db.base import Base
from g287.db.times import UtcDateTime

# Created and dropped by the documents migration with statements from g287/db/dialect.py; not models.
# SQLite's FTS5 keeps its index in shadow tables named after the virtual table.
UNMANAGED_TABLES = (
    "document_search",
    "document_search_data",
    "document_search_idx",
    "document_search_docsize",
    "document_search_config",
    "document_search_content",
    "document_search_documents",
    "document_search_documents_data",
    "document_search_documents_idx",
    "document_search_documents_docsize",
    "document_search_documents_config",
    "document_search_documents_content",
)


class Document(Base):
    """One file, stored in the archive under its sha256 (never overwritten)."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # pdf | workbook | page
    extension: Mapped[str] = mapped_column(String(8))  # ".pdf", ".xlsx", ".html": the archive file's suffix
    media_type: Mapped[str] = mapped_column(String(128))
    file_name: Mapped[str] = mapped_column(String(255))  # the name it was first seen under (link name or file name)
    page_count: Mapped[int | None] = mapped_column(Integer)
    text_pages: Mapped[int | None] = mapped_column(Integer)  # pages read from the text layer (alone or with OCR)
    ocr_pages: Mapped[int | None] = mapped_column(Integer)  # pages read (wholly or partly) by OCR
    unread_pages: Mapped[int | None] = mapped_column(Integer)  # pages with images but no text, not (yet) OCR'd
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"), index=True)  # workbooks
    reader: Mapped[str | None] = mapped_column(String(128))  # the software that read it, with versions
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DocumentAddress(Base):
    """An address (URL) that listings or ICE's page point to, and what fetching it gave the last time."""

    __tablename__ = "document_addresses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)  # the real address (e-mail safety wrappers already removed)
    url_key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of url: URLs can be long
    link_name: Mapped[str] = mapped_column(String(255))  # the file name in the URL, e.g. SumnerCoSOTN_WSO_MOA_042925.pdf
    link_key: Mapped[str] = mapped_column(String(255), index=True)  # link_name in lower case, for matching files
    role: Mapped[str] = mapped_column(String(16))  # moa | addendum | workbook | page
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)  # what it served last
    status: Mapped[str] = mapped_column(String(16), default="new")  # new | held | broken
    http_status: Mapped[int | None] = mapped_column(Integer)
    problem: Mapped[str | None] = mapped_column(Text)  # why it is broken, in one line
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failed syncs
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DocumentOrigin(Base):
    """Where a document came from: an address it was downloaded from or matched to, or a file imported."""

    __tablename__ = "document_origins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("document_addresses.id"), index=True)
    via: Mapped[str] = mapped_column(String(16))  # sync | import
    file_name: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class DocumentRowLink(Base):
    """A source row (a listing) whose MOA or ADDENDUM cell links an address."""

    __tablename__ = "document_row_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("document_addresses.id"), index=True)
    raw_row_id: Mapped[int] = mapped_column(ForeignKey("raw_rows.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # moa | addendum

    __table_args__ = (UniqueConstraint("address_id", "raw_row_id", "role"),)


class DocumentPage(Base):
    """The text of one page, from the text layer, OCR, or both; `layout` keeps positioned fragments for extraction."""

    __tablename__ = "document_pages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    page_number: Mapped[int] = mapped_column(Integer)  # 1-based
    source: Mapped[str] = mapped_column(String(16))  # text | ocr | text+ocr | unread | blank | unreadable
    text: Mapped[str | None] = mapped_column(Text)
    characters: Mapped[int] = mapped_column(Integer, default=0)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)  # Tesseract's mean word confidence, 0-100
    layout: Mapped[bytes | None] = mapped_column(LargeBinary)  # zlib-compressed JSON fragments with positions
    note: Mapped[str | None] = mapped_column(Text)  # why the page is unread or unreadable, or that earlier OCR text was kept

    __table_args__ = (UniqueConstraint("document_id", "page_number"),)


class DocumentFact(Base):
    """A value read from a document (model, agency, signatory, dates, addendum), or unknown (value None)."""

    __tablename__ = "document_facts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[str | None] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str | None] = mapped_column(String(8))  # text | ocr: where the value was read
    evidence: Mapped[str | None] = mapped_column(Text)  # the words it was read from, or why it is unknown

    __table_args__ = (UniqueConstraint("document_id", "field"),)
