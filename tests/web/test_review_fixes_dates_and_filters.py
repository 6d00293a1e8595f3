"""Defects found in a review of the site and the API: a date with a pending list but no participating list showed
zeros and half-finished sentences; the model chosen on the home page left its state table and pending line
unfiltered; a date chosen after the newest list held lost the note on its age; the XLSX link of both lists gave
the participating list only; the CSV and JSON downloads ignored `publication`; an empty county was taken as no
filter; download names could not tell selections apart; and smaller ones (an empty feed's date, an empty page's
caption, search's missing "more")."""

from __future__ import annotations

import html as html_module
import re

import pytest

from tests.web.test_list_naming import text_of

NO_PARTICIPATING_DAY = "2025-05-15"  # ICE's first pending list bundled; its first participating list is of 16 May


def header_cells(page: str) -> list[str]:
    """The column headers of a page's first table."""
    table = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [html_module.unescape(h) for h in re.findall(r"<th[^>]*>([^<]*)</th>", table)]


def state_rows(page: str) -> dict[str, list[str]]:
    """A page's state table: the state's name -> the numbers of its row."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        name = re.search(r"<a [^>]*>([^<]+)</a>", row).group(1)
        rows[html_module.unescape(name)] = re.findall(r'<td class="n">([^<]*)</td>', row)
    return rows


@pytest.mark.parametrize("path", ["/", "/states", "/agencies", "/states/TX"])
def test_a_date_with_no_participating_list_shows_no_zeros_and_no_broken_sentences(site, path):
    page = site.get(path, params={"as_of": NO_PARTICIPATING_DAY}).text
    text = text_of(page)
    assert "this registry holds no participating list of ICE's published on or before that date" in text
    assert "()" not in text and ". ." not in text and " in (and" not in text and not re.search(r"in\s+\(", text)
    if path in ("/", "/states"):
        table = page.split('id="states-title"', 1)[1] if path == "/" else page
        assert header_cells(table) == ["State", "Pending"]  # no MOA column of a list not held
        assert state_rows(table)["Florida"] == ["38"]
    if path == "/":
        assert "Pending: 92 listings of 87 agencies in 22 states." in text  # shown with no participating list too
    if path == "/states/TX":
        assert "Participating agencies" not in text and "Pending agencies" in text


def test_the_states_api_gives_no_participating_figure_when_no_participating_list_is_in_force(site):
    before = site.get("/api/v1/states", params={"as_of": NO_PARTICIPATING_DAY}).json()
    assert before["participating_publication"] is None and before["items"]
    assert all(i["moas"] is None and i["agencies"] is None and i["by_model"] is None for i in before["items"])
    assert sum(i["pending_listings"] for i in before["items"]) == 92
    latest = site.get("/api/v1/states").json()
    assert sum(i["moas"] for i in latest["items"]) == 807 and all(isinstance(i["pending_listings"], int) for i in latest["items"])


def test_the_model_chosen_on_the_home_page_filters_its_state_table_and_pending_figures(site):
    page = site.get("/", params={"model": "JEM"}).text
    by_state = {i["name"]: i for i in site.get("/api/v1/states").json()["items"]}
    table = page.split('id="states-title"', 1)[1]
    rows = state_rows(table)
    assert header_cells(table) == ["State", "MOAs", "Agencies", "Pending"]
    assert rows and all(int(numbers[0].replace(",", "")) == by_state[name]["by_model"]["JEM"] for name, numbers in rows.items())
    assert sum(int(numbers[0]) for numbers in rows.values()) == 117
    assert 'href="/states/AL?model=JEM"' in page
    pending_jem = site.get("/api/v1/stats").json()["pending"]["by_model"]["JEM"]
    assert f"Pending: {pending_jem} JEM listings of" in text_of(page) and "(all models: 39 listings)" in text_of(page)
    assert "Latest changes (all models)" in text_of(page)  # the changes are not filtered: said so


@pytest.mark.parametrize("path", ["/", "/states", "/agencies", "/states/TX", "/factsheet"])
def test_a_date_after_the_newest_list_held_says_how_old_that_list_is(site, fixed_today, path):
    text = text_of(site.get(path, params={"as_of": "2026-11-29"}).text)
    assert (
        "the newest participating list this registry holds was published on 9 July 2025, 508 days before the date chosen: "
        "ICE may have published lists since that this registry does not hold." in text
    )
    future = text_of(site.get(path, params={"as_of": "2199-12-31"}).text)
    assert "31 December 2199 is after today." in future
    # A date on which a later list is held, or the newest list's own day: the list in force then, no note.
    for day in ("2025-06-01", "2025-07-09"):
        assert "ICE may have published lists since" not in text_of(site.get(path, params={"as_of": day}).text)


def test_the_xlsx_in_ices_layout_is_one_list(site):
    refused = site.get("/exports/agreements.xlsx", params={"status": "listed"})
    assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == "status"
    page = site.get("/agencies").text  # both lists chosen: each offered apart, and said to be one list
    links = re.findall(r'href="(/exports/agreements\.xlsx[^"]*)"[^>]*>([^<]*)<', page)
    assert [(html_module.unescape(h), t) for h, t in links] == [
        ("/exports/agreements.xlsx?status=participating", "XLSX in ICE's layout (participating list only)"),
        ("/exports/agreements.xlsx?status=pending", "XLSX in ICE's layout (pending list only)"),
    ]
    pending = site.get("/exports/agreements.xlsx", params={"status": "pending"})
    assert pending.status_code == 200 and "pendingAgencies07112025am_b_g287.xlsx" in pending.headers["content-disposition"]


def test_the_xlsx_of_a_publication_refuses_a_status_naming_the_other_list(site):
    # publication=ID&status=pending of a participating list gave the participating list, with nothing to say so.
    for publication in site.get("/api/v1/publications").json():
        other = "pending" if publication["kind"] == "participating" else "participating"
        refused = site.get("/exports/agreements.xlsx", params={"publication": publication["id"], "status": other})
        assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == "status"
        assert f"publication {publication['id']} is ICE's {publication['kind']} list" in refused.json()["error"]["message"] + refused.json()["error"]["fields"][0]["message"]
        alone = site.get("/exports/agreements.xlsx", params={"publication": publication["id"]})
        same = site.get("/exports/agreements.xlsx", params={"publication": publication["id"], "status": publication["kind"]})
        assert alone.status_code == same.status_code == 200 and alone.content == same.content
        assert publication["file"].rsplit(".", 1)[0] in alone.headers["content-disposition"]


def test_the_csv_and_json_downloads_take_a_publication(site):
    publications = {p["file"]: p["id"] for p in site.get("/api/v1/publications").json()}
    may29 = publications["participatingAgencies05292025am.xlsx"]
    document = site.get("/exports/agreements.json", params={"publication": may29}).json()
    dated = site.get("/exports/agreements.json", params={"as_of": "2025-05-29"}).json()
    assert document["participating_publication"]["id"] == may29 and document["filters"]["publication"] == may29
    assert document["agreements"] == dated["agreements"] and document["total"] == 634  # 635 rows, one listed twice
    # Two lists of one day: the publication named, not the later one the date gives.
    v1 = publications["participatingAgencies07032025pm.xlsx"]
    first = site.get("/exports/agreements.csv", params={"publication": v1})
    assert first.headers["x-total-count"] == str(site.get("/exports/agreements.json", params={"publication": v1}).json()["total"])
    assert f"g287-agreements-publication{v1}.csv" in first.headers["content-disposition"]
    assert {row.split(",")[-3] for row in first.text.splitlines()[1:]} == {"participatingAgencies07032025pm.xlsx"}
    for bad, status in (({"publication": "abc"}, 422), ({"publication": may29, "as_of": "2025-06-01"}, 422), ({"publication": 99999}, 404)):
        for suffix in ("csv", "json", "xlsx"):
            assert site.get(f"/exports/agreements.{suffix}", params=bad).status_code == status


@pytest.mark.parametrize("county", ["", " ", "%00", "-"])
def test_an_empty_county_is_refused_not_ignored(site, county):
    for path in ("/api/v1/agreements", "/api/v1/agencies", "/exports/agreements.csv", "/exports/agreements.json"):
        answer = site.get(f"{path}?county={county}")
        assert answer.status_code == 422 and answer.json()["error"]["fields"][0]["field"] == "county", path


def test_the_agencies_form_sends_an_empty_county_as_no_county(site):
    page = site.get("/agencies", params={"county": "  ", "status": "listed"})
    assert page.status_code == 200 and "county=" not in page.text.split("Download this selection", 1)[1].split("</p>", 1)[0]


def test_download_names_tell_selections_apart(site):
    names = {}
    for status in ("participating", "pending", "listed", "all"):
        names[status] = site.get("/exports/agreements.csv", params={"status": status}).headers["content-disposition"]
    assert len(set(names.values())) == 4 and 'filename="g287-agreements-latest-pending.csv"' in names["pending"]
    tail = site.get("/exports/agreements.csv", params={"limit": 10, "offset": 800})
    total = int(tail.headers["x-total-count"])
    assert 800 < total < 810 and f'filename="g287-agreements-latest-rows801-{total}.csv"' in tail.headers["content-disposition"]
    assert len(tail.text.splitlines()) == 1 + total - 800
    past = site.get("/exports/agreements.csv", params={"limit": 10, "offset": 900}).headers["content-disposition"]
    assert 'filename="g287-agreements-latest-rows901-none.csv"' in past
    whole = site.get("/exports/agreements.csv", params={"limit": 1000}).headers["content-disposition"]
    assert 'filename="g287-agreements-latest.csv"' in whole  # every row: named as the whole


def test_an_empty_selection_says_so(site):
    text = text_of(site.get("/agencies", params={"county": "48201"}).text)  # Harris County, TX: no agency listed there
    assert "No agency in this selection" in text and "1 to 0" not in text


def test_a_feed_with_no_entry_is_dated_by_the_newest_list(site):
    empty = site.get("/exports/feed/CA.atom").text
    assert "<entry>" not in empty
    updated = re.search(r"<updated>([^<]+)</updated>", empty).group(1)
    assert not updated.startswith("1970") and updated == re.search(r"<updated>([^<]+)</updated>", site.get("/exports/feed.atom").text).group(1)


def test_search_says_when_more_match_and_refuses_a_query_with_nothing_to_find(site):
    few = site.get("/api/v1/search", params={"q": "county", "limit": 3}).json()
    assert len(few["hits"]) == 3 and few["more"] is True
    everything = site.get("/api/v1/search", params={"q": "Victoria", "limit": 100}).json()
    assert 0 < len(everything["hits"]) < 100 and everything["more"] is False
    for nothing in (" ", "!!!", "\x18"):
        answer = site.get("/api/v1/search", params={"q": nothing})
        assert answer.status_code == 422 and answer.json()["error"]["fields"] == [{"field": "q", "message": f"{nothing!r}: no letter or digit to look for"}]
    # A letter of any script is one: the pattern [0-9A-Za-z] refused `é` (422), which /search reads as e, and `日本`,
    # for which /search says nothing matches; the page and the API now answer a query alike.
    accented, plain = (site.get("/api/v1/search", params={"q": q}) for q in ("Dé Soto", "De Soto"))
    assert accented.status_code == 200 and accented.json()["hits"] == plain.json()["hits"] != []
    assert "De Soto" in site.get("/search", params={"q": "Dé Soto"}).text
    other_script = site.get("/api/v1/search", params={"q": "日本"})
    assert other_script.status_code == 200 and other_script.json()["hits"] == []
    assert "Nothing matches" in site.get("/search", params={"q": "日本"}).text
    too_long = site.get("/api/v1/search", params={"q": "a" * 201}).json()["error"]["fields"]
    assert too_long == [{"field": "q", "message": "a query of 201 characters: at most 200"}]


def test_the_api_docs_ask_no_other_site_to_validate_the_document(site):
    assert "validatorUrl: null" in site.get("/static/docs.js").text


def test_the_api_docs_assets_answer_conditional_requests(site):
    # Sent in parts, Swagger UI's 1.5 MB script passed the site's cache by: it carried an ETag, yet If-None-Match
    # was answered with the whole file again, and no Cache-Control.
    page = site.get("/api/v1/docs").text
    assets = re.findall(r'(?:src|href)="(/api/v1/docs/assets/[^"]+)"', page)
    assert len(assets) == 2
    for asset in assets:
        first = site.get(asset)
        assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
        for headers in ({"if-none-match": first.headers["etag"]}, {"if-modified-since": first.headers["last-modified"]}):
            again = site.get(asset, headers=headers)
            assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"], (asset, headers)
        assert site.get(asset, headers={"if-none-match": '"another"'}).content == first.content


@pytest.mark.parametrize("parameter", ["from", "to"])
@pytest.mark.parametrize("day", ["2500-01-01", "1899-12-31", "2025-13-01"])
def test_a_diff_naming_a_day_that_is_no_date_in_range_is_a_422_naming_the_parameter(site, parameter, day):
    # The API's dates are 1900-01-01 to 2199-12-31 (README); a publication named by such a day was taken as the
    # list in force then, and a day that is no date was a 400 naming no parameter.
    params = {"from": "2025-05-29", "to": "2025-07-09", parameter: day}
    answer = site.get("/api/v1/diff", params=params)
    assert answer.status_code == 422, answer.text
    assert [f["field"] for f in answer.json()["error"]["fields"]] == [parameter]
    page = site.get("/changes", params={parameter: day})
    assert page.status_code == 422 and day in text_of(page.text)  # the page names the parameter too, as the API does
    assert site.get("/api/v1/diff", params={**params, parameter: "2199-12-31"}).status_code == 200
    assert site.get("/api/v1/diff", params={**params, parameter: "no-such-file.xlsx"}).status_code == 404


@pytest.mark.parametrize("parameter", ["from", "to"])
@pytest.mark.parametrize("name", ["participatingAgencies07092025am.xlsx\x00", "2025-07-09\x00", "7\x00"])
def test_a_publication_named_with_a_nul_is_none_on_either_database(site, parameter, name):
    # PostgreSQL refuses a NUL even in a query: the name was looked up there, and the diff, the pending changes and
    # the changes page answered 500. No file name holds one: it names no publication, as any name none has.
    for path, kind, params in (("/api/v1/diff", "participating", {"from": "2025-05-29", "to": "2025-07-09"}), ("/api/v1/pending-changes", "pending", {"from": "2025-05-30", "to": "2025-07-11"})):
        answer = site.get(path, params={**params, parameter: name})
        assert answer.status_code == 404, answer.text
        assert answer.json()["error"]["message"].startswith("no publication named ") and "\\x00" in answer.json()["error"]["message"]
        page = site.get("/changes", params={"kind": kind, parameter: name})
        assert page.status_code == 404 and "no publication named" in text_of(page.text)


@pytest.mark.parametrize("county", ["-", "---", "%00"])
def test_the_agencies_page_refuses_a_county_its_downloads_refuse(site, county):
    # The page answered 200 with no agency, and offered download links that answer 422.
    page = site.get(f"/agencies?county={county}")
    assert page.status_code == 422 and "county: a county&#39;s FIPS code or name holds a letter or a digit" in page.text


@pytest.mark.parametrize("path", ["/", "/agencies", "/coverage"])
def test_a_page_takes_a_field_without_a_value_as_absent(site, path):
    # "?as_of" is what a form sends as "as_of=": no date chosen (it was a 422 on pages that take "as_of=").
    assert site.get(f"{path}?as_of&model").text == site.get(path).text


def test_a_model_page_is_found_in_any_case_and_a_code_naming_none_is_no_page(site):
    assert site.get("/models/jem").text == site.get("/models/JEM").text  # as /states/tx is Texas
    for path in ("/models/XYZ", "/models/J"):
        assert site.get(path).status_code == 404, path  # as /states/ZZ (it was a 422 naming the path)


def test_the_changes_page_names_the_parameter_that_names_the_wrong_kind_of_list(site):
    # As the API's diff: a 422 naming it (the page answered 400, "both publications must be ICE's ... lists").
    pending = site.get("/api/v1/publications", params={"kind": "pending"}).json()
    pending_id = (pending["publications"] if isinstance(pending, dict) else pending)[0]["id"]
    page = site.get("/changes", params={"from": pending_id, "to": "2025-07-09"})
    assert page.status_code == 422
    assert f"from: publication {pending_id} is ICE&#39;s pending list: this page compares ICE&#39;s participating lists" in page.text
    assert site.get("/api/v1/diff", params={"from": pending_id, "to": "2025-07-09"}).status_code == 422


def test_the_changes_page_says_where_an_moa_is_listed_now(site):
    page = site.get("/changes", params={"from": "2025-06-20", "to": "2025-07-09"}).text
    assert "the same MOA (document and signed date) is listed under Okaloosa County Department of Corrections in the later list; no longer listed" in page
    assert "the same MOA (document and signed date) was listed under Okaloosa County Sheriff&#39;s Office in the earlier list" in page


def test_the_apis_diff_says_where_an_moa_is_listed_now_as_the_command_does(site):
    # The response model dropped the keys the command's JSON has (README: the API's diff is that JSON).
    diff = site.get("/api/v1/diff", params={"from": "2025-06-20", "to": "2025-07-09"}).json()
    (gone,) = [i for i in diff["removed"] if i.get("same_moa_now_under")]
    (new,) = [i for i in diff["added"] + diff["from_pending"] if i.get("same_moa_before_under")]
    assert gone["same_moa_now_under"] == {"agency": "Okaloosa County Department of Corrections", "agency_id": new["agency_id"]}
    assert new["same_moa_before_under"] == {"agency": "Okaloosa County Sheriff's Office", "agency_id": gone["agency_id"]}
    assert new["note"] == "the same MOA (document and signed date) was listed under Okaloosa County Sheriff's Office in the earlier list"


def test_the_changes_page_names_to_when_only_to_was_given(site):
    # Without from, the list before to stands in for it: the 422 named from, which the reader never sent.
    participating = site.get("/api/v1/publications", params={"kind": "participating"}).json()
    first_id = (participating["publications"] if isinstance(participating, dict) else participating)[0]["id"]
    page = site.get("/changes", params={"kind": "pending", "to": first_id})
    assert page.status_code == 422 and f"to: publication {first_id} is ICE&#39;s participating list" in page.text
