"""History on ICE's real publications: totals reproduced, real renames resolved as renames."""

import datetime as dt

from g287.history.diff import diff
from g287.history.lifecycle import lifecycles
from g287.history.listings import publications, runs_of
from g287.history.pipeline import pipeline
from g287.history.timeline import per_publication, timeline
from g287.registry import figures
from g287.registry.publications import list_publications, resolve


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
    classified = len(result["moved"]) + len(result["moved_pending_before_first_publication"]) + len(result["left_without_signing"]) + len(result["still_pending"])
    signed_before_pending = [life for life in seen_pending if life.first_participating and life.first_participating["published"] < life.first_pending["published"]]
    assert classified + len(signed_before_pending) == len(seen_pending)
    assert result["durations"]["to_listed"]["count"] == len(result["moved"]) > 0
    assert all(i["days_to_listed"] >= 0 for i in result["moved"])
