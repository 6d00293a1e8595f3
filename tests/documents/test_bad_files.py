"""Corrupt, encrypted, empty and non-PDF files: one clear message each, and the archive (files and database)
exactly as it was."""

import functools
import os
import subprocess
import sys

import pypdf
import random
import pytest

from g287.documents import settings
from g287.documents.archive import Archive
from g287.documents.importer import import_paths
from g287.documents.pdftext import DocumentError
from g287.documents.reading import read_text_layer
from tests.conftest import ROOT, snapshot
from tests.documents.conftest import PUBLICATION, moa
from tests.in_process import Result, run_g287

SOURCE = moa("VictoriaCo_WSO_MOA_02.26.25.pdf")


def truncated(tmp_path):
    path = tmp_path / "truncated.pdf"
    data = SOURCE.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def garbled(tmp_path):
    path = tmp_path / "garbled.pdf"
    data = bytearray(SOURCE.read_bytes())
    data[2000:] = random.Random(287).randbytes(len(data) - 2000)  # a PDF header, then noise (always the same)
    path.write_bytes(bytes(data))
    return path


def encrypted(tmp_path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(SOURCE))
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "encrypted.pdf"
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def web_page(tmp_path):
    path = tmp_path / "VictoriaCo_WSO_MOA_02.26.25.pdf"  # a listed name, but an error page was saved
    path.write_text("<!DOCTYPE html><html><head><title>Page Not Found</title></head><body>Not found</body></html>")
    return path


def workbook(tmp_path):
    path = tmp_path / "workbook.pdf"
    path.write_bytes(PUBLICATION.read_bytes())
    return path


def empty(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    return path


BAD = [
    (truncated, "damaged PDF"),
    (garbled, "damaged PDF"),
    (encrypted, "encrypted PDF: it needs a password"),
    (web_page, "not a PDF: it is a web page"),
    (workbook, "not a PDF: it is a ZIP archive or an Office document"),
    (empty, "empty file"),
]


@pytest.mark.parametrize("make, message", BAD, ids=[m.__name__ for m, _ in BAD])
def test_check_pdf_names_the_problem(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(DocumentError) as caught:
        read_text_layer(path)  # the check, then the text layer (a garbled body passes the first, not the second)
    assert str(caught.value).startswith(f"{path.name}: {message}")
    assert "\n" not in str(caught.value)


def test_bad_files_leave_the_archive_and_database_unchanged(db, actor, tmp_path, text_layers_read_once):
    """The MOA imported first only makes the archive not empty: its text layer is read once per test process
    (text_layers_read_once); the bad files, which give no text layer, are read, and refused, each time."""
    from g287.registry.ingest import ingest_file

    ingest_file(db, PUBLICATION, actor)
    import_paths(db, [str(moa("BurlesonCoTX_WSO_MOA_04.16.2025.pdf"))], actor)  # the archive is not empty
    folder = tmp_path / "bad"
    folder.mkdir()
    for make, _message in BAD:
        make(folder)
    before, files = snapshot(db), Archive(settings.documents_dir()).listing()
    report = import_paths(db, [str(folder)], actor)
    assert len(report.errors) == len(BAD) and not report.results
    assert sorted(e["error"].split(":")[0] for e in report.errors) == sorted(p.name for p in folder.iterdir())
    assert snapshot(db) == before
    assert Archive(settings.documents_dir()).listing() == files and len(files) == 1


def test_the_command_line_reports_one_line_per_bad_file_and_exits_1(tmp_path, monkeypatch):
    for make, _message in BAD[:3]:
        make(tmp_path)
    monkeypatch.setenv("G287_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(tmp_path / "archive"))
    result = Result(*run_g287(None, "documents", "import", str(tmp_path)))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("g287: error: ") for line in lines)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "archive" / "sha256").exists()


# Text layers are read by a pool of processes: a file's error comes back from another process.


def test_a_document_error_survives_the_trip_from_a_worker_process():
    import pickle

    error = pickle.loads(pickle.dumps(DocumentError("junk.pdf", "not a PDF: the file does not start with a PDF header")))
    assert isinstance(error, DocumentError) and (error.name, error.problem) == ("junk.pdf", "not a PDF: the file does not start with a PDF header")
    assert str(error) == "junk.pdf: not a PDF: the file does not start with a PDF header"


def test_bad_files_read_by_several_workers_are_reported_each_and_the_good_ones_read(tmp_path):
    from g287.documents.reading import TextLayer, read_text_layers

    bad = [make(tmp_path) for make, _message in BAD]
    paths = [SOURCE, *bad, moa("BurlesonCoTX_WSO_MOA_04.16.2025.pdf")]
    layers = read_text_layers(paths, workers=3)
    assert [type(layer) for layer in layers] == [TextLayer, *[DocumentError] * len(BAD), TextLayer]
    for layer, (_make, message), path in zip(layers[1:], BAD, bad):
        assert str(layer).startswith(f"{path.name}: {message}")


def test_an_unforeseen_failure_in_a_worker_is_that_file_s_error(tmp_path, monkeypatch):
    from g287.documents import reading

    def fails(_path):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(reading, "read_text_layer", fails)
    error = reading._text_layer_or_error(str(SOURCE))  # what a worker runs (a patch here does not reach a worker)
    assert isinstance(error, DocumentError) and str(error) == f"{SOURCE.name}: could not be read (RecursionError: maximum recursion depth exceeded)"


def test_a_folder_with_a_junk_file_is_imported_by_several_workers(db, actor, tmp_path, monkeypatch):
    monkeypatch.setenv("G287_WORKERS", "2")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / SOURCE.name).write_bytes(SOURCE.read_bytes())
    (folder / "junk.pdf").write_text("junk\n")
    report = import_paths(db, [str(folder)], actor)
    assert [r.file for r in report.results] == [SOURCE.name]
    assert [e["error"] for e in report.errors] == ["junk.pdf: not a PDF: the file does not start with a PDF header"]


