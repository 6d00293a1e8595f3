"""An omission is counted in lists in force, as K is: a list and its re-issue of the same half-day
(participatingAgencies07032025pm.xlsx and its __v2) both missing an agreement are one omission from one list, not
"omitted from 2 publications"; missing only from the list the re-issue replaced is an omission from no list in force."""

import datetime as dt
import json
import warnings

import pytest
from click.testing import CliRunner

from g287.access import Actor
from g287.cli import cli
from g287.exports.ice_workbook import write_ice_workbook
from g287.history.diff import diff
from g287.history.lifecycle import lifecycles
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from g287.web.app import create_app
from tests.history.builders import row

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

X = row("TX", "Alpha County Sheriff's Office", "JEM", "2025-01-01", "County", "Alpha County")
KEEP = row("TX", "Bravo County Sheriff's Office", "JEM", "2025-01-02", "County", "Bravo County")


@pytest.fixture
def lists(db, tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("state,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
    monkeypatch.delenv("G287_END_AFTER", raising=False)

    def publish(name: str, modified: dt.datetime, listed: bool) -> int:
        path = tmp_path / name
        write_ice_workbook(path, "participating", [KEEP, X] if listed else [KEEP], modified)  # the time orders a re-issue after its list
        return ingest_file(db, path, Actor.command_line()).publication_id

    return publish


def _removed_and_added(db, older: int, newer: int, back: int):
    with db.session() as session:
        removed = diff(session, resolve(session, older), resolve(session, newer))["removed"]
        added = diff(session, resolve(session, newer), resolve(session, back))["added"]
    assert [item["agency"] for item in removed] == [X.agency] == [item["agency"] for item in added]
    return removed[0]["status_since"], added[0]["note"]


def _omission(db):
    with db.session() as session:
        life = next(life for life in lifecycles(session).values() if life.name == X.agency)
    assert len(life.omissions) == 1 and not life.ends
    return life.omissions[0]


def _life_agency(db) -> int:
    with db.session() as session:
        return next(life.agency_id for life in lifecycles(session).values() if life.name == X.agency)


def test_a_list_and_its_same_half_day_reissue_both_missing_an_agreement_are_one_omission(db, lists):
    before = lists("participatingAgencies07022025am.xlsx", dt.datetime(2025, 7, 2, 9), True)
    first = lists("participatingAgencies07032025pm.xlsx", dt.datetime(2025, 7, 3, 13), False)
    lists("participatingAgencies07032025pm__v2.xlsx", dt.datetime(2025, 7, 3, 15), False)
    back = lists("participatingAgencies07092025am.xlsx", dt.datetime(2025, 7, 9, 9), True)
    omission = _omission(db)
    assert (omission["publications"], omission["lists_in_force"]) == (2, 1)
    status, note = _removed_and_added(db, before, first, back)
    assert status == "omitted once, listed again later"  # was: "omitted from 2 publications, listed again later"
    assert note == "listed again after an omission (absent from 1 list in force; not an end)"  # was: "2 publications"
    shown = CliRunner().invoke(cli, ["--database", db.url, "agency", X.agency, "--state", "TX"])
    assert shown.exit_code == 0, shown.output
    assert "participatingAgencies07032025pm__v2.xlsx (1 list in force; not an end)" in shown.output
    data = json.loads(CliRunner().invoke(cli, ["--database", db.url, "agency", X.agency, "--state", "TX", "--json"]).output)
    assert data["agreements"][0]["lifecycle"]["omissions"][0]["lists_in_force"] == 1
    with TestClient(create_app(db)) as site:
        page = site.get(f"/agencies/{data['agency']['id']}").text
    assert "Missing from 1 list in force (" in page  # was: "Missing from 2 lists"


def test_missing_only_from_a_list_its_reissue_replaced_is_an_omission_from_no_list_in_force(db, lists):
    before = lists("participatingAgencies07022025am.xlsx", dt.datetime(2025, 7, 2, 9), True)
    first = lists("participatingAgencies07032025pm.xlsx", dt.datetime(2025, 7, 3, 13), False)
    again = lists("participatingAgencies07032025pm__v2.xlsx", dt.datetime(2025, 7, 3, 15), True)
    omission = _omission(db)
    assert (omission["publications"], omission["lists_in_force"]) == (1, 0)
    status, note = _removed_and_added(db, before, first, again)
    assert status == "omitted only from a list replaced the same half-day by one that lists it again"  # was: "omitted once, ..."
    assert note == "listed again after an omission from a list replaced the same half-day (absent from no list in force; not an end)"
    shown = CliRunner().invoke(cli, ["--database", db.url, "agency", X.agency, "--state", "TX"])
    assert "(a list replaced the same half-day by one that lists it again; no list in force; not an end)" in shown.output
    with TestClient(create_app(db)) as site:
        page = site.get(f"/agencies/{_life_agency(db)}").text
    assert "a list replaced the same half-day by one that lists it again: an omission from no list in force, not an end." in page


def test_the_lists_listing_an_agreement_are_counted_as_lists_in_force(db, lists):
    # Listed by a list and its re-issue of the same half-day (one list in force), and by a list the re-issue of its
    # half-day replaced without it (no list in force): 4 publications list it, 2 lists in force.
    lists("participatingAgencies07022025am.xlsx", dt.datetime(2025, 7, 2, 9), True)
    lists("participatingAgencies07032025pm.xlsx", dt.datetime(2025, 7, 3, 13), True)
    lists("participatingAgencies07032025pm__v2.xlsx", dt.datetime(2025, 7, 3, 15), True)
    lists("participatingAgencies07092025am.xlsx", dt.datetime(2025, 7, 9, 9), True)
    lists("participatingAgencies07092025am__v2.xlsx", dt.datetime(2025, 7, 9, 11), False)
    with db.session() as session:
        life = next(life for life in lifecycles(session).values() if life.name == X.agency)
    assert (life.participating_publications, life.participating_lists_in_force) == (4, 2)
    shown = CliRunner().invoke(cli, ["--database", db.url, "agency", X.agency, "--state", "TX"])
    assert shown.exit_code == 0, shown.output
    assert "(2 lists in force; 4 with the lists replaced the same half-day)" in shown.output  # was: "(4 lists)"
    data = json.loads(CliRunner().invoke(cli, ["--database", db.url, "agency", X.agency, "--state", "TX", "--json"]).output)
    assert data["agreements"][0]["lifecycle"]["participating_lists_in_force"] == 2
    with TestClient(create_app(db)) as site:
        page = site.get(f"/agencies/{data['agency']['id']}").text
    assert "(2 participating lists in force; 4 with the lists replaced the same half-day)" in page
    kept = CliRunner().invoke(cli, ["--database", db.url, "agency", KEEP.agency, "--state", "TX"])
    assert "participatingAgencies07092025am__v2.xlsx (3 lists in force; 5 with the lists replaced the same half-day)" in kept.output
    # A run of the same rows is counted as the lifecycle counts it (it was counted in publications alone, "(5
    # publications)", beside the lifecycle's 3 lists in force), and one ending with a list replaced without it too.
    assert "participatingAgencies07092025am__v2.xlsx (3 lists in force; 5 with the lists replaced the same half-day):" in kept.output
    assert "participatingAgencies07092025am.xlsx (2 lists in force; 4 with the lists replaced the same half-day):" in shown.output
