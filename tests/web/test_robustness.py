"""Requests that once cost too much or failed: bounded timelines, a bounded response cache, odd download names."""

import asyncio

from g287.web.http import SiteMiddleware, VersionClock
from g287.web.pages.exports import attachment
from tests.conftest import make_database


def test_timeline_range_is_held_to_the_publications(site):
    wide = site.get("/api/v1/timeline", params={"every": "day", "from": "1900-01-01", "to": "2199-12-31"})
    assert wide.status_code == 200
    entries = wide.json()["items"]
    assert entries[0]["date"] == "2025-05-15"
    assert len(entries) < 3 * 366 + 600  # from the first publication to today at the most, not 110,000 days
    before = site.get("/api/v1/timeline", params={"every": "week", "from": "1900-03-01", "to": "2000-01-01"})
    assert before.status_code == 200 and before.json()["items"] == []  # wholly before the first list: no entry
    assert site.get("/api/v1/timeline", params={"from": "0001-01-01"}).status_code == 422  # days are 1900 to 2199


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


def test_identical_requests_for_a_response_not_kept_are_each_answered():
    """Requests waiting on one computing a response the cache does not keep (a 404, a private page) each registered
    again under the same key: the first to finish removed the others' key (KeyError) and the requests waiting on
    them were never answered."""
    calls = []

    async def slow_not_found(scope, receive, send):
        calls.append(scope["path"])
        await asyncio.sleep(0.05)
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"no such page"})

    middleware = SiteMiddleware(slow_not_found, VersionClock(lambda: type("V", (), {"token": "1", "modified_at": None})(), 60))

    async def get():
        sent = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": "GET", "path": "/agencies/999999", "query_string": b"", "headers": [(b"host", b"h")]}
        await asyncio.wait_for(middleware(scope, receive, send), 3)
        return sent[0]["status"], sent[-1]["body"]

    async def together():
        first = [asyncio.create_task(get()) for _ in range(3)]
        await asyncio.sleep(0.08)  # one more arrives while the others are answered
        return await asyncio.gather(*first, asyncio.create_task(get()), return_exceptions=True)

    assert asyncio.run(together()) == [(404, b"no such page")] * 4
    assert len(calls) == 4 and middleware._inflight == {}


def test_download_names_survive_any_file_name():
    header = attachment('participatingAgencies07222025am — copie "x".xlsx')
    header.encode("latin-1")  # a header must be Latin-1: the fallback name is plain ASCII
    assert 'filename="participatingAgencies07222025am_copie_x_.xlsx"' in header
    assert "filename*=UTF-8''participatingAgencies07222025am%20%E2%80%94%20copie%20%22x%22.xlsx" in header


def test_a_day_is_written_yyyy_mm_dd_and_a_number_is_no_day(sqlite_site):
    """Pydantic would read a number as seconds since 1970 ("as_of=0" as 1 January 1970); the schema says a date."""
    for address in ("/api/v1/stats?as_of=0", "/api/v1/stats?as_of=20250529", "/api/v1/timeline?to=1748476800", "/?as_of=0", "/agencies?as_of=0"):
        response = sqlite_site.get(address)
        assert response.status_code == 422, address
    assert sqlite_site.get("/api/v1/stats?as_of=2025-05-29").json()["participating"]["moas"] == 635
    assert sqlite_site.get("/?as_of=2025-05-29").status_code == 200


def test_the_data_links_of_pages_lead_somewhere_on_any_date(sqlite_site):
    """The JSON and download links a page offers answer 200, also on a date with a pending list but no
    participating list yet (15 May 2025), for the pending changes, and for the documents page without a search."""
    import html
    import re

    pages = ["/changes?kind=pending", "/changes", "/documents", "/agencies?as_of=2025-05-15", "/states/FL?as_of=2025-05-15", "/agencies?status=pending"]
    checked = 0
    for page in pages:
        body = sqlite_site.get(page).text
        for target in re.findall(r'href="(/(?:api|exports)/[^"]*)"', body):
            target = html.unescape(target)
            assert sqlite_site.get(target).status_code == 200, (page, target)
            checked += 1
    assert checked >= 10


def test_the_documented_pattern_of_a_day_admits_exactly_the_range_checked():
    import datetime as dt
    import re

    from g287.days import EARLIEST_DAY, LATEST_DAY
    from g287.web.params import DAY_PATTERN

    pattern = re.compile(DAY_PATTERN)
    assert pattern.match(EARLIEST_DAY.isoformat()) and pattern.match(LATEST_DAY.isoformat())
    assert not pattern.match((EARLIEST_DAY - dt.timedelta(days=1)).isoformat()) and not pattern.match((LATEST_DAY + dt.timedelta(days=1)).isoformat())


def test_a_server_error_of_the_api_has_the_shape_of_every_error(tmp_path, monkeypatch):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from g287.registry import figures
    from g287.web.app import create_app

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(figures, "stats", broken)
    database = make_database("sqlite", tmp_path)[0]
    with TestClient(create_app(database), raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/stats")
    database.dispose()
    assert answer.status_code == 500
    assert answer.json() == {"error": {"status": 500, "message": "internal error", "fields": []}}  # "fields" was missing


def test_a_response_too_large_to_keep_still_carries_its_validators(bundled_db):
    """A response the cache does not keep for its size (over max_body: a big registry's JSON or CSV download) was
    sent without ETag, Last-Modified or Cache-Control, and a conditional request got the whole body again: every
    successful GET carries its validators and answers If-None-Match / If-Modified-Since with 304 (README)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from g287.web.app import create_app

    app = create_app(bundled_db)
    for middleware in app.user_middleware:
        if middleware.cls is SiteMiddleware:
            middleware.kwargs["max_body"] = 1000  # the exports below are larger: not kept, as a big registry's
    with TestClient(app) as client:
        for path in ("/exports/agreements.csv?as_of=2025-05-29", "/exports/agreements.json?as_of=2025-05-29", "/exports/feed.atom"):
            first = client.get(path)
            assert first.status_code == 200 and len(first.content) > 1000
            assert first.headers.get("etag") and first.headers.get("last-modified"), path
            assert first.headers.get("cache-control") == "no-cache"
            again = client.get(path)
            assert again.headers["etag"] == first.headers["etag"] and again.content == first.content  # the same body, the same tag
            assert client.get(path, headers={"if-none-match": first.headers["etag"]}).status_code == 304
            assert client.get(path, headers={"if-modified-since": first.headers["last-modified"]}).status_code == 304
            head = client.head(path)
            assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]
