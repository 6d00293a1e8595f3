"""History tables: how published names were joined into agencies (merges and the review list)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from g287.db.base import Base
from g287.db.times import UtcDateTime


class IdentityMerge(Base):
    """A published name attached to an agency other than the one it first made, with the rule and evidence."""

    __tablename__ = "identity_merges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_name_id: Mapped[int] = mapped_column(ForeignKey("agency_names.id"), index=True)
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    rule: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict] = mapped_column(JSON)
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"))
    actor: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    undone_by: Mapped[str | None] = mapped_column(String(255))
    undone_reason: Mapped[str | None] = mapped_column(Text)


class IdentityCandidate(Base):
    """A possible merge below the confidence threshold, waiting for a person to accept or reject it."""

    __tablename__ = "identity_candidates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_usps: Mapped[str | None] = mapped_column(ForeignKey("states.usps"))
    agency_name_id: Mapped[int] = mapped_column(ForeignKey("agency_names.id"), index=True)
    candidate_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    rule: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict] = mapped_column(JSON)
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | accepted | rejected | superseded (another proposal of its tie accepted)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("agency_name_id", "candidate_agency_id"),)
