"""Where the list in force is named, a list that replaced an earlier list of its date and half says so: ICE
published participatingAgencies07032025pm.xlsx (753 MOAs) and replaced it that afternoon with its __v2 (777 MOAs).
`g287 stats` and the home page named the __v2 file alone, and a reader could not know the other list existed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from g287.cli import cli

CLAUSE = "which replaced an earlier list of the same half-day, participatingAgencies07032025pm.xlsx with 753 MOAs"


def stats(db, *args):
    result = CliRunner().invoke(cli, ["--database", db.url, "stats", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_g287_stats_says_the_list_in_force_replaced_one_of_its_half_day(bundled_db):
    text = " ".join(stats(bundled_db, "--as-of", "2025-07-03").split())  # the sentence, whatever the terminal's width
    assert text.startswith("As of 2025-07-03: 777 MOAs") and f"(participatingAgencies07032025pm__v2.xlsx, {CLAUSE})." in text
    data = json.loads(stats(bundled_db, "--as-of", "2025-07-03", "--json"))
    assert [(r["publication"], r["moas"], r["half"]) for r in data["participating"]["replaced"]] == [("participatingAgencies07032025pm.xlsx", 753, "pm")]
    assert data["pending"]["replaced"] == []


def test_a_list_that_replaced_none_says_nothing_of_it(bundled_db):
    for day in ("2025-07-09", "2025-07-02"):
        text = " ".join(stats(bundled_db, "--as-of", day).split())
        assert "replaced" not in text
        assert json.loads(stats(bundled_db, "--as-of", day, "--json"))["participating"]["replaced"] == []


def test_the_home_page_and_the_api_say_it_too(site):
    page = site.get("/", params={"as_of": "2025-07-03"}).text
    assert '(participatingAgencies07032025pm__v2.xlsx)</span>, which replaced an earlier list of the same half-day, <a href="/publications/' in page
    assert "participatingAgencies07032025pm.xlsx</a> with 753 MOAs.</p>" in page
    assert "which replaced an earlier list" not in site.get("/", params={"as_of": "2025-07-09"}).text
    answer = site.get("/api/v1/stats", params={"as_of": "2025-07-03"}).json()
    assert [(r["publication"], r["moas"]) for r in answer["participating"]["replaced"]] == [("participatingAgencies07032025pm.xlsx", 753)]


def test_the_home_pages_lists_name_the_list_replaced_the_same_day(site):
    """The home page's latest publications and its chart's table (one list per publication day, as the trend) showed
    the __v2 alone, under a caption saying they were ICE's participating lists with the change "from the list
    before": +58, where the feed gives the same list +24 (from the 753 MOAs of the list it replaced). Each row
    names the list it replaced that day, and the captions say which lists they hold and what the change is from."""
    page = site.get("/", params={"as_of": "2025-07-09"}).text
    recent = page.split('id="recent-title"')[1].split("</section>")[0]
    assert "ICE's participating lists, newest first, the last of each publication day: MOAs (rows) and the change from the list in force before that day" in recent
    assert "the change from the list before</caption>" not in recent
    row = recent.split("participatingAgencies07032025pm__v2.xlsx")[1].split("</tr>")[0]
    assert "replaced that day an earlier list, " in row and "participatingAgencies07032025pm.xlsx</a> with 753 MOAs" in row
    assert "+58" in row  # the change is still from the list in force before 3 July, as the caption says
    chart_table = page.split("<summary>The figures of the chart</summary>")[1].split("</details>")[0]
    assert "by model in ICE's participating lists, the last of each publication day</caption>" in chart_table
    assert "participatingAgencies07032025pm.xlsx</a>" in chart_table.split("participatingAgencies07032025pm__v2.xlsx")[1].split("</tr>")[0]
    # A day with one list names none
    assert "replaced that day" not in recent.split("participatingAgencies07092025am.xlsx")[1].split("</tr>")[0]
    state = site.get("/states/TX", params={"as_of": "2025-07-09"}).text
    assert "participatingAgencies07032025pm.xlsx</a>" in state.split("participatingAgencies07032025pm__v2.xlsx")[-1].split("</tr>")[0]
