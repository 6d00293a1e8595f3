"""A link's address read from a MOA or ADDENDUM cell: spaces around it are taken off and registered (they were taken
off unsaid); an address holding bidirectional controls (shown in another order than it is) or a user and password
before its host (https://www.ice.gov@example.org/ opens example.org) is no document's address: the link is unknown,
and the register quotes the address."""

from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.worksheet.hyperlink import Hyperlink

from g287.registry.ingest import prepare

MOAS = "https://www.ice.gov/doclib/287gMOA/"
SPACED = [" " + MOAS + "spaced.pdf", MOAS + "trailing.pdf  "]
BIDI = [MOAS + "Harris\u202efdp.exe.pdf", "https://www.ice.gov\u2066/doclib/x.pdf\u2069", "\u200fhttps://www.ice.gov/doclib/287gMOA/marked.pdf", MOAS + "lrm\u200e.pdf"]
USERINFO = ["https://user:secret@www.ice.gov/doclib/287gMOA/a.pdf", "https://www.ice.gov@example.org/doclib/287gMOA/b.pdf", "www.ice.gov@example.org/287gMOA/c.pdf"]
KEPT = [MOAS + "plain.pdf", MOAS + "at@sign.pdf"]  # an @ in the path names no user


def _workbook(path, targets, texts=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    texts = texts or ["link"] * len(targets)
    for number, (target, text) in enumerate(zip(targets, texts), start=2):
        sheet.append(["TEXAS", f"Agency {number}", "County", "Harris", "Task Force Model", dt.date(2025, 5, 1), text])
        if target is not None:
            sheet[f"G{number}"].hyperlink = Hyperlink(ref=f"G{number}", target=target)
    book.save(path)
    return path


def _read(tmp_path, targets, texts=None):
    return prepare(_workbook(tmp_path / "participatingAgencies05292025am.xlsx", targets, texts))


def test_spaces_around_a_links_address_are_taken_off_and_registered(tmp_path):
    prepared = _read(tmp_path, SPACED + KEPT)
    assert [r.moa_url for r in prepared.readings] == [MOAS + "spaced.pdf", MOAS + "trailing.pdf"] + KEPT
    [note] = [n for n in prepared.table.notes if "spaces around" in n.problem]
    assert (note.problem, note.action, note.category) == ("2 links whose address has spaces around it", "kept without them, as a browser opens the address", "repaired")
    assert note.raw_value == ", ".join(SPACED)


def test_an_address_with_bidirectional_controls_is_refused_and_registered_with_its_value(tmp_path):
    prepared = _read(tmp_path, BIDI + KEPT)
    assert [r.moa_url for r in prepared.readings] == [None] * len(BIDI) + KEPT
    [note] = [n for n in prepared.table.notes if "bidirectional" in n.problem]
    assert note.problem.startswith("4 links whose address holds bidirectional control characters") and note.category == "unknown"
    assert note.raw_value == ", ".join(BIDI) and note.action.startswith("no document address")
    # The row's cell says "link" and has none: its address is unknown, registered under the MOA column.
    unknown = [[p for p in r.problems if p.column == "MOA"] for r in prepared.readings[: len(BIDI)]]
    assert all(len(found) == 1 and found[0].action == "document address unknown" and found[0].category == "unknown" for found in unknown)


def test_an_address_with_a_user_or_password_before_its_host_is_refused_and_registered_with_its_value(tmp_path):
    prepared = _read(tmp_path, USERINFO + KEPT)
    assert [r.moa_url for r in prepared.readings] == [None] * len(USERINFO) + KEPT
    [note] = [n for n in prepared.table.notes if "user name or password" in n.problem]
    assert note.problem.startswith("3 links whose address holds a user name or password before its host") and note.category == "unknown"
    assert note.raw_value == ", ".join(USERINFO)
    assert not any("spaces" in n.problem or "no web address" in n.problem for n in prepared.table.notes)


def test_an_address_written_in_the_cell_is_refused_alike(tmp_path):
    written = [USERINFO[1], BIDI[0], KEPT[0]]
    prepared = _read(tmp_path, [None] * len(written), written)
    assert [(r.moa_status, r.moa_url) for r in prepared.readings] == [("unknown", None), ("unknown", None), ("link", KEPT[0])]
    problems = [[(p.raw_value, p.category) for p in r.problems if p.column == "MOA"] for r in prepared.readings]
    assert problems == [[(USERINFO[1], "unknown")], [(BIDI[0], "unknown")], [(KEPT[0], "note")]]
