"""Agency identity: every rule that joins names, every case that must not join them, review and aliases."""

import pytest
from sqlalchemy import select

from g287.db.models.history import IdentityCandidate, IdentityMerge
from g287.db.models.registry import Agency, AgencyName, Agreement
from g287.errors import G287Error
from g287.history import aliases, review
from g287.history.diff import diff
from g287.history.names import compare
from g287.registry import figures
from g287.registry.publications import resolve
from tests.history.builders import Publisher, row
from tests.in_process import run_g287


@pytest.fixture
def pub(db, tmp_path, alias_file):
    return Publisher(db, tmp_path)


def agency_of(db, state, name):
    with db.session() as session:
        return session.scalar(select(AgencyName.agency_id).where(AgencyName.state_usps == state, AgencyName.name == name))


def live_agencies(db, state=None):
    with db.session() as session:
        query = select(Agency).where(Agency.merged_into_id.is_(None))
        if state:
            query = query.where(Agency.state_usps == state)
        return session.scalars(query).all()


def merges(db):
    with db.session() as session:
        return [(m.rule, m.confidence) for m in session.scalars(select(IdentityMerge).where(IdentityMerge.undone_at.is_(None)))]


def pending_candidates(db):
    with db.session() as session:
        return review.candidates(session)


@pytest.mark.parametrize(
    "first, second, rule",
    [
        ("Polk County Sheriff's Office", "POLK COUNTY SHERIFF’S OFFICE", None),  # same key: no merge needed
        ("Ft. Myers Police Department", "Fort Myers Police Department", "abbreviation"),
        ("St. Cloud Police Department", "Saint Cloud Police Department", "abbreviation"),
        ("Lake Co. Sheriff's Office", "Lake County Sheriff's Office", "abbreviation"),
        ("Tampa PD", "Tampa Police Department", "abbreviation"),
        ("Marion County SO", "Marion County Sheriff's Office", "abbreviation"),
        ("Miami Police Dept.", "Miami Police Department", "abbreviation"),
        ("City of Melbourne Police Department", "Melbourne Police Department", "place_prefix"),
        ("Town of Palm Beach Police Department", "Palm Beach Police Department", "place_prefix"),
    ],
)
def test_normalization_rules_join_names_across_publications(db, pub, first, second, rule):
    pub.publish("participating", "2025-05-16", [row("FL", first, "TFM")])
    pub.publish("participating", "2025-05-29", [row("FL", second, "TFM", signed="2025-05-01")])
    assert agency_of(db, "FL", first) == agency_of(db, "FL", second)
    assert len(live_agencies(db)) == 1
    assert [r for r, _c in merges(db)] == ([rule] if rule else [])
    with db.session() as session:
        agreements = session.scalars(select(Agreement).where(Agreement.merged_into_id.is_(None))).all()
        assert len(agreements) == 1 and agreements[0].signed_on.isoformat() == "2025-05-01"


def test_pending_name_followed_into_participating(db, pub):
    pub.publish("pending", "2025-05-15", [row("FL", "Ft. Myers Police Department", "TFM", signed=None)])
    pub.publish("participating", "2025-05-29", [row("FL", "Fort Myers Police Department", "TFM")])
    assert agency_of(db, "FL", "Ft. Myers Police Department") == agency_of(db, "FL", "Fort Myers Police Department")


def test_a_spelling_difference_with_continuity_is_a_rename_not_a_correction(db, pub):
    pub.publish("participating", "2025-05-16", [row("FL", "Indialantic Police Department", "TFM", "2025-05-13"), row("FL", "Tampa Police Department", "TFM")])
    pub.publish("participating", "2025-05-29", [row("FL", "Indiatlantic Police Department", "TFM", "2025-05-13"), row("FL", "Tampa Police Department", "TFM")])
    assert merges(db) == [("spelling_with_continuity", 0.95)]
    with db.session() as session:
        result = diff(session, resolve(session, "2025-05-16"), resolve(session, "2025-05-29"))
    assert result["added"] == [] and result["removed"] == []
    assert [(r["old_name"], r["new_name"]) for r in result["renamed"]] == [("Indialantic Police Department", "Indiatlantic Police Department")]
    # The town is Indialantic: the later name is no correction, and the reason does not call it one.
    assert result["renamed"][0]["reason"] == "a spelling difference of one or two letters, and the same agreements pass from one name to the other (confidence 0.95)"


def test_suffix_dropped_with_continuity(db, pub):
    name = "Tennessee Department of Safety and Homeland Security"
    pub.publish("participating", "2025-05-16", [row("TN", name + " / THP", "TFM", "2025-05-13", "State Agency")])
    pub.publish("participating", "2025-05-29", [row("TN", name, "TFM", "2025-05-13", "State Agency")])
    assert merges(db) == [("suffix", 0.9)]


