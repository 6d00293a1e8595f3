"""Downloading politely and reliably: the HTTP side of `g287 sync`.

- A user agent that names g287 and a contact (G287_SYNC_CONTACT), a delay between two requests to one host
  (G287_SYNC_DELAY, from the end of one request, its body read, to the start of the next), timeouts (G287_SYNC_TIMEOUT), retries with exponential backoff for failures that may pass
  (timeouts, cut connections, 5xx, 429 with its Retry-After), a size limit per file (G287_SYNC_MAX_MB), and a time
  limit per file (G287_SYNC_DOWNLOAD_TIMEOUT: its attempts and redirects together, this client's own waits not
  counted; a file still coming then is a failure that may pass, its partial download kept for the next sync).
- robots.txt (RFC 9309, matched by RobotsRules in robots.py): each host's is read once per sync, before anything else is
  asked of it; an address it disallows for g287 is not requested, its Crawl-delay lengthens the delay, and a
  robots.txt that cannot be fetched (a network failure, HTTP 5xx or 429) means nothing is asked of that host this time
  (its addresses come back `unchecked`: not known to be broken). A missing one (another HTTP 4xx) allows everything.
- Redirects are followed here, not by httpx, at most MAX_REDIRECTS of them: each hop is a request like any other
  (its host's robots.txt read first and obeyed, that host's delay waited, the request counted).
- Conditional requests: the ETag and Last-Modified an address gave last time are sent back (those a request header
  can carry: printable ASCII; another is not kept), and a 304 costs no download. A 304 to a request that was not conditional (nothing held) is a failure, never "unchanged".
- Downloads go to `partial/<sha256 of the address>.part` in the archive directory and are used only complete (the
  length the server announced, the kind of file expected); a download cut off is resumed (HTTP Range, guarded by
  If-Range) on the next attempt or the next sync. They hold the bytes as sent (Content-Length and Range count those);
  a content coding the server applied anyway (gzip, deflate) is undone once complete, within the size limit.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from g287 import config
from g287.documents.archive import sha256_of
from g287.documents.contentcoding import content_codings, unpacked
from g287.documents.cutoff import Cutoff, DeadlinePassed, TimeLeft
from g287.documents.links import url_key
from g287.documents.robots import ROBOTS_MAX_BYTES, ROBOTS_TOKEN, RobotsRules
from g287.documents.settings import SyncSettings
from g287.sources.links import refused_address

PERMANENT = {400, 401, 403, 404, 405, 406, 410, 414, 451}
MAGIC = {"pdf": (b"%PDF-",), "xlsx": (b"PK\x03\x04",), "html": ()}
MAX_RETRY_AFTER = 300.0
MAX_REDIRECTS = 5  # RFC 9309 asks crawlers to follow at least five for robots.txt; ICE's files need fewer
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_HOST = re.compile(r"[\w.:-]+")  # letters of any script and digits, dots, hyphens; an IPv6 address's colons


def address_problem(url: str) -> str | None:
    """Why `url` cannot be fetched as it stands (not http(s), unparseable, no host), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises for a port that is not a number in 0-65535
    except ValueError as error:
        return f"not a valid address ({error})"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http(s) address"
    if not parts.hostname:
        return "not a valid address (no host)"
    if not _HOST.fullmatch(parts.hostname):  # "a b.gov" (httpx joins a redirect to it as "a%20b.gov")
        return "not a valid address (its host name holds characters no host name has)"
    # As ingest refuses a document's address (g287.sources.links.refused_address): one recorded before it did, or a
    # redirect to one ("https://www.ice.gov@example.org/" is example.org), is not fetched either.
    refused = refused_address(url)
    if refused:
        return f"not fetched: the address holds {refused}"
    return None


@dataclass
class Fetched:
    url: str
    status: str  # downloaded | not_modified | failed
    http_status: int | None = None
    path: Path | None = None  # the complete file (downloaded)
    sha256: str | None = None
    size: int = 0
    received: int = 0  # bytes transferred by this fetch (resumed downloads transfer less than their size)
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    problem: str | None = None
    retryable: bool = False  # a failure that may pass; its partial download is kept for resuming
    attempts: int = 0  # requests made for the address: each try, and each redirect a try followed
    robots_requests: int = 0  # requests for robots.txt (the host's, and those of hosts it redirects to) this fetch made
    unchecked: bool = False  # nothing was asked of the address: its host's robots.txt could not be read (no answer, 5xx)
    unchecked_host: str | None = None  # that host: the address's, or that of the host a redirect led to
    final_url: str | None = None  # the address that answered, after redirects (relative links in a page are resolved on it)



