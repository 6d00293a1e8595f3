"""County matching on the real publications: the match rate, and every failure in the unmatched list and in the
quality register."""

from sqlalchemy import func, select

from g287.db.models.geo import CountyMatch, CountyRowProblem
from g287.db.models.registry import RawRow, RowProblem
from g287.geo.store import county_of_agency, county_of_raw_row, match_summary, unmatched
from g287.registry import quality
from g287.registry.publications import list_publications

# The COUNTY texts of ICE's May-July 2025 lists that name no county of their state (checked by hand):
# Texarkana (AR) police listed in Bowie County, which is in Texas; the St. Charles Parish sheriff listed in
# "German Coast County" (a historical region, not a parish); the Albemarle District Jail (NC) listed in
# "Albemarle County", which is in Virginia.
EXPECTED_FAILURES = {("AR", "Bowie County"), ("LA", "German Coast County"), ("NC", "Albemarle County")}


def test_match_rate_on_the_real_publications(bundled_db):
    with bundled_db.session() as session:
        summary = match_summary(session)
        stored = session.scalar(select(func.count()).select_from(CountyMatch))
        distinct_texts = session.scalar(select(func.count()).select_from(select(RawRow.state_usps, RawRow.county_text).where(RawRow.county_text.is_not(None)).distinct().subquery()))
    print(f"\ncounty match rate on the bundled publications: {summary}")
    assert stored == distinct_texts  # the ingest processor matched every (state, text) once
    assert summary["rows_with_county_text"] > 800
    assert summary["match_rate"] >= 0.995
    assert summary["by_status"]["fixed"] >= 7
    assert summary["failed"] == summary["by_status"].get("unmatched", 0) + summary["by_status"].get("ambiguous", 0) + summary["by_status"].get("state_unknown", 0)


def test_every_failure_is_listed_and_registered(bundled_db):
    with bundled_db.session() as session:
        items = unmatched(session)
        assert {(i["state"], i["county_text"]) for i in items} == EXPECTED_FAILURES
        raw_ids = {raw_id: i for i in items for raw_id in i["raw_rows"]}
        problems = session.execute(
            select(RowProblem.raw_row_id, RowProblem.column, RowProblem.raw_value, RowProblem.problem, RowProblem.category)
            .join(CountyRowProblem, CountyRowProblem.row_problem_id == RowProblem.id)
            .where(RowProblem.raw_row_id.in_(raw_ids))
        ).all()
        assert {p.raw_row_id for p in problems} == set(raw_ids)
        for p in problems:
            item = raw_ids[p.raw_row_id]
            assert (p.column, p.raw_value, p.category) == ("COUNTY", item["county_text"], "unknown")
            assert f"county {item['county_text']!r} does not exist in" in p.problem
        # and the register of the publications shows them
        shown = {
            (e.raw_value, e.problem)
            for publication in list_publications(session)
            for e in quality.register(session, publication)
            if e.column == "COUNTY" and "does not exist in" in e.problem and e.category == "unknown"
        }
        assert {raw for raw, _p in shown} == {text for _s, text in EXPECTED_FAILURES}


def test_rows_without_a_county_are_not_failures(bundled_db):
    with bundled_db.session() as session:
        no_text = session.scalars(select(RawRow.id).where(RawRow.county_text.is_(None))).all()
        assert len(no_text) > 300  # municipal and state agencies, "N/A" and "#N/A"
        linked = session.scalar(select(func.count()).select_from(CountyRowProblem).where(CountyRowProblem.raw_row_id.in_(no_text)))
        assert linked == 0
        assert county_of_raw_row(session, no_text[0]) is None


def test_county_of_a_row_and_of_an_agency(bundled_db):
    with bundled_db.session() as session:
        row = session.execute(select(RawRow.id, RawRow.agency_name_id).where(RawRow.state_usps == "MD", RawRow.county_text == "Allegancy")).first()
        assert county_of_raw_row(session, row.id)["fips"] == "24001"  # a reviewed fix
        hillsborough = session.execute(select(RawRow.id).where(RawRow.state_usps == "FL", RawRow.county_text == "Hillsborough County")).scalars().first()
        found = county_of_raw_row(session, hillsborough)
        assert (found["fips"], found["name"], found["state"]) == ("12057", "Hillsborough County", "FL")
        from g287.db.models.registry import Agency

        agency = session.scalars(select(Agency).where(Agency.state_usps == "FL", Agency.county_text == "Hillsborough County")).first()
        assert county_of_agency(session, agency.id)["fips"] == "12057"


def test_matching_done_while_reading_equals_matching_done_while_writing(bundled_db):
    """The ingest matches counties where the file is read (store.precompute) and hands the result to the
    writer; for every stored row, the precomputed entries and match are exactly what matching it now gives."""
    from g287.geo import matching
    from g287.geo.store import _rows, desired_problems, precompute

    with bundled_db.session() as session:
        ids = session.scalars(select(RawRow.id)).all()
        rows = _rows(session.connection(), ids)
    keys = [(r.state_usps, r.county_text, r.agency_type, r.agency_name) for r in rows]
    precomputed = precompute(keys)
    assert len(rows) > 800 and len(precomputed.problems) > 400  # distinct (state, county, type, name)
    assert any(precomputed.problems_of(r) for r in rows)  # some rows want entries (unmatched, fixed, name mismatch)
    for row in rows:
        assert precomputed.problems_of(row) == desired_problems(row)
        assert precomputed.match(row.state_usps, row.county_text) == matching.match_county(row.state_usps, row.county_text)
    # The work is kept for the next publication, until the matching cache is cleared (the fix table changed).
    mismatches = [k for k in keys if precomputed.problems[k] and precomputed.problems[k][-1]["category"] == "note"]
    assert mismatches and all(precompute([k]).problems[k] is precomputed.problems[k] for k in mismatches)
    matching.match_county.cache_clear()
    assert all(precompute([k]).problems[k] is not precomputed.problems[k] for k in mismatches)
