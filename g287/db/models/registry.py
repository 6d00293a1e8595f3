"""The registry's tables: states, publications, agencies, agreements, the rows ICE published, and the quality register.

Storage grows with the number of changes, not with publications x rows: each distinct source row is kept once
(`raw_rows`, deduplicated by content), and a publication's listings are runs of consecutive publications in which
the same row appears (`listing_runs`). The exact source row numbers of one publication are kept compactly in
`publication_rows`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from g287.db.base import Base, source_text
from g287.db.times import UtcDateTime


class State(Base):
    """The 50 states, DC and the territories (reference data, loaded by the first migration)."""

    __tablename__ = "states"
    usps: Mapped[str] = mapped_column(String(2), primary_key=True)
    fips: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(16))  # state | district | territory


class Publication(Base):
    """One file ICE published (participating or pending agencies), or one list this registry published."""

    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # participating | pending
    published_on: Mapped[date] = mapped_column(Date)
    half: Mapped[str | None] = mapped_column(String(2))  # am | pm | None when the name does not say
    file_name: Mapped[str] = mapped_column(String(255))
    # Not unique alone: the same bytes published on two days are two publications (migration 0017).
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    source_format: Mapped[str] = mapped_column(String(8))  # xlsx | csv
    source_modified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sheet_name: Mapped[str | None] = mapped_column(String(255))
    header_row: Mapped[int] = mapped_column(Integer)
    columns: Mapped[list] = mapped_column(JSON)
    source_rows: Mapped[int] = mapped_column(Integer)
    listing_count: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(16), default="ice")  # ice | registry
    series: Mapped[str] = mapped_column(String(40))  # "ice/participating", "registry/pending": see series_of()
    seq: Mapped[int] = mapped_column(Integer)  # order among the publications of the same series, 1-based
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_publications_series_seq", "series", "seq"),
        UniqueConstraint("sha256", "published_on", "half"),
        # The constraint above lets NULLs through (a name without am/pm): one file a day there too. (A file of a day
        # with no half and the same with a half are one publication too: publication_holding, under the registry's
        # lock, keeps that.)
        Index("ux_publications_sha256_day_without_half", "sha256", "published_on", unique=True, sqlite_where=text("half IS NULL"), postgresql_where=text("half IS NULL")),
    )


def series_of(origin: str, kind: str) -> str:
    """Publications form a series per origin and list: ICE's participating lists, the registry's pending lists..."""
    return f"{origin}/{kind}"


class Agency(Base):
    """One law enforcement agency, whatever names it was published under (see AgencyName)."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_usps: Mapped[str | None] = mapped_column(ForeignKey("states.usps"))
    name: Mapped[str] = mapped_column(source_text(255))  # latest published name, whitespace repaired
    key: Mapped[str] = mapped_column(source_text(255), index=True)
    agency_type: Mapped[str | None] = mapped_column(String(16))  # county | municipality | state_agency | other
    county_text: Mapped[str | None] = mapped_column(source_text(255))
    # Set when identity rules found this agency to be another one (kept, so that a merge can be undone).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)


class AgencyName(Base):
    """Every distinct name an agency was published under in a state, and why it belongs to its agency."""

    __tablename__ = "agency_names"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    state_usps: Mapped[str | None] = mapped_column(ForeignKey("states.usps"))
    name: Mapped[str] = mapped_column(source_text(255))  # as published, whitespace repaired
    key: Mapped[str] = mapped_column(source_text(255), index=True)
    rule: Mapped[str] = mapped_column(String(64))  # the identity rule that attached this name to its agency
    confidence: Mapped[float] = mapped_column(Float, default=1.0)

    __table_args__ = (UniqueConstraint("state_usps", "name"),)


class Agreement(Base):
    """An agency's MOA for one model: what ICE lists, one row per MOA."""

    __tablename__ = "agreements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    model: Mapped[str] = mapped_column(String(3))  # JEM | TFM | WSO
    signed_on: Mapped[date | None] = mapped_column(Date)
    moa_url: Mapped[str | None] = mapped_column(Text)
    addendum_url: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16), default="ice")  # ice | registry
    # Set when this agreement's agency merged into one that already had an agreement for the model.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)

    __table_args__ = (UniqueConstraint("agency_id", "model"),)


class RawRow(Base):
    """A source row exactly as read (cells keyed by header; links unwrapped), stored once, with what it says."""

    __tablename__ = "raw_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of the cells
    state_usps: Mapped[str | None] = mapped_column(ForeignKey("states.usps"))
    agency_name_id: Mapped[int | None] = mapped_column(ForeignKey("agency_names.id"), index=True)
    model: Mapped[str | None] = mapped_column(String(3))
    agency_type: Mapped[str | None] = mapped_column(String(16))
    county_text: Mapped[str | None] = mapped_column(source_text(255))
    signed_on: Mapped[date | None] = mapped_column(Date)
    moa_status: Mapped[str | None] = mapped_column(String(16))  # link | pending | none
    moa_url: Mapped[str | None] = mapped_column(Text)
    addendum_url: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("kind", "digest"),)


class RowProblem(Base):
    """A quality problem that a raw row carries whatever publication lists it (repairs, unknown values)."""

    __tablename__ = "row_problems"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw_row_id: Mapped[int] = mapped_column(ForeignKey("raw_rows.id"), index=True)
    column: Mapped[str | None] = mapped_column(source_text(64))
    raw_value: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))  # repaired | unknown | note


class ListingRun(Base):
    """A raw row listed in every publication of a series from seq `first_seq` to `last_seq`, inclusive.

    `occurrence` tells identical rows within one publication apart (ICE sometimes lists a row twice)."""

    __tablename__ = "listing_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(40))
    raw_row_id: Mapped[int] = mapped_column(ForeignKey("raw_rows.id"))
    occurrence: Mapped[int] = mapped_column(Integer)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_listing_runs_series_first_seq", "series", "first_seq"),
        Index("ix_listing_runs_series_last_seq", "series", "last_seq"),
        Index("ix_listing_runs_raw_row_id_occurrence", "raw_row_id", "occurrence"),
    )


class PublicationRows(Base):
    """Which run each source row of a publication belongs to: (row number, run id) pairs, delta-coded, zlib."""

    __tablename__ = "publication_rows"
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), primary_key=True)
    row_map: Mapped[bytes] = mapped_column(LargeBinary)


class QualityIssue(Base):
    """A problem found in one publication: rows that are not listings, duplicates, layout notes."""

    __tablename__ = "quality_issues"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), index=True)
    row_number: Mapped[int | None] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(source_text(64))
    raw_value: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))  # not_a_listing | duplicate | repaired | unknown | note
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)  # source rows this entry accounts for
