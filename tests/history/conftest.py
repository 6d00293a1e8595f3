"""Fixtures of the history tests."""

import pytest


@pytest.fixture
def alias_file(tmp_path, monkeypatch):
    """An empty alias table of the test's own (never the repository's), with a comment line as the real one has."""
    path = tmp_path / "aliases.csv"
    path.write_text("# reviewed aliases (test)\nstate,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(path))
    return path


@pytest.fixture
def table(tmp_path, monkeypatch):
    """The reviewed alias table, in a copy the test may write."""
    from g287.history.aliases import path as alias_path

    copy = tmp_path / "aliases.csv"
    copy.write_bytes(alias_path().read_bytes())
    monkeypatch.setenv("G287_ALIASES_FILE", str(copy))
    return copy
