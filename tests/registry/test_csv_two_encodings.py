"""A CSV holding UTF-8 text beside bytes that are not UTF-8 (two exports pasted together, a line typed in another
editor): refused in one line, nothing written. Read as Windows-1252, as a file that is not UTF-8 is, its UTF-8 lines
were garbled for good and unregistered ("Sheriff’s" became "Sheriffâ€™s": one agency listed as two)."""

from __future__ import annotations

import pytest

from g287.errors import SourceError
from g287.registry.ingest import ingest_file
from g287.sources.csvfile import read_csv
from tests.conftest import snapshot

HEADER = "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\r\n"
UTF8_LINE = "TEXAS,Harris County Sheriff\u2019s Office,County,Harris,Task Force Model,5/1/2025,link\r\n"
CP1252_LINE = "TEXAS,Harris County Sheriff\u2019s Office,County,Harris,Jail Enforcement Model,5/1/2025,link\r\n"


def test_a_csv_of_two_encodings_is_refused_and_nothing_written(db, actor, tmp_path):
    path = tmp_path / "participatingAgencies05292025am.csv"
    path.write_bytes(HEADER.encode() + UTF8_LINE.encode("utf-8") + CP1252_LINE.encode("cp1252"))
    before = snapshot(db)
    with pytest.raises(SourceError) as raised:
        ingest_file(db, path, actor)
    assert str(raised.value) == f"{path.name}: unreadable: line 2 is UTF-8 text, line 3 is not (two encodings in one file; pass --encoding)"
    assert snapshot(db) == before


def test_windows_1252_alone_is_still_read_and_the_encoding_named_reads_either(tmp_path):
    alone = tmp_path / "participatingAgencies05292025am.csv"
    # An accented capital before a no-break space is well-formed UTF-8 as bytes (C9 A0) but no character of a name.
    alone.write_bytes((HEADER + CP1252_LINE.replace("Harris,", "JOS\u00c9\u00a0,")).encode("cp1252"))
    table = read_csv(alone)
    assert table.rows[0].cells[1] == "Harris County Sheriff\u2019s Office" and table.rows[0].cells[3] == "JOS\u00c9\u00a0"
    assert [n.raw_value for n in table.notes if n.problem == "the file is not UTF-8"] == ["cp1252"]
    mixed = tmp_path / "participatingAgencies05302025am.csv"
    mixed.write_bytes(HEADER.encode() + UTF8_LINE.encode("utf-8") + CP1252_LINE.encode("cp1252"))
    assert read_csv(mixed, encoding="cp1252").rows[1].cells[1] == "Harris County Sheriff\u2019s Office"
