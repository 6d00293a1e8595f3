"""What the program workflow's pages and API share: who is calling (the session cookie), CSRF tokens, the
mapping of service errors to HTTP statuses, and responses that are never cached.

Privacy: every private route (a page or API response that depends on the user, or may carry personal data) is
declared with `PrivateRoute`, which marks each of its responses `Cache-Control: private, no-store` whatever
happens (success, error, redirect). The site's response cache (g287.web.http) never stores a response marked
no-store, and browsers and proxies do not keep it either. Public routes of the workflow (`PublicRoute`) read
only the public views, always as the public actor, so they are the same for everyone and may be cached.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Annotated, Any, Callable, Optional
from urllib.parse import quote

from fastapi import Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response

from g287 import audit
from g287.access import Actor
from g287.db import dialect
from g287.db.ids import record_id
from g287.db.models.program import User
from g287.errors import AccessDenied, Busy, G287Error, NotFound
from g287.program import auth
from g287.program.auth import CsrfRejected, LoginRefused
from g287.program.documents import RenderedDocument
from g287.program.storage import UploadRejected
from g287.program.validation import Conflict, InvalidInput
from g287.web.app import API_PREFIX, log_busy, site_of
from g287.web.known_parameters import refuse_unknown_query_parameters
from g287.web.pages.exports import attachment
from g287.web.params import IdParameter
from g287.web.program.form_text import refuse_text_not_utf8
from g287.web.render import render

SESSION_COOKIE = "g287_session"
SEED_COOKIE = "g287_csrf_seed"  # the random value anonymous visitors' CSRF tokens are bound to (the login form)
PRIVATE = "private, no-store"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")  # methods that change nothing: every other carries a CSRF token
RecordId = Annotated[IdParameter, Path(description="A record's id")]
FilterId = Annotated[Optional[IdParameter], Query()]
ROLE_LABELS = {"public": "Public", "agency_user": "Agency user", "program_officer": "Program officer", "administrator": "Administrator"}


@dataclass(frozen=True)
class Caller:
    """Who sends a request: the actor of their live session, or the public."""

    actor: Actor
    token: str | None = None  # the session token from the cookie, only when it names a live session
    username: str | None = None
    display_name: str | None = None
    seed: str | None = None  # anonymous visitors: the CSRF seed from the cookie, or a new one
    new_seed: bool = False

    @property
    def signed_in(self) -> bool:
        return self.token is not None

    @property
    def role(self) -> str:
        return self.actor.role

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.actor.role, self.actor.role)

    def binding(self) -> str:
        return auth.session_binding(self.token) if self.token else auth.seed_binding(self.seed or "")

    def csrf(self) -> str:
        return auth.csrf_token(self.binding())


def record_of(agency_id: int | None) -> SimpleNamespace:
    """What `g287.access.allowed` reads of a record (its agency), to decide which forms a page offers; the
    services decide again, and alone, when the form is sent."""
    return SimpleNamespace(agency_id=agency_id)


def caller_of(request: Request) -> Caller:
    """The caller of this request (looked up once per request)."""
    known = getattr(request.state, "program_caller", None)
    if known is not None:
        return known
    token = request.cookies.get(SESSION_COOKIE) or None
    caller = None
    if token:
        with site_of(request).db.session() as session:
            actor = auth.actor_for_token(session, token)
            if actor is not None:
                user = session.get(User, actor.user_id)
                caller = Caller(actor, token, user.username, user.display_name)
    if caller is None:
        seed = request.cookies.get(SEED_COOKIE) or None
        caller = Caller(Actor.public(), seed=seed or auth.new_csrf_seed(), new_seed=seed is None)
    request.state.program_caller = caller
    return caller


def check_csrf(request: Request, caller: Caller, submitted: Any = None) -> None:
    """Every change (a form or an API call) carries a CSRF token bound to the caller's session (or, before login,
    to their seed cookie): in the form field csrf_token or the X-CSRF-Token header."""
    value = submitted if isinstance(submitted, str) and submitted else request.headers.get(CSRF_HEADER)
    if not caller.signed_in and caller.new_seed:
        raise CsrfRejected("the form is missing its security cookie: reload the page (cookies must be enabled) and send it again")
    auth.verify_csrf(value, caller.binding())


def is_https(request: Request) -> bool:
    """Whether the site's cookies are marked Secure: when the request came over https, and whenever the site's
    public address (G287_SITE_URL) is an https one, whatever the request's scheme. Behind a proxy that ends TLS and
    does not forward the scheme, the request reads as http although the browser used https: the cookie must still
    never be sent over plain http. Only a site with no https address (local development over http) follows the
    request's scheme alone."""
    address = site_of(request).url
    return request.url.scheme == "https" or (address is not None and address.startswith("https://"))


