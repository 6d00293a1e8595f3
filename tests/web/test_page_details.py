"""Details of the pages a user met in a browser review: links that lead where they say, forms that keep what was
chosen, counts worded as they are, and input the page cannot print."""

from __future__ import annotations

import re

import pytest


def _publication_id(site, file_name: str) -> int:
    return next(p["id"] for p in site.get("/api/v1/publications").json() if p["file"] == file_name)


def test_a_list_replaced_the_same_day_does_not_call_the_days_agencies_its_own(sqlite_site):
    first = _publication_id(sqlite_site, "participatingAgencies07032025pm.xlsx")
    second = _publication_id(sqlite_site, "participatingAgencies07032025pm__v2.xlsx")
    text = sqlite_site.get(f"/publications/{first}").text
    assert "Its agencies" not in text
    assert f'shows <a href="/publications/{second}">participatingAgencies07032025pm__v2.xlsx</a>, published after this one the same day' in text
    assert re.search(r'Its agencies', sqlite_site.get(f"/publications/{second}").text)
    # The heading names ICE as written ("Ice's" was Jinja's capitalize), and the list's file: the two lists of
    # 2025-07-03 pm were both headed "ICE's participating list of 2025-07-03 pm".
    assert "<h1>ICE&#39;s participating list of 2025-07-03 pm, participatingAgencies07032025pm.xlsx</h1>" in text
    assert "<h1>ICE&#39;s participating list of 2025-07-03 pm, participatingAgencies07032025pm__v2.xlsx</h1>" in sqlite_site.get(f"/publications/{second}").text
    alone = _publication_id(sqlite_site, "participatingAgencies07092025am.xlsx")  # a date and half no other list has
    assert "<h1>ICE&#39;s participating list of 2025-07-09 am</h1>" in sqlite_site.get(f"/publications/{alone}").text


def test_history_names_the_file_of_a_list_whose_date_and_half_another_has(sqlite_site):
    # the agency's page and the diff's 422 said "2025-07-03 pm" of both lists (tests/history/test_same_day_labels.py)
    site = sqlite_site
    FIRST, SECOND = "participatingAgencies07032025pm.xlsx", "participatingAgencies07032025pm__v2.xlsx"
    agency = next(a for a in site.get("/api/v1/agencies", params={"state": "AL", "limit": 1000}).json()["items"] if a["name"] == "Cherokee County Sheriff's Office")
    page = site.get(f"/agencies/{agency['id']}").text
    assert f"2025-07-03 pm, {FIRST}</a>" in page
    first = site.get(f"/api/v1/agencies/{agency['id']}").json()["agreements"][0]["lifecycle"]["first_participating"]
    assert (first["published"], first["half"], first["file"], first["label"]) == ("2025-07-03", "pm", FIRST, f"2025-07-03 pm, {FIRST}")
    publications = {p["file"]: p["id"] for p in site.get("/api/v1/publications").json()}
    answer = site.get("/api/v1/diff", params={"from": publications[SECOND], "to": publications[FIRST]})
    assert answer.status_code == 422 and SECOND in answer.text and FIRST in answer.text


def test_the_changes_table_names_two_lists_of_one_date_and_half_by_their_files(sqlite_site):
    # its columns were headed "2025-07-03 pm" and "2025-07-03 pm", comparing the list of 3 July (pm) with its __v2
    FIRST, SECOND = "participatingAgencies07032025pm.xlsx", "participatingAgencies07032025pm__v2.xlsx"
    first, second = _publication_id(sqlite_site, FIRST), _publication_id(sqlite_site, SECOND)
    page = sqlite_site.get("/changes", params={"from": first, "to": second}).text
    head = page[page.index("<thead>"):page.index("</thead>")]
    assert f'<a href="/publications/{first}">2025-07-03 pm, {FIRST}</a>' in head and f'<a href="/publications/{second}">2025-07-03 pm, {SECOND}</a>' in head
    page = sqlite_site.get("/changes", params={"from": "2025-06-20", "to": first}).text  # a date and half no other list has
    assert f'<a href="/publications/{_publication_id(sqlite_site, "participatingAgencies06202025am.xlsx")}">2025-06-20 am</a>' in page[page.index("<thead>"):]


