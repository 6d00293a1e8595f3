"""The alias table is parsed once per content (every ingest reads it): what load() returns must still be the file
as it is now, and a copy of its own."""

import os

import pytest

from g287.errors import G287Error
from g287.history import aliases

HEADER = "state,name,relation,other_name,reason,reviewed\n"


def test_a_change_of_the_file_is_read_even_at_the_same_size_and_time(alias_file):
    alias_file.write_text(HEADER + "TX,Foo Police Department,same,Bar Police Department,x,2025-01-01\n")
    first = os.stat(alias_file)
    assert [(e.name, e.relation) for e in aliases.load().entries] == [("Foo Police Department", "same")]
    alias_file.write_text(HEADER + "TX,Goo Police Department,same,Bar Police Department,x,2025-01-01\n")
    os.utime(alias_file, ns=(first.st_atime_ns, first.st_mtime_ns))  # a change a timestamp would not show
    assert os.stat(alias_file).st_size == first.st_size
    assert [(e.name, e.relation) for e in aliases.load().entries] == [("Goo Police Department", "same")]


def test_what_load_returns_is_the_callers_to_change(alias_file):
    alias_file.write_text(HEADER + "TX,Foo Police Department,same,Bar Police Department,x,2025-01-01\n")
    table = aliases.load()
    table.entries.clear()  # as review.remove_alias changes the table before saving it
    assert len(aliases.load().entries) == 1


def test_a_table_broken_after_a_good_one_is_an_error_not_the_old_table(alias_file):
    alias_file.write_text(HEADER + "TX,Foo Police Department,same,Bar Police Department,x,2025-01-01\n")
    assert len(aliases.load().entries) == 1
    alias_file.write_text(HEADER + "TX,Foo Police Department,maybe,Bar Police Department,x,2025-01-01\n")
    with pytest.raises(G287Error, match="line 2: expected"):
        aliases.load()
    alias_file.unlink()
    assert aliases.load().entries == []


def test_each_file_is_its_own_table(alias_file, tmp_path, monkeypatch):
    alias_file.write_text(HEADER + "TX,Foo Police Department,same,Bar Police Department,x,2025-01-01\n")
    assert len(aliases.load().entries) == 1
    other = tmp_path / "other.csv"
    other.write_text(HEADER)
    monkeypatch.setenv("G287_ALIASES_FILE", str(other))
    assert aliases.load().entries == []
