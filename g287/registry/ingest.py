"""Ingesting one publication: the service behind `g287 ingest` (g287.registry.batch for several files), the sync
and the web.

A file is read and interpreted completely before the database is touched; then the publication, its rows, runs,
agencies, agreements, quality entries and the audit event are written in one transaction. Any failure — a
damaged file, a wrong layout, an interruption — leaves the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from g287 import audit, config
from g287.access import Actor, authorize
from g287.db import dialect
from g287.db.engine import Database
from g287.db.plain import plain
from g287.db.models.registry import AgencyName, ListingRun, Publication, PublicationRows, QualityIssue, RawRow, RowProblem, series_of
from g287.errors import G287Error, SourceError
from g287.registry import runs
from g287.registry.agencies import AgreementFacts, NameFacts, agencies_of_raw_rows, listing_rank, refresh_agencies, resolve_names, upkeep_agreements
from g287.registry.processors import IngestEvent, NewRow, run_processors
from g287.registry.processors import load as load_processors
from g287.registry.processors import precompute as precompute_for_processors
from g287.registry.publications import order_key
from g287.registry.quality import publication_issues
from g287.sources.csvfile import read_csv
from g287.sources.filename import parse_file_name
from g287.sources.header import columns_of_fields, repeated_column_notes
from g287.sources.interpret import Layout, RowReading, read_row
from g287.sources.table import SourceTable
from g287.sources.xlsx import read_xlsx
from g287.wording import megabytes, quoted

SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv", ".txt": "csv"}
# How g287.program.publish names the lists it writes (…_registry, …_registry_2), wherever the name carries it: the
# site's XLSX of such a list adds to it (…_registry_g287_TX.xlsx), and a browser adds " (1)" to a second download.
_REGISTRY_LIST_NAME = re.compile(r"_registry(?![a-z0-9])", re.I)
ORIGINS = ("ice", "registry")


@dataclass
class PreparedPublication:
    path: Path
    sha256: str
    size_bytes: int
    kind: str
    published_on: dt.date
    half: str | None
    table: SourceTable
    readings: list[RowReading]
    origin: str = "ice"  # "registry" for the lists this registry publishes itself
    precomputed: dict[str, object] = field(default_factory=dict)  # the processors' pure work (processors.precompute)

    @property
    def series(self) -> str:
        return series_of(self.origin, self.kind)


@dataclass
class IngestResult:
    file: str
    status: str  # ingested | unchanged
    publication_id: int
    kind: str
    published: str
    half: str | None
    listings: int
    source_rows: int
    quality_entries: int = 0
    notes: list[str] = field(default_factory=list)


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        facts = os.stat(path)
        kind = kind_of_non_file(facts.st_mode)
        if kind:
            # Read, a named pipe waits for a writer and a device such as /dev/zero never ends: g287 ingest hung.
            raise SourceError(path.name, f"not a file of data but {kind}: it is not read")
        if facts.st_size > config.max_workbook_bytes():
            # A list is no larger than its parts (a workbook's decompress to at most this): a larger file was read
            # whole for its sha256 first, minutes for a sparse file of 50 GB, and only then refused.
            raise SourceError(path.name, f"refused: {megabytes(facts.st_size)} is larger than any list (limit G287_MAX_WORKBOOK_MB)")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    except OSError as error:
        raise SourceError(path.name, f"cannot be read ({error.strerror or error})") from None
    return digest.hexdigest(), size


def kind_of_non_file(mode: int) -> str | None:
    """What a path that is no regular file is (after its links are followed), in words; None for a regular file or a
    folder (which reading names)."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None


