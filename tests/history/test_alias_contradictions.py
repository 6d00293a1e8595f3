"""The alias table never contradicts itself by `g287 alias add`: an entry that would part names other entries join
(or join names another entry parts) is refused, naming those entries; and `g287 alias` flags the contradictions a
hand-edited table holds, in its text and JSON."""

from __future__ import annotations

import json

import pytest

from g287.errors import G287Error
from g287.history import aliases, review
from g287.registry.names import agency_key
from tests.history.builders import Publisher, row
from tests.history.test_identity import agency_of, live_agencies, merges, pending_candidates
from tests.history.test_review_fixes import audit_actions
from tests.in_process import run_g287

HEADER = "# reviewed aliases (test)\nstate,name,relation,other_name,reason,reviewed\n"
N, X, Y = "Ocala Police Department", "Ocala PD", "Ocala City Police"
TYPO, RIGHT = "Alachua Police Departent", "Alachua Police Department"


def write_table(alias_file, *entries):
    alias_file.write_text(HEADER + "".join(f"FL,{a},{relation},{b},test,2025-05-01\n" for a, relation, b in entries))


@pytest.fixture
def pub(db, tmp_path, alias_file):
    return Publisher(db, tmp_path)


@pytest.mark.parametrize(
    "table, entry, contradicted",
    [
        # X and Y are one agency through N: they cannot be two.
        ([(N, "same", X), (N, "same", Y)], (X, "different", Y), [f"FL '{N}' same '{X}'", f"FL '{N}' same '{Y}'"]),
        # The same pair, the other relation (in either order of its names).
        ([(N, "different", X)], (X, "same", N), [f"FL '{N}' different '{X}'"]),
        # Joining N to Y would make X and Y, which the table parts, one agency.
        ([(N, "same", X), (X, "different", Y)], (N, "same", Y), [f"FL '{X}' different '{Y}'", f"FL '{N}' same '{X}'"]),
    ],
)
def test_an_entry_that_contradicts_the_table_is_refused_and_changes_nothing(db, pub, actor, alias_file, table, entry, contradicted):
    write_table(alias_file, *table)
    pub.publish("participating", "2025-05-16", [row("FL", N, "TFM"), row("FL", X, "WSO"), row("FL", Y, "JEM")])
    before = (alias_file.read_bytes(), len(live_agencies(db, "FL")), merges(db))
    name, relation, other = entry
    with pytest.raises(G287Error) as refused:
        review.add_alias(db, actor, "FL", name, relation, other, "a reason")
    assert str(refused.value) == (
        f"FL '{name}' {relation} '{other}' contradicts the alias table, which says {'; '.join(contradicted)}"
        " (remove the one that is wrong first: g287 alias remove STATE NAME OTHER_NAME); nothing was recorded"
    )
    assert (alias_file.read_bytes(), len(live_agencies(db, "FL")), merges(db)) == before
    assert audit_actions(db, "identity.alias") == []


def test_a_different_entry_replaces_the_same_entry_of_its_pair(db, pub, actor, alias_file):
    """`g287 alias add ... different` is how a merge the table (or a review) made is undone: the pair's `same` entry
    gives way to it, unless other entries still join the two names."""
    write_table(alias_file, (N, "same", X))
    pub.publish("participating", "2025-05-16", [row("FL", N, "TFM"), row("FL", X, "WSO")])
    assert len(live_agencies(db, "FL")) == 1
    review.add_alias(db, actor, "FL", X, "different", N, "two agencies after all")
    assert [(e.name, e.relation, e.other_name) for e in aliases.load().entries] == [(X, "different", N)]
    assert len(live_agencies(db, "FL")) == 2
    write_table(alias_file, (N, "same", X), (N, "same", Y), (X, "same", Y))
    with pytest.raises(G287Error, match=f"which says FL '{N}' same '{X}'; FL '{N}' same '{Y}' "):
        review.add_alias(db, actor, "FL", X, "different", Y, "two agencies")


def test_an_entry_recorded_again_or_beside_unrelated_ones_is_not_a_contradiction(alias_file):
    write_table(alias_file, (N, "same", X), (X, "different", Y))
    table = aliases.load()
    assert table.contradictions() == []
    assert table.contradicted_by(aliases.Alias("FL", X, "same", N, "checked again", "2025-06-01")) == []
    assert table.contradicted_by(aliases.Alias("FL", N, "different", "Ocala Sheriff", "two agencies", "2025-06-01")) == []
    # Another state's entries say nothing of Florida's names.
    assert table.contradicted_by(aliases.Alias("GA", N, "different", X, "two agencies", "2025-06-01")) == []


