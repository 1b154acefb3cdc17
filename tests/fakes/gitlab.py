"""A loopback fake of GitLab's REST API v4 and its GraphQL API (`POST /api/graphql`, from
the same data: `fakes.gitlab_graphql`), for the endpoints the connector calls.

The real python-gitlab and requests talk to it unchanged. It follows GitLab's documented behaviour:
`PRIVATE-TOKEN` auth, offset pagination with `X-Page`/`X-Next-Page`/`X-Total` and a
`Link` header built from `external_url` (which may differ from the address the client
used, as behind a proxy), inclusive `updated_after`/`updated_before`, exclusive
day-granular `after`/`before` on events, `{"message": ...}` error bodies. It counts
requests and injects faults (status codes with headers, dropped connections).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fakes import gitlab_graphql
from fakes.gitlab_data import OWNER, GitLabData
from fakes.gitlab_graphql import GraphQLSwitches
from fakes.gitlab_routes import Answer, HttpError, Query, route

GRAPHQL_PATH = "/api/graphql"


@dataclass
class Fault:
    status: int  # 0 drops the connection without an answer
    times: int
    path: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    query: Query


class FakeGitLab:
    """Serve `data` on 127.0.0.1; `url` is what the connector's base_url points at."""

    def __init__(self, data: GitLabData, token: str = "glpat-fake", external_url: str = "") -> None:
        self.data = data
        self.token = token
        self.owner = OWNER
        self.external_url = external_url
        self.requests: list[Seen] = []
        self.faults: list[Fault] = []
        self.after_request: Callable[[Seen], None] | None = None
        self.graphql = GraphQLSwitches()
        # Answer REST as older GitLab does: `web_url`s without `/-/`, no `references`.
        self.old_style = False
        self.latency = 0.0  # seconds each answer waits, to model a real API's round trip
        self.in_flight = self.most_in_flight = 0  # requests being answered at once
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeGitLab:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def inject(
        self, status: int, *, times: int = 1, path: str | None = None, **headers: str
    ) -> None:
        """The next `times` requests (whose path contains `path`) get `status` instead."""
        self.faults.append(
            Fault(status, times, path, {k.replace("_", "-"): v for k, v in headers.items()})
        )

    def count(self, path: str | None = None, method: str | None = None) -> int:
        return sum(
            1
            for seen in self.requests
            if (path is None or path in seen.path) and (method is None or seen.method == method)
        )

    def reset_counts(self) -> None:
        self.requests.clear()

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and (fault.path is None or fault.path in path):
                    fault.times -= 1
                    return fault
        return None

    def answer(self, path: str, query: Query) -> Answer:
        return route(self, path, query)

    def paginate(self, rows: list[dict[str, Any]], path: str, query: Query) -> Answer:
        per_page = min(100, max(1, int(query.get("per_page", "20"))))
        page = max(1, int(query.get("page", "1")))
        total = len(rows)
        pages = max(1, -(-total // per_page))
        chunk = rows[(page - 1) * per_page : page * per_page]
        base = (self.external_url or self.url) + path

        def link(number: int) -> str:
            return f"{base}?{urlencode({**query, 'page': number, 'per_page': per_page})}"

        links = [f'<{link(page - 1)}>; rel="prev"'] if page > 1 else []
        links += [f'<{link(page + 1)}>; rel="next"'] if page < pages else []
        links += [f'<{link(1)}>; rel="first"', f'<{link(pages)}>; rel="last"']
        headers = {
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Total": str(total),
            "X-Total-Pages": str(pages),
            "X-Next-Page": str(page + 1) if page < pages else "",
            "X-Prev-Page": str(page - 1) if page > 1 else "",
            "Link": ", ".join(links),
        }
        return 200, [_public(row) for row in chunk], headers


def aged(body: Any) -> Any:
    """A REST answer as an older GitLab gives it."""
    if isinstance(body, list):
        return [aged(row) for row in body]
    if not isinstance(body, dict):
        return body
    found = {k: aged(v) for k, v in body.items() if k != "references"}
    if isinstance(found.get("web_url"), str):
        found["web_url"] = found["web_url"].replace("/-/", "/")
    return found


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _handler(fake: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read `fake.requests`."""

        def do_GET(self) -> None:
            self.serve("GET")

        def do_POST(self) -> None:
            self.serve("POST")

        def serve(self, method: str) -> None:
            with fake.lock:
                fake.in_flight += 1
                fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
            try:
                if fake.latency:
                    time.sleep(fake.latency)  # each request on its own thread: they overlap
                self.answer(method)
            finally:
                with fake.lock:
                    fake.in_flight -= 1

        def answer(self, method: str) -> None:
            split = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen = Seen(method, split.path, query)
            with fake.lock:
                fake.requests.append(seen)
            fault = fake.take_fault(split.path)
            if fault is not None and fault.status == 0:
                self.close_connection = True
                self.connection.close()
                return
            if fault is not None:
                self.send(fault.status, {"message": f"{fault.status} fault"}, fault.headers)
                return
            if not self.authorized():
                self.send(401, {"message": "401 Unauthorized"}, {})
                return
            status, answer, headers = self.route(method, split.path, query, body)
            self.send(status, answer, headers)
            if fake.after_request is not None:
                fake.after_request(seen)

        def authorized(self) -> bool:
            bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
            return fake.token in (self.headers.get("PRIVATE-TOKEN"), bearer)

        def route(self, method: str, path: str, query: Query, body: bytes) -> Answer:
            if method == "POST" and path == GRAPHQL_PATH:
                status, answer = gitlab_graphql.answer(fake, json.loads(body or b"{}"))
                return status, answer, {}
            if method != "GET":
                return 404, {"message": "404 Not Found"}, {}
            try:
                status, answer, headers = fake.answer(path, query)
            except HttpError as exc:
                return exc.status, {"message": str(exc)}, {}
            return status, aged(answer) if fake.old_style else answer, headers

        def send(self, status: int, body: Any, headers: dict[str, str]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

    return Handler
