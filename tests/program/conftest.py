"""Program workflow tests: signed MOA files go to a throwaway folder (also for the commands run as subprocesses)."""

import os
import tempfile

import pytest

os.environ["G287_PROGRAM_FILES_DIR"] = tempfile.mkdtemp(prefix="g287-program-files-")


@pytest.fixture
def program_files(tmp_path, monkeypatch):
    """A folder of its own for tests that look at the stored files."""
    folder = tmp_path / "program-files"
    monkeypatch.setenv("G287_PROGRAM_FILES_DIR", str(folder))
    return folder


@pytest.fixture
def sqlite_db(tmp_path):
    """One SQLite database, for tests whose subject does not depend on the database kind (documents, views)."""
    from tests.conftest import make_database

    database, close = make_database("sqlite", tmp_path)
    yield database
    close()
