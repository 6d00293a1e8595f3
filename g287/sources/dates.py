"""Reading the SIGNED column: real dates, Excel serial numbers, and dates typed as text (with typos).

A date is read only when exactly one reading is possible; anything ambiguous or impossible stays unknown.
ICE's lists are American: numeric dates written with slashes or hyphens are month/day/year. Dots are not an American
way of writing a date (05.08.2025 is 5 August where it is usual): a date with dots is read only when one order of day
and month gives a date, or both give the same one, and then registered in any file. In a workbook a date is a number in a date format, so
a date typed as text is a repair, whatever its form; in a CSV every date is text, and only a repair of the text
(a two-digit year, a missing separator) is one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from dataclasses import dataclass

from g287.sources.table import CellError
from g287.sources.text import BRAILLE_BLANK, without_invisible

# Section 287(g) was added to the INA by IIRIRA, enacted 30 September 1996: no MOA can be older.
EARLIEST = dt.date(1996, 9, 30)
LATEST = dt.date(2099, 12, 31)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# A workbook saved with the 1904 date system (an option of Excel for the Mac) counts its serial numbers from here.
_EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)


@dataclass(frozen=True)
class DateReading:
    value: dt.date | None
    problem: str | None = None  # None when the cell held a proper date
    category: str | None = None  # repaired | unknown


_AS_TEXT = "date written as text"


def read_date(value, *, from_1904: bool = False, from_csv: bool = False) -> DateReading:
    """A SIGNED cell's date; `from_1904`: the workbook counts serial numbers in the 1904 date system; `from_csv`: the
    cell is a CSV file's, where text is how every date is written."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if EARLIEST <= value <= LATEST:
            return DateReading(value)
        return DateReading(None, f"impossible date {value.isoformat()}", "unknown")
    if isinstance(value, bool) or value is None:
        return DateReading(None, "no date", "unknown")
    if isinstance(value, CellError):
        return DateReading(None, f"{value.kind} instead of a date", "unknown")
    if isinstance(value, (int, float)):
        return _serial(value, _EXCEL_EPOCH_1904 if from_1904 else _EXCEL_EPOCH)
    if not isinstance(value, str):
        return DateReading(None, "not a date", "unknown")
    number = _number_written(value)
    if number is not None:
        return _number_as_text(number, _EXCEL_EPOCH_1904 if from_1904 else _EXCEL_EPOCH, from_csv)
    reading = _text(value)
    if from_csv and reading.problem == _AS_TEXT:  # how a CSV writes every date: nothing was repaired
        return DateReading(reading.value)
    return reading


def _serial(number: float, epoch: dt.date = _EXCEL_EPOCH) -> DateReading:
    if not math.isfinite(number) or number != int(number) or number < 1:
        return DateReading(None, "a number that is not a date", "unknown")
    if number > (LATEST - epoch).days:  # beyond any plausible date (and, far enough, beyond the dates Python can hold)
        return DateReading(None, "a number that is not a plausible date", "unknown")
    day = epoch + dt.timedelta(days=int(number))
    if EARLIEST <= day <= LATEST:
        return DateReading(day, "date stored as a plain number (Excel serial)", "repaired")
    return DateReading(None, "a number that is not a plausible date", "unknown")


def _number_written(text: str) -> int | None:
    """The whole number a text of one to five digits writes (Excel's text prefix, '45785, allowed), else None. Six
    digits and more may be a date with its separators missing (_misplaced_separators)."""
    text = text.strip()
    if text[:1] == "'":
        text = text[1:].strip()
    if 0 < len(text) < 6 and text.isascii() and text.isdigit():
        return int(text)
    return None


def _number_as_text(number: int, epoch: dt.date, from_csv: bool) -> DateReading:
    """A number written as text is not read as an Excel serial: no format makes Excel show a text cell as a date (a
    reader of the list saw 45785, not a day), and a CSV does not say which date system its numbers count in (the
    1904 system's day is four years and a day later). It stays unknown, and the register says what it is, with the
    day it would be as a serial of the workbook's date system (Excel's default, 1900, in a CSV) for a reader to check."""
    day = epoch + dt.timedelta(days=number)
    if not EARLIEST <= day <= LATEST:
        return DateReading(None, "a number written as text, not a date", "unknown")
    if from_csv:
        problem = f"a number, not read as a date serial: a CSV does not say its date system (in Excel's default one it would be {day.isoformat()})"
    else:
        problem = f"a number typed as text, not read as a date serial (as a serial it would be {day.isoformat()})"
    return DateReading(None, problem, "unknown")