def format_of_name(path: Path, origin: str = "ice") -> str:
    """The file's format ("xlsx" or "csv") by its name, which must also say whose list it is as `origin` does; what is
    refused here is refused by its name alone, so the command line says it before the database is opened."""
    if origin not in ORIGINS:
        raise G287Error(f"unknown origin {quoted(origin)}: one of {', '.join(ORIGINS)}")
    if origin == "ice" and _REGISTRY_LIST_NAME.search(path.stem):
        # g287.program.publish names its own lists so: taken as ICE's, they would become ICE's figures.
        raise SourceError(path.name, "a list this registry published itself (its name carries _registry), not ICE's: ingest it with --origin registry")
    if origin == "registry" and not _REGISTRY_LIST_NAME.search(path.stem):
        # The other way round: one of ICE's lists taken as the registry's would be held under its sha256 for good,
        # and ingesting it again as ICE's would change nothing.
        raise SourceError(path.name, "not a list this registry published (g287 program publish names them ..._registry.xlsx, and the site's copies keep _registry): ICE's lists are ingested without --origin registry")
    source_format = SUFFIXES.get(path.suffix.lower())
    if source_format is None:
        raise SourceError(path.name, "not a publication: expected an .xlsx workbook or a .csv file")
    return source_format


def prepare(
    path: Path, *, kind: str | None = None, published: tuple[dt.date, str | None] | None = None, encoding: str | None = None, origin: str = "ice",
    digest: tuple[str, int] | None = None,
) -> PreparedPublication:
    """Read and interpret a file without touching the database. `origin` is "registry" for the lists this registry
    publishes itself (g287.program.publish), which may be empty (every agreement of a list signed or ended).
    `digest`: the file's (sha256, size) when the caller has just computed it."""
    path = Path(path)
    source_format = format_of_name(path, origin)
    if not path.is_file():
        raise SourceError(str(path), "no such file")
    sha256, size = digest or file_digest(path)
    kind, published_on, half = kind_and_date(path, kind, published)
    if published_on is None:
        raise SourceError(path.name, "cannot tell the publication date: name the file like participatingAgencies05292025am.xlsx or pass --published YYYY-MM-DD[am|pm]")
    try:
        table = read_xlsx(path) if source_format == "xlsx" else read_csv(path, encoding)
        if kind is None:  # a name that does not tell: by the columns, under every spelling the reader accepts
            kind = kind_of_columns(table.header)
        elif kind == "pending" and kind_of_columns(table.header) == "participating":
            # Read as pending, a participating list would count its MOAs as pending listings, for good: the same
            # file again (same sha256, same day) is "unchanged". (A pending list taken as participating lacks required columns.)
            raise SourceError(path.name, "its columns (a signed date, an MOA) are the participating list's, not the pending list's: nothing was ingested")
        layout = Layout(table, kind)
        # Said here, not by the readers: which of two columns naming one field is read depends on the kind of list
        # (a pending list reads no ADDENDUM column, the first included).
        table.notes.extend(repeated_column_notes(table.header, table.header_row, kind, layout.read_columns))
        readings = [read_row(layout, row) for row in table.rows]
    except G287Error:
        raise
    except Exception as error:  # a value no reader foresaw: still one line naming the file, and nothing written
        raise SourceError(path.name, f"cannot be read: unexpected {type(error).__name__} ({error}); please report this file") from error
    if not any(r.listing for r in readings) and origin == "ice":
        raise SourceError(path.name, "the list has a header but no rows with data")
    if file_digest(path) != (sha256, size):
        # What was read must be what the digest names: a publication is known by its sha256 and day (the same file
        # again changes nothing), so rows of other bytes under it would keep the real file out for good.
        raise SourceError(path.name, "the file changed while it was being read: nothing was ingested; ingest it again once it is complete")
    return PreparedPublication(path, sha256, size, kind, published_on, half, table, readings, origin, precompute_for_processors(readings))


