"""Politeness that redirects must not get around, robots.txt read as RFC 9309 says, and a page address that is a
typo refused before anything is recorded. The HTTP side runs against tests/documents/fakeice.py; no test waits:
the client's sleep and clock are replaced, and what it would have slept is asserted instead."""

import os
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from g287.db.models.documents import DocumentAddress
from g287.documents import fetch, settings
from g287.documents.archive import sha256_of
from g287.documents.fetch import PoliteClient
from g287.documents.links import link_name_of
from g287.documents.robots import RobotsRules
from g287.errors import G287Error
from g287.sources.sync import run_sync
from tests.conftest import ROOT, snapshot
from tests.documents.conftest import moa
from tests.documents.fakeice import FakeIce, Request, Route

BURLESON = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf"


def with_redirects(fake: FakeIce, redirects: dict[str, str]) -> FakeIce:
    """The fake server, answering `302 Found` with a Location for the paths given (each answer recorded as a request;
    none for a location "")."""
    serve = fake.server.RequestHandlerClass

    class Redirecting(serve):
        def do_GET(self):
            location = redirects.get(self.path)
            if location is None:
                return serve.do_GET(self)
            fake.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
            self.send_response(302)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

    fake.server.RequestHandlerClass = Redirecting
    return fake


def client(tmp_path, slept, *, delay=2.0, retries=1):
    config = settings.SyncSettings("http://unused/", "g287/test", delay=delay, timeout=5, retries=retries, backoff=0.0, max_bytes=10 << 20)
    return PoliteClient(config, tmp_path, sleep=slept.append, clock=lambda: 100.0)


def requests_made(*fakes: FakeIce) -> int:
    return sum(len(f.requests) for f in fakes)


# Redirects: every hop is a request like any other.


def test_a_redirect_to_another_host_whose_robots_txt_disallows_it_is_not_followed(hosts, tmp_path):
    first, second = hosts
    second.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /\n", "text/plain")
    second.routes["/other/" + BURLESON] = Route(moa(BURLESON).read_bytes(), "application/pdf")
    with_redirects(first, {"/moved.pdf": second.url("/other/" + BURLESON)})
    with client(tmp_path, []) as polite:
        outcome = polite.fetch(first.url("/moved.pdf"), expect="pdf")
    assert outcome.status == "failed" and not outcome.retryable and outcome.path is None
    assert outcome.problem == f"not fetched: it redirects to {second.url('/other/' + BURLESON)}, and the robots.txt of {second.base.removeprefix('http://')} disallows that address for g287"
    assert [r.path for r in second.requests] == ["/robots.txt"]  # read first; the file itself never asked for
    assert outcome.attempts + outcome.robots_requests == requests_made(first, second) == 3


def test_a_redirect_to_a_disallowed_path_of_the_same_host_is_not_followed(hosts, tmp_path):
    first, _second = hosts
    first.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    first.routes["/private/a.pdf"] = Route(moa(BURLESON).read_bytes(), "application/pdf")
    with_redirects(first, {"/doclib/a.pdf": "/private/a.pdf"})
    with client(tmp_path, []) as polite:
        outcome = polite.fetch(first.url("/doclib/a.pdf"), expect="pdf")
    assert outcome.status == "failed" and "redirects to" in outcome.problem and "disallows that address" in outcome.problem
    assert [r.path for r in first.requests] == ["/robots.txt", "/doclib/a.pdf"]
    assert outcome.attempts + outcome.robots_requests == requests_made(first) == 2


def test_an_allowed_redirect_is_spaced_by_its_hosts_delay_and_counted(hosts, tmp_path):
    first, second = hosts
    second.routes["/robots.txt"] = Route(b"User-agent: g287\nCrawl-delay: 5\n", "text/plain")
    second.routes["/file.pdf"] = Route(moa(BURLESON).read_bytes(), "application/pdf")
    with_redirects(first, {"/a.pdf": second.url("/file.pdf")})
    slept = []
    with client(tmp_path, slept) as polite:
        outcome = polite.fetch(first.url("/a.pdf"), expect="pdf")
    assert outcome.status == "downloaded" and outcome.sha256 == sha256_of(moa(BURLESON))[0]
    assert [r.path for r in second.requests] == ["/robots.txt", "/file.pdf"]  # the second host's robots.txt first
    # first host: robots.txt, then /a.pdf after the 2 s delay; second host: robots.txt (its first request), then
    # /file.pdf after that host's Crawl-delay of 5 s
    assert slept == [2.0, 5.0]
    assert (outcome.attempts, outcome.robots_requests) == (2, 2) and requests_made(first, second) == 4


