"""An agreement that leaves the pending list under one name as an agreement of its state and model is first listed
as signed under another (Arkansas State Police / Arkansas State Police Department, July 2025): the names are
proposed for review when the identity rules relate them, never joined when they name two agencies."""

import pytest

from g287.history import review
from g287.history.diff import diff
from g287.history.names import identity_rules
from g287.history.pipeline import pipeline
from g287.registry.publications import resolve
from tests.history.builders import Publisher, row
from tests.history.test_identity import live_agencies, merges, pending_candidates

PENDING, SIGNED = "Arkansas State Police", "Arkansas State Police Department"
OTHER = row("FL", "Tampa Police Department", "TFM", "2025-04-14")  # lists are never empty


@pytest.fixture
def pub(db, tmp_path, alias_file):
    return Publisher(db, tmp_path)


def publish_move(pub, pending_name, signed_name, *, state="AR", model="TFM", signed_model=None, participating_day="2025-07-09", participating_first=False):
    """Pending on 30 May and 3 July, not on 11 July; listed as signed on `participating_day` under `signed_name`
    (a participating list of 3 July before it)."""

    def participating():
        pub.publish("participating", "2025-07-03", [OTHER], half="pm")
        pub.publish("participating", participating_day, [OTHER, row(state, signed_name, signed_model or model, "2025-07-07", "State Agency")])

    if participating_first:
        participating()
    for day in ("2025-05-30", "2025-07-03"):
        pub.publish("pending", day, [row("FL", "Ocala Police Department", "WSO", None), row(state, pending_name, model, None, "State Agency")])
    if not participating_first:
        participating()
    pub.publish("pending", "2025-07-11", [row("FL", "Ocala Police Department", "WSO", None)])


def waiting(db):
    return [(c.state, c.name, c.candidate_name, c.rule, c.confidence) for c in pending_candidates(db)]


def left_pending(db):
    with db.session() as session:
        return [(i["state"], i["agency"]) for i in pipeline(session)["left_without_signing"]]


def from_pending_or_added(db):
    """The agencies the diff of the two participating lists (3 and 9 July) says came from the pending list, and those
    it says were added."""
    with db.session() as session:
        change = diff(session, resolve(session, "2025-07-03"), resolve(session, "2025-07-09"))
    return [i["agency"] for i in change["from_pending"]], [i["agency"] for i in change["added"]]


@pytest.mark.parametrize("participating_first", [False, True])
def test_a_pending_agreement_listed_as_signed_under_a_longer_name_is_proposed(db, pub, actor, participating_first):
    publish_move(pub, PENDING, SIGNED, participating_first=participating_first)
    # Below the threshold, as the data says: the pending list gives no signed date to compare.
    confidence = identity_rules().confidence["pending_suffix"]
    assert waiting(db) == [("AR", SIGNED, PENDING, "pending_suffix", confidence)] and confidence < identity_rules().threshold
    [candidate] = pending_candidates(db)
    assert "left the pending list" in candidate.reason
    assert candidate.evidence["pending"] == {"model": "TFM", "first_listed": "2025-05-30", "last_listed": "2025-07-03", "not_on_the_list_of": "2025-07-11"}
    assert candidate.evidence["participating"] == {"model": "TFM", "first_listed": "2025-07-09", "signed": "2025-07-07"}
    assert merges(db) == [] and left_pending(db) == [("AR", PENDING)] and from_pending_or_added(db) == ([], [SIGNED])
    review.decide(db, actor, candidate.id, accept=True)
    assert left_pending(db) == [] and from_pending_or_added(db) == ([SIGNED], [])
    with db.session() as session:  # pending since the first pending list held: its wait is counted apart
        assert [(i["agency"], i["days_to_listed"]) for i in pipeline(session)["moved_pending_before_first_publication"]] == [(SIGNED, 40)]


def test_a_pending_name_shortened_on_the_participating_list_is_proposed(db, pub):
    # Lower Burrell, PA: "Constable's Office" pending, "Constable" listed as signed ("Constable" is "Constable's").
    pub.publish("pending", "2025-05-15", [row("PA", "Lower Burrell Fourth Ward Constable's Office", "TFM", None)])
    pub.publish("participating", "2025-05-29", [OTHER, row("PA", "Lower Burrell Fourth Ward Constable", "TFM", "2025-05-16")])
    pub.publish("pending", "2025-05-30", [row("FL", "Ocala Police Department", "WSO", None)])
    rule = "pending_suffix"
    assert waiting(db) == [("PA", "Lower Burrell Fourth Ward Constable", "Lower Burrell Fourth Ward Constable's Office", rule, identity_rules().confidence[rule])]


