"""County matches in the database: computed once per (state, county text), run for every new raw row inside the
ingest transaction (g287/registry/processors/counties.py), and recomputed on demand (`rematch`, after the fix
table or the rules changed) without duplicating quality-register entries.

Every listing whose county text cannot be matched gets a quality-register entry (a row problem of its raw row,
category "unknown", saying that the county does not exist in that state, with the raw value); reviewed fixes and
former counties are registered too ("repaired", "note"). A county-level agency whose own name names another
county of the state than its COUNTY column is registered as a note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from g287 import audit
from g287.access import Actor, authorize
from g287.db.chunks import chunks
from g287.db.engine import Database
from g287.db.plain import plain
from g287.db.models.geo import CountyMatch, CountyRowProblem
from g287.db.models.registry import Agency, AgencyName, RawRow, RowProblem
from g287.geo import matching
from g287.geo.reference import county as county_by_fips

COUNTY_COLUMN = "COUNTY"




# Columns of the tables the plain statements below use (Core, not ORM attributes: see g287.db.plain).
_row_problems = RowProblem.__table__.c
_county_matches = CountyMatch.__table__.c

_MATCHED_TEXTS = plain(select(_county_matches.state_usps, _county_matches.county_text).where(_county_matches.state_usps.in_(bindparam("states", expanding=True))))
_MATCHED_TEXTS_OF_NO_STATE = plain(select(_county_matches.state_usps, _county_matches.county_text).where(_county_matches.state_usps.is_(None)))
_NEW_MATCH = plain(insert(CountyMatch.__table__), columns=("state_usps", "county_text", "fips", "status", "rule", "detail"))
_NEW_PROBLEM = plain(insert(RowProblem.__table__), columns=("id", "raw_row_id", "column", "raw_value", "problem", "action", "category"))
_NEW_PROBLEM_LINK = plain(insert(CountyRowProblem.__table__), columns=("row_problem_id", "raw_row_id"))


def stored_pairs(conn: Connection, pairs: set[tuple[str | None, str]]) -> set[tuple[str | None, str]]:
    """The (state, county text) pairs of `pairs` whose match is stored."""
    rows = _MATCHED_TEXTS.rows_in_chunks(conn, "states", sorted({s for s, _t in pairs if s is not None}))
    if any(s is None for s, _t in pairs):
        rows += _MATCHED_TEXTS_OF_NO_STATE.rows(conn)
    return {pair for pair in rows if pair in pairs}


@dataclass(frozen=True)
class Precomputed:
    """County matching done ahead, where a publication is read (it is pure): the match of every (state, county
    text) of its rows, and the quality-register entries every (state, county text, agency type, agency name)
    wants. Rows not covered are matched now, so the result is the same either way."""

    matches: dict[tuple[str | None, str], matching.Match]
    problems: dict[tuple, list[dict]]

    def match(self, state: str | None, text: str) -> matching.Match:
        found = self.matches.get((state, text))
        return found if found is not None else matching.match_county(state, text)

    def problems_of(self, row) -> list[dict]:
        found = self.problems.get((row.state_usps, row.county_text, row.agency_type, row.agency_name))
        return found if found is not None else desired_problems(row)


@dataclass(frozen=True)
class _Row:
    state_usps: str | None
    county_text: str
    agency_type: str | None
    agency_name: str | None


# The entries precompute() has worked out in this process, by (state, county text, agency type, agency name),
# with the match they came from (match_county's cached object: a cleared cache means working them out again).
_worked_out: dict[tuple, tuple[matching.Match, list[dict]]] = {}


def precompute(rows: list[tuple[str | None, str | None, str | None, str | None]]) -> Precomputed:
    """`rows`: (state, county text, agency type, agency name) of a publication's listings."""
    matches, problems = {}, {}
    for key in set(rows):
        state, text, agency_type, agency_name = key
        if text is None:
            continue
        match = matches[(state, text)] = matching.match_county(state, text)
        done = _worked_out.get(key)
        if done is None or done[0] is not match:
            done = _worked_out[key] = (match, desired_problems(_Row(state, text, agency_type, agency_name)))
        problems[key] = done[1]
    return Precomputed(matches, problems)


