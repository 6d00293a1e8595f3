"""Requests the routes do not take: bodies are held to a limit before any route reads one (forms and JSON were
parsed, file parts spooled to disk, before the CSRF token or access was checked, so anyone could make the server
read gigabytes); a method a route does not answer is 405 naming the methods it does."""

from __future__ import annotations

import asyncio
import warnings

from g287.web.app import create_app
from g287.web.body_limit import BODY_LIMIT, BodyLimit

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.responses import PlainTextResponse
    from starlette.testclient import TestClient

MB = 1 << 20


def run(path: str, chunks: int, *, declared: int | None = None, method: str = "POST") -> tuple[int, int, bytes | None]:
    """(status sent, chunks of 1 MB read from the client, body the route received)."""
    read, seen = [0], []

    async def route(scope, receive, send):
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        seen.append(body)
        await PlainTextResponse("ok")(scope, receive, send)

    async def receive():
        read[0] += 1
        return {"type": "http.request", "body": b"\0" * MB, "more_body": read[0] < chunks} if chunks else {"type": "http.request", "body": b"small=1"}

    sent = []

    async def send(message):
        sent.append(message)

    headers = [(b"content-length", str(declared).encode())] if declared is not None else []
    refusal = lambda scope, message: PlainTextResponse(message, status_code=413)  # noqa: E731
    asyncio.run(BodyLimit(route, refusal)({"type": "http", "method": method, "path": path, "headers": headers}, receive, send))
    return sent[0]["status"], read[0], seen[0] if seen else None


def test_a_body_declared_larger_than_the_limit_is_refused_before_it_is_read():
    assert run("/program/login", 64, declared=64 * MB) == (413, 0, None)


def test_an_undeclared_or_understated_body_is_read_no_further_than_the_limit():
    assert run("/program/login", 64) == (413, 1, None)  # chunked: the first megabyte already passes the limit
    assert run("/api/v1/program/session", 64, declared=10) == (413, 1, None)


def test_a_body_within_the_limit_reaches_the_route_whole():
    assert run("/program/login", 0, declared=7) == (200, 1, b"small=1")
    assert run("/program/applications", 0) == (200, 1, b"small=1")


def test_the_signed_moa_upload_keeps_its_own_limit_and_get_is_untouched():
    assert run("/program/moas/3/signed", 3, declared=3 * MB) == (200, 3, b"\0" * 3 * MB)
    assert run("/api/v1/program/moas/3/signed", 3, declared=3 * MB) == (200, 3, b"\0" * 3 * MB)
    assert run("/program/login", 0, method="GET") == (200, 1, b"small=1")


def test_the_site_answers_413_as_a_page_or_as_json(db):
    with TestClient(create_app(db)) as site:
        page = site.post("/program/login", content=b"x" * (BODY_LIMIT + 1), headers={"content-type": "application/x-www-form-urlencoded"})
        api = site.post("/api/v1/program/session", content=b"{" + b" " * BODY_LIMIT + b"}", headers={"content-type": "application/json"})
    assert page.status_code == 413 and "larger than 256 KB" in page.text and page.headers["x-content-type-options"] == "nosniff"
    assert api.status_code == 413 and api.json()["error"]["message"] == "the request is larger than 256 KB"


def test_a_method_not_allowed_names_head_beside_get(db):
    """A 405 names every method the path answers: HEAD beside GET (the site middleware answers it as GET without the
    body), and the POST of a form beside the GET of its page; it said only the first route's GET."""
    with TestClient(create_app(db)) as site:
        for method, url in (("OPTIONS", "/"), ("PUT", "/"), ("DELETE", "/api/v1/stats")):
            refused = site.request(method, url)
            assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
        # A path with a page and a form: every method it answers (Starlette named the first route's only).
        for url in ("/program/login", "/program/password"):
            refused = site.request("PUT", url)
            assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD, POST"
        assert site.request("PUT", "/api/v1/program/session").headers["allow"] == "GET, HEAD, POST, DELETE"
        assert site.head("/").status_code == 200


def test_a_method_not_allowed_on_a_static_file_names_get_and_head(db):
    """A static file answers GET and HEAD only: its 405 had no Allow header (RFC 9110 requires one), where every
    page and API route names its methods."""
    with TestClient(create_app(db)) as site:
        for method, url in (("POST", "/static/site.css"), ("PUT", "/static/site.css"), ("DELETE", "/static/nosuchfile.css")):
            refused = site.request(method, url)
            assert refused.status_code == 405 and refused.headers.get("allow") == "GET, HEAD", (method, url, refused.headers)
        assert site.get("/static/site.css").status_code == 200 and site.head("/static/site.css").status_code == 200
