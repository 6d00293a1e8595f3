"""Invisible characters in a list's names (a soft hyphen, a direction mark pasted from a web page or a document, a
zero-width joiner, a Hangul filler, a variation selector): removed, registered with the raw value, and one agency stays
one agency. Line and paragraph separators and the braille blank become spaces, registered too."""

from __future__ import annotations

import datetime as dt

import openpyxl

from g287.registry.figures import stats
from g287.registry.ingest import prepare
from g287.registry.names import agency_key
from g287.registry.publications import resolve
from g287.registry.quality import register
from tests.history.builders import Publisher, row

PLAIN = "Harris County Sheriff's Office"
# A soft hyphen inside a word, a right-to-left mark inside another, a left-to-right embedding around the name.
INVISIBLE = ["Harris County Sher\u00adiff's Office", "Harris Coun\u200fty Sheriff's Office", "\u202aHarris County Sheriff's Office\u202c"]


def test_format_characters_in_a_name_are_removed_and_registered(db, tmp_path):
    rows = [row("TX", PLAIN, "TFM", agency_type="County")] + [row("TX", name, model, agency_type="County") for name, model in zip(INVISIBLE, ["JEM", "WSO", "TFM"])]
    result = Publisher(db, tmp_path).publish("participating", "2025-05-29", rows)
    with db.session() as session:
        figures = stats(session)["participating"]
        publication = resolve(session, str(result.publication_id))
        entries = [e for e in register(session, publication) if e.column == "LAW ENFORCEMENT AGENCY"]
    # The agency key split the words at the characters ("sher iffs"): one agency counted as three.
    assert figures["moas"] == 4 and figures["agencies"] == 1
    assert sorted(e.raw_value for e in entries) == sorted(INVISIBLE)
    assert all(e.category == "repaired" and e.action == f"repaired to {PLAIN!r}" and "invisible characters" in e.problem for e in entries)


# The characters that show nothing and are no format character (Cf): Hangul fillers, a variation selector; and format
# characters besides those above: a zero-width joiner and non-joiner, a word joiner.
HIDDEN = [
    "Harris \u3164County Sheriff's Office",
    "Harris County\u115f Sheriff's Office",
    "Harris County Sher\u1160iff's Office",
    "Harris County Sheriff's Off\uffa0ice",
    "Harris Cou\u200dnty Sheriff's Office",
    "Harris County Sh\u200ceriff's Office",
    "Harris County Sheriff's\u2060 Office",
    "Harris County Sheriff's Office\ufe0f",
    "Harris\ufe00 County Sheriff's Office",
]
# Blanks that are no space to Unicode: line and paragraph separators, the braille blank.
COUNTIES = {"Harris\u2028County": "Harris County", "Fort\u2029Bend": "Fort Bend", "Montgomery\u2800": "Montgomery"}


def _workbook(path, agencies, counties, signed="5/8/2025"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    for number, (agency, county) in enumerate(zip(agencies, counties), start=2):
        sheet.append(["TEXAS", agency, "County", county, "Task Force Model", signed, "link"])
        sheet[f"G{number}"].hyperlink = f"https://www.ice.gov/doclib/287gMOA/moa{number}.pdf"
    book.save(path)
    return path


def test_hangul_fillers_joiners_and_variation_selectors_in_a_name_are_removed_and_registered(tmp_path):
    counties = ["Harris"] * len(HIDDEN)
    readings = prepare(_workbook(tmp_path / "participatingAgencies05292025am.xlsx", HIDDEN, counties)).readings
    assert [r.agency_name for r in readings] == [PLAIN] * len(HIDDEN)
    entries = [p for r in readings for p in r.problems if p.column == "LAW ENFORCEMENT AGENCY"]
    assert [e.raw_value for e in entries] == HIDDEN
    assert all(e.category == "repaired" and e.action == f"repaired to {PLAIN!r}" and "invisible characters" in e.problem for e in entries)
    assert len({agency_key(r.agency_name) for r in readings}) == 1


def test_line_separators_and_a_braille_blank_in_a_county_text_become_spaces(tmp_path):
    agencies = [PLAIN] * len(COUNTIES)
    readings = prepare(_workbook(tmp_path / "participatingAgencies05292025am.xlsx", agencies, list(COUNTIES))).readings
    assert [r.county_text for r in readings] == list(COUNTIES.values())
    entries = [p for r in readings for p in r.problems if p.column == "COUNTY"]
    assert [(e.raw_value, e.category, e.action) for e in entries] == [(raw, "repaired", f"repaired to {text!r}") for raw, text in COUNTIES.items()]
    assert all("line or paragraph separators or braille blanks" in e.problem for e in entries)


def test_a_date_typed_with_a_hangul_filler_is_read_and_registered(tmp_path):
    readings = prepare(_workbook(tmp_path / "participatingAgencies05292025am.xlsx", [PLAIN], ["Harris"], signed="5/8/2025\u3164")).readings
    assert readings[0].signed_on == dt.date(2025, 5, 8)
    [entry] = [p for p in readings[0].problems if p.column == "SIGNED"]
    assert entry.raw_value == "5/8/2025\u3164" and entry.category == "repaired" and "invisible characters" in entry.problem
