"""Publications: their order, which one is in force on a date, and how users name them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from g287.db.models.registry import Publication, series_of
from g287.db.ids import record_id
from g287.db.times import as_utc
from g287.days import DAY_RANGE_PROBLEM, in_day_range
from g287.errors import G287Error, NotFound
from g287.wording import quoted

_HALF_RANK = {None: 0, "am": 0, "pm": 1}


def order_key(published_on: dt.date, half: str | None, modified_at: dt.datetime | None, imported_at: dt.datetime, ident: int) -> tuple:
    """Publications of one kind in the order ICE published them: by date, am before pm; for the same list
    published twice, the one the workbook's metadata says was modified later, else the one ingested later.

    A list that carries no modification time (a CSV, a workbook without metadata) comes before one that does,
    whatever the order of ingestion: a time of ingestion says nothing about when ICE modified a list, and comparing
    one with the other made the order depend on which file was ingested first."""
    stamp = as_utc(modified_at) if modified_at is not None else _NO_MODIFICATION_TIME
    return (published_on, half_rank(half), stamp, as_utc(imported_at), ident)


def half_rank(half: str | None) -> int:
    """Where a list's half-day puts it among the lists of its date: am (or no half) before pm."""
    return _HALF_RANK.get(half, 0)


_NO_MODIFICATION_TIME = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def whose(publication) -> str:
    """"ICE's" or "this registry's": whose list a stored publication is, as every page, message and answer says it."""
    return "ICE's" if publication.origin == "ice" else "this registry's"


def whose_list(publication) -> str:
    """"ICE's participating list", "this registry's pending list"."""
    return f"{whose(publication)} {publication.kind} list"


def label(publication: Publication) -> str:
    """'2025-05-29 am' — how pages and messages name a publication's date."""
    return publication.published_on.isoformat() + (f" {publication.half}" if publication.half else "")


def distinct_labels(publications: Sequence) -> dict[int, str]:
    """Each publication's label, by id, for publications of one series in publication order (Publication, or any
    object with id, published_on, half and file_name or file): its date and half, and where another of them has the
    same ("2025-07-03 pm": ICE published the list again that day, as participatingAgencies07032025pm__v2.xlsx) also
    its file's name; for two files of one name, their place among the files so named, in publication order (the one
    whose workbook was modified later, else the one ingested later, comes after: see order_key)."""
    by_label: dict[str, list] = {}
    for publication in publications:
        by_label.setdefault(label(publication), []).append(publication)
    labels: dict[int, str] = {}
    for text, group in by_label.items():
        for publication in group:
            labels[publication.id] = text
            if len(group) > 1:
                name = _file_name(publication)
                named = [p for p in group if _file_name(p) == name]
                where = f" ({named.index(publication) + 1} of {len(named)} so named, in publication order)" if len(named) > 1 else ""
                labels[publication.id] = f"{text}, {name}{where}"
    return labels


def distinct_label(publication: Publication) -> str:
    """The publication's label, naming its file when another publication of its list has the same date and half."""
    session = object_session(publication)
    if session is None:
        return label(publication)
    return labels_of(session, [publication])[publication.id]


def labels_of(session: Session, publications: Sequence[Publication]) -> dict[int, str]:
    """distinct_label of each publication, by id, in one query however many they are (distinct_label in a loop
    read each one's peers apart): the publications of their series between their first and last dates, grouped by
    series. The range, not the list of dates, keeps the statement one size (and within every database's limit
    of parameters); the few lists it reads between those dates are left out by the label's own grouping."""
    if not publications:
        return {}
    peers = session.execute(
        select(Publication.id, Publication.series, Publication.published_on, Publication.half, Publication.file_name)
        .where(
            Publication.series.in_(sorted({p.series for p in publications})),
            Publication.published_on.between(min(p.published_on for p in publications), max(p.published_on for p in publications)),
        )
        .order_by(Publication.series, Publication.seq)
    ).all()
    by_series: dict[str, list] = {}
    for peer in peers:
        by_series.setdefault(peer.series, []).append(peer)
    labels: dict[int, str] = {}
    for group in by_series.values():
        labels.update(distinct_labels(group))
    return {p.id: labels.get(p.id, label(p)) for p in publications}


def named_apart(publication, named: str | None) -> str:
    """What the publication's distinct label adds to its date and half: ", participatingAgencies07032025pm__v2.xlsx"
    (and its place among the files so named) when another list of its series has its date and half; "" otherwise,
    and when no distinct label is given. For the texts that name a list in words of their own ("ICE's list of
    3 July 2025"), so that they name the file exactly when the distinct label does."""
    plain = label(publication)
    return named[len(plain):] if named and named != plain and named.startswith(plain) else ""


def _file_name(publication) -> str:
    return getattr(publication, "file_name", None) or publication.file


