"""Each PDF's text layer read once per test process, by its content.

For tests and fixtures about what is done with a reading (fetching, storing, linking, listing, searching, serving),
not about reading: the sync and archive tests store the same MOAs test after test, and the fixtures of the document
search (one database a dialect) and of the site (site_database_copies) import the same ten MOAs again; pdfminer's
reading of them (about a second each) was most of their time. The first reading of a file is the real reader's (a
fault there fails the test that met it), by its worker processes as the caller asks; later readings get a copy
of that layer, which is what pdfminer gives again for the same bytes. Everything after it (OCR, extraction, storing)
runs as usual; a file that cannot be read is read, and refused, each time. The reading itself is tested without
this (tests/documents/test_reading.py)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from g287.documents import importer
from g287.documents import reading as reading_module
from g287.documents.archive import sha256_of

_text_layers: dict[str, reading_module.TextLayer] = {}  # the sha256 of a PDF's content -> its text layer, as first read


def _digest(path) -> str | None:
    try:
        return sha256_of(Path(path))[0]
    except OSError:  # the reader says what is wrong with a file that cannot be opened
        return None


def _as_named(layer: reading_module.TextLayer, path) -> reading_module.TextLayer:
    copied = copy.deepcopy(layer)
    copied.name = Path(path).name
    return copied


def read_text_layers_once(patch: pytest.MonkeyPatch) -> None:
    """Through `patch`: a PDF read by worker processes (one file's, as read_pdf reads it, or an import's several) is
    read for real only the first time its content is met."""
    read_many = reading_module.read_text_layers

    def read_many_once(paths, workers=None):
        digests = [_digest(path) for path in paths]
        unread = [path for path, sha256 in zip(paths, digests) if sha256 is None or sha256 not in _text_layers]
        fresh = dict(zip(unread, read_many(unread, workers) if unread else []))  # the real reader, workers and all
        for path, sha256 in zip(paths, digests):
            if path in fresh and sha256 is not None and isinstance(fresh[path], reading_module.TextLayer):
                _text_layers.setdefault(sha256, copy.deepcopy(fresh[path]))
        return [fresh[path] if path in fresh else _as_named(_text_layers[sha256], path) for path, sha256 in zip(paths, digests)]

    patch.setattr(reading_module, "read_text_layers", read_many_once)  # read_pdf's (a sync's documents, one at a time)
    patch.setattr(importer, "read_text_layers", read_many_once)