def test_the_command_line_imports_with_several_workers(tmp_path):
    """The console command itself (a real process: its exit status, the workers it starts, nothing else on stderr)."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / SOURCE.name).write_bytes(SOURCE.read_bytes())
    (folder / "junk.pdf").write_text("junk\n")
    empty(folder)
    env = dict(os.environ, G287_WORKERS="2", G287_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}", G287_DOCUMENTS_DIR=str(tmp_path / "archive"))
    result = subprocess.run([sys.executable, "-m", "g287", "documents", "import", str(folder), "--no-ocr"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert sorted(result.stderr.strip().splitlines()) == [
        "g287: error: empty.pdf: empty file (0 bytes), not a PDF",
        "g287: error: junk.pdf: not a PDF: the file does not start with a PDF header",
    ]
    assert result.stdout.startswith(f"{SOURCE.name}: stored as ")


# A small file whose streams unpack to gigabytes (a "PDF bomb"): refused before the memory is taken.


@functools.cache
def _bomb_bytes() -> bytes:
    """Made once per test process: compressing the 32 MB took half a second, and the bytes are the same each time."""
    from g287.documents.pdfstreams import MAX_STREAM_BYTES
    from tests.documents.pdfmaker import TEXT_PAGE, flate, pages_pdf

    return pages_pdf([flate(TEXT_PAGE + b" " * MAX_STREAM_BYTES)])


def bomb(tmp_path, name="bomb.pdf"):
    """A 33 KB PDF whose one page unpacks to just over the limit of one stream (32 MB of spaces after a line)."""
    path = tmp_path / name
    path.write_bytes(_bomb_bytes())
    return path


def test_a_page_that_unpacks_beyond_the_limit_is_refused_and_changes_nothing(db, actor, tmp_path, text_layers_read_once):
    """As test_bad_files_leave_the_archive_and_database_unchanged: the MOA imported first (the archive is not empty) is
    read once per test process; the bomb, refused, is read each time."""
    from g287.registry.ingest import ingest_file

    ingest_file(db, PUBLICATION, actor)
    import_paths(db, [str(moa("BurlesonCoTX_WSO_MOA_04.16.2025.pdf"))], actor)
    path = bomb(tmp_path)
    assert path.stat().st_size < 100_000
    before, files = snapshot(db), Archive(settings.documents_dir()).listing()
    report = import_paths(db, [str(path)], actor)
    assert not report.results
    assert [e["error"] for e in report.errors] == [
        "bomb.pdf: damaged or too large PDF: a stream unpacks to more than 32 MB, far more than any MOA; not read"
    ]
    assert snapshot(db) == before and Archive(settings.documents_dir()).listing() == files


def test_the_streams_of_one_document_together_have_a_limit(tmp_path, monkeypatch):
    from g287.documents import pdfstreams
    from tests.documents.pdfmaker import TEXT_PAGE, flate, pages_pdf

    monkeypatch.setattr(pdfstreams, "MAX_STREAM_BYTES", 1024 * 1024)
    monkeypatch.setattr(pdfstreams, "MAX_DOCUMENT_BYTES", 3 * 1024 * 1024)
    page = flate(TEXT_PAGE + b" " * 900_000)  # under the limit of a stream
    fits, too_many = tmp_path / "fits.pdf", tmp_path / "too_many.pdf"
    fits.write_bytes(pages_pdf([page] * 3))
    too_many.write_bytes(pages_pdf([page] * 4))
    assert [layout.fragments[0].text for layout in read_text_layer(fits).layouts] == ["Memorandum of Agreement"] * 3
    with pytest.raises(DocumentError, match=r"^too_many.pdf: damaged or too large PDF: its streams unpack to more than 3 MB in all"):
        read_text_layer(too_many)


def test_every_filter_that_can_expand_stops_at_the_limit():
    import zlib

    from pypdf._codecs._codecs import LzwCodec

    from g287.documents.pdfstreams import StreamTooLarge, inflate, lzw, run_length

    data = b"a" * 100_000
    run = bytes([129, ord("a")]) * 800 + b"\x80"  # 800 runs of 128 a's
    assert inflate(zlib.compress(data), 100_000) == data
    assert lzw(LzwCodec().encode(data), 100_000) == data
    assert run_length(run, 102_400) == b"a" * 102_400
    for unpack, packed in ((inflate, zlib.compress(data)), (lzw, LzwCodec().encode(data)), (run_length, run)):
        with pytest.raises(StreamTooLarge, match="a stream unpacks to more than 1,000 bytes"):
            unpack(packed, 1000)


def test_damaged_compressed_streams_read_as_pdfminer_reads_them():
    """A stream cut short gives what it holds; one whose checksum (its last bytes) is wrong, all of it; one damaged
    earlier, nothing."""
    import zlib

    from g287.documents.pdfstreams import inflate

    data = bytes(range(256)) * 1000
    packed = zlib.compress(data)
    assert data.startswith(inflate(packed[: len(packed) // 2], 10**6)) and len(inflate(packed[: len(packed) // 2], 10**6)) > 1000
    assert inflate(packed[:-1] + bytes([packed[-1] ^ 0xFF]), 10**6) == data
    assert inflate(packed[:2] + b"\xff" * 50 + packed[52:], 10**6) == b""


def test_the_command_line_refuses_a_pdf_bomb_in_one_line(tmp_path, monkeypatch):
    path = bomb(tmp_path)
    monkeypatch.setenv("G287_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(tmp_path / "archive"))
    result = Result(*run_g287(None, "documents", "import", str(path)))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [f"g287: error: {path.name}: damaged or too large PDF: a stream unpacks to more than 32 MB, far more than any MOA; not read"]
    assert not (tmp_path / "archive" / "sha256").exists()
