"""A date typed as text with something besides the date that leaves it one reading: invisible characters pasted with
it, Excel's text prefix typed as a character, a time of day after a date written with its month's name. Each was left
unknown; each is read and registered, in a CSV too (where a date written as text is otherwise no repair)."""

from __future__ import annotations

import datetime as dt

import pytest

from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from g287.registry.quality import register
from g287.sources.dates import read_date

MAY_8 = dt.date(2025, 5, 8)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("5/8/2025\u200b", "date written as text, with invisible characters"),
        ("\u200e05/08/2025", "date written as text, with invisible characters"),
        ("5/8/2025\u2800", "date written as text, with invisible characters"),  # the braille blank, a symbol
        ("\u31645/8/2025\ufe0f", "date written as text, with invisible characters"),  # a Hangul filler, a selector
        ("'05/08/2025", "date written as text, with a leading apostrophe"),
        ("'\u200b5/8/2025", "date written as text, with a leading apostrophe and invisible characters"),
        ("'5/08/25", "date written as text with a two-digit year, with a leading apostrophe"),
    ],
)
def test_a_date_with_invisible_characters_or_an_apostrophe_is_read_and_registered(text, problem):
    for from_csv in (False, True):
        assert read_date(text, from_csv=from_csv) == read_date(text) and read_date(text).value == MAY_8
        assert read_date(text).problem == problem and read_date(text).category == "repaired"


@pytest.mark.parametrize("text", ["May 8, 2025 12:00 AM", "Thursday, May 8, 2025 3:15 PM", "8 May 2025 00:00:00"])
def test_a_time_after_a_date_with_its_months_name_is_the_days(text):
    assert read_date(text).value == MAY_8 and read_date(text, from_csv=True).value == MAY_8


def test_apostrophes_and_invisible_characters_alone_are_no_date():
    assert [read_date(text).value for text in ["'", "'Pending", "\u200b", "Friday, May 8, 2025 12:00 AM"]] == [None] * 4


def test_a_csv_registers_the_date_it_read_past_them(db, actor, tmp_path):
    path = tmp_path / "participatingAgencies05292025am.csv"
    path.write_text(
        "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\n"
        "TEXAS,Harris County Sheriff's Office,County,Harris,Task Force Model,5/8/2025\u200b,link\n"
        "TEXAS,Bexar County Sheriff's Office,County,Bexar,Task Force Model,5/8/2025,link\n",
        encoding="utf-8",
    )
    result = ingest_file(db, path, actor)
    with db.session() as session:
        entries = [e for e in register(session, resolve(session, str(result.publication_id))) if e.column == "SIGNED"]
    assert [(e.row, e.raw_value, e.problem, e.action) for e in entries] == [
        (2, "5/8/2025\u200b", "date written as text, with invisible characters", "read as 2025-05-08")
    ]