def test_spelling_without_continuity_waits_for_review_and_accept_merges(db, pub, alias_file, actor, deferred_writes):
    pub.publish("participating", "2025-05-16", [row("FL", "Alachua Police Departent", "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-29", [row("FL", "Alachua Police Department", "TFM", "2025-04-02")])  # date corrected too
    assert merges(db) == []
    candidates = pending_candidates(db)
    assert [(c.name, c.candidate_name, c.rule) for c in candidates] == [("Alachua Police Department", "Alachua Police Departent", "spelling_only")]
    assert len(live_agencies(db)) == 2
    review.decide(db, actor, candidates[0].id, accept=True, note="typo in the list of 16 May")
    assert len(live_agencies(db)) == 1
    assert pending_candidates(db) == []
    assert "same,Alachua Police Departent" in alias_file.read_text() or "same,Alachua Police Department" in alias_file.read_text()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT action FROM audit_events WHERE action = 'identity.review'").all()
    assert deferred_writes == []  # every change began as writing: it waits for another, never refused


@pytest.mark.parametrize("order", ["in publication order", "the list of both first"])
def test_a_spelling_proposal_is_withdrawn_once_a_list_gives_both_names(db, pub, order):
    """Two agencies one list gives side by side are two: a name proposed as one letter off another when it was first
    listed (on the pending list, without the other) leaves the review list once a list lists both, as it is never
    proposed when that list is ingested first."""
    def first():
        pub.publish("participating", "2025-06-01", [row("FL", "Beta Police Department", "TFM", "2025-02-01")])
        pub.publish("pending", "2025-06-01", [row("FL", "Eta Police Department", "TFM", None)])

    def both():
        pub.publish("participating", "2025-06-03", [row("FL", "Beta Police Department", "TFM", "2025-02-01"), row("FL", "Eta Police Department", "TFM", "2025-06-02")])

    if order == "in publication order":
        first()
        assert [(c.name, c.candidate_name, c.rule) for c in pending_candidates(db)] == [("Eta Police Department", "Beta Police Department", "spelling_only")]
        both()
    else:
        both()
        first()
    assert pending_candidates(db) == [] and merges(db) == []
    assert len(live_agencies(db, "FL")) == 2


def test_reject_keeps_names_apart_and_is_remembered(db, pub, alias_file, actor):
    pub.publish("participating", "2025-05-16", [row("FL", "Alachua Police Departent", "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-29", [row("FL", "Alachua Police Department", "TFM", "2025-04-02")])
    candidate = pending_candidates(db)[0]
    review.decide(db, actor, candidate.id, accept=False, note="checked: two agencies")
    assert len(live_agencies(db)) == 2
    assert ",different," in alias_file.read_text()
    with db.session() as session:
        assert session.scalar(select(IdentityCandidate.status)) == "rejected"


def test_continuity_alone_is_only_a_candidate(db, pub):
    """ICE signs many MOAs the same day: one agency leaving and another arriving with the same date is no rename."""
    pub.publish("participating", "2025-05-16", [row("FL", "Hialeah Police Department", "TFM", "2025-04-14")])
    pub.publish("participating", "2025-05-29", [row("FL", "Daytona Beach Shores Police Department", "TFM", "2025-04-14")])
    assert merges(db) == []
    assert [c.rule for c in pending_candidates(db)] == ["continuity_only"]


def test_continuity_with_similar_names_goes_to_review(db, pub):
    pub.publish("participating", "2025-05-16", [row("FL", "University of West Florida Board of Trustees", "TFM", "2025-04-15", "State Agency")])
    pub.publish("participating", "2025-05-29", [row("FL", "University of West Florida Police Department", "TFM", "2025-04-15", "State Agency")])
    assert merges(db) == []
    assert [(c.rule, c.confidence) for c in pending_candidates(db)] == [("continuity_similar", 0.8)]


def test_same_county_name_in_two_states_never_merges(db, pub):
    pub.publish(
        "participating",
        "2025-05-16",
        [row("PA", "Washington County Sheriff's Office", "TFM", agency_type="County"), row("VA", "Washington County Sheriff's Office", "TFM", agency_type="County")],
    )
    pub.publish("participating", "2025-05-29", [row("VA", "Washington County Sheriffs Office", "TFM", agency_type="County")])
    agencies = live_agencies(db)
    assert sorted(a.state_usps for a in agencies) == ["PA", "VA"]
    assert agency_of(db, "VA", "Washington County Sheriffs Office") == agency_of(db, "VA", "Washington County Sheriff's Office")


def test_an_agency_leaving_one_state_never_joins_a_name_arriving_in_another(db, pub):
    # The same model and signed date pass from a Florida name to a Texas name that extends it: in one state that
    # would be a rename (suffix rule); across states it is two agencies, never merged nor proposed for review.
    pub.publish("participating", "2025-05-16", [row("FL", "Department of Public Safety", "TFM", "2025-05-13", "State Agency")])
    pub.publish("participating", "2025-05-29", [row("TX", "Department of Public Safety Troopers", "TFM", "2025-05-13", "State Agency")])
    assert merges(db) == []
    assert pending_candidates(db) == []
    assert sorted(a.state_usps for a in live_agencies(db)) == ["FL", "TX"]


def test_sheriff_and_police_of_one_town_never_merge(db, pub):
    pub.publish("participating", "2025-05-16", [row("FL", "Marion County Sheriff's Office", "TFM", "2025-04-14", "County")])
    pub.publish("participating", "2025-05-29", [row("FL", "Marion Police Department", "TFM", "2025-04-14")])
    assert merges(db) == [] and pending_candidates(db) == []
    assert len(live_agencies(db)) == 2
    assert compare("Marion Police Department", "Marion County Sheriff's Office", continuity=True, co_listed=False) is None


def test_counties_one_letter_apart_never_merge_automatically(db, pub):
    pub.publish("participating", "2025-05-16", [row("TX", "Walker County Sheriff's Office", "WSO", "2025-03-07", "County")])
    pub.publish("participating", "2025-05-29", [row("TX", "Waller County Sheriff's Office", "WSO", "2025-03-07", "County")])
    assert merges(db) == []
    assert [c.rule for c in pending_candidates(db)] == ["spelling_only"]
    # Listed together, they are plainly two agencies: not even a candidate.
    assert compare("Waller County Sheriff's Office", "Walker County Sheriff's Office", continuity=False, co_listed=True) is None


def test_duplicate_names_in_one_list_are_one_agency_and_one_agreement(db, pub):
    result = pub.publish(
        "participating",
        "2025-05-16",
        [row("FL", "City of St. Cloud Police Department", "TFM", "2025-04-15"), row("FL", "St. Cloud Police Department", "TFM", "2025-04-14")],
    )
    assert len(live_agencies(db)) == 1
    with db.session() as session:
        publication = resolve(session, result.publication_id)
        assert figures.participating_figures(session, publication)["moas"] == 2  # as ICE counts
        assert session.scalar(select(Agreement).where(Agreement.merged_into_id.is_(None))).model == "TFM"
        assert len(session.scalars(select(Agreement).where(Agreement.merged_into_id.is_(None))).all()) == 1
        from g287.registry.quality import register

        assert [e.problem for e in register(session, publication) if e.category == "duplicate"] == ["row 3 lists the same agreement (agency and model) as row 2"]


def test_alias_table_overrides_the_rules(db, pub, alias_file):
    alias_file.write_text(
        "state,name,relation,other_name,reason,reviewed\n"
        "FL,City of Melbourne Police Department,different,Melbourne Police Department,test: two agencies,2026-11-28\n"
        "FL,Hialeah Police Department,same,Daytona Beach Shores Police Department,test: one agency,2026-11-28\n"
    )
    pub.publish("participating", "2025-05-16", [row("FL", "City of Melbourne Police Department", "TFM"), row("FL", "Hialeah Police Department", "WSO", "2025-03-01")])
    pub.publish("participating", "2025-05-29", [row("FL", "Melbourne Police Department", "TFM"), row("FL", "Daytona Beach Shores Police Department", "WSO", "2025-03-01")])
    assert agency_of(db, "FL", "City of Melbourne Police Department") != agency_of(db, "FL", "Melbourne Police Department")
    assert agency_of(db, "FL", "Hialeah Police Department") == agency_of(db, "FL", "Daytona Beach Shores Police Department")
    assert merges(db) == [("alias", 1.0)]


def test_alias_commands_apply_and_undo(db, pub, alias_file, actor, deferred_writes):
    ocala, hialeah = row("FL", "Ocala Police Department", "WSO", "2025-03-01"), row("FL", "Hialeah Police Department", "JEM", "2025-04-02")
    pub.publish("participating", "2025-05-16", [row("FL", "City of Melbourne Police Department", "TFM"), ocala])
    pub.publish("participating", "2025-05-29", [row("FL", "Melbourne Police Department", "TFM"), ocala, hialeah])
    assert len(live_agencies(db)) == 3
    assert "separate" in review.add_alias(db, actor, "FL", "Melbourne Police Department", "different", "City of Melbourne Police Department", "test")
    assert len(live_agencies(db)) == 4
    with db.session() as session:
        assert len(session.scalars(select(Agreement).where(Agreement.merged_into_id.is_(None))).all()) == 4
    assert [e.relation for e in aliases.load().entries] == ["different"]
    # Without the entry, the place-prefix rule joins the names again, as the ingest had.
    assert "the identity rules join the two names" in review.remove_alias(db, actor, "FL", "Melbourne Police Department", "City of Melbourne Police Department")
    assert aliases.load().entries == []
    assert len(live_agencies(db)) == 3
    # Names no rule relates: the table alone joins them, and its entry's removal parts them.
    assert "applied" in review.add_alias(db, actor, "FL", "Hialeah Police Department", "same", "Ocala Police Department", "test")
    assert len(live_agencies(db)) == 2
    assert "undone" in review.remove_alias(db, actor, "FL", "Hialeah Police Department", "Ocala Police Department")
    assert len(live_agencies(db)) == 3
    assert deferred_writes == []  # every change began as writing: it waits for another, never refused


def test_public_cannot_decide(db, pub):
    from g287.access import Actor
    from g287.errors import AccessDenied

    pub.publish("participating", "2025-05-16", [row("FL", "Alachua Police Departent", "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-29", [row("FL", "Alachua Police Department", "TFM", "2025-04-02")])
    with pytest.raises(AccessDenied):
        review.decide(db, Actor.public(), pending_candidates(db)[0].id, True)
    with pytest.raises(AccessDenied):
        review.add_alias(db, Actor.public(), "FL", "A Police Department", "same", "B Police Department", "x")
    assert len(pending_candidates(db)) == 1


def test_an_alias_table_that_is_not_utf8_is_a_clear_error(alias_file):
    alias_file.write_bytes("state,name,relation,other_name,reason,reviewed\nFL,Caf\u00e9 Police,same,Cafe Police,x,\n".encode("latin-1"))
    with pytest.raises(G287Error, match="cannot be read .*UTF-8"):
        aliases.load()


@pytest.mark.parametrize("command", ["decide", "add", "remove"])
def test_a_decision_whose_commit_fails_leaves_the_alias_table_as_it_was(db, pub, alias_file, actor, command):
    """The alias table is written inside the transaction; a commit that then fails puts the file back."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    pub.publish("participating", "2025-05-16", [row("FL", "Alachua Police Departent", "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-29", [row("FL", "Alachua Police Department", "TFM", "2025-04-02")])
    if command == "remove":
        review.add_alias(db, actor, "FL", "Ocala Police Department", "same", "City of Ocala Police Department", "checked")
    before = alias_file.read_bytes()

    def refuse(session):
        raise RuntimeError("the database refused the commit")

    event.listen(Session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError, match="refused the commit"):
            if command == "decide":
                review.decide(db, actor, pending_candidates(db)[0].id, accept=True)
            elif command == "add":
                review.add_alias(db, actor, "FL", "Alachua Police Departent", "same", "Alachua Police Department", "typo")
            else:
                review.remove_alias(db, actor, "FL", "Ocala Police Department", "City of Ocala Police Department")
    finally:
        event.remove(Session, "before_commit", refuse)
    assert alias_file.read_bytes() == before
    assert len(pending_candidates(db)) == 1 and len(live_agencies(db)) == 2  # and the database is unchanged


def test_a_rule_relating_two_names_takes_its_confidence_from_the_rules_of_the_moment(monkeypatch):
    """compare() remembers which rule relates two names (ingests ask about the same pairs again and again), but not
    its confidence: the rules' data may change, and the next comparison then gives the new confidence."""
    from g287.history.names import compare_across_lists, identity_rules

    first = compare("Walton County Sheriff's Office", "Walton County Sherif's Office", continuity=True, co_listed=False)
    assert first is not None and first.rule == "spelling_with_continuity"
    across = compare_across_lists("Walton County Sheriff's Office", "Walton County Sheriff")
    assert across is not None and across.rule == "pending_suffix"
    monkeypatch.setitem(identity_rules().confidence, "spelling_with_continuity", 0.123)
    monkeypatch.setitem(identity_rules().confidence, "pending_suffix", 0.456)
    assert compare("Walton County Sheriff's Office", "Walton County Sherif's Office", continuity=True, co_listed=False) == type(first)("spelling_with_continuity", 0.123)
    assert compare_across_lists("Walton County Sheriff's Office", "Walton County Sheriff").confidence == 0.456


@pytest.mark.parametrize(
    "entries, said",
    [
        # The name is the same as names of two agencies, which nothing has joined.
        (
            [("Hialeah Police Department", "same", "Ocala Police Department"), ("Hialeah Police Department", "same", "Tampa Police Department")],
            "'Hialeah Police Department' is 'Ocala Police Department' and 'Tampa Police Department', names of 2 agencies",
        ),
        # The name is and is not one agency (Ocala PD is Ocala Police Department by the abbreviation rule).
        (
            [("Hialeah Police Department", "same", "Ocala Police Department"), ("Hialeah Police Department", "different", "Ocala PD")],
            "'Hialeah Police Department' is 'Ocala Police Department' and is not 'Ocala PD', names of one agency",
        ),
    ],
)
def test_a_contradictory_alias_table_joins_nothing_and_asks_a_reviewer(db, pub, alias_file, actor, deferred_writes, entries, said):
    """The alias table said a name is the same as names that two agencies hold (or is and is not one agency's names):
    the name was joined to the first agency by id, silently. It now joins none: each pair waits for review, a tie
    (accepting one supersedes the rest), with the contradiction in its evidence. The table is written once Ocala and
    Tampa are two agencies: read before, its `same` entries, which chain, would join them through Hialeah."""
    pub.publish("participating", "2025-05-16", [row("FL", "Ocala Police Department", "TFM"), row("FL", "Tampa Police Department", "TFM")])
    alias_file.write_text("state,name,relation,other_name,reason,reviewed\n" + "".join(f"FL,{a},{r},{b},test,2026-11-28\n" for a, r, b in entries))
    pub.publish("participating", "2025-05-29", [row("FL", "Ocala PD", "TFM"), row("FL", "Tampa Police Department", "TFM")])
    pub.publish("participating", "2025-06-17", [row("FL", "Ocala PD", "TFM"), row("FL", "Tampa Police Department", "TFM"), row("FL", "Hialeah Police Department", "WSO")])
    hialeah = agency_of(db, "FL", "Hialeah Police Department")
    assert hialeah not in {agency_of(db, "FL", "Ocala Police Department"), agency_of(db, "FL", "Tampa Police Department")}
    assert merges(db) == [("abbreviation", 0.95)]  # Ocala PD: the rules, not the table
    waiting = [c for c in pending_candidates(db) if c.name == "Hialeah Police Department"]
    assert {c.rule for c in waiting} == {"alias_contradiction"} and all(said in c.evidence["alias"] for c in waiting)
    assert waiting[0].reason.startswith("the reviewed alias table contradicts itself or the database")
    listed = run_g287(db.url, "review")
    assert listed[0] == 0 and f"    FL: the alias table says {said}\n" in listed[1]  # the text says what the table says, as the JSON's evidence
    if len(waiting) > 1:
        assert waiting[0].evidence["tied_with"] == [waiting[1].candidate_agency_id]
        assert list(review.decide(db, actor, waiting[0].id, True).superseded) == [waiting[1].id]
    else:
        review.decide(db, actor, waiting[0].id, True)
    assert agency_of(db, "FL", "Hialeah Police Department") == waiting[0].candidate_agency_id


def test_separating_a_name_takes_the_names_of_its_key_listed_since(db, pub, alias_file, actor, deferred_writes):
    """A name joined to another agency, then listed under another spelling of its key (attached by same_key to the
    agency that held it then), then separated: the spelling stayed with the other agency, so two live agencies held
    one key, and the next name of that key was attached to one of them by the order of their names' ids."""
    pub.publish("participating", "2025-05-16", [row("FL", "Ocala Police Department", "TFM")])
    pub.publish("participating", "2025-05-29", [row("FL", "Ocala PD", "TFM")])  # joined: abbreviation
    pub.publish("participating", "2025-06-17", [row("FL", "OCALA PD", "TFM"), row("FL", "Ocala PD", "WSO", "2025-06-01")])
    assert agency_of(db, "FL", "OCALA PD") == agency_of(db, "FL", "Ocala Police Department")
    review.add_alias(db, actor, "FL", "Ocala PD", "different", "Ocala Police Department", "test: two agencies")
    separated = agency_of(db, "FL", "Ocala PD")
    assert separated != agency_of(db, "FL", "Ocala Police Department")
    assert agency_of(db, "FL", "OCALA PD") == separated  # one key, one agency
    pub.publish("participating", "2025-06-20", [row("FL", "Ocala Pd", "TFM")])
    assert agency_of(db, "FL", "Ocala Pd") == separated
    assert [a.id for a in live_agencies(db, "FL") if a.id != agency_of(db, "FL", "Ocala Police Department")] == [separated]