@dataclass(frozen=True)
class _HostRules:
    robots: RobotsRules | None  # None: no robots.txt (everything allowed)
    unreachable: str | None = None  # why the robots.txt could not be read (then nothing is fetched)

    def refusal(self, url: str, *, redirected: bool = False) -> str | None:
        host = urlsplit(url).netloc
        lead = f"not fetched: it redirects to {url}, and" if redirected else "not fetched:"
        if self.unreachable:
            return f"{lead} the robots.txt of {host} could not be read ({self.unreachable}), which forbids fetching (RFC 9309)"
        if self.robots is not None and not self.robots.allows(url):
            return f"{lead} the robots.txt of {host} disallows {'that' if redirected else 'this'} address for {ROBOTS_TOKEN}"
        return None

    def crawl_delay(self) -> float:
        return self.robots.crawl_delay if self.robots is not None else 0.0


@dataclass
class _Tally:
    """The requests one fetch made, counted as they are made (failures included)."""

    requests: int = 0
    robots_requests: int = 0


class _Retry(Exception):
    def __init__(self, problem: str, http_status: int | None = None, wait: float | None = None):
        self.problem, self.http_status, self.wait = problem, http_status, wait


class _Fail(Exception):
    """A failure that trying again now cannot mend; `retryable`: a later sync may (its partial download is kept)."""

    def __init__(self, problem: str, http_status: int | None = None, *, retryable: bool = False, received: int = 0, unchecked_host: str | None = None):
        self.problem, self.http_status, self.retryable = problem, http_status, retryable
        self.unchecked_host = unchecked_host  # a redirect led to a host that could not be asked (its robots.txt unread)
        self.received = received  # bytes this attempt transferred before it failed


