"""A limit on the size of request bodies, applied before any route reads one.

Forms and JSON bodies are parsed before a route can check its CSRF token or the caller's access, and Starlette's
form parser spools file parts to disk without limit: without this, anyone could make the server read gigabytes
into memory or onto disk. Every body but the signed-MOA upload (whose route refuses an undeclared or oversized
length itself, against G287_MAX_UPLOAD_MB) is held to BODY_LIMIT: a declared Content-Length beyond it is refused
with 413 before anything is read; an undeclared or understated one is read up to the limit, then refused.
"""

from __future__ import annotations

import re
from typing import Callable

# The largest form (a letter of interest: a justification of 5,000 characters, each up to 4 bytes in UTF-8 and 3
# characters percent-encoded, and short fields) needs about 70 KB.
BODY_LIMIT = 256 * 1024
_UPLOAD_ROUTE = re.compile(r"^(/api/v1)?/program/moas/[^/]+/signed$")
_WITH_BODY = ("POST", "PUT", "PATCH", "DELETE")


class BodyLimit:
    """ASGI middleware; `refusal(scope, message)` makes the 413 response (an error page, or JSON for the API)."""

    def __init__(self, app, refusal: Callable, limit: int = BODY_LIMIT):
        self.app = app
        self.refusal = refusal
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY or _UPLOAD_ROUTE.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        message = f"the request is larger than {self.limit // 1024} KB"
        declared = next((v for k, v in scope.get("headers") or [] if k == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self.refusal(scope, message)(scope, receive, send)
            return
        parts, size = [], 0
        while True:  # read here, up to the limit, and hand the route the body it would have read
            event = await receive()
            if event["type"] != "http.request":  # the client went away: let the route see it
                await self.app(scope, _replay(parts, event), send)
                return
            size += len(event.get("body", b""))
            if size > self.limit:
                await self.refusal(scope, message)(scope, receive, send)
                return
            parts.append(event.get("body", b""))
            if not event.get("more_body", False):
                break
        await self.app(scope, _replay(parts, None, receive), send)


def _replay(parts: list[bytes], last_event: dict | None, receive=None):
    """A receive() that gives the body read, in one event, then what the client sends next (a disconnect)."""
    body = b"".join(parts)
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False} if last_event is None else last_event
        return await receive() if receive is not None else {"type": "http.disconnect"}

    return replayed
