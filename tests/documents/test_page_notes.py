"""Why a page is unread or unreadable is kept with the page, and shown where the page's reading is shown: the
document's JSON (command and API), `documents show`, its `--page` text, and the document's page on the site."""

from g287.documents.queries import document_detail, page_text
from g287.documents.reading import DocumentReading, ReadPage
from g287.documents.pdftext import Fragment
from g287.documents.store import reread, store_pdf
from tests.documents.pdfmaker import image_page_pdf
from tests.in_process import run_g287


def stored_unread_page(sqlite_db, actor, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_page_pdf(612, 792))  # a page of one image, no text layer: OCR would read it
    return store_pdf(sqlite_db, path, actor, ocr=False)


def test_an_unread_page_keeps_why(sqlite_db, actor, tmp_path):
    stored = stored_unread_page(sqlite_db, actor, tmp_path)
    with sqlite_db.session() as session:
        detail = document_detail(session, stored.sha256)
        text = page_text(session, stored.sha256, 1)
    assert [(p["page"], p["source"], p["note"]) for p in detail["pages_detail"]] == [(1, "unread", "OCR is off")]
    assert (text["source"], text["note"], text["text"]) == ("unread", "OCR is off", "")
    status, out, _err = run_g287(sqlite_db.url, "documents", "show", stored.sha256)
    assert status == 0 and "page 1 (unread): OCR is off" in out.splitlines()
    status, out, _err = run_g287(sqlite_db.url, "documents", "show", stored.sha256, "--page", "1")
    assert status == 0 and out.splitlines()[:2] == [f"page 1 of {stored.sha256[:12]}, read from unread:", "(OCR is off)"]


def test_a_page_read_with_nothing_to_say_has_no_note(sqlite_db, actor, tmp_path):
    stored = stored_unread_page(sqlite_db, actor, tmp_path)
    read = DocumentReading("scan.pdf", 1, [ReadPage(1, "ocr", [Fragment(0.1, 0.1, 0.5, 0.12, "Memorandum of Agreement", "ocr")], 90.0)], "OCR")
    reread(sqlite_db, stored.sha256, actor, reading=read)
    with sqlite_db.session() as session:
        assert [(p["source"], p["note"]) for p in document_detail(session, stored.sha256)["pages_detail"]] == [("ocr", None)]
    status, out, _err = run_g287(sqlite_db.url, "documents", "show", stored.sha256, "--page", "1")
    assert status == 0 and out.splitlines() == [f"page 1 of {stored.sha256[:12]}, read from ocr:", "Memorandum of Agreement"]


def test_the_site_and_the_api_show_the_note_escaped(sqlite_db, actor, tmp_path):
    from starlette.testclient import TestClient

    from g287.web.app import create_app

    stored = stored_unread_page(sqlite_db, actor, tmp_path)
    odd = "<b>not rendered</b> & lost"
    reread(sqlite_db, stored.sha256, actor, reading=DocumentReading("scan.pdf", 1, [ReadPage(1, "unreadable", [], note=odd)], "test"))
    client = TestClient(create_app(sqlite_db))
    api = client.get(f"/api/v1/documents/{stored.sha256}")
    assert api.status_code == 200 and [(p["source"], p["note"]) for p in api.json()["pages_detail"]] == [("unreadable", odd)]
    page = client.get(f"/documents/{stored.sha256}")
    assert page.status_code == 200
    assert "<li>Page 1 (unreadable): &lt;b&gt;not rendered&lt;/b&gt; &amp; lost</li>" in page.text and odd not in page.text


def test_the_page_counts_are_worded_as_the_site_words_them(sqlite_db, actor, tmp_path):
    # "14 pages (3 text layer, 12 OCR, 0 unread)" read as 15 pages: a page of both is counted in both.
    stored = stored_unread_page(sqlite_db, actor, tmp_path)
    status, out, _err = run_g287(sqlite_db.url, "documents", "show", stored.sha256)
    assert status == 0 and "1 page: 0 with a text layer, 0 read by OCR, 1 unread" in out