def test_the_command_refuses_a_contradiction_in_one_line(db, alias_file):
    write_table(alias_file, (N, "same", X), (N, "same", Y))
    before = alias_file.read_bytes()
    status, out, err = run_g287(db.url, "alias", "add", "FL", X, "different", Y, "--reason", "two agencies")
    assert status == 1 and out == ""
    assert err.strip().count("\n") == 0 and f"contradicts the alias table, which says FL '{N}' same '{X}'; FL '{N}' same '{Y}'" in err
    assert alias_file.read_bytes() == before


def test_the_listing_flags_the_contradictions_of_a_hand_edited_table(db, alias_file):
    write_table(alias_file, (X, "different", Y), (N, "same", X), (N, "same", Y), ("Tampa PD", "same", "Tampa Police Department"))
    status, out, err = run_g287(db.url, "alias")
    assert status == 0, err
    assert out.splitlines()[-2:] == [
        "1 contradiction (entries that cannot all be true: remove or correct the one that is wrong):",
        f"  FL '{X}' different '{Y}', but FL '{N}' same '{X}'; FL '{N}' same '{Y}'",
    ]
    status, out, err = run_g287(db.url, "alias", "--json")
    assert status == 0, err
    listed = json.loads(out)
    # Still the list of entries, each with the contradictions it is part of (the other entries of each).
    assert [(e["name"], e["relation"], e["other_name"], e["reason"]) for e in listed] == [
        (X, "different", Y, "test"), (N, "same", X, "test"), (N, "same", Y, "test"), ("Tampa PD", "same", "Tampa Police Department", "test"),
    ]

    def entry(a, relation, b):
        return {"state": "FL", "name": a, "relation": relation, "other_name": b}

    assert [e["contradictions"] for e in listed] == [
        [[entry(N, "same", X), entry(N, "same", Y)]],
        [[entry(X, "different", Y), entry(N, "same", Y)]],
        [[entry(X, "different", Y), entry(N, "same", X)]],
        [],
    ]


def test_a_table_without_contradictions_lists_none(db, alias_file):
    write_table(alias_file, (N, "same", X))
    status, out, _err = run_g287(db.url, "alias")
    assert status == 0 and "contradiction" not in out


@pytest.fixture
def waiting(db, pub):
    """Two spellings a letter apart, with different signed dates: a candidate (the newer name, RIGHT, and TYPO's
    agency) waiting for review."""
    pub.publish("participating", "2025-05-16", [row("FL", TYPO, "TFM", "2025-04-01")])
    pub.publish("participating", "2025-05-29", [row("FL", RIGHT, "TFM", "2025-04-02")])
    [candidate] = pending_candidates(db)
    return candidate.id


@pytest.mark.parametrize(
    "table, accept, contradicted",
    [
        # Accepting would join TYPO to Z through RIGHT, which the table parts from TYPO.
        ([(TYPO, "different", "Z Police"), ("Z Police", "same", RIGHT)], True, [f"FL '{TYPO}' different 'Z Police'", f"FL 'Z Police' same '{RIGHT}'"]),
        # Accepting would join RIGHT to Z through TYPO, which the table parts from RIGHT (the pair's own entry, which
        # the decision replaces, is no contradiction).
        ([(TYPO, "same", "Z Police"), ("Z Police", "different", RIGHT), (RIGHT, "different", TYPO)], True, [f"FL 'Z Police' different '{RIGHT}'", f"FL '{TYPO}' same 'Z Police'"]),
        # Rejecting would part two names the table joins through Z.
        ([("Z Police", "same", TYPO), ("Z Police", "same", RIGHT)], False, [f"FL 'Z Police' same '{RIGHT}'", f"FL 'Z Police' same '{TYPO}'"]),
    ],
)
def test_a_review_decision_that_contradicts_the_table_is_refused_and_changes_nothing(db, actor, alias_file, waiting, table, accept, contradicted):
    write_table(alias_file, *table)
    before = (alias_file.read_bytes(), len(live_agencies(db, "FL")), merges(db), [c.status for c in pending_candidates(db)])
    with pytest.raises(G287Error) as refused:
        review.decide(db, actor, waiting, accept=accept)
    assert str(refused.value) == (
        f"FL '{RIGHT}' {'same' if accept else 'different'} '{TYPO}' contradicts the alias table, which says {'; '.join(contradicted)}"
        " (remove the one that is wrong first: g287 alias remove STATE NAME OTHER_NAME); nothing was recorded"
    )
    assert (alias_file.read_bytes(), len(live_agencies(db, "FL")), merges(db), [c.status for c in pending_candidates(db)]) == before
    assert audit_actions(db, "identity.review") == []


