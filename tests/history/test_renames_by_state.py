"""A rename stays in its state's changes: the diff took a rename's state from the later list's agreements only, so
an agency whose later rows give no model had no state, and the rename left `g287 diff --state`, /changes?state= and
the feed per state (diff.in_state keeps the items of the state asked for)."""

import warnings

import pytest

from g287.exports.feed import atom_feed
from g287.exports.ice_workbook import IceRow
from g287.history.diff import diff
from g287.registry.publications import resolve
from g287.web.app import create_app
from tests.history.builders import STATES, Publisher, row

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def pub(db, tmp_path, alias_file):
    return Publisher(db, tmp_path)


KEEP = row("GA", "Kappa County Sheriff's Office", "JEM", "2025-04-01", "County", "Kappa County")
ZETA = row("GA", "Zeta Police Department", "TFM", "2025-04-02")
# The same agency under an abbreviated name (joined at once), in a row whose SUPPORT TYPE cell is empty: no model.
ZETA_NO_MODEL = IceRow(STATES["GA"], "Zeta Police Dept.", "Municipality", "", "", ZETA.signed, ZETA.moa_url)


def test_a_rename_whose_later_rows_give_no_model_stays_in_its_states_changes(db, pub):
    pub.publish("participating", "2025-05-01", [KEEP, ZETA])
    pub.publish("participating", "2025-05-02", [KEEP, ZETA_NO_MODEL])
    with db.session() as session:
        older, newer = resolve(session, "2025-05-01"), resolve(session, "2025-05-02")
        everywhere = diff(session, older, newer)
        georgia = diff(session, older, newer, state="GA")
        feed = atom_feed(session, "http://registry.example", "GA").decode()
    (renamed,) = everywhere["renamed"]
    assert (renamed["old_name"], renamed["new_name"], renamed["state"], renamed["models"]) == ("Zeta Police Department", "Zeta Police Dept.", "GA", [])
    assert georgia["renamed"] == [renamed] and georgia["counts"]["renamed"] == 1
    assert "Zeta Police Department is now Zeta Police Dept. (GA)" in feed
    with TestClient(create_app(db)) as site:
        page = site.get("/changes", params={"from": "2025-05-01", "to": "2025-05-02", "state": "GA"}).text
    assert "Zeta Police Department → " in page
