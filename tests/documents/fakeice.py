"""A local HTTP server that mimics ICE's 287(g) page, its workbooks and the MOA PDFs — with the failures the real
one shows: missing files (404), a server that does not answer in time, downloads cut off, an HTML page where a
PDF should be, and a page whose layout changed. Tests never reach the internet."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes
    content_type: str = "application/octet-stream"
    mode: str = "ok"  # ok | missing | slow | trickle_headers | cut_once | cut_always | busy_once | busy_always | limited_always | no_validators | always_304
    delay: float = 0.0  # seconds before answering ("slow"), or between two bytes of the headers ("trickle_headers")
    etag: str | None = None
    last_modified: str | None = None
    served: int = 0

    def __post_init__(self):
        if self.mode != "no_validators":
            self.etag = self.etag or '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
            self.last_modified = self.last_modified or formatdate(1_750_000_000, usegmt=True)


@dataclass
class Request:
    path: str
    headers: dict


@dataclass
class FakeIce:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def start(self) -> "FakeIce":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = fake.routes.get(self.path.split("?")[0])
                if route is None or route.mode == "missing":
                    return self._send(404, b"<html><body>Page not found</body></html>", "text/html")
                if route.mode == "slow":
                    time.sleep(route.delay)
                route.served += 1
                if route.mode == "trickle_headers":
                    return self._trickle_headers(route)
                if route.mode in ("busy_always", "limited_always") or (route.mode == "busy_once" and route.served == 1):
                    self.send_response(429 if route.mode == "limited_always" else 503)
                    self.send_header("Retry-After", "7")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.mode == "always_304" or (route.etag and self.headers.get("If-None-Match") == route.etag):
                    return self._send(304, b"", None, route)
                start = 0
                wanted = self.headers.get("Range")
                if wanted and route.etag and self.headers.get("If-Range") in (route.etag, route.last_modified):
                    start = int(wanted.split("=")[1].split("-")[0])
                body = route.body[start:]
                cut = route.mode == "cut_always" or (route.mode == "cut_once" and route.served == 1)
                self.send_response(206 if start else 200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(body)))
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(route.body) - 1}/{len(route.body)}")
                self._validators(route)
                self.end_headers()
                try:
                    self.wfile.write(body[: len(body) // 2] if cut else body)
                    self.wfile.flush()
                except OSError:
                    pass
                if cut:
                    self.close_connection = True

            def _trickle_headers(self, route):
                """The status line and headers a byte at a time, `delay` seconds apart (about 300 bytes: a minute
                at 0.2 s), then the body; until the client goes away."""
                head = f"HTTP/1.1 200 OK\r\nContent-Type: {route.content_type}\r\nContent-Length: {len(route.body)}\r\n"
                head += f"X-Padding: {'.' * 200}\r\n\r\n"
                self.close_connection = True
                try:
                    for octet in head.encode():
                        self.wfile.write(bytes([octet]))
                        time.sleep(route.delay)
                    self.wfile.write(route.body)
                except OSError:
                    pass

            def _validators(self, route):
                if route and route.etag:
                    self.send_header("ETag", route.etag)
                if route and route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)

            def _send(self, status, body, content_type, route=None):
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self._validators(route)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # shutdown() waits for the serving loop to see it, which looks every poll_interval: at the default 0.5 s,
        # stopping the servers was half a second of every test that starts one
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests_for(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path.split("?")[0] == path]
