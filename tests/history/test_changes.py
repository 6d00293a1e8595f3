"""Lifecycles, diffs, timelines and the pipeline on constructed publications: every change type."""

import datetime as dt

import pytest

from g287.errors import G287Error
from g287.history.agency import agency_history, find_agencies
from g287.history.diff import diff
from g287.history.lifecycle import lifecycles
from g287.history.pipeline import pipeline
from g287.history.timeline import timeline
from g287.registry.publications import resolve
from tests.history.builders import Publisher, row


@pytest.fixture
def pub(db, tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("state,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
    return Publisher(db, tmp_path)


A = row("FL", "Alpha Police Department", "TFM", "2025-04-01")
B = row("FL", "Beta County Sheriff's Office", "JEM", "2025-04-02", "County", "Beta County")
B_WSO = row("FL", "Beta County Sheriff's Office", "WSO", "2025-04-02", "County", "Beta County")
C = row("TX", "Gamma County Sheriff's Office", "WSO", "2025-04-03", "County", "Gamma County")
D = row("FL", "Delta Police Department", "TFM", "2025-04-04")
D_PENDING = row("FL", "Delta Police Department", "TFM", None)
E_PENDING = row("GA", "Epsilon Police Department", "TFM", None)


def by_name(lives):
    return {(life.name, life.model): life for life in lives.values()}


def test_lifecycle_end_after_two_absences_and_one_off_omission(db, pub):
    pub.publish("participating", "2025-05-01", [A, B, C])
    pub.publish("participating", "2025-05-02", [A, C])  # B omitted once
    pub.publish("participating", "2025-05-03", [A, B])  # B back; C absent
    pub.publish("participating", "2025-05-04", [A, B])  # C absent twice: ended
    pub.publish("participating", "2025-05-05", [A, B, C])  # C reinstated
    pub.publish("participating", "2025-05-06", [B, C])  # A absent once so far
    with db.session() as session:
        lives = by_name(lifecycles(session))
        strict = by_name(lifecycles(session, end_after=1))
    b = lives[("Beta County Sheriff's Office", "JEM")]
    assert b.status == "participating" and b.ends == [] and len(b.omissions) == 1
    assert b.omissions[0]["from"]["published"] == "2025-05-02" and b.omissions[0]["publications"] == 1
    c = lives[("Gamma County Sheriff's Office", "WSO")]
    assert [e["published"] for e in c.ends] == ["2025-05-03"] and [r["published"] for r in c.reinstated] == ["2025-05-05"]
    assert c.status == "participating" and c.ended is None
    a = lives[("Alpha Police Department", "TFM")]
    assert a.status == "omitted lately" and a.last_participating["published"] == "2025-05-05"
    assert strict[("Alpha Police Department", "TFM")].status == "ended"  # K = 1: one absence is an end
    assert [e["published"] for e in strict[("Beta County Sheriff's Office", "JEM")].ends] == ["2025-05-02"]


def test_ended_at_the_end_of_the_archive(db, pub):
    pub.publish("participating", "2025-05-01", [A, B])
    pub.publish("participating", "2025-05-02", [B])
    pub.publish("participating", "2025-05-03", [B])
    with db.session() as session:
        a = by_name(lifecycles(session))[("Alpha Police Department", "TFM")]
    assert a.status == "ended" and a.ended["published"] == "2025-05-02"


def test_signed_date_corrections_are_traced_to_publications(db, pub):
    pub.publish("participating", "2025-05-01", [row("FL", "Alpha Police Department", "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-02", [row("FL", "Alpha Police Department", "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-03", [row("FL", "Alpha Police Department", "TFM", "2025-03-31")])
    with db.session() as session:
        life = by_name(lifecycles(session))[("Alpha Police Department", "TFM")]
        result = diff(session, resolve(session, "2025-05-02"), resolve(session, "2025-05-03"))
    assert [(s["signed"], s["from"]["published"]) for s in life.signed_dates] == [(["2025-04-01"], "2025-05-01"), (["2025-03-31"], "2025-05-03")]
    assert life.signed_on == dt.date(2025, 3, 31)
    assert [(c["agency"], c["old_signed"], c["new_signed"]) for c in result["signed_date_changed"]] == [("Alpha Police Department", ["2025-04-01"], ["2025-03-31"])]


def test_pending_to_participating_and_back(db, pub):
    pub.publish("pending", "2025-04-20", [D_PENDING, E_PENDING])
    pub.publish("participating", "2025-05-01", [A])
    pub.publish("participating", "2025-05-10", [A, D])
    pub.publish("pending", "2025-05-12", [E_PENDING, row("FL", "Alpha Police Department", "TFM", None)])
    pub.publish("participating", "2025-05-20", [D])
    with db.session() as session:
        forward = diff(session, resolve(session, "2025-05-01"), resolve(session, "2025-05-10"))
        back = diff(session, resolve(session, "2025-05-10"), resolve(session, "2025-05-20"))
        lives = by_name(lifecycles(session))
    assert [(i["agency"], i["model"]) for i in forward["from_pending"]] == [("Delta Police Department", "TFM")]
    assert forward["added"] == []
    assert [(i["agency"], i["model"]) for i in back["to_pending"]] == [("Alpha Police Department", "TFM")]
    assert back["removed"] == []
    alpha = lives[("Alpha Police Department", "TFM")]
    assert [p["published"] for p in alpha.back_to_pending] == ["2025-05-12"]
    assert alpha.status == "pending"
    delta = lives[("Delta Police Department", "TFM")]
    assert delta.first_pending["published"] == "2025-04-20" and delta.first_participating["published"] == "2025-05-10"


def test_back_on_the_pending_list_goes_by_date_and_half(db, pub):
    """A pending list of the afternoon lists an agreement a participating list listed that morning: it is back on the
    pending list (the pipeline counts it pending after participating), and a pending list of the morning before a
    participating list of that afternoon is not."""
    pub.publish("participating", "2025-05-10", [A], half="am")
    pub.publish("pending", "2025-05-10", [row("FL", "Alpha Police Department", "TFM", None)], half="pm")
    pub.publish("pending", "2025-05-12", [D_PENDING], half="am")
    pub.publish("participating", "2025-05-12", [A, D], half="pm")
    with db.session() as session:
        lives = by_name(lifecycles(session))
        after = [i["agency"] for i in pipeline(session)["pending_after_participating"]]
    assert after == ["Alpha Police Department"]
    assert [(p["published"], p["half"]) for p in lives[("Alpha Police Department", "TFM")].back_to_pending] == [("2025-05-10", "pm")]
    assert lives[("Delta Police Department", "TFM")].back_to_pending == []


def test_an_agreement_of_the_corrected_first_pending_list_waited_an_unknown_time(db, pub):
    """ICE republished its first pending list the same half-day, corrected (pendingAgencies05012025am__v2.xlsx): an
    agreement only the correction lists was on the first pending list in force, pending for an unknown time before it;
    it was counted as waiting from that list."""
    from g287.exports.ice_workbook import write_ice_workbook
    from g287.registry.ingest import ingest_file

    pub.publish("pending", "2025-05-01", [E_PENDING])
    corrected = pub.folder / "pendingAgencies05012025am__v2.xlsx"
    write_ice_workbook(corrected, "pending", [E_PENDING, D_PENDING], modified=dt.datetime(2025, 5, 1, 11))
    ingest_file(db, corrected, pub.actor)
    pub.publish("pending", "2025-05-06", [E_PENDING, row("FL", "Alpha Police Department", "TFM", None)])
    pub.publish("participating", "2025-05-10", [A, D])
    with db.session() as session:
        result = pipeline(session)
    assert [(i["agency"], i["days_to_listed"]) for i in result["moved_pending_before_first_publication"]] == [("Delta Police Department", 9)]
    assert [(i["agency"], i["days_to_listed"]) for i in result["moved"]] == [("Alpha Police Department", 4)]


def test_diff_added_removed_models_and_status(db, pub):
    pub.publish("participating", "2025-05-01", [A, B, C])
    pub.publish("participating", "2025-05-02", [A, B, B_WSO, D])  # WSO added to Beta; Delta new; Gamma gone
    pub.publish("participating", "2025-05-03", [A, B_WSO, D])  # Beta's JEM dropped
    pub.publish("participating", "2025-05-04", [A, B_WSO, D])
    with db.session() as session:
        first = diff(session, resolve(session, "2025-05-01"), resolve(session, "2025-05-02"))
        second = diff(session, resolve(session, "2025-05-02"), resolve(session, "2025-05-03"))
    added = {(i["agency"], i["model"]): i for i in first["added"]}
    assert set(added) == {("Beta County Sheriff's Office", "WSO"), ("Delta Police Department", "TFM")}
    assert added[("Beta County Sheriff's Office", "WSO")]["model_added"] is True
    assert added[("Delta Police Department", "TFM")]["model_added"] is False
    assert [(i["agency"], i["state"], i["model_dropped"], i["status_since"]) for i in first["removed"]] == [
        # ICE gives no reason for an absence: the text says what was seen, and that "end" is this registry's word.
        ("Gamma County Sheriff's Office", "TX", False, "no longer listed (absent from 2 or more consecutive lists in force; ICE gives no reason — this registry counts that as an end)")
    ]
    assert [(i["agency"], i["model"], i["model_dropped"]) for i in second["removed"]] == [("Beta County Sheriff's Office", "JEM", True)]
    assert first["counts"] == {"added": 2, "removed": 1, "renamed": 0, "signed_date_changed": 0, "from_pending": 0, "to_pending": 0}


def test_timeline_uses_the_publication_in_force_each_day(db, pub):
    pub.publish("pending", "2025-04-30", [D_PENDING, E_PENDING])
    pub.publish("participating", "2025-05-01", [A, B, C])
    pub.publish("participating", "2025-05-03", [A, B, B_WSO, C, C])  # C listed twice: two MOAs, one agreement
    pub.publish("participating", "2025-05-03", [A, B], half="pm")  # later the same day: in force from then on
    days = {e["date"]: e for e in timeline_for(db)}
    assert days["2025-04-30"]["participating_moas"] is None and days["2025-04-30"]["pending_listings"] == 2
    assert days["2025-05-01"]["participating_moas"] == 3 and days["2025-05-02"]["participating_moas"] == 3
    assert days["2025-05-03"]["participating_moas"] == 2 and days["2025-05-03"]["participating_publication"]["half"] == "pm"
    with db.session() as session:
        am = timeline(session, every="day", start=dt.date(2025, 5, 3))
        assert am[0]["participating_moas"] == 2
        fl = timeline(session, state="FL", every="publication")
        wso = timeline(session, model="WSO", every="publication")
    assert [e["participating_moas"] for e in fl] == [None, 2, 2]
    assert [e["participating_moas"] for e in wso] == [None, 1, 0]
    assert days["2025-05-01"]["states"] == 2 and days["2025-05-01"]["agencies"] == 3 and days["2025-05-01"]["by_model"] == {"JEM": 1, "TFM": 1, "WSO": 1}


def test_timeline_duplicate_counts_as_ice_counts(db, pub):
    pub.publish("participating", "2025-05-01", [A, C, C])
    day = timeline_for(db)[0]
    assert (day["participating_moas"], day["agreements"], day["agencies"]) == (3, 2, 2)


def timeline_for(db, **options):
    with db.session() as session:
        return timeline(session, **options)


def test_timeline_every_week_and_month(db, pub):
    pub.publish("participating", "2025-05-01", [A])
    pub.publish("participating", "2025-06-20", [A, B])
    with db.session() as session:
        weeks = timeline(session, every="week")
        months = timeline(session, every="month")
    assert weeks[0]["date"] == "2025-05-01" and weeks[1]["date"] == "2025-05-08" and weeks[-1]["date"] == "2025-06-20"
    assert [m["date"] for m in months] == ["2025-05-31", "2025-06-20"]
    assert [m["participating_moas"] for m in months] == [1, 2]


def test_the_pipeline_without_pending_lists_has_every_key(db, pub):
    """`g287 pipeline --json` on a database without pending lists left out five keys (the API, through its schema,
    gave them): a script reading `durations` failed on a fresh database. Found by a helper."""
    with db.session() as session:
        empty = pipeline(session)
    pub.publish("pending", "2025-04-01", [row("FL", "Eta Police Department", "WSO", None)])
    with db.session() as session:
        held = pipeline(session)
    assert set(empty) == set(held)
    assert (empty["first_pending_publication"], empty["durations"], empty["by_model"], empty["by_state"]) == (None, None, {}, {})


def test_pipeline_durations_and_exits(db, pub):
    pub.publish("pending", "2025-04-01", [E_PENDING])  # the first pending list: E's wait before it is unknown
    pub.publish("pending", "2025-04-10", [E_PENDING, D_PENDING, row("FL", "Zeta Police Department", "TFM", None)])
    pub.publish("pending", "2025-05-01", [E_PENDING])  # D signed; Zeta left without being signed
    pub.publish("participating", "2025-05-05", [row("FL", "Delta Police Department", "TFM", "2025-04-25"), row("GA", "Epsilon Police Department", "TFM", "2025-05-02")])
    pub.publish("pending", "2025-05-06", [row("FL", "Eta Police Department", "WSO", None)])
    with db.session() as session:
        result = pipeline(session)
    assert [(i["agency"], i["days_to_listed"], i["days_to_signed"]) for i in result["moved"]] == [("Delta Police Department", 25, 15)]
    assert [i["agency"] for i in result["moved_pending_before_first_publication"]] == ["Epsilon Police Department"]
    assert [i["agency"] for i in result["left_without_signing"]] == ["Zeta Police Department"]
    assert result["left_without_signing"][0]["last_pending"]["published"] == "2025-04-10"
    assert [i["agency"] for i in result["still_pending"]] == ["Eta Police Department"]
    assert result["durations"]["to_listed"]["median_days"] == 25
    assert result["by_model"]["TFM"]["to_signed"]["distribution"]["0-30"] == 1
    assert result["by_state"]["FL"]["to_listed"]["count"] == 1


def test_a_pending_agency_renamed_is_a_rename_on_the_changes_page_and_in_the_feed(db, pub):
    """The pending list's changes followed a renamed agency (no entry, no exit) but never said it was renamed."""
    import warnings

    from g287.exports.feed import atom_feed
    from g287.history.diff import pending_changes
    from g287.registry.publications import list_publications
    from g287.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    pub.publish("pending", "2025-04-20", [D_PENDING, E_PENDING])
    pub.publish("pending", "2025-04-27", [D_PENDING, row("GA", "Epsilon Police Dept.", "TFM", None)])
    with db.session() as session:
        older, newer = list_publications(session, "pending", "ice")
        found = pending_changes(session, older, newer)
        feed = atom_feed(session, "http://registry.example")
        with pytest.raises(G287Error, match="published after TO"):
            pending_changes(session, newer, older)
    assert found["added"] == found["to_participating"] == found["not_participating"] == []
    (renamed,) = found["renamed"]
    assert (renamed["old_name"], renamed["new_name"], renamed["state"], renamed["models"]) == ("Epsilon Police Department", "Epsilon Police Dept.", "GA", ["TFM"])
    assert renamed["reason"].startswith("same name once abbreviations")
    text = feed.decode() if isinstance(feed, bytes) else feed
    assert f"Epsilon Police Department is now Epsilon Police Dept. (GA): {renamed['reason']}" in text
    with TestClient(create_app(db)) as site:
        page = site.get("/changes", params={"kind": "pending"}).text
    assert "Renamed (the same agency under a new name) (1)" in page and "Epsilon Police Department → " in page


def test_an_agencys_listings_are_in_publication_order_by_date_and_half(db, pub):
    # Pending in the morning, listed as signed that afternoon: the pending listing comes first on the agency's page.
    # By date alone, the lists' names ordered them ("participating" before "pending").
    pub.publish("participating", "2025-05-01", [A])
    pub.publish("pending", "2025-05-02", [D_PENDING], half="am")
    pub.publish("participating", "2025-05-02", [A, D], half="pm")
    with db.session() as session:
        delta = find_agencies(session, "Delta Police Department")[0]
        listings = agency_history(session, delta.id)["listings"]
    assert [(item["list"], item["from"]["published"], item["from"]["half"]) for item in listings] == [
        ("pending", "2025-05-02", "am"),
        ("participating", "2025-05-02", "pm"),
    ]


def test_an_agency_that_swaps_its_only_model_neither_keeps_nor_gains_one_of_several(db, pub):
    """Butler County Sheriff's Office, PA: listed with WSO alone on 29 May 2025 and with TFM alone on 17 June. The diff
    said of the WSO no longer listed "the agency keeps its other models" (it kept none of its models: its TFM is new
    in the later list) and of the TFM "model added" to an agency already participating. Both hold only when the
    agency lists, in both lists, a model other than the one that changed."""
    wso = row("PA", "Butler County Sheriff's Office", "WSO", "2025-05-22", "County", "Butler County")
    tfm = row("PA", "Butler County Sheriff's Office", "TFM", "2025-06-12", "County", "Butler County")
    pub.publish("participating", "2025-05-29", [A, wso])
    pub.publish("participating", "2025-06-17", [A, tfm])
    pub.publish("participating", "2025-06-20", [A, tfm, B])
    pub.publish("participating", "2025-07-03", [A, tfm, B, B_WSO])
    with db.session() as session:
        swap = diff(session, resolve(session, "2025-05-29"), resolve(session, "2025-06-17"))
        gained = diff(session, resolve(session, "2025-06-20"), resolve(session, "2025-07-03"))
    assert [(i["agency"], i["model"], i["model_dropped"]) for i in swap["removed"]] == [("Butler County Sheriff's Office", "WSO", False)]
    assert [(i["agency"], i["model"], i["model_added"]) for i in swap["added"]] == [("Butler County Sheriff's Office", "TFM", False)]
    # An agency that keeps a model it had gains one of several, as before.
    assert [(i["agency"], i["model"], i["model_added"]) for i in gained["added"]] == [("Beta County Sheriff's Office", "WSO", True)]


def test_an_agreement_on_a_pending_list_published_between_the_two_lists_moved_from_pending(db, pub):
    """ICE's pending list of 30 May 2025 (pm) came out between its participating lists of 29 May and 17 June: 20 of
    the 48 agreements the diff of those two lists called "added" (never pending) were on it (Limestone County, AL's
    TFM, Duncan Police Department, SC...). Pending before TO is the pending list in force at FROM or one published
    after FROM and before TO, by date and half; one of TO's own date and half is not before it (the pipeline counts an
    agreement it lists as pending after participating)."""
    pub.publish("pending", "2025-05-15", [E_PENDING])
    pub.publish("participating", "2025-05-29", [A])
    pub.publish("pending", "2025-05-30", [E_PENDING, D_PENDING], half="pm")
    pub.publish("pending", "2025-06-17", [row("FL", "Beta County Sheriff's Office", "JEM", None, "County", "Beta County")], half="pm")
    pub.publish("participating", "2025-06-17", [A, D, B], half="pm")
    with db.session() as session:
        result = diff(session, resolve(session, "2025-05-29"), resolve(session, "2025-06-17pm"))
    assert [(i["agency"], i["model"]) for i in result["from_pending"]] == [("Delta Police Department", "TFM")]
    assert [(i["agency"], i["model"]) for i in result["added"]] == [("Beta County Sheriff's Office", "JEM")]


def test_an_agreement_on_a_pending_list_replaced_the_half_day_of_from_moved_from_pending(db, pub):
    """ICE republished, corrected, a pending list of FROM's own date and half (pendingAgencies05012025am, then its
    __v2): an agreement only the first of the two listed, listed as signed by TO, was "added", never pending, though a
    pending list replaced so between FROM and TO counted (33ac295), and the pipeline counts it seen pending, then
    signed. The pending lists before TO are the one in force at FROM and those published from FROM's own date and
    half (one ICE replaced that half-day too) and before TO."""
    from g287.exports.ice_workbook import write_ice_workbook
    from g287.registry.ingest import ingest_file

    def corrected(day: dt.date, rows: list) -> None:
        """ICE's list of `day` (am), published again that morning without some of its rows."""
        path = pub.folder / f"pendingAgencies{day:%m%d%Y}am__v2.xlsx"
        write_ice_workbook(path, "pending", rows, modified=dt.datetime.combine(day, dt.time(11)))
        ingest_file(db, path, pub.actor)

    eta = row("GA", "Eta Police Department", "TFM", None)
    pub.publish("pending", "2025-04-20", [E_PENDING])
    pub.publish("participating", "2025-05-01", [A])
    pub.publish("pending", "2025-05-01", [E_PENDING, D_PENDING])  # FROM's own half-day...
    corrected(dt.date(2025, 5, 1), [E_PENDING])  # ...replaced by a list without Delta
    pub.publish("pending", "2025-05-05", [E_PENDING, eta])  # between FROM and TO...
    corrected(dt.date(2025, 5, 5), [E_PENDING])  # ...replaced by a list without Eta
    pub.publish("participating", "2025-05-10", [A, D, row("GA", "Eta Police Department", "TFM", "2025-05-08")])
    with db.session() as session:
        result = diff(session, resolve(session, "2025-05-01"), resolve(session, "2025-05-10"))
        moved = pipeline(session)["moved"]
    assert [(i["agency"], i["model"]) for i in result["from_pending"]] == [("Delta Police Department", "TFM"), ("Eta Police Department", "TFM")]
    assert result["added"] == []
    assert [(i["agency"], i["days_to_listed"]) for i in moved] == [("Delta Police Department", 9), ("Eta Police Department", 5)]
