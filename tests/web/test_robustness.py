"""Requests that once cost too much or failed: bounded timelines, a bounded response cache, odd download names."""

import asyncio

from g287.web.http import SiteMiddleware, VersionClock
from g287.web.pages.exports import attachment


def test_timeline_range_is_held_to_the_publications(site):
    wide = site.get("/api/v1/timeline", params={"every": "day", "from": "0001-01-01", "to": "9999-12-31"})
    assert wide.status_code == 200
    entries = wide.json()["items"]
    assert entries[0]["date"] == "2025-05-15"
    assert len(entries) < 3 * 366 + 600  # from the first publication to today at the most, not millions of days


def test_response_cache_holds_a_bounded_number_of_bytes():
    body = b"x" * 1000

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})

    version = type("V", (), {"token": "1", "modified_at": None})()
    clock = VersionClock(lambda: version, 60)
    middleware = SiteMiddleware(app, clock, max_total=5000)

    async def get(query: bytes):
        sent = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "http.request"}

        await middleware(
            {"type": "http", "method": "GET", "path": "/exports/x", "query_string": query, "headers": [(b"host", b"h")]}, receive, send
        )
        return sent

    for n in range(50):  # fifty invented query strings, as anyone may send
        asyncio.run(get(b"junk=%d" % n))
    assert middleware._bytes <= 5000 and len(middleware._cache) <= 5
    assert sum(len(e.body) for e in middleware._cache.values()) == middleware._bytes


def test_download_names_survive_any_file_name():
    header = attachment('participatingAgencies07222025am — copie "x".xlsx')
    header.encode("latin-1")  # a header must be Latin-1: the fallback name is plain ASCII
    assert 'filename="participatingAgencies07222025am_copie_x_.xlsx"' in header
    assert "filename*=UTF-8''participatingAgencies07222025am%20%E2%80%94%20copie%20%22x%22.xlsx" in header
