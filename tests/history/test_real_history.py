"""History on ICE's real publications: totals reproduced, real renames resolved as renames."""

import datetime as dt

from g287.history import review
from g287.history.aliases import path as alias_path
from g287.history.diff import diff
from g287.history.lifecycle import lifecycles
from g287.history.listings import publications, runs_of
from g287.history.pipeline import pipeline
from g287.history.timeline import per_publication, timeline
from g287.registry import figures
from g287.registry.batch import expand_paths, ingest_many
from g287.registry.ingest import ingest_file
from g287.registry.publications import list_publications, resolve
from tests.conftest import ICE, make_database


def test_timeline_reproduces_every_publications_totals(bundled_db):
    with bundled_db.session() as session:
        for kind in ("participating", "pending"):
            pubs = publications(session, kind)
            computed = per_publication(pubs, runs_of(session, kind))
            for pub, result in zip(pubs, computed):
                publication = resolve(session, str(pub.id))
                assert result.moas == publication.listing_count, pub.file
                if kind == "participating":
                    own = figures.participating_figures(session, publication)
                    assert (result.states, result.agencies, result.by_model) == (own["states"], own["agencies"], own["by_model"])
        days = {e["date"]: e for e in timeline(session, every="day")}
        for publication in list_publications(session, "participating"):
            in_force = days[publication.published_on.isoformat()]["participating_publication"]
            if in_force["publication_id"] == publication.id:  # the last of its day
                assert days[publication.published_on.isoformat()]["participating_moas"] == publication.listing_count
    assert days["2025-05-29"]["participating_moas"] == 635 and days["2025-05-29"]["states"] == 40
    assert days["2025-07-03"]["participating_publication"]["file"] == "participatingAgencies07032025pm__v2.xlsx"
    assert len(days) == (dt.date(2025, 7, 11) - dt.date(2025, 5, 15)).days + 1


def test_named_real_renames_are_renames(bundled_db):
    with bundled_db.session() as session:
        may = diff(session, resolve(session, "participatingAgencies05162025am.xlsx"), resolve(session, "participatingAgencies05292025am.xlsx"))
        july = diff(session, resolve(session, "participatingAgencies06202025am.xlsx"), resolve(session, "participatingAgencies07032025pm__v2.xlsx"))
    renamed = {(r["state"], r["old_name"], r["new_name"]) for r in may["renamed"] + july["renamed"]}
    expected = {
        ("FL", "Indialantic Police Department", "Indiatlantic Police Department"),
        ("FL", "City of Melbourne Police Department", "Melbourne Police Department"),
        ("FL", "University of West Florida Board of Trustees", "University of West Florida Police Department"),
        ("MI", "Berrian County Sheriff's Offic", "Berrian County Sheriff's Office"),
        ("TN", "Tennessee Department of Safety and Homeland Security / THP", "Tennessee Department of Safety and Homeland Security"),
        ("FL", "City of Miami Springs Police Department", "Miami Springs Police Department"),
        ("FL", "Town of Palm Beach Police Department", "Palm Beach Police Department"),
    }
    assert expected <= renamed
    names_in_and_out = {i["agency"] for d in (may, july) for key in ("added", "removed", "from_pending", "to_pending") for i in d[key]}
    for _state, old, new in expected:
        assert old not in names_in_and_out and new not in names_in_and_out


