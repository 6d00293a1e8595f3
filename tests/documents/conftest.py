"""Fixtures of the document archive tests.

OCR is slow on small machines, so it runs once per test session and on two pages only (pages 1 and 9 of the
image-only West Miami MOA: the title with the model, and the signature page with ICE's date). Without Tesseract
those tests are skipped with one line (with CI=true they fail instead). Every other test reads text layers; the
tests that store the same MOAs test after test read each one's text layer once per session (text_layers_read_once).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import pytest

from g287.access import Actor
from g287.db.engine import Database
from g287.documents import ocr
from g287.documents import reading as reading_module
from g287.documents.archive import sha256_of
from g287.documents.importer import import_paths
from g287.documents.reading import read_pdf
from g287.documents.store import reread
from g287.registry.ingest import ingest_file
from tests.conftest import ICE, IN_CI, MOA_DIR, make_database

WEST_MIAMI = "westMiamiPoliceDeptFL_TFM_MOA_03.20.25.pdf"
PUBLICATION = ICE / "participating" / "participatingAgencies07092025am.xlsx"  # links all ten MOAs in tests/data/moa
NO_OCR_REASON = "Tesseract (tesseract-ocr) or pdftoppm (poppler-utils) is not installed: OCR tests skipped"


def moa(name: str) -> Path:
    return MOA_DIR / name


@pytest.fixture(autouse=True)
def documents_settings(monkeypatch, tmp_path):
    """Each test: its own archive directory, OCR off unless asked for, no waiting between requests."""
    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(tmp_path / "archive"))
    monkeypatch.setenv("G287_OCR", "off")
    monkeypatch.setenv("G287_WORKERS", "1")
    monkeypatch.setenv("G287_SYNC_DELAY", "0")
    monkeypatch.setenv("G287_SYNC_BACKOFF", "0")
    monkeypatch.setenv("G287_SYNC_TIMEOUT", "1")
    monkeypatch.setenv("G287_SYNC_RETRIES", "1")


@pytest.fixture
def sqlite_db(tmp_path) -> Database:
    """For tests of behaviour that does not depend on the database (HTTP, files): SQLite only, to keep the suite fast."""
    database, close = make_database("sqlite", tmp_path)
    yield database
    close()


@pytest.fixture(scope="session")
def ocr_reading():
    """The West Miami MOA (no text layer) read with OCR of pages 1 and 9, once per session; None without Tesseract."""
    if not ocr.available():
        if IN_CI:
            pytest.fail("CI=true but " + NO_OCR_REASON)
        return None
    return read_pdf(moa(WEST_MIAMI), ocr=True, only_pages={1, 9}, workers=2)


def require(reading):
    if reading is None:
        pytest.skip(NO_OCR_REASON)
    return reading


_text_layers: dict[str, reading_module.TextLayer] = {}  # the sha256 of a PDF's content -> its text layer, as first read


@pytest.fixture
def text_layers_read_once(monkeypatch):
    """Each PDF's text layer read once per test session, by its content, for tests about what is done with a reading
    (fetching, storing, linking, listing), not about reading: the sync and archive tests store the same MOAs in test
    after test, and pdfminer's reading of them (seconds each) was most of their time. The first test to meet a file
    reads it with the real reader (a fault there fails it); later tests get a copy of that layer, which is what
    pdfminer gives again for the same bytes. Everything after it (OCR, extraction, storing) runs as usual; a file
    that cannot be read is read, and refused, each time."""
    read = reading_module.read_text_layer

    def read_once(path):
        try:
            sha256 = sha256_of(path)[0]
        except OSError:  # the reader says what is wrong with a file that cannot be opened
            return read(path)
        if sha256 not in _text_layers:
            _text_layers[sha256] = copy.deepcopy(read(path))
        layer = copy.deepcopy(_text_layers[sha256])
        layer.name = Path(path).name
        return layer

    monkeypatch.setattr(reading_module, "read_text_layer", read_once)


@dataclass
class Library:
    db: Database
    archive: Path
    report: object


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def library(request, tmp_path_factory, ocr_reading) -> Library:
    """A database with ICE's list of 2025-07-09 and the ten MOAs imported (text layers; the West Miami MOA with its
    two OCR'd pages when Tesseract is there), shared by the tests that only read."""
    folder = tmp_path_factory.mktemp("library")
    database, close = make_database(request.param, folder)
    actor = Actor.command_line()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("G287_DOCUMENTS_DIR", str(folder / "archive"))
        patch.setenv("G287_OCR", "off")
        patch.setenv("G287_WORKERS", "2")  # the text layers are read by a pool of processes
        ingest_file(database, PUBLICATION, actor)
        report = import_paths(database, [str(MOA_DIR)], actor)
        assert not report.errors and len(report.results) == 10
        if ocr_reading is not None:
            west_miami = next(r for r in report.results if r.file == WEST_MIAMI)
            reread(database, west_miami.sha256, actor, reading=ocr_reading)
    yield Library(database, folder / "archive", report)
    close()
