"""A merge made while a list was missing is judged again when that list arrives: the same agencies come out of any
ingest order. With lists A, B and C (in publication order) ingested A, C, B, a name first listed by C was joined to
a name of A by continuity (the same agreement passing between consecutive publications, A and C then); B, ingested
last, may show that in publication order the two never met that way (B lists both names, or neither)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from g287.access import Actor
from g287.db.models.history import IdentityMerge
from g287.exports.ice_workbook import write_ice_workbook
from g287.history import review
from g287.history.identity import SYSTEM
from g287.registry.ingest import ingest_file
from tests.conftest import make_database
from tests.history.builders import row
from tests.history.test_identity_order import identities

TAMPA = row("FL", "Tampa Police Department", "TFM", "2025-04-14")  # lists are never empty
# (state, older name, newer name, agency type, the rule joining them with continuity)
SUFFIX = ("TN", "Tennessee Department of Safety and Homeland Security / THP", "Tennessee Department of Safety and Homeland Security", "State Agency", "suffix")
SPELLING = ("FL", "Indialantic Police Department", "Indiatlantic Police Department", "Municipality", "spelling_with_continuity")
SIMILAR = ("FL", "University of West Florida Board of Trustees", "University of West Florida Police Department", "State Agency", "continuity_similar")


def lists(folder, pair, middle: str) -> dict[str, object]:
    """Three participating lists: A gives the older name, C the newer one with the same agreement, and B (between
    them) both names, neither, or the older name with that agreement, as `middle` says."""
    state, older, newer, kind, _rule = pair
    agreement = ("TFM", "2025-05-13", kind)
    middles = {
        "both names": [TAMPA, row(state, older, *agreement), row(state, newer, "JEM", "2025-05-20", kind)],
        "neither name": [TAMPA],
        "the older name": [TAMPA, row(state, older, *agreement)],
    }
    contents = {
        "A": ("2025-05-16", [TAMPA, row(state, older, *agreement)]),
        "B": ("2025-05-29", middles[middle]),
        "C": ("2025-06-10", [TAMPA, row(state, newer, *agreement)]),
    }
    folder.mkdir()
    paths = {}
    for label, (day, rows) in contents.items():
        date = dt.date.fromisoformat(day)
        paths[label] = folder / f"participatingAgencies{date:%m%d%Y}am.xlsx"
        write_ice_workbook(paths[label], "participating", rows, modified=dt.datetime.combine(date, dt.time(9)))
    return paths


def ingested(db, paths, order: str):
    """Identities (test_identity_order.identities) and merges (rule, actor, undone by, reason) after ingesting the
    lists in `order`."""
    for label in order:
        ingest_file(db, paths[label], Actor.command_line())
    return identities(db), merges(db)


def merges(db) -> list[tuple]:
    with db.session() as session:
        return sorted(tuple(m) for m in session.execute(select(IdentityMerge.rule, IdentityMerge.actor, IdentityMerge.undone_by, IdentityMerge.undone_reason)))


@pytest.mark.parametrize("middle", ["both names", "neither name", "the older name"])
@pytest.mark.parametrize("pair", [SUFFIX, SPELLING], ids=["suffix", "spelling"])
def test_a_list_ingested_late_gives_the_agencies_of_publication_order(db, tmp_path, alias_file, pair, middle):
    state, older, newer, _kind, rule = pair
    paths = lists(tmp_path / "lists", pair, middle)
    late, late_merges = ingested(db, paths, "ACB")
    in_order_db, close = make_database(db.dialect_name, tmp_path / "in order")
    try:
        in_order, in_order_merges = ingested(in_order_db, paths, "ABC")
    finally:
        close()
    assert late == in_order  # the same agencies, agreements and proposals waiting for review
    agencies, _agreements, waiting = in_order
    if middle == "the older name":
        assert frozenset({older, newer}) in agencies
        # In order or not, the one merge stands: B, ingested late, undoes nothing.
        assert in_order_merges == late_merges == [(rule, SYSTEM, None, None)]
        return
    assert {frozenset({older}), frozenset({newer})} <= agencies and in_order_merges == []
    # Two names one letter apart without continuity wait for review, unless one list gives both.
    assert waiting == ({(state, "spelling_only", newer, frozenset({older}))} if pair == SPELLING and middle == "neither name" else set())
    # C joined the names across the gap, A to C; B undid the merge, saying why, as publication order decides.
    [(merged_by, actor, undone_by, reason)] = late_merges
    assert (merged_by, actor, undone_by) == (rule, SYSTEM, SYSTEM)
    said = (
        f"the list of 2025-05-29 am, the first to give {newer!r}, gives {older!r} too" if middle == "both names"
        else f"the list of 2025-06-10 am is the first to give {newer!r}; the list before it (2025-05-29 am) gives none of its agreements under {older!r}"
    )
    assert reason == f"in publication order, with the list of 2025-05-29 am ingested since: {said}"


def test_a_merge_a_reviewer_accepted_stays_when_a_list_arrives_late(db, tmp_path, alias_file, actor):
    """Continuity between names sharing most words waits for review; a reviewer's merge is a person's decision,
    which no list ingested later undoes (only the alias table or the reviewer may)."""
    state, older, newer, _kind, rule = SIMILAR
    paths = lists(tmp_path / "lists", SIMILAR, "neither name")
    ingested(db, paths, "AC")
    with db.session() as session:
        [candidate] = review.candidates(session)
    assert (candidate.rule, candidate.name, candidate.candidate_name) == (rule, newer, older)
    review.decide(db, actor, candidate.id, accept=True, note="one university (test)")
    (agencies, _agreements, _waiting), _merges = ingested(db, paths, "B")
    assert frozenset({older, newer}) in agencies
    assert merges(db) == [("review", actor.label, None, None)]


def first_listing_moved(folder, pair) -> dict[str, object]:
    """A gives the older name with an agreement; B the newer name with it, the older name absent (publication order
    joins them there, by continuity); C both names, the older with another agreement (listed together: never joined
    there). Ingested A, C, B, the newer name is known before B arrives, so B brings no new name."""
    state, older, newer, kind, _rule = pair
    agreement = ("TFM", "2025-05-13", kind)
    contents = {
        "A": ("2025-05-16", [TAMPA, row(state, older, *agreement)]),
        "B": ("2025-05-29", [TAMPA, row(state, newer, *agreement)]),
        "C": ("2025-06-10", [TAMPA, row(state, newer, *agreement), row(state, older, "JEM", "2025-06-02", kind)]),
    }
    folder.mkdir()
    paths = {}
    for label, (day, rows) in contents.items():
        date = dt.date.fromisoformat(day)
        paths[label] = folder / f"participatingAgencies{date:%m%d%Y}am.xlsx"
        write_ice_workbook(paths[label], "participating", rows, modified=dt.datetime.combine(date, dt.time(9)))
    return paths


@pytest.mark.parametrize("order", ["ACB", "CAB", "CBA", "BCA"])
@pytest.mark.parametrize("pair", [SUFFIX, SPELLING], ids=["suffix", "spelling"])
def test_a_late_list_that_first_lists_a_known_name_joins_it_as_publication_order_does(db, tmp_path, alias_file, pair, order):
    """A list ingested late that becomes a name's first listing (the newer name's, or the older one's) judges that
    name again there, as the ingest in publication order would have judged it new."""
    state, older, newer, _kind, rule = pair
    paths = first_listing_moved(tmp_path / "lists", pair)
    late, late_merges = ingested(db, paths, order)
    in_order_db, close = make_database(db.dialect_name, tmp_path / "in order")
    try:
        in_order, in_order_merges = ingested(in_order_db, paths, "ABC")
    finally:
        close()
    assert frozenset({older, newer}) in in_order[0] and in_order_merges == [(rule, SYSTEM, None, None)]
    assert late == in_order
    assert [(merged_by, actor) for merged_by, actor, undone_by, _reason in late_merges if undone_by is None] == [(rule, SYSTEM)]



def test_a_late_list_that_first_lists_a_known_name_keeps_apart_what_the_alias_table_parts(db, tmp_path, alias_file):
    """The alias table decides first, for a name judged again as for a new one (a review's rejection is written there)."""
    state, older, newer, _kind, _rule = SUFFIX
    with alias_file.open("a") as table:
        table.write(f"{state},{newer},different,{older},two agencies (test),2025-06-01\n")
    paths = first_listing_moved(tmp_path / "lists", SUFFIX)
    (agencies, _agreements, waiting), late_merges = ingested(db, paths, "ACB")
    assert {frozenset({older}), frozenset({newer})} <= agencies and waiting == set() and late_merges == []



def test_a_name_judged_again_is_not_proposed_with_an_agency_a_newer_list_gives_beside_it(db, tmp_path, alias_file):
    """Two names one letter apart without continuity are proposed where the newer is first listed, and withdrawn by
    the list that gives both: judged again where a list ingested late first gives it, the pair is not proposed."""
    state, older, newer, kind, _rule = SPELLING
    folder = tmp_path / "lists"
    folder.mkdir()
    contents = {
        "A": ("2025-05-16", [TAMPA, row(state, older, "TFM", "2025-05-13", kind)]),
        "B": ("2025-05-29", [TAMPA, row(state, newer, "JEM", "2025-05-20", kind)]),
        "C": ("2025-06-10", [TAMPA, row(state, older, "TFM", "2025-05-13", kind), row(state, newer, "JEM", "2025-05-20", kind)]),
    }
    paths = {}
    for label, (day, rows) in contents.items():
        date = dt.date.fromisoformat(day)
        paths[label] = folder / f"participatingAgencies{date:%m%d%Y}am.xlsx"
        write_ice_workbook(paths[label], "participating", rows, modified=dt.datetime.combine(date, dt.time(9)))
    late, late_merges = ingested(db, paths, "ACB")
    in_order_db, close = make_database(db.dialect_name, tmp_path / "in order")
    try:
        in_order, in_order_merges = ingested(in_order_db, paths, "ABC")
    finally:
        close()
    assert late == in_order and late_merges == in_order_merges == []
    assert {frozenset({older}), frozenset({newer})} <= late[0] and late[2] == set()


UNRELATED = ("FL", "Melbourne Police Department", "Palm Bay Police Department", "Municipality", "continuity_only")


@pytest.mark.parametrize("middle", ["neither name", "the older name"])
@pytest.mark.parametrize("pair", [SIMILAR, UNRELATED], ids=["similar", "unrelated"])
def test_a_late_list_withdraws_the_proposals_by_continuity_publication_order_does_not_make(db, tmp_path, alias_file, pair, middle):
    """Below the threshold, continuity only proposes: a proposal made across a gap (A to C) is withdrawn when the list
    between them (ingested late) gives neither name, and stays when it gives the older name with the agreement."""
    state, older, newer, _kind, rule = pair
    paths = lists(tmp_path / "lists", pair, middle)
    late, late_merges = ingested(db, paths, "ACB")
    in_order_db, close = make_database(db.dialect_name, tmp_path / "in order")
    try:
        in_order, _in_order_merges = ingested(in_order_db, paths, "ABC")
    finally:
        close()
    assert late == in_order and late_merges == []
    proposed = {(state, rule, newer, frozenset({older}))}
    assert in_order[2] == (proposed if middle == "the older name" else set())


@pytest.mark.parametrize("pair", [SUFFIX, SPELLING], ids=["suffix", "spelling"])
def test_a_late_pending_list_that_first_gives_the_newer_name_undoes_a_merge_by_continuity(db, tmp_path, alias_file, pair):
    """A name the pending list gives before the participating list does is known when the participating list first
    gives it: in publication order it is not new there, and no continuity joins it to the name it replaces."""
    state, older, newer, kind, rule = pair
    folder = tmp_path / "lists"
    folder.mkdir()
    contents = {
        "A": ("participating", "2025-05-16", [TAMPA, row(state, older, "TFM", "2025-05-13", kind)]),
        "P": ("pending", "2025-05-29", [row("FL", "Orlando Police Department", "WSO", None), row(state, newer, "JEM", None, kind)]),
        "C": ("participating", "2025-06-10", [TAMPA, row(state, newer, "TFM", "2025-05-13", kind)]),
    }
    paths = {}
    for label, (kind_of_list, day, rows) in contents.items():
        date = dt.date.fromisoformat(day)
        paths[label] = folder / f"{kind_of_list}Agencies{date:%m%d%Y}am.xlsx"
        write_ice_workbook(paths[label], kind_of_list, rows, modified=dt.datetime.combine(date, dt.time(9)))
    late, late_merges = ingested(db, paths, "ACP")
    in_order_db, close = make_database(db.dialect_name, tmp_path / "in order")
    try:
        in_order, in_order_merges = ingested(in_order_db, paths, "APC")
    finally:
        close()
    assert {frozenset({older}), frozenset({newer})} <= in_order[0] and in_order_merges == []
    assert late == in_order
    said = f"the pending list of 2025-05-29 am gives {newer!r} before the list of 2025-06-10 am, the first participating list to give it"
    assert late_merges == [(rule, SYSTEM, SYSTEM, f"in publication order, with the list of 2025-05-29 am ingested since: {said}")]


def test_a_participating_list_older_than_a_pending_list_held_is_a_late_list(db, tmp_path, alias_file):
    """The newest participating list held, older than a pending list held that gives its new name: in publication
    order the name is new there, and joined by continuity to the name the list before gives."""
    state, older, newer, kind, rule = SUFFIX
    folder = tmp_path / "lists"
    folder.mkdir()
    contents = {
        "A": ("participating", "2025-05-16", [TAMPA, row(state, older, "TFM", "2025-05-13", kind)]),
        "B": ("participating", "2025-05-29", [TAMPA, row(state, newer, "TFM", "2025-05-13", kind)]),
        "P": ("pending", "2025-06-10", [row(state, newer, "JEM", None, kind)]),
    }
    paths = {}
    for label, (kind_of_list, day, rows) in contents.items():
        date = dt.date.fromisoformat(day)
        paths[label] = folder / f"{kind_of_list}Agencies{date:%m%d%Y}am.xlsx"
        write_ice_workbook(paths[label], kind_of_list, rows, modified=dt.datetime.combine(date, dt.time(9)))
    late, late_merges = ingested(db, paths, "PAB")
    in_order_db, close = make_database(db.dialect_name, tmp_path / "in order")
    try:
        in_order, in_order_merges = ingested(in_order_db, paths, "ABP")
    finally:
        close()
    assert frozenset({older, newer}) in in_order[0] and in_order_merges == [(rule, SYSTEM, None, None)]
    assert late == in_order and late_merges == in_order_merges


def three_lists(folder, contents: dict[str, tuple[str, list]]) -> dict[str, object]:
    """Participating lists, each written in ICE's layout: label -> (day, rows)."""
    folder.mkdir()
    paths = {}
    for label, (day, rows) in contents.items():
        date = dt.date.fromisoformat(day)
        paths[label] = folder / f"participatingAgencies{date:%m%d%Y}am.xlsx"
        write_ice_workbook(paths[label], "participating", rows, modified=dt.datetime.combine(date, dt.time(9)))
    return paths


@pytest.mark.parametrize("order", ["ACB", "CAB"])
@pytest.mark.parametrize("first_given_by", ["A", "C"])
@pytest.mark.parametrize("pair", [SUFFIX, SPELLING], ids=["suffix", "spelling"])
def test_a_new_name_of_a_late_list_is_joined_backwards_only_to_a_name_the_next_list_first_gives(db, tmp_path, alias_file, pair, first_given_by, order):
    """A name new in a list ingested late (B) is compared with the next list (C, continuity backwards) only where C
    is the first list to give the other name: publication order compares a name with the list before it when the
    name is new, and C's name, given since A, is not new there. So B's name joins C's by continuity when C first gives
    it, and stays apart from it when A does (spelled alike without continuity, the two wait for review)."""
    state, new_in_b, other, kind, rule = pair  # compare(other, new_in_b) is the pair's rule, with continuity
    paths = three_lists(tmp_path / "lists", {
        "A": ("2025-05-16", [TAMPA, row(state, other, "TFM", "2025-04-02", kind)] if first_given_by == "A" else [TAMPA]),
        "B": ("2025-05-29", [TAMPA, row(state, new_in_b, "JEM", "2025-05-20", kind)]),
        "C": ("2025-06-10", [TAMPA, row(state, other, "JEM", "2025-05-20", kind)]),
    })
    late, late_merges = ingested(db, paths, order)
    in_order_db, close = make_database(db.dialect_name, tmp_path / "in order")
    try:
        in_order, in_order_merges = ingested(in_order_db, paths, "ABC")
    finally:
        close()
    assert late == in_order and late_merges == in_order_merges
    if first_given_by == "C":
        assert frozenset({new_in_b, other}) in in_order[0] and in_order_merges == [(rule, SYSTEM, None, None)] and in_order[2] == set()
        return
    assert {frozenset({new_in_b}), frozenset({other})} <= in_order[0] and in_order_merges == []
    assert in_order[2] == ({(state, "spelling_only", new_in_b, frozenset({other}))} if pair == SPELLING else set())


@pytest.mark.parametrize("order", ["ACDB", "ADCB"])
@pytest.mark.parametrize("pair", [SUFFIX, SPELLING], ids=["suffix", "spelling"])
def test_a_pair_judged_again_after_a_late_list_is_not_proposed_when_a_newer_list_gives_both(db, tmp_path, alias_file, pair, order):
    """B, ingested late, undoes the merge by continuity across the gap A to C; judged again without continuity, two
    names one letter apart would be proposed for review where C first gives the newer one, but D gives both: in
    publication order D withdrew that proposal, so none waits."""
    state, older, newer, kind, rule = pair
    paths = three_lists(tmp_path / "lists", {
        "A": ("2025-05-16", [TAMPA, row(state, older, "TFM", "2025-05-13", kind)]),
        "B": ("2025-05-29", [TAMPA]),
        "C": ("2025-06-10", [TAMPA, row(state, newer, "TFM", "2025-05-13", kind)]),
        "D": ("2025-06-20", [TAMPA, row(state, newer, "TFM", "2025-05-13", kind), row(state, older, "JEM", "2025-06-02", kind)]),
    })
    late, late_merges = ingested(db, paths, order)
    in_order_db, close = make_database(db.dialect_name, tmp_path / "in order")
    try:
        in_order, in_order_merges = ingested(in_order_db, paths, "ABCD")
    finally:
        close()
    assert {frozenset({older}), frozenset({newer})} <= in_order[0] and in_order[2] == set() and in_order_merges == []
    assert late == in_order
    assert [(merged_by, undone_by) for merged_by, _actor, undone_by, _reason in late_merges] == [(rule, SYSTEM)]