def test_the_agency_list_keeps_a_date_that_is_not_a_participating_list(sqlite_site):
    text = sqlite_site.get("/agencies?as_of=2025-05-30&status=pending").text
    assert '<option value="2025-05-30" selected>' in text
    assert '<option value="" selected>' not in text


def test_the_changes_form_never_pairs_a_list_with_the_other_lists_publications(sqlite_site):
    text = sqlite_site.get("/changes").text
    assert 'name="kind" value="participating"' in text and 'id="kind"' not in text  # the list is a link, not a menu
    assert '<a href="/changes?kind=pending">pending</a>' in text
    pending = sqlite_site.get("/changes?kind=pending")
    assert pending.status_code == 200 and 'name="kind" value="pending"' in pending.text
    assert "pendingAgencies05152025am.xlsx" in pending.text and "participatingAgencies07092025am.xlsx)</option>" not in pending.text


def test_search_says_when_it_shows_only_the_best_matches(sqlite_site):
    many = sqlite_site.get("/search?q=sheriff").text
    assert "The best 50 matches for “sheriff”; more match" in many and many.count('<li><span class="kind">') == 50
    assert "1 result for “Indialantic”" in sqlite_site.get("/search?q=Indialantic").text
    assert "2 results for “Owyhee”" in sqlite_site.get("/search?q=Owyhee").text
    blank = sqlite_site.get("/search?q=%20%20").text
    assert "results for" not in blank and "Nothing matches" not in blank


def test_characters_html_cannot_hold_are_never_printed(sqlite_site):
    page = sqlite_site.get("/search?q=Indi%00al%01antic")
    assert page.status_code == 200
    assert "\x00" not in page.text and "\x01" not in page.text
    assert 'value="Indi al antic"' in page.text
    documents = sqlite_site.get("/documents?q=warrant%00")
    assert "\x00" not in documents.text


def test_a_page_past_the_last_is_not_found(sqlite_site):
    assert sqlite_site.get("/agencies?page=7").status_code == 200  # 692 agencies listed, 100 a page
    missing = sqlite_site.get("/agencies?page=999")
    assert missing.status_code == 404 and "no page 999" in missing.text
    assert sqlite_site.get("/agencies?page=8").status_code == 404
    assert sqlite_site.get("/agencies?state=FL&page=3").status_code == 200  # 246 agencies
    assert sqlite_site.get("/agencies?state=FL&page=4").status_code == 404
    assert sqlite_site.get("/agencies?state=FL&type=other&page=1").status_code == 200  # an empty selection has its page 1


@pytest.mark.parametrize("path", ["/agencies", "/documents"])
def test_a_page_number_is_written_in_digits(sqlite_site, path):
    """`?page=+2`, `?page=%202` or `?page=2.0` showed page 2 (pydantic's int), `?page=1_0` page 10: a number in another
    form is an invalid parameter naming `page`, as a record's id in another form is, not another address of a page."""
    assert sqlite_site.get(path, params={"page": "2"}).status_code in (200, 404)  # 404: no second page of documents
    for value in ("%2B2", "%202", "2%20", "2.0", "1_0", "%EF%BC%92"):
        refused = sqlite_site.get(f"{path}?page={value}")
        assert refused.status_code == 422 and "page: " in refused.text and "not a whole number from 1 to" in refused.text, (path, value)


def test_each_search_landmark_has_its_own_name(sqlite_site):
    for path in ("/search?q=x", "/documents"):
        names = re.findall(r'role="search" aria-label="([^"]+)"', sqlite_site.get(path).text)
        assert len(names) == 2 and len(set(names)) == 2, (path, names)