def test_a_review_reject_replaces_the_same_entry_of_its_pair(db, actor, alias_file, waiting):
    # A hand-edited `same` entry the database has not applied (the two are still two agencies): reject replaces it.
    write_table(alias_file, (RIGHT, "same", TYPO))
    review.decide(db, actor, waiting, accept=False)
    assert [(e.name, e.relation, e.other_name) for e in aliases.load().entries] == [(RIGHT, "different", TYPO)]


def test_identity_follows_chains_of_entries_as_the_contradictions_do(db, pub, alias_file):
    """`A same B` and `B same C` make A and C one agency when B is never listed: the notion of the listing's
    contradictions (a chain through other names), not only direct pairs."""
    hialeah, daytona = "Hialeah Police Department", "Daytona Beach Shores Police Department"
    write_table(alias_file, (hialeah, "same", "Hialeah PD"), ("Hialeah PD", "same", daytona))
    assert aliases.load().contradictions() == [] and aliases.load().same_as("FL", daytona) == {agency_key(hialeah), agency_key("Hialeah PD")}
    pub.publish("participating", "2025-05-16", [row("FL", hialeah, "WSO", "2025-03-01")])
    pub.publish("participating", "2025-05-29", [row("FL", daytona, "WSO", "2025-03-01")])
    assert agency_of(db, "FL", hialeah) == agency_of(db, "FL", daytona)
    assert merges(db) == [("alias", 1.0)]


def test_a_different_entry_between_two_spellings_of_one_name_is_flagged_and_refused(db, alias_file):
    """Names of one key are one name, which identity joins whatever the table says: a hand-edited entry parting them
    cannot be true."""
    write_table(alias_file, (X, "different", "OCALA PD"), (N, "same", Y))
    status, out, err = run_g287(db.url, "alias")
    assert status == 0, err
    assert out.splitlines()[-2:] == [
        "1 contradiction (entries that cannot all be true: remove or correct the one that is wrong):",
        f"  FL '{X}' different 'OCALA PD', but the two names are one name up to case, spacing and punctuation",
    ]
    status, out, err = run_g287(db.url, "alias", "--json")
    assert status == 0, err
    assert [e["contradictions"] for e in json.loads(out)] == [[[]], []]  # one contradiction, of no other entry
    before = alias_file.read_bytes()
    status, out, err = run_g287(db.url, "alias", "add", "FL", "Ocala PD", "different", "ocala pd", "--reason", "two agencies")
    assert status == 1 and out == "" and err.strip().count("\n") == 0 and "one name" in err
    assert alias_file.read_bytes() == before


def test_an_entry_contradicting_one_added_while_it_waited_for_its_turn_is_refused(db, actor, alias_file):
    """`alias add` checked the table before its turn (the registry's, which another decision held): an entry that
    decision added meanwhile was contradicted, and the table written contradicted itself."""
    import threading

    from sqlalchemy import event

    from g287.registry.ingest import registry_change

    outcome: list[str] = []
    waiting = threading.Event()

    def add() -> None:
        try:
            outcome.append(review.add_alias(db, actor, "FL", X, "different", Y, "two agencies"))
        except G287Error as refused:
            outcome.append(str(refused))

    adder = threading.Thread(target=add)

    def connects(_connection) -> None:
        if threading.current_thread() is adder:  # its transaction is about to begin: it asks for its turn next
            waiting.set()

    event.listen(db.engine, "engine_connect", connects)  # before the transaction begins (SQLite's BEGIN IMMEDIATE waits)
    try:
        with registry_change(db):  # the other decision, in its turn: it joins X and Y through N
            adder.start()
            assert waiting.wait(60)
            write_table(alias_file, (N, "same", X), (N, "same", Y))
        adder.join(60)
    finally:
        event.remove(db.engine, "engine_connect", connects)
    assert outcome == [
        f"FL '{X}' different '{Y}' contradicts the alias table, which says FL '{N}' same '{X}'; FL '{N}' same '{Y}'"
        " (remove the one that is wrong first: g287 alias remove STATE NAME OTHER_NAME); nothing was recorded"
    ]
    assert aliases.load().contradictions() == []
    assert audit_actions(db, "identity.alias") == []
