"""A new name as close to two known agencies as to one: both pairs wait for review and neither is merged (a merge
would be a guess by row order). Accepting one pair of such a tie supersedes the other at once."""

import json

import pytest
from sqlalchemy import select

from g287.db.models.history import IdentityCandidate
from g287.errors import G287Error
from g287.history import review
from g287.history.names import identity_rules
from tests.history.builders import Publisher, row
from tests.history.test_identity import live_agencies, merges, pending_candidates
from tests.history.test_review_fixes import audit_actions
from tests.in_process import run_g287

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


SHORT, LONGER, SIGNED = "Lake City Police", "Lake City Police Department Unit", "Lake City Police Department"


def publish_rename_tie(pub):
    """Two agencies leave the participating list with one agreement (model and signed date) as a third arrives with
    it: a name each of theirs with words added or dropped (suffix, below the threshold here)."""
    pub.publish("participating", "2025-05-16", [TAMPA, row("AR", SHORT, "TFM", "2025-05-01"), row("AR", LONGER, "TFM", "2025-05-01")])
    pub.publish("participating", "2025-05-29", [TAMPA, row("AR", SIGNED, "TFM", "2025-05-01")])


def publish_departure_tie(pub):
    """Two pending agreements of one model leave the pending list under two names as one is first listed as signed
    under a name each of theirs with words added or dropped (pending_suffix: test_pending_renames)."""
    ocala = row("FL", "Ocala Police Department", "WSO", None)
    pub.publish("pending", "2025-05-30", [ocala, row("AR", SHORT, "TFM", None), row("AR", LONGER, "TFM", None)])
    pub.publish("participating", "2025-06-10", [TAMPA, row("AR", SIGNED, "TFM", "2025-06-01")])
    pub.publish("pending", "2025-07-11", [ocala])


def candidate_with(db, other_name):
    with db.session() as session:
        [found] = [c for c in review.candidates(session, status=None) if c.name == SIGNED and c.candidate_name == other_name]
    return found


def statuses(db):
    with db.session() as session:
        return {c.candidate_name: (c.status, c.note) for c in review.candidates(session, status=None) if c.name == SIGNED}


@pytest.mark.parametrize("publish", [publish_rename_tie, publish_departure_tie])
@pytest.mark.parametrize("by_alias", [False, True])
def test_accepting_one_proposal_of_a_tie_supersedes_the_other(db, pub, monkeypatch, actor, publish, by_alias):
    """The name is now one of the two agencies: the other proposal leaves the review list at once (it waited until
    the next ingest, or for ever), marked superseded and audited; deciding it is refused with one clear message."""
    monkeypatch.setitem(identity_rules().confidence, "suffix", 0.8)
    publish(pub)
    chosen, other = candidate_with(db, SHORT), candidate_with(db, LONGER)
    assert chosen.evidence["tied_with"] == [other.candidate_agency_id] and other.evidence["tied_with"] == [chosen.candidate_agency_id]
    if by_alias:
        review.add_alias(db, actor, "AR", SIGNED, "same", SHORT, "checked with the agency")
    else:
        assert review.decide(db, actor, chosen.id, accept=True).superseded == (other.id,)
    assert pending_candidates(db) == []
    note = f"candidate {chosen.id} of the same tie was accepted"
    assert statuses(db)[LONGER] == ("superseded", note)
    superseding = [(object_id, json.loads(after) if isinstance(after, str) else after) for object_id, after in audit_actions(db, "identity.review.supersede")]
    assert superseding == [(str(other.id), {"status": "superseded", "note": note})]
    with pytest.raises(G287Error, match=f"candidate {other.id} was superseded \\(candidate {chosen.id} of the same tie was accepted, by "):
        review.decide(db, actor, other.id, accept=True)
    assert len(live_agencies(db, "AR")) == 2
    # A later list changes nothing: the superseded pair is decided, never proposed again.
    pub.publish("participating", "2025-07-20", [TAMPA, row("AR", SIGNED, "TFM", "2025-06-01")])
    assert pending_candidates(db) == [] and statuses(db)[LONGER][0] == "superseded"


@pytest.mark.parametrize("publish", [publish_rename_tie, publish_departure_tie])
def test_removing_the_alias_of_an_accepted_tie_reopens_the_whole_tie(db, pub, monkeypatch, actor, publish):
    """The merge the acceptance made is undone: the name is again as close to either agency, and both proposals
    wait for review (only the accepted one did: the tie was shown halved)."""
    monkeypatch.setitem(identity_rules().confidence, "suffix", 0.8)
    publish(pub)
    chosen, other = candidate_with(db, SHORT), candidate_with(db, LONGER)
    review.decide(db, actor, chosen.id, accept=True)
    outcome = review.remove_alias(db, actor, "AR", SIGNED, SHORT)
    assert f"review candidates {chosen.id}, {other.id} wait for review again" in outcome
    assert sorted(c.id for c in pending_candidates(db)) == sorted([chosen.id, other.id])
    assert sorted(object_id for object_id, _after in audit_actions(db, "identity.review.reopen")) == sorted([str(chosen.id), str(other.id)])
    assert len(live_agencies(db, "AR")) == 3


def test_rejecting_one_proposal_of_a_tie_leaves_the_other_waiting(db, pub, monkeypatch, actor):
    monkeypatch.setitem(identity_rules().confidence, "suffix", 0.8)
    publish_rename_tie(pub)
    chosen, other = candidate_with(db, SHORT), candidate_with(db, LONGER)
    review.decide(db, actor, chosen.id, accept=False)
    assert [c.id for c in pending_candidates(db)] == [other.id]
    with db.session() as session:
        assert session.scalar(select(IdentityCandidate.status).where(IdentityCandidate.id == other.id)) == "pending"


