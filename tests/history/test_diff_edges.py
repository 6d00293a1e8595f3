"""Edges of diff and timeline: the status of an absence is that of the absence containing TO, reversed and
cross-origin comparisons are refused, a file name shared by two files names the one in force, and settings and
requests are checked before the data is looked at."""

import datetime as dt
import warnings

import pytest

from g287.access import Actor
from g287.errors import G287Error
from g287.exports.ice_workbook import write_ice_workbook
from g287.history.diff import diff
from g287.history.lifecycle import end_after_default, lifecycles
from g287.history.timeline import timeline
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from g287.web.app import create_app
from tests.history.builders import Publisher, row
from tests.in_process import run_g287

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def pub(db, tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("state,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
    monkeypatch.delenv("G287_END_AFTER", raising=False)
    return Publisher(db, tmp_path)


X = row("TX", "Alpha County Sheriff's Office", "JEM", "2025-01-01", "County", "Alpha County")
KEEP = row("TX", "Bravo County Sheriff's Office", "JEM", "2025-01-02", "County", "Bravo County")


def publish_pattern(pub, pattern: str) -> list[int]:
    """One participating publication a day from 1 August: X listed where the pattern says 'x', absent at '.'."""
    ids = []
    for day, mark in enumerate(pattern, start=1):
        rows = [KEEP] + ([X] if mark == "x" else [])
        ids.append(pub.publish("participating", f"2025-08-{day:02d}", rows).publication_id)
    return ids


def removed_status(db, from_id, to_id, end_after=None):
    with db.session() as session:
        result = diff(session, resolve(session, from_id), resolve(session, to_id), end_after)
    assert [item["agency"] for item in result["removed"]] == ["Alpha County Sheriff's Office"]
    return result["removed"][0]["status_since"]


def test_a_one_off_omission_of_an_agreement_that_later_ended_is_an_omission(db, pub):
    ids = publish_pattern(pub, "x.x..")  # omitted from the 2nd list, back in the 3rd, ended from the 4th
    with db.session() as session:
        lives = {(l.name, l.model): l for l in lifecycles(session).values()}
    life = lives[("Alpha County Sheriff's Office", "JEM")]
    assert life.status == "ended" and [o["from"]["publication_id"] for o in life.omissions] == [ids[1]]
    assert removed_status(db, ids[0], ids[1]) == "omitted once, listed again later"  # was: "ended (...)"
    assert removed_status(db, ids[2], ids[3]) == "no longer listed (absent from 2 or more consecutive lists in force; ICE gives no reason — this registry counts that as an end)"


def test_an_omission_before_an_unrelated_end_and_reinstatement_stays_an_omission(db, pub):
    ids = publish_pattern(pub, "x.x..x")  # omitted once, then ended and reinstated
    assert removed_status(db, ids[0], ids[1]) == "omitted once, listed again later"  # was: "ended, later reinstated"
    assert removed_status(db, ids[2], ids[3]) == "no longer listed (absent from 2 or more consecutive lists in force), listed again later"
    assert removed_status(db, ids[2], ids[4]) == "no longer listed (absent from 2 or more consecutive lists in force), listed again later"
    # With K = 3 the absence of two is an omission too, named with its length.
    assert removed_status(db, ids[2], ids[3], end_after=3) == "omitted from 2 lists in force, listed again later"


def test_an_agreement_back_after_an_absence_is_not_said_to_be_new(db, pub):
    """The added side of an absence says what the removed side said of it: an agreement listed before FROM is listed
    again (after an omission, or an absence counted as an end), not newly listed; one never listed before is."""
    ids = publish_pattern(pub, "x.x..x")

    def added(from_id, to_id, end_after=None):
        with db.session() as session:
            result = diff(session, resolve(session, from_id), resolve(session, to_id), end_after)
        assert [item["agency"] for item in result["added"]] == ["Alpha County Sheriff's Office"]
        return result["added"][0].get("note")

    assert added(ids[1], ids[2]) == "listed again after an omission (absent from 1 list in force; not an end)"
    assert added(ids[4], ids[5]) == "listed again after an absence from 2 or more consecutive lists in force (which this registry counts as an end)"
    assert added(ids[3], ids[5], end_after=3) == "listed again after an omission (absent from 2 lists in force; not an end)"
    fresh = [pub.publish("participating", "2025-08-07", [KEEP, X, row("TX", "Charlie Police Department", "TFM", "2025-07-01")]).publication_id]
    with db.session() as session:
        result = diff(session, resolve(session, ids[5]), resolve(session, fresh[0]))
    assert [(item["agency"], item.get("note")) for item in result["added"]] == [("Charlie Police Department", None)]


def test_an_absence_still_shorter_than_k_says_so(db, pub):
    ids = publish_pattern(pub, "xx.")
    assert removed_status(db, ids[1], ids[2]) == "absent from fewer than 2 lists in force so far"


def test_diff_from_a_later_publication_to_an_earlier_one_is_refused(db, pub):
    ids = publish_pattern(pub, "x.x")
    with db.session() as session:
        with pytest.raises(G287Error, match="was published after TO .* give the earlier publication first"):
            diff(session, resolve(session, ids[2]), resolve(session, ids[1]))
        assert diff(session, resolve(session, ids[1]), resolve(session, ids[1]))["counts"]["removed"] == 0  # the same list: nothing changed
    with TestClient(create_app(db)) as client:
        # A 422 naming from, as a reversed timeline range is (it was a 400 naming no parameter).
        api = client.get(f"/api/v1/diff?from={ids[2]}&to={ids[1]}")
        (field,) = api.json()["error"]["fields"]
        assert api.status_code == 422 and field["field"] == "from" and "give the earlier publication first" in str(field)
        page = client.get(f"/changes?from={ids[2]}&to={ids[1]}")
        assert page.status_code == 422 and "give the earlier publication first" in page.text
        assert client.get(f"/api/v1/diff?from={ids[1]}&to={ids[2]}").status_code == 200


def test_diff_between_ices_list_and_the_registrys_own_is_refused(db, pub, tmp_path):
    ice = pub.publish("participating", "2025-08-01", [KEEP, X]).publication_id
    pub.publish("participating", "2025-08-02", [KEEP]).publication_id
    own = tmp_path / "own_list_registry.xlsx"
    write_ice_workbook(own, "participating", [KEEP], modified=dt.datetime(2025, 8, 3, 9))
    mine = ingest_file(pub.db, own, Actor.command_line(), origin="registry", kind="participating", published=(dt.date(2025, 8, 3), "am")).publication_id
    with db.session() as session:
        # Each series starts at seq 1: without the check, ICE's first list was compared with whatever the registry's
        # own series held at that position.
        with pytest.raises(G287Error, match="never one with the other"):
            diff(session, resolve(session, ice), resolve(session, mine))
        with pytest.raises(G287Error, match="never one with the other"):
            diff(session, resolve(session, mine), resolve(session, ice))
    with TestClient(create_app(db)) as client:
        # The API names the parameter that gives this registry's list (422), as the page /changes does; it was a 400
        # naming no field.
        for query, field in ((f"from={ice}&to={mine}", "to"), (f"from={mine}&to={ice}", "from")):
            answer = client.get(f"/api/v1/diff?{query}")
            assert answer.status_code == 422, answer.text
            assert [f["field"] for f in answer.json()["error"]["fields"]] == [field]
            assert "this registry's participating list" in answer.json()["error"]["fields"][0]["message"]
    # `g287 diff` names the lists in the words of the API and the pages: it called this registry's own "a list of
    # origin 'registry'".
    for first, second in ((ice, mine), (mine, ice)):
        status, out, err = run_g287(db.url, "diff", str(first), str(second))
        whose = {ice: "ICE's participating list", mine: "this registry's participating list"}
        assert status == 1 and out == "", err
        assert err == f"g287: error: publication {first} is {whose[first]} and publication {second} is {whose[second]}: diff compares two lists of one origin (ICE's lists, or this registry's own), never one with the other\n"


def test_a_file_name_shared_by_two_files_names_the_one_in_force_whatever_the_ingest_order(db, tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("state,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
    name = "participatingAgencies08012025pm.xlsx"
    (tmp_path / "early").mkdir()
    (tmp_path / "late").mkdir()
    # ICE republished the list of 1 August under the same name: the later workbook (modified later) is in force.
    write_ice_workbook(tmp_path / "early" / name, "participating", [KEEP], modified=dt.datetime(2025, 8, 1, 13))
    write_ice_workbook(tmp_path / "late" / name, "participating", [KEEP, X], modified=dt.datetime(2025, 8, 1, 17))
    # The later file is ingested first: picking the highest id named the earlier one.
    late = ingest_file(db, tmp_path / "late" / name, Actor.command_line()).publication_id
    early = ingest_file(db, tmp_path / "early" / name, Actor.command_line()).publication_id
    assert early > late
    with db.session() as session:
        assert resolve(session, name).id == late
        assert resolve(session, "2025-08-01").id == late  # the same one as the date names


def test_a_file_name_of_two_different_lists_is_refused_naming_the_ids(db, tmp_path):
    # A name that does not say which list: the participating list in one folder, the pending list in another.
    ids = {}
    for kind, rows in (("participating", [KEEP]), ("pending", [KEEP, X])):
        (tmp_path / kind).mkdir()
        target = tmp_path / kind / "agencies.xlsx"
        write_ice_workbook(target, kind, rows, modified=dt.datetime(2025, 8, 2, 9))
        ids[kind] = ingest_file(db, target, Actor.command_line(), kind=kind, published=(dt.date(2025, 8, 2), "am")).publication_id
    with db.session() as session:
        with pytest.raises(G287Error, match=rf"give the id of one \({ids['participating']} \(ice participating\), {ids['pending']} \(ice pending\)\)"):
            resolve(session, "agencies.xlsx")


@pytest.mark.parametrize("value, problem", [("1.5", "whole number"), ("2.0000001", "whole number"), ("0.5", "whole number"), ("3.0", "whole number"), ("1_0", "whole number"), ("0", "at least 1")])
def test_end_after_must_be_a_whole_number_of_at_least_one(monkeypatch, value, problem):
    monkeypatch.setenv("G287_END_AFTER", value)
    with pytest.raises(G287Error, match=f"G287_END_AFTER='{value}'.*{problem}"):
        end_after_default()


def test_end_after_whole_values_are_kept(monkeypatch):
    monkeypatch.setenv("G287_END_AFTER", "3")
    assert end_after_default() == 3
    monkeypatch.setenv("G287_END_AFTER", "03")
    assert end_after_default() == 3
    monkeypatch.delenv("G287_END_AFTER")
    assert end_after_default() == 2


def test_timeline_checks_the_request_before_the_data(db):
    """An empty database answers a bad request with its error, as a full one does — not with []."""
    with db.session() as session:
        with pytest.raises(G287Error, match="--state 'ZZ'"):
            timeline(session, state="ZZ")
        with pytest.raises(G287Error, match="--model 'XYZ'"):
            timeline(session, model="XYZ")
        with pytest.raises(G287Error, match="after the end"):
            timeline(session, start=dt.date(2025, 2, 1), end=dt.date(2025, 1, 1))
        assert timeline(session, state="TX") == []  # a good request on no data: nothing


def test_the_changes_of_the_pending_list_from_a_later_list_are_refused_too(db, pub):
    first = pub.publish("pending", "2025-08-01", [KEEP]).publication_id
    second = pub.publish("pending", "2025-08-02", [KEEP, X]).publication_id
    with TestClient(create_app(db)) as client:
        assert client.get(f"/changes?kind=pending&from={first}&to={second}").status_code == 200
        page = client.get(f"/changes?kind=pending&from={second}&to={first}")
        assert page.status_code == 422 and "give the earlier publication first" in page.text


def test_the_changes_page_without_from_compares_to_with_the_list_before_it(db, pub):
    """FROM defaulted to the second newest list whatever TO was: naming an earlier TO alone was refused."""
    ids = publish_pattern(pub, "xx.x")
    with TestClient(create_app(db)) as client:
        page = client.get(f"/changes?to={ids[1]}")
        assert page.status_code == 200 and f'href="/publications/{ids[0]}"' in page.text
        assert client.get(f"/changes?to={ids[0]}").status_code == 200  # the first list: compared with itself


def test_the_pending_list_in_force_at_a_morning_list_is_not_that_afternoons(db, pub):
    """to_pending reads the pending lists up to TO (the one in force at it, and those after FROM and up to it), and
    from_pending the pending lists before TO: neither reads a pending list of TO's afternoon. The afternoon's
    pending list was taken as in force at the morning's participating list, published before it (by date alone)."""
    pending_x = row("TX", "Alpha County Sheriff's Office", "JEM", None, "County", "Alpha County")
    pub.publish("pending", "2025-08-01", [KEEP], "am")
    before = pub.publish("participating", "2025-08-02", [KEEP], "am").publication_id
    after = pub.publish("participating", "2025-08-05", [KEEP, X], "am").publication_id
    pub.publish("pending", "2025-08-05", [pending_x], "pm")  # the afternoon of TO: after it, not before
    with db.session() as session:
        result = diff(session, resolve(session, str(before)), resolve(session, str(after)))
    assert [item["agency"] for item in result["added"]] == ["Alpha County Sheriff's Office"] and result["from_pending"] == []
    # the same day and half: in force (which came first is unknown)
    pub.publish("pending", "2025-08-06", [pending_x], "am")
    later = pub.publish("participating", "2025-08-06", [KEEP], "am").publication_id
    with db.session() as session:
        result = diff(session, resolve(session, str(after)), resolve(session, str(later)))
    assert [item["agency"] for item in result["to_pending"]] == ["Alpha County Sheriff's Office"] and result["removed"] == []


def test_a_timeline_to_a_later_end_stops_at_today_as_g287_reads_it(db, pub, monkeypatch):
    """The range is held to today (nothing is known after it), read as every other "today" of g287 is
    (g287.days.today); it read the machine's date itself, which a fixed day does not reach."""
    from g287 import days

    pub.publish("participating", "2025-08-01", [KEEP])
    monkeypatch.setattr(days, "today", lambda: dt.date(2025, 8, 5))
    with db.session() as session:
        entries = timeline(session, end=dt.date(2026, 12, 31))
    assert [entry["date"] for entry in entries][-1] == "2025-08-05"
