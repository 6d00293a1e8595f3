"""The README's figures of county matching on the bundled publications are those `g287 counties unmatched` gives:
they had gone stale (1,233 of 1,237 stored rows) when the storage of rows changed."""

import csv
import re

from sqlalchemy import select

from g287.db.models.registry import RawRow

from g287.geo.store import match_summary
from tests.conftest import ROOT


def test_the_readme_states_the_match_figures_of_the_bundled_publications(bundled_db):
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    found = re.search(
        r"On the bundled publications ([\d.]+)% of the rows with a county text match \(([\d,]+) of ([\d,]+) stored rows; (\d+) through (\d+) of the (\d+) reviewed fixes, the other (\d+) written ahead for texts not seen yet\); the (\d+) others",
        readme,
    )
    assert found, "the README's sentence on county matching changed: update this test with it"
    rate, located, total, fixed, used, fixes, unused, failed = found.groups()
    with bundled_db.session() as session:
        summary = match_summary(session)
        pairs = {(state, text) for state, text in session.execute(select(RawRow.state_usps, RawRow.county_text))}
    with (ROOT / "g287" / "data" / "geo" / "county_fixes.csv").open(encoding="utf-8", newline="") as f:
        fix_lines = [(line["usps"], line["county_text"]) for line in csv.DictReader(f)]
    # "12 through the 9 reviewed fixes" read as if every fix were used: some are written ahead (St. Genevieve, the District's city).
    used_lines = [pair for pair in fix_lines if pair in pairs]
    assert int(located.replace(",", "")) == summary["located"] and int(total.replace(",", "")) == summary["rows_with_county_text"]
    assert int(fixed) == summary["by_status"]["fixed"] and int(fixes) == len(fix_lines) and int(failed) == summary["failed"]
    assert int(used) == len(used_lines) and int(unused) == len(fix_lines) - len(used_lines)
    assert float(rate) == round(summary["match_rate"] * 100, 1)