def test_review_accept_says_which_proposals_of_its_tie_it_superseded(db, pub, monkeypatch):
    """The command said only what it merged: the other proposal left the list without a word."""
    monkeypatch.setitem(identity_rules().confidence, "suffix", 0.8)
    publish_rename_tie(pub)
    chosen, other = candidate_with(db, SHORT), candidate_with(db, LONGER)
    status, out, err = run_g287(db.url, "review", "accept", str(chosen.id))
    assert status == 0, err
    assert out.splitlines() == [
        f"accepted: '{SIGNED}' is '{SHORT}'",
        f"superseded: candidate {other.id}, the other proposal of this tie (the name was as close to that agency)",
    ]


@pytest.mark.parametrize("publish", [publish_rename_tie, publish_departure_tie])
def test_parting_an_accepted_tie_by_the_alias_table_reopens_the_rest_of_the_tie(db, pub, monkeypatch, actor, publish):
    """`g287 alias add ... different` parts the names an acceptance merged (as `review reject` says to): the accepted
    candidate kept saying accepted, and the proposals of its tie that the acceptance superseded stayed superseded for
    ever (a decided pair is never proposed again), though the name is again as close to their agencies."""
    monkeypatch.setitem(identity_rules().confidence, "suffix", 0.8)
    publish(pub)
    chosen, other = candidate_with(db, SHORT), candidate_with(db, LONGER)
    review.decide(db, actor, chosen.id, accept=True)
    outcome = review.add_alias(db, actor, "AR", SIGNED, "different", SHORT, "two agencies after all")
    assert len(live_agencies(db, "AR")) == 3
    assert statuses(db)[SHORT] == ("rejected", "settled by the alias table: two agencies after all")
    assert [c.id for c in pending_candidates(db)] == [other.id]
    assert outcome.endswith(f"; review candidate {chosen.id} settled by it; review candidate {other.id} waits for review again"), outcome
    assert sorted(object_id for object_id, _after in audit_actions(db, "identity.review.reopen")) == [str(other.id)]


ALACHUA = row("FL", "Alachua Police Department", "TFM", "2025-05-20")
# Names one letter from ALACHUA (two letters from each other): it is as close to each (spelling_only).
ALACHUA_TIE = [row("FL", "Alachua Police Departent", "WSO", "2025-04-01"), row("FL", "Alachua Polica Department", "JEM", "2025-04-02"), row("FL", "Alachua Police Departmen", "JEM", "2025-04-03")]


@pytest.mark.parametrize("tied", [2, 3])
def test_a_withdrawn_proposal_leaves_the_tie_of_the_others(db, pub, actor, tied):
    """A list giving the new name beside one of the agencies it was as close to withdraws that proposal (two names in
    one list are two agencies). The others named it still ("tied_with", in `g287 review --json`), and the one accepted
    carried it into its merge's evidence (on the agency's page): a tie that is gone. Now they name only the others left."""
    withdrawn, *left = ALACHUA_TIE[:tied]
    pub.publish("participating", "2025-05-16", [TAMPA, *ALACHUA_TIE[:tied]])
    pub.publish("participating", "2025-05-29", [TAMPA, ALACHUA])
    assert len(pending_candidates(db)) == tied
    pub.publish("participating", "2025-06-10", [TAMPA, ALACHUA, withdrawn])
    status, out, err = run_g287(db.url, "review", "--json")
    assert status == 0, err
    shown = {c["candidate_name"]: c for c in json.loads(out)}
    assert sorted(shown) == sorted(r.agency for r in left)
    agency_of = {name: c["candidate_agency_id"] for name, c in shown.items()}
    for name, candidate in shown.items():
        others = [agency_of[r.agency] for r in left if r.agency != name]
        assert candidate["evidence"].get("tied_with") == (others or None), candidate
    accepted = review.decide(db, actor, shown[left[0].agency]["id"], accept=True)
    assert accepted.superseded == tuple(shown[r.agency]["id"] for r in left[1:])
    with db.session() as session:
        [merge] = review.merges_of(session, review.live_agency(session, agency_of[left[0].agency]).id)
    assert merge["evidence"].get("tied_with") == ([agency_of[r.agency] for r in left[1:]] or None)


def test_a_merge_from_a_tie_names_the_other_agencies_on_the_page_and_in_the_api(db, pub, monkeypatch, actor):
    """A merge accepted from a tie keeps the other agencies in its evidence ("tied_with": ids). The agency's page named
    them by bare ids ("tied with: 3"); it names and links each agency as it is now, as the API does beside the ids."""
    from starlette.testclient import TestClient

    from g287.web.app import create_app

    monkeypatch.setitem(identity_rules().confidence, "suffix", 0.8)
    publish_rename_tie(pub)
    chosen, other = candidate_with(db, SHORT), candidate_with(db, LONGER)
    review.decide(db, actor, chosen.id, accept=True)
    survivor, tied = chosen.candidate_agency_id, other.candidate_agency_id
    with TestClient(create_app(db)) as client:
        page = client.get(f"/agencies/{survivor}")
        detail = client.get(f"/api/v1/agencies/{survivor}")
    assert page.status_code == 200 and detail.status_code == 200
    assert f'also proposed: <a href="/agencies/{tied}">{LONGER}</a> (AR)' in page.text
    assert "tied with" not in page.text
    [merge] = [m for m in detail.json()["merges"] if m["name"] == SIGNED]
    assert merge["tied_with"] == [{"id": tied, "name": LONGER, "state": "AR"}]
    assert merge["evidence"]["tied_with"] == [tied]
