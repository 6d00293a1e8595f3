"""Two lists of one date and half (participatingAgencies07032025pm.xlsx and its __v2, both 2025-07-03 pm): history
names each by its file, and says what orders them. `g287 diff 8 7` said "FROM (2025-07-03 pm, publication 8) was
published after TO (2025-07-03 pm, publication 7)", two labels that look the same."""

import datetime as dt
import json
from types import SimpleNamespace

from click.testing import CliRunner

from g287.cli import cli

FIRST, SECOND = "participatingAgencies07032025pm.xlsx", "participatingAgencies07032025pm__v2.xlsx"


def invoke(db, *args):
    return CliRunner().invoke(cli, ["--database", db.url, *args])


def test_diff_of_two_lists_of_one_date_and_half_names_their_files_and_what_orders_them(bundled_db):
    result = invoke(bundled_db, "diff", SECOND, FIRST)
    assert result.exit_code != 0
    message = str(result.exception) if not result.output else result.output
    assert f"FROM (2025-07-03 pm, {SECOND}, publication " in message and f"TO (2025-07-03 pm, {FIRST}, publication " in message
    assert "both are of 2025-07-03 pm, and FROM's workbook was modified later (2025-07-03 15:04:38 UTC, TO's 2025-07-02 23:46:43 UTC)" in message
    other = invoke(bundled_db, "diff", SECOND, "2025-06-20")  # a label no other list shares stays as it was
    message = str(other.exception) if not other.output else other.output
    assert f"FROM (2025-07-03 pm, {SECOND}, publication " in message and "TO (2025-06-20 am, publication " in message


def test_an_agencys_history_names_the_file_of_a_list_whose_date_and_half_another_has(bundled_db):
    result = invoke(bundled_db, "agency", "Cherokee County Sheriff's Office", "--state", "AL")
    assert result.exit_code == 0, result.output
    assert f"participating lists: 2025-07-03 pm, {FIRST} to 2025-07-09 am (2 lists in force; 3 with the lists replaced the same half-day)" in result.output
    data = json.loads(invoke(bundled_db, "agency", "Cherokee County Sheriff's Office", "--state", "AL", "--json").output)
    first = data["agreements"][0]["lifecycle"]["first_participating"]
    assert first["published"] == "2025-07-03" and first["half"] == "pm" and first["file"] == FIRST  # the keys as they were
    assert first["label"] == f"2025-07-03 pm, {FIRST}"
    assert data["agreements"][0]["lifecycle"]["last_participating"]["label"] == "2025-07-09 am"


def test_files_of_one_name_are_told_apart_by_their_place_in_publication_order():
    from g287.registry.publications import distinct_labels

    day = dt.date(2025, 7, 3)
    pubs = [
        SimpleNamespace(id=3, published_on=day, half=None, file_name="a.xlsx"),
        SimpleNamespace(id=1, published_on=day, half="pm", file_name="a.xlsx"),
        SimpleNamespace(id=2, published_on=day, half="pm", file_name="a.xlsx"),
        SimpleNamespace(id=4, published_on=day, half="pm", file_name="b.csv"),
    ]
    assert distinct_labels(pubs) == {
        3: "2025-07-03",
        1: "2025-07-03 pm, a.xlsx (1 of 2 so named, in publication order)",
        2: "2025-07-03 pm, a.xlsx (2 of 2 so named, in publication order)",
        4: "2025-07-03 pm, b.csv",
    }

