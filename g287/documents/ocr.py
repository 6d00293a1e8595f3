"""OCR of pages without a text layer: poppler's `pdftoppm` renders a page, Tesseract reads it.

Tesseract is told to use one thread (OMP_THREAD_LIMIT=1): its own threading costs more than it gains on small
machines, and pages are read in parallel instead, one Tesseract process per core. The threads of the pool only
wait for those processes, so they use every core without Python's lock in the way.

Tesseract's TSV output gives every word with its box and confidence; words are grouped into fragments (runs of
words on one line without a wide gap), so OCR'd pages have the same positioned form as text-layer pages.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from g287.documents import settings
from g287.documents.pdftext import Fragment, clean

# A document's OCR as a whole is bounded too (G287_OCR_DOCUMENT_TIMEOUT, passed in as `document_seconds`): bounded page
# by page only (PageLimits), a scan of many pages could take pages x (render + read).
# A page poppler cannot allocate (its size in pixels too large: a huge MediaBox, a huge dpi) is answered with a 1 x 1
# pixel image and exit status 0 ("Bogus memory allocation size" on stderr); no page OCR can read is that small.
MIN_RENDERED_PIXELS = 8


@dataclass(frozen=True)
class Word:
    line: tuple  # Tesseract's (block, paragraph, line) numbers
    box: Fragment  # one word, positioned as a fraction of the page


@dataclass
class OcrPage:
    number: int
    words: list[Word]
    confidence: float | None  # mean word confidence, 0-100
    error: str | None = None
    unrenderable: bool = False  # the error is that the page cannot be rendered (not a failure that may pass)

    def fragments(self, keep=lambda box: True) -> list[Fragment]:
        """The words grouped into fragments, leaving out the words `keep` rejects (e.g. words a text layer has)."""
        return group_words([w for w in self.words if keep(w.box)])


@cache
def tesseract_version() -> str | None:
    """'tesseract 5.3.0', or None when Tesseract or pdftoppm is not installed."""
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        return None
    try:
        output = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    first = (output.stdout or output.stderr).strip().splitlines()
    return first[0].strip() if first else "tesseract"


def available() -> bool:
    return tesseract_version() is not None


@dataclass(frozen=True)
class PageLimits:
    """Seconds one page may take to render and to read (G287_OCR_PAGE_RENDER_TIMEOUT, G287_OCR_PAGE_TIMEOUT): a page
    that takes longer is left unread rather than holding a sync."""

    render: float
    read: float

    @classmethod
    def from_settings(cls) -> "PageLimits":
        return cls(settings.ocr_page_render_timeout(), settings.ocr_page_timeout())


@dataclass(frozen=True)
class DocumentDeadline:
    """When the OCR of one document must stop (time.monotonic), and the limit it was set from, for the note."""

    ends: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> "DocumentDeadline":
        return cls(time.monotonic() + seconds, seconds)

    def left(self) -> float:
        return self.ends - time.monotonic()

    def note(self) -> str:
        return f"not OCR'd: the document's OCR stopped at its time limit of {self.seconds:g} s (G287_OCR_DOCUMENT_TIMEOUT)"


def _time_for(limit: float, deadline: DocumentDeadline | None) -> tuple[float, bool]:
    """The seconds a step may take (its own limit, or what is left of the document's if less), and whether the
    document's time is what bounds it."""
    if deadline is None or deadline.left() >= limit:
        return limit, False
    return max(deadline.left(), 0.0), True


def ocr_page(pdf: Path, number: int, *, dpi: int, language: str, deadline: DocumentDeadline | None = None, limits: PageLimits | None = None) -> OcrPage:
    """Render one page (1-based) and read it, within the page's limits (default: the settings') and what is left of
    the document's."""
    limits = limits or PageLimits.from_settings()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    if deadline is not None and deadline.left() <= 0:
        return OcrPage(number, [], None, deadline.note())
    with tempfile.TemporaryDirectory(prefix="g287-ocr-") as folder:
        image = Path(folder) / "page"
        seconds, document_bound = _time_for(limits.render, deadline)
        try:
            rendered = subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", "-f", str(number), "-l", str(number), str(pdf), str(image)],
                capture_output=True,
                timeout=seconds,
            )
        except subprocess.TimeoutExpired:
            return OcrPage(number, [], None, deadline.note() if document_bound else _over("rendering the page", limits.render, "G287_OCR_PAGE_RENDER_TIMEOUT"))
        png = image.with_suffix(".png")
        if rendered.returncode != 0 or not png.exists():
            return OcrPage(number, [], None, "the page cannot be rendered: " + _first_line(rendered.stderr), unrenderable=True)
        width, height = png_size(png)
        if width < MIN_RENDERED_PIXELS or height < MIN_RENDERED_PIXELS:
            why = f"the page cannot be rendered at {dpi} dpi: pdftoppm made an image of {width} x {height} pixels ({_first_line(rendered.stderr)})"
            return OcrPage(number, [], None, why, unrenderable=True)
        seconds, document_bound = _time_for(limits.read, deadline)
        try:
            result = subprocess.run(
                ["tesseract", str(png), "stdout", "-l", language, "--psm", "3", "tsv"], capture_output=True, env=env, timeout=seconds
            )
        except subprocess.TimeoutExpired:
            return OcrPage(number, [], None, deadline.note() if document_bound else _over("OCR of the page", limits.read, "G287_OCR_PAGE_TIMEOUT"))
        if result.returncode != 0:
            return OcrPage(number, [], None, "Tesseract failed: " + _first_line(result.stderr))
        words, confidence = parse_tsv(result.stdout.decode("utf-8", "replace"))
        return OcrPage(number, words, confidence)


