"""A path with a trailing slash too many (`/agencies/`) redirects to the route's path on this site, whatever Host
the request names: Starlette's redirect was built from the Host header, so `Host: evil.example` sent the reader to
http://evil.example/agencies."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

FORGED = {"Host": "evil.example"}


@pytest.mark.parametrize(
    "sent, location",
    [
        ("/agencies/", "/agencies"),
        ("/agencies/?state=FL&model=TFM", "/agencies?state=FL&model=TFM"),
        ("/api/v1/stats/?as_of=2025-05-29", "/api/v1/stats?as_of=2025-05-29"),
        ("/exports/agreements.csv/", "/exports/agreements.csv"),
        ("/program/audit/", "/program/audit"),
    ],
)
def test_a_trailing_slash_redirects_to_a_path_on_this_site_whatever_the_host_header(sqlite_site, sent, location):
    answer = sqlite_site.get(sent, headers=FORGED, follow_redirects=False)
    assert answer.status_code == 307
    assert answer.headers["location"] == location
    assert urlsplit(answer.headers["location"]).netloc == "" and "evil.example" not in answer.text
    assert answer.headers["cache-control"] == "no-cache"


def test_the_redirect_leads_to_the_page(sqlite_site):
    followed = sqlite_site.get("/states/FL/", follow_redirects=True)
    assert followed.status_code == 200 and followed.url.path == "/states/FL"


@pytest.mark.parametrize("sent", ["//evil.example/", "/\\evil.example/", "/no-such-page/"])
def test_no_redirect_leaves_the_site(sqlite_site, sent):
    """A path that would read as another host once its slash is removed ("//evil.example"), or that names no route,
    is the 404 it was."""
    answer = sqlite_site.get("http://testserver" + sent, headers=FORGED, follow_redirects=False)  # the path as written
    assert answer.status_code == 404 and "location" not in answer.headers


@pytest.mark.parametrize("query, kept", [("county=Doña Ana".encode(), "county=Do%C3%B1a%20Ana"), (b"county=Do%C3%B1a+Ana", "county=Do%C3%B1a+Ana")])
def test_the_query_is_kept_as_sent_raw_utf_8_too(query, kept):
    """A query sent as raw UTF-8 (a script that does not percent-encode) was read as Latin-1 and came back as
    'DoÃ±a Ana' in the Location; Starlette's own redirect kept it."""
    import asyncio

    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from g287.web.trailing_slash import redirect_slashes_to_paths

    app = Starlette(routes=[Route("/agencies", lambda request: PlainTextResponse("ok"))])
    redirect_slashes_to_paths(app.router)
    scope = {"type": "http", "method": "GET", "path": "/agencies/", "raw_path": b"/agencies/", "root_path": "", "query_string": query,
             "headers": [(b"host", b"x")], "scheme": "http", "server": ("x", 80), "http_version": "1.1"}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 307 and dict(sent[0]["headers"])[b"location"].decode() == f"/agencies?{kept}"