# A time of day after a date, as a program exporting a date and time writes it (2025-05-08 00:00:00, 2025-05-08T00:00Z,
# 5/8/2025 0:00, 05/08/2025 12:00 AM): the date is the day's, whatever the time.
_TIME = r"(?:[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?)?"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$")
# Year first with slashes or dots (2025/05/08): one reading, as the ISO form.
_YMD = re.compile(r"^(\d{4})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{1,2})" + _TIME + "$")
_MDY = re.compile(r"^(\d{1,2})\s*[/\-]\s*(\d{1,2})\s*[/\-]\s*(\d{2}|\d{4})" + _TIME + "$")
_DOTTED = re.compile(r"^(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{2}|\d{4})" + _TIME + "$")
# The day, the month's name and the year (8-May-2025, 08-May-25: Excel's format d-mmm-yy; 8 May 2025).
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[-/. ]\s*([A-Za-z]{3,9})\.?\s*[-/. ,]\s*(\d{4}|\d{2})$")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
# A weekday's name before the date (Thursday, May 8, 2025: Excel's long date format); it must be the date's.
_WEEKDAY = re.compile(r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+", re.I)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday()'s order
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.I)
_SEPT = re.compile(r"\bsept\b", re.I)
_TRAILING_TIME = re.compile(r"(?<=\d)\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?$")
# Compiled once, on import: a pattern first used inside a reading is compiled there, in each worker process.
_SPACES = re.compile(r"\s+")
_DIGITS_AND_SEPARATORS = re.compile(r"[\d/.\- ]+")
_NOT_DIGIT = re.compile(r"\D")
_NAMED_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%b. %d %Y")


def _text(raw: str) -> DateReading:
    text = _SPACES.sub(" ", raw.replace("\xa0", " ")).strip()
    if not text:
        return DateReading(None, "no date", "unknown")
    # What a date typed as text may carry besides the date, and still have one reading: invisible format characters
    # (a zero-width space or a direction mark pasted with it) and Excel's text prefix typed as a character ('5/8/2025).
    # Taken off and said, in a CSV too, where a date written as text is no repair.
    # A Hangul filler or a variation selector too, and the braille blank, a symbol shown as a space (g287.sources.text).
    cleaned = without_invisible(text).replace(BRAILLE_BLANK, " ").strip()
    extra = "invisible characters" if cleaned != text else None
    if cleaned[:1] == "'" and cleaned[1:2].isalnum():
        cleaned, extra = cleaned[1:].strip(), "a leading apostrophe" + (f" and {extra}" if extra else "")
    reading = _text_of(cleaned) if cleaned else DateReading(None, "no date", "unknown")
    if extra is None or reading.value is None:
        return reading
    problem = f"{reading.problem or _AS_TEXT}, with {extra}"
    return DateReading(reading.value, problem, "repaired")


def _text_of(text: str) -> DateReading:
    match = _ISO.match(text) or _YMD.match(text)
    if match:
        return _checked(_make(int(match[1]), int(match[2]), int(match[3])), _AS_TEXT)
    match = _MDY.match(text)
    if match:
        return _with_year(match[3], int(match[1]), int(match[2]))
    match = _DOTTED.match(text)
    if match:
        return _dotted(match[3], int(match[1]), int(match[2]))
    # Every named format has a month's name and digits (day, year): other text ("Pending", "TBD") is not tried, which
    # spares strptime's first use in a process (it builds its patterns then: milliseconds, in each worker).
    if any(c.isalpha() for c in text) and any(c.isdigit() for c in text):
        return _named(text)
    return _misplaced_separators(text)