def test_real_lifecycles_and_pipeline_are_consistent(bundled_db):
    with bundled_db.session() as session:
        lives = lifecycles(session)
        result = pipeline(session)
        latest = figures.stats(session)
    participating_now = sum(1 for life in lives.values() if life.status == "participating")
    assert participating_now == 806  # 807 rows in the list of 9 July 2025, one agreement listed twice
    assert latest["participating"]["moas"] == 807
    seen_pending = [life for life in lives.values() if life.first_pending]
    classified = sum(len(result[part]) for part in ("moved", "moved_pending_before_first_publication", "left_without_signing", "still_pending", "pending_after_participating"))
    assert classified == len(seen_pending)
    assert result["durations"]["to_listed"]["count"] == len(result["moved"]) > 0
    assert all(i["days_to_listed"] >= 0 for i in result["moved"])
    # Dickens County Sheriff's Office's WSO agreement: first listed as participating in the list of 3 July 2025 pm,
    # and as pending only in the pending list of the same day and half (signed 25 June): not a wait of 0 days.
    after = [(i["agency"], i["model"], i["first_pending"]["published"], i["first_participating"]["published"]) for i in result["pending_after_participating"]]
    assert ("Dickens County Sheriff's Office", "WSO", "2025-07-03", "2025-07-03") in after
    assert not any(i["agency"] == "Dickens County Sheriff's Office" and i["model"] == "WSO" for i in result["moved"])
    assert all((i["first_pending"]["published"], i["first_pending"]["half"] or "") < (i["first_participating"]["published"], i["first_participating"]["half"] or "")
               or i["first_pending"]["published"] < i["first_participating"]["published"] for i in result["moved"])


def test_real_agreements_that_left_the_pending_list_under_another_name_are_proposed_and_accepting_them_counts_them(bundled_db, tmp_path, monkeypatch, actor):
    """Lower Burrell Fourth Ward Constable's Office (PA) and Arkansas State Police were counted as leaving the pending
    list without being signed, and the list of 9 July said Arkansas State Police Department was "added"."""
    # The reviewed table's entries, in a copy this test may write, without the two that join these pairs.
    table = tmp_path / "aliases.csv"
    lines = alias_path().read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(("AR,Arkansas State Police,", "PA,Lower Burrell Fourth Ward Constable's Office,"))]
    assert len(lines) - len(kept) == 2
    table.write_text("".join(kept), encoding="utf-8")
    monkeypatch.setenv("G287_ALIASES_FILE", str(table))
    db, close = make_database(bundled_db.dialect_name, tmp_path)
    try:
        ingest_many(db, expand_paths([str(ICE / "participating"), str(ICE / "pending")]), actor)
        days = ["2025-05-15", "2025-05-16", "2025-05-29", "2025-05-30", "2025-06-17", "2025-06-20", "2025-07-03", "2025-07-09", "2025-07-11"]

        def figures_and_pipeline():
            with db.session() as session:
                every_day = [figures.stats(session, dt.date.fromisoformat(day)) for day in days]
                result = pipeline(session)
                july = diff(session, resolve(session, "participatingAgencies07032025pm__v2.xlsx"), resolve(session, "participatingAgencies07092025am.xlsx"))
            arkansas = {key: [i["agency"] for i in july[key] if i["agency"].startswith("Arkansas State Police")] for key in ("added", "from_pending")}
            return every_day, [(i["state"], i["agency"]) for i in result["left_without_signing"]], arkansas

        before, left_before, arkansas_before = figures_and_pipeline()
        with db.session() as session:
            waiting = review.candidates(session)
        assert sorted((c.state, c.name, c.candidate_name, c.rule) for c in waiting) == [
            ("AR", "Arkansas State Police Department", "Arkansas State Police", "pending_suffix"),
            ("PA", "Lower Burrell Fourth Ward Constable", "Lower Burrell Fourth Ward Constable's Office", "pending_suffix"),
        ]
        assert len(left_before) == 6 and arkansas_before == {"added": ["Arkansas State Police Department"], "from_pending": []}
        for candidate in waiting:
            review.decide(db, actor, candidate.id, accept=True)
        after, left_after, arkansas_after = figures_and_pipeline()
    finally:
        close()
    assert after == before  # every figure of every date stays ICE's
    may_29 = before[days.index("2025-05-29")]["participating"]
    assert (may_29["moas"], may_29["agencies"], may_29["states"]) == (635, 516, 40)
    assert set(left_before) - set(left_after) == {("AR", "Arkansas State Police"), ("PA", "Lower Burrell Fourth Ward Constable's Office")}
    assert len(left_after) == 4 and arkansas_after == {"added": [], "from_pending": ["Arkansas State Police Department"]}


