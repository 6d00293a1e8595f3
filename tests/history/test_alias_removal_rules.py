"""Removing an alias entry, of either relation, leaves the pair as an ingest without the entry would have left it:
the identity rules for names join it (normalization, a spelling corrected with the same agreements passing),
propose it for review (a spelling difference alone, similar names with the same agreements), or leave it apart."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from g287.cli import cli
from g287.db.models.history import IdentityMerge
from g287.db.models.registry import Agency, AgencyName, Agreement
from g287.history import aliases, review
from tests.conftest import make_database
from tests.history.builders import Publisher, row

FIRST_DAY, SECOND_DAY = "2025-05-16", "2025-05-29"
OTHER = row("FL", "Tampa Police Department", "WSO", "2025-03-03")  # an agency the pair never touches


@pytest.fixture
def fresh_db(request, tmp_path):
    """A second empty database of the same kind as `db`: the lists ingested there without the entry."""
    folder = tmp_path / "fresh"
    folder.mkdir()
    database, close = make_database(request.node.callspec.params["db"], folder)
    yield database
    close()


def write_entry(alias_file, relation, name, other_name):
    alias_file.write_text(
        "# reviewed aliases (test)\nstate,name,relation,other_name,reason,reviewed\n" f'FL,"{name}",{relation},"{other_name}",test: checked,2026-01-05\n'
    )


def publish(db, folder, first_rows, second_rows):
    folder.mkdir(exist_ok=True)
    pub = Publisher(db, folder)
    pub.publish("participating", FIRST_DAY, [OTHER, *first_rows])
    pub.publish("participating", SECOND_DAY, [OTHER, *second_rows])


def registry_state(db) -> dict:
    """What the identity rules decide, by names (ids differ between databases): each live agency with its names and
    agreements, the merges in force, and the review list."""
    with db.session() as session:
        agencies = set()
        for agency in session.scalars(select(Agency).where(Agency.merged_into_id.is_(None))):
            names = tuple(sorted(session.scalars(select(AgencyName.name).where(AgencyName.agency_id == agency.id))))
            agreements = tuple(sorted((a.model, str(a.signed_on)) for a in session.scalars(select(Agreement).where(Agreement.agency_id == agency.id, Agreement.merged_into_id.is_(None)))))
            agencies.add((agency.name, names, agreements))
        merges = sorted(
            (m.rule, m.confidence, name)
            for m, name in session.execute(select(IdentityMerge, AgencyName.name).join(AgencyName, AgencyName.id == IdentityMerge.agency_name_id).where(IdentityMerge.undone_at.is_(None)))
        )
        waiting = [(c.name, c.candidate_name, c.rule, c.confidence) for c in review.candidates(session)]
    return {"agencies": agencies, "merges": merges, "review": waiting}


# (first list's row, second list's row, what an ingest without an entry does with the pair)
RELATED = {
    "abbreviation": (row("FL", "Collier County Sheriff's Office", "JEM", "2025-04-01", "County"), row("FL", "Collier County SO", "JEM", "2025-04-02", "County"), "merged"),
    "place prefix": (row("FL", "City of Melbourne Police Department", "TFM"), row("FL", "Melbourne Police Department", "TFM", "2025-05-01"), "merged"),
    "spelling, same agreement": (row("FL", "Indialantic Police Department", "TFM", "2025-05-13"), row("FL", "Indiatlantic Police Department", "TFM", "2025-05-13"), "merged"),
    "spelling alone": (row("FL", "Alachua Police Departent", "TFM", "2025-04-01"), row("FL", "Alachua Police Department", "TFM", "2025-04-02"), "proposed"),
    "similar names, same agreement": (
        row("FL", "University of West Florida Board of Trustees", "TFM", "2025-04-15", "State Agency"),
        row("FL", "University of West Florida Police Department", "TFM", "2025-04-15", "State Agency"),
        "proposed",
    ),
}


@pytest.mark.parametrize("relation", ["different", "same"])
@pytest.mark.parametrize("case", RELATED)
def test_removing_an_entry_leaves_the_pair_as_an_ingest_without_it(db, fresh_db, tmp_path, alias_file, actor, case, relation):
    first, second, expected = RELATED[case]
    write_entry(alias_file, relation, second.agency, first.agency)
    publish(db, tmp_path / "lists", [first], [second])
    entry_decided = registry_state(db)
    outcome = review.remove_alias(db, actor, "FL", second.agency, first.agency)
    assert aliases.load().entries == []
    publish(fresh_db, tmp_path / "again", [first], [second])  # the table no longer has the entry
    assert registry_state(db) == registry_state(fresh_db)
    assert registry_state(db) != entry_decided
    if expected == "merged":
        assert "the identity rules join the two names into one agency (" in outcome, outcome
        assert len([a for a in registry_state(db)["agencies"] if first.agency in a[1]]) == 1
    else:
        [candidate] = review_candidates(db)
        assert f"the identity rules propose the pair: review candidate {candidate.id} ({candidate.reason}; confidence {candidate.confidence:.2f})" in outcome, outcome
        assert (candidate.name, candidate.candidate_name) == (second.agency, first.agency)


def review_candidates(db):
    with db.session() as session:
        return review.candidates(session)


COLLIER, COLLIER_SO = row("FL", "Collier County Sheriff's Office", "JEM", "2025-04-01", "County"), row("FL", "Collier County SO", "WSO", "2025-04-02", "County")
ALACHUA_TYPO, ALACHUA = row("FL", "Alachua Police Departent", "TFM", "2025-04-01"), row("FL", "Alachua Police Department", "WSO", "2025-04-02")
# (the first list, naming both; the second list; what the removal says)
LISTED_TOGETHER = {
    # ICE listing one agency twice: the abbreviation joins the names, as an ingest would. (The second list names it
    # once: listed twice in the latest list, which name an agency takes is a tie each way breaks its own way.)
    "abbreviation": ([COLLIER, COLLIER_SO], [COLLIER], "join the two names"),
    # Two spellings a letter apart in one list are two agencies: nothing to propose.
    "spelling": ([ALACHUA_TYPO, ALACHUA], [ALACHUA_TYPO, ALACHUA], "they stay two agencies"),
}


@pytest.mark.parametrize("case", LISTED_TOGETHER)
def test_names_listed_together_are_joined_only_by_the_normalization_rules(db, fresh_db, tmp_path, alias_file, actor, case):
    first_rows, second_rows, said = LISTED_TOGETHER[case]
    first, second = first_rows
    write_entry(alias_file, "different", second.agency, first.agency)
    publish(db, tmp_path / "lists", first_rows, second_rows)
    assert said in review.remove_alias(db, actor, "FL", second.agency, first.agency)
    publish(fresh_db, tmp_path / "again", first_rows, second_rows)
    assert registry_state(db) == registry_state(fresh_db)


UNRELATED = {
    "different names": (row("FL", "Ocala Police Department", "TFM", "2025-04-01"), row("FL", "Hialeah Police Department", "TFM", "2025-04-02")),
    "a sheriff and a town's police": (row("FL", "Marion County Sheriff's Office", "TFM", "2025-04-14", "County"), row("FL", "Marion Police Department", "TFM", "2025-04-14")),
}


@pytest.mark.parametrize("case", UNRELATED)
def test_removing_a_different_entry_between_names_no_rule_relates_changes_nothing(db, fresh_db, tmp_path, alias_file, actor, case):
    first, second = UNRELATED[case]
    write_entry(alias_file, "different", second.agency, first.agency)
    publish(db, tmp_path / "lists", [first], [second])
    before = registry_state(db)
    outcome = review.remove_alias(db, actor, "FL", second.agency, first.agency)
    assert outcome == "removed; no identity rule joins the two names: they stay two agencies"
    assert registry_state(db) == before
    publish(fresh_db, tmp_path / "again", [first], [second])
    assert registry_state(fresh_db) == before
    with db.engine.connect() as conn:
        [(after,)] = conn.exec_driver_sql("SELECT after FROM audit_events WHERE action = 'identity.alias.remove'").all()
    assert "they stay two agencies" in str(after)  # the audit event says what the removal did


def test_the_command_prints_what_the_rules_did(db, tmp_path, alias_file):
    first, second, _expected = RELATED["abbreviation"]
    write_entry(alias_file, "different", second.agency, first.agency)
    publish(db, tmp_path / "lists", [first], [second])
    result = CliRunner().invoke(cli, ["--database", db.url, "alias", "remove", "FL", second.agency, first.agency], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "removed; the identity rules join the two names into one agency (same name once abbreviations are written out; confidence 0.95)\n"
    )


def test_a_name_joined_to_other_names_since_is_not_judged_with_them(db, tmp_path, alias_file, actor):
    """The entry kept 'Collier County SO' apart from the Sheriff's Office, and the lists joined it since to the
    Tactical Unit (the same agreement passing): judging the group would put the Tactical Unit, listed beside the
    Sheriff's Office as another agency, into it. The pair is left to a reviewer, and the outcome says so."""
    sheriff = row("FL", "Collier County Sheriff's Office", "JEM", "2025-04-01", "County")
    unit = row("FL", "Collier County Sheriff's Office Tactical Unit", "TFM", "2025-03-03", "County")
    abbreviated = row("FL", "Collier County SO", "TFM", "2025-03-03", "County")
    write_entry(alias_file, "different", abbreviated.agency, sheriff.agency)
    publish(db, tmp_path / "lists", [sheriff, unit], [sheriff, abbreviated])
    before = registry_state(db)
    outcome = review.remove_alias(db, actor, "FL", abbreviated.agency, sheriff.agency)
    assert "the newer name is joined to other names since, so the identity rules do not judge it alone" in outcome
    assert registry_state(db) == before