def ensure_matches(conn: Connection, pairs: set[tuple[str | None, str]], precomputed: Precomputed | None = None) -> None:
    """Compute and store the match of each (state, text) not stored before."""
    known = stored_pairs(conn, pairs)
    missing = sorted((p for p in pairs if p not in known), key=lambda p: (p[0] or "", p[1]))
    _NEW_MATCH.many(conn, [_match_values(state, text, precomputed) for state, text in missing])


def _match_values(state: str | None, text: str, precomputed: Precomputed | None = None) -> dict:
    m = precomputed.match(state, text) if precomputed else matching.match_county(state, text)
    return {"state_usps": state, "county_text": text, "fips": m.fips, "status": m.status, "rule": m.rule, "detail": m.problem}


def _rows(conn: Connection, raw_row_ids: list[int]) -> list:
    query = (
        # the names of processors.NewRow, so that rows read here and rows handed over by the ingest are alike
        select(RawRow.id.label("raw_row_id"), RawRow.state_usps, RawRow.county_text, RawRow.agency_type, AgencyName.name.label("agency_name"))
        .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
    )
    rows = []
    for chunk in chunks(sorted(set(raw_row_ids))):
        rows += conn.execute(query.where(RawRow.id.in_(chunk), RawRow.county_text.is_not(None))).all()
    return rows


def desired_problems(row) -> list[dict]:
    """The quality-register entries county matching wants for one raw row."""
    m = matching.match_county(row.state_usps, row.county_text)
    problems = []
    if m.problem:
        problems.append({"column": COUNTY_COLUMN, "raw_value": row.county_text, "problem": m.problem, "action": m.action, "category": m.category})
    if m.fips and row.agency_type == "county":
        named = matching.county_named_by_agency(row.state_usps, row.agency_name)
        if named is not None and named.fips != m.fips:
            problems.append(
                {
                    "column": COUNTY_COLUMN,
                    "raw_value": row.county_text,
                    "problem": f"the agency's name ({row.agency_name}) names {named.name} ({named.fips}), but the COUNTY column names {county_by_fips(m.fips).name} ({m.fips})",
                    "action": "county taken from the COUNTY column, as published",
                    "category": "note",
                }
            )
    return problems


def match_rows(conn: Connection, raw_row_ids: list[int], precomputed: Precomputed | None = None, *, new_rows: bool = False, stored=None) -> int:
    """Match the county texts of these raw rows and write their quality-register entries (replacing the ones
    county matching wrote before, so running it again never duplicates them). Returns the entries written.
    `precomputed`: the matching done where the rows were read (see precompute); `new_rows`: the rows were
    stored in this transaction, so they have no entries to replace; `stored`: those rows' stored facts
    (processors.NewRow, with raw_row_id, state_usps, county_text, agency_type, agency_name), when the caller has them."""
    rows = _rows(conn, raw_row_ids) if stored is None else [r for r in stored if r.county_text is not None]
    if not rows:
        return 0
    ensure_matches(conn, {(r.state_usps, r.county_text) for r in rows}, precomputed)
    links = CountyRowProblem.__table__
    problems = RowProblem.__table__
    existing: dict[int, list[tuple[int, tuple]]] = defaultdict(list)
    for chunk in chunks([r.raw_row_id for r in rows]) if not new_rows else ():
        for problem_id, raw_id, column, raw_value, text, action, category in conn.execute(
            select(links.c.row_problem_id, links.c.raw_row_id, problems.c.column, problems.c.raw_value, problems.c.problem, problems.c.action, problems.c.category)
            .join(problems, problems.c.id == links.c.row_problem_id)
            .where(links.c.raw_row_id.in_(chunk))
        ):
            existing[raw_id].append((problem_id, (column, raw_value, text, action, category)))
    stale, wanted = [], []
    for row in rows:
        desired = precomputed.problems_of(row) if precomputed else desired_problems(row)
        want = [(p["column"], p["raw_value"], p["problem"], p["action"], p["category"]) for p in desired]
        have = existing.get(row.raw_row_id, [])
        if sorted(w for w in want) == sorted(h for _i, h in have):
            continue
        stale += [problem_id for problem_id, _h in have]
        wanted += [(row.raw_row_id, w) for w in want]
    for chunk in chunks(stale):
        conn.execute(delete(links).where(links.c.row_problem_id.in_(chunk)))
        conn.execute(delete(problems).where(problems.c.id.in_(chunk)))
    returned = _NEW_PROBLEM.inserted_ids(
        conn, [{"raw_row_id": raw_id, "column": c, "raw_value": v, "problem": text, "action": a, "category": k} for raw_id, (c, v, text, a, k) in wanted]
    )
    _NEW_PROBLEM_LINK.many(conn, [{"row_problem_id": problem_id, "raw_row_id": raw_id} for (raw_id, _w), problem_id in zip(wanted, returned)])
    return len(wanted)


