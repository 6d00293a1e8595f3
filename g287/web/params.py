"""Parameter types shared by the pages and the APIs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from g287.catalog import MODEL_CODES
from g287.db.ids import ID_PATTERN, MAX_ID, record_id
from g287.days import DAY_RANGE_PROBLEM, in_day_range
from g287.errors import G287Error
from g287.numbers import number_in
from g287.sources.rules import states, two_letter_code, usps_code
from g287.wording import quoted

# The days g287 computes with (g287.days: 1900 to 2199), for every date parameter. The
# range is checked on the date itself; the pattern says it in the OpenAPI document (a test keeps the two alike).
DAY_PATTERN = r"^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$"
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_day(value: Any) -> Any:
    # Pydantic reads a number (or a string of digits) as seconds since 1970: "as_of=0" would be 1 January 1970.
    # A day is written YYYY-MM-DD, as the schema says (format: date), and nothing else is taken for one.
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_format", "expected a date YYYY-MM-DD") from None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise PydanticCustomError("date_format", "expected a date YYYY-MM-DD")
    if not in_day_range(value):
        raise PydanticCustomError("date_range", DAY_RANGE_PROBLEM)
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_day), WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN})]


def _either_case(code: str) -> str:
    """A code's pattern with each letter in either case (JSON Schema's patterns, ECMAScript's, have no flag for
    case): "TX" -> "[Tt][Xx]"."""
    return "".join(f"[{letter}{letter.lower()}]" for letter in code)


# A state's USPS code, for every parameter that takes one (API, exports, pages): in any case, as `--state` takes it
# (g287.sources.rules.usps_code), and passed on in capitals, so that an answer echoing it says "TX" for "tx". The
# pattern admits exactly the codes a state has, so the OpenAPI document says what is accepted and a request it
# admits is never refused (the schemathesis test generates them); surrounding spaces, which the command line
# forgives in what a person types, are not in it and are refused.
STATE_PATTERN = "^(?:" + "|".join(_either_case(state.usps) for state in states()) + ")$"


def _state_code(value: Any) -> Any:
    # Two ASCII letters first (two_letter_code says why). The message goes in the error's context, never in its
    # template, where braces in the value would be read.
    if isinstance(value, str) and two_letter_code(value):
        try:
            return usps_code(value, "state")
        except G287Error as error:
            raise PydanticCustomError("state_code", "{problem}", {"problem": str(error)}) from None
    raise PydanticCustomError("state_code", "{problem}", {"problem": f"state {quoted(str(value))}: not a state's USPS code (two letters, in any case: TX or tx)"})


StateCode = Annotated[
    str,
    BeforeValidator(_state_code),
    WithJsonSchema({"type": "string", "pattern": STATE_PATTERN, "description": "A state's USPS code, in any case (tx is TX); a code no state has is refused (422)"}),
]


# A model's code (JEM, TFM, WSO), for every parameter that takes one: in any case, as `--model` takes it, and passed
# on in capitals. The pattern admits exactly the three codes, each letter in either case.
MODEL_PATTERN = "^(?:" + "|".join(_either_case(code) for code in MODEL_CODES) + ")$"


def _model_code(value: Any) -> Any:
    if isinstance(value, str) and value.isascii() and value.upper() in MODEL_CODES:
        return value.upper()
    raise PydanticCustomError("model_code", "{problem}", {"problem": f"model {quoted(str(value))}: not a model: {', '.join(MODEL_CODES)} (in any case)"})


ModelCode = Annotated[
    str,
    BeforeValidator(_model_code),
    WithJsonSchema({"type": "string", "pattern": MODEL_PATTERN, "description": "A model's code, in any case (jem is JEM): JEM, TFM or WSO"}),
]


def _record_id(value: Any) -> Any:
    # Pydantic's int reads "1.0", " 1", "01", "+1" and "1_0" as 1: each would be a second address of record 1.
    number = record_id(value, exact=True) if isinstance(value, str) else None
    if number is None:
        raise PydanticCustomError("record_id", "{problem}", {"problem": f"{quoted(str(value))}: not a record's id (a whole number from 1 to {MAX_ID}, in digits)"})
    return number


# A record's id in a URL (an agency's, a publication's, a nominee's...): exactly as the registry writes it, from 1 to
# MAX_ID (g287.db.ids), for every path and query parameter that names a record on the pages and the APIs; any other
# text is refused as an invalid parameter naming it, as a word or a number out of range always was.
IdParameter = Annotated[int, BeforeValidator(_record_id), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID})]


# A county's FIPS code in a URL (/counties/01059, on the pages and the API): five ASCII digits, as the pattern says
# (a 404 when no county has it). Anything else is a 422 saying so; a code of fewer digits (a spreadsheet reads
# 01059 as 1059) names the code with its leading zeros back when a county has it, as the `county` filter does.
FIPS_PATTERN = r"^[0-9]{5}$"


def _fips_code(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(FIPS_PATTERN[1:-1], value):
        return value
    from g287.geo.reference import versions_of

    text = str(value)
    padded = text.zfill(5) if text.isascii() and text.isdigit() and len(text) < 5 else None
    hint = f"FIPS codes have five digits: {padded}?" if padded and versions_of(padded) else "five digits, as 01059"
    raise PydanticCustomError("fips_code", "{problem}", {"problem": f"{quoted(text)}: not a county's FIPS code ({hint})"})


FipsCode = Annotated[str, BeforeValidator(_fips_code), WithJsonSchema({"type": "string", "pattern": FIPS_PATTERN})]


# A document's SHA-256 in a URL (/api/v1/documents/{sha256}): 64 hexadecimal digits, in either case, as the pattern
# says (a 404 when no document has it); anything else is a 422 saying what is taken.
SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"


def _sha256(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(SHA256_PATTERN[1:-1], value):
        return value
    raise PydanticCustomError("sha256", "{problem}", {"problem": f"{quoted(str(value))}: not a document's SHA-256 (64 hexadecimal digits, in either case)"})


Sha256 = Annotated[str, BeforeValidator(_sha256), WithJsonSchema({"type": "string", "pattern": SHA256_PATTERN})]


def choice(noun: str, *values: str) -> Any:
    """A parameter that takes one of `values`, exactly (`noun` names what one is: "a status"): the OpenAPI document
    enumerates them, and any other text is a 422 naming them ("'ICE': not an origin: ice or registry (in lower
    case)"), where pydantic said "Input should be 'ice' or 'registry'"."""
    taken = ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]
    case = " (in lower case)" if any(v != v.upper() for v in values) else ""

    def check(value: Any) -> Any:
        if isinstance(value, str) and value in values:
            return value
        raise PydanticCustomError("choice", "{problem}", {"problem": f"{quoted(str(value))}: not {noun}: {taken}{case}"})

    return Annotated[Literal[values], BeforeValidator(check)]