class PoliteClient:
    def __init__(
        self, settings: SyncSettings, partial_dir: Path, *, sleep=time.sleep, clock=time.monotonic, wall_clock=time.time, transport: httpx.BaseTransport | None = None
    ):
        self.settings = settings
        self.partial_dir = Path(partial_dir)
        # clock measures waits and time limits; wall_clock (seconds since the epoch) is the date now, which a
        # Retry-After written as an HTTP date is counted from
        self.sleep, self.clock, self.wall_clock = sleep, clock, wall_clock
        self._waited = 0.0  # seconds slept in all (delays, backoff): they do not count against a file's time
        self._last: dict[str, float] = {}
        self._rules: dict[str, _HostRules] = {}  # by scheme://host
        self._cutoff = Cutoff()  # G287_SYNC_DOWNLOAD_TIMEOUT while a request's headers come too (cutoff.py)
        self.client = httpx.Client(
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "identity"},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,  # each redirect is followed here: robots.txt, the delay and the count apply to it
            transport=transport,
            # httpx reads a Location it does not follow too: a malformed one was a "cut connection" tried again, or a crash
            event_hooks={"request": [self._cutoff.watch], "response": [_redirect_target]},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def _turn(self, url: str):
        """A request to the url's host, made once the delay (or the host's Crawl-delay) has passed since the last
        request to that host ended: its response read to the end, or given up. Counted from its start, a download
        that took 30 s was followed at once by the next request to the host."""
        parts = urlsplit(url)
        host = parts.netloc.lower()
        rules = self._rules.get(f"{parts.scheme}://{host}")
        delay = max(self.settings.delay, rules.crawl_delay() if rules else 0.0)
        last = self._last.get(host)
        if last is not None:
            remaining = delay - (self.clock() - last)
            if remaining > 0:
                self._pause(remaining)
        try:
            yield
        finally:
            self._last[host] = self.clock()

    def _pause(self, seconds: float) -> None:
        self.sleep(seconds)
        self._waited += seconds

    def _deadline(self) -> TimeLeft:  # G287_SYNC_DOWNLOAD_TIMEOUT from now, this client's waits (_pause) not counted
        return TimeLeft(self.settings.download_timeout, self.clock, lambda: self._waited)

    def _host_rules(self, url: str) -> tuple[_HostRules, int]:
        """The robots.txt rules of the url's host (read once), and how many requests reading them took now."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin in self._rules:
            return self._rules[origin], 0
        target, requests = origin + "/robots.txt", 0
        out_of_time = self._deadline()
        try:
            # RFC 9309 2.3.1.2: follow at least five redirects, even to another host; the rules found there are
            # this host's. More, or a redirect to nowhere usable, is a robots.txt that is unavailable (as a 4xx).
            for _hop in range(MAX_REDIRECTS + 1):
                requests += 1
                with self._turn(target), self._cutoff.limit(out_of_time.seconds(), _too_slow(self.settings)), self.client.stream("GET", target) as response:
                    status, body, codings = response.status_code, b"", content_codings(response.headers)
                    if 200 <= status < 300:
                        for chunk in response.iter_raw():  # undone below, bounded (httpx would unpack without a limit)
                            body += chunk
                            if len(body) > ROBOTS_MAX_BYTES:  # a byte more than is read: the file goes on
                                break
                            if out_of_time():  # a server trickling it: unavailable, as no answer is
                                raise httpx.ReadTimeout(_too_slow(self.settings))
                    target = _redirect_target(response)
                if target is None:
                    break
            else:
                status = 404
        except httpx.HTTPError as error:
            rules = _HostRules(None, _one_line(error) or type(error).__name__)
        except _Fail:  # a redirect to nowhere usable (raised by the client's hook): as a 4xx
            rules = _HostRules(None)
        else:
            if 200 <= status < 300:
                try:
                    body, whole = unpacked(body, codings, ROBOTS_MAX_BYTES)
                except ValueError as error:
                    rules = _HostRules(None, str(error))
                else:
                    rules = _HostRules(RobotsRules.parse(_read_part(body, whole).decode("utf-8", "replace")))
            elif 300 <= status < 500 and status != 429:
                rules = _HostRules(None)
            else:  # 5xx, or 429 Too Many Requests: not a missing robots.txt but a host asking to be left alone now
                rules = _HostRules(None, f"HTTP {status}")
        self._rules[origin] = rules
        return rules, requests

    def fetch(self, url: str, *, expect: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Download `url` (conditionally when validators are given). Never raises for network or server problems:
        the outcome says what happened."""
        problem = address_problem(url)
        if problem:
            return Fetched(url, "failed", problem=problem)
        tally = _Tally()
        rules, tally.robots_requests = self._host_rules(url)
        refusal = rules.refusal(url)
        if refusal:
            unreachable = rules.unreachable is not None  # RFC 9309's "unreachable" (no answer, 5xx): a disallow for now
            host = urlsplit(url).netloc if unreachable else None
            return Fetched(url, "failed", problem=refusal, retryable=unreachable, robots_requests=tally.robots_requests, unchecked=unreachable, unchecked_host=host)
        outcome = self._fetch_allowed(url, expect, etag, last_modified, tally)
        outcome.attempts, outcome.robots_requests = tally.requests, tally.robots_requests
        return outcome

    def _fetch_allowed(self, url: str, expect: str, etag: str | None, last_modified: str | None, tally: _Tally) -> Fetched:
        config.make_folder(self.partial_dir)
        part = self.partial_dir / f"{url_key(url)}.part"
        meta_path = part.with_suffix(".json")
        last_problem, last_status, retryable = "not attempted", None, False
        received = 0
        wait: float | None = None  # a server's Retry-After, from the attempt before
        out_of_time = self._deadline()  # for every attempt and redirect of this address together
        for attempt in range(self.settings.retries + 1):
            if attempt:
                self._pause(self._backoff(attempt, wait))
            wait = None
            try:
                outcome = self._attempt(url, part, meta_path, expect, etag, last_modified, tally, out_of_time)
                outcome.received += received
                return outcome
            except _Retry as retry:
                last_problem, last_status, retryable, wait = retry.problem, retry.http_status, True, retry.wait
                received += getattr(retry, "received", 0)
            except _Fail as failure:
                if not failure.retryable:
                    _discard(part, meta_path)
                received += failure.received
                unchecked = failure.unchecked_host is not None  # not a broken link: nothing was learnt of it
                return Fetched(
                    url, "failed", failure.http_status, problem=failure.problem, retryable=failure.retryable, received=received,
                    unchecked=unchecked, unchecked_host=failure.unchecked_host,
                )
        return Fetched(url, "failed", last_status, problem=f"{last_problem} (after {self.settings.retries + 1} attempts)", retryable=retryable, received=received)

    def _backoff(self, attempt: int, wait: float | None) -> float:
        if wait is not None:
            return min(max(wait, 0.0), MAX_RETRY_AFTER)
        return self.settings.backoff * (2 ** (attempt - 1))

    @contextmanager
    def _follow(self, url: str, headers: dict, tally: _Tally, out_of_time: TimeLeft):
        """The response at the end of the address's redirects. Every hop is a request of its own: allowed by its
        host's robots.txt (read first), spaced by that host's delay, and counted. The same Range/If-Range and
        conditional headers go to every hop: only the server that finally answers holds the file they are about."""
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            if hop:  # the address itself was checked by fetch() before any attempt
                rules, robots_requests = self._host_rules(current)
                tally.robots_requests += robots_requests
                refusal = rules.refusal(current, redirected=True)
                if refusal:
                    # A redirect to a host that cannot be asked (RFC 9309's "unreachable": a disallow for now) is, like
                    # an address of that host, not checked: recorded as a broken link, an offline CDN looked like ICE
                    # taking the document down.
                    unreachable = urlsplit(current).netloc if rules.unreachable is not None else None
                    raise _Fail(refusal, retryable=unreachable is not None, unchecked_host=unreachable)
            tally.requests += 1
            with self._turn(current), self._cutoff.limit(out_of_time.seconds(), _too_slow(self.settings)), self.client.stream("GET", current, headers=headers) as response:
                target = _redirect_target(response)
                if target is None:
                    yield response
                    return
            current = target
        raise _Fail(f"too many redirects (more than {MAX_REDIRECTS})")

    def _attempt(self, url: str, part: Path, meta_path: Path, expect: str, etag: str | None, last_modified: str | None, tally: _Tally, out_of_time) -> Fetched:
        headers = {}
        offset = 0
        meta = _read_meta(meta_path, url)
        etag, last_modified = _sendable(etag), _sendable(last_modified)  # e.g. recorded by an earlier version
        resume_with = meta and (_sendable(meta.get("etag")) or _sendable(meta.get("last_modified")))
        if part.exists() and resume_with:
            offset = part.stat().st_size
            headers["Range"] = f"bytes={offset}-"
            headers["If-Range"] = resume_with
        else:
            _discard(part, meta_path)
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        written, status, size, total = 0, None, offset, None
        try:
            with self._follow(url, headers, tally, out_of_time) as response:
                status = response.status_code
                if status == 304:
                    if "If-None-Match" not in headers and "If-Modified-Since" not in headers:
                        # Nothing held to compare with (nothing sent): "not modified" would leave the address
                        # unchanged, with nothing, for good. A server or cache in error; a later sync may mend it,
                        # asking for the whole file (a partial one it answered so is not resumed).
                        _discard(part, meta_path)
                        raise _Fail("HTTP 304 Not Modified, but the request was not conditional (nothing is held to compare with)", 304, retryable=True)
                    return Fetched(url, "not_modified", 304, etag=etag, last_modified=last_modified, final_url=str(response.url))
                if status == 429 or status >= 500:
                    raise _Retry(f"the server answered HTTP {status}", status, _retry_after(response.headers.get("Retry-After"), self.wall_clock()))
                if status in PERMANENT or not 200 <= status < 300:  # a redirect here is one without a Location (_redirect_target)
                    raise _Fail(f"HTTP {status} {response.reason_phrase or ''}".strip() + (": a redirect without a Location" if status in REDIRECT_STATUSES else ""), status)
                whole_length = None  # a 206's Content-Range says the length of the whole file
                if status == 206:
                    start, whole_length = _content_range(response.headers.get("Content-Range"))
                    if start != offset:
                        _discard(part, meta_path)
                        raise _Retry("the server resumed the download at the wrong place", status, 0.0)
                    if offset and not _same_version(meta, response.headers):
                        # A server or cache ignoring If-Range sends the rest of the file as it is now: spliced to
                        # the part held (another version), it had the right length and was kept as the file.
                        _discard(part, meta_path)
                        raise _Retry("the file changed since the part held was downloaded (the server ignored If-Range)", status, 0.0)
                else:
                    offset = 0
                announced = response.headers.get("Content-Length")
                total = offset + int(announced) if announced and announced.isascii() and announced.isdigit() else None
                if total is not None and total > self.settings.max_bytes:
                    raise _Fail(f"larger than the limit of {self.settings.max_bytes:,} bytes ({total:,} bytes announced)", status)
                new_etag, new_modified = _sendable(response.headers.get("ETag")), _sendable(response.headers.get("Last-Modified"))
                _write_meta(meta_path, url, new_etag, new_modified)
                size = offset
                with open(part, "ab" if offset else "wb") as out:
                    # As the data comes (a chunk size would wait to fill it), as sent: Content-Length and Range count
                    # these bytes, and a content coding is undone below, within the size limit.
                    for chunk in response.iter_raw():
                        size += len(chunk)
                        written += len(chunk)
                        if size > self.settings.max_bytes:
                            raise _Fail(f"larger than the limit of {self.settings.max_bytes:,} bytes", status)
                        out.write(chunk)
                        if out_of_time() and (total is None or size < total):
                            raise DeadlinePassed(_too_slow(self.settings))
                if total is not None and size < total:
                    raise _retry_with(f"the download was cut off after {size:,} of {total:,} bytes", status, written)
                if whole_length is not None and size < whole_length:  # a part of the file, sent as all that was asked
                    raise _retry_with(f"the server sent {size:,} of the file's {whole_length:,} bytes (HTTP 206 Partial Content)", status, written)
                content_type = response.headers.get("Content-Type")
                codings = content_codings(response.headers)
                final_url = str(response.url)
        except DeadlinePassed:  # out of time between pieces of the body, or while any part came (cutoff.py)
            of = f" of {total:,}" if total is not None else ""
            raise _Fail(f"{_too_slow(self.settings)} with {size:,}{of} bytes received (resumed by the next sync)", status, retryable=True, received=written) from None
        except httpx.TimeoutException:
            raise _retry_with(f"timed out (no answer within {self.settings.timeout:g} s)", None, written) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            if total is not None and size < total:
                raise _retry_with(f"the download was cut off after {size:,} of {total:,} bytes", None, written) from None
            raise _retry_with(f"the connection was cut ({_one_line(error)})", None, written) from None
        except (httpx.ConnectError, httpx.NetworkError) as error:
            raise _Retry(f"cannot connect ({_one_line(error)})") from None
        except httpx.HTTPError as error:
            raise _Retry(f"HTTP error ({_one_line(error)})") from None
        meta_path.unlink(missing_ok=True)  # complete: nothing left to resume
        if codings and size:
            size = self._unpack(part, codings, status)
        if size == 0:
            raise _Fail("the server sent an empty file", status)
        problem = _kind_problem(part, expect, content_type)
        if problem:
            raise _Fail(problem, status)
        digest = sha256_of(part)[0]
        return Fetched(url, "downloaded", status, part, digest, size, written, new_etag, new_modified, content_type, final_url=final_url)


    def _unpack(self, part: Path, codings: list[str], status: int) -> int:
        """Undo the content codings of a complete download in place (a server may send gzip though asked for
        `identity`); its size unpacked."""
        named = ", ".join(codings)
        try:
            content, whole = unpacked(part.read_bytes(), codings, self.settings.max_bytes)
        except ValueError as error:
            raise _Fail(f"the server sent {error}", status) from None
        if len(content) > self.settings.max_bytes:
            raise _Fail(f"larger than the limit of {self.settings.max_bytes:,} bytes once unpacked (Content-Encoding: {named})", status)
        if not whole:
            raise _Fail(f"the server sent a compressed file (Content-Encoding: {named}) that ends before its end", status)
        part.write_bytes(content)
        return len(content)