@dataclass(frozen=True)
class RematchResult:
    texts: int  # distinct (state, county text) pairs
    changed: list[dict]  # the pairs whose match changed: state, county_text, before, after
    entries_written: int


def rematch(db: Database, actor: Actor) -> RematchResult:
    """Recompute every stored county match and the quality-register entries of every raw row (after editing
    county_fixes.csv or matching.toml). One transaction; entries are replaced, never duplicated."""
    authorize(actor, "geo.rematch")
    with db.session(writing=True) as session:
        conn = session.connection()
        table = CountyMatch.__table__
        changed = []
        stored = conn.execute(select(table.c.id, table.c.state_usps, table.c.county_text, table.c.fips, table.c.status, table.c.rule, table.c.detail)).all()
        for row in stored:
            values = _match_values(row.state_usps, row.county_text)
            if (row.fips, row.status, row.rule, row.detail) != (values["fips"], values["status"], values["rule"], values["detail"]):
                conn.execute(update(table).where(table.c.id == row.id).values(fips=values["fips"], status=values["status"], rule=values["rule"], detail=values["detail"]))
                changed.append({"state": row.state_usps, "county_text": row.county_text, "before": {"fips": row.fips, "status": row.status}, "after": {"fips": values["fips"], "status": values["status"]}})
        raw_ids = list(conn.execute(select(RawRow.id).where(RawRow.county_text.is_not(None))).scalars())
        written = match_rows(conn, raw_ids)
        audit.record(session, actor, "counties.rematch", "county_matches", None, after={"texts": len(stored), "changed": changed, "entries_written": written})
        return RematchResult(len(stored), changed, written)


def _status_of_pairs(session: Session) -> dict[tuple[str | None, str], tuple[str, str]]:
    """(status, reason) of every (state, county text) the raw rows carry: stored, else computed now (rows
    ingested before county matching existed, until `g287 counties rematch` stores them)."""
    table = CountyMatch.__table__
    stored = {(r.state_usps, r.county_text): (r.status, r.rule) for r in session.execute(select(table.c.state_usps, table.c.county_text, table.c.status, table.c.rule))}
    result = {}
    for state, text in session.execute(select(RawRow.state_usps, RawRow.county_text).where(RawRow.county_text.is_not(None)).distinct()):
        if (state, text) in stored:
            result[(state, text)] = stored[(state, text)]
        else:
            m = matching.match_county(state, text)
            result[(state, text)] = (m.status, m.rule)
    return result


