"""ICE's figures for every date, against an oracle that reads the bundled workbooks itself (tests/registry/ice_oracle.py:
openpyxl, the data README's counting rule, nothing of g287's reading): `g287 stats --as-of DAY --json` for every day
from the day before the first publication to a week after the last, and `g287 diff` between each two consecutive
participating lists against a naive set difference of their (state, agency name, model) rows, every difference
explained by the identity rules the README gives."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from g287.history.names import RULE_TEXT
from tests.conftest import ICE
from tests.in_process import run_g287
from tests.registry.ice_oracle import Publication, agency, aliased, edit_distance, in_force, name_key, read

DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def oracle() -> list[Publication]:
    """Every bundled publication as the oracle reads it, each file read once, in publication order."""
    publications = sorted((read(path) for path in sorted(ICE.glob("*/*.xlsx"))), key=lambda p: (p.kind, p.moment))
    # The one date and half ICE published twice (07032025pm and its __v2) is ordered by the workbooks' metadata,
    # which differ: the oracle needs no ingest order.
    moments = [(p.kind, p.moment) for p in publications]
    assert len(set(moments)) == len(moments)
    return publications


def test_the_oracle_gives_the_figures_ice_published_for_29_may_2025(oracle):
    """The anchor: the list of 29 May 2025 has 635 MOAs in 40 states (JEM 100, TFM 307, WSO 228), as public
    statements said at the time; so the oracle's counting rule is ICE's."""
    listed = in_force(oracle, "participating", dt.date(2025, 5, 29))
    figures = listed.figures()
    assert listed.file == "participatingAgencies05292025am.xlsx"
    assert (figures["moas"], figures["states"], figures["by_model"]) == (635, 40, {"JEM": 100, "TFM": 307, "WSO": 228})
    assert sum(figures["by_agency_type"].values()) == 635 and "unknown" not in figures["by_agency_type"]


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {key: n for key, n in counts.items() if n}


def _stats_problems(day: dt.date, kind: str, expected: Publication | None, got: dict | None) -> list[str]:
    if expected is None or got is None:
        return [] if expected is got else [f"{day} {kind}: expected {expected and expected.file}, g287 gives {got and got['publication']}"]
    said = (got["publication"], got["published"], got["half"])
    if said != (expected.file, expected.published.isoformat(), expected.half):
        return [f"{day} {kind}: expected {expected.file}, g287 gives {said}"]
    figures = expected.figures()
    count = "moas" if kind == "participating" else "listings"
    given = {count: got[count], "states": got["states"], "agencies": got["agencies"], "by_model": _nonzero(got["by_model"])}
    if kind == "participating":
        given["by_agency_type"] = _nonzero(got["by_agency_type"])
        figures["unknown_state"], given["unknown_state"] = sum(1 for r in expected.rows if r.state is None), got["unknown_state"]
        figures["unknown_agency"], given["unknown_agency"] = sum(1 for r in expected.rows if not r.name), got["unknown_agency"]
    return [f"{day} {kind} ({expected.file}) {key}: expected {figures[key]}, g287 gives {given[key]}" for key in figures if figures[key] != given[key]]


def test_every_day_g287_stats_gives_the_oracles_figures(bundled_db, oracle):
    """For each calendar day, the lists in force (the latest published on or before it, pm after am, the same list
    published twice by its workbook's modification time) and their figures: MOAs or listings, states, agencies, by
    model, and by agency type (the TYPE column: County, Municipality, State Agency)."""
    first, last = min(p.published for p in oracle), max(p.published for p in oracle)
    problems, day, days = [], first - DAY, 0
    while day <= last + 7 * DAY:
        status, out, err = run_g287(bundled_db.url, "stats", "--as-of", day.isoformat(), "--json")
        assert status == 0, err
        got = json.loads(out)
        for kind in ("participating", "pending"):
            problems += _stats_problems(day, kind, in_force(oracle, kind, day), got[kind])
        day, days = day + DAY, days + 1
    assert problems == []
    assert days == (last - first).days + 9


_RULES = {text: rule for rule, text in RULE_TEXT.items()}


def _rename_problems(item: dict, older: Publication, newer: Publication) -> list[str]:
    """A rename holds when the older list gives the old name and the newer the new one, and the rule g287 names
    holds of the two names, checked here on its own: the same name (up to case, punctuation, a "City of" prefix);
    one or two letters apart, or the one name with words added at its end, with the same agreement (model and signed
    date) passing from one to the other; or a `same` entry of the reviewed alias table."""
    state, old, new = item["state"], item["old_name"], item["new_name"]
    before = {(r.model, r.signed) for r in older.rows if (r.state, r.name) == (state, old)}
    after = {(r.model, r.signed) for r in newer.rows if (r.state, r.name) == (state, new)}
    rule = next((rule for text, rule in _RULES.items() if (item["reason"] or "").startswith(text)), None)
    passing = bool(before & after)
    a, b = name_key(old), name_key(new)
    holds = {
        "same_key": a == b,
        "place_prefix": a == b,
        "spelling_with_continuity": 0 < edit_distance(a, b) <= 2 and passing,
        "suffix": (a.startswith(b + " ") or b.startswith(a + " ")) and passing,
        "alias": aliased(state, old, new),
    }.get(rule, False)
    if before and after and holds:
        return []
    return [f"{older.file} -> {newer.file}: renamed {old!r} -> {new!r} ({state}) by {item['reason']!r} does not hold of the lists' rows"]


def _pending_in_force_at(oracle: list[Publication], listed: Publication) -> Publication | None:
    """The pending list in force when a participating list was published: the latest by date and half (README, diff)."""
    held = [p for p in oracle if p.kind == "pending" and (p.published, p.half == "pm") <= (listed.published, listed.half == "pm")]
    return max(held, key=lambda p: p.moment) if held else None


def _pending_before(oracle: list[Publication], older: Publication, newer: Publication) -> list[Publication]:
    """The pending lists an agreement new in NEWER was pending on before it: the one in force at OLDER and those
    published from OLDER's date and half and before NEWER, by date and half (README, diff)."""
    at_older = _pending_in_force_at(oracle, older)
    start, end = (older.published, older.half == "pm"), (newer.published, newer.half == "pm")
    return ([at_older] if at_older else []) + [p for p in oracle if p.kind == "pending" and start <= (p.published, p.half == "pm") < end]


def _pending_after(oracle: list[Publication], older: Publication, newer: Publication) -> list[Publication]:
    """The pending lists an agreement no longer in NEWER went back on: the one in force at NEWER and those published
    after OLDER's date and half and up to NEWER's, by date and half (README, diff)."""
    at_newer = _pending_in_force_at(oracle, newer)
    start, end = (older.published, older.half == "pm"), (newer.published, newer.half == "pm")
    return ([at_newer] if at_newer else []) + [p for p in oracle if p.kind == "pending" and start < (p.published, p.half == "pm") <= end]


def _pending_agreements(listed: Publication | None) -> set[tuple]:
    return {(r.state, agency(r.state, r.name), r.model) for r in listed.rows} if listed else set()


def _changes_problems(oracle: list[Publication], older: Publication, newer: Publication, changes: dict) -> list[str]:
    pair = f"{older.file} -> {newer.file}"
    naive_added, naive_removed = newer.keys() - older.keys(), older.keys() - newer.keys()
    said_added = {(i["state"], i["agency"], i["model"]): i for i in changes["added"] + changes["from_pending"]}
    said_removed = {(i["state"], i["agency"], i["model"]): i for i in changes["removed"] + changes["to_pending"]}
    problems = [f"{pair}: g287 says {key} was added, the rows do not" for key in set(said_added) - naive_added]
    problems += [f"{pair}: g287 says {key} was removed, the rows do not" for key in set(said_removed) - naive_removed]
    renames = set()
    for item in changes["renamed"]:
        problems += _rename_problems(item, older, newer)
        renames |= {(item["state"], item["old_name"], item["new_name"]), (item["state"], item["new_name"], item["old_name"])}

    def held_by_its_agency(key: tuple, other: Publication) -> bool:
        """Whether another list gives the agreement under another name of its agency (one by the README's rules, or
        renamed by the diff)."""
        state, name, model = key
        return any(
            (s, m) == (state, model) and (agency(s, n) == agency(state, name) or (state, n, name) in renames)
            for s, n, m in other.keys()
        )

    problems += [f"{pair}: {key} is new in the rows, and no name of its agency gave that model before" for key in naive_added - set(said_added) if not held_by_its_agency(key, older)]
    problems += [f"{pair}: {key} is gone from the rows, and no name of its agency gives that model now" for key in naive_removed - set(said_removed) if not held_by_its_agency(key, newer)]
    pending_before = set().union(*(_pending_agreements(p) for p in _pending_before(oracle, older, newer)))
    pending_after = set().union(*(_pending_agreements(p) for p in _pending_after(oracle, older, newer)))
    for key, item in said_added.items():
        was_pending = (key[0], agency(key[0], key[1]), key[2]) in pending_before
        if was_pending != (item in changes["from_pending"]):
            problems.append(f"{pair}: {key} added; the pending lists before the later list {'list' if was_pending else 'do not list'} it")
    for key, item in said_removed.items():
        now_pending = (key[0], agency(key[0], key[1]), key[2]) in pending_after
        if now_pending != (item in changes["to_pending"]):
            problems.append(f"{pair}: {key} removed; the pending lists after the earlier list and up to the later {'list' if now_pending else 'do not list'} it")
    return problems


def test_every_change_between_consecutive_lists_is_the_rows_difference_explained(bundled_db, oracle):
    """`g287 diff` of each two consecutive participating lists against the naive set difference of their rows: what
    it says was added or removed the rows show, what the rows show that it does not say is a rename (whose rule
    holds of the names) or an agreement another name of its agency carries (Zephyrhills Police Department, listed
    beside City of Zephyrhills Police Department), and it says "from the pending list" exactly of the agreements the
    pending lists before the later list listed (_pending_before), and "back to the pending list" of those the pending
    lists after the earlier list and up to the later one listed (_pending_after)."""
    participating = [p for p in oracle if p.kind == "participating"]
    problems, renamed = [], 0
    for older, newer in zip(participating, participating[1:]):
        status, out, err = run_g287(bundled_db.url, "diff", older.file, newer.file, "--json")
        assert status == 0, err
        changes = json.loads(out)
        assert (changes["from"]["publication"], changes["to"]["publication"]) == (older.file, newer.file)
        problems += _changes_problems(oracle, older, newer, changes)
        renamed += len(changes["renamed"])
    assert problems == []
    assert renamed == 7  # 16 → 29 May: 5 (a prefix, two spellings, words dropped, the alias table); 20 June → 3 July: 2 prefixes


def _signed_lists(oracle: list[Publication], older: Publication, newer: Publication) -> list[Publication]:
    """The participating lists that show an agreement no longer pending at NEWER listed as signed: the one in force at
    NEWER and those published after OLDER and up to NEWER, its own date and half too, by date and half (README, diff)."""
    held = [p for p in oracle if p.kind == "participating" and (p.published, p.half == "pm") <= (newer.published, newer.half == "pm")]
    at_newer = [max(held, key=lambda p: p.moment)] if held else []
    start, end = (older.published, older.half == "pm"), (newer.published, newer.half == "pm")
    return at_newer + [p for p in held if start < (p.published, p.half == "pm") <= end]


def test_every_agreement_no_longer_pending_is_split_as_the_participating_lists_show_it(bundled_db, oracle):
    """`g287 diff --kind pending` of every two pending lists against their rows: what it says left the pending list the
    rows show left it, each one such agreement of the rows is said, and it is `to_participating` exactly when the
    participating list in force at the later pending list, or one published after the earlier and up to the later,
    lists it. Walworth County Sheriff's Office, WI (WSO), pending on 15 and 30 May 2025, listed as signed from 17 June
    to 3 July and not on 9 July, was "not listed as signed" from either to 11 July, where the pipeline counts it signed."""
    pending = [p for p in oracle if p.kind == "pending"]
    problems, parts = [], {}
    for index, older in enumerate(pending):
        for newer in pending[index + 1:]:
            pair = f"{older.file} -> {newer.file}"
            status, out, err = run_g287(bundled_db.url, "diff", older.file, newer.file, "--json")
            assert status == 0, err
            changes = json.loads(out)
            said = {(i["state"], agency(i["state"], i["agency"]), i["model"]): part for part in ("to_participating", "not_participating") for i in changes[part]}
            left = {(s, agency(s, n), m) for s, n, m in older.keys()} - {(s, agency(s, n), m) for s, n, m in newer.keys()}
            problems += [f"{pair}: {key} left the pending list, g287 does not say it" for key in left - set(said)]
            problems += [f"{pair}: g287 says {key} left the pending list, the rows do not" for key in set(said) - left]
            signed = set().union(*(_pending_agreements(p) for p in _signed_lists(oracle, older, newer)))
            for key, part in said.items():
                if part != ("to_participating" if key in signed else "not_participating"):
                    problems.append(f"{pair}: {key} is {part}; the participating lists of the window {'list' if key in signed else 'do not list'} it")
            parts[(older.file, newer.file)] = said
    assert problems == []
    walworth, july_11 = ("WI", agency("WI", "Walworth County Sheriff's Office"), "WSO"), "pendingAgencies07112025am_b.xlsx"
    assert [parts[(f"pendingAgencies{older}.xlsx", july_11)][walworth] for older in ("05152025am", "05302025pm")] == ["to_participating"] * 2
    from_may_30 = list(parts[("pendingAgencies05302025pm.xlsx", july_11)].values())
    assert (from_may_30.count("to_participating"), from_may_30.count("not_participating")) == (78, 1)  # 77 and 2 by the list in force alone
