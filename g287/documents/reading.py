"""Reading a PDF: the text layer first, then OCR of the pages that have images but (almost) no text.

Every page ends with a source saying how it was read: `text` (its text layer), `ocr`, `text+ocr` (a scanned page
with a few typed words in a text layer: both kept, OCR words that overlap text-layer words dropped), `unread`
(images without text, not OCR'd: OCR off or not installed), `blank` (no text, no images) or `unreadable` (the page
cannot be parsed nor rendered). Nothing is invented: an unread page is unread.

Text layers are read in worker processes (pdfminer is pure Python: one per core reads that many files at once),
each file within G287_TEXT_LAYER_TIMEOUT: pdfminer can take hours over a PDF made to stall it, and only a process
can be stopped. OCR runs one Tesseract process per core.
"""

from __future__ import annotations

import tomllib
import zlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from g287.config import DATA_DIR
from g287.documents import ocr as ocr_module
from g287.documents import settings
from g287.documents.pdftext import DocumentError, Fragment, PageLayout, check_pdf, load_readers, pdfminer_version, text_layer
from g287.documents.timed_workers import run_each


@cache
def reading_rules() -> dict:
    with open(DATA_DIR / "rules" / "documents.toml", "rb") as handle:
        return tomllib.load(handle)


@dataclass
class ReadPage:
    number: int
    source: str  # text | ocr | text+ocr | unread | blank | unreadable
    fragments: list[Fragment]
    ocr_confidence: float | None = None
    note: str | None = None

    @property
    def text(self) -> str:
        return page_text(self.fragments)

    @property
    def characters(self) -> int:
        return sum(sum(ch.isalnum() for ch in f.text) for f in self.fragments)

    @property
    def read(self) -> bool:
        """Whether every part of the page that could hold text was read."""
        return self.source in ("text", "ocr", "text+ocr", "blank")

    def layout_blob(self) -> bytes:
        return zlib.compress(json.dumps([f.as_list() for f in self.fragments], ensure_ascii=False).encode(), 6)


def fragments_of_blob(blob: bytes | None) -> list[Fragment]:
    if not blob:
        return []
    return [Fragment.from_list(v) for v in json.loads(zlib.decompress(blob))]


@dataclass
class DocumentReading:
    name: str
    page_count: int
    pages: list[ReadPage] = field(default_factory=list)
    reader: str = ""

    @property
    def text_pages(self) -> int:
        return sum(p.source in ("text", "text+ocr") for p in self.pages)

    @property
    def ocr_pages(self) -> int:
        return sum(p.source in ("ocr", "text+ocr") for p in self.pages)

    @property
    def unread_pages(self) -> int:
        return sum(p.source in ("unread", "unreadable") for p in self.pages)


@dataclass
class TextLayer:
    """What the first, pure-Python step gives (picklable, so it can come from a worker process)."""

    name: str
    page_count: int
    layouts: list[PageLayout]


def read_text_layer(path: Path) -> TextLayer:
    """Check the file is a readable PDF and read its text layer, in this process and without a time limit (what a
    worker of read_text_layers does); DocumentError otherwise."""
    path = Path(path)
    page_count = check_pdf(path)
    return TextLayer(path.name, page_count, text_layer(path, page_count))


def _text_layer_or_error(path: str) -> TextLayer | DocumentError:
    """Run in a worker process: whatever goes wrong comes back as a DocumentError (picklable: see its __reduce__),
    so one bad file is reported alone and never breaks the pool, nor stops the other files."""
    try:
        return read_text_layer(Path(path))
    except DocumentError as error:
        return error
    except Exception as error:  # a reader failure check_pdf and text_layer did not foresee: this file only
        problem = " ".join(str(error).split())[:200] or type(error).__name__
        return DocumentError(Path(path).name, f"could not be read ({type(error).__name__}: {problem})")


def read_text_layers(paths: list[Path], workers: int | None = None) -> list[TextLayer | DocumentError]:
    """The text layers of PDFs, in the order given, read by worker processes (every core by default; one, for one
    file), each file within G287_TEXT_LAYER_TIMEOUT: a file over it is a DocumentError, its worker killed."""
    seconds = settings.text_layer_timeout()

    def overdue(path: str) -> DocumentError:
        return DocumentError(
            Path(path).name, f"too slow to read: its text layer was not read within {seconds:g} s (G287_TEXT_LAYER_TIMEOUT), far longer than any MOA takes; not read"
        )

    def ended(path: str, status: int | None) -> DocumentError:
        return DocumentError(Path(path).name, f"could not be read (the process reading it ended with exit status {status})")

    return run_each(
        _text_layer_or_error, [str(p) for p in paths], workers=workers or settings.workers(), seconds=seconds, overdue=overdue, ended=ended, preload=load_readers
    )


