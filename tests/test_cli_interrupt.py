"""Progress on the command line: a progress bar is drawn only on a terminal."""

from __future__ import annotations

import pytest

from tests.conftest import ICE
from tests.in_process import run_g287

PENDING = [ICE / "pending" / "pendingAgencies05152025am.xlsx", ICE / "pending" / "pendingAgencies05302025pm.xlsx"]


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("G287_HOME", str(tmp_path))
    monkeypatch.delenv("G287_DATABASE_URL", raising=False)
    return str(tmp_path / "cli.sqlite")


def test_no_progress_bar_when_stderr_is_not_a_terminal(database):
    """Piped, the bar drew nothing but still left a blank line on stderr."""
    status, out, err = run_g287(database, "ingest", *map(str, PENDING))
    assert status == 0 and err == "" and out.count("ingested as publication") == 2
