"""API resources over the document archive: the documents held (signed MOAs, addenda), what was read from them,
and full-text search. Thin layers over g287.documents (README, section documents); the files themselves are at
each document's `file_link` (/documents/SHA256.pdf)."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from g287.documents.queries import document_detail, list_documents
from g287.documents.search import parse_query, search as search_service
from g287.errors import G287Error
from g287.web.api.errors import ERROR_RESPONSES, invalid_parameter
from g287.web.api.schemas import DocumentSummary
from g287.web.app import API_PREFIX, site_of
from g287.web.params import PageOffset, Sha256, choice, page_limit, page_offset

DocumentKind = choice("a kind of document", "pdf", "workbook", "page")
DOCUMENT_QUERY_LENGTH = 500


def _document_words(value: Any) -> Any:
    # An empty query goes on to parse_query, which says why it finds nothing, as for a query of spaces (pydantic
    # said "String should have at least 1 character"); a longer one than the document allows is refused here.
    if isinstance(value, str) and len(value) <= DOCUMENT_QUERY_LENGTH:
        return value
    problem = f"a query of {len(value):,} characters: at most {DOCUMENT_QUERY_LENGTH}" if isinstance(value, str) else "not a query"
    raise PydanticCustomError("document_words", "{problem}", {"problem": problem})


DocumentWords = Annotated[str, BeforeValidator(_document_words), WithJsonSchema({"type": "string", "minLength": 1, "maxLength": DOCUMENT_QUERY_LENGTH})]
router = APIRouter(prefix=f"{API_PREFIX}/documents", tags=["documents"], responses=ERROR_RESPONSES)


class DocumentList(BaseModel):
    total: int
    limit: int
    offset: int
    documents: list[DocumentSummary]


@router.get("", response_model=DocumentList, summary="The documents held, with what was read from them")
def documents(
    request: Request,
    kind: Optional[DocumentKind] = Query(None, description="Only documents of this kind (default: every kind)"),
    limit: page_limit(1000, 100) = 100,
    offset: Annotated[PageOffset, page_offset("in the order the documents were added")] = 0,
):
    with site_of(request).read() as session:
        # The page's limit and offset are given back, as by every other list of the API.
        return {**list_documents(session, kind=kind, limit=limit, offset=offset), "limit": limit, "offset": offset}


class LinkedAgreement(BaseModel):
    agency_id: int
    name: str = Field(description="The agency's name in the listing that links the document")
    state: Optional[str]
    model: Optional[str]
    agreement_id: Optional[int]
    role: str = Field(description="moa or addendum")


class DocumentAgreement(BaseModel):
    agency_id: int
    agency: str
    state: Optional[str]
    model: Optional[str]
    agreement_id: Optional[int]
    role: str


class SearchHit(BaseModel):
    document_id: int
    sha256: str
    file_name: str
    page: int = Field(description="The first page that holds the words")
    page_source: str = Field(description="How that page was read: text, ocr or text+ocr (OCR'd text may hold misreadings)")
    snippet: str
    snippet_html: str = Field(description="The snippet as escaped HTML, the words found in <mark>")
    rank: float
    agencies: list[LinkedAgreement]


class SearchPage(BaseModel):
    query: str
    total: int = Field(description="Documents that match")
    limit: int
    offset: int
    hits: list[SearchHit]


@router.get(
    "/search",
    response_model=SearchPage,
    summary="Full-text search of the documents",
    description='Words (all must appear, stemmed), "exact phrases", -words to exclude; at most 32 terms. A word is also found as the abbreviations of agency names write it ("saint lucie": "St. Lucie", "st": "Saint"; a lone "saint" is no "St.", which is also Street). A query with no word to find, or with more than 256 spellings, answers 422.',
)
def document_search(
    request: Request,
    q: Annotated[DocumentWords, Query(description='Words (all must appear), "exact phrases", -words to exclude; at most 32 terms, at most 256 spellings with abbreviations')],
    limit: page_limit(100, 20) = 20,
    offset: Annotated[PageOffset, page_offset("best match first, then by document id")] = 0,
):
    try:
        parse_query(q)
    except G287Error as error:
        raise invalid_parameter("q", str(error)) from None
    with site_of(request).read() as session:
        return search_service(session, q, limit=limit, offset=offset).as_dict()


class DocumentAddress(BaseModel):
    url: str
    link_name: Optional[str]
    role: Optional[str]
    status: Optional[str]


class DocumentPage(BaseModel):
    page: int
    source: Optional[str]
    characters: Optional[int]
    ocr_confidence: Optional[float]
    note: Optional[str] = Field(description="Why the page is unread or unreadable, or that its earlier OCR text was kept; null when there is nothing to say (and for pages read before notes were kept)")


class PublicationRef(BaseModel):
    id: int
    file: str
    published: str
    half: Optional[str]
    kind: str
    origin: str = Field(description="Whose list it is: ice (ICE's) or registry (this registry's own)")
    label: str = Field(description="As history names it: published and half, and the file's name when another list of the same kind and date and half is held")


class Origin(BaseModel):
    via: str
    file_name: Optional[str]
    at: str


class DocumentDetail(DocumentSummary):
    addresses: list[DocumentAddress]
    agreements: list[DocumentAgreement] = Field(description="The agreements whose listings link this document")
    publications: list[PublicationRef] = Field(description="The lists that link it, ICE's and this registry's own (origin says whose), in publication order")
    origins: list[Origin]
    pages_detail: list[DocumentPage]
    reader: Optional[str]


@router.get("/{sha256}", response_model=DocumentDetail, summary="One document: what was read from it, its pages, who links it")
def document(request: Request, sha256: Annotated[Sha256, Path(description="The file's SHA-256, in hexadecimal (either case)")]):
    sha256 = sha256.lower()
    with site_of(request).read() as session:
        return document_detail(session, sha256)
