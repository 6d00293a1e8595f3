"""Full-text search over the pages of the documents (SQLite FTS5, PostgreSQL full-text search).

A query is words (all must appear, stemmed: "signed" finds "signing"), "exact phrases" in double quotes, and
-words to exclude. User text never reaches the database as query syntax: terms are passed as quoted strings
or bound parameters (see g287/db/dialect.py). One result per document, its best page, best documents first.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.access import Actor, authorize
from g287.db.dialect import SNIPPET_END, SNIPPET_START, fulltext_search
from g287.db.models.documents import Document, DocumentAddress, DocumentPage
from g287.documents.links import agreements_of_addresses
from g287.errors import G287Error

MAX_LIMIT = 100
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
_CONTROL = re.compile(r"[\x00-\x01\x04-\x08\x0b-\x1f]")


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool
    excluded: bool


def parse_query(query: str) -> list[Term]:
    """Words, "phrases" and -exclusions; characters that are neither letters nor digits only separate words."""
    terms: list[Term] = []
    for match in _TOKEN.finditer(query or ""):
        if match.group(2) is not None:
            excluded, text, phrase = bool(match.group(1)), match.group(2), True
        else:
            excluded, text, phrase = bool(match.group(3)), match.group(4), False
        words = re.findall(r"\w+", text)
        if not words:
            continue
        terms.append(Term(" ".join(words), phrase or len(words) > 1, excluded))
    if not terms:
        raise G287Error("the search has no words to look for")
    if all(t.excluded for t in terms):
        raise G287Error("the search only excludes words: give at least one word to find")
    if len(terms) > 32:
        raise G287Error("the search has too many words (at most 32)")
    return terms


@dataclass
class SearchHit:
    document_id: int
    sha256: str
    file_name: str
    page: int
    page_source: str  # text | ocr | text+ocr: OCR'd text may hold misreadings
    snippet: str  # plain text, matches not marked
    snippet_html: str  # escaped HTML, matches in <mark>
    rank: float  # higher is better; comparable within one search only
    agencies: list[dict] = field(default_factory=list)  # {"agency_id", "name", "state", "model", "agreement_id", "role"}


@dataclass
class SearchPage:
    query: str
    total: int  # matching documents
    limit: int
    offset: int
    hits: list[SearchHit]

    def as_dict(self) -> dict:
        return asdict(self)


def search(session: Session, query: str, *, limit: int = 20, offset: int = 0, actor: Actor | None = None) -> SearchPage:
    authorize(actor or Actor.public(), "documents.read")
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise G287Error(f"limit must be between 1 and {MAX_LIMIT}")
    if int(offset) < 0:
        raise G287Error("offset must not be negative")
    terms = parse_query(query)
    conn = session.connection()
    total, rows = fulltext_search(conn, [(t.text, t.phrase, t.excluded) for t in terms], int(limit), int(offset))
    if not rows:
        return SearchPage(query, total, limit, offset, [])
    document_ids = [r["document_id"] for r in rows]
    documents = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(document_ids)))}
    sources = dict(session.execute(select(DocumentPage.id, DocumentPage.source).where(DocumentPage.id.in_([r["page_id"] for r in rows]))).all())
    addresses: dict[int, list[int]] = {}
    for address_id, document_id in session.execute(select(DocumentAddress.id, DocumentAddress.document_id).where(DocumentAddress.document_id.in_(document_ids))):
        addresses.setdefault(document_id, []).append(address_id)
    linked = agreements_of_addresses(conn, [a for ids in addresses.values() for a in ids])
    hits = []
    for row in rows:
        document = documents[row["document_id"]]
        agencies = []
        for address_id in addresses.get(document.id, []):
            for a in linked.get(address_id, []):
                item = {"agency_id": a.agency_id, "name": a.agency_name, "state": a.state, "model": a.model, "agreement_id": a.agreement_id, "role": a.role}
                if item not in agencies:
                    agencies.append(item)
        plain, marked = render_snippet(row.get("snippet") or "")
        hits.append(SearchHit(document.id, document.sha256, document.file_name, row["page_number"], sources.get(row["page_id"], "text"), plain, marked, round(float(row["score"]), 6), agencies))
    return SearchPage(query, total, limit, offset, hits)


def render_snippet(raw: str) -> tuple[str, str]:
    """The database's snippet as plain text and as escaped HTML with the matches in <mark>."""
    text = " ".join(_CONTROL.sub("", raw).split())
    plain = text.replace(SNIPPET_START, "").replace(SNIPPET_END, "")
    marked = html.escape(text).replace(SNIPPET_START, "<mark>").replace(SNIPPET_END, "</mark>")
    return plain, marked
