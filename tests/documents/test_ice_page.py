"""Finding the workbooks in ICE's page: addresses written out in text and scripts are found in time linear in the
page's length, whatever the page holds."""

import random
import subprocess
import sys

from g287.sources.icepage import _URLISH, _written_out, workbook_links
from tests.conftest import ROOT

HOSTILE = """
from g287.sources.icepage import workbook_links
n = 150_000  # about 1 MB for each run below; the search that scanned each run again from every start took hours
page = ("<p>" + "http://" * n + "</p>"
        + "<script>var list = '/doclib/participatingAgencies07112025am.xlsx?v=3';</script>"
        + "<p>" + "=/" * n + "a.xlsx?" + "http://" * n + " pendingAgencies.xlsx" + "https://" * n + "</p>")
print([link.url for link in workbook_links(page, "https://www.ice.gov/identify-and-arrest/287g")])
"""


def test_long_runs_without_spaces_or_quotes_are_searched_in_linear_time():
    # In a process of its own with a generous limit: a search quadratic in the length of a run would take hours here,
    # a linear one a second or two; a regular expression cannot be interrupted, so a limit in this process could not stop it.
    result = subprocess.run([sys.executable, "-c", HOSTILE], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['https://www.ice.gov/doclib/participatingAgencies07112025am.xlsx?v=3']"


def test_the_linear_search_finds_what_the_pattern_finds():
    pieces = ["http://", "https://", "/", "=", '"', "'", " ", "(", ")", "<", ">", ".xlsx", ".XLSX", "?", "a", "b.", "\n", ".xls", "x?"]
    generator = random.Random(287)
    for _ in range(20_000):
        page = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 25)))
        assert list(_written_out(page)) == [m.group(0) for m in _URLISH.finditer(page)], page


def test_an_address_written_out_keeps_its_query():
    page = '<script>a = "/doclib/pendingAgencies07112025am.xlsx?v=3&x=.xlsx"; b = https://www.ice.gov/doclib/participatingAgencies07112025pm.xlsx</script>'
    assert [link.url for link in workbook_links(page, "https://www.ice.gov/identify-and-arrest/287g")] == [
        "https://www.ice.gov/doclib/participatingAgencies07112025pm.xlsx",
        "https://www.ice.gov/doclib/pendingAgencies07112025am.xlsx?v=3&x=.xlsx",
    ]
