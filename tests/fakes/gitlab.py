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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fakes import gitlab_graphql
from fakes.gitlab_data import OWNER, GitLabData
from fakes.gitlab_graphql import GraphQLSwitches
from fakes.gitlab_routes import Answer, HttpError, Query, route
from fakes.server import Exchange, Fault, Faults, LoopbackServer, RequestLog

GRAPHQL_PATH = "/api/graphql"


@dataclass
class Seen:
    method: str
    path: str
    query: Query


class FakeGitLab(LoopbackServer):
    """Serve `data` on 127.0.0.1; `url` is what the connector's base_url points at."""

    def __init__(self, data: GitLabData, token: str = "glpat-fake", external_url: str = "") -> None:
        super().__init__()
        self.data = data
        self.token = token
        self.owner = OWNER
        self.external_url = external_url
        self.requests: RequestLog[Seen] = RequestLog()
        self.faults = Faults()
        self.after_request: Callable[[Seen], None] | None = None
        self.graphql = GraphQLSwitches()
        # Answer REST as older GitLab does: `web_url`s without `/-/`, no `references`.
        self.old_style = False

    def inject(
        self, status: int, *, times: int = 1, path: str | None = None, **headers: str
    ) -> None:
        """The next `times` requests (whose path contains `path`) get `status` instead;
        status 0 drops the connection."""
        self.faults.append(
            Fault(
                status,
                path or "",
                times,
                headers={k.replace("_", "-"): v for k, v in headers.items()},
            )
        )

    def count(self, path: str | None = None, method: str | None = None) -> int:
        return self.requests.tally(path, method=method)

    def reset_counts(self) -> None:
        self.requests.clear()

    def serve(self, exchange: Exchange, method: str) -> None:
        split = urlsplit(exchange.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        body = exchange.read_body()
        seen = Seen(method, split.path, query)
        self.requests.record(seen)
        fault = self.faults.take(split.path)
        if fault is not None and fault.status == 0:
            exchange.drop()
            return
        if fault is not None:
            _send(exchange, fault.status, {"message": f"{fault.status} fault"}, fault.headers)
            return
        if not self._authorized(exchange):
            _send(exchange, 401, {"message": "401 Unauthorized"}, {})
            return
        status, answer, headers = self._route(method, split.path, query, body)
        _send(exchange, status, answer, headers)
        if self.after_request is not None:
            self.after_request(seen)

    def _authorized(self, exchange: Exchange) -> bool:
        bearer = exchange.headers.get("Authorization", "").removeprefix("Bearer ")
        return self.token in (exchange.headers.get("PRIVATE-TOKEN"), bearer)

    def _route(self, method: str, path: str, query: Query, body: bytes) -> Answer:
        if method == "POST" and path == GRAPHQL_PATH:
            status, answer = gitlab_graphql.answer(self, json.loads(body or b"{}"))
            return status, answer, {}
        if method != "GET":
            return 404, {"message": "404 Not Found"}, {}
        try:
            status, answer, headers = self.answer(path, query)
        except HttpError as exc:
            return exc.status, {"message": str(exc)}, {}
        return status, aged(answer) if self.old_style else answer, headers

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


def _send(exchange: Exchange, status: int, body: Any, headers: dict[str, str]) -> None:
    exchange.send(status, json.dumps(body).encode(), headers, "application/json")