def kind_and_date(path: Path, kind: str | None = None, published: tuple[dt.date, str | None] | None = None) -> tuple[str | None, dt.date | None, str | None]:
    """The list, date and half (None: not known yet) a file is held under: its name's, and the caller's (--kind,
    --published) where the name does not say them. A kind, date or half given that the name contradicts is refused:
    the list would be held as the other list, or under the other date, for good (the same file again, by its sha256 and
    day, changes nothing); a half left out is the one the name gives. Every caller alike, whatever it passes (a date
    given for a name that says none is taken): the command line checks it before it opens the database, ingest_file
    and the batch before they ask whether the file is held already, and prepare before it reads the file."""
    path = Path(path)
    named = parse_file_name(path.stem)
    if kind is not None and named.kind is not None and kind != named.kind:
        raise SourceError(path.name, f"the file name says the {named.kind} list, --kind says {kind}: nothing was ingested")
    if published is None or named.published_on is None:
        return kind or named.kind, *(published or (named.published_on, named.half))
    day, half = published
    if day != named.published_on or (half and named.half and half != named.half):
        said = named.published_on.isoformat() + (f" {named.half}" if named.half else "")
        given = day.isoformat() + (half or "")  # as --published is written
        raise SourceError(path.name, f"the file name says {said}, --published says {quoted(given)}: nothing was ingested")
    return kind or named.kind, day, half or named.half


def kind_of_columns(header: list[str]) -> str:
    """participating when the header has a column only the participating list has (signed date, MOA), under any
    spelling the reader accepts (source_values.toml); else pending."""
    fields, _repeats = columns_of_fields(header)
    return "participating" if fields.keys() & {"signed", "moa"} else "pending"


def already_ingested(session: Session, sha256: str, published_on: dt.date | None = None, half: str | None = None, **kind_and_origin) -> Publication | None:
    """The publication holding these bytes under this date, kind and origin (see publication_holding), if any."""
    # A plain query first: most files asked about are new, and loading no ORM object is cheaper.
    found = publication_holding(session.connection(), sha256, published_on, half, **kind_and_origin)
    return session.get(Publication, found) if found is not None else None


def publication_holding(conn: Connection, sha256: str, published_on: dt.date | None = None, half: str | None = None, *, kind: str | None = None, origin: str | None = None) -> int | None:
    """The id of the first publication of the file with this sha256 published on this day, in this half where both
    say one (any day when the name gives none), as this kind of list and from this origin where they are known. The
    same bytes under another day's name are a publication of that day too: held only under the first day ingested,
    the other day's list was "unchanged" and missing from the series. The same bytes as another kind or origin are
    not this publication: a pending list's bytes named as its day's participating list, or the registry's list named
    as ICE's, were "unchanged" (the other list taken for this one); they are read, and refused (prepare, _same_bytes_held)."""
    for found, day, held_half, held_kind, held_origin in _PUBLICATION_HOLDING.rows(conn, sha256=sha256):
        if (kind is None or held_kind == kind) and (origin is None or held_origin == origin) and (published_on is None or _same_day(day, held_half, published_on, half)):
            return found
    return None


def _same_day(day: dt.date, half: str | None, other_day: dt.date, other_half: str | None) -> bool:
    """Whether two names give the same publication day: the same date, in the same half where both say one."""
    return day == other_day and (half is None or other_half is None or half == other_half)


def ingest_file(db: Database, path: Path, actor: Actor, **options) -> IngestResult:
    """Ingest one file; the same file again (same sha256, same day) changes nothing and says so."""
    authorize(actor, "publication.ingest")
    path = Path(path)
    # Refused even for a file held already, as the command line refuses it; and the day the file is held under.
    kind, published_on, half = kind_and_date(path, options.get("kind"), options.get("published"))
    digest = file_digest(path)
    with db.session() as session:
        existing = already_ingested(session, digest[0], published_on, half, kind=kind, origin=options.get("origin", "ice"))
        if existing is not None:
            return unchanged_result(path, existing)
    prepared = prepare(path, digest=digest, **options)
    with registry_change(db) as session:
        existing = already_ingested(session, prepared.sha256, prepared.published_on, prepared.half, kind=prepared.kind, origin=prepared.origin)
        if existing is not None:
            return unchanged_result(path, existing)
        return write_publication(session, prepared, actor)


