"""A fake GitHub on loopback: the REST and GraphQL endpoints the connector uses, served
from a generated dataset, with real-looking headers, request counting and injectable
faults. PyGithub talks to it unchanged.

Layout follows GitHub Enterprise Server: REST under `/api/v3`, GraphQL at `/api/graphql`
(REST at `/` and GraphQL at `/graphql`, the github.com layout, are answered too).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from fakes.github_commits import search_commits
from fakes.github_data import WEB, Dataset
from fakes.github_graphql import execute, github_schema, iso
from fakes.github_rest import pull_routes, search_pr_json
from fakes.github_search import matching_issues, matching_prs, parse

FAULT_KINDS = (
    "502",
    "503",
    "504",
    "drop",
    "secondary",
    "secondary_no_header",
    "primary",
    "graphql_rate_limited",
    "incomplete",
    "bad_credentials",
)


@dataclass
class Fault:
    kind: str
    where: str = "any"  # "graphql", "rest", "search" or "any"
    skip: int = 0  # let this many matching requests pass first


@dataclass
class Seen:
    method: str
    path: str
    kind: str  # "graphql" or "rest"
    status: int
    body: Any = None


@dataclass
class FakeGitHub:
    dataset: Dataset
    clock: Callable[[], float] = time.time
    faults: list[Fault] = field(default_factory=list)
    log: list[Seen] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    remaining: int = 5000
    latency: float = 0.0  # seconds each answer waits, to model a real API's round trip
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        fake = self
        github_schema()  # built once per process, before a client's short timeout runs

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def root(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.root + "/api/v3"

    def inject(self, kind: str, where: str = "any", *, times: int = 1, skip: int = 0) -> None:
        assert kind in FAULT_KINDS, kind
        for _ in range(times):
            self.faults.append(Fault(kind, where, skip))

    @property
    def requests(self) -> int:
        return len(self.log)

    def take_fault(self, kind: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.where not in ("any", kind) and not (
                    fault.where == "search" and "/search/" in path
                ):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                self.faults.remove(fault)
                return fault
        return None

    def rate_headers(self, resource: str, remaining: int | None = None) -> dict[str, str]:
        with self._lock:
            self.remaining = max(0, self.remaining - 1)
            left = self.remaining if remaining is None else remaining
        reset = int(self.clock()) + 3600
        return {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": str(left),
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-used": str(5000 - left),
            "x-ratelimit-resource": resource,
            "x-github-media-type": "github.v3; format=json",
            "x-github-request-id": f"FAKE:{len(self.log):08d}",
        }


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeGitHub
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is in `FakeGitHub.log`."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        if self.server_fake.latency:
            time.sleep(self.server_fake.latency)  # each request on its own thread: they overlap
        try:
            self._answer(method)
        except Exception as exc:  # a bug in the fake: answer 500 and keep it for the test
            self.server_fake.errors.append(repr(exc))
            self._reply(500, {}, {"message": "fake GitHub failed: " + repr(exc)})

    def _answer(self, method: str) -> None:
        fake = self.server_fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urlparse(self.path).path
        kind = "graphql" if path.endswith("/graphql") else "rest"
        resource = "graphql" if kind == "graphql" else ("search" if "/search/" in path else "core")
        login = self._login()
        fault = fake.take_fault(kind, path)
        if fault is not None and fault.kind == "drop":
            fake.log.append(Seen(method, self.path, kind, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if fault is not None and fault.kind != "incomplete":
            status, headers, body = _fault_response(fault.kind, fake, resource)
        elif login is None:
            status, headers, body = (
                401,
                {},
                {
                    "message": "Bad credentials",
                    "documentation_url": "https://docs.github.com/rest",
                    "status": "401",
                },
            )
        elif kind == "graphql" and method == "POST":
            request = json.loads(raw or b"{}")
            status, headers = 200, fake.rate_headers(resource)
            body = execute(
                fake.dataset, login, request.get("query", ""), request.get("variables") or {}
            )
        else:
            status, headers, body = _rest(fake, method, self.path, login, fault)
            headers = {**fake.rate_headers(resource), **headers}
        fake.log.append(Seen(method, self.path, kind, status, json.loads(raw) if raw else None))
        self._reply(status, headers, body)

    def _login(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() not in ("token", "bearer"):
            return None
        return self.server_fake.dataset.tokens.get(token)

    def _reply(self, status: int, headers: dict[str, str], body: Any) -> None:
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _fault_response(kind: str, fake: FakeGitHub, resource: str) -> tuple[int, dict[str, str], Any]:
    if kind in ("502", "503", "504"):
        return (
            int(kind),
            {},
            b"<html><body><h1>" + kind.encode() + b" Server Error</h1></body></html>",
        )
    if kind in ("secondary", "secondary_no_header"):
        headers = fake.rate_headers(resource)
        if kind == "secondary":
            headers["retry-after"] = "30"
        return (
            403,
            headers,
            {
                "message": "You have exceeded a secondary rate limit. "
                "Please wait a few minutes before you try again.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            },
        )
    headers = fake.rate_headers(resource, remaining=0)
    headers["x-ratelimit-reset"] = str(int(fake.clock()) + 120)
    if kind == "primary":
        return (
            403,
            headers,
            {
                "message": "API rate limit exceeded for user ID 1.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            },
        )
    if kind == "graphql_rate_limited":
        return (
            200,
            headers,
            {
                "errors": [
                    {"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}
                ]
            },
        )
    return (
        401,
        {},
        {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
    )


def _rest(
    fake: FakeGitHub, method: str, target: str, login: str, fault: Fault | None
) -> tuple[int, dict[str, str], Any]:
    url = urlparse(target)
    path = url.path.removeprefix("/api/v3")
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    parts = path.strip("/").split("/")
    if method == "GET" and path == "/user":
        return 200, {}, {"login": login, "id": fake.dataset.users[login], "type": "User"}
    if method == "GET" and path == "/search/issues":
        return _search_issues(fake, url.path, query, incomplete=fault is not None)
    if method == "GET" and path == "/search/commits":
        return search_commits(fake.dataset, fake.root, url.path, query)
    if method == "GET" and len(parts) == 5 and parts[0] == "repos" and parts[3] == "commits":
        return _commit(fake, f"{parts[1]}/{parts[2]}", parts[4])
    if method == "GET":
        answer = pull_routes(fake.dataset, fake.base_url, path, query, login)
        if answer is not None:
            return answer
    return 404, {}, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def _commit(fake: FakeGitHub, repo: str, oid: str) -> tuple[int, dict[str, str], Any]:
    if not fake.dataset.visible(repo):
        return (
            404,
            {},
            {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"},
        )
    for c in fake.dataset.commits:
        if c.repo == repo and c.oid == oid:
            files = [
                {"filename": f, "status": "modified", "additions": 3, "deletions": 1, "changes": 4}
                for f in c.files
            ]
            person = {
                "name": c.author,
                "email": f"{c.author}@example.com",
                "date": iso(c.committed),
            }
            return (
                200,
                {},
                {
                    "sha": c.oid,
                    "html_url": f"{WEB}/{repo}/commit/{c.oid}",
                    "commit": {"author": person, "committer": person, "message": c.message},
                    "author": {"login": c.author},
                    "files": files,
                    "stats": {
                        "additions": 3 * len(files),
                        "deletions": len(files),
                        "total": 4 * len(files),
                    },
                },
            )
    return 422, {}, {"message": f"No commit found for SHA: {oid}"}


def _search_issues(
    fake: FakeGitHub, path: str, query: dict[str, str], *, incomplete: bool
) -> tuple[int, dict[str, str], Any]:
    per_page = min(int(query.get("per_page", 30)), 100)
    page = int(query.get("page", 1))
    q, sort, order = query.get("q", ""), query.get("sort", "updated"), query.get("order", "desc")
    prs = any(k == "is" and v in ("pr", "pull-request") for _, k, v in parse(q)[0])
    found: list[Any] = (
        matching_prs(fake.dataset, f"{q} sort:{sort}-{order}")
        if prs
        else matching_issues(fake.dataset, q, sort, order)
    )
    if (page - 1) * per_page >= 1000:
        return 422, {}, {"message": "Only the first 1000 search results are available"}
    chunk = found[: min(len(found), 1000)][(page - 1) * per_page : page * per_page]
    if incomplete:
        chunk = chunk[: len(chunk) // 2]
    headers: dict[str, str] = {}
    last = max(1, -(-min(len(found), 1000) // per_page))
    links = []
    if page < last:
        links.append(f'<{fake.root}{path}?{urlencode({**query, "page": page + 1})}>; rel="next"')
        links.append(f'<{fake.root}{path}?{urlencode({**query, "page": last})}>; rel="last"')
    if links:
        headers["Link"] = ", ".join(links)
    items = [
        search_pr_json(i, fake.base_url)
        if prs
        else {
            "number": i.number,
            "title": i.title,
            "body": f"Details of {i.title}",
            "html_url": f"{WEB}/{i.repo}/issues/{i.number}",
            "url": f"{fake.base_url}/repos/{i.repo}/issues/{i.number}",
            "state": "closed" if i.closed else "open",
            "state_reason": "completed" if i.closed else None,
            "user": {"login": i.author},
            "assignees": [{"login": a} for a in i.assignees],
            "labels": [{"name": "bug"}],
            "comments": 2,
            "created_at": iso(i.created),
            "updated_at": iso(i.updated),
            "closed_at": iso(i.closed),
        }
        for i in chunk
    ]
    return (
        200,
        headers,
        {"total_count": len(found), "incomplete_results": incomplete, "items": items},
    )
