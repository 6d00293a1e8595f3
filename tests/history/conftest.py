"""Fixtures of the history tests."""

import pytest


@pytest.fixture
def alias_file(tmp_path, monkeypatch):
    """An empty alias table of the test's own (never the repository's), with a comment line as the real one has."""
    path = tmp_path / "aliases.csv"
    path.write_text("# reviewed aliases (test)\nstate,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(path))
    return path
