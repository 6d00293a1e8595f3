"""A time limit on a request that a slow server cannot get around (G287_SYNC_DOWNLOAD_TIMEOUT).

httpx bounds each read (G287_SYNC_TIMEOUT), never a whole request: a server sending its status line and headers a
byte at a time, each within the read timeout, held a download for as long as it liked (the limit was checked only
between pieces of the body, which come after the headers). Here a timer shuts the connection down at the limit
instead, whatever is being read: a read blocked on it then fails at once, and the failure is reported as the limit.
"""

from __future__ import annotations

import socket
import threading
import weakref
from contextlib import contextmanager

import httpx

# httpcore's `trace` events whose return value is a connection's network stream (connect_tcp, and start_tls, which
# wraps it in TLS; their prefix names the httpcore module: "connection.", "proxy.")
_OPENED = (".connect_tcp.complete", ".connect_unix_socket.complete", ".start_tls.complete")


class DeadlinePassed(httpx.TimeoutException):
    """The time limit was reached while a request was under way; its connection was shut down."""


class Cutoff:
    """Shuts down the connections of one httpx client when a request's time is up.

    `watch` is the client's request event hook: it asks httpcore to report (the `trace` request extension) each
    connection opened, whose network stream is kept (weakly: a connection httpcore drops is forgotten). A connection
    reused from the pool reports nothing when it is reused, but it was kept when it was opened, so at the limit every
    live connection of the client is shut down. The client makes one request at a time (PoliteClient), so the others
    are idle ones kept alive, to this host or another: httpcore finds such a connection closed by the time it would
    reuse it, and opens a new one. One opened after the limit (the time was up as the request began, or ran out
    while it connected) is shut down as soon as it is reported.
    """

    def __init__(self) -> None:
        self._streams: weakref.WeakSet = weakref.WeakSet()
        self._lock = threading.Lock()  # the timer's thread shuts down while the request's thread adds a connection
        self._time_up = False  # the limit of the request under way has passed

    @property
    def time_up(self) -> bool:
        return self._time_up

    def watch(self, request: httpx.Request) -> None:
        request.extensions["trace"] = self._trace

    def _trace(self, event: str, info: dict) -> None:
        stream = info.get("return_value")
        if not event.endswith(_OPENED) or stream is None:
            return
        with self._lock:
            self._streams.add(stream)
            time_up = self._time_up
        if time_up:
            _shut_down(stream)

    def _cut(self) -> None:
        with self._lock:
            self._time_up = True
            streams = list(self._streams)
        for stream in streams:
            _shut_down(stream)

    @contextmanager
    def limit(self, seconds: float, message: str):
        """Within the block (one request), the connections are shut down once `seconds` have passed; a network error
        that follows is raised as DeadlinePassed(message). The timer is stopped on leaving the block, however it is
        left."""
        timer = threading.Timer(max(seconds, 0.0), self._cut)
        timer.name, timer.daemon = "g287 download time limit", True
        timer.start()
        try:
            yield
        except httpx.TransportError as error:
            if self._time_up:
                raise DeadlinePassed(message) from error
            raise
        finally:
            timer.cancel()
            timer.join()  # nothing left running: a cut under way ends before the block does
            self._time_up = False


def _shut_down(stream) -> None:
    sock = stream.get_extra_info("socket")
    try:
        sock.shutdown(socket.SHUT_RDWR)  # a read blocked on it returns at once (close() would not wake it)
    except (AttributeError, OSError):  # no socket, or closed already (or the plain one a TLS socket took over)
        pass


class TimeLeft:
    """What is left of `limit` seconds from now, by `clock`, the time `waited` counts not counted (the waits between
    requests: a client's own politeness). Called: whether the time is up."""

    def __init__(self, limit: float, clock, waited) -> None:
        self._limit, self._clock, self._waited = limit, clock, waited
        self._start, self._waited_at_start = clock(), waited()

    def seconds(self) -> float:
        return self._limit - (self._clock() - self._start - (self._waited() - self._waited_at_start))

    def __call__(self) -> bool:
        return self.seconds() < 0
