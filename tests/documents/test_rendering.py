"""Pages that cannot be rendered for OCR (too large in pixels: a huge page, a huge resolution). poppler's pdftoppm
answers them with a 1 x 1 pixel image and exit status 0; such a page is unreadable, with the reason, never "read
by OCR" with no text, and a page OCR'd before keeps its text."""

import shutil

import pytest

from g287.documents import ocr
from g287.documents.reading import DocumentReading, ReadPage, read_pdf
from g287.documents.pdftext import Fragment
from g287.documents.store import reread, store_pdf
from g287.errors import G287Error
from tests.conftest import IN_CI, snapshot
from tests.documents.pdfmaker import image_page_pdf
from tests.in_process import run_g287

# Skipped without the tools, except with CI=true, where they must be there (.ci/run installs them): run there, the
# tests fail without them rather than pass as skipped.
needs_pdftoppm = pytest.mark.skipif(not shutil.which("pdftoppm") and not IN_CI, reason="pdftoppm (poppler-utils) is not installed")
needs_ocr = pytest.mark.skipif(not ocr.available() and not IN_CI, reason="Tesseract (tesseract-ocr) or pdftoppm (poppler-utils) is not installed")


def huge_page(tmp_path):
    """A page of 200 x 200 inches (60,000 x 60,000 pixels at 300 dpi): more than poppler can allocate."""
    path = tmp_path / "huge.pdf"
    path.write_bytes(image_page_pdf(14400, 14400))
    return path


@needs_pdftoppm
@pytest.mark.parametrize("size, dpi", [(14400, 300), (612, 20000)], ids=["huge page", "huge resolution"])
def test_a_page_rendered_as_one_pixel_is_an_error_not_an_empty_ocr(tmp_path, size, dpi):
    path = tmp_path / "page.pdf"
    path.write_bytes(image_page_pdf(size, size))
    page = ocr.ocr_page(path, 1, dpi=dpi, language="eng")
    assert page.unrenderable and page.words == [] and page.confidence is None
    assert page.error == f"the page cannot be rendered at {dpi} dpi: pdftoppm made an image of 1 x 1 pixels (Bogus memory allocation size)"


@needs_ocr
def test_a_page_that_cannot_be_rendered_is_unreadable_with_its_reason(tmp_path):
    reading = read_pdf(huge_page(tmp_path), ocr=True)
    (page,) = reading.pages
    assert page.source == "unreadable" and page.text == "" and "the page cannot be rendered at 300 dpi" in page.note
    assert (reading.ocr_pages, reading.unread_pages) == (0, 1)


@needs_ocr
def test_reading_again_keeps_the_ocr_text_of_a_page_that_cannot_be_rendered_now(sqlite_db, actor, tmp_path, monkeypatch):
    path = huge_page(tmp_path)
    stored = store_pdf(sqlite_db, path, actor, ocr=False)
    earlier = DocumentReading(path.name, 1, [ReadPage(1, "ocr", [Fragment(0.1, 0.1, 0.5, 0.12, "Memorandum of Agreement", "ocr")], 91.0)], "earlier OCR")
    reread(sqlite_db, stored.sha256, actor, reading=earlier)  # as an earlier OCR that could render it left it
    monkeypatch.setenv("G287_OCR", "auto")
    again = reread(sqlite_db, stored.sha256, actor, ocr=True)
    assert (again.ocr_pages, again.unread_pages) == (1, 0)
    assert again.notes == ["page 1: its earlier OCR text is kept (this time: the page cannot be rendered at 300 dpi: pdftoppm made an image of 1 x 1 pixels (Bogus memory allocation size))"]
    status, out, _err = run_g287(sqlite_db.url, "documents", "show", stored.sha256, "--page", "1")
    assert status == 0 and out.splitlines() == [
        f"page 1 of {stored.sha256[:12]}, read from ocr:",
        f"({again.notes[0].removeprefix('page 1: ')})",  # the note is kept with the page
        "Memorandum of Agreement",
    ]


@pytest.mark.parametrize("command", [["documents", "import", "{pdf}"], ["documents", "read", "--unread"], ["sync", "--source", "http://127.0.0.1:9/"]])
def test_a_resolution_beyond_the_maximum_is_refused_before_anything_is_done(sqlite_db, tmp_path, monkeypatch, command):
    path = huge_page(tmp_path)
    monkeypatch.setenv("G287_OCR_DPI", "20000")
    before = snapshot(sqlite_db)
    status, out, err = run_g287(sqlite_db.url, *[part.format(pdf=path) for part in command])
    assert (status, out) == (1, "")
    assert err.splitlines() == ["g287: error: setting G287_OCR_DPI='20000': must be at most 1200 dots per inch (OCR reads best at 300)"]
    assert snapshot(sqlite_db) == before


def test_the_resolution_has_a_minimum_and_a_maximum(monkeypatch):
    from g287.documents import settings

    for value, accepted in (("72", 72), ("1200", 1200)):
        monkeypatch.setenv("G287_OCR_DPI", value)
        assert settings.ocr_dpi() == accepted
    for value in ("71", "1201", "20000", "1200.0"):
        monkeypatch.setenv("G287_OCR_DPI", value)
        with pytest.raises(G287Error, match="G287_OCR_DPI"):
            settings.ocr_dpi()