def test_the_confidence_is_data_at_the_threshold_the_names_are_joined(db, pub, monkeypatch):
    monkeypatch.setitem(identity_rules().confidence, "pending_suffix", identity_rules().threshold)
    publish_move(pub, PENDING, SIGNED)
    assert merges(db) == [("pending_suffix", identity_rules().threshold)] and waiting(db) == []
    assert left_pending(db) == [] and from_pending_or_added(db) == ([SIGNED], [])


@pytest.mark.parametrize(
    "pending_name, signed_name, options",
    [
        ("Spalding County Sheriff's Office", "Hall County Sheriff's Office", {}),  # most words shared, another county
        (PENDING, SIGNED, {"signed_model": "JEM"}),  # another model
        (PENDING, SIGNED, {"participating_day": "2025-07-15"}),  # listed as signed after the pending list dropped it
        (PENDING, SIGNED, {"participating_day": "2025-05-20"}),  # listed as signed before it was ever pending
        ("Lake City Police Department", "Lake City Police Department Jail", {}),  # a police department and a jail
    ],
)
def test_no_proposal_without_close_names_and_the_same_model_at_the_same_time(db, pub, pending_name, signed_name, options):
    publish_move(pub, pending_name, signed_name, **options)
    assert waiting(db) == [] and merges(db) == []


@pytest.mark.parametrize(
    "signed_day, signed_half, departure_half, proposed",
    [
        ("2025-05-30", "am", "am", False),  # listed as signed the morning before the afternoon's pending list first listed it
        ("2025-07-11", "pm", "am", False),  # listed as signed the afternoon after the morning's pending list dropped it
        ("2025-05-30", "pm", "am", True),  # the same half-day as the first pending listing: within
        ("2025-07-11", "am", "pm", True),  # the morning before the afternoon's pending list dropped it: within
    ],
)
def test_the_window_of_a_departure_goes_by_date_and_half(db, pub, signed_day, signed_half, departure_half, proposed):
    """Between its first pending listing and the first pending list without it, as the pipeline orders lists: by
    date, then am before pm. By date alone, a list of the same day on the wrong side of the window was in it."""
    ocala = row("FL", "Ocala Police Department", "WSO", None)
    pub.publish("participating", signed_day, [OTHER, row("AR", SIGNED, "TFM", "2025-05-20", "State Agency")], half=signed_half)
    pub.publish("pending", "2025-05-30", [ocala, row("AR", PENDING, "TFM", None, "State Agency")], half="pm")
    pub.publish("pending", "2025-07-11", [ocala], half=departure_half)
    assert [(name, other) for _s, name, other, _r, _c in waiting(db)] == ([(SIGNED, PENDING)] if proposed else [])
    assert merges(db) == []


@pytest.mark.parametrize("at_threshold", [False, True])
def test_a_name_as_close_to_two_departed_names_proposes_both(db, pub, monkeypatch, at_threshold):
    """Two agreements of one model leave the pending list under two names, each the signed name with words added or
    dropped: the signed name is as likely either agency. Both pairs wait for review (whatever the confidence: a merge
    would be a guess); only the agency listed first on the pending list was proposed, or merged at the threshold."""
    if at_threshold:
        monkeypatch.setitem(identity_rules().confidence, "pending_suffix", identity_rules().threshold)
    ocala = row("FL", "Ocala Police Department", "WSO", None)
    short, longer, signed = "Lake City Police", "Lake City Police Department Unit", "Lake City Police Department"
    pub.publish("pending", "2025-05-30", [ocala, row("AR", short, "TFM", None), row("AR", longer, "TFM", None)])
    pub.publish("participating", "2025-06-10", [OTHER, row("AR", signed, "TFM", "2025-06-01")])
    pub.publish("pending", "2025-07-11", [ocala])
    assert sorted((name, other, rule) for _s, name, other, rule, _c in waiting(db)) == [(signed, short, "pending_suffix"), (signed, longer, "pending_suffix")]
    assert merges(db) == []


