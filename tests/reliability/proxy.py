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
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from fakes.server import Exchange, LoopbackServer, RequestLog

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


@dataclass
class Asked:
    method: str
    path: str
    headers: dict[str, str]


class FaultProxy(LoopbackServer):
    """`root` is what the connector's base_url points at instead of `upstream`."""

    def __init__(self, upstream: str, plan: Plan | None = None) -> None:
        super().__init__()
        self.upstream = upstream.rstrip("/")
        self.plan = plan or Plan()
        self.injected: Counter[str] = Counter()
        self.log: RequestLog[Asked] = RequestLog()
        self.redirect_to = ""  # the "redirect" fault sends clients there (another host)
        self._rng = random.Random(self.plan.seed)
        self._last_faulted = False

    @property
    def root(self) -> str:
        return self.url

    @property
    def requests(self) -> int:
        return len(self.log)

    @property
    def seen_headers(self) -> list[dict[str, str]]:
        return [asked.headers for asked in self.log]

    @property
    def faults(self) -> int:
        return sum(self.injected.values())

    def choose(self, number: int) -> str | None:
        """The fault for the `number`th request, or None to pass it through."""
        plan = self.plan
        with self.lock:
            if number <= plan.passes:
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

    def serve(self, exchange: Exchange, method: str) -> None:
        body = exchange.read_body()
        headers = {k: v for k, v in exchange.headers.items()}
        number = self.log.record(Asked(method, exchange.path, headers))
        kind = self.choose(number)
        try:
            self._answer(exchange, method, body, headers, kind, number)
        except (BrokenPipeError, ConnectionResetError):
            exchange.close_connection = True  # the client gave up (slow answers)

    def _answer(
        self,
        exchange: Exchange,
        method: str,
        body: bytes,
        headers: dict[str, str],
        kind: str | None,
        number: int,
    ) -> None:
        if kind == "slow":
            time.sleep(self.plan.slow_seconds)
        if kind == "redirect":
            exchange.send(302, b"", [("Location", self.redirect_to + exchange.path)])
            return
        if kind is not None and kind.startswith("echo"):
            status = int(kind[4:] or 400)  # plain "echo" is a 400
            echoed, data = echo_answer(self.plan.echo_style, f"{method} {exchange.path}", headers)
            exchange.send(status, data, echoed)
            return
        if kind is not None and kind not in ("slow", "drop", "malformed"):
            status, extra, data = fault_answer(kind)
            exchange.send(status, data, extra)
            return
        if self.plan.before is not None:
            self.plan.before(number, exchange.path)
        status, kept, data = self._passed_on(exchange, method, body, headers)
        if kind == "malformed":
            data = data[: max(1, len(data) // 2)]  # valid length, broken JSON
        if kind == "drop":
            exchange.send_head(status, len(data), kept)
            exchange.wfile.write(data[: len(data) // 2])
            exchange.drop()
            return
        exchange.send(status, data, kept)

    def _passed_on(
        self, exchange: Exchange, method: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The upstream's answer, pointing at the proxy and edited as the plan says."""
        status, kept, data = self.forward(method, exchange.path, headers, body)
        data = self.rewrite(data)
        if self.plan.transform is not None and status == 200 and data[:1] in b"[{":
            data = json.dumps(self.plan.transform(exchange.path, json.loads(data))).encode()
        if self.plan.echo_into_pages and status == 200 and data[:1] in b"[{":
            data = json.dumps(with_credentials(json.loads(data), headers)).encode()
        kept = [(k, v.replace(self.upstream, self.root)) for k, v in kept]
        return status, kept, data


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
