"""Removing an alias entry leaves the database as an ingest without it would: the merge it made is undone with
nothing of the survivor left on the separated agency, and the pair the lists relate waits for review again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from g287.db.models.registry import Agency, Agreement
from g287.errors import G287Error
from g287.history import review
from g287.history.lifecycle import lifecycles
from g287.registry.batch import expand_paths, ingest_many
from tests.conftest import ICE



def _arkansas(db) -> dict:
    with db.session() as session:
        found = {}
        for agency in session.scalars(select(Agency).where(Agency.state_usps == "AR", Agency.merged_into_id.is_(None), Agency.name.like("Arkansas State Police%"))):
            agreements = session.scalars(select(Agreement).where(Agreement.agency_id == agency.id, Agreement.merged_into_id.is_(None))).all()
            found[agency.name] = {a.model: a.signed_on for a in agreements}
        lives = {life.name: life.signed_on for life in lifecycles(session).values() if life.state == "AR" and (life.name or "").startswith("Arkansas State Police")}
    return {"agreements": found, "lifecycles": lives}


def test_removing_the_arkansas_alias_separates_the_agencies_and_proposes_the_pair_again(db, actor, table):
    ingest_many(db, expand_paths([str(ICE / "participating"), str(ICE / "pending")]), actor)
    with db.session() as session:
        assert review.candidates(session) == []  # the table joined the pair: nothing to review
    outcome = review.remove_alias(db, actor, "AR", "Arkansas State Police", "Arkansas State Police Department")
    assert outcome.startswith("removed; the merge it made was undone; the lists (agreements passing across a pending departure) propose review candidate"), outcome
    with db.session() as session:
        waiting = [(c.state, c.name, c.candidate_name, c.rule) for c in review.candidates(session)]
    assert waiting == [("AR", "Arkansas State Police Department", "Arkansas State Police", "pending_suffix")]
    state = _arkansas(db)
    # The pending agreement was the survivor's while they were one: its signed date (2025-07-07) stayed behind.
    assert state["agreements"]["Arkansas State Police"] == {"TFM": None}
    assert state["agreements"]["Arkansas State Police Department"]["TFM"] is not None
    assert state["lifecycles"]["Arkansas State Police"] is None


def test_a_blank_name_never_reaches_the_alias_table(db, actor, table):
    before = table.read_bytes()
    for name, other in (("", "Arkansas State Police"), ("Arkansas State Police", "   ")):
        with pytest.raises(G287Error, match="NAME is empty"):
            review.add_alias(db, actor, "AR", name, "same", other, "a reason")
    assert table.read_bytes() == before
    with db.session() as session:
        assert review.candidates(session) == []


def test_removing_an_alias_names_a_state_as_adding_one_does(db, actor, table):
    # remove answered "no alias between '' and '' in " for an empty state, where add refuses it by name.
    before = table.read_bytes()
    for state in ("", "ZZ"):
        with pytest.raises(G287Error) as refused:
            review.remove_alias(db, actor, state, "Arkansas State Police", "Arkansas State Police Department")
        assert "state" in str(refused.value) and "no alias" not in str(refused.value)
    assert table.read_bytes() == before


def test_an_entry_removed_while_the_removal_waited_for_its_turn_is_not_removed_again(db, actor, table):
    """`alias remove` read the table before its turn (the registry's, which another decision held): an entry that
    decision removed meanwhile was "removed" again, and the entry it added was lost when the table read before was
    written back."""
    import threading

    from sqlalchemy import event

    from g287.history import aliases
    from g287.registry.ingest import registry_change

    pair = ("AR", "Arkansas State Police", "Arkansas State Police Department")
    added = aliases.Alias("TX", "Lavaca County Sheriff's Office", "different", "Lavaca County Constable", "reviewed by hand", "2025-07-01")
    outcome: list[str] = []
    waiting = threading.Event()

    def remove() -> None:
        try:
            outcome.append(review.remove_alias(db, actor, *pair))
        except G287Error as refused:
            outcome.append(str(refused))

    remover = threading.Thread(target=remove)

    def connects(_connection) -> None:
        if threading.current_thread() is remover:  # its transaction is about to begin: it asks for its turn next
            waiting.set()

    event.listen(db.engine, "engine_connect", connects)  # before the transaction begins (SQLite's BEGIN IMMEDIATE waits)
    try:
        with registry_change(db):  # the other decision, in its turn
            remover.start()
            assert waiting.wait(60)
            other = aliases.load()
            other.entries = [e for e in other.entries if (e.state, e.name, e.other_name) != pair] + [added]
            aliases.save(other)
        remover.join(60)
    finally:
        event.remove(db.engine, "engine_connect", connects)
    assert outcome == ["no alias between 'Arkansas State Police' and 'Arkansas State Police Department' in AR"]
    assert added in aliases.load().entries
