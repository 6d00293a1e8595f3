"""A new name as close to two known agencies as to one: both pairs wait for review and neither is merged (a merge
would be a guess by row order)."""

import pytest

from g287.history.names import identity_rules
from tests.history.builders import Publisher, row
from tests.history.test_identity import live_agencies, merges, pending_candidates

TAMPA = row("FL", "Tampa Police Department", "TFM", "2025-04-14")  # lists are never empty


@pytest.fixture
def pub(db, tmp_path, alias_file):
    return Publisher(db, tmp_path)


def waiting(db):
    return sorted((c.name, c.candidate_name, c.rule) for c in pending_candidates(db))


@pytest.mark.parametrize("at_threshold", [True, False])
def test_a_new_name_as_close_to_two_departed_names_proposes_both(db, pub, monkeypatch, at_threshold):
    """Two agencies leave the list with the same agreement (model and signed date) as one arrives under a name that
    is each of theirs with words added or dropped: it is as likely either agency. It was merged into (or proposed
    with) the one created first."""
    if not at_threshold:
        monkeypatch.setitem(identity_rules().confidence, "suffix", 0.8)
    short, longer, signed = "Lake City Police", "Lake City Police Department Unit", "Lake City Police Department"
    pub.publish("participating", "2025-05-16", [TAMPA, row("AR", short, "TFM", "2025-05-01"), row("AR", longer, "TFM", "2025-05-01")])
    pub.publish("participating", "2025-05-29", [TAMPA, row("AR", signed, "TFM", "2025-05-01")])
    assert waiting(db) == [(signed, short, "suffix"), (signed, longer, "suffix")]
    assert merges(db) == []
    assert len(live_agencies(db, "AR")) == 3


def test_a_new_name_one_abbreviation_away_from_two_agencies_kept_apart_proposes_both(db, pub, alias_file):
    """The alias table keeps two names of one expanded key apart (two agencies); a third name of that key is as likely
    either. It was merged into the one created first."""
    alias_file.write_text(alias_file.read_text() + "FL,Melbourne Police Dept,different,Melbourne Police Department,two agencies (test),2025-05-01\n")
    pub.publish("participating", "2025-05-16", [row("FL", "Melbourne Police Department", "TFM")])
    pub.publish("participating", "2025-05-29", [row("FL", "Melbourne Police Department", "TFM"), row("FL", "Melbourne Police Dept", "WSO")])
    pub.publish("participating", "2025-06-10", [row("FL", "Melbourne Police Department", "TFM"), row("FL", "Melbourne Police Dept", "WSO"), row("FL", "Melbourne PD", "JEM")])
    assert waiting(db) == [("Melbourne PD", "Melbourne Police Department", "abbreviation"), ("Melbourne PD", "Melbourne Police Dept", "abbreviation")]
    assert merges(db) == []
    assert len(live_agencies(db, "FL")) == 3
