"""Review decisions and the alias table agree with the database: an alias settles the review candidates of its
pair, a reject never leaves merged names marked "different", removing an entry undoes the merge a review made,
and the table's errors name the line a person sees."""

import pytest
from sqlalchemy import select

from g287.db.models.history import IdentityCandidate
from g287.db.models.registry import Agency, AgencyName
from g287.errors import G287Error
from g287.history import aliases, review
from g287.history.identity import merge
from g287.history.names import Match
from tests.history.builders import Publisher, row

TYPO, RIGHT = "Alachua Police Departent", "Alachua Police Department"


@pytest.fixture
def candidate(db, tmp_path, alias_file) -> int:
    """Two spellings a letter apart, with different signed dates: a candidate waiting for review."""
    pub = Publisher(db, tmp_path)
    pub.publish("participating", "2025-05-16", [row("FL", TYPO, "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-29", [row("FL", RIGHT, "TFM", "2025-04-02")])
    [waiting] = pending(db)
    return waiting.id


def pending(db):
    with db.session() as session:
        return review.candidates(session)


def status_of(db, candidate_id):
    with db.session() as session:
        return session.scalar(select(IdentityCandidate.status).where(IdentityCandidate.id == candidate_id))


def one_agency(db) -> bool:
    with db.session() as session:
        ids = {n: a for n, a in session.execute(select(AgencyName.name, AgencyName.agency_id))}
        live = session.scalars(select(Agency.id).where(Agency.merged_into_id.is_(None))).all()
    return ids[TYPO] == ids[RIGHT] and len(live) == 1


def relations(alias_file):
    """The table's entries as (relation, the two names in any order)."""
    return [(e.relation, {e.name, e.other_name}) for e in aliases.load().entries]


def audit_actions(db, action):
    with db.engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT object_id, after FROM audit_events WHERE action = '{action}'").all()


def test_alias_same_settles_the_pending_candidate_of_its_pair(db, candidate, alias_file, actor):
    outcome = review.add_alias(db, actor, "FL", TYPO, "same", RIGHT, "typo in the list of 16 May")
    assert "candidate" in outcome and "settled" in outcome
    assert one_agency(db)
    assert status_of(db, candidate) == "accepted" and pending(db) == []
    assert [object_id for object_id, _after in audit_actions(db, "identity.review")] == [str(candidate)]
    # The reject the reviewer reproduced: refused (it was decided by the table), nothing changes.
    with pytest.raises(G287Error, match="already accepted"):
        review.decide(db, actor, candidate, accept=False)
    assert relations(alias_file) == [("same", {TYPO, RIGHT})]
    assert one_agency(db)


def test_alias_different_settles_the_candidate_as_rejected(db, candidate, alias_file, actor):
    review.add_alias(db, actor, "FL", RIGHT, "different", TYPO, "two departments")
    assert status_of(db, candidate) == "rejected" and not one_agency(db)
    with pytest.raises(G287Error, match="already rejected"):
        review.decide(db, actor, candidate, accept=True)
    assert relations(alias_file) == [("different", {TYPO, RIGHT})] and not one_agency(db)


def test_reject_of_a_pair_merged_since_the_proposal_is_refused(db, candidate, alias_file, actor):
    # Merged by another way than the table (as an identity rule does at ingest): the candidate is still pending.
    with db.session(writing=True) as session:
        ids = dict(session.execute(select(AgencyName.name, AgencyName.agency_id)).all())
        merge(session.connection(), ids[TYPO], ids[RIGHT], Match("spelling", 0.95), {}, "test", None)
    before = alias_file.read_bytes()
    with pytest.raises(G287Error, match=f"candidate {candidate}: .* are already one agency.*g287 alias add FL .* different"):
        review.decide(db, actor, candidate, accept=False)
    assert alias_file.read_bytes() == before  # no "different" entry for names the database keeps merged
    assert status_of(db, candidate) == "pending" and one_agency(db)


def test_alias_remove_undoes_the_merge_a_review_accept_made(db, candidate, alias_file, actor):
    review.decide(db, actor, candidate, accept=True, note="typo")
    assert one_agency(db) and relations(alias_file) == [("same", {TYPO, RIGHT})]
    outcome = review.remove_alias(db, actor, "FL", RIGHT, TYPO)
    assert "undone" in outcome
    assert not one_agency(db)  # was: still merged, while the table no longer says so
    assert relations(alias_file) == []
    # The decision is withdrawn with the entry: the candidate waits for review again, and can be decided again.
    assert status_of(db, candidate) == "pending"
    assert [object_id for object_id, _after in audit_actions(db, "identity.review.reopen")] == [str(candidate)]
    review.decide(db, actor, candidate, accept=True)
    assert one_agency(db)


def test_accept_names_the_two_names_it_joined(db, candidate, alias_file):
    # After the merge the candidate agency carries the newest name (RIGHT): read after it, both names were RIGHT.
    from click.testing import CliRunner

    from g287.cli import cli

    result = CliRunner().invoke(cli, ["--database", db.url, "review", "accept", str(candidate)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"accepted: '{RIGHT}' is '{TYPO}'"
    assert one_agency(db)


def test_alias_remove_keeps_a_merge_the_identity_rules_made(db, tmp_path, alias_file, actor):
    pub = Publisher(db, tmp_path)
    pub.publish("participating", "2025-05-16", [row("FL", "City of Melbourne Police Department", "TFM")])
    pub.publish("participating", "2025-05-29", [row("FL", "Melbourne Police Department", "TFM")])
    review.add_alias(db, actor, "FL", "Melbourne Police Department", "same", "City of Melbourne Police Department", "checked")
    assert review.remove_alias(db, actor, "FL", "Melbourne Police Department", "City of Melbourne Police Department") == "removed"
    with db.session() as session:
        assert len(session.scalars(select(Agency.id).where(Agency.merged_into_id.is_(None))).all()) == 1


def test_an_alias_error_names_the_line_of_the_file(alias_file):
    alias_file.write_text(
        "# reviewed aliases\n# second comment\nstate,name,relation,other_name,reason,reviewed\n"
        "TX,Foo Police Department,same,Bar Police Department,x,2025-01-01\n"
        "# a comment between entries\n"
        "TX,Baz PD,Same,Qux PD,x,2025-01-01\n"
    )
    with pytest.raises(G287Error, match=r"aliases.csv: line 6: expected"):  # was: line 3 (comments not counted)
        aliases.load()


def test_an_alias_table_with_a_byte_order_mark_is_read_and_kept(db, tmp_path, alias_file, actor):
    alias_file.write_bytes(
        "\ufeff# reviewed aliases\nstate,name,relation,other_name,reason,reviewed\nTX,Foo Police Department,same,Bar Police Department,x,2025-01-01\n".encode("utf-8")
    )
    assert relations(alias_file) == [("same", {"Foo Police Department", "Bar Police Department"})]
    review.add_alias(db, actor, "TX", "Baz Police Department", "different", "Qux Police Department", "checked")
    text = alias_file.read_text(encoding="utf-8-sig")
    assert text.startswith("# reviewed aliases\n")  # the comment header survives the rewrite
    assert len(aliases.load().entries) == 2


# A name holding an apostrophe: Python's repr quoted it with the quote it did not hold ("O'Brien's ...") beside 'X'.
OBRIEN_TYPO, OBRIEN = "O'Brien's Police Departent", "O'Brien's Police Department"


@pytest.fixture
def obrien(db, tmp_path, alias_file) -> int:
    """The candidate fixture's pair, of names holding an apostrophe."""
    pub = Publisher(db, tmp_path)
    pub.publish("participating", "2025-05-16", [row("FL", OBRIEN_TYPO, "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-29", [row("FL", OBRIEN, "TFM", "2025-04-02")])
    [waiting] = pending(db)
    return waiting.id


def test_review_and_alias_quote_a_name_holding_an_apostrophe_as_any_other(db, obrien, alias_file):
    from tests.in_process import run_g287

    said = []

    def run(*arguments):
        status, out, err = run_g287(db.url, *arguments)
        said.append(out + err)
        return status, out, err

    status, out, _err = run("review")
    assert status == 0 and out.startswith(f"{obrien}: FL  'O'Brien's Police Department'  ~  'O'Brien's Police Departent'  ("), out
    status, out, _err = run("review", "accept", str(obrien))
    assert (status, out) == (0, "accepted: 'O'Brien's Police Department' is 'O'Brien's Police Departent'\n")
    status, _out, err = run("alias", "add", "FL", "O'Brien's PD", "same", OBRIEN, "--reason", "one department")
    assert status == 0, err
    status, out, _err = run("alias")
    assert "  FL  'O'Brien's PD' same 'O'Brien's Police Department'  — one department (" in out, out
    status, _out, err = run("alias", "add", "FL", "O'Brien's PD", "different", OBRIEN_TYPO, "--reason", "two departments")
    assert status == 1 and err.startswith(
        "g287: error: FL 'O'Brien's PD' different 'O'Brien's Police Departent' contradicts the alias table, which says "
        "FL 'O'Brien's PD' same 'O'Brien's Police Department'; FL 'O'Brien's Police Department' same 'O'Brien's Police Departent' ("
    ), err
    status, _out, err = run("alias", "remove", "FL", "O'Brien's PD", "O'Brien's Sheriff's Office")
    assert status == 1 and "no alias between 'O'Brien's PD' and 'O'Brien's Sheriff's Office' in FL" in err, err
    assert not any('"' in text for text in said)


def test_a_refused_reject_names_the_pair_as_any_other_and_its_command_can_be_pasted(db, obrien, alias_file, actor):
    import shlex

    with db.session(writing=True) as session:
        ids = dict(session.execute(select(AgencyName.name, AgencyName.agency_id)).all())
        merge(session.connection(), ids[OBRIEN_TYPO], ids[OBRIEN], Match("spelling", 0.95), {}, "test", None)
    with pytest.raises(G287Error) as refused:
        review.decide(db, actor, obrien, accept=False)
    said, command = str(refused.value).split("; to separate them: ")
    assert said == f"candidate {obrien}: 'O'Brien's Police Department' and 'O'Brien's Police Departent' are already one agency (merged since this candidate was proposed)"
    # Quoted for the shell: the names reach the command whatever quotes they hold.
    assert shlex.split(command) == ["g287", "alias", "add", "FL", OBRIEN, "different", OBRIEN_TYPO, "--reason", "TEXT"]