@contextmanager
def registry_change(db: Database) -> Iterator[Session]:
    """A writing session for a change that reads a series of publications, or the agencies made of them, before it
    writes: an ingest, a decision on agency identity (g287.history.review). On PostgreSQL it first waits until every
    other such change has ended (on SQLite every writing session does): two ingests at once each read the series
    without the other's publication, so the same file was written twice and two lists created the same new agency
    names (the second refused by a unique index, in a database error), and two files could take one place in the
    series; a review decision during an ingest ended in a deadlock, or with neither order's outcome."""
    with db.session(writing=True) as session:
        take_registry_turn(session)
        yield session


def take_registry_turn(session: Session) -> None:
    """On PostgreSQL, wait until every other registry change (registry_change) has ended, and make the others wait
    for this transaction: for a change that creates registry agencies from elsewhere (the workflow's signed MOA), to
    be taken before it locks anything an ingest changes."""
    dialect.take_turns(session.connection(), "registry change")


def unchanged_result(path: Path, existing: Publication) -> IngestResult:
    """The result for a file held already (same sha256, same day): nothing changed."""
    return IngestResult(
        file=path.name,
        status="unchanged",
        publication_id=existing.id,
        kind=existing.kind,
        published=existing.published_on.isoformat(),
        half=existing.half,
        listings=existing.listing_count,
        source_rows=existing.source_rows,
        notes=[f"already ingested as publication {existing.id} ({existing.file_name}); nothing changed"],
    )


def checkpoint(step: str) -> None:
    """Called between the steps of a write; tests replace it to interrupt an ingest half-way."""


