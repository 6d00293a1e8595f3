"""A state page's counts of 0 said as a reader would: a count of 0 left out of a sentence that counts two things
("1 participating listing and 0 pending listings of Alabama names no county"), and a count that is 0 said as none
("0 listings of 0 agencies", "0 of California's 58 counties have", "0 listings are not on the map"), each exact:
"none ... is known to have" while some listing is not located (the count of counties is a lower bound then), "none
... has" when every one is."""

from __future__ import annotations

import html
import re


def text_of(site, path: str) -> str:
    page = site.get(path)
    assert page.status_code == 200
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", page.text, flags=re.S)).split()))


def caption_of(site, path: str) -> str:
    """The state map's caption (beside the map, in HTML)."""
    page = site.get(path).text
    caption = re.search(r'<figure class="map".*?<figcaption>(.*?)</figcaption>', page, re.S)[1]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", caption).split()))


def test_a_count_of_0_is_left_out_of_a_sentence_that_counts_two_things(sqlite_site):
    alabama, arkansas = text_of(sqlite_site, "/states/AL"), text_of(sqlite_site, "/states/AR?model=TFM")
    assert "2022 vintage). 1 participating listing of Alabama names no county that could be located." in alabama
    assert "0 pending listings" not in alabama
    # Both counted, of the model chosen (its counts were said without it)
    assert "1 participating TFM listing and 1 pending TFM listing of Arkansas name no county that could be located." in arkansas
    assert "Pending: 2 TFM listings of 2 agencies." in arkansas
    # None of them: every listing of the state is located, said only where the state has a listing
    assert "Every listing of Colorado names a county that could be located." in text_of(sqlite_site, "/states/CO")
    california = text_of(sqlite_site, "/states/CA")
    assert "could be located" not in california and "No listing is located in a county of California." in california


def test_a_count_of_0_is_said_as_none(sqlite_site):
    alaska, california = text_of(sqlite_site, "/states/AK"), text_of(sqlite_site, "/states/CA")
    assert "Pending: no listing. Source: ICE's pending list" in alaska and "0 listings of 0 agencies" not in alaska
    assert "the latest this registry holds: no MOA in California." in california and "0 MOAs with 0 agencies" not in california
    kansas = text_of(sqlite_site, "/states/KS?model=JEM")
    assert "the latest this registry holds: no JEM MOA in Kansas." in kansas and "Pending: no JEM listing." in kansas
    # The state map's caption: no MOA, and no sentence about the listings not on the map when there is none to draw
    assert caption_of(sqlite_site, "/states/CA").startswith(
        "California: no MOA. None of the 58 counties has a participating agency of any type located in it, county-level or other. Source:"
    )
    assert "Colorado: 1 MOA (as ICE counts them: one per row). 1 of 64 counties (1.56%) has a participating county-level agency; " in caption_of(sqlite_site, "/states/CO")
    assert "in it. Every listing is on the map. Source:" in caption_of(sqlite_site, "/states/CO")


def test_0_counties_is_said_as_none_and_exactly(sqlite_site):
    # Every listing of California located (it has none): 0 is exact, "none ... has", with no word on listings that name no county
    california = text_of(sqlite_site, "/states/CA")
    assert (
        "None of California's 58 counties (2022 vintage) has a participating agency whose listed county is there; this counts where "
        "agencies are listed, not where their officers act. Definitions" in california
    )
    assert "District of Columbia's one county (2022 vintage) does not have a participating agency whose listed county is there;" in text_of(sqlite_site, "/states/DC")
    # Alaska's 2 listings name no county: 0 is a lower bound, none is known
    assert "None of Alaska's 30 counties (2022 vintage) is known to have a participating agency whose listed county is there; this counts" in text_of(sqlite_site, "/states/AK")
    for path in ("/states/CA", "/states/DC", "/states/AK", "/states/OR?model=WSO", "/states/IL"):
        assert not re.search(r"(?<![\d,.])0 of |at least 0", text_of(sqlite_site, path), re.I), path
