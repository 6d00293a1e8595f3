"""What a publication's file name tells: the list (participating or pending), the date, and am/pm.

ICE names its files `participatingAgencies05292025am.xlsx` and `pendingAgencies05302025pm.xlsx`. Copies carry
suffixes (`_b`, `__v2`, ` (1)`, `-copy`), which are tolerated; the date and half are what matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from g287.errors import G287Error

KINDS = ("participating", "pending")

_NAME = re.compile(
    r"^(?P<kind>participating|pending)[\s_-]*agencies[\s_-]*"
    r"(?P<month>\d{1,2})[\s_.-]?(?P<day>\d{1,2})[\s_.-]?(?P<year>\d{4})"
    r"[\s_-]*(?P<half>am|pm)?"
    r"(?:[\s_.()\-].*)?$",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})\s*(?P<half>am|pm)?$", re.IGNORECASE)


@dataclass(frozen=True)
class PublicationName:
    kind: str | None
    published_on: date | None
    half: str | None


def parse_file_name(stem: str) -> PublicationName:
    """Read kind, date and half from a file name without its extension; what it does not say is None."""
    match = _NAME.match(stem.strip())
    if not match:
        kind = next((k for k in KINDS if stem.lower().startswith(k)), None)
        return PublicationName(kind, None, None)
    month, day, year = int(match["month"]), int(match["day"]), int(match["year"])
    try:
        published = date(year, month, day)
    except ValueError:
        published = None
    half = match["half"].lower() if match["half"] else None
    return PublicationName(match["kind"].lower(), published, half)


def parse_published(value: str) -> tuple[date, str | None]:
    """Read `--published YYYY-MM-DD[am|pm]`."""
    match = _PUBLISHED.match(value.strip())
    if not match:
        raise G287Error(f"--published {value!r}: expected YYYY-MM-DD, optionally followed by am or pm")
    try:
        published = date.fromisoformat(match["date"])
    except ValueError as error:
        raise G287Error(f"--published {value!r}: {error}") from None
    return published, (match["half"].lower() if match["half"] else None)