def _with_year(year: str, month: int, day: int) -> DateReading:
    """The date of a year written with four digits or two (96-99: 1996-1999; 00-95: 2000-2095), registered."""
    if len(year) == 2:
        full = 1900 + int(year) if int(year) >= 96 else 2000 + int(year)
        return _checked(_make(full, month, day), "date written as text with a two-digit year")
    return _checked(_make(int(year), month, day), _AS_TEXT)


def _dotted(year: str, first: int, second: int) -> DateReading:
    """A date written with dots (05.08.2025), month first or day first: read when only one reading is possible."""
    both = (_with_year(year, first, second), _with_year(year, second, first))
    readings = {r.value for r in both if r.value is not None}
    if len(readings) > 1:
        return DateReading(None, "ambiguous date: written with dots, it reads as day/month and as month/day", "unknown")
    if not readings:  # what is wrong with it: an impossible date rather than no date, if either order makes one
        return next((r for r in both if r.problem != "not a valid date"), both[0])
    problem = "date written with dots; only one reading is possible" + (", with a two-digit year" if len(year) == 2 else "")
    return DateReading(readings.pop(), problem, "repaired")


def _named(text: str) -> DateReading:
    """A date written with the month's name (May 8, 2025; 8-May-25; Thursday, May 8th, 2025; Sept. 8, 2025)."""
    weekday = _WEEKDAY.match(text)
    if weekday:
        rest = text[weekday.end():]
        if _WEEKDAY.match(rest):  # "Monday, Monday, ...": no date has two weekdays (and no recursion without end)
            return DateReading(None, "not a date", "unknown")
        reading = _named(rest)
        if reading.value is not None and not _WEEKDAYS[reading.value.weekday()].startswith(weekday[1].lower()[:3]):
            return DateReading(None, "the weekday is not the date's: more than one reading is possible", "unknown")
        return reading
    text = _SEPT.sub("Sep", _ORDINAL.sub("", text))
    # A time of day after the date (May 8, 2025 12:00 AM, as Excel shows a date with its time): the day's date.
    text = _TRAILING_TIME.sub("", text)
    match = _DAY_MONTH_YEAR.match(text)
    if match:
        word = match[2].lower()
        month = next((number for number, name in enumerate(_MONTHS, 1) if name == word or name[:3] == word), None)
        if month is not None:
            return _with_year(match[3], month, int(match[1]))
    for pattern in _NAMED_FORMATS:
        try:
            return _checked(dt.datetime.strptime(text.replace(",", ", ").replace("  ", " "), pattern).date(), _AS_TEXT)
        except ValueError:
            continue
    return _misplaced_separators(text)


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _checked(value: dt.date | None, problem: str | None) -> DateReading:
    if value is None:
        return DateReading(None, "not a valid date", "unknown")
    if not EARLIEST <= value <= LATEST:
        return DateReading(None, f"impossible date {value.isoformat()}", "unknown")
    return DateReading(value, problem, "repaired" if problem else None)


def _misplaced_separators(text: str) -> DateReading:
    """'05/082025' or '7/72025': digits with a separator missing. Read only if one month/day/year split fits."""
    if not _DIGITS_AND_SEPARATORS.fullmatch(text):
        return DateReading(None, "not a date", "unknown")
    digits = _NOT_DIGIT.sub("", text)
    boundaries = set()
    position = 0
    for char in text:
        if char.isdigit():
            position += 1
        elif position:
            boundaries.add(position)
    readings = set()
    for month_len, day_len in itertools.product((1, 2), (1, 2)):
        if len(digits) != month_len + day_len + 4:
            continue
        splits = {month_len, month_len + day_len}
        if not boundaries <= splits:
            continue
        month, day, year = int(digits[:month_len]), int(digits[month_len : month_len + day_len]), int(digits[-4:])
        value = _make(year, month, day)
        if value and EARLIEST <= value <= LATEST:
            readings.add(value)
    if len(readings) == 1:
        value = readings.pop()
        return DateReading(value, "date written as text with a separator missing; only one reading is possible", "repaired")
    if readings:
        return DateReading(None, "ambiguous date: more than one reading is possible", "unknown")
    return DateReading(None, "not a valid date", "unknown")