def test_the_newer_name_is_judged_where_it_was_first_listed(db, fresh_db, tmp_path, alias_file, actor):
    """A name first listed beside the other (so, for an ingest, another agency unless normalization joins them) is
    judged there, not where its agency's other names were first listed: nothing is proposed that an ingest without
    the entry would not propose, and adding the entry again leaves no candidate waiting."""
    misspelt = row("FL", "Alachua Police Departent", "TFM", "2025-04-01")
    division = row("FL", "Alachua Police Department Patrol Division", "WSO", "2025-03-03")
    department = row("FL", "Alachua Police Department", "WSO", "2025-03-03")
    lists = ([OTHER, misspelt], [OTHER, division], [OTHER, misspelt, department])

    def publish_three(database, folder):
        folder.mkdir()
        publisher = Publisher(database, folder)
        for day, rows in zip(("2025-05-16", "2025-05-29", "2025-06-17"), lists):
            publisher.publish("participating", day, rows)

    write_entry(alias_file, "different", department.agency, misspelt.agency)
    publish_three(db, tmp_path / "lists")
    review.remove_alias(db, actor, "FL", department.agency, misspelt.agency)
    publish_three(fresh_db, tmp_path / "again")
    assert registry_state(db) == registry_state(fresh_db)
    review.add_alias(db, actor, "FL", department.agency, "different", misspelt.agency, "checked again")
    assert registry_state(db)["review"] == []


