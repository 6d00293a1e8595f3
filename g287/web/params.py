"""Parameter types shared by the pages and the APIs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from g287.program.validation import DAY_RANGE_PROBLEM, EARLIEST_DAY, LATEST_DAY

# Years 1900 to 2199: the days the workflow computes with (g287.program.validation), for every date parameter.
_DAY_PATTERN = r"^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$"
_ISO_DAY = re.compile(_DAY_PATTERN)
assert EARLIEST_DAY == dt.date(1900, 1, 1) and LATEST_DAY == dt.date(2199, 12, 31), "update _DAY_PATTERN with the range"


def _iso_day(value: Any) -> Any:
    # Pydantic reads a number (or a string of digits) as seconds since 1970: "as_of=0" would be 1 January 1970.
    # A day is written YYYY-MM-DD, as the schema says (format: date), and nothing else is taken for one.
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if EARLIEST_DAY <= value <= LATEST_DAY:
            return value
        raise PydanticCustomError("date_range", DAY_RANGE_PROBLEM)
    if isinstance(value, str) and _ISO_DAY.match(value):
        return value
    if isinstance(value, str) and _ANY_YEAR_DAY.match(value):
        raise PydanticCustomError("date_range", DAY_RANGE_PROBLEM)
    raise PydanticCustomError("date_format", "expected a date YYYY-MM-DD")


_ANY_YEAR_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


Day = Annotated[dt.date, BeforeValidator(_iso_day), WithJsonSchema({"type": "string", "format": "date", "pattern": _DAY_PATTERN})]
