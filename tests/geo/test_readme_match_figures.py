"""The README's figures of county matching on the bundled publications are those `g287 counties unmatched` gives:
they had gone stale (1,233 of 1,237 stored rows) when the storage of rows changed."""

import re

from g287.geo.store import match_summary
from tests.conftest import ROOT


def test_the_readme_states_the_match_figures_of_the_bundled_publications(bundled_db):
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    found = re.search(
        r"On the bundled publications ([\d.]+)% of the rows with a county text match \(([\d,]+) of ([\d,]+) stored rows; (\d+) through the (\d+) reviewed fixes\); the (\d+) others",
        readme,
    )
    assert found, "the README's sentence on county matching changed: update this test with it"
    rate, located, total, fixed, fixes, failed = found.groups()
    with bundled_db.session() as session:
        summary = match_summary(session)
    fix_lines = len((ROOT / "g287" / "data" / "geo" / "county_fixes.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
    assert int(located.replace(",", "")) == summary["located"] and int(total.replace(",", "")) == summary["rows_with_county_text"]
    assert int(fixed) == summary["by_status"]["fixed"] and int(fixes) == fix_lines and int(failed) == summary["failed"]
    assert float(rate) == round(summary["match_rate"] * 100, 1)
