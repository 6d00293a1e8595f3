"""Fixtures of the document archive tests.

OCR is slow on small machines, so it runs once per test session and on two pages only (pages 1 and 9 of the
image-only West Miami MOA: the title with the model, and the signature page with ICE's date). Without Tesseract
those tests are skipped with one line (with CI=true they fail instead). Every other test reads text layers; the
tests that store the same MOAs test after test, and the fixtures that import them, read each one's text layer once
per test process (text_layers_read_once, tests/text_layers.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from g287.access import Actor
from g287.db.engine import Database
from g287.documents import ocr
from g287.documents.importer import import_paths
from g287.documents.reading import read_pdf
from g287.documents.store import reread
from g287.registry.ingest import ingest_file
from tests.conftest import ICE, IN_CI, MOA_DIR, make_database
from tests.documents.fakeice import FakeIce
from tests.text_layers import read_text_layers_once

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
    """The reading (or any truthy value), or the test skipped for want of Tesseract; failed with CI=true, where the
    tools must be there (.ci/run installs them) and a skip would hide that nothing was read."""
    if reading is None:
        if IN_CI:
            pytest.fail("CI=true but " + NO_OCR_REASON)
        pytest.skip(NO_OCR_REASON)
    return reading


@pytest.fixture
def text_layers_read_once(monkeypatch):
    """Each PDF's text layer read once per test process, by its content (tests/text_layers.py)."""
    read_text_layers_once(monkeypatch)


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
        patch.setenv("G287_WORKERS", "2")  # the text layers are read by a pool of processes (the first time)
        read_text_layers_once(patch)  # the other dialect's library, and the site's fixture, read the same ten MOAs
        ingest_file(database, PUBLICATION, actor)
        report = import_paths(database, [str(MOA_DIR)], actor)
        assert not report.errors and len(report.results) == 10
        if ocr_reading is not None:
            west_miami = next(r for r in report.results if r.file == WEST_MIAMI)
            reread(database, west_miami.sha256, actor, reading=ocr_reading)
    yield Library(database, folder / "archive", report)
    close()


@pytest.fixture
def hosts():
    """Two hosts: `first` redirects, `second` (another port: another host for robots.txt and the delay) is reached."""
    first, second = FakeIce().start(), FakeIce().start()
    yield first, second
    first.stop()
    second.stop()
