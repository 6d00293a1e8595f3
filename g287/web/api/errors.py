"""API errors: always `{"error": {"status", "message", "fields"}}`, with the right status."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.responses import JSONResponse


class FieldError(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    status: int
    message: str
    fields: list[FieldError] = []


class ErrorBody(BaseModel):
    error: ErrorDetail


def unavailable(model: type[BaseModel]) -> dict:
    """The 503 every API operation may answer (g287.web.app: busy_response, unavailable_response), declared with the
    error model of the operation's other errors: the OpenAPI document names it for each, with its Retry-After."""
    return {
        "model": model,
        "description": "The database is busy (another g287 process is writing to it) or cannot be reached at the moment: send the request again after Retry-After seconds",
        "headers": {"Retry-After": {"description": "Seconds to wait before sending the request again", "schema": {"type": "integer"}}},
    }


ERROR_RESPONSES = {
    404: {"model": ErrorBody, "description": "No such record"},
    422: {"model": ErrorBody, "description": "Invalid parameters, or parameters this endpoint does not take (each named)"},
    503: unavailable(ErrorBody),
}


def error_response(status: int, message: str, fields: list[dict] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message, "fields": fields or []}}, status_code=status)


def field_errors(error: RequestValidationError) -> list[dict]:
    fields = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path", "body")]
        fields.append({"field": ".".join(location) or "request", "message": str(item.get("msg", "invalid value"))})
    return fields


def validation_response(error: RequestValidationError) -> JSONResponse:
    fields = field_errors(error)
    names = ", ".join(sorted({f["field"] for f in fields}))
    return error_response(422, f"invalid parameter: {names}", fields)


def invalid_parameter(name: str, message: str) -> RequestValidationError:
    """The error of a query parameter whose value is refused by the endpoint itself (a 422 naming it, as FastAPI's own
    checks give)."""
    return RequestValidationError([{"loc": ("query", name), "msg": message, "type": "value_error"}])


def unknown_parameters(names: list[str], taken: list[str]) -> RequestValidationError:
    """The error of query parameters the endpoint does not take (g287.web.known_parameters): a 422 naming each, with
    the parameters it takes."""
    takes = f"this endpoint takes {', '.join(taken)}" if taken else "this endpoint takes no query parameter"
    # A name left empty ("?=2025-05-29") has no name to show: the field is then "request", as for any error of no field.
    return RequestValidationError(
        [{"loc": ("query", name), "msg": f"unknown parameter: {takes}" if name else f"a parameter with no name: {takes}", "type": "unknown_parameter"} for name in names]
    )


def repeated_parameters(names: list[str]) -> RequestValidationError:
    """The error of query parameters given more than one value that take one (g287.web.known_parameters): a 422
    naming each. Read as the last value, `?state=TX&state=CA` answered for California alone, and said nothing."""
    return RequestValidationError([{"loc": ("query", name), "msg": "given more than one value: this parameter takes one", "type": "repeated_parameter"} for name in names])
