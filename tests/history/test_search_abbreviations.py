"""Agency search reads the abbreviations the identity rules list (g287/data/rules/identity.toml: St./Saint, Ft./Fort,
Co./County ...) as the words they stand for, both ways and as whole words, on both databases: the site's and API's
search, and `g287 agency NAME`. "saint lucie" found no "St. Lucie County Sheriff's Office"."""

from __future__ import annotations

import json
import warnings

from g287.history.agency import find_agencies
from g287.registry.ingest import ingest_file
from g287.registry.search import search
from tests.in_process import run_g287

LIST = (
    "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\n"
    "FLORIDA,St. Lucie County Sheriff's Office,County,St. Lucie County,Task Force Model,2025-04-01,link pending\n"
    "FLORIDA,St. Lucie County Sheriff's Office Marine Unit,County,St. Lucie County,Task Force Model,2025-04-02,link pending\n"
    "FLORIDA,Fort Myers Police Department,Municipality,Lee County,Task Force Model,2025-04-01,link pending\n"
    "MISSOURI,Saint Charles Co. Sheriff's Office,County,St. Charles County,Task Force Model,2025-04-01,link pending\n"
    "CALIFORNIA,Stanislaus County Sheriff's Office,County,Stanislaus County,Task Force Model,2025-04-01,link pending\n"
    "OHIO,Stark County Sheriff's Office,County,Stark County,Task Force Model,2025-04-01,link pending\n"
)
LUCIE = "St. Lucie County Sheriff's Office"
CHARLES = "Saint Charles Co. Sheriff's Office"


def ingest(db, actor, tmp_path):
    path = tmp_path / "participatingAgencies07152025am.csv"
    path.write_text(LIST, encoding="utf-8")
    ingest_file(db, path, actor)


def agencies_found(session, query: str) -> list[str]:
    return [h.label for h in search(session, query, kinds=("agency",))]


def test_search_reads_an_abbreviation_as_its_word(db, actor, tmp_path):
    ingest(db, actor, tmp_path)
    with db.session() as session:
        assert agencies_found(session, "saint lucie") == [LUCIE, f"{LUCIE} Marine Unit"]
        assert agencies_found(session, "st charles county") == [CHARLES]
        assert agencies_found(session, "ft myers") == ["Fort Myers Police Department"]
        # whole words: "saint" is no start of "Stanislaus" or "Stark", and "st" no longer reads as one
        assert sorted(agencies_found(session, "saint")) == sorted([LUCIE, f"{LUCIE} Marine Unit", CHARLES])
        assert sorted(agencies_found(session, "st")) == sorted([LUCIE, f"{LUCIE} Marine Unit", CHARLES])
        counties = [(h.label, h.ref) for h in search(session, "saint lucie", kinds=("county",))]
        # a state's code is still the state: "MT" is Montana, "CO" Colorado, not "mount" or "county"
        montana, colorado = search(session, "MT", kinds=("state",))[0], search(session, "co", kinds=("state",))[0]
    assert counties[0] == ("St. Lucie County", "12111")
    assert (montana.label, colorado.label) == ("Montana", "Colorado")


def test_the_api_finds_st_lucie_by_saint(db, actor, tmp_path):
    ingest(db, actor, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from g287.web.app import create_app

    hits = TestClient(create_app(db)).get("/api/v1/search", params={"q": "saint lucie sheriff"}).json()["hits"]
    assert [h["label"] for h in hits if h["kind"] == "agency"] == [LUCIE, f"{LUCIE} Marine Unit"]


def test_the_agency_command_finds_a_name_by_its_abbreviations_written_out(db, actor, tmp_path):
    ingest(db, actor, tmp_path)
    with db.session() as session:
        found = {text: [a.name for a in find_agencies(session, text)] for text in ("saint lucie", "ST CHARLES", "fort myers", "saint", "saint charles county")}
    assert found == {
        "saint lucie": [LUCIE, f"{LUCIE} Marine Unit"],
        "ST CHARLES": [CHARLES],
        "fort myers": ["Fort Myers Police Department"],
        "saint": [LUCIE, f"{LUCIE} Marine Unit", CHARLES],
        "saint charles county": [CHARLES],
    }
    # The name written out is the agency's name: chosen among those containing it, as its own spelling is.
    status, out, err = run_g287(db.url, "agency", "Saint Lucie County Sheriffs Office", "--json")
    assert status == 0, err
    assert json.loads(out)["agency"]["name"] == LUCIE
    status, _out, err = run_g287(db.url, "agency", "saint lucie")
    assert status == 1 and "2 agencies match" in err


def test_a_short_query_finds_names_by_their_words_not_the_letters_inside_them(db, actor, tmp_path):
    # `g287 agency st` listed 68 agencies of the bundled lists, "Houston", "Limestone" and "West" among them (the
    # letters inside a word), and `so` 436 (Robertson, Jefferson): the words first, as the site's search finds them.
    path = tmp_path / "participatingAgencies07152025am.csv"
    path.write_text(LIST + (
        "ALABAMA,Houston County Sheriff's Office,County,Houston County,Task Force Model,2025-04-01,link pending\n"
        "FLORIDA,West Melbourne Police Department,Municipality,Brevard County,Task Force Model,2025-04-01,link pending\n"
        "TEXAS,Robertson County Constable Precinct 1,County,Robertson County,Task Force Model,2025-04-01,link pending\n"
        "PENNSYLVANIA,Manheim Borough Police Department,Municipality,Lancaster County,Task Force Model,2025-04-01,link pending\n"
        "FLORIDA,Hillsborough County Sheriff's Office,County,Hillsborough County,Task Force Model,2025-04-01,link pending\n"
    ), encoding="utf-8")
    ingest_file(db, path, actor)
    with db.session() as session:
        found = {text: sorted(a.name for a in find_agencies(session, text)) for text in ("st", "so", "borough", "orough", "son")}
        saints = "; ".join(f"{a.id} {a.state_usps} {a.name}" for a in find_agencies(session, "st"))
    sheriffs = sorted([LUCIE, f"{LUCIE} Marine Unit", CHARLES, "Stanislaus County Sheriff's Office", "Stark County Sheriff's Office",
                       "Houston County Sheriff's Office", "Hillsborough County Sheriff's Office"])
    assert found == {
        "st": sorted([LUCIE, f"{LUCIE} Marine Unit", CHARLES]),
        "so": sheriffs,
        "borough": ["Manheim Borough Police Department"],  # the word, not Hillsborough's letters
        "orough": ["Hillsborough County Sheriff's Office", "Manheim Borough Police Department"],  # no word: the letters
        "son": ["Robertson County Constable Precinct 1"],
    }
    status, out, err = run_g287(db.url, "agency", "st")
    assert (status, out) == (1, "") and err == (
        f"g287: error: 3 agencies match: {saints} (give more of the name, --state, or an id)\n"
    ), err