def whole_number(low: int, high: int) -> Any:
    """An integer parameter from `low` to `high`, read as the program's forms read a number (digits only:
    g287.numbers.number_in); pydantic's int takes "6_0" for 60, and "60.0" or " 60" too."""

    def check(value: Any) -> Any:
        number = number_in(value, low, high, whole=True)
        if number is None:
            raise PydanticCustomError("whole_number", "{problem}", {"problem": f"{quoted(str(value))}: not a whole number from {low} to {high}"})
        return number

    return Annotated[int, BeforeValidator(check), WithJsonSchema({"type": "integer", "minimum": low, "maximum": high})]



# A publication named by a parameter (`from`, `to` of the diffs): an id, a file name or a date, each with a letter or
# digit, as the command line takes them. An empty value or spaces name none and are refused as every other empty
# parameter is (422, not looked up as a name: 404), in words saying what names one (pydantic's pattern check said
# "String should match pattern '[0-9A-Za-z]'"). A required parameter takes it with its Query in Annotated
# (`Annotated[PublicationName, Query(alias="from")]`): with the Query as its default, FastAPI did not run the validator.
PUBLICATION_NAME_LENGTH = 100
PUBLICATION_NAME_PATTERN = r"[0-9A-Za-z]"
# What the OpenAPI document says a name is: one with a letter or digit that is not only digits (spaces around them
# included), or an id as the registry writes it; `0`, `010` or ` 2` name no publication and are refused (422, by
# g287.web.api.history.named_publication), so the document does not call them valid. The end of the text is
# `(?![\s\S])`: `$` also matches before a final newline in Python's expressions, and "2\n" is no id.
PUBLICATION_NAME_DOCUMENTED = rf"^(?:(?!\s*[0-9]+\s*(?![\s\S]))[\s\S]*[0-9A-Za-z]|(?:{ID_PATTERN})(?![\s\S]))"


