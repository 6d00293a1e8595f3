"""`g287 coverage` with no participating list in force answers as `g287 stats` does: it exited 1 ("no participating
list has been ingested yet") where `stats` said that no list is held, with status 0."""

from __future__ import annotations

import json

from tests.conftest import ICE
from tests.in_process import run_g287


def test_coverage_with_no_list_says_so_as_stats_does(db):
    for as_of in ([], ["--as-of", "2025-07-09"]):
        status, out, err = run_g287(db.url, "coverage", *as_of)
        said = run_g287(db.url, "stats", *as_of)
        assert (status, err) == (0, "") and said[0] == 0
        assert out == said[1] and out.endswith("this registry holds no participating list of ICE's published on or before that date.\n"), out
    status, out, err = run_g287(db.url, "coverage", "--model", "jem", "--json")
    answer = json.loads(out)
    assert (status, err) == (0, "") and answer["publication"] is None and answer["model"] == "JEM"
    assert answer["counties_with_county_agency"] == answer["counties_with_any_agency"] == answer["states_with_agreement"] == 0
    assert answer["listings"]["total"] == 0 and all(s["moas"] == 0 for s in answer["by_state"].values())
    # The same keys as with a list, each list's figures from the list in force when there is one.
    assert run_g287(db.url, "ingest", str(ICE / "participating" / "participatingAgencies05292025am.xlsx"))[0] == 0
    held = json.loads(run_g287(db.url, "coverage", "--model", "jem", "--json")[1])
    assert set(held) == set(answer) and set(held["listings"]) == set(answer["listings"]) and held["publication"] is not None
    status, out, err = run_g287(db.url, "coverage", "--as-of", "2025-05-28")
    assert (status, err, out) == (0, "", "As of 2025-05-28: this registry holds no participating list of ICE's published on or before that date.\n")
