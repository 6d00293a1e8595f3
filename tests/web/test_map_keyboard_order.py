"""A map's states and counties are links, and Tab reaches them in the order of the document: the order the page's own
tables list them (by FIPS code), not grouped by colour class (Tab went through the light shapes, then the dark ones)."""

import re

from g287.sources.rules import states


def hrefs(html: str, kind: str) -> list[str]:
    """The codes of the links to state (kind "states") or county ("counties") pages, in the order of the document."""
    return re.findall(rf'<a href="/{kind}/([0-9A-Z]+)[?"]', html)


def map_of(page: str) -> str:
    return re.search(r'<figure class="map">.*?</figure>', page, re.S)[0]


def colours_of(figure: str) -> set[str]:
    return set(re.findall(r'<g class="g287-class" fill="([^"]+)"', figure))


def in_order_of(codes: list[str], order: list[str]) -> list[str]:
    chosen = set(codes)
    return [c for c in order if c in chosen]


def test_a_state_maps_counties_come_in_the_order_of_its_tables(site):
    for usps in ("FL", "TX", "VA"):
        page = site.get(f"/states/{usps}").text
        figure = map_of(page)
        on_map = hrefs(figure, "counties")
        section = re.search(r'<section aria-labelledby="counties-title">.*?</section>', page, re.S)[0]
        table = hrefs(re.search(r"<table>.*?</table>", section, re.S)[0], "counties")
        every = hrefs(re.search(r'<ul class="columns">.*?</ul>', section, re.S)[0], "counties")
        assert len(colours_of(figure)) > 1 and len(table) > 5  # several colours: grouped by class, the order differed
        assert len(on_map) == len(set(on_map)) >= len(every) - 1
        # The list of every county and the table of those with listings go by FIPS code, and so does the map.
        assert on_map == in_order_of(on_map, every) == sorted(on_map), usps
        assert table == in_order_of(table, on_map), usps
    # In Virginia the independent cities (510 and above) follow the counties, as in the tables: not by name.
    virginia = hrefs(map_of(site.get("/states/VA").text), "counties")
    assert virginia.index("51199") < virginia.index("51510")  # York County, then Alexandria city


def test_the_national_maps_states_come_in_the_order_of_its_states_table(site):
    page = site.get("/").text
    figure = map_of(page)
    on_map = hrefs(figure, "states")
    section = re.search(r'<section aria-labelledby="states-title">.*?</section>', page, re.S)[0]
    table = hrefs(section, "states")
    reference_order = [s.usps for s in states()]  # states.csv: alphabetical by name, which is also FIPS order
    assert len(colours_of(figure)) > 1 and len(on_map) == 51 and len(table) > 30
    assert on_map == in_order_of(on_map, reference_order)
    assert table == in_order_of(table, on_map)
    assert on_map[:4] == ["AL", "AK", "AZ", "AR"] and on_map[-1] == "WY"
