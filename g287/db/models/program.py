"""The program workflow's tables: applicant agencies, accounts and login sessions, applications (letters of
interest), MOAs per model, nominees, training, examinations and certifications.

Every workflow record carries `agency_id`, the applicant agency it belongs to (applicant_agencies.id, not
agencies.id): `g287.access` compares it with the agency an agency user acts for. Nominees' personal data lives
only in `nominees`, `enrolments`, `exam_attempts` and `certifications`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from g287.db.base import Base
from g287.db.times import UtcDateTime


class ApplicantAgency(Base):
    """An agency taking part in the workflow, whether or not ICE has ever listed it; linked to the registry's
    agency (agencies.id) once one is known: at creation when ICE lists it, else when its MOA is recorded or a
    publication names it."""

    __tablename__ = "applicant_agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    state_usps: Mapped[str] = mapped_column(ForeignKey("states.usps"))
    agency_type: Mapped[str] = mapped_column(String(16))  # county | municipality | state_agency | other
    county_text: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(Text)
    registry_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    link_rule: Mapped[str | None] = mapped_column(String(128))  # why it is linked to that registry agency
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # g287.registry.names.agency_key of the name (the same up to case, spacing, punctuation and apostrophes; ASCII,
    # at most six characters per character of the name, well within what an index entry holds). NULL only on a
    # second record of one agency recorded before the database kept the rule (see migration 0009).
    name_key: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("agency_type IN ('county', 'municipality', 'state_agency', 'other')", name="agency_type"),
        # One applicant agency per state and name key: the service checks it, and this index keeps it when two
        # are added at the same moment (each check would see no other). NULL keys never collide.
        Index("ux_applicant_agencies_state_name_key", "state_usps", "name_key", unique=True),
    )

    @property
    def agency_id(self) -> int:
        """The agency a record belongs to, for access rules: an applicant agency belongs to itself."""
        return self.id


class User(Base):
    """An account. Agency users act for one applicant agency; the other roles for none."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # lower case
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # agency_user | program_officer | administrator
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("applicant_agencies.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))  # Argon2id, never the password
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("role IN ('agency_user', 'program_officer', 'administrator')", name="role"),
        CheckConstraint("(role = 'agency_user') = (agency_id IS NOT NULL)", name="agency_for_agency_users"),
    )


class LoginSession(Base):
    """A server-side login session; only the SHA-256 of its token is stored."""

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginAttempt(Base):
    """Login attempts, for throttling per account and per client address (pruned after the lockout window)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_client_at", "client", "at"),
    )


class Application(Base):
    """A letter of interest: the letter's content as submitted (`letter`), from which its documents are made."""

    __tablename__ = "applications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("applicant_agencies.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submitted_by: Mapped[str] = mapped_column(String(255))  # the actor's label
    letter: Mapped[dict] = mapped_column(JSON)


class ProgramMoa(Base):
    """One MOA an application asks for (one per model): requested, drafted, signed, or terminated; or withdrawn
    before it was signed."""

    __tablename__ = "program_moas"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("applicant_agencies.id"), index=True)
    model: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # requested | draft | signed | terminated | withdrawn
    draft: Mapped[dict | None] = mapped_column(JSON)  # what the latest draft was made from
    draft_version: Mapped[int] = mapped_column(Integer, default=0)
    drafted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    signed_on: Mapped[date | None] = mapped_column(Date)
    signatories: Mapped[list | None] = mapped_column(JSON)  # [{"name", "title", "party": "agency" | "ICE"}]
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_pdf_bytes: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)  # an MOA requested or drafted, never signed: no longer asked for
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)  # as given when withdrawn; read by the program office and the agency, never public
    registry_agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)

    __table_args__ = (
        UniqueConstraint("application_id", "model"),
        CheckConstraint("status IN ('requested', 'draft', 'signed', 'terminated', 'withdrawn')", name="status"),
        # One open (requested, drafted or signed) MOA per agency and model: the service checks it, and this index
        # keeps it when two letters are sent at the same moment (each check would see no other).
        Index(
            "ux_program_moas_open_agency_model", "agency_id", "model", unique=True,
            sqlite_where=text("status NOT IN ('terminated', 'withdrawn')"), postgresql_where=text("status NOT IN ('terminated', 'withdrawn')"),
        ),
    )


class Nominee(Base):
    """An officer nominated to a signed MOA, with the facts the qualification rules read (personal data)."""

    __tablename__ = "nominees"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    moa_id: Mapped[int] = mapped_column(ForeignKey("program_moas.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("applicant_agencies.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    us_citizen: Mapped[bool | None] = mapped_column(Boolean)
    enforced_jurisdiction_laws: Mapped[bool | None] = mapped_column(Boolean)
    # JEM and WSO: trained in the security of the agency's facilities, with authority to enforce (JEM) or having
    # enforced (WSO) the rules on inmate accountability and conduct, as the agency attests (migration 0018)
    jail_security_and_inmate_rules: Mapped[bool | None] = mapped_column(Boolean)
    service_periods: Mapped[list] = mapped_column(JSON)  # [{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD" | None}]
    background_result: Mapped[str | None] = mapped_column(String(8))  # passed | failed, recorded by the program office
    background_completed_on: Mapped[date | None] = mapped_column(Date)
    nominated_on: Mapped[date] = mapped_column(Date)  # the day of the nomination: today, or a past day to record older history
    nominated_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the moment it was recorded
    nominated_by: Mapped[str] = mapped_column(String(255))


class Enrolment(Base):
    """A nominee's enrolment in the initial course of the MOA's model; one per nominee."""

    __tablename__ = "enrolments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("applicant_agencies.id"), index=True)
    course: Mapped[str] = mapped_column(String(32))
    enrolled_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # enrolled | passed | disqualified
    finished_on: Mapped[date | None] = mapped_column(Date)


class ExamAttempt(Base):
    """One examination sat by an enrolled nominee."""

    __tablename__ = "exam_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("applicant_agencies.id"), index=True)
    exam: Mapped[str] = mapped_column(String(64))
    taken_on: Mapped[date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)
    remedial: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean)


class Certification(Base):
    """A nominee certified after passing the course: when, until when, and when refresher training is due."""

    __tablename__ = "certifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("applicant_agencies.id"), index=True)
    certified_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    refresher_due_on: Mapped[date | None] = mapped_column(Date)
    last_refresher_on: Mapped[date | None] = mapped_column(Date)
    renewed_on: Mapped[date | None] = mapped_column(Date)  # the last renewal: the current period's first day
    revoked_on: Mapped[date | None] = mapped_column(Date)
    certified_by: Mapped[str] = mapped_column(String(255))
