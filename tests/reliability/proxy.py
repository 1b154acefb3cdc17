"""A loopback HTTP proxy that sits between a real connector and a fake server and
injects faults: 5xx answers, rate limits with `Retry-After` and reset headers,
connections dropped mid-body, answers slower than the client's timeout, malformed
JSON, fields missing from payloads. Every connector is tested through the same
faults this way, without each fake having to implement them.

Addresses of the upstream fake in answers (pagination links, `url` fields) are
rewritten to the proxy's, so every follow-up request comes back through it too.

The `echo<status>` faults answer as a careless server or proxy may: an error whose
body (and headers) repeat the request, its credentials included, in one of several
`ECHO_STYLES`.
"""

from __future__ import annotations

import html
import http.client
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode, urlsplit

# Fault kinds a connector must survive within its retry budget.
TRANSIENT = ("500", "502", "503", "504", "429", "drop", "slow", "malformed")
# GitHub also says "rate limited" with 403 and x-ratelimit-* headers.
GITHUB_ONLY = ("403_primary", "403_secondary")
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
ECHO_STATUSES = (400, 401, 403, 500)
# How the request is written into the error body: JSON fields every API's error parser
# reads, plain text, an HTML page, URL-encoded, the credentials alone and first ("bad
# credentials: Basic …"), or credentials placed where a 300-character limit on messages
# cuts them in two.
ECHO_STYLES = ("json", "text", "html", "urlencoded", "first", "cut")
CUT_AT = 300
ECHO_MARK = "the server echoed your request"
CREDENTIAL_HEADERS = {"authorization", "private-token", "cookie"}


@dataclass
class Plan:
    """Which requests get which fault.

    `rate` of the requests get a fault drawn from `kinds` (seeded), but never two in a
    row, so a single retry always gets through; `limits` caps a kind per run (slow
    answers cost real time). `transform` edits every JSON answer that passes (items
    missing fields); `before` runs before each forwarded request (items changing
    between pages).
    """

    kinds: tuple[str, ...] = ()
    rate: float = 0.0
    seed: int = 0
    limits: dict[str, int] = field(default_factory=dict)
    slow_seconds: float = 1.0
    transform: Callable[[str, Any], Any] | None = None
    before: Callable[[int, str], None] | None = None
    always: bool = False  # a source that stays down: every request gets kinds[0]
    passes: int = 0  # the first requests go through untouched (fail mid-run, not at once)
    echo_style: str = "json"  # how `echo<status>` faults write the request (ECHO_STYLES)
    echo_into_pages: bool = False  # good answers carry the credentials in their texts


class FaultProxy:
    """`root` is what the connector's base_url points at instead of `upstream`."""

    def __init__(self, upstream: str, plan: Plan | None = None) -> None:
        self.upstream = upstream.rstrip("/")
        self.plan = plan or Plan()
        self.injected: Counter[str] = Counter()
        self.requests = 0
        self.seen_headers: list[dict[str, str]] = []
        self.redirect_to = ""  # the "redirect" fault sends clients there (another host)
        self._rng = random.Random(self.plan.seed)
        self._last_faulted = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def faults(self) -> int:
        return sum(self.injected.values())

    def choose(self) -> str | None:
        """The fault for the next request, or None to pass it through."""
        plan = self.plan
        with self._lock:
            self.requests += 1
            if self.requests <= plan.passes:
                return None
            if plan.always:
                self.injected[plan.kinds[0]] += 1
                return plan.kinds[0]
            if self._last_faulted or not plan.kinds or self._rng.random() >= plan.rate:
                self._last_faulted = False
                return None
            kind = self._rng.choice(plan.kinds)
            if self.injected[kind] >= plan.limits.get(kind, 1 << 30):
                self._last_faulted = False
                return None
            self.injected[kind] += 1
            self._last_faulted = True
            return kind

    def rewrite(self, data: bytes) -> bytes:
        return data.replace(self.upstream.encode(), self.root.encode())

    def forward(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        parts = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
            sent["Content-Length"] = str(len(body))
            conn.request(method, target, body=body or None, headers=sent)
            answer = conn.getresponse()
            data = answer.read()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_HEADERS]
            return answer.status, kept, data
        finally:
            conn.close()


