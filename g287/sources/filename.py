"""What a publication's file name tells: the list (participating or pending), the date, and am/pm.

ICE names its files `participatingAgencies05292025am.xlsx` and `pendingAgencies05302025pm.xlsx`. Copies carry
suffixes (`_b`, `__v2`, ` (1)`, `-copy`), which are tolerated; the date and half are what matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from g287.errors import G287Error
from g287.sources.dates import EARLIEST, LATEST
from g287.wording import quoted

KINDS = ("participating", "pending")

# ASCII digits only ([0-9], not \d): \d also matches other scripts' digits (Arabic-Indic U+0660-0669, fullwidth
# U+FF10-FF19), which int() reads, so a name written with them gave a date no file of ICE's is named by.
_NAME = re.compile(
    r"^(?P<kind>participating|pending)[\s_-]*agencies[\s_-]*"
    r"(?P<month_day>[0-9]{1,2}[\s_.-]?[0-9]{1,2})[\s_.-]?(?P<year>[0-9]{4})"
    r"[\s_-]*(?P<half>am|pm)?"
    r"(?:[\s_.()\-].*)?$",
    re.IGNORECASE,
)
_DIGIT_SEPARATOR = re.compile(r"[\s_.-]")
_PUBLISHED = re.compile(r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\s*(?P<half>am|pm)?$", re.IGNORECASE)


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
    year = int(match["year"])
    dates = set()
    for month, day in _month_day_readings(match["month_day"]):
        try:
            dates.add(date(year, month, day))
        except ValueError:
            continue
    dates = {d for d in dates if EARLIEST <= d <= LATEST}  # "110125": 1/1/0125, a two-digit year misread
    published = dates.pop() if len(dates) == 1 else None  # none, or several readings ("1212025": 1/21 or 12/1)
    half = match["half"].lower() if match["half"] else None
    return PublicationName(match["kind"].lower(), published, half)


def _month_day_readings(text: str) -> list[tuple[int, int]]:
    """The (month, day) a run of digits can be: "0529" and "5_29" one way each; "529" either 5/29 or 52/9, which
    only the calendar decides; "121" 1/21 or 12/1, which nothing decides."""
    parts = _DIGIT_SEPARATOR.split(text)
    if len(parts) == 2:
        return [(int(parts[0]), int(parts[1]))]
    if len(text) == 3:
        return [(int(text[:1]), int(text[1:])), (int(text[:2]), int(text[2:]))]
    half = len(text) // 2
    return [(int(text[:half]), int(text[half:]))]


def parse_published(value: str) -> tuple[date, str | None]:
    """Read `--published YYYY-MM-DD[am|pm]`."""
    match = _PUBLISHED.match(value.strip())
    if not match:
        raise G287Error(f"--published {quoted(value)}: expected YYYY-MM-DD, optionally followed by am or pm")
    try:
        published = date.fromisoformat(match["date"])
    except ValueError as error:
        raise G287Error(f"--published {quoted(value)}: {error}") from None
    if not EARLIEST <= published <= LATEST:
        raise G287Error(f"--published {quoted(value)}: expected a date from {EARLIEST.isoformat()} (when section 287(g) became law) to {LATEST.isoformat()}")
    return published, (match["half"].lower() if match["half"] else None)