def test_the_bundled_history_follows_both_agreements_from_the_pending_list(bundled_db):
    """With the reviewed alias table, the two agreements are one agency's each: 4 left the pending list unsigned."""
    with bundled_db.session() as session:
        result = pipeline(session)
    left = [(i["state"], i["agency"]) for i in result["left_without_signing"]]
    assert len(left) == 4 and not {state for state, _agency in left} & {"AR"}
    # 51 waits to being listed (Dickens County's WSO agreement, listed as pending only with its participating
    # listing, is counted apart); 50 with one signed date: the median is the mean of the middle two, written as a
    # whole number of days when it is one
    assert (result["durations"]["to_listed"]["count"], result["durations"]["to_listed"]["median_days"]) == (51, 18)
    median = result["durations"]["to_signed"]["median_days"]
    assert result["durations"]["to_signed"]["count"] == 50 and median == 13 and isinstance(median, int)
    assert not any(agency.startswith("Lower Burrell") for _state, agency in left)


def test_every_command_gives_an_agreement_the_same_signed_date(bundled_db):
    """ICE lists St. Cloud Police Department's TFM agreement twice in every list, signed 2025-04-14 (the row linking
    the MOA, whose file name says 04142025) and 2025-04-15 ("link pending"): the agreement (`g287 agency`) and its
    lifecycle (`g287 agreements`) both give the date of the row that links the MOA, as they do for every agreement."""
    from sqlalchemy import select

    from g287.db.models.registry import Agreement

    with bundled_db.session() as session:
        carried = {(a.agency_id, a.model): a.signed_on for a in session.scalars(select(Agreement).where(Agreement.merged_into_id.is_(None), Agreement.origin == "ice"))}
        lives = lifecycles(session)
        st_cloud = [life for life in lives.values() if life.name == "St. Cloud Police Department" and life.model == "TFM"]
        assert [life.signed_on for life in st_cloud] == [dt.date(2025, 4, 14)]
        assert {"2025-04-14", "2025-04-15"} <= {d for entry in st_cloud[0].signed_dates for d in entry["signed"]}
        differing = {key: (life.signed_on, carried.get(key)) for key, life in lives.items() if life.first_participating and life.signed_on != carried.get(key)}
    assert len(lives) > 800 and differing == {}
    # One JSON type for every agreement's signed dates: a list (one date, two when two rows disagree, null unknown).
    assert {type(entry["signed"]) for life in lives.values() for entry in life.signed_dates} == {list}


def test_a_list_replaced_the_same_half_day_counts_once_toward_k(bundled_db):
    """Okaloosa County Sheriff's Office's WSO agreement is absent from the lists of 3 July pm (both the first file and
    its corrected __v2) and 9 July: two lists in force, so it has ended for K = 2 and not for K = 3 (counted by file,
    the replaced list made three absences)."""
    with bundled_db.session() as session:
        def status(k):
            return {(life.name, life.model): life.status for life in lifecycles(session, end_after=k).values()}[("Okaloosa County Sheriff's Office", "WSO")]

        assert (status(2), status(3)) == ("ended", "omitted lately")


def test_renamed_agencies_are_in_reading_order_whatever_order_the_lists_came_in(db, tmp_path, actor):
    """The renamed agencies of a diff come by state and name, as its other items do, in whatever order the lists were
    ingested: ordered by agency id, Melbourne came before Indiatlantic in Florida (its first name, City of Melbourne
    Police Department, was read first), and the lists ingested newest first gave another order of the same renames."""
    names = ["participatingAgencies05162025am.xlsx", "participatingAgencies05292025am.xlsx"]
    newest_first, close = make_database(db.dialect_name, tmp_path / "newest-first")
    orders = []
    try:
        for database, files in ((db, names), (newest_first, names[::-1])):
            for name in files:
                ingest_file(database, ICE / "participating" / name, actor)
            with database.session() as session:
                may = diff(session, resolve(session, names[0]), resolve(session, names[1]))
            orders.append([(r["state"], r["new_name"]) for r in may["renamed"]])
    finally:
        close()
    assert orders[0] == orders[1] == [
        ("FL", "Indiatlantic Police Department"),
        ("FL", "Melbourne Police Department"),
        ("FL", "University of West Florida Police Department"),
        ("MI", "Berrian County Sheriff's Office"),
        ("TN", "Tennessee Department of Safety and Homeland Security"),
    ]