def _publication_name(value: Any) -> Any:
    if isinstance(value, str) and len(value) <= PUBLICATION_NAME_LENGTH and re.search(PUBLICATION_NAME_PATTERN, value):
        return value
    problem = (
        f"a name of {len(value):,} characters: no publication has one (at most {PUBLICATION_NAME_LENGTH})"
        if isinstance(value, str) and len(value) > PUBLICATION_NAME_LENGTH
        else f"{quoted(str(value))}: names no publication: give its id, its file name or a date YYYY-MM-DD[am|pm]"
    )
    raise PydanticCustomError("publication_name", "{problem}", {"problem": problem})


PublicationName = Annotated[
    str, BeforeValidator(_publication_name), WithJsonSchema({"type": "string", "maxLength": PUBLICATION_NAME_LENGTH, "pattern": PUBLICATION_NAME_DOCUMENTED})
]

# A yes or no in a query string is written as JSON writes it, and as the OpenAPI document (type: boolean) and the
# API's answers say it: true or false, exactly. Pydantic's bool also reads "1", "on", "yes", "t", "y", "True" and
# "TRUE" as true (and their opposites as false): other spellings of the same request, which no client reading the
# document sends. Any other text, an empty value included, is a 422 naming the parameter, as a number in another
# form is. As with whole_number, the Query goes in Annotated and the default after `=` (see query_boolean).
_BOOLEANS = {"true": True, "false": False}


def _boolean(value: Any) -> Any:
    if isinstance(value, str) and value in _BOOLEANS:
        return _BOOLEANS[value]
    raise PydanticCustomError("boolean", "{problem}", {"problem": f"{quoted(str(value))}: not a boolean: true or false, in lower case"})


QueryBoolean = Annotated[bool, BeforeValidator(_boolean), WithJsonSchema({"type": "boolean"})]


def query_boolean(description: str) -> Any:
    """The type of a true-or-false query parameter, with its description, named outside the signature (text in an
    annotation would be read as a type) and given its default after `=`: `WithAgreements = query_boolean("...")`,
    then `with_agreements: WithAgreements = False`."""
    from fastapi import Query

    return Annotated[QueryBoolean, Query(description=description)]


# The API's integer query parameters (limit, offset, end_after) are whole numbers, as the program's are: pydantic's
# int took "1_0" for 10 and "+5", " 5" or "5.0" for 5; each is a 422 naming the parameter, as an id in another form is.
# The validator is in the parameter's type, its Query in Annotated and its default after `=`: FastAPI reads a
# parameter whose default is its Query (`limit: whole_number(1, 1000) = Query(100)`) as a plain int.
def page_limit(most: int, default: int) -> Any:
    """The type of the `limit` of a paged list of the API, from 1 to `most`, described with its default (the value
    to give after `=`): `limit: page_limit(1000, 100) = 100`."""
    from fastapi import Query

    return Annotated[whole_number(1, most), Query(description=f"Items on this page (1 to {most}; default {default}); `total` counts the whole selection")]


PageOffset = whole_number(0, 1_000_000)


def page_offset(order: str) -> Any:
    """The Query of the `offset` of a paged list of the API, with the order its pages follow: `offset:
    Annotated[PageOffset, page_offset("by FIPS code")] = 0` (text in an annotation, outside Annotated's metadata,
    would be read as a type)."""
    from fastapi import Query

    return Query(description=f"Items of the selection to skip, in its order ({order}): the same request gives the same pages")


# The filters every API route describes alike (one text each in the OpenAPI document).
AS_OF_DESCRIPTION = "The lists in force on this date (default: today: the latest lists)"
MODEL_DESCRIPTION = "Only this model: JEM (jail enforcement), TFM (task force), WSO (warrant service officer)"
STATE_DESCRIPTION = "USPS code of the state, in any case (answered in capitals): its figures only"


def described(text: str) -> Any:
    """An optional query parameter with its description (one of the texts above)."""
    from fastapi import Query

    return Query(None, description=text)