def set_session_cookie(request: Request, response: Response, token: str, expires_at: dt.datetime) -> None:
    max_age = max(1, int((expires_at - dt.datetime.now(dt.timezone.utc)).total_seconds()))
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, path="/", httponly=True, secure=is_https(request), samesite="lax")


def issue_seed(request: Request, response: Response) -> str:
    """A new CSRF seed cookie (after signing out) and a token bound to it, for the next sign-in."""
    seed = auth.new_csrf_seed()
    response.set_cookie(SEED_COOKIE, seed, path="/", httponly=True, secure=is_https(request), samesite="lax")
    return auth.csrf_token(auth.seed_binding(seed))


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=is_https(request), samesite="lax")


# Errors -------------------------------------------------------------------------------------------------------


@dataclass
class Problem:
    """A service error as the user sees it: its status, one line, the fields named, the reasons of each rule
    not met (NotEligible), for a lockout the seconds to wait, and for a name already on the MOA the nominees of
    that name (nominees.SameName), whom the form then offers to confirm as namesakes."""

    status: int
    message: str
    fields: dict[str, str] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    retry_after: int | None = None
    namesakes: list[dict] = field(default_factory=list)
    action: str | None = None  # a refusal of the access rules: the action refused, as they name it
    # Pages only: a field's name in words for the summary, where the page names it otherwise than the services
    # (a row of a form: "Period 2, To" for period_end[1], see form_rows).
    labels: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}

    def as_json(self) -> dict:
        return {
            "error": {
                "status": self.status,
                "message": self.message,
                "fields": [{"field": name, "message": text} for name, text in self.fields.items()],
                "reasons": self.reasons,
                # A name already on the MOA: each nominee of it, for a client to confirm as namesakes (namesake_of).
                **({"namesakes": self.namesakes} if self.namesakes else {}),
                # A refusal of the access rules: the action refused, for programs (the message is for people).
                **({"action": self.action} if self.action else {}),
            }
        }


def status_of(error: Exception) -> int:
    if isinstance(error, LoginRefused):
        return 429 if error.retry_after else 401
    if isinstance(error, AccessDenied):  # CsrfRejected included
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, (InvalidInput, UploadRejected, RequestValidationError)):
        return 422
    if isinstance(error, Conflict):  # NotEligible included
        return 409
    if isinstance(error, Busy):
        return 503
    return 400


UNKNOWN_FIELD = "this request does not take this field"


def _not_json(item: dict) -> str:
    """The words for a body that is no JSON: what the parser said, and where."""
    position = next((part for part in item.get("loc", ())[1:] if isinstance(part, int)), None)
    said = str((item.get("ctx") or {}).get("error") or "").strip()
    parts = ([said[0].lower() + said[1:]] if said else []) + ([f"at character {position + 1:,}"] if position is not None else [])
    return "not JSON" + (f" ({' '.join(parts)})" if parts else "")


def problem_of(error: Exception) -> Problem:
    if isinstance(error, RequestValidationError):
        fields = {}
        for item in error.errors():
            if item.get("type") == "json_invalid":
                # FastAPI places a body that is no JSON at ("body", the character's position): it named the field "1".
                fields.setdefault("body", _not_json(item))
                continue
            name = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body", "header", "form")) or "request"
            message = UNKNOWN_FIELD if item.get("type") == "extra_forbidden" else str(item.get("msg", "invalid value"))
            fields.setdefault(name, message)
        return Problem(422, "invalid request: " + "; ".join(f"{k}: {v}" for k, v in fields.items()), fields)
    return Problem(
        status_of(error),
        str(error),
        dict(getattr(error, "fields", None) or {}),
        list(getattr(error, "reasons", None) or []),
        getattr(error, "retry_after", None),
        list(getattr(error, "namesakes", None) or []),
        getattr(error, "action", None),
    )


