"""The web application: server-rendered pages, the JSON API under /api/v1, exports and the fact sheet.

`create_app` builds it for one database. Pages and API routes are thin: they parse the request, call the read
services of g287.registry, g287.history and g287.geo, and render.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from g287 import __version__
from g287.config import check_reading_settings, env_number, site_url
from g287.access import Actor, authorize
from g287.db import dialect
from g287.db.engine import Database, open_database
from g287.errors import AccessDenied, Busy, G287Error, NotFound
from g287.registry.queries import data_version
from g287.web.body_limit import BodyLimit
from g287.web.cors import PublicDataCors
from g287.web.database_failures import DatabaseFailures
from g287.web.http import SecurityHeaders, SiteMiddleware, VersionClock
from g287.web.trailing_slash import redirect_slashes_to_paths

STATIC_DIR = Path(__file__).resolve().parent / "static"
API_PREFIX = "/api/v1"
PROGRAM_PATH = re.compile(r"^(/api/v1)?/program(/|$)")  # the program workflow's pages and API (g287.web.program)
# The public is told no address of the database (it could name a host, a user or a folder); the server's log has it.
UNREACHABLE = "the registry's database cannot be reached at the moment: try again in a few minutes"
UNREACHABLE_RETRY_SECONDS = 30  # a server restarting or a disk remounted takes longer than a writer's turn (Busy)
log = logging.getLogger("g287.web")


def version_seconds() -> float:
    """How often the site re-reads the data version (G287_WEB_VERSION_SECONDS, default 1): a change made by
    another process (an ingest from the command line) shows within that time."""
    return env_number("G287_WEB_VERSION_SECONDS", 1)


def check_settings() -> None:
    """One G287Error for a bad setting the site reads, before `g287 serve` opens the database: its own, the
    workflow's, K (an agency's page) and the limits of the lists the workflow publishes and ingests. Each is read when
    a request needs it, which would answer an error page each time, or in each worker (a traceback)."""
    from g287.history.lifecycle import end_after_default
    from g287.program.settings import check_settings as check_workflow_settings

    version_seconds()
    site_url()
    check_workflow_settings()
    end_after_default()
    check_reading_settings()


class Site:
    """What every request handler shares: the database, the data version and the site's public address."""

    def __init__(self, db: Database):
        self.db = db
        self.url = site_url()
        self.actor = Actor.public()
        self.clock = VersionClock(self._read_version, version_seconds())

    def address(self, request) -> str:
        """The site's address for links that must be absolute (feeds, the printed fact sheet): G287_SITE_URL when
        set, else the request's own."""
        return self.url or str(request.base_url)

    def _read_version(self):
        with self.db.session() as session:
            return data_version(session)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session for the public."""
        authorize(self.actor, "registry.read")
        with self.db.session() as session:
            yield session

    def changed(self) -> None:
        """Call after this process changed the data, so cached responses are not served again."""
        self.clock.invalidate()


class SiteApplication(FastAPI):
    """The application with SecurityHeaders and PublicDataCors outside its whole stack: Starlette puts its
    ServerErrorMiddleware (the 500 of an unexpected exception) outside every middleware added with add_middleware, so
    its answers went without the security headers, and under /api/v1 and /exports without the CORS headers (a script
    on another page could not read their status)."""

    def build_middleware_stack(self):
        return SecurityHeaders(PublicDataCors(super().build_middleware_stack()))


def site_of(request: Request) -> Site:
    return request.app.state.site


def log_busy(request: Request, cause: Exception) -> None:
    """A 503 because another process holds the database, as a warning line in the server's log naming the database
    and the address, as an unreachable database's 503 is: the visitor is told to wait, and whoever runs the site
    learns why visitors were (a process holding the database for long answered them all in silence)."""
    said = " ".join(str(getattr(cause, "orig", None) or cause).split())  # the driver's words ("database is locked") where there are some
    log.warning("the database %s is busy (answered 503 to %s): %s", site_of(request).db.safe_url, request.url.path, said)


def create_app(db: Database | None = None, *, database: str | None = None) -> FastAPI:
    from g287.web.api import errors as api_errors
    from g287.web.api import router as api_router
    from g287.web.known_parameters import refuse_unknown_query_parameters
    from g287.web.pages import error_page, router as pages_router
    from g287.web.program.core import mark_private

    db = db or open_database(database)
    site = Site(db)
    app = SiteApplication(
        title="g287 API",
        version=__version__,
        description=(
            "The open registry of the U.S. 287(g) program: ICE's published lists of participating and pending "
            "agencies, as of any date, each figure with the publication it comes from. Ids of agencies, agreements "
            "and publications are stable within a database. Errors are JSON objects "
            '`{"error": {"status", "message", "fields"}}`; invalid parameters, query parameters an endpoint does not take, and a parameter given more than one value, answer 422 naming each '
            "(but for those link trackers add to shared links, such as utm_source and fbclid, which are dropped); a database "
            "busy (another g287 process writing to it), not reachable or failing answers 503 with Retry-After. "
            "Every successful response carries an ETag and Last-Modified and answers conditional requests with 304."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(refuse_unknown_query_parameters)],  # the API and the exports take no parameter they do not declare
    )
    app.state.site = site
    redirect_slashes_to_paths(app.router)  # never to the host a request's Host header names
    app.include_router(api_router())
    app.include_router(pages_router)
    app.include_router(__import__("g287.web.program", fromlist=["router"]).router())  # the program workflow (issue 6)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith(API_PREFIX) or request.url.path.startswith("/exports/")

    def answer(request: Request, response):
        """An error answered here under /program (a path no route has, a method it does not take, a body too large
        or unreadable) is private, no-store, as everything the workflow's own routes answer may be: a cache keeps
        none of it (g287.web.program.core)."""
        if PROGRAM_PATH.match(request.url.path):
            mark_private(request, response)
        return response

    def error_of(request: Request, status: int, message: str):
        return answer(request, api_errors.error_response(status, message) if wants_json(request) else error_page(request, status, message))

    @app.exception_handler(RequestValidationError)
    async def invalid_parameters(request: Request, error: RequestValidationError):
        if wants_json(request):
            return answer(request, api_errors.validation_response(error))
        fields = api_errors.field_errors(error)
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return error_of(request, 422, f"Invalid request: {message}")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound):
        return error_of(request, 404, str(error))

    @app.exception_handler(AccessDenied)
    async def denied(request: Request, error: AccessDenied):
        return error_of(request, 403, str(error))

    def busy_response(request: Request, error: Busy, cause: Exception | None = None):
        """Another process is writing: 503 with Retry-After, as the program's routes answer it (send it again)."""
        log_busy(request, cause or error)
        response = error_of(request, 503, str(error))
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.exception_handler(Busy)
    async def busy(request: Request, error: Busy):
        return busy_response(request, error)

    def database_failure(scope, error: SQLAlchemyError):
        """A database error raised to DatabaseFailures, by a route or by the data version read before any route:
        busy (another process holds it), a 503 with Retry-After as Busy; not reachable (its server down, its file's
        folder gone) or failing (a file that is not a database, a disk error, no connection free), a 503 with
        Retry-After and one line in the server's log naming the database (no password) and the cause. None for a
        statement the database refused (a defect: the 500 of an unexpected error)."""
        request = Request(scope)
        if dialect.is_busy(error):
            return busy_response(request, Busy(), error)
        unreachable = dialect.is_unreachable(error)
        if not (unreachable or dialect.is_failing(error)):
            return None
        cause = " ".join(str(getattr(error, "orig", None) or (error.args[0] if error.args else error)).split())  # libpq's hint on a line of its own
        what = "cannot be reached" if unreachable else "failed"
        log.error("the database %s %s (answered 503 to %s): %s", site.db.safe_url, what, request.url.path, cause)
        response = error_of(request, 503, UNREACHABLE)
        response.headers["Retry-After"] = str(UNREACHABLE_RETRY_SECONDS)
        return response

    @app.exception_handler(G287Error)
    async def user_error(request: Request, error: G287Error):
        return error_of(request, 400, str(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        message = error.detail if isinstance(error.detail, str) else "error"
        if error.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        response = error_of(request, error.status_code, message)
        for key, value in (error.headers or {}).items():
            response.headers[key] = value
        if error.status_code == 405:
            response.headers["allow"] = allowed_methods(request)
        return response

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception):
        return error_of(request, 500, "internal error")  # for the API, the one shape of every API error

    def too_large(scope, message: str):
        return error_of(Request(scope), 413, message)

    app.add_middleware(BodyLimit, refusal=too_large)  # inside the site middleware, which adds the security headers
    app.add_middleware(SiteMiddleware, clock=site.clock, uncached=("/exports/g287.sqlite",), uncached_pattern=r"^/documents/[0-9a-f]{64}\.")
    app.add_middleware(DatabaseFailures, answer=database_failure)  # around the data version the site middleware reads
    return app


def allowed_methods(request: Request) -> str:
    """Every method the path answers: Starlette names only the first route matching the path (GET of a form's page,
    not the POST beside it), and every GET route answers HEAD too (the site middleware answers it as GET)."""
    methods: set[str] = set()
    # The path as the application's routes see it: a mount (/static) has added its prefix to the scope's root_path.
    top = dict(request.scope, root_path=request.scope.get("app_root_path", request.scope.get("root_path", "")))
    for route in request.app.routes:
        # A mount matches its paths whatever the method: the static files answer GET (and HEAD) only.
        if isinstance(route, Mount) and isinstance(route.app, StaticFiles) and route.matches(top)[0] == Match.FULL:
            methods.add("GET")
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):  # each asked of the routes (included routers hide theirs)
        scope = dict(top, method=method)
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.routes if not isinstance(route, Mount)):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
    return ", ".join(m for m in order if m in methods)


def app_from_environment() -> FastAPI:
    """The application for the database named by G287_DATABASE_URL (uvicorn's factory for several workers)."""
    return create_app()
