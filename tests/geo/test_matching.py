"""County matching as a pure function: insensitive to spelling noise, aware of designations, and never a guess."""

import csv

import pytest

from g287.errors import G287Error
from g287.geo import matching
from g287.geo.matching import match_county
from g287.geo.reference import GEO_DIR, county


@pytest.mark.parametrize(
    "usps, text, fips",
    [
        ("FL", "Hillsborough County", "12057"),
        ("FL", "HILLSBOROUGH  county", "12057"),
        ("FL", "Hillsborough", "12057"),
        ("FL", "Miami Dade County", "12086"),
        ("FL", "St Johns County", "12109"),
        ("MD", "Prince Georges County", "24033"),
        ("MD", "Prince George’s County", "24033"),
        ("MD", "St. Mary's County", "24037"),
        ("NM", "Doña Ana County", "35013"),
        ("IL", "La Salle County", "17099"),
        ("AL", "De Kalb County", "01049"),
        ("GA", "Decatur", "13087"),  # observed: the name without "County"
        ("LA", "Union County", "22111"),  # observed: "County" for a parish
        ("LA", "Saint Landry County", "22097"),  # observed: "Saint" for "St."
        ("LA", "Beauregard Parish", "22011"),
        ("AK", "Juneau City and Borough", "02110"),
        ("AK", "Juneau Borough", "02110"),
        ("AK", "Bethel Census Area", "02050"),
        ("AK", "Anchorage", "02020"),
        ("VA", "Richmond County", "51159"),
        ("VA", "Richmond City", "51760"),
        ("VA", "City of Richmond", "51760"),
        ("VA", "James City County", "51095"),
        ("VA", "James City", "51095"),
        ("VA", "Bedford", "51019"),  # Bedford city no longer exists
        ("MD", "Baltimore City", "24510"),
        ("MD", "Baltimore County", "24005"),
        ("MO", "St. Louis City", "29510"),
        ("MO", "St. Louis County", "29189"),
        ("NV", "Carson City", "32510"),
        ("DC", "District of Columbia", "11001"),
        # a consolidated city-county's legal name: "City and County of Denver" is Denver County
        ("CO", "City and County of Denver", "08031"),
        ("CO", "City and County of Broomfield", "08014"),
        ("CA", "San Francisco City and County", "06075"),
        ("HI", "City & County of Honolulu", "15003"),
    ],
)
def test_matches(usps, text, fips):
    result = match_county(usps, text)
    assert (result.status, result.fips) == ("matched", fips)
    assert county(fips).usps == usps


@pytest.mark.parametrize(
    "usps, text, status, says",
    [
        ("AR", "Bowie County", "unmatched", ["does not exist in Arkansas", "exists in Texas", "'Bowie County'"]),  # observed
        ("NC", "Albemarle County", "unmatched", ["does not exist in North Carolina", "Virginia"]),  # observed
        ("LA", "German Coast County", "unmatched", ["does not exist in Louisiana"]),  # observed
        ("FL", "Dade County", "unmatched", ["does not exist in Florida"]),  # renamed Miami-Dade in 1997
        ("VA", "Richmond", "ambiguous", ["Richmond County (51159)", "Richmond city (51760)"]),
        ("MD", "Baltimore", "ambiguous", ["24005", "24510"]),
        ("MO", "St. Louis", "ambiguous", ["29189", "29510"]),
        ("TX", "Hillsborough County", "unmatched", ["does not exist in Texas", "Florida"]),
        ("VA", "Alexandria County", "unmatched", ["does not exist in Virginia"]),  # a city is not matched by "County"
        ("TX", "Harris Parish", "unmatched", ["does not exist in Texas"]),  # "Parish" names parishes only
        ("PR", "San Juan", "no_county_list", ["no county list for Puerto Rico"]),  # a territory: no failed match
        # A text listing several counties names several, not "no county of that name" (a misspelling to fix).
        ("FL", "Polk and Hillsborough", "ambiguous", ["names several counties of Florida: Polk County (12105) and Hillsborough County (12057)"]),
        ("FL", "Polk, Hillsborough & Pasco Counties", "ambiguous", ["Polk County (12105), Hillsborough County (12057) and Pasco County (12101)"]),
        ("LA", "Orleans/Jefferson Parishes", "ambiguous", ["Orleans Parish (22071) and Jefferson Parish (22051)"]),
        ("WA", "Lewis and Clark", "unmatched", ["does not exist in Washington", "Montana"]),  # a county's name elsewhere
        ("FL", "Polk and Nowhere", "unmatched", ["does not exist in Florida"]),
        # A listed county ambiguous in its state is said with the counties it may be, not "does not exist".
        ("VA", "Richmond and Henrico", "ambiguous", ["names several counties of Virginia: 'Richmond' (ambiguous: Richmond County (51159) or Richmond city (51760)) and Henrico County (51087)"]),
        ("MD", "Baltimore & Harford Counties", "ambiguous", ["Baltimore County (24005) and Harford County (24025)"]),  # "Counties": no city
        ("VA", "Richmond and Nowhere", "unmatched", ["does not exist in Virginia"]),
        # "City and County of" names a consolidated city-county; where a city and a county share the name, both
        ("VA", "Richmond City and County", "ambiguous", ["Richmond County (51159) or Richmond city (51760)"]),
        ("MO", "City and County of St. Louis", "ambiguous", ["St. Louis County (29189) or St. Louis city (29510)"]),
    ],
)
def test_never_guessed(usps, text, status, says):
    result = match_county(usps, text)
    assert result.status == status and result.fips is None
    assert result.category == "unknown"
    for fragment in says:
        assert fragment in result.problem


