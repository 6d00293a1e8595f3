"""Opening a PDF safely and reading its text layer, with the position of every piece of text.

pdfminer.six gives each line of text with its box on the page; positions matter because signature blocks are
two columns (the agency's and ICE's) and only the column tells whose date or name a value is. Positions are
kept as fractions of the page (0-1, top-left origin), the same scale OCR results use.
"""

from __future__ import annotations

import importlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from g287.documents import pdfstreams
from g287.errors import G287Error

# pdfminer and pypdf log every oddity of real-world PDFs as warnings; the reading reports what matters itself.
for _name in ("pdfminer", "pypdf"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_CID = re.compile(r"\(cid:\d+\)")  # glyphs without a Unicode mapping: not text
_NOISE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffd]")
HEAD_BYTES = 1024  # the PDF header may follow a little junk (the format allows it within the first 1024 bytes)


class DocumentError(G287Error):
    """A file that cannot be kept as a PDF: empty, not a PDF, damaged or encrypted."""

    def __init__(self, name: str, problem: str):
        self.name = name
        self.problem = problem
        super().__init__(f"{name}: {problem}")

    def __reduce__(self):
        # Rebuilt from its own arguments: it travels from the worker processes that read text layers, and the
        # default (Exception's args, here the one joined message) would not fit this two-argument __init__.
        return (type(self), (self.name, self.problem))


@dataclass(frozen=True)
class Fragment:
    """A run of text on a page: its box (fractions of the page width/height, from the top left) and its words."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    source: str  # text | ocr

    def as_list(self) -> list:
        return [round(self.x0, 4), round(self.y0, 4), round(self.x1, 4), round(self.y1, 4), self.text, self.source]

    @classmethod
    def from_list(cls, values: list) -> "Fragment":
        return cls(*values)


@dataclass
class PageLayout:
    number: int  # 1-based
    fragments: list[Fragment] = field(default_factory=list)
    has_images: bool = False
    error: str | None = None  # the text layer of this page could not be read

    @property
    def characters(self) -> int:
        return sum(sum(ch.isalnum() for ch in f.text) for f in self.fragments)


def check_pdf(path: Path) -> int:
    """The number of pages of a readable, unencrypted PDF; otherwise one clear DocumentError."""
    import pypdf
    from pypdf.errors import FileNotDecryptedError

    name = path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise DocumentError(name, f"cannot be read ({error.strerror or error})") from None
    if size == 0:
        raise DocumentError(name, "empty file (0 bytes), not a PDF")
    if b"%PDF-" not in head:
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:200]:
            raise DocumentError(name, "not a PDF: it is a web page (HTML), e.g. an error page served instead of the document")
        if head.startswith(b"PK\x03\x04"):
            raise DocumentError(name, "not a PDF: it is a ZIP archive or an Office document")
        raise DocumentError(name, "not a PDF: the file does not start with a PDF header")
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise DocumentError(name, "encrypted PDF: it needs a password to open; g287 keeps only documents anyone can read")
            except (FileNotDecryptedError, NotImplementedError) as error:
                raise DocumentError(name, f"encrypted PDF that cannot be opened ({error})") from None
        pages = len(reader.pages)
    except DocumentError:
        raise
    except Exception as error:  # pypdf raises many kinds on malformed input (PdfReadError, KeyError, ...): "damaged"
        raise DocumentError(name, f"damaged PDF: {_one_line(error)}") from None
    if pages == 0:
        raise DocumentError(name, "damaged PDF: it has no pages")
    return pages


def load_readers() -> None:
    """Import pypdf and pdfminer (about half a second), which check_pdf and text_layer import when first called:
    a worker process does it before its first document, whose time limit is then the reading's alone."""
    for module in ("pypdf", "pdfminer.converter", "pdfminer.layout", "pdfminer.pdfdocument", "pdfminer.pdfinterp", "pdfminer.pdfpage", "pdfminer.pdfparser"):
        importlib.import_module(module)


def text_layer(path: Path, page_count: int) -> list[PageLayout]:
    """The positioned text of every page. A page whose text cannot be parsed keeps no text and says why (OCR may
    still read it); a document whose structure cannot be parsed is a DocumentError."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    pdfstreams.install()
    pages: list[PageLayout] = []
    try:
        with open(path, "rb") as handle, pdfstreams.document_budget() as budget:
            document = PDFDocument(PDFParser(handle), password="")
            manager = PDFResourceManager(caching=True)
            device = PDFPageAggregator(manager, laparams=LAParams(all_texts=True))
            interpreter = PDFPageInterpreter(manager, device)
            for number, page in enumerate(PDFPage.create_pages(document), start=1):
                layout = PageLayout(number)
                try:
                    interpreter.process_page(page)
                    _collect(device.get_result(), layout)
                except pdfstreams.StreamTooLarge:
                    raise
                except Exception as error:  # one damaged page: keep going, say so
                    layout.fragments.clear()
                    layout.error = _one_line(error)
                if budget.exceeded:  # over the limit even where pdfminer caught the exception itself
                    raise pdfstreams.StreamTooLarge(budget.exceeded)
                pages.append(layout)
    except DocumentError:
        raise
    except pdfstreams.StreamTooLarge as error:
        raise DocumentError(path.name, f"damaged or too large PDF: {error}, far more than any MOA; not read") from None
    except Exception as error:
        raise DocumentError(path.name, f"damaged PDF: {_one_line(error)}") from None
    # pypdf and pdfminer count pages alike on sound files; keep the count check_pdf gave, padding if needed
    while len(pages) < page_count:
        pages.append(PageLayout(len(pages) + 1, error="page not found by the text reader"))
    return pages[:page_count] if page_count else pages


def _collect(page, layout: PageLayout) -> None:
    from pdfminer.layout import LTImage, LTTextLine

    width, height = float(page.width) or 1.0, float(page.height) or 1.0
    left, bottom = float(page.x0), float(page.y0)

    def walk(item) -> None:
        if isinstance(item, LTTextLine):
            text = clean(item.get_text())
            if text:
                layout.fragments.append(
                    Fragment(
                        _clip((item.x0 - left) / width),
                        _clip((height - (item.y1 - bottom)) / height),
                        _clip((item.x1 - left) / width),
                        _clip((height - (item.y0 - bottom)) / height),
                        text,
                        "text",
                    )
                )
            return
        if isinstance(item, LTImage):
            layout.has_images = True
            return
        try:
            children = list(item)
        except TypeError:
            return
        for child in children:
            walk(child)

    walk(page)


def clean(text: str) -> str:
    text = _CID.sub("", text)
    text = _NOISE.sub("", text)
    return " ".join(text.split())


def _clip(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


def pdfminer_version() -> str:
    try:
        from importlib.metadata import version

        return f"pdfminer.six {version('pdfminer.six')}"
    except Exception:
        return "pdfminer.six"
