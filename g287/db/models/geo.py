"""Geography: county matching, stored per (state, county text as published) so it is computed once."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from g287.db.base import Base, source_text


class CountyMatch(Base):
    """What a county text in a state means: a FIPS code, or why not (see g287/geo/matching.py)."""

    __tablename__ = "county_matches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_usps: Mapped[str | None] = mapped_column(ForeignKey("states.usps"))
    county_text: Mapped[str] = mapped_column(source_text(255))
    fips: Mapped[str | None] = mapped_column(String(5), index=True)
    status: Mapped[str] = mapped_column(String(16))  # matched | fixed | former | no_county | unmatched | ambiguous | state_unknown | no_county_list
    rule: Mapped[str] = mapped_column(Text)  # how it was matched, or why not
    detail: Mapped[str | None] = mapped_column(Text)  # the text of the quality-register entry, if any

    __table_args__ = (UniqueConstraint("state_usps", "county_text"),)


class CountyRowProblem(Base):
    """The quality-register entries (row_problems) that county matching wrote, so a rematch replaces them
    instead of adding duplicates."""

    __tablename__ = "county_row_problems"
    row_problem_id: Mapped[int] = mapped_column(ForeignKey("row_problems.id", ondelete="CASCADE"), primary_key=True)
    raw_row_id: Mapped[int] = mapped_column(ForeignKey("raw_rows.id"), index=True)