def test_a_redirected_download_is_resumed_and_asked_conditionally_through_the_redirect(hosts, tmp_path):
    first, second = hosts
    route = second.routes["/file.pdf"] = Route(moa(BURLESON).read_bytes(), "application/pdf", mode="cut_once")
    with_redirects(first, {"/a.pdf": second.url("/file.pdf")})
    with client(tmp_path, []) as polite:
        outcome = polite.fetch(first.url("/a.pdf"), expect="pdf")
        assert outcome.status == "downloaded" and outcome.sha256 == sha256_of(moa(BURLESON))[0]
        assert outcome.etag == route.etag and outcome.attempts == 4  # two tries, each a redirect and the file
        cut, resumed = [r for r in second.requests if r.path == "/file.pdf"]
        assert "range" not in cut.headers
        assert resumed.headers["if-range"] == route.etag and 0 < int(resumed.headers["range"].removeprefix("bytes=").rstrip("-")) < len(route.body)
        again = polite.fetch(first.url("/a.pdf"), expect="pdf", etag=outcome.etag, last_modified=outcome.last_modified)
    assert again.status == "not_modified" and second.requests[-1].headers["if-none-match"] == route.etag


def test_redirects_are_followed_five_times_at_most(hosts, tmp_path):
    first, _second = hosts
    with_redirects(first, {"/loop.pdf": "/loop.pdf"})
    with client(tmp_path, []) as polite:
        outcome = polite.fetch(first.url("/loop.pdf"), expect="pdf")
    assert outcome.status == "failed" and outcome.problem == "too many redirects (more than 5)"
    assert len(first.requests_for("/loop.pdf")) == 6 == outcome.attempts


MALFORMED_REDIRECTS = {  # Location: the problem
    "http://[bad": "HTTP 302: a redirect to a malformed address (http://[bad)",
    "http://host:port/x.pdf": "HTTP 302: a redirect to a malformed address (http://host:port/x.pdf)",
    "//[::1/x.pdf": "HTTP 302: a redirect to a malformed address (//[::1/x.pdf)",
    "http://exa mple.gov/x.pdf": "HTTP 302: a redirect to http://exa%20mple.gov/x.pdf: not a valid address (its host name holds characters no host name has)",
    "javascript:alert(1)": "HTTP 302: a redirect to javascript:alert(1): not an http(s) address",
    "ftp://example.gov/x.pdf": "HTTP 302: a redirect to ftp://example.gov/x.pdf: not an http(s) address",
    "": "HTTP 302 Found: a redirect without a Location",
}


@pytest.mark.parametrize("location", MALFORMED_REDIRECTS)
def test_a_malformed_redirect_fails_at_once_and_says_where_it_led(hosts, tmp_path, location):
    # httpx read the Location itself: most malformed ones were "the connection was cut" and tried again, and
    # "javascript:" an exception that ended the sync; "http://[bad" became a host "%5bbad" whose robots.txt could not be read
    first, _second = hosts
    with_redirects(first, {"/a.pdf": location})
    with client(tmp_path, [], retries=2) as polite:
        outcome = polite.fetch(first.url("/a.pdf"), expect="pdf")
    assert (outcome.status, outcome.problem, outcome.http_status) == ("failed", MALFORMED_REDIRECTS[location], 302)
    assert not outcome.retryable and not outcome.unchecked
    assert len(first.requests_for("/a.pdf")) == 1 == outcome.attempts


@pytest.mark.parametrize("location", ["javascript:alert(1)", "http://host:port/rules.txt", "http://[bad"])
def test_a_robots_txt_redirected_to_a_malformed_address_is_a_missing_one(hosts, tmp_path, location):
    first, _second = hosts  # RFC 9309: a redirect to nowhere usable is a robots.txt that is unavailable, as a 4xx
    first.routes["/a.pdf"] = Route(moa(BURLESON).read_bytes(), "application/pdf")
    with_redirects(first, {"/robots.txt": location})
    with client(tmp_path, []) as polite:
        outcome = polite.fetch(first.url("/a.pdf"), expect="pdf")
    assert outcome.status == "downloaded" and outcome.robots_requests == 1


