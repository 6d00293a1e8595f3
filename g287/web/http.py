"""The HTTP layer around the application: security headers, a response cache per data version, validators.

Every page and API response depends only on the request and on the data, and the data changes only when a
service writes (each change writes an audit event). So a successful GET response is computed once per data
version and served from memory after that; the data version is re-read at most every
G287_WEB_VERSION_SECONDS, and at once after a change made by this process (see `invalidate`).

Every 200 response to GET carries an ETag (a hash of its body) and Last-Modified (the time of the latest change
of the data); If-None-Match and If-Modified-Since are answered with 304.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import threading
import time
import tomllib
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from typing import Callable
from urllib.parse import unquote_plus

from starlette.responses import FileResponse, MalformedRangeHeader

from g287 import days
from g287.config import DATA_DIR
from g287.registry.queries import DataVersion

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
NO_STORE = b"no-store"  # a route that must never be cached sets Cache-Control: no-store
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class _Cached:
    version: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    last_modified: dt.datetime | None


class VersionClock:
    """The current data version, read from the database at most every `interval` seconds."""

    def __init__(self, read: Callable[[], DataVersion], interval: float):
        self._read = read
        self._interval = interval
        self._lock = threading.Lock()
        self._value: DataVersion | None = None
        self._checked = 0.0

    def current(self) -> DataVersion:
        now = time.monotonic()
        if self._value is None or now - self._checked >= self._interval:
            with self._lock:
                if self._value is None or now - self._checked >= self._interval:
                    self._value = self._read()
                    self._checked = time.monotonic()
        return self._value

    def invalidate(self) -> None:
        with self._lock:
            self._value = None


class SiteMiddleware:
    """ASGI middleware: security headers on every response; cache, ETag and 304 for successful GETs."""

    def __init__(
        self,
        app,
        clock: VersionClock,
        *,
        max_entries: int = 2048,
        max_body: int = 4 << 20,
        max_total: int = 256 << 20,
        uncached: tuple[str, ...] = (),
        uncached_pattern: str | None = None,
    ):
        self.app = app
        self.uncached = uncached  # path prefixes passed straight through (large downloads)
        self.uncached_pattern = re.compile(uncached_pattern) if uncached_pattern else None  # the same, by pattern (archived files)
        self.clock = clock
        self.max_entries = max_entries
        self.max_body = max_body
        # Every distinct query string is a key, and anyone can invent query strings: the bytes held are capped
        # too, so the cache cannot be made to fill the memory.
        self.max_total = max_total
        self._bytes = 0
        self._cache: OrderedDict[bytes, _Cached] = OrderedDict()
        self._inflight: dict[tuple[bytes, str], asyncio.Future] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if scope.get("query_string"):
            # Before the cache's key is made: a link carrying a tracker's id shares the entry of the link without it.
            query = without_tracking_parameters(scope["query_string"])
            scope = dict(scope, query_string=query if scope["path"].startswith(TAKEN_AS_SENT) else without_empty_fields(query))
        if method not in ("GET", "HEAD"):
            await self.app(scope, receive, send_with_headers(send))
            return
        if method == "HEAD":
            scope = dict(scope, method="GET")  # answered as GET without the body
        if scope["path"].startswith(self.uncached) or (self.uncached_pattern is not None and self.uncached_pattern.match(scope["path"])):
            await self.app(scope, receive, send_with_headers(send, drop_body=method == "HEAD"))
            return
        version = self.clock.current()
        # Pages default to "today": the day is part of what a response depends on.
        # The scheme, host and root path are part of the key: feeds carry absolute links built from them, and a
        # request naming another (or forwarded as https by a proxy) must never change what the others are served.
        host = next((v for k, v in scope.get("headers") or [] if k == b"host"), b"")
        today = days.today()
        key = b"%s?%s|%s|%s://%s%s" % (
            scope["path"].encode(), scope.get("query_string", b""), today.isoformat().encode(), scope.get("scheme", "http").encode(), host,
            scope.get("root_path", "").encode(),
        )
        entry = self._cache.get(key)
        if entry is not None and entry.version == version.token:
            await self._answer(scope, send, entry, method)
            return
        loop = asyncio.get_running_loop()
        pending = self._inflight.get((key, version.token))
        if pending is not None and pending.get_loop() is loop:
            # The same response is being computed for another request: wait for it rather than compute it twice.
            entry = await asyncio.shield(pending)
            if entry is not None:
                await self._answer(scope, send, entry, method)
                return
            # Not kept (an error, a private page): each request is answered on its own. Registering
            # again would replace the key others wait on, and the first to finish would remove theirs.
            await self.app(scope, receive, send_with_headers(send, drop_body=method == "HEAD"))
            return
        future = loop.create_future()
        self._inflight[(key, version.token)] = future
        entry = None
        try:
            captured = _Capture()
            await self.app(scope, receive, captured.send)
            if captured.status != 200 or captured.streaming or captured.no_store:
                if captured.status in REDIRECTS and not any(k == b"cache-control" for k, _v in captured.headers):
                    # A browser keeps a permanent redirect (301, 308) with no cache header for good, and follows it
                    # without asking again: an absorbed agency's address would lead to the agency it joined even
                    # after the merge is undone (README: a merge can be undone). Asked again, as every page is.
                    captured.headers.append((b"cache-control", b"no-cache"))
                await captured.replay(send_with_headers(send), method)
                return
            etag = b'"' + hashlib.blake2b(captured.body, digest_size=12).hexdigest().encode() + b'"'
            # The validators are the cache's own (the application's, e.g. a static file's, are replaced). A page
            # that defaults to today changes at midnight with no change of data: it is no older than the day.
            headers = [(k, v) for k, v in captured.headers if k not in (b"etag", b"last-modified")]
            if not any(k == b"cache-control" for k, _v in headers):
                headers.append((b"cache-control", b"no-cache"))  # browsers ask again (a 304 when nothing changed)
            entry = _Cached(version.token, captured.status, headers, captured.body, etag, _latest(version.modified_at, _start_of(today)))
            # A body too large to keep is still answered with its validators (and to the requests waiting on it):
            # replayed as it came, a big registry's download had no ETag nor Last-Modified, and a conditional
            # request got the whole body again.
            if len(captured.body) <= self.max_body:
                self._keep(key, entry)
        finally:
            future.set_result(entry)  # first: whatever happens next, no request waits on this one forever
            if self._inflight.get((key, version.token)) is future:
                del self._inflight[(key, version.token)]
        await self._answer(scope, send, entry, method)

    def _keep(self, key: bytes, entry: _Cached) -> None:
        with self._lock:
            replaced = self._cache.pop(key, None)
            if replaced is not None:
                self._bytes -= len(replaced.body)
            self._cache[key] = entry
            self._bytes += len(entry.body)
            while len(self._cache) > self.max_entries or self._bytes > self.max_total:
                _old_key, old = self._cache.popitem(last=False)
                self._bytes -= len(old.body)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._bytes = 0

    async def _answer(self, scope, send, entry: _Cached, method: str) -> None:
        validators = [(b"etag", entry.etag)]
        if entry.last_modified is not None:
            validators.append((b"last-modified", format_datetime(entry.last_modified.astimezone(dt.timezone.utc), usegmt=True).encode()))
        if _not_modified(scope, entry):
            headers = validators + [(k, v) for k, v in entry.headers if k in (b"cache-control", b"vary")] + SECURITY_HEADERS
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [(k, v) for k, v in entry.headers if k != b"content-length"]
        headers += validators + SECURITY_HEADERS + [(b"content-length", str(len(entry.body)).encode())]
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else entry.body})


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).astimezone(dt.timezone.utc)  # local midnight, as the key's day is local


def _latest(data_changed: dt.datetime | None, day_started: dt.datetime) -> dt.datetime:
    # data_changed is DataVersion.modified, aware already (registry.queries.data_version)
    return day_started if data_changed is None else max(data_changed, day_started)


# The API and the exports take their parameters as sent (`limit=` is a 422 naming it, as any bad value); no form
# sends to them, and the site's own links leave out what is empty.
TAKEN_AS_SENT = ("/api/", "/exports/")


def without_empty_fields(query: bytes) -> bytes:
    """A form sends its empty fields ("model=" for "All models"); pages take an empty field as absent, also one
    written without "=" ("?as_of", which a form would send as "as_of=")."""
    return b"&".join(part for part in query.split(b"&") if part and not part.endswith(b"=") and b"=" in part)


@lru_cache(maxsize=1)
def tracking_parameters() -> frozenset[str]:
    """The parameters link trackers add (utm_source, fbclid...): g287/data/rules/tracking_parameters.toml."""
    with open(DATA_DIR / "rules" / "tracking_parameters.toml", "rb") as handle:
        return frozenset(tomllib.load(handle)["parameters"])


def without_tracking_parameters(query: bytes) -> bytes:
    """The query without the parameters link trackers add to shared links: no page, API route or export takes one,
    and the API and the exports would refuse them as parameters they do not take (g287.web.known_parameters). A
    name is read as Starlette reads it (latin-1, percent-decoded), so `utm%5Fsource` is `utm_source` too."""
    names = tracking_parameters()
    return b"&".join(part for part in query.split(b"&") if unquote_plus(part.split(b"=", 1)[0].decode("latin-1")) not in names)


def _not_modified(scope, entry: _Cached) -> bool:
    return not_modified(scope, entry.etag, entry.last_modified)


def not_modified(scope, etag: bytes, last_modified: dt.datetime | None) -> bool:
    """RFC 9110 13.1: If-None-Match decides (weak comparison); without it, If-Modified-Since against `last_modified`
    (to the second). Also for routes the cache passes by that answer conditional requests themselves."""
    pairs = scope.get("headers") or []
    # Several If-None-Match lines are one list (RFC 9110 5.3; a proxy may split one): a dict kept only the last.
    lines = [value for name, value in pairs if name == b"if-none-match"]
    if lines:
        wanted = [tag.strip().removeprefix(b"W/") for tag in b",".join(lines).split(b",")]
        return etag in wanted or b"*" in wanted
    since = next((value for name, value in pairs if name == b"if-modified-since"), None)
    if since and last_modified is not None:
        try:
            moment = parsedate_to_datetime(since.decode("latin-1"))
        except (TypeError, ValueError):
            return False  # an unreadable date: the whole response
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return last_modified.replace(microsecond=0) <= moment
    return False


class SecurityHeaders:
    """ASGI middleware around the whole application (g287.web.app.SiteApplication): the security headers on every
    response, also those answered outside SiteMiddleware: a data version the database refused (503,
    g287.web.database_failures) and, by Starlette's ServerErrorMiddleware, which is always the outermost of the
    stack, an unexpected exception (500). A header a response sets itself (an archived document's sandbox policy) is
    kept."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, send_with_headers(send))


def send_with_headers(send, drop_body: bool = False):
    """Add the security headers to a response passed through without caching."""

    async def wrapped(message):
        if drop_body and message["type"] == "http.response.body":
            message = dict(message, body=b"")
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {k.lower() for k, _ in headers}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message = dict(message, headers=headers + extra)
        await send(message)

    return wrapped


class _Capture:
    """Collects a response; a body sent in several parts (a file, a stream) is passed through, never cached."""

    def __init__(self):
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.parts: list[bytes] = []
        self.streaming = False
        self._downstream = None

    @property
    def body(self) -> bytes:
        return b"".join(self.parts)

    @property
    def no_store(self) -> bool:
        return any(k == b"cache-control" and NO_STORE in v for k, v in self.headers)

    async def send(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [(k.lower(), v) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            self.parts.append(message.get("body", b""))
            if message.get("more_body"):
                self.streaming = True

    async def replay(self, send, method: str) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else self.body})


class ResumableFile(FileResponse):
    """A file served whole or in the byte ranges asked for (the SQLite download, an archived document). A `Range` it
    cannot read is ignored and the whole file served, as RFC 9110 (14.2) has it: a range unit other than bytes must
    be ignored, and an invalid range (`bytes=5-1`, `garbage`) may be. Starlette refused either with a 400 in plain
    text, which no download manager resumes from and which is not the JSON of the site's other errors. A range
    that starts past the end of the file is still a 416, as Starlette answers it."""

    @classmethod
    def _parse_range_header(cls, http_range: str, file_size: int) -> list[tuple[int, int]]:
        try:
            return super()._parse_range_header(http_range, file_size)
        except MalformedRangeHeader:
            return []  # no range: the whole file
