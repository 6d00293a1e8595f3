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


def test_a_workbook_link_wrapped_in_a_safety_redirect_is_the_real_address():
    """An editor pasting links from an e-mail: the wrapper's host is never asked, nor its address (which names the
    mailbox) kept; the Safe Links link was not found at all, the URL Defense one was kept as urldefense.com's."""
    safe_links = (
        "https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287g%2F"
        "participatingAgencies07092025am.xlsx&amp;data=05%7C02%7Cjohn.doe%40ice.dhs.gov%7Cabc&amp;sdata=xyz&amp;reserved=0"
    )
    url_defense = "https://urldefense.com/v3/__https://www.ice.gov/doclib/287g/pendingAgencies07112025am.xlsx__;!!ABC!john.doe@ice.dhs.gov$"
    page = f'<p><a href="{safe_links}">Participating</a> <a href="{url_defense}">Pending</a></p>'
    links = workbook_links(page, "https://www.ice.gov/identify-and-arrest/287g")
    assert [(link.kind, link.url) for link in links] == [
        ("participating", "https://www.ice.gov/doclib/287g/participatingAgencies07092025am.xlsx"),
        ("pending", "https://www.ice.gov/doclib/287g/pendingAgencies07112025am.xlsx"),
    ]


def test_a_wrapper_that_does_not_carry_the_address_gives_no_workbook():
    page = '<a href="https://urldefense.com/v3/__https://www.ice.gov/doclib/287g/pendingAgencies07112025am.xlsx">Pending</a>'
    assert workbook_links(page, "https://www.ice.gov/identify-and-arrest/287g") == []
