"""The listing runs of a series with what each row says, and the publications of a series — the raw material
of lifecycles, timelines and the pipeline (one query each, whatever the number of publications)."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, replace
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.db.models.registry import AgencyName, ListingRun, Publication, RawRow, series_of
from g287.registry.publications import distinct_labels, in_force


@dataclass(frozen=True)
class SeriesPublication:
    seq: int
    id: int
    published_on: dt.date
    half: str | None
    file: str
    label: str = ""  # as messages name it: its date and half, and its file when another of the series shares them

    @property
    def ref(self) -> dict:
        return {"publication_id": self.id, "published": self.published_on.isoformat(), "half": self.half, "file": self.file, "label": self.label}


class Run(NamedTuple):
    """A run with what its row says (a named tuple: built by the thousand, it must be cheap)."""

    first_seq: int
    last_seq: int
    raw_row_id: int
    agency_id: int | None
    name: str | None
    state: str | None
    model: str | None
    agency_type: str | None
    signed_on: dt.date | None
    moa_url: str | None


def publications(session: Session, kind: str, origin: str = "ice", as_of: dt.date | None = None) -> list[SeriesPublication]:
    """The publications of a series in publication order; with `as_of`, only those published on or before it: up to
    the one in force on that day (publication order is by date first, so none after it was published by then)."""
    query = select(Publication.seq, Publication.id, Publication.published_on, Publication.half, Publication.file_name).where(
        Publication.series == series_of(origin, kind)
    )
    if as_of is not None:
        last = in_force(session, kind, as_of, origin)
        if last is None:
            return []
        query = query.where(Publication.seq <= last.seq)
    held = [SeriesPublication(*row) for row in session.execute(query.order_by(Publication.seq))]
    labels = distinct_labels(held)
    return [replace(p, label=labels[p.id]) for p in held]


def runs_of(
    session: Session, kind: str, origin: str = "ice", *, agency_ids: list[int] | None = None, state: str | None = None, at_seq: int | None = None,
    upto_seq: int | None = None,
) -> list[Run]:
    """The runs of a series (only those listed by the publication at `at_seq`, when given; with `upto_seq`, the runs
    as the publications up to it made them: a run begun later left out, one lasting past it ended there), by their rows in the
    order the registry first read them (a publication's new rows in the order it lists them). Without an order each
    database gave them in the order of its plan: an agency's rows, and the name of an agreement listed under two
    names at once (the first of its latest runs), differed between SQLite and PostgreSQL, and on PostgreSQL between
    `g287 agency` and `g287 agreements`."""
    query = (
        select(
            ListingRun.first_seq, ListingRun.last_seq, RawRow.id, AgencyName.agency_id, AgencyName.name, RawRow.state_usps,
            RawRow.model, RawRow.agency_type, RawRow.signed_on, RawRow.moa_url,
        )
        .select_from(ListingRun)
        .join(RawRow, RawRow.id == ListingRun.raw_row_id)
        .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
        .where(ListingRun.series == series_of(origin, kind))
    )
    if agency_ids is not None:
        query = query.where(AgencyName.agency_id.in_(agency_ids))
    if state:
        query = query.where(RawRow.state_usps == state)
    if at_seq is not None:
        query = query.where(ListingRun.first_seq <= at_seq, ListingRun.last_seq >= at_seq)
    if upto_seq is not None:
        query = query.where(ListingRun.first_seq <= upto_seq)
    runs = [Run._make(row) for row in session.execute(query.order_by(ListingRun.raw_row_id, ListingRun.id))]
    if upto_seq is not None:
        # A run is a row listed by consecutive publications: cut at a publication, it is what ingesting the lists
        # up to it made (a row's run continues only while later lists list it).
        runs = [run._replace(last_seq=upto_seq) if run.last_seq > upto_seq else run for run in runs]
    return runs


def in_force_indexes(pubs: list[SeriesPublication], days: list[dt.date]) -> list[int | None]:
    """For each day (in any order), the index in `pubs` (in publication order) of the publication in force on it:
    the last published on or before it; None before the first."""
    dates = [p.published_on for p in pubs]
    return [(i if i >= 0 else None) for i in (bisect.bisect_right(dates, day) - 1 for day in days)]


@dataclass(frozen=True)
class ListedSince:
    """The first list in force of the unbroken run of lists in force, up to a publication, that list an agreement;
    `first_held`: it is the first list of its series held here, before which these lists cannot tell (listed since
    then or earlier)."""

    publication: SeriesPublication
    first_held: bool


def listed_since(session: Session, publication: Publication, keys: set[tuple[int, str]]) -> dict[tuple[int, str], ListedSince]:
    """For each (agency, model) of `keys` that `publication` lists, since when its series has listed it without a
    break. A list ICE replaced the same half-day is no list in force (as K counts lists): an agreement missing from
    it alone is not broken off, and one listed by it alone is not listed that half-day."""
    held = [p for p in publications(session, publication.kind, publication.origin) if p.seq <= publication.seq]
    in_force = list({(p.published_on, p.half): p for p in held}.values())  # the last of each date and half
    spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    agency_ids = sorted({agency_id for agency_id, _model in keys})
    for run in runs_of(session, publication.kind, publication.origin, agency_ids=agency_ids) if agency_ids else []:
        if (run.agency_id, run.model) in keys:
            spans.setdefault((run.agency_id, run.model), []).append((run.first_seq, run.last_seq))
    found = {}
    for key, runs in spans.items():
        since = None
        for listed in reversed(in_force):
            if not any(first <= listed.seq <= last for first, last in runs):
                break
            since = listed
        if since is not None:
            found[key] = ListedSince(since, since is in_force[0])
    return found
