"""The time limit on the OCR of one document (G287_OCR_DOCUMENT_TIMEOUT): each page has its own limits, but a scan
of many pages could take their sum. Past the limit the page being read is stopped and those not begun are not read;
they stay `unread` with the reason as their note, as a page over its own limit does, and the pages read before are
kept.

The scan is real: the West Miami MOA, 14 pages without a text layer, about five seconds of OCR each here (a minute
and more in all). The limit is one second: far below a page's OCR, so at most the first page or two are read on a
fast machine, and the test times nothing finely."""

from __future__ import annotations

from g287.documents import ocr
from g287.documents.queries import document_detail
from g287.documents.store import store_pdf
from tests.documents.conftest import WEST_MIAMI, moa, require

STOPPED = "not OCR'd: the document's OCR stopped at its time limit of 1 s (G287_OCR_DOCUMENT_TIMEOUT)"


def test_the_ocr_of_a_scan_stops_at_the_documents_limit_and_says_why(sqlite_db, actor, monkeypatch):
    require(ocr.available() or None)
    monkeypatch.setenv("G287_OCR", "auto")
    monkeypatch.setenv("G287_OCR_DOCUMENT_TIMEOUT", "1")
    stored = store_pdf(sqlite_db, moa(WEST_MIAMI), actor)
    with sqlite_db.session() as session:
        pages = document_detail(session, stored.sha256)["pages_detail"]
    assert len(pages) == 14
    # Read within the second (a fast machine), or stopped with the reason; the last pages, surely not begun
    assert all(p["source"] in ("ocr", "text+ocr") or (p["source"], p["note"]) == ("unread", STOPPED) for p in pages)
    assert [(p["source"], p["note"]) for p in pages[-3:]] == [("unread", STOPPED)] * 3
    unread = sum(p["source"] == "unread" for p in pages)
    assert stored.unread_pages == unread and f"{unread} pages not read: {STOPPED}" in stored.notes


# Each page's own limits were constants (120 s to render, 300 s to read); they are settings now, and what they say is
# what stops a page. A thousandth of a second: less than starting pdftoppm or Tesseract takes, let alone their work.


def test_a_page_over_its_render_limit_is_left_unread_with_the_setting_named(monkeypatch):
    require(ocr.available() or None)
    monkeypatch.setenv("G287_OCR_PAGE_RENDER_TIMEOUT", "0.001")
    page = ocr.ocr_page(moa(WEST_MIAMI), 1, dpi=300, language="eng")
    assert (page.words, page.unrenderable) == ([], False)  # may pass: not a page that cannot be rendered
    assert page.error == "rendering the page took longer than its limit of 0.001 s (G287_OCR_PAGE_RENDER_TIMEOUT)"


def test_a_page_over_its_ocr_limit_is_left_unread_with_the_setting_named(sqlite_db, actor, monkeypatch):
    require(ocr.available() or None)
    monkeypatch.setenv("G287_OCR", "auto")
    monkeypatch.setenv("G287_OCR_PAGE_TIMEOUT", "0.001")
    monkeypatch.setenv("G287_OCR_DPI", "72")  # quicker to render: the reading is what is stopped
    stored = store_pdf(sqlite_db, moa(WEST_MIAMI), actor)
    with sqlite_db.session() as session:
        pages = document_detail(session, stored.sha256)["pages_detail"]
    over = "OCR of the page took longer than its limit of 0.001 s (G287_OCR_PAGE_TIMEOUT)"
    assert [(p["source"], p["note"]) for p in pages] == [("unread", over)] * 14