@pytest.mark.parametrize("relation", ["different", "same"])
def test_a_pair_a_later_list_gives_together_is_not_proposed(db, fresh_db, tmp_path, alias_file, actor, relation):
    """Two names a letter apart, the newer first listed without the older: an ingest proposes them there, and the
    list that gives both withdraws the proposal (two names in one list are two agencies). Judged again when the entry
    is removed, the pair is not proposed either, and the outcome names no candidate."""
    older = row("FL", "Indialantic Police Department", "TFM", "2025-05-13")
    newer = row("FL", "Indiatlantic Police Department", "JEM", "2025-05-20")
    lists = ([OTHER, older], [OTHER, newer], [OTHER, older, newer])

    def publish_three(database, folder):
        folder.mkdir()
        publisher = Publisher(database, folder)
        for day, rows in zip(("2025-05-16", "2025-05-29", "2025-06-17"), lists):
            publisher.publish("participating", day, rows)

    write_entry(alias_file, relation, newer.agency, older.agency)
    publish_three(db, tmp_path / "lists")
    outcome = review.remove_alias(db, actor, "FL", newer.agency, older.agency)
    publish_three(fresh_db, tmp_path / "again")
    assert registry_state(db) == registry_state(fresh_db)
    assert registry_state(db)["review"] == []
    assert outcome.endswith(
        "; the identity rules do not propose the pair: one of ICE's lists gives both names, and the rule relating them"
        " (a spelling difference of one or two letters (not enough on its own)) never joins names one list gives; they stay two agencies"
    ), outcome
    assert "review candidate" not in outcome
