"""The list of agencies sorts by its columns: server-side, by `sort` (one of the columns) and `order` (asc or desc),
with a link in each column's heading and aria-sort on the column sorted by, so that it works without JavaScript;
its pending agreements say since when the pending lists in force list them without a break."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from g287.web.app import create_app
from tests.history.builders import Publisher, row
from tests.web.conftest import TestClient

COLUMNS = ("state", "agency", "type", "county", "agreements", "signed", "pending_since")


def table_of(page: str) -> tuple[list[dict], list[str]]:
    """The rows of the agencies' table (each cell's text by column) and its headings' opening tags and links."""
    table = page[page.index("<table>"):page.index("</table>")]
    heads = re.findall(r"<th scope=\"col\"[^>]*>.*?</th>", table[:table.index("</thead>")])
    rows = []
    for found in re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>"):], re.S):
        cells = [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", cell))).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", found, re.S)]
        rows.append(dict(zip(COLUMNS, cells)))
    return rows, heads


def query_of(link: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(html.unescape(link)).query).items()}


def first_signed(cell: str) -> str | None:
    return min(re.findall(r"\d{4}-\d{2}-\d{2}", cell), default=None)


@pytest.mark.parametrize(
    "column, value",
    [
        ("agency", lambda r: r["agency"].casefold()),
        ("county", lambda r: r["county"].casefold() or None),
        ("signed", lambda r: first_signed(r["signed"])),
        ("agreements", lambda r: len(re.findall(r"\b(?:JEM|TFM|WSO)\b", r["agreements"]))),
    ],
)
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_the_list_sorts_by_a_column_either_way_with_the_agencies_without_a_value_last(site, column, value, order):
    answer = site.get("/agencies", params={"state": "TX", "sort": column, "order": order})
    assert answer.status_code == 200
    rows, _heads = table_of(answer.text)
    values = [value(r) for r in rows]
    known = [v for v in values if v is not None]
    assert len(known) > 5 and known == sorted(known, reverse=order == "desc")
    assert values == known + [None] * (len(values) - len(known))  # an agency without one (no county) last, either way
    assert len(set(known)) > 1  # the column orders something
    words = {"asc": ("A to Z", "fewest first", "earliest first"), "desc": ("Z to A", "most first", "latest first")}[order]
    assert re.search(r"<caption>Agencies 1 to \d+ of \d+, sorted by [^<]+, (" + "|".join(words) + r")</caption>", answer.text)


def test_the_headings_link_to_their_sort_and_say_which_is_sorted_by(site):
    rows, heads = table_of(site.get("/agencies", params={"state": "TX", "status": "pending"}).text)
    assert len(heads) == len(COLUMNS) and [r["state"] for r in rows] == ["TX"] * len(rows)
    # The list's own order (state, then name), ascending: the state's heading says so, and sorts the other way.
    assert heads[0].startswith('<th scope="col" aria-sort="ascending">') and sum("aria-sort" in h for h in heads) == 1
    links = [query_of(re.search(r'href="([^"]+)"', h).group(1)) for h in heads]
    assert [(q["sort"], q["order"]) for q in links] == [("state", "desc")] + [(c, "asc") for c in COLUMNS[1:]]
    assert all(q["state"] == "TX" and q["status"] == "pending" and "page" not in q for q in links)  # the filters kept
    page = site.get("/agencies", params={"state": "TX", "status": "pending", "sort": "agency", "order": "desc"}).text
    _rows, heads = table_of(page)
    assert heads[1].startswith('<th scope="col" aria-sort="descending">') and sum("aria-sort" in h for h in heads) == 1
    assert query_of(re.search(r'href="([^"]+)"', heads[1]).group(1))["order"] == "asc"
    # The form keeps the sort when the filters change; the downloads take no such parameter, and get none.
    assert '<input type="hidden" name="sort" value="agency"><input type="hidden" name="order" value="desc">' in page
    downloads = re.findall(r'href="(/exports/[^"]+)"', page)
    assert downloads and not any("sort=" in link or "order=" in link for link in downloads)