def _read_part(robots: bytes, whole: bool) -> bytes:
    """What is read of a robots.txt: its first ROBOTS_MAX_BYTES, without the line the limit (or the end of a
    compressed body cut short) falls in. Read, "Allow: /287gMOA/public.pdf" cut to "Allow: /287gMOA/" allowed the
    whole folder its Disallow forbids."""
    if len(robots) <= ROBOTS_MAX_BYTES and whole:
        return robots
    read = robots[:ROBOTS_MAX_BYTES]
    return read[: read.rfind(b"\n") + 1]


def _too_slow(settings: SyncSettings) -> str:
    return f"not downloaded within {settings.download_timeout:g} s (G287_SYNC_DOWNLOAD_TIMEOUT)"


def _redirect_target(response: httpx.Response) -> str | None:
    """Where a redirect leads (an absolute http(s) address), or None when the response is not a redirect."""
    location = response.headers.get("Location", "").strip()
    if response.status_code not in REDIRECT_STATUSES or not location:
        return None  # a 3xx without a Location is answered as any other status
    try:
        urlsplit(location).port  # noqa: B018 -- raises for "http://[bad", which httpx joins as the host "%5bbad"
        target = str(response.url.join(location).copy_with(fragment=None))
    except (httpx.InvalidURL, ValueError):
        raise _Fail(f"HTTP {response.status_code}: a redirect to a malformed address ({location[:200]})", response.status_code) from None
    problem = address_problem(target)
    if problem:
        raise _Fail(f"HTTP {response.status_code}: a redirect to {target[:200]}: {problem}", response.status_code)
    return target


