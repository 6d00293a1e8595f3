"""Settings of the document archive, OCR and sync, read from the environment with documented defaults.

Every setting is listed in README.md (section "Documents and sync").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from g287 import __version__, config
from g287.errors import G287Error
from g287.wording import in_quotes, quoted

DEFAULT_ICE_PAGE = "https://www.ice.gov/identify-and-arrest/287g"


def _number(name: str, default: float, minimum: float = 0.0) -> float:
    return config.env_number(name, default, minimum)


def documents_dir(database_url: str | None = None) -> Path:
    """Where documents are kept: $G287_DOCUMENTS_DIR, else a folder `documents` beside the SQLite database file,
    else (a PostgreSQL database) $G287_HOME/documents."""
    explicit = config.setting("G287_DOCUMENTS_DIR")
    if explicit:
        return Path(explicit).expanduser().resolve()
    from sqlalchemy.engine import make_url  # here: a reading worker imports this module, and SQLAlchemy took a third of its start-up

    url = make_url(database_url or config.database_url())
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).expanduser().resolve().parent / "documents"
    return config.home_dir() / "documents"


def ocr_enabled() -> bool:
    """G287_OCR: `auto` (default: OCR pages without text when Tesseract is installed) or `off`."""
    value = (config.setting("G287_OCR") or "auto").strip().lower()  # empty or blank: the default, as every setting
    if value not in ("auto", "off"):
        raise G287Error(f"setting G287_OCR={quoted(value)}: expected auto or off")
    return value == "auto"


# A letter page at 1200 dpi is 10,200 x 13,200 pixels, already more than OCR needs (it reads best near 300); at
# 20,000 dpi poppler cannot allocate the page at all and answers with a 1 x 1 pixel image.
MAX_OCR_DPI = 1200


def ocr_dpi() -> int:
    value = config.env_count("G287_OCR_DPI", 300, 72, "dots per inch")
    if value > MAX_OCR_DPI:
        raise G287Error(f"setting G287_OCR_DPI={quoted(os.environ['G287_OCR_DPI'])}: must be at most {MAX_OCR_DPI} dots per inch (OCR reads best at 300)")
    return value


def ocr_language() -> str:
    return os.environ.get("G287_OCR_LANGUAGE", "eng").strip() or "eng"


def workers() -> int:
    """Processes used to read and OCR pages in parallel (G287_WORKERS, default: every core)."""
    return config.env_count("G287_WORKERS", os.cpu_count() or 1, 1, "processes")


def text_layer_timeout() -> float:
    """Seconds the text layer of one PDF may take to read (G287_TEXT_LAYER_TIMEOUT, default 120): a real MOA takes
    about a second, and a PDF made to stall pdfminer (a page of countless tiny text operators) would hold an import
    or a sync for hours."""
    return config.env_number("G287_TEXT_LAYER_TIMEOUT", 120.0, 0, above=True)


def ocr_document_timeout() -> float:
    """Seconds the OCR of one document may take in all (G287_OCR_DOCUMENT_TIMEOUT, default 1800): each page has its
    own limits (ocr.py), but a scan of many pages could take their sum; the pages not read by then stay unread."""
    return config.env_number("G287_OCR_DOCUMENT_TIMEOUT", 1800.0, 0, above=True)


def ocr_page_render_timeout() -> float:
    """Seconds rendering one page for OCR may take (G287_OCR_PAGE_RENDER_TIMEOUT, default 120): a page that takes
    longer is left unread rather than holding a sync."""
    return config.env_number("G287_OCR_PAGE_RENDER_TIMEOUT", 120.0, 0, above=True)


def ocr_page_timeout() -> float:
    """Seconds Tesseract may take to read one rendered page (G287_OCR_PAGE_TIMEOUT, default 300)."""
    return config.env_number("G287_OCR_PAGE_TIMEOUT", 300.0, 0, above=True)


def check_reading_settings() -> None:
    """One clear G287Error for a bad setting of reading and OCR, before anything is read or recorded (not one per
    file, half-way through)."""
    ocr_enabled()
    ocr_dpi()
    workers()
    text_layer_timeout()
    ocr_document_timeout()
    ocr_page_render_timeout()
    ocr_page_timeout()


@dataclass(frozen=True)
class SyncSettings:
    page_url: str
    user_agent: str
    delay: float  # seconds from the end of one request to a host (its body read) to the start of the next
    timeout: float  # seconds to connect, and between bytes received
    retries: int  # further attempts after a failure that may pass (timeouts, 5xx, cut connections)
    backoff: float  # seconds before the first retry; doubled for each further one
    max_bytes: int  # a file larger than this is refused
    # seconds one file may take in all (every attempt and redirect; not the waits between requests, which politeness
    # sets): G287_SYNC_TIMEOUT bounds each read only, and a server sending a byte now and then would keep a sync for ever
    download_timeout: float = 600.0


def _header_text(name: str) -> str:
    """A setting sent in the User-Agent header: printable ASCII only. HTTP sends header values as bytes (httpx as
    ASCII: 'José' crashed the sync), and a line break would end the header (and was reported as a robots.txt
    problem)."""
    value = os.environ.get(name, "").strip()
    wrong = next((c for c in value if not (" " <= c <= "~")), None)
    if wrong is not None:
        kind = "a line break" if wrong in "\r\n" else "a control character" if wrong.isascii() or not wrong.isprintable() else in_quotes(wrong)
        raise G287Error(f"setting {name}={quoted(value)}: it goes into the User-Agent header, which holds printable ASCII only, not {kind}")
    return value


def sync_settings(page_url: str | None = None) -> SyncSettings:
    contact = _header_text("G287_SYNC_CONTACT")
    agent = f"g287/{__version__} (open registry of the U.S. 287(g) program; archives ICE's published lists and MOAs"
    agent += f"; contact: {contact})" if contact else ")"
    return SyncSettings(
        page_url=(page_url or config.setting("G287_ICE_PAGE_URL") or DEFAULT_ICE_PAGE).strip(),
        user_agent=_header_text("G287_SYNC_USER_AGENT") or agent,
        delay=_number("G287_SYNC_DELAY", 2.0),
        timeout=_number("G287_SYNC_TIMEOUT", 30.0, 0.01),
        retries=config.env_count("G287_SYNC_RETRIES", 3, 0, "attempts"),
        backoff=_number("G287_SYNC_BACKOFF", 5.0),
        max_bytes=int(_number("G287_SYNC_MAX_MB", 50, 0.001) * 1024 * 1024),
        download_timeout=_number("G287_SYNC_DOWNLOAD_TIMEOUT", 600.0, 1.0),
    )
