"""The data-quality register: every source row that is not a listing, and every value repaired or unknown.

Problems a row carries whatever publication lists it are stored once with the row (row_problems); problems of a
publication as a whole — rows that are not listings, duplicates, hidden rows, layout notes — are stored with it
(quality_issues). The register of a publication joins both, with the row numbers of that publication.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.db.chunks import chunks
from g287.db.models.registry import AgencyName, ListingRun, Publication, PublicationRows, QualityIssue, RawRow, RowProblem
from g287.registry.runs import decode_row_map
from g287.sources.interpret import as_shown
from g287.sources.table import is_blank

if TYPE_CHECKING:
    from g287.registry.ingest import PreparedPublication


def publication_issues(prepared: "PreparedPublication", raw_ids: dict[str, int], agency_of_raw: dict[int, int | None]) -> list[dict]:
    """Entries for the publication as a whole, ready to insert (without publication_id)."""
    entries = [
        _entry(n.row_number, n.column, n.raw_value, n.problem, n.action, n.category, n.rows_skipped)
        for n in prepared.table.notes
    ]
    hidden = []
    first_of_row: dict[int, int] = {}
    first_of_agreement: dict[tuple[int, str], int] = {}
    for source_row, reading in zip(prepared.table.rows, prepared.readings):
        number = source_row.number
        if not reading.listing:
            entries.append(_entry(number, None, _row_text(source_row.cells), reading.not_listing_reason, "not a listing", "not_a_listing", 1))
            continue
        if source_row.hidden:
            hidden.append(number)
        raw_id = raw_ids[reading.digest]
        if raw_id in first_of_row:
            entries.append(
                _entry(number, None, None, f"row {number} repeats row {first_of_row[raw_id]} exactly", "counted as a listing, as ICE counts rows; one agreement", "duplicate")
            )
        else:
            first_of_row[raw_id] = number
            agency_id = agency_of_raw.get(raw_id)
            if agency_id is not None and reading.model:
                key = (agency_id, reading.model)
                if key in first_of_agreement:
                    entries.append(_same_agreement(number, first_of_agreement[key]))
                else:
                    first_of_agreement[key] = number
        if reading.signed_on and reading.signed_on > prepared.published_on:
            entries.append(
                _entry(number, "SIGNED", reading.signed_on.isoformat(), f"signed date after the publication date {prepared.published_on.isoformat()}", "kept as published", "note")
            )
    if hidden:
        entries.append(
            _entry(hidden[0], None, compact_ranges(hidden), f"{len(hidden)} rows hidden by a filter or by hand", "counted as listings: hidden rows are data", "note")
        )
    return entries


_SAME_AGREEMENT = "lists the same agreement (agency and model) as row"


def _same_agreement(number: int, first: int) -> dict:
    return _entry(number, None, None, f"row {number} {_SAME_AGREEMENT} {first}", "counted as a listing, as ICE counts rows; one agreement", "duplicate")


def refresh_same_agreement(session: Session, agency_ids: set[int]) -> None:
    """Names joined or parted after ingest (a review decision, an alias added or removed) make rows of one list one
    agreement, or two: the register's entries "lists the same agreement" of these agencies' rows are written again,
    as an ingest would write them now (they said so of rows no longer one agreement, and not of rows now one)."""
    agency_ids = {a for a in agency_ids if a is not None}
    if not agency_ids:
        return
    query = select(RawRow.id, AgencyName.agency_id, RawRow.model).join(AgencyName, AgencyName.id == RawRow.agency_name_id)
    of_raw = {raw_id: (agency_id, model) for raw_id, agency_id, model in session.execute(query.where(AgencyName.agency_id.in_(sorted(agency_ids))))}
    listed = set()
    for chunk in chunks(sorted(of_raw)):
        listed |= set(
            session.scalars(
                select(Publication.id)
                .join(ListingRun, (ListingRun.series == Publication.series) & (ListingRun.first_seq <= Publication.seq) & (ListingRun.last_seq >= Publication.seq))
                .where(ListingRun.raw_row_id.in_(chunk))
            )
        )
    for publication_id in sorted(listed):
        blob = session.get(PublicationRows, publication_id)
        rows = sorted(decode_row_map(blob.row_map)) if blob is not None else []
        mine = {row.row_number for row in rows if row.raw_row_id in of_raw}
        for issue in session.scalars(select(QualityIssue).where(QualityIssue.publication_id == publication_id, QualityIssue.category == "duplicate")):
            if issue.row_number in mine and _SAME_AGREEMENT in issue.problem:
                session.delete(issue)
        first_of_agreement: dict[tuple[int, str], int] = {}
        for row in rows:
            agency_id, model = of_raw.get(row.raw_row_id, (None, None))
            if row.occurrence or agency_id is None or not model:  # an exact repeat is an entry of its own
                continue
            if (agency_id, model) in first_of_agreement:
                session.add(QualityIssue(publication_id=publication_id, **_same_agreement(row.row_number, first_of_agreement[(agency_id, model)])))
            else:
                first_of_agreement[(agency_id, model)] = row.row_number
    session.flush()


def _entry(row, column, raw_value, problem, action, category, rows_skipped=0) -> dict:
    return {
        "row_number": row,
        "column": column,
        "raw_value": raw_value,
        "problem": problem,
        "action": action,
        "category": category,
        "rows_skipped": rows_skipped,
    }


def _row_text(cells) -> str:
    """A row's values as Excel shows them (635, not Python's 635.0; TRUE, not True), as the register quotes values."""
    shown = " | ".join(as_shown(c) for c in cells if not is_blank(c))
    if len(shown) <= _ROW_TEXT_KEPT:
        return shown
    # The register quotes the start of a long row, and says so (the rest is in the publication's file).
    return f"{shown[:_ROW_TEXT_KEPT]} … (cut: {len(shown):,} characters in all)"


_ROW_TEXT_KEPT = 500


def compact_ranges(numbers: list[int], noun: str = "rows") -> str:
    """[3, 4, 5, 9] -> 'rows 3-5, 9' (or 'pages 3-5, 9' with noun="pages")."""
    parts = []
    start = previous = None
    for n in sorted(numbers):
        if start is None:
            start = previous = n
        elif n == previous + 1:
            previous = n
        else:
            parts.append(f"{start}-{previous}" if previous != start else str(start))
            start = previous = n
    if start is not None:
        parts.append(f"{start}-{previous}" if previous != start else str(start))
    return noun + " " + ", ".join(parts)


@dataclass(frozen=True)
class RegisterEntry:
    publication_id: int
    file: str
    row: int | None
    column: str | None
    raw_value: str | None
    problem: str
    action: str
    category: str
    rows_skipped: int


def register(session: Session, publication: Publication) -> list[RegisterEntry]:
    """The quality register of one publication, in row order."""
    entries = [
        RegisterEntry(publication.id, publication.file_name, q.row_number, q.column, q.raw_value, q.problem, q.action, q.category, q.rows_skipped)
        for q in session.scalars(select(QualityIssue).where(QualityIssue.publication_id == publication.id))
    ]
    blob = session.get(PublicationRows, publication.id)
    if blob is not None:
        rows = decode_row_map(blob.row_map)
        numbers_of_raw: dict[int, list[int]] = {}
        for row in rows:
            numbers_of_raw.setdefault(row.raw_row_id, []).append(row.row_number)
        raw_ids = sorted(numbers_of_raw)
        for chunk in chunks(raw_ids):
            for problem in session.scalars(select(RowProblem).where(RowProblem.raw_row_id.in_(chunk))):
                for number in numbers_of_raw[problem.raw_row_id]:
                    entries.append(
                        RegisterEntry(publication.id, publication.file_name, number, problem.column, problem.raw_value, problem.problem, problem.action, problem.category, 0)
                    )
    entries.sort(key=lambda e: (e.row is None, e.row or 0, e.column or "", e.problem))
    return entries


def summary(entries: list[RegisterEntry]) -> list[dict]:
    """How many entries of each category and problem."""
    counts = Counter((e.category, e.problem if e.row is None or "row " not in e.problem else _generic(e.problem)) for e in entries)
    return [{"category": c, "problem": p, "entries": n} for (c, p), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _generic(problem: str) -> str:
    if "repeats row" in problem:
        return "a row repeats another exactly"
    if "same agreement" in problem:
        return "a row lists the same agreement as another"
    return problem


def as_dicts(entries: list[RegisterEntry]) -> list[dict]:
    return [asdict(e) for e in entries]