@pytest.mark.parametrize("upper", [True, False])
def test_a_document_digest_in_capitals_finds_the_document(sqlite_site, upper):
    sha = sqlite_site.get("/api/v1/documents").json()["documents"][0]["sha256"]
    asked = sha.upper() if upper else sha
    api = sqlite_site.get(f"/api/v1/documents/{asked}")
    assert api.status_code == 200 and api.json()["sha256"] == sha
    page = sqlite_site.get(f"/documents/{asked}", follow_redirects=False)
    if upper:
        assert page.status_code == 301 and page.headers["location"] == f"/documents/{sha}"
        assert sqlite_site.get(f"/documents/{asked}.PDF", follow_redirects=False).headers["location"] == f"/documents/{sha}.pdf"
    else:
        assert page.status_code == 200


@pytest.mark.parametrize("query", ["limit=", "state=", "as_of=", "offset="])
def test_an_export_refuses_an_empty_parameter_as_the_api_does(sqlite_site, query):
    name = query.rstrip("=")
    for path in ("/api/v1/agreements", "/exports/agreements.csv", "/exports/agreements.json"):
        answer = sqlite_site.get(f"{path}?{query}")
        assert answer.status_code == 422 and answer.json()["error"]["fields"][0]["field"] == name, path
    # Pages take an empty field as absent: their forms send one for "All models", "Latest publication"...
    assert sqlite_site.get(f"/agencies?{query}&model=").status_code == 200


def test_the_about_page_says_which_identity_rules_are_never_proposed(sqlite_site):
    from g287.history.names import identity_rules

    rules = identity_rules()
    rows = dict(re.findall(r"<tr><td>(\w+)</td><td>[^<]*</td><td class=\"n\">([^<]*)</td></tr>", sqlite_site.get("/about").text))
    assert rows and set(rows) == set(rules.confidence)
    for rule, confidence in rules.confidence.items():
        expected = "(never proposed)" if confidence < rules.review_floor else "(reviewed)" if confidence < rules.threshold else ""
        assert rows[rule] == f"{confidence:.2f} {expected}".strip(), rule
    assert any(c < rules.review_floor for c in rules.confidence.values())  # continuity_only, pending_only


def test_links_from_a_page_of_a_date_to_pages_of_a_date_keep_it(sqlite_site):
    # The home page's model cards led to /models/JEM (the latest list's figures: 117 MOAs under a card of 100), and
    # the State column of the agency lists to /states/TX: each showed another date than the page it was chosen on.
    home = sqlite_site.get("/?as_of=2025-05-29").text
    assert '<h3><a href="/models/JEM?as_of=2025-05-29">' in home and '<h3><a href="/models/JEM">' not in home
    for page in ("/agencies?as_of=2025-05-29&state=TX", "/pending?as_of=2025-05-29"):
        text = sqlite_site.get(page).text
        assert '<td><a href="/states/TX?as_of=2025-05-29">TX</a></td>' in text and '<td><a href="/states/TX">' not in text, page
    # Without a date chosen, the links name none (the latest lists), as before.
    assert '<h3><a href="/models/JEM">' in sqlite_site.get("/").text
    assert '<td><a href="/states/TX">TX</a></td>' in sqlite_site.get("/agencies?state=TX").text


@pytest.mark.parametrize("name", ["from", "to"])
@pytest.mark.parametrize("value", ["2025-13-01", "1800-01-01"])
def test_the_changes_page_names_the_parameter_whose_date_is_no_date(sqlite_site, name, value):
    # It answered 400 "Error 400" naming no parameter, where the API's diff answers 422 naming it.
    page = sqlite_site.get("/changes", params={name: value})
    assert page.status_code == 422 and f"Invalid request: {name}: &#39;{value}&#39;" in page.text
    assert sqlite_site.get("/api/v1/diff", params={"from": "2", "to": "3", name: value}).status_code == 422


def test_the_changes_page_reads_a_blank_publication_as_none_chosen(sqlite_site):
    # " " was looked up as a file name: a 404 "no publication named ''".
    blank, default = sqlite_site.get("/changes", params={"from": " ", "to": " "}), sqlite_site.get("/changes")
    assert blank.status_code == 200 and blank.text == default.text