def test_one_name_in_two_states_is_two_agencies(db, pub):
    # Lake County, Ohio, leaves the pending list as Lake County, Florida, is listed as signed: never compared.
    pub.publish("pending", "2025-05-30", [row("OH", "Lake County Sheriff's Office", "JEM", None, "County")])
    pub.publish("participating", "2025-06-17", [row("FL", "Lake County Sheriff's Office", "JEM", "2025-06-10", "County")])
    pub.publish("pending", "2025-07-03", [row("FL", "Ocala Police Department", "WSO", None)])
    assert waiting(db) == [] and merges(db) == [] and len(live_agencies(db)) == 3


def test_counties_one_letter_apart_wait_for_review(db, pub):
    publish_move(pub, "Walker County Sheriff's Office", "Waller County Sheriff's Office", state="TX", model="JEM")
    assert [(name, other, rule) for _s, name, other, rule, _c in waiting(db)] == [("Waller County Sheriff's Office", "Walker County Sheriff's Office", "spelling_only")]
    assert merges(db) == []


def test_names_listed_together_are_never_proposed(db, pub):
    # Both names on one pending list (for two models): two agencies.
    pub.publish("pending", "2025-05-30", [row("AR", PENDING, "TFM", None), row("AR", SIGNED, "WSO", None)])
    pub.publish("participating", "2025-07-09", [row("AR", SIGNED, "TFM", "2025-07-07")])
    pub.publish("pending", "2025-07-11", [row("AR", SIGNED, "WSO", None)])
    assert waiting(db) == [] and merges(db) == []


def test_names_the_alias_table_keeps_apart_are_never_proposed(db, pub, actor):
    review.add_alias(db, actor, "AR", PENDING, "different", SIGNED, "two agencies")
    publish_move(pub, PENDING, SIGNED)
    assert waiting(db) == [] and merges(db) == []


def test_a_proposal_the_lists_no_longer_support_is_withdrawn(db, pub):
    # The pending lists first: Lakeland left the pending list as Oakland (two letters off) was listed as signed...
    pub.publish("pending", "2025-04-01", [row("FL", "Lakeland Police Department", "TFM", None)])
    pub.publish("pending", "2025-04-10", [row("FL", "Ocala Police Department", "WSO", None)])
    pub.publish("participating", "2025-04-05", [row("FL", "Oakland Police Department", "TFM", "2025-04-02")])
    assert [rule for _s, _n, _o, rule, _c in waiting(db)] == ["pending_spelling"]
    # ...until a list shows Lakeland's own agreement listed as signed, beside Oakland's: two agencies.
    pub.publish("participating", "2025-04-08", [row("FL", "Oakland Police Department", "TFM", "2025-04-02"), row("FL", "Lakeland Police Department", "TFM", "2025-04-06")])
    assert waiting(db) == [] and merges(db) == []


def test_a_waiting_proposal_states_what_the_lists_show_whatever_the_order(db, pub):
    """Its evidence was written when first proposed: a pending list of 30 May ingested after the others left it
    saying the agreement was first pending on 3 July."""
    pub.publish("pending", "2025-07-03", [row("FL", "Ocala Police Department", "WSO", None), row("AR", PENDING, "TFM", None, "State Agency")])
    pub.publish("pending", "2025-07-11", [row("FL", "Ocala Police Department", "WSO", None)])
    pub.publish("participating", "2025-07-03", [OTHER], half="pm")
    pub.publish("participating", "2025-07-09", [OTHER, row("AR", SIGNED, "TFM", "2025-07-07", "State Agency")])
    [before] = pending_candidates(db)
    assert before.evidence["pending"]["first_listed"] == "2025-07-03"
    pub.publish("pending", "2025-05-30", [row("FL", "Ocala Police Department", "WSO", None), row("AR", PENDING, "TFM", None, "State Agency")])
    [after] = pending_candidates(db)
    assert after.id == before.id and after.status == "pending"
    assert after.evidence["pending"] == {"model": "TFM", "first_listed": "2025-05-30", "last_listed": "2025-07-03", "not_on_the_list_of": "2025-07-11"}
