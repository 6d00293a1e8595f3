"""Downloading politely and reliably: the HTTP side of `g287 sync`.

- A user agent that names g287 and a contact (G287_SYNC_CONTACT), a delay between two requests to one host
  (G287_SYNC_DELAY), timeouts (G287_SYNC_TIMEOUT), retries with exponential backoff for failures that may pass
  (timeouts, cut connections, 5xx, 429 with its Retry-After), and a size limit per file (G287_SYNC_MAX_MB).
- robots.txt (RFC 9309): each host's is read once per sync, before anything else is asked of it; an address it
  disallows for g287 is not requested, its Crawl-delay lengthens the delay, and a robots.txt that cannot be
  fetched (a network failure, HTTP 5xx) means nothing is asked of that host this time. A missing one (HTTP 4xx)
  allows everything.
- Conditional requests: the ETag and Last-Modified an address gave last time are sent back, and a 304 costs no
  download.
- Downloads go to `partial/<sha256 of the address>.part` in the archive directory and are used only complete (the
  length the server announced, the kind of file expected); a download cut off is resumed (HTTP Range, guarded by
  If-Range) on the next attempt or the next sync.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from g287.documents.archive import sha256_of
from g287.documents.links import url_key
from g287.documents.settings import SyncSettings

PERMANENT = {400, 401, 403, 404, 405, 406, 410, 414, 451}
MAGIC = {"pdf": (b"%PDF-",), "xlsx": (b"PK\x03\x04",), "html": ()}
MAX_RETRY_AFTER = 300.0
ROBOTS_TOKEN = "g287"  # the product token robots.txt rules name (the user agent starts with it)
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: a crawler reads at least the first 500 KiB


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
    attempts: int = 0
    robots_requests: int = 0  # requests for the host's robots.txt this fetch made first


@dataclass(frozen=True)
class _HostRules:
    parser: RobotFileParser | None  # None: no robots.txt (everything allowed)
    unreachable: str | None = None  # why the robots.txt could not be read (then nothing is fetched)

    def refusal(self, url: str) -> str | None:
        host = urlsplit(url).netloc
        if self.unreachable:
            return f"not fetched: the robots.txt of {host} could not be read ({self.unreachable}), which forbids fetching (RFC 9309)"
        if self.parser is not None and not self.parser.can_fetch(ROBOTS_TOKEN, url):
            return f"not fetched: the robots.txt of {host} disallows this address for {ROBOTS_TOKEN}"
        return None

    def crawl_delay(self) -> float:
        delay = self.parser.crawl_delay(ROBOTS_TOKEN) if self.parser is not None else None
        try:
            return max(float(delay or 0.0), 0.0)
        except (TypeError, ValueError):
            return 0.0


class _Retry(Exception):
    def __init__(self, problem: str, http_status: int | None = None, wait: float | None = None):
        self.problem, self.http_status, self.wait = problem, http_status, wait


class _Fail(Exception):
    def __init__(self, problem: str, http_status: int | None = None):
        self.problem, self.http_status = problem, http_status


class PoliteClient:
    def __init__(self, settings: SyncSettings, partial_dir: Path, *, sleep=time.sleep, clock=time.monotonic, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.partial_dir = Path(partial_dir)
        self.sleep, self.clock = sleep, clock
        self._last: dict[str, float] = {}
        self._rules: dict[str, _HostRules] = {}  # by scheme://host
        self.client = httpx.Client(
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "identity"},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=True,
            max_redirects=5,
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _wait_turn(self, url: str) -> None:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        rules = self._rules.get(f"{parts.scheme}://{host}")
        delay = max(self.settings.delay, rules.crawl_delay() if rules else 0.0)
        last = self._last.get(host)
        if last is not None:
            remaining = delay - (self.clock() - last)
            if remaining > 0:
                self.sleep(remaining)
        self._last[host] = self.clock()

    def _host_rules(self, url: str) -> tuple[_HostRules, int]:
        """The robots.txt rules of the url's host (read once), and how many requests reading them took now."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin in self._rules:
            return self._rules[origin], 0
        robots_url = origin + "/robots.txt"
        self._wait_turn(robots_url)
        try:
            with self.client.stream("GET", robots_url) as response:
                status = response.status_code
                body = b""
                if 200 <= status < 300:
                    for chunk in response.iter_bytes(1 << 16):
                        body += chunk
                        if len(body) >= ROBOTS_MAX_BYTES:
                            break
        except httpx.HTTPError as error:
            rules = _HostRules(None, _one_line(error) or type(error).__name__)
        else:
            if 200 <= status < 300:
                parser = RobotFileParser()
                parser.parse(body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace").splitlines())
                rules = _HostRules(parser)
            elif 400 <= status < 500:
                rules = _HostRules(None)
            else:
                rules = _HostRules(None, f"HTTP {status}")
        self._rules[origin] = rules
        return rules, 1

    def fetch(self, url: str, *, expect: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Download `url` (conditionally when validators are given). Never raises for network or server problems:
        the outcome says what happened."""
        if urlsplit(url).scheme not in ("http", "https"):
            return Fetched(url, "failed", problem="not an http(s) address")
        rules, robots_requests = self._host_rules(url)
        refusal = rules.refusal(url)
        if refusal:
            return Fetched(url, "failed", problem=refusal, retryable=rules.unreachable is not None, robots_requests=robots_requests)
        outcome = self._fetch_allowed(url, expect, etag, last_modified)
        outcome.robots_requests = robots_requests
        return outcome

    def _fetch_allowed(self, url: str, expect: str, etag: str | None, last_modified: str | None) -> Fetched:
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        part = self.partial_dir / f"{url_key(url)}.part"
        meta_path = part.with_suffix(".json")
        last_problem, last_status, retryable = "not attempted", None, False
        received = 0
        wait: float | None = None  # a server's Retry-After, from the attempt before
        for attempt in range(self.settings.retries + 1):
            if attempt:
                self.sleep(self._backoff(attempt, wait))
            wait = None
            self._wait_turn(url)
            try:
                outcome = self._attempt(url, part, meta_path, expect, etag, last_modified)
                outcome.attempts = attempt + 1
                outcome.received += received
                return outcome
            except _Retry as retry:
                last_problem, last_status, retryable, wait = retry.problem, retry.http_status, True, retry.wait
                received += getattr(retry, "received", 0)
            except _Fail as failure:
                _discard(part, meta_path)
                return Fetched(url, "failed", failure.http_status, problem=failure.problem, attempts=attempt + 1, received=received)
        return Fetched(url, "failed", last_status, problem=f"{last_problem} (after {self.settings.retries + 1} attempts)", retryable=retryable, attempts=self.settings.retries + 1, received=received)

    def _backoff(self, attempt: int, wait: float | None) -> float:
        if wait is not None:
            return min(max(wait, 0.0), MAX_RETRY_AFTER)
        return self.settings.backoff * (2 ** (attempt - 1))

    def _attempt(self, url: str, part: Path, meta_path: Path, expect: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {}
        offset = 0
        meta = _read_meta(meta_path, url)
        if part.exists() and meta and (meta.get("etag") or meta.get("last_modified")):
            offset = part.stat().st_size
            headers["Range"] = f"bytes={offset}-"
            headers["If-Range"] = meta.get("etag") or meta["last_modified"]
        else:
            _discard(part, meta_path)
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        written = 0
        size, total = offset, None
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 304:
                    return Fetched(url, "not_modified", 304, etag=etag, last_modified=last_modified)
                if status == 429 or status >= 500:
                    raise _Retry(f"the server answered HTTP {status}", status, _retry_after(response.headers.get("Retry-After")))
                if status in PERMANENT or not 200 <= status < 300:
                    raise _Fail(f"HTTP {status} {response.reason_phrase or ''}".strip(), status)
                if status == 206:
                    start = _range_start(response.headers.get("Content-Range"))
                    if start != offset:
                        _discard(part, meta_path)
                        raise _Retry("the server resumed the download at the wrong place", status, 0.0)
                else:
                    offset = 0
                announced = response.headers.get("Content-Length")
                total = offset + int(announced) if announced and announced.isascii() and announced.isdigit() else None
                if total is not None and total > self.settings.max_bytes:
                    raise _Fail(f"larger than the limit of {self.settings.max_bytes:,} bytes ({total:,} bytes announced)", status)
                new_etag, new_modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
                _write_meta(meta_path, url, new_etag, new_modified)
                size = offset
                with open(part, "ab" if offset else "wb") as out:
                    for chunk in response.iter_bytes(1 << 16):
                        size += len(chunk)
                        written += len(chunk)
                        if size > self.settings.max_bytes:
                            raise _Fail(f"larger than the limit of {self.settings.max_bytes:,} bytes", status)
                        out.write(chunk)
                if total is not None and size < total:
                    raise _retry_with(f"the download was cut off after {size:,} of {total:,} bytes", status, written)
                content_type = response.headers.get("Content-Type")
        except httpx.TimeoutException:
            raise _retry_with(f"timed out (no answer within {self.settings.timeout:g} s)", None, written) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            if total is not None and size < total:
                raise _retry_with(f"the download was cut off after {size:,} of {total:,} bytes", None, written) from None
            raise _retry_with(f"the connection was cut ({_one_line(error)})", None, written) from None
        except (httpx.ConnectError, httpx.NetworkError) as error:
            raise _Retry(f"cannot connect ({_one_line(error)})") from None
        except httpx.TooManyRedirects:
            raise _Fail("too many redirects") from None
        except httpx.HTTPError as error:
            raise _Retry(f"HTTP error ({_one_line(error)})") from None
        if size == 0:
            raise _Fail("the server sent an empty file", status)
        problem = _kind_problem(part, expect, content_type)
        if problem:
            raise _Fail(problem, status)
        digest = sha256_of(part)[0]
        meta_path.unlink(missing_ok=True)
        return Fetched(url, "downloaded", status, part, digest, size, written, new_etag, new_modified, content_type)


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
    return f"not a{'n' if expect == 'xlsx' else ''} {expect.upper() if expect == 'pdf' else 'Excel workbook'}: the server sent {sent}"


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


def _range_start(value: str | None) -> int | None:
    try:
        return int(value.split()[1].split("-")[0]) if value else None
    except (IndexError, ValueError):
        return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isascii() and value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _one_line(error: BaseException) -> str:
    return (" ".join(str(error).split()) or type(error).__name__)[:160]