def needs_ocr(layout: PageLayout) -> bool:
    threshold = int(reading_rules()["reading"]["ocr_below_characters"])
    return layout.error is not None or (layout.has_images and layout.characters < threshold)


def complete_reading(path: Path, layer: TextLayer, *, ocr: bool | None = None, only_pages: set[int] | None = None, workers: int | None = None) -> DocumentReading:
    """Add OCR to a text layer where pages need it (all such pages, or those in `only_pages`)."""
    ocr = settings.ocr_enabled() if ocr is None else ocr
    engine = ocr_module.tesseract_version() if ocr else None
    wanted = [l.number for l in layer.layouts if needs_ocr(l) and (only_pages is None or l.number in only_pages)]
    results = {}
    if engine and wanted:
        results = ocr_module.ocr_pages(
            Path(path), wanted, dpi=settings.ocr_dpi(), language=settings.ocr_language(), workers=workers or settings.workers(),
            document_seconds=settings.ocr_document_timeout(),
        )
    reader = pdfminer_version() + (f"; {engine} ({settings.ocr_language()}, {settings.ocr_dpi()} dpi)" if results else "")
    reading = DocumentReading(layer.name, layer.page_count, reader=reader)
    for layout in layer.layouts:
        reading.pages.append(_page(layout, results.get(layout.number), needs_ocr(layout), ocr, engine))
    return reading


def read_pdf(path: Path, *, ocr: bool | None = None, only_pages: set[int] | None = None, workers: int | None = None) -> DocumentReading:
    """Read one PDF completely (text layer, within its time limit, then OCR where needed); DocumentError if it is not
    a readable PDF."""
    (layer,) = read_text_layers([Path(path)], workers=1)
    if isinstance(layer, DocumentError):
        raise layer
    return complete_reading(Path(path), layer, ocr=ocr, only_pages=only_pages, workers=workers)


def _page(layout: PageLayout, ocr_result, wanted_ocr: bool, ocr_on: bool, engine: str | None) -> ReadPage:
    text_fragments = layout.fragments
    if ocr_result is not None and ocr_result.error is None:
        added = ocr_result.fragments(keep=lambda word: not any(_overlaps(word, t) for t in text_fragments))
        source = "text+ocr" if text_fragments else "ocr"
        return ReadPage(layout.number, source, text_fragments + added, ocr_result.confidence)
    if not wanted_ocr:
        return ReadPage(layout.number, "text" if text_fragments else "blank", text_fragments)
    if ocr_result is not None:
        note = ocr_result.error
    elif not ocr_on:
        note = "OCR is off"
    elif engine is None:
        note = "OCR unavailable: Tesseract (tesseract-ocr) or pdftoppm (poppler-utils) is not installed"
    else:
        note = "not OCR'd in this reading"
    if ocr_result is not None and ocr_result.unrenderable:  # OCR had nothing to read: never "read by OCR, no text"
        return ReadPage(layout.number, "unreadable", text_fragments, note=f"{layout.error}; {note}" if layout.error else note)
    if layout.error and not text_fragments:
        return ReadPage(layout.number, "unreadable" if ocr_result is not None else "unread", [], note=f"{layout.error}; {note}")
    return ReadPage(layout.number, "unread", text_fragments, note=note)


def _overlaps(a: Fragment, b: Fragment) -> bool:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    if width <= 0 or height <= 0:
        return False
    area = max((a.x1 - a.x0) * (a.y1 - a.y0), 1e-9)
    return width * height / area > 0.3


def lines_of(fragments: list[Fragment]) -> list[list[Fragment]]:
    """Fragments grouped into visual lines (top to bottom), each line left to right."""
    ordered = sorted(fragments, key=lambda f: ((f.y0 + f.y1) / 2, f.x0))
    lines: list[list[Fragment]] = []
    centers: list[float] = []
    for fragment in ordered:
        center = (fragment.y0 + fragment.y1) / 2
        tolerance = max(0.004, (fragment.y1 - fragment.y0) * 0.5)
        if lines and abs(center - centers[-1]) <= tolerance:
            lines[-1].append(fragment)
            centers[-1] = sum((f.y0 + f.y1) / 2 for f in lines[-1]) / len(lines[-1])
        else:
            lines.append([fragment])
            centers.append(center)
    return [sorted(line, key=lambda f: f.x0) for line in lines]


def page_text(fragments: list[Fragment]) -> str:
    """The page as lines of text; a wide gap between two fragments of a line (columns) becomes a tab."""
    out = []
    for line in lines_of(fragments):
        parts = [line[0].text]
        for before, fragment in zip(line, line[1:]):
            parts.append("\t" if fragment.x0 - before.x1 > 0.05 else " ")
            parts.append(fragment.text)
        out.append("".join(parts))
    return "\n".join(out)
