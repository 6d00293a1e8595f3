"""Reference data: counts per vintage, lookups, the changes between vintages, and a shape for every county."""

import csv

import pytest

from g287.errors import NotFound
from g287.geo import reference
from g287.geo.maps import shapes


@pytest.mark.parametrize("vintage, expected", [("2000", 3141), ("2010", 3143), ("2020", 3143), ("2022", 3144)])
def test_counties_per_vintage(vintage, expected):
    counties = reference.counties_in(vintage)
    assert len(counties) == expected
    assert {c.usps for c in counties.values()} == {s.usps for s in reference.counted_states()}
    assert len(reference.counted_states()) == 51


@pytest.mark.parametrize(
    "usps, counts",
    [
        ("CT", {"2000": 8, "2010": 8, "2020": 8, "2022": 9}),  # planning regions from 2022
        ("AK", {"2000": 27, "2010": 29, "2020": 30, "2022": 30}),  # 2007, 2008 and 2019 splits
        ("VA", {"2000": 135, "2010": 134, "2020": 133, "2022": 133}),  # Clifton Forge 2001, Bedford city 2013
        ("CO", {"2000": 63, "2010": 64, "2020": 64, "2022": 64}),  # Broomfield 2001
        ("DC", {"2000": 1, "2010": 1, "2020": 1, "2022": 1}),
    ],
)
def test_counts_of_states_that_changed(usps, counts):
    assert {v: len(reference.counties_of_state(usps, v)) for v in counts} == counts


def test_lookups():
    hillsborough = reference.county("12057")
    assert (hillsborough.name, hillsborough.usps, hillsborough.kind) == ("Hillsborough County", "FL", "county")
    assert reference.county("51760").name == "Richmond city" and reference.county("51760").kind == "city"
    assert reference.county("22111").kind == "parish"
    assert reference.county("32510").base_name == "Carson City"
    assert [c.fips for c in reference.counties_of_state("de")] == ["10001", "10003", "10005"]
    assert reference.county("02195", "2010").name == "Petersburg Census Area"
    assert reference.county("02195", "2022").name == "Petersburg Borough"
    with pytest.raises(NotFound):
        reference.county("99999")
    with pytest.raises(NotFound):
        reference.counties_of_state("ZZ")


def test_counties_of_another_vintage():
    assert reference.in_vintage("02063", "2000") == "02261"  # Chugach was part of Valdez-Cordova
    assert reference.in_vintage("46102", "2000") == "46113"  # Oglala Lakota was Shannon County
    assert reference.in_vintage("51515", "2022") == "51019"  # Bedford city joined Bedford County
    assert reference.in_vintage("08014", "2000") is None  # Broomfield: parts of four counties
    assert reference.in_vintage("09110", "2020") is None  # a planning region spans several former counties
    assert reference.in_vintage("12057", "2000") == "12057"


def test_a_code_shared_by_two_versions_is_contained_as_the_version_it_names_today():
    # 02195 was Petersburg Census Area (2008-2013: the rest of Wrangell-Petersburg, 02280) and is Petersburg
    # Borough, which also took part of Hoonah-Angoon: no county of 2000 wholly contains the borough.
    assert reference.in_vintage("02195", "2000") is None
    assert reference.in_vintage("02195", "2010") == "02195"  # the code is a county of 2010 (the census area)
    assert reference.in_vintage("02195", "2022") == "02195"
    assert reference.in_vintage("02275", "2000") is None  # Wrangell: parts of two 2000 census areas


def test_vintage_on_a_date():
    import datetime as dt

    assert reference.vintage_on(dt.date(2025, 7, 9)).name == "2022"
    assert reference.vintage_on(dt.date(2022, 6, 5)).name == "2020"
    assert reference.vintage_on(dt.date(2001, 12, 1)).name == "2000"


def test_every_county_of_the_mapped_vintages_has_a_shape_or_says_why():
    geometry = shapes()
    for vintage in ("2020", "2022"):
        for county in reference.counties_in(vintage).values():
            assert county.shape, county
            if county.shape.startswith("state:"):
                assert county.shape.split(":")[1] in geometry["states"]
                assert "planning regions" in county.shape_note
            else:
                assert county.shape in geometry["counties"]
                if county.shape != county.fips:
                    assert county.shape_note
    assert len(geometry["states"]) == 51


def test_changes_file_has_sources_and_known_fips():
    with open(reference.GEO_DIR / "county_changes.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    known = {c.fips for c in reference.all_versions()}
    for row in rows:
        assert row["source"] in ("census-changes", "census-ct") and row["description"]
        assert row["fips"] in known
        assert not row["contained_in"] or row["contained_in"] in known
    # Containment is read per county version (code and name): every row that gives one names a version held.
    versions = {(c.fips, c.name) for c in reference.all_versions()}
    assert all((row["fips"], row["name"]) in versions for row in rows if row["contained_in"])


def test_a_fips_code_missing_its_leading_zero_is_named_with_it():
    """A spreadsheet reads 09003 as 9003 (README says so of the exports): the error named no county, with no hint."""
    with pytest.raises(NotFound, match=r"^no county with FIPS code '9003' \(FIPS codes have five digits: 09003\?\)$"):
        reference.county("9003")
    for code in ("99999", "9999", "abc"):  # no county either way: no hint
        with pytest.raises(NotFound, match=r"^no county with FIPS code '[^']*'$"):
            reference.county(code)
