"""The document archive on the site: search the signed MOAs, one document's page (its facts, pages, the
agreements whose listings link it), and the archived files themselves, served so that no file can act on the
site. Thin layers over g287.documents (README, section documents)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from email.utils import format_datetime
from typing import Annotated, Optional

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from g287.documents.queries import document_detail, document_file, list_documents
from g287.documents.search import parse_query, search
from g287.documents.workbook_copy import served_copy
from g287.errors import G287Error, NotFound
from g287.exports.disposition import content_disposition
from g287.web.app import site_of
from g287.web.http import ResumableFile, not_modified
from g287.web.params import whole_number
from g287.web.render import render
from g287.wording import counted, quoted

router = APIRouter()
PAGE_SIZE = 20
HELD_PAGE_SIZE = 200  # the list of documents held, when no search is made
_SHA = re.compile(r"^[0-9a-f]{64}$")
_FILE = re.compile(r"^(?P<sha>[0-9a-f]{64})(?P<extension>\.[a-z]{2,5})$")
# An archived file is served as a download in a sandbox: whatever it holds (a PDF's script, an HTML page) never
# runs with the site's origin.
# The archive keeps each file under its SHA-256 and never replaces one (g287.documents.archive), so a file's address
# always gives the same bytes: a client that holds them is answered 304 (their ETag is their SHA-256). Yet no-cache
# rather than a max-age: a file may leave the archive (taken out by its operator, the address is then a 404 that a
# kept copy would hide), and a workbook is served as the copy fit to publish that this version of g287 makes, which
# a later version may make with less in it about people. Asking again costs a 304 without the body. Every file
# here is public: the workflow's private documents have routes of their own, "private, no-store" (g287.web.program).
FILE_HEADERS = {"content-security-policy": "sandbox; default-src 'none'", "x-content-type-options": "nosniff", "cache-control": "no-cache"}


def marked_snippet(snippet_html: str) -> Markup:
    """The search's snippet with only its <mark> elements kept: everything else is escaped again."""
    text = str(escape(html.unescape(re.sub(r"</?mark>", lambda m: "\x02" if m.group(0) == "<mark>" else "\x03", snippet_html))))
    return Markup(text.replace("\x02", "<mark>").replace("\x03", "</mark>"))


@router.get("/documents")
def documents_page(request: Request, q: Optional[str] = Query(None, max_length=500), page: Annotated[whole_number(1, 10_000), Query()] = 1):
    if q and q.strip():
        try:
            parse_query(q)  # a query with no word to find (-police, a lone quote, over 32 terms): said beside the form
        except G287Error as error:
            return render("documents.html", status=422, q=q, error=str(error), result=None, hits=[], page=1, pages=1, held=None)
    with site_of(request).read() as session:
        if q and q.strip():
            result = search(session, q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
            hits = [{"hit": h, "snippet": marked_snippet(h.snippet_html)} for h in result.hits]
            pages = max(1, -(-result.total // PAGE_SIZE))
            _check_page(page, pages, counted(result.total, "document matches", "documents match"))
            return render("documents.html", q=q, error=None, result=result, hits=hits, page=page, pages=pages, held=None)
        held = list_documents(session, kind="pdf", limit=HELD_PAGE_SIZE, offset=(page - 1) * HELD_PAGE_SIZE)
    pages = max(1, -(-held["total"] // HELD_PAGE_SIZE))
    _check_page(page, pages, f"the archive holds {counted(held['total'], 'document')}")
    return render("documents.html", q="", error=None, result=None, hits=[], page=page, pages=pages, held=held, first=(page - 1) * HELD_PAGE_SIZE)


def _check_page(page: int, pages: int, what: str) -> None:
    """A page past the last is no page (404), as on /agencies: not a page saying both how many match and none."""
    if page > pages:
        raise NotFound(f"no page {page}: {what}, on {counted(pages, 'page')}")


@router.get("/documents/{name}")
def document_page_or_file(request: Request, name: str = Path(max_length=80)):
    """/documents/SHA256 is the document's page; /documents/SHA256.pdf its file."""
    if name != name.lower() and (_SHA.match(name.lower()) or _FILE.match(name.lower())):
        return RedirectResponse(f"/documents/{name.lower()}", status_code=301)  # a digest copied in capitals
    if _SHA.match(name):
        with site_of(request).read() as session:
            detail = document_detail(session, name)
        return render("document.html", document=detail)
    found = _FILE.match(name)
    if not found:
        raise NotFound(f"no document {quoted(name)}")
    stored = document_file(site_of(request).db, found["sha"])
    if not stored.path.name.endswith(found["extension"]):
        raise NotFound(f"no document {quoted(name)}")
    # The name comes from ICE's links (any character): an ASCII fallback and the exact name, never raw in the header.
    disposition = content_disposition(stored.download_name, "inline" if stored.media_type == "application/pdf" else "attachment")
    if stored.kind == "workbook":  # one archived as published by an earlier version may name the people who saved it
        copy = served_copy(stored.path)
        # Tagged by the copy's own digest: the archived file's for a copy this version archived, another for one it
        # makes of a workbook archived as ICE published it. No Last-Modified: the copy is as old as this version.
        etag, archived = f'"{hashlib.sha256(copy).hexdigest()}"', None
    else:  # served byte for byte: the digest in its address is the file's, unchanged since it was archived
        copy, etag = None, f'"{found["sha"]}"'
        archived = dt.datetime.fromtimestamp(stored.path.stat().st_mtime, dt.timezone.utc)
    validators = {"etag": etag, **({"last-modified": format_datetime(archived, usegmt=True)} if archived else {})}
    if not_modified(request.scope, etag.encode(), archived):
        return Response(status_code=304, headers={**FILE_HEADERS, **validators})
    headers = {**FILE_HEADERS, **validators, "content-disposition": disposition}
    if copy is not None:
        return Response(copy, media_type=stored.media_type, headers=headers)
    return ResumableFile(stored.path, media_type=stored.media_type, headers=headers)
