"""What the pages share: the date and model choices, and the parameters every page accepts."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from fastapi import Query
from sqlalchemy.orm import Session

from g287.registry.publications import label, list_publications
from g287.sources.rules import states

ModelChoice = Optional[Literal["JEM", "TFM", "WSO"]]
AsOf = Query(None, description="The lists in force on this date")


def date_choices(session: Session) -> list[dict]:
    """One choice per participating publication (newest first); two published the same day share the date,
    and the later one is in force on it."""
    seen: dict[str, dict] = {}
    for publication in list_publications(session, "participating", "ice"):
        day = publication.published_on.isoformat()
        seen[day] = {"value": day, "label": label(publication), "publication_id": publication.id}
    return sorted(seen.values(), key=lambda c: c["value"], reverse=True)


def selected_date(as_of: dt.date | None) -> str:
    return as_of.isoformat() if as_of else ""


def state_choices() -> list[dict]:
    return [{"usps": s.usps, "name": s.name} for s in states()]
