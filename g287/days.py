"""Days as people write them to g287 (options, form fields): YYYY-MM-DD and nothing else.

Python's date.fromisoformat also reads "20250529" and "2025W221" (ISO week dates) since 3.11: a typo such as a
missing dash would silently name another day than the one the message "expected a date YYYY-MM-DD" promises.
"""

from __future__ import annotations

import datetime as dt
import re

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The days g287 computes with: certifications expire and refreshers fall due years after a day, the experience rule
# counts years of service, the views look days ahead; near Python's limits (years 1 and 9999) that arithmetic
# overflows. The 287(g) program began in 1996, and no list, officer's service or record of it falls outside these
# two centuries, so a day outside them is a typing error, refused before anything computes with it — by the
# workflow, the API and the command line alike.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)
DAY_RANGE_PROBLEM = f"a date from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"


def in_day_range(day: dt.date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def parse_day(text: str) -> dt.date:
    """The day `text` writes as YYYY-MM-DD (spaces around it allowed); ValueError for anything else."""
    text = text.strip()
    if not _DAY.fullmatch(text):
        raise ValueError(f"not a date YYYY-MM-DD: {text!r}")
    return dt.date.fromisoformat(text)


def today() -> dt.date:
    """Today where g287 runs (the machine's local date). Every "today" of the program workflow is this one — a
    letter's and a draft's date, the latest date a step may have, the default date of a step, the day the lists
    and figures describe — so that late in the evening a letter is not dated tomorrow (UTC) while the lists and
    the date checks still say today."""
    return dt.date.today()


def now() -> dt.datetime:
    """The time where g287 runs, in the local time zone: its date is today() (a list published at 23:00 is
    today's evening list, not tomorrow morning's in UTC)."""
    return dt.datetime.now().astimezone()


def day_of(moment: dt.datetime) -> dt.date:
    """The local date of a stored time (g287 stores times in UTC; SQLite returns them without a time zone)."""
    return _local(moment).date()


def local_minute(moment: dt.datetime | str) -> str:
    """A stored time (a datetime, or as the JSON writes it) as the local time to the minute, "2025-05-15 19:33": its
    date is day_of's, the date a letter submitted then carries, not UTC's."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return f"{_local(moment):%Y-%m-%d %H:%M}"


def _local(moment: dt.datetime) -> dt.datetime:
    """A stored time in the local time zone (stored in UTC; SQLite returns it without a time zone)."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)).astimezone()