def ocr_pages(pdf: Path, numbers: list[int], *, dpi: int, language: str, workers: int, document_seconds: float | None = None) -> dict[int, OcrPage]:
    """OCR several pages of one PDF in parallel (one Tesseract process per worker), all within `document_seconds`:
    a page still being read then is stopped, and a page not begun is not; both are left with the document's limit
    as their error, as a page over its own limit is (the pages read before are kept)."""
    if not numbers:
        return {}
    deadline = DocumentDeadline.after(document_seconds) if document_seconds is not None else None
    limits = PageLimits.from_settings()  # read once, not by each page's thread
    if workers <= 1 or len(numbers) == 1:
        return {n: ocr_page(pdf, n, dpi=dpi, language=language, deadline=deadline, limits=limits) for n in numbers}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda n: ocr_page(pdf, n, dpi=dpi, language=language, deadline=deadline, limits=limits), numbers)
        return {page.number: page for page in results}


def _over(step: str, seconds: float, setting: str) -> str:
    return f"{step} took longer than its limit of {seconds:g} s ({setting})"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG image, from its header (0 x 0 when it is not a PNG)."""
    with open(path, "rb") as handle:
        head = handle.read(24)
    if len(head) < 24 or not head.startswith(b"\x89PNG\r\n\x1a\n") or head[12:16] != b"IHDR":
        return 0, 0
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def parse_tsv(tsv: str) -> tuple[list[Word], float | None]:
    """Every word of Tesseract's TSV output with its box (as fractions of the page) and the mean confidence."""
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    width = height = 0.0
    raw: list[tuple[tuple, float, float, float, float, str]] = []
    confidences: list[float] = []
    for row in reader:
        try:
            level = int(row["level"])
            left, top, w, h = (float(row[k]) for k in ("left", "top", "width", "height"))
            conf = float(row["conf"])
        except (KeyError, TypeError, ValueError):
            continue
        if level == 1:
            width, height = w, h
            continue
        text = clean(row.get("text") or "")
        if level != 5 or not text:
            continue
        confidences.append(conf)
        raw.append(((row["page_num"], row["block_num"], row["par_num"], row["line_num"]), left, top, left + w, top + h, text))
    if not width or not height:
        return [], None
    words = [Word(key, Fragment(l / width, t / height, r / width, b / height, text, "ocr")) for key, l, t, r, b, text in raw]
    return words, (sum(confidences) / len(confidences) if confidences else None)


def group_words(words: list[Word]) -> list[Fragment]:
    """Words of one line, split where the gap is wider than about two letters' height (the gutter between the two
    columns of a signature block), become fragments."""
    lines: dict[tuple, list[Fragment]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word.box)
    fragments: list[Fragment] = []
    for boxes in lines.values():
        boxes.sort(key=lambda b: b.x0)
        line_height = max(1e-4, sorted(b.y1 - b.y0 for b in boxes)[len(boxes) // 2])
        group = [boxes[0]]
        for box in boxes[1:]:
            if box.x0 - group[-1].x1 > 2.5 * line_height:
                fragments.append(_merge(group))
                group = [box]
            else:
                group.append(box)
        fragments.append(_merge(group))
    return fragments


def _merge(boxes: list[Fragment]) -> Fragment:
    return Fragment(
        min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes),
        " ".join(b.text for b in boxes), "ocr",
    )


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    return (text[-1] if text else "no message")[:200]