def test_a_county_named_with_and_is_still_one_county():
    assert match_county("MT", "Lewis and Clark County").fips == "30049"
    assert match_county("VA", "King and Queen").fips == "51097"
    assert match_county("AK", "Lake and Peninsula Borough").fips == "02164"


def test_unknown_state_and_no_county_texts():
    assert match_county(None, "Lee County").status == "state_unknown"
    for text in ("Statewide", "STATE WIDE", "Multiple Counties", "various"):
        result = match_county("TX", text)
        assert (result.status, result.fips, result.problem) == ("no_county", None, None), text


def test_former_counties_are_matched_and_noted():
    result = match_county("SD", "Shannon County")
    assert (result.status, result.fips, result.category) == ("former", "46113", "note")
    assert match_county("CT", "Fairfield County").fips == "09001"
    assert match_county("CT", "Capitol Planning Region").status == "matched"


def test_a_former_entity_sharing_its_code_with_a_current_county_is_noted_as_former():
    # Petersburg Census Area (2008-2013) became Petersburg Borough under the same code, with another extent: read as
    # the borough, it was a plain match with no note.
    result = match_county("AK", "Petersburg Census Area")
    assert (result.status, result.fips, result.category) == ("former", "02195", "note")
    assert "until 2013-01-03" in result.rule and "Petersburg Census Area" in result.problem
    assert (match_county("AK", "Petersburg Borough").status, match_county("AK", "Petersburg").status) == ("matched", "matched")
    assert match_county("AK", "Petersburg").fips == "02195"


def test_the_district_s_city_names_its_one_county_equivalent():
    # "Washington" in DC said "a county of that name exists in Alabama, Arkansas, Colorado and others", and was no
    # county; the District has one county equivalent (reviewed lines of county_fixes.csv).
    for text in ("Washington", "Washington, D.C.", "Washington DC", "D.C.", "DC"):
        assert (match_county("DC", text).status, match_county("DC", text).fips) == ("fixed", "11001"), text
    assert match_county("DC", "District of Columbia").status == "matched"
    assert match_county("DC", "Arlington").status == "unmatched"  # another county's name is still no county of it
    assert match_county("VA", "Washington").fips == "51191"  # a state's own Washington County is untouched