class CommittedIds:
    """Ids a batch has seen committed: of raw rows, by (kind, digest), and of agency names, by (state, name). Raw
    rows and agency names are never deleted or renumbered (a merge re-points a name, keeping its id), so the writer
    of a batch asks the database only about the ones it has not seen; ids learned in a transaction count once it
    commits."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], int] = {}
        self.pending: dict[tuple[str, str], int] = {}
        self.name_ids: dict[tuple[str | None, str], int] = {}
        self.pending_names: dict[tuple[str | None, str], int] = {}

    def committed(self) -> None:
        self.ids.update(self.pending)
        self.name_ids.update(self.pending_names)
        self.pending, self.pending_names = {}, {}

    def rolled_back(self) -> None:
        self.pending, self.pending_names = {}, {}


def write_publication(session: Session, prepared: PreparedPublication, actor: Actor, known: CommittedIds | None = None) -> IngestResult:
    conn = session.connection()
    now = dt.datetime.now(dt.timezone.utc)
    table = prepared.table
    seq, is_latest = _position(conn, prepared, now)
    notes = _same_bytes_held(conn, prepared)
    listings = [r for r in prepared.readings if r.listing]
    (publication_id,) = _NEW_PUBLICATION.inserted_ids(
        conn,
        [
            {
                "kind": prepared.kind,
                "published_on": prepared.published_on,
                "half": prepared.half,
                "file_name": prepared.path.name,
                "sha256": prepared.sha256,
                "size_bytes": prepared.size_bytes,
                "source_format": table.source_format,
                "source_modified_at": table.modified_at,
                "sheet_name": table.sheet_name,
                "header_row": table.header_row,
                "columns": table.header,
                "source_rows": table.source_rows,
                "listing_count": len(listings),
                "seq": seq,
                "origin": prepared.origin,
                "series": prepared.series,
                "imported_at": now,
            }
        ],
    )
    checkpoint("publication")
    raw_ids, new_readings, new_agency_ids = _store_raw_rows(conn, prepared.kind, listings, known)
    if known is not None:
        known.pending.update({(prepared.kind, digest): raw_id for digest, raw_id in raw_ids.items()})
    checkpoint("raw rows")

    mapped: list[runs.MappedRow] = []
    occurrences: dict[int, int] = {}
    for source_row, reading in zip(table.rows, prepared.readings):
        if not reading.listing:
            continue
        raw_id = raw_ids[reading.digest]
        occurrence = occurrences.get(raw_id, 0)
        occurrences[raw_id] = occurrence + 1
        mapped.append(runs.MappedRow(source_row.number, raw_id, occurrence))
    changed_raw_ids = runs.place(conn, prepared.series, seq, {(raw_id, occurrence) for _number, raw_id, occurrence in mapped})
    _NEW_PUBLICATION_ROWS.many(conn, [{"publication_id": publication_id, "row_map": runs.encode_row_map(mapped)}])
    checkpoint("runs")

    new_rows = tuple(
        sorted(
            (
                NewRow(raw_ids[r.digest], r.state, r.agency_name, r.agency_type, r.county_text, r.model, r.moa_url, r.addendum_url)
                for r in new_readings
            ),
            key=lambda row: row.raw_row_id,
        )
    )
    # Other concerns' work on the new rows (identity across renames, county matching...), before agreements
    # are derived, so that they see the agencies as identity resolution leaves them.
    run_processors(
        conn,
        IngestEvent(
            publication_id=publication_id,
            kind=prepared.kind,
            origin=prepared.origin,
            series=prepared.series,
            seq=seq,
            is_latest=is_latest,
            new_rows=new_rows,
            new_agency_ids=sorted(new_agency_ids),
            listed_raw_row_ids=sorted({raw_id for _number, raw_id, _occurrence in mapped}),
            precomputed=prepared.precomputed,
        ),
    )
    checkpoint("processors")

    agency_of_raw = _agencies_of_rows(conn, prepared.series, seq)
    issues = publication_issues(prepared, raw_ids, agency_of_raw)
    _NEW_QUALITY_ISSUE.many(conn, [dict(i, publication_id=publication_id) for i in issues])
    checkpoint("quality")

    # A new latest publication changes only the agreements and agencies of the rows that changed since the one
    # before; a publication inserted among others, or the first of its series, may change any of them.
    affected = None
    if is_latest and seq > 1:  # the agencies of the rows listed now are known; only rows no longer listed are asked about
        affected = {agency_of_raw[r] for r in changed_raw_ids if r in agency_of_raw} - {None}
        affected |= agencies_of_raw_rows(conn, {r for r in changed_raw_ids if r not in agency_of_raw})
    agreement_facts: dict[tuple[int, str], AgreementFacts | None] = {}
    latest_names: dict[int, tuple[str, str | None, str | None]] = {}
    for reading in listings:
        agency_id = agency_of_raw.get(raw_ids[reading.digest])
        if agency_id is None or (affected is not None and agency_id not in affected):
            continue
        latest_names.setdefault(agency_id, (reading.agency_name, reading.agency_type, reading.county_text))
        if reading.model:
            fact = AgreementFacts(reading.signed_on, reading.moa_url, reading.addendum_url) if prepared.kind == "participating" else None
            key = (agency_id, reading.model)
            # A duplicate listing of one agreement: the one listing_rank prefers (whatever the order of the rows).
            current = agreement_facts.get(key)
            if key not in agreement_facts or (fact and (current is None or listing_rank(fact.moa_url, fact.signed_on) > listing_rank(current.moa_url, current.signed_on))):
                agreement_facts[key] = fact
    # The registry's own lists are built from its records: they give no agency its name, type or county, and keep
    # their agreements' facts to those no list of ICE's holds (upkeep_agreements).
    from_ice = prepared.origin == "ice"
    upkeep_agreements(conn, agreement_facts, latest=is_latest and prepared.kind == "participating", origin=prepared.origin)
    if is_latest and from_ice:
        refresh_agencies(conn, latest_names)
    checkpoint("agreements")

    audit.record(
        session,
        actor,
        "publication.ingest",
        "publication",
        publication_id,
        after={
            "file": prepared.path.name,
            "sha256": prepared.sha256,
            "kind": prepared.kind,
            "published": prepared.published_on.isoformat(),
            "half": prepared.half,
            "listings": len(listings),
            "source_rows": table.source_rows,
        },
    )
    session.flush()
    checkpoint("audit")
    return IngestResult(
        file=prepared.path.name,
        status="ingested",
        publication_id=publication_id,
        kind=prepared.kind,
        published=prepared.published_on.isoformat(),
        half=prepared.half,
        listings=len(listings),
        source_rows=table.source_rows,
        quality_entries=len(issues) + _row_problems_listed(conn, occurrences),
        notes=notes,
    )


def _same_bytes_held(conn: Connection, prepared: PreparedPublication) -> list[str]:
    """A note when the same bytes are held already under another day (publication_holding): a publication of this
    day too, said so that nobody takes it for a second file. A file whose bytes are held on its day as another kind
    of list or from another origin (which publication_holding does not take for it) is refused: one file is one
    list, and the database holds a file once a day."""
    held = _PUBLICATION_HOLDING.rows(conn, sha256=prepared.sha256)
    for found, day, held_half, held_kind, held_origin in held:
        if _same_day(day, held_half, prepared.published_on, prepared.half):
            that = f"{'ICE' if held_origin == 'ice' else 'this registry'}'s {held_kind} list"
            this = f"{'ICE' if prepared.origin == 'ice' else 'this registry'}'s {prepared.kind} list"
            raise SourceError(prepared.path.name, f"the same file is held already as {that} of {day.isoformat()} (publication {found}), not {this}: nothing was ingested")
    if not held:
        return []
    first, day, half, _kind, _origin = held[0]
    return [f"the same file as publication {first} ({day.isoformat()}{' ' + half if half else ''}): held as this day's publication too"]


# Columns of the tables the plain statements below use (Core, not ORM attributes: see g287.db.plain).
_agency_names = AgencyName.__table__.c
_raw_rows = RawRow.__table__.c
_runs = ListingRun.__table__.c
_row_problems = RowProblem.__table__.c
_publications = Publication.__table__.c

_PUBLICATION_HOLDING = plain(
    select(_publications.id, _publications.published_on, _publications.half, _publications.kind, _publications.origin).where(_publications.sha256 == bindparam("sha256")).order_by(_publications.id)
)
_PUBLICATIONS_OF_SERIES = plain(
    select(_publications.id, _publications.published_on, _publications.half, _publications.source_modified_at, _publications.imported_at, _publications.seq)
    .where(_publications.series == bindparam("series"))
    .order_by(_publications.seq)
)
_NEW_PUBLICATION = plain(
    insert(Publication.__table__),
    columns=(
        "id", "kind", "published_on", "half", "file_name", "sha256", "size_bytes", "source_format", "source_modified_at", "sheet_name", "header_row",
        "columns", "source_rows", "listing_count", "seq", "origin", "series", "imported_at",
    ),
)


def _position(conn: Connection, prepared: PreparedPublication, now: dt.datetime) -> tuple[int, bool]:
    """Where the new publication goes in its series (making room if it is not the last)."""
    rows = _PUBLICATIONS_OF_SERIES.rows(conn, series=prepared.series)
    new_key = order_key(prepared.published_on, prepared.half, prepared.table.modified_at, now, 1 << 62)
    before = sum(1 for publication_id, published_on, half, modified_at, imported_at, _seq in rows if order_key(published_on, half, modified_at, imported_at, publication_id) < new_key)
    seq = before + 1
    if seq <= len(rows):
        runs.make_room(conn, prepared.series, seq)
    return seq, seq == len(rows) + 1


_NEW_PUBLICATION_ROWS = plain(insert(PublicationRows.__table__), columns=("publication_id", "row_map"))
_NEW_QUALITY_ISSUE = plain(insert(QualityIssue.__table__), columns=("publication_id", "row_number", "column", "raw_value", "problem", "action", "category", "rows_skipped"))
_RAW_ROW_COLUMNS = (
    "id", "kind", "digest", "content", "state_usps", "agency_name_id", "model", "agency_type", "county_text", "signed_on", "moa_status", "moa_url", "addendum_url",
)
_RAW_ROW_IDS = plain(select(_raw_rows.digest, _raw_rows.id).where(_raw_rows.kind == bindparam("kind"), _raw_rows.digest.in_(bindparam("digests", expanding=True))))
_NEW_RAW_ROW = plain(insert(RawRow.__table__), columns=_RAW_ROW_COLUMNS)
_NEW_ROW_PROBLEM = plain(insert(RowProblem.__table__), columns=("raw_row_id", "column", "raw_value", "problem", "action", "category"))


def _store_raw_rows(conn: Connection, kind: str, listings: list[RowReading], known: CommittedIds | None = None) -> tuple[dict[str, int], list[RowReading], list[int]]:
    """Raw row ids by digest, storing the rows (with their problems and agency names) not stored before;
    also the readings of the rows stored now and the ids of the agencies created for names never seen before."""
    digests = sorted({r.digest for r in listings})
    ids: dict[str, int] = {}
    if known is not None:
        ids = {d: known.ids[(kind, d)] for d in digests if (kind, d) in known.ids}
    ids.update(_RAW_ROW_IDS.rows_in_chunks(conn, "digests", [d for d in digests if d not in ids], kind=kind))
    new = {}
    for reading in listings:
        if reading.digest not in ids and reading.digest not in new:
            new[reading.digest] = reading
    if not new:
        return ids, [], []
    wanted = {}
    for reading in new.values():
        if reading.agency_name:
            wanted.setdefault((reading.state, reading.agency_name), NameFacts(reading.agency_type, reading.county_text))
    name_ids = {pair: known.name_ids[pair] for pair in wanted if pair in known.name_ids} if known is not None else {}
    resolved, new_agency_ids = resolve_names(conn, {pair: facts for pair, facts in wanted.items() if pair not in name_ids})
    name_ids.update(resolved)
    if known is not None:
        known.pending_names.update(resolved)
    rows = list(new.values())
    returned = _NEW_RAW_ROW.inserted_ids(
        conn,
        [
            {
                "kind": kind,
                "digest": r.digest,
                "content": r.content,
                "state_usps": r.state,
                "agency_name_id": name_ids.get((r.state, r.agency_name)) if r.agency_name else None,
                "model": r.model,
                "agency_type": r.agency_type,
                "county_text": r.county_text,
                "signed_on": r.signed_on,
                "moa_status": r.moa_status,
                "moa_url": r.moa_url,
                "addendum_url": r.addendum_url,
            }
            for r in rows
        ],
    )
    ids.update((r.digest, raw_id) for r, raw_id in zip(rows, returned))
    _NEW_ROW_PROBLEM.many(
        conn,
        (
            {"raw_row_id": ids[r.digest], "column": p.column, "raw_value": p.raw_value, "problem": p.problem, "action": p.action, "category": p.category}
            for r in rows
            for p in r.problems
        ),
    )
    return ids, rows, new_agency_ids


_AGENCIES_OF_LISTED_ROWS = plain(
    select(_raw_rows.id, _agency_names.agency_id)
    .select_from(ListingRun.__table__)
    .join(RawRow.__table__, _raw_rows.id == _runs.raw_row_id)
    .outerjoin(AgencyName.__table__, _agency_names.id == _raw_rows.agency_name_id)
    .where(runs.covering(bindparam("series"), bindparam("seq")))
)


_PROBLEMS_OF_ROWS = plain(
    select(_row_problems.raw_row_id, func.count()).where(_row_problems.raw_row_id.in_(bindparam("ids", expanding=True))).group_by(_row_problems.raw_row_id)
)


def _row_problems_listed(conn: Connection, listings_of_raw: dict[int, int]) -> int:
    """The register entries of a publication's rows, as `g287 quality` lists them: every problem stored with a
    listed row (the reader's and the processors', such as county matching), once per listing of it."""
    counts = _PROBLEMS_OF_ROWS.rows_in_chunks(conn, "ids", sorted(listings_of_raw))
    return sum(count * listings_of_raw[raw_id] for raw_id, count in counts)


def _agencies_of_rows(conn: Connection, series: str, seq: int) -> dict[int, int | None]:
    """The agency of every raw row listed by the publication at `seq` (after identity resolution)."""
    return dict(_AGENCIES_OF_LISTED_ROWS.rows(conn, series=series, seq=seq))


# Every ingest runs the processors: their modules are imported with this one, not during the first file.
load_processors()