def test_the_agencies_page_says_the_status_chosen_with_its_count(sqlite_site):
    """The count named every filter chosen but the status: "658 agencies." whether participating, pending or both."""
    said = {}
    for status in ("listed", "participating", "pending", "all"):
        page = " ".join(sqlite_site.get(f"/agencies?as_of=2025-05-29&status={status}&state=TX").text.split())
        said[status] = re.search(r"<p><strong>[\d,]+</strong> agenc(?:y|ies) ([^(<]*) \(state TX\)\.", page)[1]
    assert said == {
        "listed": "participating or pending",
        "participating": "participating",
        "pending": "with an agreement on the pending list",
        "all": "listed by the date, each with its status then",
    }


def test_the_pending_pages_states_are_in_the_order_of_their_names(sqlite_site):
    """The pipeline's table by state named the states in the order of their codes: "North Carolina, Nebraska"."""
    page = sqlite_site.get("/pending").text
    table = page[page.index("Days on the pending list, by state") :]
    table = table[: table.index("</table>")]
    names = re.findall(r'<th scope="row"><a href="/states/[A-Z]{2}">([^<]+)</a></th>', table)
    assert len(names) > 10 and names == sorted(names)


def test_a_state_pages_counts_agree_with_their_nouns_and_say_at_least_only_when_some_listing_is_not_located(sqlite_site):
    """"At least 5 of Wyoming's 23 counties have ..." though every listing of Wyoming names a county (the count is
    exact then, as the maps say it); "1 of Colorado's 64 counties have"; "1 participating and 0 pending listings of
    Alabama name"."""
    def text(usps: str, query: str = "") -> str:
        return " ".join(re.sub(r"<[^>]+>", "", sqlite_site.get(f"/states/{usps}?as_of=2025-07-09{query}").text).split())

    assert "every listing names a county" in text("CO") and " 1 of Colorado's 64 counties (2022 vintage) has a participating agency" in text("CO")
    assert "1 of 64 counties (1.56%) has a participating county-level agency" in text("CO")  # the map's caption
    assert "At least 1 of Missouri's 115 counties (2022 vintage) has a participating agency" in text("MO")
    # "At least 0 of Iowa's 99 counties have": none is known to have one (its one listing names no county)
    assert "None of Iowa&#39;s 99 counties (2022 vintage) is known to have a participating agency whose listed county is there; this counts" in text("IA")
    assert "At least 1 of Arkansas's 75 counties (2022 vintage) has a participating TFM agency whose listed county is there, none known to have a county-level one;" in text("AR", "&model=TFM")
    assert "At least 0" not in text("AK") + text("ME", "&model=WSO") + text("OK", "&model=TFM")
    assert "1 participating listing of Alabama names no county that could be located" in text("AL")  # "and 0 pending listings": test_zero_counts.py
    assert "1 participating listing and 1 pending listing of Arkansas name no county that could be located" in text("AR")


def test_words_a_reader_meets_are_written_out(sqlite_site):
    # Seen in a browser review: the changes page's table named an agency type by its code ("Type: state_agency",
    # where every other page says "State agency"), its summary began a sentence in lower case ("....xlsx). newly
    # listed"), and an identity merge's evidence printed Python's "False".
    page = sqlite_site.get("/changes").text
    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "state_agency" not in text and "Type: State agency" in text
    assert re.search(r"\.xlsx\)\. Newly listed as participating: \d+;", text), text[:2000]
    agency = next(a for a in sqlite_site.get("/api/v1/agencies", params={"state": "FL", "limit": 1000}).json()["items"] if a["name"] == "Miami Springs Police Department")
    text = " ".join(re.sub(r"<[^>]+>", "", sqlite_site.get(f"/agencies/{agency['id']}").text).split())
    assert "listed together: no" in text and "False" not in text and "True" not in text
