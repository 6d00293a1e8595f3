"""Rematching after the fix table changed replaces quality-register entries, never duplicates them; the commands."""

import json

import pytest
from sqlalchemy import func, select

from g287.access import Actor
from g287.db.models.audit import AuditEvent
from g287.db.models.geo import CountyMatch, CountyRowProblem
from g287.db.models.registry import RowProblem
from g287.errors import AccessDenied
from g287.geo import matching
from g287.geo.store import rematch, unmatched
from tests.conftest import snapshot
from tests.geo.constructed import ingest_constructed
from tests.in_process import Result, run_g287


def county_entries(db):
    with db.session() as session:
        return sorted(
            session.execute(
                select(RowProblem.raw_row_id, RowProblem.raw_value, RowProblem.category, RowProblem.problem).join(CountyRowProblem, CountyRowProblem.row_problem_id == RowProblem.id)
            ).all()
        )


def test_rematch_replaces_entries(db, actor, tmp_path, monkeypatch, deferred_writes):
    ingest_constructed(db, tmp_path)
    first = county_entries(db)
    assert sorted((raw, category) for _id, raw, category, _p in first) == [("Bowie County", "unknown"), ("Richmond", "unknown")]
    result = rematch(db, actor)
    assert result.changed == [] and result.entries_written == 0
    assert county_entries(db) == first  # nothing duplicated

    # A reviewed fix added for "Richmond" (Virginia): the match and its entry change, and only once.
    fixes = dict(matching.fixes())
    fixes[("VA", matching.key_of("Richmond"))] = {"usps": "VA", "county_text": "Richmond", "fips": "51760", "reason": "test fix", "evidence": "test"}
    monkeypatch.setattr(matching, "fixes", lambda: fixes)
    matching.match_county.cache_clear()
    try:
        result = rematch(db, actor)
        again = rematch(db, actor)
    finally:
        matching.match_county.cache_clear()
    assert [(c["state"], c["county_text"], c["after"]) for c in result.changed] == [("VA", "Richmond", {"fips": "51760", "status": "fixed"})]
    assert result.entries_written == 1 and again.entries_written == 0 and again.changed == []
    after = county_entries(db)
    assert sorted((raw, category) for _id, raw, category, _p in after) == [("Bowie County", "unknown"), ("Richmond", "repaired")]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(RowProblem).where(RowProblem.raw_value == "Richmond")) == 1
        assert session.scalar(select(CountyMatch.fips).where(CountyMatch.county_text == "Richmond")) == "51760"
        assert [i["county_text"] for i in unmatched(session)] == ["Bowie County"]
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "counties.rematch")).all()
        assert len(events) == 3 and events[1].after["changed"][0]["county_text"] == "Richmond"
    assert deferred_writes == []  # every change began as writing: it waits for another, never refused


def test_rematch_needs_permission(db):
    before = snapshot(db)
    with pytest.raises(AccessDenied):
        rematch(db, Actor.public())
    assert snapshot(db) == before


def test_commands(tmp_path):
    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"

    def g287(*args):
        return Result(*run_g287(database, *args))

    assert g287("bootstrap").returncode == 0
    svg = tmp_path / "counties.svg"
    made = g287("map", "--level", "county", "--as-of", "2025-05-29", "-o", str(svg))
    assert made.returncode == 0, made.stderr
    # The title names the list drawn; the command's reader is pointed to the command listing unmatched counties.
    assert svg.read_text().startswith("<svg") and "287(g) MOAs by county in ICE&#x27;s list of 29 May 2025" in svg.read_text()
    assert "see `g287 counties unmatched`" in svg.read_text()
    png = tmp_path / "states.png"
    assert g287("map", "--level", "state", "--measure", "coverage", "-o", str(png)).returncode == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    bad = g287("map", "--level", "county", "-o", str(tmp_path / "map.pdf"))
    assert bad.returncode == 1 and bad.stderr.strip().splitlines() == [f"g287: error: {tmp_path / 'map.pdf'}: the map is written as .svg or .png"]
    early = g287("coverage", "--as-of", "2024-01-01")
    assert early.returncode == 0 and early.stdout.startswith("As of 2024-01-01: this registry holds no participating list") and early.stderr == ""
    covered = json.loads(g287("coverage", "--as-of", "2025-05-29", "--vintage", "2000", "--json").stdout)
    assert set(covered) >= {"counties_total", "counties_with_county_agency", "counties_with_any_agency", "states_with_agreement", "by_state"}
    assert covered["counties_total"] == 3141 and covered["states_with_agreement"] == 40
    failures = json.loads(g287("counties", "unmatched", "--json").stdout)
    assert {(u["state"], u["county_text"]) for u in failures["unmatched"]} == {("AR", "Bowie County"), ("LA", "German Coast County"), ("NC", "Albemarle County")}
    counts = json.loads(g287("counties", "counts", "--json").stdout)
    assert [c["counties"] for c in counts] == [3141, 3143, 3143, 3144]
    rematched = json.loads(g287("counties", "rematch", "--json").stdout)
    assert rematched["changed"] == [] and rematched["entries_written"] == 0


def test_map_help_says_what_moas_counts():
    """--measure moas counts MOAs as ICE counts them (rows of its list), as the README says, not agreements (a
    duplicate listing of one agreement is two MOAs on the map)."""
    from click.testing import CliRunner

    from g287.cli import cli

    shown = " ".join(CliRunner().invoke(cli, ["map", "--help"]).output.split())
    assert "agreements per shape" not in shown
    assert "moas: MOAs per shape, as ICE counts them (one per row)" in shown


def test_counties_show_says_how_the_maps_draw_a_county_too_small_for_their_grid(tmp_path):
    """README: `g287 counties show FIPS` says how the maps draw the county. For the three Virginia cities the maps
    draw as small squares (their notes say so) it said nothing, as for a county drawn with its own shape."""
    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    status, out, err = run_g287(database, "counties", "show", "51610")
    assert status == 0, err
    assert out.splitlines() == ["51610 Falls Church city, VA (city); vintages 2000 2010 2020 2022", "  map: smaller than the map's grid: drawn as a small square where it lies"]
    for fips, drawn in (("51685", "a small square"), ("51678", "a small square"), ("12057", None), ("02063", "its predecessor")):
        status, out, err = run_g287(database, "counties", "show", fips, "--json")
        note = json.loads(out)[-1]["shape_note"]
        assert status == 0 and (note is None if drawn is None else drawn in note), (fips, note)