@dataclass(frozen=True)
class PublicationInfo:
    id: int
    kind: str
    published: str
    half: str | None
    file: str
    sha256: str
    size_bytes: int
    source_format: str
    source_modified_at: str | None
    source_rows: int
    listings: int
    seq: int
    origin: str
    series: str
    imported_at: str

    @classmethod
    def of(cls, p: Publication) -> "PublicationInfo":
        return cls(
            id=p.id,
            kind=p.kind,
            published=p.published_on.isoformat(),
            half=p.half,
            file=p.file_name,
            sha256=p.sha256,
            size_bytes=p.size_bytes,
            source_format=p.source_format,
            source_modified_at=p.source_modified_at.isoformat() if p.source_modified_at else None,
            source_rows=p.source_rows,
            listings=p.listing_count,
            seq=p.seq,
            origin=p.origin,
            series=p.series,
            imported_at=p.imported_at.isoformat(),
        )


def list_publications(session: Session, kind: str | None = None, origin: str | None = None) -> list[Publication]:
    """Publications in order: by origin (ICE first), list, and publication order."""
    query = select(Publication).order_by(Publication.origin, Publication.kind, Publication.seq)
    if kind:
        query = query.where(Publication.kind == kind)
    if origin:
        query = query.where(Publication.origin == origin)
    return list(session.scalars(query))


def in_force(session: Session, kind: str, as_of: dt.date | None, origin: str = "ice") -> Publication | None:
    """The latest publication of `kind` (from `origin`) published on or before `as_of` (the latest when None)."""
    query = select(Publication).where(Publication.series == series_of(origin, kind))
    if as_of is not None:
        query = query.where(Publication.published_on <= as_of)
    return session.scalars(query.order_by(Publication.seq.desc()).limit(1)).first()


def replaced_same_half_day(session: Session, publication: Publication) -> list[Publication]:
    """The lists of `publication`'s series, date and half published before it, which it replaced that half-day
    (ICE's participatingAgencies07032025pm.xlsx, replaced by its __v2 the same afternoon): oldest first."""
    query = select(Publication).where(
        Publication.series == publication.series, Publication.published_on == publication.published_on, Publication.seq < publication.seq
    )
    return [p for p in session.scalars(query.order_by(Publication.seq)) if half_rank(p.half) == half_rank(publication.half)]


_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(am|pm)?$", re.I)


def is_date_reference(ref: str) -> bool:
    """Whether a publication reference is a date (YYYY-MM-DD[am|pm]), which names a list of each kind."""
    return bool(_DATE.match(str(ref).strip()))


def check_reference(ref: str) -> None:
    """G287Error for a publication reference that names none in any database, whatever it holds: an id no database
    can hold, a date that does not exist or is outside the days g287 reads, an empty name. resolve() checks it
    too; the command line checks it before it opens the database."""
    text = str(ref).strip()
    if text.isascii() and text.isdigit():
        if record_id(text) is None:
            raise _no_id(text)
        return
    match = _DATE.match(text)
    if match:
        _day_of(text, match)
    elif not text:
        raise _no_name(text)


# Where a reader of the command line finds the ids; the site and the API, whose readers have no command line, say
# no command (resolve's `list_hint`).
COMMAND_LIST_HINT = " (see `g287 publications`)"


def _no_id(text: str, hint: str = COMMAND_LIST_HINT) -> NotFound:
    return NotFound(f"no publication with id {text}{hint}")


def _no_name(text: str) -> NotFound:
    return NotFound(f"no publication named {quoted(text)}: give an id, a file name or a date YYYY-MM-DD")


def _day_of(text: str, match: re.Match) -> dt.date:
    try:
        day = dt.date.fromisoformat(match[1])
    except ValueError:
        raise G287Error(f"{quoted(text)} is not a valid date (YYYY-MM-DD)") from None
    if not in_day_range(day):
        raise G287Error(f"{quoted(text)}: expected {DAY_RANGE_PROBLEM}")
    return day


def resolve(session: Session, ref: str, kind: str | None = "participating", list_hint: str = COMMAND_LIST_HINT) -> Publication:
    """A publication named by id, file name, or date (YYYY-MM-DD[am|pm]: the one of `kind` in force then). A file
    name shared by several files of one list names the later in publication order (the one in force). An id no
    publication has is refused followed by `list_hint`, where the ids are listed."""
    text = str(ref).strip()
    check_reference(text)
    if text.isascii() and text.isdigit():
        found = session.get(Publication, record_id(text))
        if found is None:
            raise _no_id(text, list_hint)
        return found
    match = _DATE.match(text)
    if match:
        day = _day_of(text, match)
        half = match[2].lower() if match[2] else None
        candidates = [p for p in list_publications(session, kind or "participating", "ice") if p.published_on <= day]
        if half == "am":
            candidates = [p for p in candidates if p.published_on < day or p.half != "pm"]
        if not candidates:
            raise NotFound(f"no {kind or 'participating'} publication on or before {text}")
        return candidates[-1]
    named = list(session.scalars(select(Publication).where(Publication.file_name == text).order_by(Publication.seq)))
    if not named:
        raise _no_name(text)
    if len({p.series for p in named}) > 1:
        # Publication order exists only within one list of one origin: no "later one" to choose.
        ids = ", ".join(f"{p.id} ({p.origin} {p.kind})" for p in sorted(named, key=lambda p: p.id))
        raise G287Error(f"{len(named)} publications of different lists are named {quoted(text)}: give the id of one ({ids})")
    # Two different files of one list under one name (ICE republished it): the later in publication order, the
    # one in force, as `stats` counts it — never the one that happens to have been ingested last.
    return named[-1]
