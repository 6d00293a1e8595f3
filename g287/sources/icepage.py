"""Reading ICE's 287(g) page: where are the current participating and pending workbooks?

The page's layout changes; the workbooks' names have not (`participatingAgencies07112025am.xlsx`,
`pendingAgencies07112025am.xlsx`). So links are found by the file name they end with, anywhere in the page: in
any attribute (href, src, data-*), or written out in text or scripts; relative or absolute; unwrapped from an
e-mail safety redirect (g287/sources/links.py). A page that links
neither workbook is a clear error (the layout or the names changed), never a crash.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from posixpath import basename
from urllib.parse import unquote, urljoin, urlsplit

from g287.errors import G287Error
from g287.sources.filename import parse_file_name
from g287.sources.links import unwrap

_WORKBOOK = re.compile(r"^(?P<kind>participating|pending)[\s_-]*agencies.*\.xlsx$", re.I)
# addresses written out in text or scripts: absolute, or from the site's root (after a quote, space, = or "(")
_URLISH = re.compile(r"""(?:https?://|(?<=["'\s=(])/)[^\s"'<>()]+?\.xlsx(?P<query>\?[^\s"'<>()]*)?""", re.I)
# A run of the characters an address written out is made of (those _URLISH matches within).
_RUN = re.compile(r"""[^\s"'<>()]+""")
MAX_PAGE_BYTES = 10 * 1024 * 1024


class IcePageError(G287Error):
    """ICE's page cannot be read or links no workbook."""


@dataclass(frozen=True)
class WorkbookLink:
    url: str
    kind: str  # participating | pending
    file_name: str


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if not value:
                continue
            if tag == "base" and name == "href" and self.base is None:
                self.base = value.strip()
            elif ".xlsx" in value.lower():
                self.values.append(value.strip())


def workbook_links(page: str, page_url: str) -> list[WorkbookLink]:
    """Every workbook the page links, participating first, each list by the date its name gives (oldest first)."""
    parser = _Attributes()
    try:
        parser.feed(page)
        parser.close()
    except Exception:  # html.parser is lenient; anything it still rejects leaves the text search below
        pass
    base = urljoin(page_url, parser.base) if parser.base else page_url
    candidates = list(parser.values) + [html.unescape(address) for address in _written_out(page)]
    found: dict[str, WorkbookLink] = {}
    for value in candidates:
        # A link pasted from an e-mail may be wrapped in a safety redirect: the real address is kept, never the
        # wrapper (its host would be asked, and its address, which names the mailbox, stored); a wrapper that does
        # not carry the address gives none.
        unwrapped = unwrap(value.strip())
        if unwrapped.url is None:
            continue
        url = urljoin(base, unwrapped.url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            continue
        name = unquote(basename(parts.path))
        if "/" in name or "\\" in name or name.startswith("."):
            continue  # an encoded path in a file name: never used as one (sync names a temporary file after it)
        match = _WORKBOOK.match(name)
        if match and url not in found:
            found[url] = WorkbookLink(url, match["kind"].lower(), name)

    def order(link: WorkbookLink):
        named = parse_file_name(link.file_name.rsplit(".", 1)[0])
        return (link.kind != "participating", named.published_on is None, named.published_on or 0, named.half == "pm", link.file_name)

    return sorted(found.values(), key=order)


def _written_out(page: str):
    """The addresses _URLISH finds in the page, found in linear time. Searched over the whole page, every start of
    an address (each "http://", each "/") with no ".xlsx" after it in its run was scanned to the end of the run, a
    time quadratic in the run's length (140 KB of "http://" took a minute). So each run is searched only up to its
    last ".xlsx": every start tried there ends at the next ".xlsx", and each character is scanned once. An address
    that reaches that point takes the rest of the run as its query when it has one, as _URLISH would."""
    for run in _RUN.finditer(page):
        last = run.group().lower().rfind(".xlsx")
        if last < 0:
            continue
        end = run.start() + last + len(".xlsx")
        for match in _URLISH.finditer(page, run.start(), end):  # the look-behind still sees the character before
            if match.end() == end and (match["query"] is not None or page.startswith("?", end)):
                yield page[match.start() : run.end()]
            else:
                yield match.group(0)


def read_page(content: bytes, page_url: str, content_type: str | None = None) -> list[WorkbookLink]:
    """The workbook links of the page; IcePageError when the page links none."""
    if len(content) > MAX_PAGE_BYTES:
        raise IcePageError(f"ICE's page at {page_url} is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB; not read")
    charset = "utf-8"
    if content_type:
        match = re.search(r"charset=([\w-]+)", content_type, re.I)
        if match:
            charset = match[1]
    try:
        text = content.decode(charset, errors="replace")
    except LookupError:
        text = content.decode("utf-8", errors="replace")
    links = workbook_links(text, page_url)
    if not links:
        raise IcePageError(
            f"ICE's page at {page_url} links no participatingAgencies….xlsx or pendingAgencies….xlsx workbook; "
            "the page's layout or the workbooks' names may have changed (give another address with --source)"
        )
    return links
