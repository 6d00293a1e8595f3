"""The parameters link trackers add to shared links (utm_source, fbclid, mc_eid...: g287/data/rules/
tracking_parameters.toml) are dropped from every request: a download link shared by mail or on social media answered
a 422 ("invalid parameter: utm_source") instead of the file. Any other parameter the API or the exports do not take
is still a 422, and a tracked link shares the plain link's entry of the response cache (one entry per tracking id
would push out every other)."""

from __future__ import annotations

import asyncio

from fastapi.routing import APIRoute

from g287.web.http import SiteMiddleware, VersionClock, tracking_parameters, without_tracking_parameters
from g287.web.known_parameters import query_names

TRACKED = "utm_source=newsletter&utm_medium=email&utm_campaign=287g&utm_term=x&utm_content=link&fbclid=IwAR0abc&gclid=Cj0&mc_cid=1a2b&mc_eid=3c4d"


def test_the_trackers_parameters_are_listed():
    assert {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid", "mc_cid", "mc_eid"} <= tracking_parameters()


def test_a_tracked_download_link_answers_the_same_bytes_as_the_plain_one(sqlite_site):
    for path in ("/exports/agreements.csv", "/exports/agreements.xlsx", "/exports/agreements.json", "/api/v1/stats", "/exports/feed.atom"):
        plain = sqlite_site.get(path)
        tracked = sqlite_site.get(f"{path}?{TRACKED}")
        assert plain.status_code == tracked.status_code == 200, (path, tracked.text[:300])
        assert tracked.content == plain.content and tracked.headers["etag"] == plain.headers["etag"], path
    # With the endpoint's own parameters: they are read as before, the trackers' dropped.
    florida = sqlite_site.get("/exports/agreements.csv?state=FL&utm_source=newsletter&fbclid=x")
    assert florida.status_code == 200 and florida.content == sqlite_site.get("/exports/agreements.csv?state=FL").content
    encoded = sqlite_site.get("/api/v1/stats?utm%5Fsource=newsletter")  # the name as Starlette reads it
    assert encoded.status_code == 200


def test_any_other_unknown_parameter_is_still_a_422(sqlite_site):
    for query, unknown in (("asof=2025-05-29", ["asof"]), (f"{TRACKED}&asof=2025-05-29", ["asof"]), ("UTM_SOURCE=x", ["UTM_SOURCE"]), ("utm_sourcex=1", ["utm_sourcex"])):
        for path in ("/api/v1/stats", "/exports/agreements.csv"):
            answer = sqlite_site.get(f"{path}?{query}")
            assert answer.status_code == 422, (path, query)
            assert [field["field"] for field in answer.json()["error"]["fields"]] == unknown, (path, query)


def test_no_route_takes_a_parameter_of_the_list(sqlite_site):
    """Dropped before any route reads the query: a route taking one of them would never see it."""

    def routes(candidates):
        for route in candidates:
            included = getattr(route, "original_router", None)
            yield from routes(included.routes) if included else [route]

    taken = {name for route in routes(sqlite_site.app.routes) if isinstance(route, APIRoute) for name in query_names(route)}
    assert len(taken) > 10 and not taken & tracking_parameters()


def test_the_query_keeps_everything_but_the_trackers_parameters():
    assert without_tracking_parameters(b"state=FL&utm_source=a&fbclid&limit=5&gclid=") == b"state=FL&limit=5"
    assert without_tracking_parameters(b"utm%5Fsource=a&utm_source+=b") == b"utm_source+=b"  # "utm_source " is another name
    assert without_tracking_parameters(b"asof=2025-05-29&=x") == b"asof=2025-05-29&=x"


def test_tracked_links_share_the_plain_links_cache_entry():
    seen: list[bytes] = []

    async def app(scope, receive, send):
        seen.append(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
        await send({"type": "http.response.body", "body": b"state,agency\r\n"})

    middleware = SiteMiddleware(app, VersionClock(lambda: type("V", (), {"token": "1", "modified_at": None})(), 60))

    async def get(path: str, query: bytes):
        async def send(_message):
            pass

        async def receive():
            return {"type": "http.request"}

        await middleware({"type": "http", "method": "GET", "path": path, "query_string": query, "headers": [(b"host", b"h")]}, receive, send)

    for n in range(50):  # fifty readers, each following the link with a tracking id of their own
        asyncio.run(get("/exports/agreements.csv", b"state=FL&fbclid=%d&utm_source=mail" % n))
        asyncio.run(get("/states/FL", b"fbclid=%d" % n))
    assert len(middleware._cache) == 2 and seen == [b"state=FL", b""]
