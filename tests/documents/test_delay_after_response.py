"""The delay between two requests to a host (G287_SYNC_DELAY, or a longer Crawl-delay) counts from the end of the
previous request, its body read, as robots.txt's Crawl-delay means: counted from its start, a download that took
30 s was followed at once by the next request to the host. No test waits: the client's clock and sleep are
replaced, and the clock moves as the bodies come."""

import httpx

from g287.documents import settings
from g287.documents.fetch import PoliteClient
from tests.documents.conftest import moa

BURLESON = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf"


def test_the_delay_is_waited_after_a_slow_response_has_ended(tmp_path):
    pdf = moa(BURLESON).read_bytes()
    now, slept, started = [100.0], [], []
    taking = {"/robots.txt": 10.0, "/a.pdf": 30.0, "/b.pdf": 0.0}  # seconds each body takes to come

    def answer(request):
        path = request.url.path
        started.append((path, now[0]))
        body = b"User-agent: *\nCrawl-delay: 5\n" if path == "/robots.txt" else pdf

        def slowly():
            for half in (body[: len(body) // 2], body[len(body) // 2 :]):
                now[0] += taking[path] / 2
                yield half

        kind = "text/plain" if path == "/robots.txt" else "application/pdf"
        return httpx.Response(200, headers={"Content-Type": kind, "Content-Length": str(len(body))}, content=slowly())

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    config = settings.SyncSettings("http://unused/", "g287/test", delay=2.0, timeout=5, retries=0, backoff=0.0, max_bytes=10 << 20)
    with PoliteClient(config, tmp_path, sleep=sleep, clock=lambda: now[0], transport=httpx.MockTransport(answer)) as client:
        first = client.fetch("http://ice.example/a.pdf", expect="pdf")
        second = client.fetch("http://ice.example/b.pdf", expect="pdf")
    assert first.status == second.status == "downloaded"
    # robots.txt from 100 to 110; /a.pdf 5 s (its Crawl-delay) after that, from 115 to 145; /b.pdf 5 s after that.
    # Counted from each request's start, /a.pdf and /b.pdf were asked for at once, with no wait at all.
    assert slept == [5.0, 5.0]
    assert started == [("/robots.txt", 100.0), ("/a.pdf", 115.0), ("/b.pdf", 150.0)]