def error_response(request: Request, error: Exception, *, api: bool) -> Response:
    problem = problem_of(error)
    if api:
        return JSONResponse(problem.as_json(), status_code=problem.status, headers=problem.headers())
    caller = caller_of(request)
    if problem.status == 403 and not isinstance(error, CsrfRejected) and not caller.signed_in and request.method in ("GET", "HEAD"):
        # A visitor who is not signed in is asked to sign in, then brought back.
        return RedirectResponse("/program/login?next=" + quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="/"), status_code=303)
    # The error page shows no form: what a page's request refused came in its address (a filter, an id).
    refused_in_address = request.method in ("GET", "HEAD")
    response = page(request, "program/error.html", status=problem.status, problem=problem, headers=problem.headers(), refused_in_address=refused_in_address)
    # An error page shows who is signed in (the header), even on a public route: never cached or shared.
    mark_private(request, response)
    return response


class ProgramRoute(APIRoute):
    """A route of the workflow: service errors become the statuses of the README (pages show the reasons; the
    API answers `{"error": {"status", "message", "fields", "reasons"}}`)."""

    private = False

    def get_route_handler(self):
        handler = super().get_route_handler()
        api = self.path.startswith(API_PREFIX)
        private = self.private

        async def run(request: Request) -> Response:
            try:
                if api and request.method not in SAFE_METHODS:
                    # Before the handler: FastAPI parses a JSON body before any dependency of the route runs, so a
                    # change without a valid token whose JSON did not parse was answered 422, not refused as that.
                    # An unknown query parameter is named first, as on every other route (it is read before anything).
                    refuse_unknown_query_parameters(request)
                    check_csrf(request, caller_of(request))
                response = await handler(request)
            except (G287Error, RequestValidationError) as error:
                if isinstance(error, Busy):
                    log_busy(request, error)
                response = error_response(request, error, api=api)
            except OperationalError as error:
                if not dialect.is_busy(error):
                    raise
                log_busy(request, error)
                response = error_response(request, Busy(), api=api)
            except IntegrityError:
                # A constraint the services check first (one signed MOA per record, one open MOA per model...) was
                # broken by a change saved at the same moment, which the check could not see.
                response = error_response(request, Conflict("this conflicts with a change saved at the same moment: reload and check before sending it again"), api=api)
            if private:
                mark_private(request, response)
            return response

        return run


class PublicRoute(ProgramRoute):
    """A public route: the same for everyone (it reads only public views, as the public actor)."""


class PrivateRoute(ProgramRoute):
    """A route whose responses depend on the user or carry personal data: never cached, never shared."""

    private = True


def mark_private(request: Request, response: Response) -> None:
    response.headers["cache-control"] = PRIVATE
    response.headers["pragma"] = "no-cache"
    response.headers["vary"] = "Cookie"
    caller = getattr(request.state, "program_caller", None)
    if caller is not None and caller.new_seed and not caller.signed_in:
        response.set_cookie(SEED_COOKIE, caller.seed, path="/", httponly=True, secure=is_https(request), samesite="lax")


# Rendering ----------------------------------------------------------------------------------------------------

DONE_MESSAGES = {
    "signed-in": "You are signed in.",
    "signed-out": "You are signed out.",
    "password": "Your password is changed; every session of your account has ended. Sign in with the new password.",
    "submitted": "The letter of interest is submitted; the application is open.",
    "drafted": "The MOA is drafted (a new version).",
    "signed": "The signed MOA is recorded; the agreement counts as participating.",
    "terminated": "The MOA is recorded as terminated.",
    "withdrawn": "The MOA is recorded as withdrawn; it is no longer pending.",
    "nominated": "The nominee is recorded. Their eligibility is below.",
    "updated": "The changes are saved.",
    "unchanged": "Nothing changed: the values sent are those already recorded.",
    "background": "The background investigation's result is recorded.",
    "enrolled": "The nominee is enrolled in the initial course.",
    "exam": "The examination score is recorded.",
    "certified": "The nominee is certified.",
    "refresher": "The refresher training is recorded.",
    "renewed": "The certification is renewed.",
    "revoked": "The authorization is revoked.",
    "agency": "The agency is saved.",
    "linked": "The link to the registry's agency is saved.",
    "disabled": "The account is disabled and its sessions ended.",
    "published": "The registry's lists are published.",
}