def fault_answer(kind: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of an injected error answer, as the real APIs send them."""
    reset = str(int(time.time()) + 2)
    if kind == "429":
        headers = {"Retry-After": "1", "RateLimit-Reset": reset, "X-RateLimit-Reset": reset}
        return 429, headers, b'{"message": "429 Too Many Requests"}'
    if kind == "403_primary":
        headers = {"x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000"}
        headers |= {"x-ratelimit-reset": reset, "x-ratelimit-resource": "core"}
        return 403, headers, b'{"message": "API rate limit exceeded for user ID 1."}'
    if kind == "403_secondary":
        body = b'{"message": "You have exceeded a secondary rate limit. Please wait."}'
        return 403, {"retry-after": "1", "x-ratelimit-remaining": "4000"}, body
    page = f"<html><body><h1>{kind} Server Error</h1></body></html>".encode()
    return int(kind), {"Content-Type": "text/html"}, page


def echo_answer(
    style: str, request: str, headers: dict[str, str]
) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of an error that repeats the request line (its query string too)
    and headers, in `style`; the headers also come back as `X-Echo-*` headers."""
    lines = [f"{ECHO_MARK}: {request}", *(f"{k}: {v}" for k, v in headers.items())]
    echoed = [(f"X-Echo-{k}", v) for k, v in headers.items()]
    secret = " ".join(v for k, v in headers.items() if k.lower() in CREDENTIAL_HEADERS)
    if style == "first":
        lines = [f"{ECHO_MARK}: bad credentials {secret}", *lines]
    if style == "cut":
        lines = [f"{ECHO_MARK}: {request} ".ljust(CUT_AT - len(secret) // 2, ".") + secret]
    text = "\n".join(lines)
    if style in {"text", "cut"}:
        return [("Content-Type", "text/plain"), *echoed], text.encode()
    if style == "html":
        page = f"<html><body><h1>Error</h1><pre>{html.escape(text)}</pre></body></html>"
        return [("Content-Type", "text/html"), *echoed], page.encode()
    if style == "urlencoded":
        text = f"{ECHO_MARK}: {request} " + urlencode(headers)
    body = {
        "message": text,
        "errorMessages": [text],
        "errors": {"request": text},
        "error": text,
        "error_description": text,
        "request_headers": headers,
    }
    return [("Content-Type", "application/json"), *echoed], json.dumps(body).encode()


# Fields that hold free text in GitHub's, GitLab's and Jira's answers.
TEXT_FIELDS = {"title", "body", "bodyText", "description", "summary"}


def with_credentials(data: Any, headers: dict[str, str]) -> Any:
    """`data` with the request's credential headers appended to every free-text field."""
    secret = " ".join(f"{k}: {v}" for k, v in headers.items() if k.lower() in CREDENTIAL_HEADERS)
    if isinstance(data, dict):
        return {
            key: f"{value} {secret}"
            if key in TEXT_FIELDS and isinstance(value, str)
            else with_credentials(value, headers)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [with_credentials(value, headers) for value in data]
    return data


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the proxy counts what it saw."""

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items()}
            with proxy._lock:
                proxy.seen_headers.append(headers)
            kind = proxy.choose()
            try:
                self._answer(method, body, headers, kind)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (slow answers)

        def _answer(
            self, method: str, body: bytes, headers: dict[str, str], kind: str | None
        ) -> None:
            if kind == "slow":
                time.sleep(proxy.plan.slow_seconds)
            if kind == "redirect":
                self._send(302, [("Location", proxy.redirect_to + self.path)], b"")
                return
            if kind is not None and kind.startswith("echo"):
                status = int(kind[4:] or 400)  # plain "echo" is a 400
                style = proxy.plan.echo_style
                self._send(status, *echo_answer(style, f"{method} {self.path}", headers))
                return
            if kind is not None and kind not in ("slow", "drop", "malformed"):
                status, extra, data = fault_answer(kind)
                self._send(status, list(extra.items()), data)
                return
            if proxy.plan.before is not None:
                proxy.plan.before(proxy.requests, self.path)
            status, kept, data = proxy.forward(method, self.path, headers, body)
            data = proxy.rewrite(data)
            if proxy.plan.transform is not None and status == 200 and data[:1] in b"[{":
                data = json.dumps(proxy.plan.transform(self.path, json.loads(data))).encode()
            if proxy.plan.echo_into_pages and status == 200 and data[:1] in b"[{":
                data = json.dumps(with_credentials(json.loads(data), headers)).encode()
            kept = [(k, v.replace(proxy.upstream, proxy.root)) for k, v in kept]
            if kind == "malformed":
                data = data[: max(1, len(data) // 2)]  # valid length, broken JSON
            if kind == "drop":
                self._send_head(status, kept, len(data))
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self._send(status, kept, data)

        def _send_head(self, status: int, headers: list[tuple[str, str]], length: int) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(length))
            self.end_headers()

        def _send(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
            self._send_head(status, headers, len(data))
            self.wfile.write(data)

    return Handler