def test_a_redirected_robots_txt_is_followed_and_its_rules_are_those_of_the_first_host(hosts, tmp_path):
    first, second = hosts
    second.routes["/rules.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    first.routes["/private/a.pdf"] = Route(moa(BURLESON).read_bytes(), "application/pdf")
    with_redirects(first, {"/robots.txt": second.url("/rules.txt")})
    with client(tmp_path, []) as polite:
        outcome = polite.fetch(first.url("/private/a.pdf"), expect="pdf")
    assert outcome.status == "failed" and "disallows this address" in outcome.problem
    assert first.requests_for("/private/a.pdf") == [] and outcome.robots_requests == 2


# robots.txt as RFC 9309 says.


@pytest.mark.parametrize(
    "robots",
    [
        "User-agent: *\nAllow: /\nDisallow: /doclib/\n",  # the longest match wins, not the first (2.2.2)
        "User-agent: *\nDisallow: /*.pdf$\n",  # wildcards and the end anchor (2.2.3)
        "User-agent: *\nAllow: /\n\nUser-agent: G287/2.0\nDisallow: /doc*/287g\n",  # the group naming g287, not `*`
    ],
)
def test_what_rfc_9309_disallows_is_never_requested(tmp_path, robots):
    fake = FakeIce().start()
    try:
        fake.routes["/robots.txt"] = Route(robots.encode(), "text/plain")
        fake.routes["/doclib/287gMOA/" + BURLESON] = Route(moa(BURLESON).read_bytes(), "application/pdf")
        with client(tmp_path, []) as polite:
            outcome = polite.fetch(fake.url("/doclib/287gMOA/" + BURLESON), expect="pdf")
        assert outcome.status == "failed" and "disallows this address for g287" in outcome.problem
        assert [r.path for r in fake.requests] == ["/robots.txt"]
    finally:
        fake.stop()


def allows(robots: str, path: str) -> bool:
    return RobotsRules.parse(robots).allows("https://www.ice.gov" + path)


@pytest.mark.parametrize(
    "robots, path, allowed",
    [
        ("User-agent: *\nAllow: /\nDisallow: /doclib/\n", "/doclib/a.pdf", False),
        ("User-agent: *\nDisallow: /doclib/\nAllow: /doclib/287gMOA/\n", "/doclib/287gMOA/a.pdf", True),
        ("User-agent: *\nDisallow: /doclib/\nAllow: /doclib/287gMOA/\n", "/doclib/other/a.pdf", False),
        ("User-agent: *\nDisallow: /page\nAllow: /page\n", "/page", True),  # equal length: Allow wins
        ("User-agent: *\nDisallow: /*.pdf$\n", "/a/b.pdf", False),
        ("User-agent: *\nDisallow: /*.pdf$\n", "/a/b.pdf?download=1", True),
        ("User-agent: *\nDisallow: /*.pdf$\n", "/a/b.pdfx", True),
        ("User-agent: *\nDisallow: /*/private/*.xlsx\n", "/a/b/private/c/d.xlsx?x", False),
        ("User-agent: *\nDisallow: /a*b*c*d*e*f*g*h*z\n", "/" + "abcdefgh" * 400, True),  # no exponential matching
        ("User-agent: *\nDisallow: /search?q=\n", "/search?q=moa", False),
        ("User-agent: *\nDisallow:\n", "/a.pdf", True),  # an empty rule disallows nothing
        ("User-agent: *\nDisallow: /%7ejoe/\n", "/~joe/x", False),  # unreserved characters compared unencoded
        ("User-agent: *\nDisallow: /a%3cb\n", "/a%3Cb", False),  # other escapes compared case-insensitively
        ("User-agent: *\nDisallow: /foo/bär\n", "/foo/b%C3%A4r", False),  # non-ASCII compared percent-encoded
        ("User-agent: *\nDisallow: /a%2Fb\n", "/a/b", True),  # an encoded reserved character stays distinct
        ("User-agent: *\nDisallow: /\n\nUser-agent: g287\nAllow: /\n", "/a.pdf", True),
        ("User-agent: *\nDisallow: /\n\nUser-agent: g287-archiver\nAllow: /\n", "/a.pdf", False),  # another crawler
        ("User-agent: other\nUser-agent: G287\nDisallow: /x\n", "/x/a.pdf", False),  # one group, two user agents
        ("User-agent: g287\nDisallow: /x\n\nUser-agent: *\nDisallow: /\n\nUser-agent: g287\nDisallow: /y\n", "/y/a", False),
        ("User-agent: g287\nDisallow: /x\n\nUser-agent: *\nDisallow: /\n\nUser-agent: g287\nDisallow: /y\n", "/z/a", True),
        ("Disallow: /\nUser-agent: *\nAllow: /a\n", "/b", True),  # a rule before any user-agent belongs to no group
        ("\ufeffUser-agent: * # all\nDisallow: /b # comment\n", "/b", False),
    ],
)
def test_rfc_9309_matching(robots, path, allowed):
    assert allows(robots, path) is allowed


def test_crawl_delay_of_the_chosen_group_only_and_only_finite():
    assert RobotsRules.parse("User-agent: *\nCrawl-delay: 3\n\nUser-agent: g287\nCrawl-delay: 7\n").crawl_delay == 7.0
    assert RobotsRules.parse("User-agent: other\nCrawl-delay: 3\n").crawl_delay == 0.0
    assert RobotsRules.parse("User-agent: *\nCrawl-delay: nan\nCrawl-delay: inf\n").crawl_delay == 0.0


# An address that is not one.


def test_a_malformed_address_is_a_failure_without_a_request(tmp_path):
    with client(tmp_path, []) as polite:
        outcome = polite.fetch("https://[www.ice.gov/doclib/287gMOA/x.pdf", expect="pdf")
    assert outcome.status == "failed" and "not a valid address" in outcome.problem
    assert outcome.attempts == outcome.robots_requests == 0
    assert link_name_of("https://[www.ice.gov/doclib/287gMOA/SumnerCoSOTN_WSO_MOA_042925.pdf?x=1") == "SumnerCoSOTN_WSO_MOA_042925.pdf"
    assert link_name_of("http://[::1") == "[::1"  # never raises, whatever the cell holds


@pytest.mark.parametrize("source", ["http://[::1", "notaurl", "ftp://x", "http://", "http://www.ice.gov:99999/287g", "http://www.ice .gov/287g"])
def test_a_page_address_that_is_not_one_is_refused_and_nothing_is_recorded(sqlite_db, actor, source):
    before = snapshot(sqlite_db)
    with pytest.raises(G287Error, match=r"ICE's page .* \(--source or G287_ICE_PAGE_URL\): not (a valid|an http\(s\)) address"):
        run_sync(sqlite_db, actor, page_url=source)
    assert snapshot(sqlite_db) == before
    with sqlite_db.session() as session:
        assert session.scalar(select(func.count()).select_from(DocumentAddress)) == 0


def test_the_command_line_refuses_a_page_address_in_one_line(tmp_path):
    env = dict(os.environ, G287_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}")
    result = subprocess.run([sys.executable, "-m", "g287", "sync", "--source", "http://[::1"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("g287: error: ICE's page 'http://[::1'"), result.stderr
    broken = subprocess.run([sys.executable, "-m", "g287", "documents", "broken", "--json"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert broken.returncode == 0 and broken.stdout.strip() == "[]"


@pytest.mark.parametrize("setting", ["G287_SYNC_CONTACT", "G287_SYNC_USER_AGENT"])
@pytest.mark.parametrize(
    "value, what",
    [("José <jose@example.org>", "'é'"), ("ops@example.org\r\nX-Other: 1", "a line break"), ("ops@example.org\x1b[2J", "a control character")],
    ids=["accent", "line break", "escape"],
)
def test_a_user_agent_setting_that_http_cannot_send_is_refused_in_one_line_before_anything(sqlite_db, monkeypatch, setting, value, what):
    from tests.in_process import run_g287

    fake = FakeIce().start()
    try:
        monkeypatch.setenv(setting, value)
        before = snapshot(sqlite_db)
        status, out, err = run_g287(sqlite_db.url, "sync", "--source", fake.url("/page"))
        assert (status, out) == (1, "") and fake.requests == []
        assert err.splitlines() == [f"g287: error: setting {setting}={value!r}: it goes into the User-Agent header, which holds printable ASCII only, not {what}"]
        assert snapshot(sqlite_db) == before
    finally:
        fake.stop()


def test_a_plain_contact_goes_into_the_user_agent(monkeypatch):
    monkeypatch.setenv("G287_SYNC_CONTACT", "Jose <jose@example.org>")
    assert settings.sync_settings().user_agent.endswith("; contact: Jose <jose@example.org>)")
    monkeypatch.setenv("G287_SYNC_USER_AGENT", "g287-mirror/1.0 (+https://example.org)")
    assert settings.sync_settings().user_agent == "g287-mirror/1.0 (+https://example.org)"


def test_a_download_that_comes_too_slowly_stops_at_its_deadline_and_is_resumed_next_time(tmp_path, monkeypatch):
    """G287_SYNC_TIMEOUT bounds each read only: a server sending a piece now and then never reaches it. The file has
    a time of its own in all. No test waits: the server's pieces move the client's clock on, one second each."""
    import httpx

    body = moa(BURLESON).read_bytes()
    now = [0.0]
    served = []

    def answer(request: httpx.Request) -> httpx.Response:
        served.append(request)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        start = int(request.headers["range"].removeprefix("bytes=").rstrip("-")) if request.headers.get("if-range") == '"v1"' else 0
        headers = {"Content-Type": "application/pdf", "Content-Length": str(len(body) - start), "ETag": '"v1"'}
        if start:
            headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
            return httpx.Response(206, headers=headers, content=iter([body[start:]]))  # streamed, as from a server

        def trickle():
            for offset in range(0, len(body), 1000):
                now[0] += 1.0
                yield body[offset : offset + 1000]

        return httpx.Response(200, headers=headers, content=trickle())

    monkeypatch.setenv("G287_SYNC_DOWNLOAD_TIMEOUT", "30")
    config = settings.sync_settings("http://ice.example/")
    with PoliteClient(config, tmp_path, sleep=lambda s: None, clock=lambda: now[0], transport=httpx.MockTransport(answer)) as client:
        slow = client.fetch("http://ice.example/moa.pdf", expect="pdf")
        assert slow.status == "failed" and slow.retryable and slow.received == 31_000
        assert slow.problem == f"not downloaded within 30 s (G287_SYNC_DOWNLOAD_TIMEOUT) with 31,000 of {len(body):,} bytes received (resumed by the next sync)"
        resumed = client.fetch("http://ice.example/moa.pdf", expect="pdf")  # the next sync: the rest, at once
    assert resumed.status == "downloaded" and resumed.sha256 == sha256_of(moa(BURLESON))[0]
    assert served[-1].headers["range"] == "bytes=31000-"

    # The waits between requests (here a Crawl-delay of an hour) are this client's own politeness: not counted.
    def sleep(seconds):
        now[0] += seconds

    monkeypatch.setenv("G287_SYNC_DELAY", "3600")
    with PoliteClient(settings.sync_settings("http://ice.example/"), tmp_path / "other", sleep=sleep, clock=lambda: now[0], transport=httpx.MockTransport(answer)) as client:
        client.fetch("http://ice.example/first.pdf", expect="pdf")  # robots.txt, then a first file
        waited = now[0]
        patient = client.fetch("http://ice.example/second.pdf", expect="pdf")  # an hour's wait first, then 4 s of data
    assert now[0] - waited >= 3600 and patient.status == "failed"  # it waited its turn; the trickle is still too slow ...
    assert patient.received == 31_000  # ... but only the data's time counted: it had its 30 s, not 1,000 bytes' worth


TIMER = "g287 download time limit"  # the name of the thread that shuts a connection down (g287/documents/cutoff.py)


def test_a_server_sending_its_headers_a_byte_at_a_time_is_stopped_at_the_time_limit(hosts, tmp_path, monkeypatch):
    """G287_SYNC_TIMEOUT bounds each read, and httpx has no limit on a whole request: a status line and headers
    sent a byte every 0.2 s (a minute in all here) held a download for as long as they came, as the time limit was
    checked between pieces of the body only. At the limit the client's connections are now shut down: the one the
    request opened (the robots.txt of the second host), or reused from the pool (the file); one idle meanwhile is
    shut down too, and the next download from its host does not fail for it. The bounds are loose (a loaded
    machine): the limit is 1 s, the trickle a minute."""
    first, second = hosts
    pdf = moa(BURLESON).read_bytes()
    first.routes["/a.pdf"] = Route(pdf, "application/pdf")
    first.routes["/slow.pdf"] = Route(pdf, "application/pdf", mode="trickle_headers", delay=0.2)
    second.routes["/robots.txt"] = Route(b"User-agent: *\nAllow: /\n", "text/plain", mode="trickle_headers", delay=0.2)
    second.routes["/b.pdf"] = Route(pdf, "application/pdf")
    monkeypatch.setenv("G287_SYNC_TIMEOUT", "1")
    monkeypatch.setenv("G287_SYNC_DOWNLOAD_TIMEOUT", "1")
    seconds = {}
    with PoliteClient(settings.sync_settings("http://unused/"), tmp_path) as polite:

        def timed(name, url):
            started = time.monotonic()
            outcome = polite.fetch(url, expect="pdf")
            seconds[name] = time.monotonic() - started
            return outcome

        first_file = timed("first", first.url("/a.pdf"))  # robots.txt (none), then the file: a connection kept alive
        unread = timed("unread", second.url("/b.pdf"))  # a connection of its own; the first one idle meanwhile
        again = timed("again", first.url("/a.pdf"))  # the idle connection was shut down too: a new one, kept alive
        slow = timed("slow", first.url("/slow.pdf"))  # on that connection, reused
        last = timed("last", first.url("/a.pdf"))
        timers = [t for t in threading.enumerate() if t.name == TIMER]
    assert unread.status == "failed" and unread.unchecked and seconds["unread"] < 10
    assert unread.problem == f"not fetched: the robots.txt of {second.base.removeprefix('http://')} could not be read (not downloaded within 1 s (G287_SYNC_DOWNLOAD_TIMEOUT)), which forbids fetching (RFC 9309)"
    assert second.requests_for("/b.pdf") == []
    assert slow.status == "failed" and slow.retryable and slow.attempts == 1 and seconds["slow"] < 10
    assert slow.problem == "not downloaded within 1 s (G287_SYNC_DOWNLOAD_TIMEOUT) with 0 bytes received (resumed by the next sync)"
    for outcome in (first_file, again, last):
        assert outcome.status == "downloaded" and outcome.attempts == 1 and outcome.sha256 == sha256_of(moa(BURLESON))[0]
    assert timers == []


def test_a_download_in_time_is_untouched_and_its_timer_does_not_outlive_it(hosts, tmp_path):
    """Each request has a timer thread until it ends; none is left behind, whatever the outcome."""
    first, _second = hosts
    first.routes["/a.pdf"] = Route(moa(BURLESON).read_bytes(), "application/pdf")
    first.routes["/cut.pdf"] = Route(moa(BURLESON).read_bytes(), "application/pdf", mode="cut_always")
    alive_during = []
    with PoliteClient(settings.sync_settings("http://unused/"), tmp_path) as polite:
        polite.client.event_hooks["response"].append(lambda response: alive_during.append(sum(t.name == TIMER for t in threading.enumerate())))
        outcome = polite.fetch(first.url("/a.pdf"), expect="pdf")
        cut = polite.fetch(first.url("/cut.pdf"), expect="pdf")
        alive_after = [t for t in threading.enumerate() if t.name == TIMER]
    assert outcome.status == "downloaded" and outcome.sha256 == sha256_of(moa(BURLESON))[0] and outcome.attempts == 1
    assert cut.status == "failed" and cut.problem.startswith("the download was cut off after ")
    assert alive_during == [1] * (2 + cut.attempts)  # robots.txt, a.pdf, each try of cut.pdf: one timer each
    assert alive_after == []


def test_a_connection_opened_once_the_time_is_up_is_shut_down_at_once(hosts):
    """A request begun when its time is already up (a retry or a redirect after the limit), or whose time ran out
    while it connected: its connection did not exist when the timer fired."""
    import httpx

    from g287.documents.cutoff import Cutoff, DeadlinePassed

    first, _second = hosts
    first.routes["/slow.pdf"] = Route(moa(BURLESON).read_bytes(), "application/pdf", mode="trickle_headers", delay=0.2)
    cutoff = Cutoff()
    with httpx.Client(timeout=5, event_hooks={"request": [cutoff.watch]}) as client:
        with pytest.raises(DeadlinePassed, match="^too late$"), cutoff.limit(0.0, "too late"):
            while not cutoff.time_up:
                time.sleep(0.01)
            started = time.monotonic()
            client.get(first.url("/slow.pdf"))
    assert time.monotonic() - started < 10 and not cutoff.time_up
    assert [t for t in threading.enumerate() if t.name == TIMER] == []


@pytest.mark.parametrize("value", ["0.5", "nan", "soon"])
def test_the_time_for_one_file_is_checked_before_anything(sqlite_db, monkeypatch, value):
    from tests.in_process import run_g287

    monkeypatch.setenv("G287_SYNC_DOWNLOAD_TIMEOUT", value)
    status, out, err = run_g287(sqlite_db.url, "sync", "--source", "http://127.0.0.1:9/")
    assert (status, out) == (1, "") and len(err.splitlines()) == 1 and err.startswith(f"g287: error: setting G287_SYNC_DOWNLOAD_TIMEOUT={value!r}: ")


def test_the_page_s_relative_links_are_resolved_where_its_redirect_leads(sqlite_db, actor, hosts):
    # a browser resolves `files/…xlsx` on the address it landed on (/new/287g/), not on the one it was given (/287g)
    from tests.documents.test_sync import workbook_bytes

    first, _second = hosts
    links = "".join(f'<a href="files/{kind}Agencies07112025am.xlsx">{kind}</a>' for kind in ("participating", "pending"))
    first.routes["/new/287g/"] = Route(f"<html><body>{links}</body></html>".encode(), "text/html")
    for kind in ("participating", "pending"):
        first.routes[f"/new/287g/files/{kind}Agencies07112025am.xlsx"] = Route(workbook_bytes(kind, []), "application/octet-stream")
    with_redirects(first, {"/287g": "/new/287g/"})
    report = run_sync(sqlite_db, actor, page_url=first.url("/287g"))
    assert [w["url"] for w in report.workbooks] == [first.url(f"/new/287g/files/{k}Agencies07112025am.xlsx") for k in ("participating", "pending")]
    assert not any("HTTP 404" in p for p in report.problems)


def test_content_sent_compressed_though_asked_for_as_is_is_unpacked_within_the_size_limit(tmp_path):
    """g287 asks for `Accept-Encoding: identity`; a server may compress anyway. Content-Length and Range count the
    bytes sent, and unpacking stops at the size limit: httpx unpacked each piece whole, so 600 bytes coded twice
    ("gzip, gzip") took 128 MB of memory (a gigabyte as easily), and a stored-not-shrunk gzip was "cut off"."""
    import gzip
    import tracemalloc
    import zlib

    import httpx

    pdf = moa(BURLESON).read_bytes()
    zeros = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = gzip.compress(b"".join(zeros.compress(bytes(1 << 20)) for _ in range(128)) + zeros.flush(), 9)
    answers = {
        "/robots.txt": ("gzip, gzip", bomb),  # NUL bytes once unpacked: no rules
        "/grown.pdf": ("gzip", gzip.compress(pdf, compresslevel=0)),  # larger coded than the file
        "/bomb.pdf": ("gzip, gzip", bomb),
        "/brotli.pdf": ("br", pdf),
        "/damaged.pdf": ("deflate", pdf),
        "/truncated.pdf": ("gzip", gzip.compress(pdf)[:-100]),
    }

    def answer(request: httpx.Request) -> httpx.Response:
        coding, body = answers[request.url.path]
        return httpx.Response(200, headers={"Content-Type": "application/pdf", "Content-Encoding": coding, "Content-Length": str(len(body))}, content=iter([body]))  # streamed, as from a server

    config = settings.SyncSettings("http://unused/", "g287/test", delay=0.0, timeout=5, retries=0, backoff=0.0, max_bytes=10 << 20)
    tracemalloc.start()
    try:
        with PoliteClient(config, tmp_path, sleep=lambda s: None, transport=httpx.MockTransport(answer)) as polite:
            grown = polite.fetch("http://ice.example/grown.pdf", expect="pdf")
            bombed = polite.fetch("http://ice.example/bomb.pdf", expect="pdf")
            brotli = polite.fetch("http://ice.example/brotli.pdf", expect="pdf")
            damaged = polite.fetch("http://ice.example/damaged.pdf", expect="pdf")
            truncated = polite.fetch("http://ice.example/truncated.pdf", expect="pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert grown.status == "downloaded" and grown.sha256 == sha256_of(moa(BURLESON))[0]
    assert (grown.size, grown.received) == (len(pdf), len(answers["/grown.pdf"][1]))
    assert bombed.status == "failed" and bombed.problem == "larger than the limit of 10,485,760 bytes once unpacked (Content-Encoding: gzip, gzip)"
    assert brotli.status == "failed" and brotli.problem == "the server sent content encoded as 'br', which g287 does not read (it asks for identity)"
    assert damaged.status == "failed" and damaged.problem == "the server sent content that is not deflate data, though encoded as deflate"
    assert truncated.status == "failed" and truncated.problem == "the server sent a compressed file (Content-Encoding: gzip) that ends before its end"
    assert peak < 40 << 20, f"{peak:,} bytes at the peak"
    assert sorted(p.name for p in tmp_path.iterdir()) == [grown.path.name]  # nothing else left behind


def test_a_part_of_the_file_is_not_taken_for_the_whole(tmp_path):
    """A 206 whose Content-Range ends before the file does (`bytes 0-999/4096`) is a download cut off, resumed from
    there; it was used as the complete file (its Content-Length was all there was to check)."""
    import httpx

    body = moa(BURLESON).read_bytes()
    asked = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        asked.append(request.headers.get("range"))
        start = int(request.headers["range"].removeprefix("bytes=").rstrip("-")) if request.headers.get("if-range") == '"v1"' else 0
        end = len(body) if start else 1000  # a server (or cache) that sends the first thousand bytes only
        headers = {"Content-Type": "application/pdf", "Content-Length": str(end - start), "ETag": '"v1"', "Content-Range": f"bytes {start}-{end - 1}/{len(body)}"}
        return httpx.Response(206, headers=headers, content=iter([body[start:end]]))

    config = settings.SyncSettings("http://unused/", "g287/test", delay=0.0, timeout=5, retries=1, backoff=0.0, max_bytes=10 << 20)
    with PoliteClient(config, tmp_path, sleep=lambda s: None, transport=httpx.MockTransport(answer)) as polite:
        outcome = polite.fetch("http://ice.example/moa.pdf", expect="pdf")
    assert outcome.status == "downloaded" and outcome.sha256 == sha256_of(moa(BURLESON))[0] and outcome.size == len(body)
    assert asked == [None, "bytes=1000-"]


def test_a_retry_after_date_without_its_zone_is_read_as_gmt(monkeypatch):
    """HTTP dates are GMT (RFC 9110); email.utils reads "-0000" (no zone said) as local time, so the wait asked for
    moved by the machine's offset from UTC."""
    import datetime as dt
    import email.utils
    import time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        when = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=120)).replace(microsecond=0)
        gmt = email.utils.format_datetime(when, usegmt=True)
        no_zone = gmt.replace(" GMT", " -0000")
        now = time.time()
        assert fetch._retry_after(no_zone, now) == fetch._retry_after(gmt, now) and 100 < fetch._retry_after(no_zone, now) <= 120
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_retry_after_date_is_counted_from_the_client_s_clock(tmp_path):
    """A Retry-After written as an HTTP date was counted from time.time(), not from the clock the client is given (as
    its delays and time limits are): a test's fixed clock did not govern it. Here the date is 42 s after the client's
    clock, and long before the machine's."""
    import datetime as dt
    import email.utils

    import httpx

    now = dt.datetime(2025, 5, 29, 12, 0, tzinfo=dt.timezone.utc)
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if asked.count("/moa.pdf") == 1:
            later = email.utils.format_datetime(now + dt.timedelta(seconds=42), usegmt=True)
            return httpx.Response(503, headers={"Retry-After": later})
        body = moa(BURLESON).read_bytes()
        return httpx.Response(200, headers={"Content-Type": "application/pdf", "Content-Length": str(len(body))}, content=iter([body]))  # streamed, as from a server

    slept: list[float] = []
    config = settings.SyncSettings("http://unused/", "g287/test", delay=0.0, timeout=5, retries=1, backoff=5.0, max_bytes=10 << 20)
    transport = httpx.MockTransport(answer)
    with PoliteClient(config, tmp_path, sleep=slept.append, clock=lambda: 100.0, wall_clock=now.timestamp, transport=transport) as polite:
        outcome = polite.fetch("http://ice.example/moa.pdf", expect="pdf")
    assert outcome.status == "downloaded" and asked == ["/robots.txt", "/moa.pdf", "/moa.pdf"]
    assert slept == [42.0]  # not 0 (a date past by the machine's clock), nor the backoff of 5 s


def test_a_file_called_a_pdf_that_is_none_is_said_so(tmp_path):
    """It said "not a PDF: the server sent application/pdf", which read as a contradiction."""
    page = tmp_path / "page.part"
    page.write_bytes(b"<!doctype html><title>Sign in</title>")
    assert fetch._kind_problem(page, "pdf", "application/pdf; charset=binary") == "not a PDF: the server called it application/pdf, but its content is not that of a PDF"
    assert fetch._kind_problem(page, "pdf", "text/html") == "not a PDF: the server sent text/html"
    assert fetch._kind_problem(page, "xlsx", None) == "not an Excel workbook: the server sent unknown type"