def page(request: Request, template: str, *, status: int = 200, headers: dict | None = None, **context) -> Response:
    caller = caller_of(request)
    done = DONE_MESSAGES.get(request.query_params.get("done", ""))
    response = render(template, status=status, me=caller, csrf=caller.csrf(), done=done, ROLE_LABELS=ROLE_LABELS, **context)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def see_other(path: str, done: str | None = None, anchor: str | None = None) -> RedirectResponse:
    """After a change, the browser is sent to the page that shows it (POST, then redirect, then GET)."""
    separator = "&" if "?" in path else "?"
    return RedirectResponse(path + (f"{separator}done={done}" if done else "") + (f"#{anchor}" if anchor else ""), status_code=303)


def document_response(document: RenderedDocument) -> Response:
    return Response(document.content, media_type=document.media_type, headers={"content-disposition": attachment(document.filename)})


def safe_next(value: str | None) -> str:
    """Where to go after signing in: only a path of this site's workflow (never another site)."""
    if value and value.startswith("/program") and not value.startswith("//") and "\\" not in value and "\n" not in value and "\r" not in value:
        return value
    return "/program"


async def form_of(request: Request) -> dict[str, Any]:
    """The submitted form: single fields as strings, repeated fields (checkboxes, rows) as lists. InvalidInput for a
    field whose text is not UTF-8 (form_text)."""
    await refuse_text_not_utf8(request)
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form.keys():
        items = form.getlist(key)
        values[key] = items if len(items) > 1 or key.endswith("[]") else items[0]
    return values


@dataclass
class Submitted:
    """A form posted to a change (see submit_form): the values to fill the form again with, and the change's result
    or the problem that refused it (then nothing was changed)."""

    shown: dict[str, Any]
    result: Any = None
    problem: Problem | None = None
    changed: bool = True  # False when the change wrote no audit event: the values sent were those recorded

    def done(self, message: str) -> str:
        """The message to show after it (a key of DONE_MESSAGES): "unchanged" when nothing changed."""
        return message if self.changed else "unchanged"


async def submit_form(request: Request, work: Callable[[Session, Actor, dict[str, Any]], Any]) -> Submitted:
    """One change from a page's form, as api.change is one from the API: the form read, its CSRF token checked,
    then `work(session, actor, values)` in one transaction (the service function it calls checks access and writes
    the audit event). A refusal (G287Error) is returned as the problem, for the page to show with the form."""
    caller = caller_of(request)
    values: dict[str, Any] = {}
    try:
        values = await form_of(request)
        check_csrf(request, caller, text(values, CSRF_FIELD))
        with site_of(request).db.session(writing=True) as session:
            result = work(session, caller.actor, values)
            changed = audit.events_written(session) > 0  # every change writes its event; a no-op writes none
    except G287Error as error:
        return Submitted(shown_again(values), problem=problem_of(error))
    site_of(request).changed()
    return Submitted(shown_again(values), result, changed=changed)


def shown_again(values: dict[str, Any]) -> dict[str, Any]:
    """A form's values to fill it again with: never its CSRF token, a password or an uploaded file."""
    return {k: v for k, v in values.items() if k != CSRF_FIELD and "password" not in k and not isinstance(v, UploadFile)}


def text(values: dict, name: str) -> str | None:
    value = values.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def form_record_id(values: dict, name: str, problem: str = "a record's number") -> int | None:
    """A record id typed into a form: None when the field is empty; InvalidInput naming the field unless it is a
    number from 1 to MAX_ID in ASCII digits ("²" passes str.isdigit, and a huge number overflows the database)."""
    raw = (text(values, name) or "").strip()
    if not raw:
        return None
    value = record_id(raw)
    if value is None:
        raise InvalidInput({name: problem})
    return value


def strings(values: dict, name: str) -> list[str]:
    value = values.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]
