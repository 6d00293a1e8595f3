"""Cross-origin reads of the public data: the JSON API (but for the program's, which signs in with a cookie) and the
exports, as open data, from any web page (a newsroom's chart, a researcher's notebook in the browser).

Only what needs no preflight is answered: GET and HEAD, without credentials (`Access-Control-Allow-Origin: *`,
which browsers never combine with cookies), exposing the headers a client reads (ETag, Last-Modified, the CSV's
X-Total-Count, the download's name). A preflight (OPTIONS) is not answered: nothing public needs one, and nothing
is changed from another origin. The program's API and every page stay same-origin.
"""

from __future__ import annotations

_PUBLIC = ("/api/v1/", "/exports/")
_PRIVATE = "/api/v1/program"
_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Last-Modified, X-Total-Count, Content-Disposition"),
]


def is_public_data(path: str) -> bool:
    public = path.startswith(_PUBLIC) or path == "/api/v1"  # the index too
    return public and not (path == _PRIVATE or path.startswith(_PRIVATE + "/"))


class PublicDataCors:
    """ASGI middleware adding the headers above to GET and HEAD answers of the public data."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not is_public_data(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def with_cors(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) + _HEADERS)
            await send(message)

        await self.app(scope, receive, with_cors)