def unmatched(session: Session) -> list[dict]:
    """Every county text that matched no single county, with the rows and agencies that carry it."""
    result = []
    failures = sorted(((pair, value) for pair, value in _status_of_pairs(session).items() if value[0] in matching.FAILED), key=lambda kv: (kv[0][0] or "", kv[0][1]))
    for (state, text), (status, reason) in failures:
        state_condition = RawRow.state_usps.is_(None) if state is None else RawRow.state_usps == state
        rows = session.execute(
            select(RawRow.id, RawRow.kind, AgencyName.name)
            .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
            .where(state_condition, RawRow.county_text == text)
            .order_by(RawRow.id)
        ).all()
        result.append(
            {
                "state": state,
                "county_text": text,
                "status": status,
                "reason": reason,
                "raw_rows": [r.id for r in rows],
                "lists": sorted({r.kind for r in rows}),
                "agencies": sorted({r.name for r in rows if r.name}),
            }
        )
    return result


def match_summary(session: Session) -> dict:
    """How many raw rows with a county text matched, by status (rows, not distinct texts)."""
    statuses = _status_of_pairs(session)
    counts: dict[str, int] = defaultdict(int)
    for state, text in session.execute(select(RawRow.state_usps, RawRow.county_text).where(RawRow.county_text.is_not(None))):
        counts[statuses[(state, text)][0]] += 1
    total = sum(counts.values())
    located = counts.get(matching.MATCHED, 0) + counts.get(matching.FIXED, 0) + counts.get(matching.FORMER, 0)
    failed = sum(counts.get(s, 0) for s in matching.FAILED)
    return {"rows_with_county_text": total, "by_status": dict(sorted(counts.items())), "located": located, "failed": failed, "match_rate": round(located / (located + failed), 4) if located + failed else None}


def county_facts(session_or_conn, raw_row_ids: list[int]) -> dict[int, tuple[str | None, str | None]]:
    """(county text, matched FIPS) of each raw row; the FIPS is None when there is no text or no match."""
    table = CountyMatch.__table__
    query = (
        select(RawRow.id, RawRow.state_usps, RawRow.county_text, table.c.id.label("match_id"), table.c.fips)
        .select_from(RawRow)
        .outerjoin(table, and_(table.c.county_text == RawRow.county_text, or_(table.c.state_usps == RawRow.state_usps, and_(table.c.state_usps.is_(None), RawRow.state_usps.is_(None)))))
    )
    result = {}
    for chunk in chunks(sorted(set(raw_row_ids))):
        for raw_id, state, text, match_id, fips in session_or_conn.execute(query.where(RawRow.id.in_(chunk))):
            if text is not None and match_id is None:  # not stored yet (ingested before county matching existed)
                fips = matching.match_county(state, text).fips
            result[raw_id] = (text, fips)
    return result


def fips_of_raw_rows(session_or_conn, raw_row_ids: list[int]) -> dict[int, str | None]:
    """The matched county FIPS of each raw row (None: no county text, or not matched)."""
    return {raw_id: fips for raw_id, (_text, fips) in county_facts(session_or_conn, raw_row_ids).items()}


def county_of_raw_row(session: Session, raw_row_id: int) -> dict | None:
    """The county a raw row's COUNTY text was matched to ({fips, name, state, ...}), or None."""
    fips = fips_of_raw_rows(session, [raw_row_id]).get(raw_row_id)
    return county_by_fips(fips).as_dict() if fips else None


def county_of_agency(session: Session, agency_id: int) -> dict | None:
    """The county of an agency's latest published COUNTY text, or None (no text, or not matched)."""
    agency = session.get(Agency, agency_id)
    if agency is None or not agency.county_text:
        return None
    condition = CountyMatch.state_usps.is_(None) if agency.state_usps is None else CountyMatch.state_usps == agency.state_usps
    stored = session.scalars(select(CountyMatch).where(condition, CountyMatch.county_text == agency.county_text)).first()
    fips = stored.fips if stored is not None else matching.match_county(agency.state_usps, agency.county_text).fips
    return county_by_fips(fips).as_dict() if fips else None
