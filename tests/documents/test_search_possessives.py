"""Possessives: "Sheriff's Office" (as MOAs write it) and "Sheriffs Office" (as many listings and some MOAs write it)
are one name for the agency search (identity.toml: sheriff = "sheriffs"), and were two for the document search: the
indexes read "Sheriff's" as the words "sheriff" and "s", so the phrase "owyhee county sheriffs office" (and "SO",
which stands for "sheriffs office") found no MOA of the Owyhee County Sheriff's Office, on both databases."""

import pytest

from g287.documents.search import search
from tests.documents.test_search_abbreviations import found, shared_archive

TEXTS = {
    "apostrophe.pdf": "between ICE and the Owyhee County Sheriff's Office, hereinafter the LEA",
    "no_apostrophe.pdf": "between ICE and the Gilchrist County Sheriffs Office, hereinafter the LEA",
    "constable.pdf": "between ICE and the Lower Burrell Fourth Ward Constable's Office",
}


archive = shared_archive(TEXTS)


@pytest.mark.parametrize(("query", "expected"), [
    ('"Owyhee County Sheriffs Office"', {"apostrophe.pdf"}),  # found nothing
    ('"Gilchrist County Sheriff\'s Office"', {"no_apostrophe.pdf"}),  # found nothing
    ('"Gilchrist County Sheriff’s Office"', {"no_apostrophe.pdf"}),  # a typographic apostrophe
    ('"county sheriffs office"', {"apostrophe.pdf", "no_apostrophe.pdf"}),
    ('"county SO"', {"apostrophe.pdf", "no_apostrophe.pdf"}),  # SO stands for "sheriffs office"
    ('"fourth ward constables office"', {"constable.pdf"}),
    ('county -"sheriffs office"', set()),  # excluded in both spellings
    ('"ICE\'s office"', set()),  # no possessive spelling for a word no abbreviation names: still the words "ice s"
])
def test_a_possessive_is_found_as_the_name_without_its_apostrophe_and_the_other_way(archive, query, expected):
    assert found(archive, query) == expected


def test_the_snippet_marks_the_possessive_as_the_page_writes_it(archive):
    with archive.session() as session:
        hits = {hit.file_name: hit for hit in search(session, '"county sheriffs office"').hits}
    assert "<mark>County Sheriff&#x27;s Office</mark>" in hits["apostrophe.pdf"].snippet_html
    assert "<mark>County Sheriffs Office</mark>" in hits["no_apostrophe.pdf"].snippet_html