def test_the_pager_keeps_the_sort(site):
    first = site.get("/agencies", params={"sort": "signed", "order": "desc"}).text
    following = re.search(r'<a href="([^"]+)" rel="next">', first).group(1)
    assert query_of(following) == {"status": "listed", "sort": "signed", "order": "desc", "page": "2"}
    rows, _heads = table_of(site.get(html.unescape(following)).text)
    last_of_first = first_signed(table_of(first)[0][-1]["signed"])
    assert first_signed(rows[0]["signed"]) <= last_of_first
    assert "sort=" not in re.search(r'<a href="([^"]+)" rel="next">', site.get("/agencies").text).group(1)  # the default: no parameter


TAKEN = {
    "sort": "not a column to sort by: state, agency, type, county, agreements, signed or pending_since (in lower case)",
    "order": "not an order: asc or desc (in lower case)",
    "status": "not a status: participating, pending, listed or all (in lower case)",
    "type": "not an agency type: county, municipality, state_agency or other (in lower case)",
}


@pytest.mark.parametrize(
    "name, value",
    [("sort", "name"), ("sort", "STATE"), ("order", "descending"), ("order", "DESC"), ("status", "signed"), ("type", "County")],
)
def test_a_sort_the_page_does_not_know_is_refused(site, name, value):
    """Refused in words naming what the page takes, as the API refuses them (pydantic said "Input should be ...")."""
    answer = site.get("/agencies", params={name: value})
    assert answer.status_code == 422 and f"Invalid request: {name}: &#39;{value}&#39;: {TAKEN[name]}" in answer.text


@pytest.fixture
def pending_lists(db, tmp_path, monkeypatch):
    """Alpha is on every pending list; Beta leaves the third and comes back on the fourth; Gamma is first listed by
    the second; Delta is missing only from a list ICE replaced the same half-day by one listing it again (the second
    file of 3 May), and Epsilon is listed only by that replaced list."""
    aliases = tmp_path / "aliases.csv"  # an empty alias table of the test's own
    aliases.write_text("state,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
    pub = Publisher(db, tmp_path)
    alpha, beta, gamma = (row("FL", f"{name} Police Department", "TFM", None) for name in ("Alpha", "Beta", "Gamma"))
    delta, epsilon = row("FL", "Delta Police Department", "WSO", None), row("FL", "Epsilon Police Department", "JEM", None)
    pub.publish("participating", "2025-05-01", [row("FL", "Zeta Police Department", "JEM", "2025-04-01")])
    pub.publish("pending", "2025-05-01", [alpha, beta, delta])
    pub.publish("pending", "2025-05-02", [alpha, beta, gamma, delta])
    pub.publish("pending", "2025-05-03", [alpha, gamma, epsilon])
    pub.folder = tmp_path / "again"  # a second file of 3 May (am), which replaces the first
    pub.folder.mkdir()
    pub.publish("pending", "2025-05-03", [alpha, gamma, delta])
    pub.folder = tmp_path
    pub.publish("pending", "2025-05-04", [alpha, beta, gamma, delta])
    return db


def test_a_pending_agreement_says_since_when_the_lists_in_force_list_it(pending_lists):
    with TestClient(create_app(pending_lists)) as site:
        page = site.get("/agencies", params={"as_of": "2025-05-04"}).text
        rows, heads = table_of(page)
        since = {r["agency"]: r["pending_since"] for r in rows}
        assert since == {
            "Alpha Police Department": "TFM 2025-05-01 am or earlier",  # the first pending list held
            "Beta Police Department": "TFM 2025-05-04 am",  # back after a break
            "Gamma Police Department": "TFM 2025-05-02 am",
            "Delta Police Department": "WSO 2025-05-01 am or earlier",  # the replaced list is no break
            "Zeta Police Department": "",  # participating only
        }
        assert "Pending since" in heads[-1] and '"or earlier" marks the first pending list held here' in page
        latest_first = table_of(site.get("/agencies", params={"as_of": "2025-05-04", "sort": "pending_since", "order": "desc"}).text)[0]
        assert [r["agency"].split()[0] for r in latest_first] == ["Beta", "Gamma", "Alpha", "Delta", "Zeta"]
        # On 3 May, Epsilon was listed by the first file of that morning only, which the second replaced.
        assert "Epsilon" not in site.get("/agencies", params={"as_of": "2025-05-03"}).text
        participating = site.get("/agencies", params={"as_of": "2025-05-04", "status": "participating"}).text
        assert "Pending since" not in participating and len(table_of(participating)[1]) == 6
