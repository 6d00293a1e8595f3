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
