"""What every loopback fake server shares: serving on 127.0.0.1 (`start`/`stop`, a context
manager, `url`), a queue of injected faults and a log of the requests it was asked.

The fake GitHub, GitLab and Jira and the fault proxy add only their API's own: routes,
data and their particular faults (GitHub's rate-limit answers, the proxy's echoes). Built
on the standard library's `http.server` rather than a web framework: a fake must answer
exactly as told (connections dropped mid-answer, half bodies, odd headers), which
frameworks smooth over.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, Self, TypeVar

Headers = Mapping[str, str] | Iterable[tuple[str, str]]


class Exchange(BaseHTTPRequestHandler):
    """One request to a fake and its answer: the fake's `serve` reads the request from
    here and answers with `send` (or `drop`)."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs
    # Headers and body leave in two writes: with Nagle's algorithm on, the body waits for
    # the client's delayed ACK, ~40 ms on every answer.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: each fake keeps its own log of what it was asked."""

    def do_GET(self) -> None:
        self.server.fake.dispatch(self, "GET")

    def do_POST(self) -> None:
        self.server.fake.dispatch(self, "POST")

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_head(
        self, status: int, length: int, headers: Headers = (), content_type: str | None = None
    ) -> None:
        """The status line and headers of an answer whose body is `length` bytes long."""
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        for name, value in headers.items() if isinstance(headers, Mapping) else headers:
            self.send_header(name, value)
        self.end_headers()

    def send(
        self, status: int, data: bytes, headers: Headers = (), content_type: str | None = None
    ) -> None:
        self.send_head(status, len(data), headers, content_type)
        self.wfile.write(data)

    def drop(self) -> None:
        """Close the connection without (the rest of) an answer."""
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True


class _HTTPServer(ThreadingHTTPServer):
    def __init__(self, fake: LoopbackServer) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), Exchange)


class LoopbackServer:
    """An HTTP server on 127.0.0.1 at a free port; each request is answered on its own
    thread by the subclass's `serve`. Use it as `with Fake(...) as fake:`, or call
    `start()` and `stop()`."""

    def __init__(self) -> None:
        self.latency = 0.0  # seconds each answer waits, to model a real API's round trip
        self.in_flight = self.most_in_flight = 0  # requests being answered at once
        self.lock = threading.Lock()
        self._httpd = _HTTPServer(self)
        # A short poll: `stop` waits for the serving loop to notice, up to one poll.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def dispatch(self, exchange: Exchange, method: str) -> None:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)  # each request on its own thread: they overlap
            self.serve(exchange, method)
        finally:
            with self.lock:
                self.in_flight -= 1

    def serve(self, exchange: Exchange, method: str) -> None:
        raise NotImplementedError


@dataclass
class Fault:
    """An answer given instead of the usual one to the next `times` requests whose path
    contains `path`, after `skip` of them were let through."""

    status: int = 0  # 0 drops the connection without an answer
    path: str = ""  # "" matches every path
    times: int = 1
    skip: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None  # None: the fake's usual error body for `status`
    kind: str = ""  # a fake's own kind of fault, which it answers itself (`status` unused)

    def matches(self, path: str) -> bool:
        return self.path in path


class Faults(list[Fault]):
    """The injected faults not yet served, first injected first."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()  # requests take faults from several threads at once

    def take(self, path: str) -> Fault | None:
        """The fault that answers a request to `path`, or None to answer it as usual. The
        first fault for `path` with skips left lets this request through instead."""
        with self._lock:
            for index, fault in enumerate(self):
                if fault.times <= 0 or not fault.matches(path):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                fault.times -= 1
                if fault.times == 0:
                    del self[index]
                return fault
        return None


class Logged(Protocol):
    method: str
    path: str


LoggedT = TypeVar("LoggedT", bound=Logged)


class RequestLog(list[LoggedT]):
    """The requests a fake was asked, in order of arrival (each fake records its own)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def record(self, request: LoggedT) -> int:
        """Log `request`; its number, counting from 1."""
        with self._lock:
            self.append(request)
            return len(self)

    def matching(
        self, path: str | None = None, *, suffix: str = "", method: str | None = None
    ) -> list[LoggedT]:
        """The requests whose path contains `path` and ends with `suffix`, by `method`."""
        return [
            seen
            for seen in self
            if (path is None or path in seen.path)
            and seen.path.endswith(suffix)
            and (method is None or seen.method == method)
        ]

    def tally(self, path: str | None = None, *, suffix: str = "", method: str | None = None) -> int:
        return len(self.matching(path, suffix=suffix, method=method))
