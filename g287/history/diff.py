"""What changed between two participating publications, agreement by agreement (and between two pending ones).

Agreements are compared by identity (agency × model), so a renamed agency is a rename, not an exit and an
entry, and a duplicate listing is one agreement. An agreement new in TO was either pending before (listed by
the pending publication in force at FROM, or by one published from FROM's half-day and before TO) or is simply added; one absent from TO either moved back to pending
(listed by the pending publication in force at TO, or by one published after FROM's half-day and up to TO's) or is
removed — and whether that absence is an end or a one-off omission is told by the lifecycle rule (K consecutive
absences).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, not_, or_, select
from sqlalchemy.orm import Session

from g287.db.models.history import IdentityMerge
from g287.db.models.registry import AgencyName, ListingRun, Publication, RawRow, series_of
from g287.db.times import as_utc
from g287.errors import G287Error
from g287.history.lifecycle import end_after_default, lifecycles
from g287.history.listings import publications, runs_of
from g287.history.names import RULE_TEXT
from g287.registry import figures
from g287.registry.publications import distinct_label, half_rank, label, whose_list
from g287.registry.queries import list_changes
from g287.wording import counted


@dataclass
class Side:
    """What one participating publication lists, by agreement and by agency."""

    agreements: dict[tuple[int, str], dict] = field(default_factory=dict)  # key -> {state, names, signed, moas}
    agency_names: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    agency_models: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    # The state of each agency's rows, those without a model too (a rename is told by names, not agreements).
    agency_states: dict[int, str] = field(default_factory=dict)


def _side(session: Session, publication: Publication, agency_ids: list[int]) -> Side:
    side = Side()
    agreements, names, models = side.agreements, side.agency_names, side.agency_models
    for _first, _last, _raw, agency_id, name, state, model, _type, signed, moa in runs_of(
        session, publication.kind, publication.origin, at_seq=publication.seq, agency_ids=agency_ids
    ):
        if agency_id is None:
            continue
        names[agency_id].add(name)
        if state:
            side.agency_states.setdefault(agency_id, state)
        if not model:
            continue
        models[agency_id].add(model)
        entry = agreements.get((agency_id, model))
        if entry is None:
            entry = agreements[(agency_id, model)] = {"state": state, "names": set(), "signed": set(), "moas": set()}
        entry["names"].add(name)
        entry["signed"].add(signed)
        if moa:
            entry["moas"].add(moa)
    return side


def _changed_agencies(session: Session, from_pub: Publication, to_pub: Publication) -> list[int]:
    """Agencies with a row listed by one of the two publications and not the other: nothing else can differ."""
    in_a = and_(ListingRun.first_seq <= from_pub.seq, ListingRun.last_seq >= from_pub.seq)
    in_b = and_(ListingRun.first_seq <= to_pub.seq, ListingRun.last_seq >= to_pub.seq)
    query = (
        select(AgencyName.agency_id)
        .distinct()
        .select_from(ListingRun)
        .join(RawRow, RawRow.id == ListingRun.raw_row_id)
        .join(AgencyName, AgencyName.id == RawRow.agency_name_id)
        .where(ListingRun.series == from_pub.series, or_(and_(in_a, not_(in_b)), and_(in_b, not_(in_a))))
    )
    return sorted(session.scalars(query))


def _listed_keys(session: Session, publication: Publication | None, agency_ids: list[int], kind: str = "pending") -> set[tuple[int, str]]:
    """The (agency, model) pairs a list of `kind` (the pending list, unless said) lists, of these agencies."""
    if publication is None or not agency_ids:
        return set()
    rows = runs_of(session, kind, publication.origin, at_seq=publication.seq, agency_ids=agency_ids)
    return {(r.agency_id, r.model) for r in rows if r.agency_id is not None and r.model}


def _listed_by(session: Session, lists: list[Publication], agency_ids: list[int]) -> set[tuple[int, str]]:
    """The (agency, model) pairs any of these lists (of one kind) lists, of these agencies."""
    return set().union(*(_listed_keys(session, p, agency_ids, p.kind) for p in lists))


def _moment(publication) -> tuple:
    """When a list was published, as far as its name tells: its date, then its half (am before pm)."""
    return (publication.published_on, half_rank(publication.half))


def pending_in_force_at(session: Session, publication: Publication, kind: str = "pending") -> Publication | None:
    """The pending list in force when a participating list was published (or, with `kind`, the list of that kind in
    force at any publication): the latest published by then, by date and half (am before pm; a list of the same day
    and half counts). By date alone, a pending list of the afternoon was in force at a participating list of that
    morning, published before it."""
    held = _lists_of(session, kind, _Window(at=publication))
    return held[0] if held else None


@dataclass(frozen=True)
class _Window:
    """The lists of one kind that decide a part of a comparison: the one in force at `at` (the latest published by
    then, by date and half: pending_in_force_at) and, with `after`, those published after `after` and before `until`,
    by date and half (with `after_included`, from `after`'s own date and half; with `until_included`, up to `until`'s
    own). A list ICE replaced the same half-day by a corrected one is one of them too, as the pipeline counts a
    listing of it. The comparison reads them, and _PendingTimes replays them as the lists were ingested: one
    definition for both."""

    at: Publication
    after: Publication | None = None
    until: Publication | None = None
    after_included: bool = False
    until_included: bool = False

    def published_within(self, publication) -> bool:
        if self.after is None:
            return False
        moment, start, end = _moment(publication), _moment(self.after), _moment(self.until)
        return (start <= moment if self.after_included else start < moment) and (moment <= end if self.until_included else moment < end)

    def may_count(self, publication) -> bool:
        """Whether a list's arrival can change the window's lists: one published by `at` (in force at `at` until a
        later one arrives), or one published within the window."""
        return _moment(publication) <= _moment(self.at) or self.published_within(publication)

    def lists(self, held: list) -> list:
        """Of `held` (the lists of the kind, in publication order), those counted, each once, the one in force first."""
        in_force = [p for p in held if _moment(p) <= _moment(self.at)][-1:]
        counted = {p.id for p in in_force}
        return in_force + [p for p in held if self.published_within(p) and p.id not in counted]


def _lists_of(session: Session, kind: str, window: _Window) -> list[Publication]:
    return [session.get(Publication, p.id) for p in window.lists(publications(session, kind, window.at.origin))]


def _pending_window(from_pub: Publication, to_pub: Publication) -> _Window:
    """The pending lists an agreement new in TO was pending on before it: the one in force at FROM and those published
    from FROM's own date and half and before TO, by date and half. A pending list of TO's own date and half is not
    before it: an agreement it lists was pending when, or after, ICE listed it as signed, as the pipeline counts it
    (pending_after_participating). One of FROM's own date and half that ICE replaced that half-day by a corrected one
    (not in force at FROM) listed it before TO, as one replaced so between FROM and TO does: the pipeline counts it
    first pending there."""
    return _Window(at=from_pub, after=from_pub, until=to_pub, after_included=True)


def _departure_window(older: Publication, newer: Publication) -> _Window:
    """The lists of the other kind that show where an agreement that left one list between OLDER and NEWER went: the
    participating lists that show one no longer pending at NEWER listed as signed (pending_changes's
    to_participating), and the pending lists that show one no longer participating at NEWER back on the pending list
    (diff's to_pending). They are the one in force at NEWER and those published after OLDER and up to NEWER, by date
    and half, as _pending_window reads the pending lists before an agreement new in TO. Up to NEWER: a list of NEWER's
    own date and half is in force at it (pending_in_force_at), and one ICE replaced that half-day by a corrected one
    listed the agreement too (the pipeline's first participating listing may be such a list). After OLDER: a list of
    OLDER's own date and half is not after it, as a pending list of TO's own is not before TO (_pending_window): an
    agreement it lists was on the other list when, or before, OLDER listed it (the pipeline's
    pending_after_participating, when OLDER first listed it as pending; no return to the pending list in the
    lifecycle, back_to_pending, when OLDER listed it as participating), not as it left OLDER's list. Nor is the list in
    force at OLDER, published before it, unless it is still in force at NEWER (none published since): an agreement it
    lists that OLDER still listed as pending stayed pending after it was listed as signed (lifecycle's
    stayed_pending): leaving the pending list after OLDER, it was not listed as signed anew."""
    return _Window(at=newer, after=older, until=newer, until_included=True)


def _dates(values: set) -> list[str | None]:
    return [v.isoformat() if v else None for v in sorted(values, key=lambda v: (v is None, v or 0))]


def diff(session: Session, from_pub: Publication, to_pub: Publication, end_after: int | None = None, state: str | None = None) -> dict:
    """What changed between two participating publications; with `state` (a USPS code), only that state's changes."""
    if from_pub.kind != "participating" or to_pub.kind != "participating":
        raise G287Error("diff compares two participating publications (give participating ids or dates)")
    _check_one_series(from_pub, to_pub)
    check_in_order(from_pub, to_pub)
    k = end_after or end_after_default()
    involved = _changed_agencies(session, from_pub, to_pub)
    a, b = _side(session, from_pub, involved), _side(session, to_pub, involved)
    # Pending before TO: on the pending list in force at FROM, or on one ICE published from FROM's half-day on and
    # before TO (_pending_window). By the list in force at FROM alone, 20 of the 48 agreements newly listed between 29
    # May and 17 June 2025 were "added", never pending, though ICE's pending list of 30 May listed them.
    # Back on the pending list by TO: on the pending list in force at TO, or on one published after FROM and up to TO
    # (_departure_window, as pending_changes reads the participating lists). By the list in force at TO alone, an
    # agreement back on a pending list between the two and off it again before TO was "no longer listed", though
    # the diff from FROM to a participating list in between, and its lifecycle (back_to_pending), said it moved back.
    window_a, window_b = _pending_window(from_pub, to_pub), _departure_window(from_pub, to_pub)
    pending_a = _listed_by(session, _lists_of(session, "pending", window_a), involved)
    pending_b = _listed_by(session, _lists_of(session, "pending", window_b), involved)
    gone = {key[0] for key in set(a.agreements) - set(b.agreements)}  # only absences need the lifecycle rule
    # An agreement new in TO may be one listed before FROM and absent from it: its absence is the lifecycle's too.
    came = {key[0] for key in set(b.agreements) - set(a.agreements)}
    lives = lifecycles(session, agency_ids=sorted(gone | came), end_after=k, origin=from_pub.origin) if gone or came else {}
    series = publications(session, "participating", from_pub.origin) if gone or came else []
    seq_of = {p.id: p.seq for p in series}
    wording_times = _WordingTimes(session, series, from_pub, to_pub, k) if gone or came else None
    pending_times = _PendingTimes(session, from_pub, to_pub, involved)

    def describe(key, side: Side) -> dict:
        entry = side.agreements[key]
        return {"state": entry["state"], "agency": sorted(entry["names"])[0], "agency_id": key[0], "model": key[1], "signed": _dates(entry["signed"])}

    added, from_pending, removed, to_pending = [], [], [], []
    for key in sorted(set(b.agreements) - set(a.agreements), key=_reading_order(b)):
        item = describe(key, b)
        item["model_added"] = _keeps_a_model(key[0], a, b)  # one model of several: the agency keeps one it had
        listed_before = _return_status(lives.get(key), from_pub.seq, seq_of, k)
        if listed_before:  # not new: back after an absence, which the removed side of an earlier diff named
            item["note"] = listed_before
        item["note_decided_by"] = wording_times.decided_by(lives.get(key), seq_of, from_pub.seq)
        item["pending_decided_by"] = pending_times.decided_by(window_a, key, key in pending_a)
        (from_pending if key in pending_a else added).append(item)
    for key in sorted(set(a.agreements) - set(b.agreements), key=_reading_order(a)):
        item = describe(key, a)
        item["model_dropped"] = _keeps_a_model(key[0], a, b)
        life = lives.get(key)
        item["status_since"] = _absence_status(life, to_pub.seq, seq_of, k)
        item["status_decided_by"] = wording_times.decided_by(life, seq_of, to_pub.seq)
        item["pending_decided_by"] = pending_times.decided_by(window_b, key, key in pending_b)
        (to_pending if key in pending_b else removed).append(item)
    _mark_moas_listed_elsewhere(a, b, removed, added)
    renamed = _renamed(session, a, b)
    signed_changed = []
    for key in sorted(set(a.agreements) & set(b.agreements), key=_reading_order(b)):
        before, after = a.agreements[key]["signed"], b.agreements[key]["signed"]
        if before != after:
            item = describe(key, b)
            item.update(old_signed=_dates(before), new_signed=_dates(after))
            signed_changed.append(item)
    result = {
        "from": figures.describe_publication(from_pub),
        "to": figures.describe_publication(to_pub),
        "end_after": k,
        "added": added,
        "removed": removed,
        "renamed": renamed,
        "signed_date_changed": signed_changed,
        "from_pending": from_pending,
        "to_pending": to_pending,
    }
    return in_state(result, state)


def _keeps_a_model(agency_id: int, a: Side, b: Side) -> bool:
    """Whether an agency lists, in both lists, a model other than one that changed: then a model added is one more of
    several, and one no longer listed leaves the agency its other models. An agency listed with one model in FROM and
    another in TO (Butler County Sheriff's Office, PA: WSO on 29 May 2025, TFM alone on 17 June) kept none of its
    models and gained none beside them: said of it, "the agency keeps its other models" was untrue."""
    return bool(a.agency_models.get(agency_id, set()) & b.agency_models.get(agency_id, set()))


def in_state(found: dict, state: str | None) -> dict:
    """The changes of one state only (a USPS code; None: every state), with their counts: the one filter of the diff,
    the pending list's changes, the page /changes, the API and the feed per state. `state` names the state chosen."""
    lists = [key for key, value in found.items() if isinstance(value, list)]
    if state is not None:
        found = {**found, **{key: [item for item in found[key] if item.get("state") == state] for key in lists}}
    return {**found, "state": state, "counts": {key: len(found[key]) for key in lists}}


def _mark_moas_listed_elsewhere(a: Side, b: Side, removed: list[dict], added: list[dict]) -> None:
    """An agreement no longer listed whose MOA (the same document, the same signed date, model and state) the later
    list gives another agency: ICE listed the MOA under another agency (Okaloosa County, FL: the WSO MOA of the
    Sheriff's Office, later under the Department of Corrections). The two agencies stay two (both are listed at
    once), and this registry counts an end and a new agreement, as for any other; each item says what the lists show.
    Only a match of exactly one agreement on each side is marked."""
    def document_key(side: Side, item: dict) -> set[tuple]:
        entry = side.agreements[(item["agency_id"], item["model"])]
        return {(entry["state"], item["model"], url, frozenset(entry["signed"])) for url in entry["moas"]}

    later: dict[tuple, list[dict]] = defaultdict(list)
    for item in added:
        for key in document_key(b, item):
            later[key].append(item)
    earlier: dict[tuple, list[dict]] = defaultdict(list)
    for item in removed:
        for key in document_key(a, item):
            earlier[key].append(item)
    for key, gone in earlier.items():
        new = later.get(key, [])
        if len(gone) == 1 and len(new) == 1 and "same_moa_now_under" not in gone[0] and "same_moa_before_under" not in new[0]:
            old_item, new_item = gone[0], new[0]
            old_item["same_moa_now_under"] = {"agency": new_item["agency"], "agency_id": new_item["agency_id"]}
            new_item["same_moa_before_under"] = {"agency": old_item["agency"], "agency_id": old_item["agency_id"]}
            old_item["status_since"] = f"the same MOA (document and signed date) is listed under {new_item['agency']} in the later list; {old_item['status_since']}"
            same_moa = f"the same MOA (document and signed date) was listed under {old_item['agency']} in the earlier list"
            new_item["note"] = f"{same_moa}; {new_item['note']}" if new_item.get("note") else same_moa


def _reading_order(side: Side):
    """Items by state, name and model, as the lists and list_changes order them (by str(key), (100, 'TFM') came
    before (14, 'TFM'): an order by agency id, digit by digit, that no reader can follow)."""

    def key(agreement: tuple[int, str]) -> tuple:
        entry = side.agreements[agreement]
        return (entry["state"] or "~", sorted(entry["names"])[0].lower(), agreement[1], agreement[0])

    return key


def _renamed(session: Session, a: Side, b: Side) -> list[dict]:
    """Agencies listed by both sides under a name only one of them uses, with the reason the names are one agency."""
    renamed = []
    for agency_id in sorted(set(a.agency_names) & set(b.agency_names)):
        old, new = a.agency_names[agency_id] - b.agency_names[agency_id], b.agency_names[agency_id] - a.agency_names[agency_id]
        if old and new:
            renamed.append(
                {
                    "state": _agency_state(agency_id, b, a),
                    "agency": sorted(new)[0],
                    "agency_id": agency_id,
                    "old_name": sorted(old)[0],
                    "new_name": sorted(new)[0],
                    "models": sorted(b.agency_models[agency_id]),
                    "reason": _merge_reason(session, agency_id, old | new),
                }
            )
    # By state and name, as the other items (_reading_order): by agency id, the order followed the order the lists
    # were ingested in, which no reader can follow.
    return sorted(renamed, key=lambda r: (r["state"] or "~", r["new_name"].lower(), r["old_name"].lower(), r["agency_id"]))


def _agency_state(agency_id: int, later: Side, earlier: Side) -> str | None:
    """A renamed agency's state, as its rows give it (names are only joined within one state): in the later list,
    else in the earlier one. Taken from the later list's agreements alone, it was None for an agency whose rows there
    give no model, and the rename left its state's changes (in_state)."""
    return later.agency_states.get(agency_id) or earlier.agency_states.get(agency_id)


def pending_changes(session: Session, older: Publication, newer: Publication, state: str | None = None) -> dict:
    """What changed between two pending lists: agreements newly pending and no longer pending (agency by agency, as
    registry.queries.list_changes finds them), and agencies renamed, with the reason the names are one agency, as
    diff says of participating lists (list_changes follows a renamed agency, but says nothing of the new name).
    An agreement no longer pending is `to_participating` when the participating list in force at NEWER, or one
    published after OLDER and up to NEWER, lists it (ICE listed it as signed: _departure_window), else `not_participating`:
    two outcomes a single count of departures would lump. `from` and `to` name the two lists, as diff's do (`g287 diff
    --kind pending` and the API's pending-changes answer this)."""
    if older.kind != "pending" or newer.kind != "pending":
        raise G287Error("the pending changes compare two pending publications")
    _check_one_series(older, newer)
    check_in_order(older, newer)
    changes = list_changes(session, older, newer)
    gone, agency_ids = changes["removed"], sorted({i["agency_id"] for i in changes["removed"]})
    # Signed: on the participating list in force at NEWER, or on one published after OLDER and up to NEWER. By the
    # list in force at NEWER alone, Walworth County Sheriff's Office, WI (WSO), on the pending lists of 15 and 30 May
    # 2025 and listed as signed from 17 June to 3 July (not on 9 July), left the pending list "without being listed
    # as signed" between 30 May and 11 July, where the pipeline counts it signed.
    window = _departure_window(older, newer)
    signed = _listed_by(session, _lists_of(session, "participating", window), agency_ids)
    # A participating list ingested late may be the one in force at NEWER, or one published between, and move an
    # agreement from one part to the other: the feed's entry names it (signed_decided_by), as diff's items name the
    # pending list that decided.
    times = _PendingTimes(session, older, newer, agency_ids, "participating")
    for item in gone:
        key = (item["agency_id"], item["model"])
        item["signed_decided_by"] = times.decided_by(window, key, key in signed)
    found = {
        "from": figures.describe_publication(older),
        "to": figures.describe_publication(newer),
        "added": changes["added"],
        "to_participating": [i for i in gone if (i["agency_id"], i["model"]) in signed],
        "not_participating": [i for i in gone if (i["agency_id"], i["model"]) not in signed],
    }
    involved = _changed_agencies(session, older, newer)
    found["renamed"] = _renamed(session, _side(session, older, involved), _side(session, newer, involved)) if involved else []
    return in_state(found, state)


def _check_one_series(from_pub: Publication, to_pub: Publication) -> None:
    if from_pub.series != to_pub.series:
        # Publication order (seq) is per series: comparing ICE's list with this registry's own would pair
        # positions of two unrelated orders. The two origins are never mixed.
        raise G287Error(
            f"publication {from_pub.id} is {whose_list(from_pub)} and publication {to_pub.id} is {whose_list(to_pub)}: "
            "diff compares two lists of one origin (ICE's lists, or this registry's own), never one with the other"
        )


def check_in_order(from_pub: Publication, to_pub: Publication) -> None:
    """Refuse FROM published after TO: every change (added, removed, ended, omitted) reads forward in time, and
    reversed, each would be false."""
    if from_pub.seq > to_pub.seq:
        # Two lists of one date and half (ICE published the list again that day) are told apart by their files,
        # and the message says what orders them, as `g287 stats` does (README).
        why = f": both are of {label(to_pub)}, and {_later_because(to_pub, from_pub)};" if label(from_pub) == label(to_pub) else ":"
        raise G287Error(
            f"FROM ({distinct_label(from_pub)}, publication {from_pub.id}) was published after TO ({distinct_label(to_pub)}, publication {to_pub.id}){why} "
            "give the earlier publication first"
        )


def _later_because(earlier: Publication, later: Publication) -> str:
    """Why, of two lists of one date and half, FROM comes after TO (publications.order_key's rule)."""
    if earlier.source_modified_at is None and later.source_modified_at is not None:
        return "FROM's workbook says when it was modified while TO carries no such time (a list without one comes first)"
    if None not in (earlier.source_modified_at, later.source_modified_at) and as_utc(later.source_modified_at) > as_utc(earlier.source_modified_at):
        return f"FROM's workbook was modified later ({as_utc(later.source_modified_at):%Y-%m-%d %H:%M:%S} UTC, TO's {as_utc(earlier.source_modified_at):%Y-%m-%d %H:%M:%S} UTC)"
    return "FROM was ingested later"


def _absence_status(life, to_seq: int, seq_of: dict[int, int], k: int) -> str:
    """What became of an agreement missing from TO: the absence that contains TO, as the lifecycle classes it
    (never the agreement's status today, which may come from another, later absence)."""
    if life is None or life.last_participating is None:
        return "unknown"
    for omission in life.omissions:  # absences shorter than K, between two listings
        if seq_of[omission["from"]["publication_id"]] <= to_seq <= seq_of[omission["to"]["publication_id"]]:
            count = omission["lists_in_force"]  # a list and its re-issue of the same half-day count once, as for K
            if count == 0:
                return "omitted only from a list replaced the same half-day by one that lists it again"
            return "omitted once, listed again later" if count == 1 else f"omitted from {count} lists in force, listed again later"
    # ends[i] is reinstated by reinstated[i]; an end without a reinstatement (the last) lasts until today.
    # ICE gives no reason when an agreement leaves its list: the text says what was observed (an absence) and that
    # "end" is this registry's word for it, never a termination (the JSON's keys and the lifecycle's statuses stay).
    for index, end in enumerate(life.ends):
        back = life.reinstated[index] if index < len(life.reinstated) else None
        if seq_of[end["publication_id"]] <= to_seq and (back is None or to_seq < seq_of[back["publication_id"]]):
            absent = "absent from a list in force" if k == 1 else f"absent from {k} or more consecutive lists in force"
            if back:
                return f"no longer listed ({absent}), listed again later"
            return f"no longer listed ({absent}; ICE gives no reason — this registry counts that as an end)"
    if to_seq > seq_of[life.last_participating["publication_id"]]:
        return f"absent from fewer than {counted(k, 'list')} in force so far"
    return "unknown"


def _return_status(life, from_seq: int, seq_of: dict[int, int], k: int) -> str | None:
    """What an agreement new in TO was at FROM, when it was listed before it: the absence that contains FROM, as the
    lifecycle classes it (the words _absence_status gives the same absence, seen from its start). None when it was
    never listed before FROM (newly listed)."""
    if life is None or life.first_participating is None or seq_of[life.first_participating["publication_id"]] > from_seq:
        return None
    for omission in life.omissions:
        if seq_of[omission["from"]["publication_id"]] <= from_seq <= seq_of[omission["to"]["publication_id"]]:
            count = omission["lists_in_force"]
            if count == 0:
                return "listed again after an omission from a list replaced the same half-day (absent from no list in force; not an end)"
            return f"listed again after an omission (absent from {counted(count, 'list')} in force; not an end)"
    for end, back in zip(life.ends, life.reinstated):
        if seq_of[end["publication_id"]] <= from_seq < seq_of[back["publication_id"]]:
            absent = "a list in force" if k == 1 else f"{k} or more consecutive lists in force"
            return f"listed again after an absence from {absent} (which this registry counts as an end)"
    return None


class _PendingTimes:
    """Which pending publication, ingested after FROM and TO, decided whether an agreement new in TO came from the
    pending list (or one absent from TO went back to it), for an Atom entry's `updated`: a pending list ingested late
    may be the one in force at FROM or TO (pending_in_force_at), or one published between them (_pending_window,
    _departure_window), and make an addition a move from the pending list, or a removal a move back to it. Replays
    the lists of the comparison's window (_Window) as they were held at each ingestion since FROM and TO (newest
    first). With `kind` "participating", the same for the participating lists that show an agreement no longer
    pending listed as signed (pending_changes's split: _departure_window)."""

    def __init__(self, session: Session, from_pub: Publication, to_pub: Publication, agency_ids: list[int], kind: str = "pending"):
        self.session, self.agency_ids, self.kind = session, agency_ids, kind
        since = max(as_utc(from_pub.imported_at), as_utc(to_pub.imported_at))
        self.held = session.execute(
            select(Publication.id, Publication.seq, Publication.published_on, Publication.half, Publication.imported_at)
            .where(Publication.series == series_of(from_pub.origin, kind))
            .order_by(Publication.seq)
        ).all()
        self.later = sorted((p for p in self.held if as_utc(p.imported_at) > since), key=lambda p: as_utc(p.imported_at), reverse=True)
        self.keys: dict[int, set] = {}

    def decided_by(self, window: _Window, key: tuple[int, str], listed_now: bool) -> int | None:
        """The id of the publication whose ingestion last changed whether one of `window`'s lists lists `key`."""
        for event in self.later:
            if not window.may_count(event):
                continue  # never one of the window's lists, nor a list before it: its arrival changed nothing there
            held = [p for p in self.held if as_utc(p.imported_at) < as_utc(event.imported_at)]
            listed = set()
            for publication in window.lists(held):
                if publication.id not in self.keys:
                    self.keys[publication.id] = _listed_keys(self.session, self.session.get(Publication, publication.id), self.agency_ids, self.kind)
                listed |= self.keys[publication.id]
            if (key in listed) != listed_now:
                return event.id
        return None


class _WordingTimes:
    """Which later publication decided the wording of an absence (_absence_status, or _return_status seen from its
    end), for an Atom entry's `updated`: it is written with hindsight, and a list ingested after FROM and TO can
    change it ("absent from fewer than 2 lists in force so far" becomes "no longer listed" once the next list
    arrives; an omission's count grows when a list is ingested late within it; an agreement added is "listed again"
    once a list before the absence, ingested late, lists it). Replays the absence over the publications held at each
    ingestion since FROM and TO (newest first), with the publications the agreement is listed by today: the wording
    at each time is the one the lifecycle rule would have given then."""

    def __init__(self, session: Session, series, from_pub: Publication, to_pub: Publication, k: int):
        imported = dict(session.execute(select(Publication.id, Publication.imported_at).where(Publication.series == to_pub.series)).all())
        self.imported = {p.seq: as_utc(imported[p.id]) for p in series}
        self.slots = {p.seq: (p.published_on, p.half) for p in series}
        self.last_seq = max(self.slots, default=0)
        self.k = k
        since = max(as_utc(from_pub.imported_at), as_utc(to_pub.imported_at))
        # Ingested after the two lists, newest first: only those changed the wording of a comparison already made.
        later = [p for p in series if self.imported[p.seq] > since and p.id not in (from_pub.id, to_pub.id)]
        self.later = sorted(later, key=lambda p: self.imported[p.seq], reverse=True)

    def decided_by(self, life, seq_of: dict[int, int], absent_at: int) -> int | None:
        """The id of the publication whose ingestion last changed the wording of the absence containing `absent_at`
        (TO for an agreement removed, FROM for one added), or None if none did since FROM and TO."""
        if not self.later or life is None or life.first_participating is None:
            return None
        listed = sorted(_listed_seqs(life, seq_of))
        now = self._wording(listed, absent_at, None)
        for publication in self.later:
            if self._wording(listed, absent_at, self.imported[publication.seq]) != now:
                return publication.id
        return None

    def _wording(self, listed: list[int], absent_at: int, before) -> tuple:
        """The absence containing `absent_at` with the publications ingested before `before` (all when None): how
        many lists in force it spans (a date and half counts once, where its last publication falls, as lifecycle's
        in_force_upto counts them), and whether a later listing closed it. _absence_status's and _return_status's
        words are a function of these."""
        def held(seq: int) -> bool:
            return before is None or self.imported[seq] < before

        opened_after = next((seq for seq in reversed(listed) if seq < absent_at and held(seq)), None)
        closed_at = next((seq for seq in listed if seq > absent_at and held(seq)), None)
        if opened_after is None:
            return ("unknown",)
        # The date and half of the listing that closed it, if any, is no list in force of the absence (its last
        # publication lists the agreement); the others' publications all fall within it.
        closing_slot = self.slots[closed_at] if closed_at else None
        in_force = set()
        for seq in range(opened_after + 1, closed_at or self.last_seq + 1):
            if held(seq):
                if self.slots[seq] != closing_slot:
                    in_force.add(self.slots[seq])
                if closed_at is None and len(in_force) >= self.k:
                    break  # an end not closed since: its length changes no word
        if len(in_force) >= self.k:
            return ("ended", closed_at is not None)
        return ("omitted", len(in_force)) if closed_at is not None else ("so far",)


def _listed_seqs(life, seq_of: dict[int, int]) -> set[int]:
    """The participating publications that list an agreement (its lifecycle's listings less its absences)."""
    listed = set(range(seq_of[life.first_participating["publication_id"]], seq_of[life.last_participating["publication_id"]] + 1))
    for omission in life.omissions:
        listed -= set(range(seq_of[omission["from"]["publication_id"]], seq_of[omission["to"]["publication_id"]] + 1))
    for end, back in zip(life.ends, life.reinstated):
        listed -= set(range(seq_of[end["publication_id"]], seq_of[back["publication_id"]]))
    return listed


def _merge_reason(session: Session, agency_id: int, names: set[str]) -> str | None:
    query = (
        select(IdentityMerge.rule, IdentityMerge.confidence, AgencyName.name)
        .join(AgencyName, AgencyName.id == IdentityMerge.agency_name_id)
        .where(IdentityMerge.to_agency_id == agency_id, IdentityMerge.undone_at.is_(None))
    )
    for rule, confidence, name in session.execute(query):
        if name in names:
            return f"{RULE_TEXT.get(rule, rule)} (confidence {confidence:.2f})"
    return None