def test_fix_table_is_reviewed_and_needed():
    with open(GEO_DIR / "county_fixes.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 7
    fixes = matching.fixes()
    for row in rows:
        assert row["reason"] and row["evidence"]
        assert county(row["fips"]).usps == row["usps"]
        result = match_county(row["usps"], row["county_text"])
        assert (result.status, result.fips, result.category) == ("fixed", row["fips"], "repaired")
        assert row["county_text"] in result.problem
        # without the reviewed line the text would not match: the table only holds what the rules cannot read
        del_key = (row["usps"], matching.key_of(row["county_text"]))
        saved = fixes.pop(del_key)
        try:
            match_county.cache_clear()
            assert match_county(row["usps"], row["county_text"]).status in ("unmatched", "ambiguous")
        finally:
            fixes[del_key] = saved
            match_county.cache_clear()


def test_agency_name_disagreeing_with_county_column():
    assert matching.county_named_by_agency("PA", "Bradford County Sheriff's Office").fips == "42015"
    assert matching.county_named_by_agency("PA", "Monroeville Constable Office") is None
    assert matching.county_named_by_agency("LA", "Union Parish Sheriff's Office").fips == "22111"
    # an independent city's sheriff names the city, not the county of the same name
    assert matching.county_named_by_agency("VA", "Richmond City Sheriff's Office").fips == "51760"
    assert matching.county_named_by_agency("VA", "Charles City County Sheriff's Office").fips == "51036"
    assert matching.county_named_by_agency("OK", "Oklahoma City Detention Center") is None


def test_a_fix_naming_no_county_of_its_state_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "county_fixes.csv").write_text("usps,county_text,fips,reason,evidence\nAL,Frankin County,13059,wrong state,none\n", encoding="utf-8")
    monkeypatch.setattr(matching, "GEO_DIR", tmp_path)
    matching.fixes.cache_clear()
    try:
        with pytest.raises(G287Error, match="county_fixes.csv line 2: '13059' is not a county of 'AL'"):
            matching.fixes()
    finally:
        matching.fixes.cache_clear()


def test_the_index_works_out_every_full_name_key_as_key_of_does():
    from g287.geo.reference import all_versions

    versions = all_versions()
    designations = {c.name[len(c.base_name) :] for c in versions if c.name != c.base_name}
    assert {" County", " Parish", " Borough", " city"} <= designations  # the shortcut is exercised
    assert [matching._full_key(c.name, c.base_name, matching.key_of(c.base_name)) for c in versions] == [matching.key_of(c.name) for c in versions]
    assert matching._full_key("Prince George's County", "Prince George's", matching.key_of("Prince George's")) == matching.key_of("PRINCE GEORGES COUNTY")


def test_every_county_version_is_read_as_its_row_says():
    """all_versions() builds County instances without their __init__ (for speed): each equals the one __init__
    makes from the same row, field by field, and hashes alike."""
    from g287.geo.reference import County, all_versions, split_designation

    with open(GEO_DIR / "counties.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    versions = all_versions()
    assert len(versions) == len(rows) > 3141
    for row, version in zip(rows, versions):
        base, kind = split_designation(row["name"], row["class"])
        made = County(row["fips"], row["usps"], row["name"], base, kind, row["class"], row["valid_from"], row["valid_until"], tuple(row["vintages"].split()), row["shape"], row["shape_note"])
        assert version == made and hash(version) == hash(made) and vars(version) == vars(made)


@pytest.mark.parametrize(
    "usps, text, fips, status",
    [
        ("MO", "Ste. Genevieve County", "29186", "matched"),
        ("MO", "Ste. Genevieve", "29186", "matched"),
        ("MO", "STE GENEVIEVE CO.", "29186", "matched"),
        ("MO", "Sainte Genevieve", "29186", "matched"),  # matching.toml: sainte = ste
        ("MO", "Sainte Genevieve County", "29186", "matched"),
        # The common misspelling, with or without "County" (a fix is one key each): reviewed lines of county_fixes.csv
        ("MO", "St. Genevieve", "29186", "fixed"),
        ("MO", "St Genevieve County", "29186", "fixed"),
        ("MO", "Saint Genevieve County", "29186", "fixed"),  # saint = st
        ("LA", "St. Mary Parish", "22101", "matched"),
        ("LA", "Saint Mary Parish", "22101", "matched"),
        ("LA", "St Mary", "22101", "matched"),
        ("LA", "Saint John The Baptist", "22095", "matched"),
        ("MD", "Saint Mary's County", "24037", "matched"),
        ("MO", "Saint Francois County", "29187", "matched"),
        ("MN", "Saint Louis County", "27137", "matched"),
    ],
)
def test_saint_and_sainte_forms_are_read_as_the_county(usps, text, fips, status):
    """Missouri's Ste. Genevieve County (29186) is the only county whose name says "Sainte": "Sainte Genevieve" was
    read as it, but "St. Genevieve", its common misspelling, was "does not exist in Missouri"."""
    result = match_county(usps, text)
    assert (result.status, result.fips) == (status, fips)