def _retry_with(problem: str, status: int | None, written: int) -> _Retry:
    retry = _Retry(problem, status)
    retry.received = written
    return retry


def _kind_problem(path: Path, expect: str, content_type: str | None) -> str | None:
    magics = MAGIC.get(expect, ())
    if not magics:
        return None
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if expect == "pdf" and b"%PDF-" in head:
        return None
    if any(head.startswith(m) for m in magics):
        return None
    sent = (content_type or "unknown type").split(";")[0].strip()
    kind = "a PDF" if expect == "pdf" else "an Excel workbook"
    if sent.lower() in _CALLED[expect]:  # "not a PDF: the server sent application/pdf" read as a contradiction
        return f"not {kind}: the server called it {sent}, but its content is not that of {kind}"
    return f"not {kind}: the server sent {sent}"


# The content types that name the kind of file expected (its content decides: see _kind_problem).
_CALLED = {"pdf": ("application/pdf", "application/x-pdf"), "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)}


def _sendable(validator: str | None) -> str | None:
    """An ETag or Last-Modified that can be sent back in a request header (printable ASCII), else None. A server
    may send other octets (RFC 9110's obs-text), which httpx cannot send back: such a validator is not kept, and
    the file is asked for whole next time."""
    if validator and validator.isascii() and validator.isprintable():
        return validator
    return None


def _same_version(meta: dict | None, headers: httpx.Headers) -> bool:
    """Whether a 206 answering a resumed download is of the version the part held is of: its ETag, else its
    Last-Modified, the same as when the part was downloaded (a 206 saying neither is taken at its word, as If-Range
    asked for that version)."""
    held_etag, sent_etag = (meta or {}).get("etag"), _sendable(headers.get("ETag"))
    if held_etag and sent_etag:
        return held_etag == sent_etag
    held_modified, sent_modified = (meta or {}).get("last_modified"), _sendable(headers.get("Last-Modified"))
    if held_modified and sent_modified:
        return held_modified == sent_modified
    return True


def _read_meta(path: Path, url: str) -> dict | None:
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return meta if meta.get("url") == url else None


def _write_meta(path: Path, url: str, etag: str | None, last_modified: str | None) -> None:
    path.write_text(json.dumps({"url": url, "etag": etag, "last_modified": last_modified}))


def _discard(part: Path, meta: Path) -> None:
    part.unlink(missing_ok=True)
    meta.unlink(missing_ok=True)


def _content_range(value: str | None) -> tuple[int | None, int | None]:
    """The first byte of a Content-Range (`bytes 500-999/1234`), and the length of the whole file (None for `*`)."""
    try:
        unit, spec = value.split()
        span, _slash, length = spec.partition("/")
        start = int(span.split("-")[0])
    except (AttributeError, ValueError):
        return None, None
    return start, int(length) if unit == "bytes" and length.isascii() and length.isdigit() else None


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds a Retry-After asks to wait: its delay in seconds, or from `now` (seconds since the epoch: the client's
    wall clock, which tests set) to its HTTP date; None for none, or one that cannot be read."""
    if not value:
        return None
    if value.strip().isascii() and value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" (no zone said) reads as local time; an HTTP date is always GMT (RFC 9110)
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, when.timestamp() - now)


def _one_line(error: BaseException) -> str:
    return (" ".join(str(error).split()) or type(error).__name__)[:160]
