"""A loopback fake of Jira Cloud or Jira Server / Data Center that the real `jira` client
talks to unchanged.

Serves serverInfo, myself, field, status and the search endpoint of each flavour (Cloud:
`/rest/api/{2,3}/search/jql` with `nextPageToken`, the retired `/search` answering 410;
Server: `/rest/api/2/search` with `startAt`), with `expand=changelog`; interprets a JQL
subset in the searching user's timezone (Cloud alone knows `statusCategoryChangedDate`
and returns `statuscategorychangedate`), checks credentials the way each flavour does,
counts requests and injects faults (429 with Retry-After, 5xx).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from fakes import jira_jql as jql
from fakes.jira_data import FakeIssue, FakeUser, field_catalog
from fakes.jira_render import JiraRendering
from fakes.server import Exchange, Fault, Faults, LoopbackServer, RequestLog

UNAUTHENTICATED = "Client must be authenticated to access this resource."
SEARCH_GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
_ANONYMOUS = object()


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    auth: str  # "basic", "bearer" or "none"
    body: Any = None


class FakeJira(JiraRendering, LoopbackServer):
    """One fake site. `deployment` is "cloud" or "server"; Server lives under `context`."""

    def __init__(
        self,
        deployment: str,
        users: list[FakeUser],
        issues: list[FakeIssue],
        *,
        now: datetime,
        projects: dict[str, str] | None = None,
        context: str = "",
        site_zone: str = "UTC",
    ) -> None:
        super().__init__()
        self.deployment = deployment
        self.users = users
        self.issues = issues
        self.now = now
        self.projects = projects or {i.project: i.project.title() for i in issues}
        self.context = context if deployment == "server" else ""
        self.site_zone = ZoneInfo(site_zone)
        self.requests: RequestLog[Recorded] = RequestLog()
        self.faults = Faults()
        self.cloud_page_cap = 100  # Cloud returns fewer rows than asked when fields are many
        self._snapshots: list[list[str]] = []
        for n, issue in enumerate(issues, start=10001):
            issue.id = issue.id or str(n)

    @property
    def base_url(self) -> str:
        return self.url + self.context

    # -- test controls ------------------------------------------------------------------

    def fail(
        self,
        path_contains: str,
        status: int,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """The next `times` requests whose path contains `path_contains` answer `status`
        (0 drops the connection)."""
        self.faults.append(Fault(status, path_contains, times, headers=headers or {}, body=body))

    def count(self, path_suffix: str = "") -> int:
        return self.requests.tally(suffix=path_suffix)

    def searches(self) -> list[Recorded]:
        return self.requests.matching("/search")

    # -- request handling ---------------------------------------------------------------

    def serve(self, exchange: Exchange, method: str) -> None:
        parts = urlsplit(exchange.path)
        path = parts.path.removeprefix(self.context)
        raw = exchange.read_body()
        body = json.loads(raw) if raw.strip() else None
        header = exchange.headers.get("Authorization", "")
        scheme = header.split(" ")[0].lower() if header else "none"
        self.requests.record(Recorded(method, path, parse_qs(parts.query), scheme, body))
        fault = self.faults.take(path)
        if fault is not None:
            _fail(exchange, fault)
            return
        who = self.authenticate(header)
        if who is None:
            self._refuse(exchange)
            return
        caller = who if isinstance(who, FakeUser) else None
        status, payload, headers = self.route(method, path, parse_qs(parts.query), body, caller)
        _send(exchange, status, payload, headers)

    def _refuse(self, exchange: Exchange) -> None:
        """The answer to a credential refused, as each flavour gives it."""
        if self.deployment == "cloud":  # a bearer Cloud cannot read as a Connect JWT
            _send(exchange, 403, {"error": "Failed to parse Connect Session Auth Token"}, {})
        else:
            headers = {"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}
            _send(exchange, 401, _errors(UNAUTHENTICATED), headers)

    def authenticate(self, header: str) -> FakeUser | object | None:
        """The user, `_ANONYMOUS` for no credential, None for a credential refused."""
        scheme, _, value = header.partition(" ")
        if not header:
            return _ANONYMOUS
        if scheme.lower() == "basic":
            try:
                login, _, secret = base64.b64decode(value).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            for user in self.users:
                if self.deployment == "cloud" and login == user.email and secret == user.secret:
                    return user
                if (
                    self.deployment == "server"
                    and login == user.account_id
                    and secret == user.password
                ):
                    return user
            # Cloud serves a refused Basic pair as an anonymous caller; Server refuses it.
            return _ANONYMOUS if self.deployment == "cloud" else None
        if scheme.lower() == "bearer" and self.deployment == "server":
            return next((u for u in self.users if u.secret == value), None)
        return None

    def route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: Any,
        caller: FakeUser | None,
    ) -> tuple[int, Any, dict[str, str]]:
        api, _, rest = path.partition("/rest/api/")
        version, _, endpoint = rest.partition("/")
        if api or version not in self._versions():
            return 404, {"errorMessages": [f"null for uri: {path}"]}, {}
        if endpoint == "serverInfo":
            return 200, self.server_info(), {}
        if endpoint == "myself":
            if caller is None:
                return 401, UNAUTHENTICATED, {}
            return 200, self.render_user(caller), {}
        if endpoint == "field":
            return 200, field_catalog(self.deployment), {}
        if endpoint == "status":
            return 200, self.statuses(), {}
        if self.deployment == "cloud" and endpoint == "search/jql":
            return self.search_cloud(method, query, body, caller, version)
        if endpoint == "search":
            if self.deployment == "cloud":
                return 410, {"errorMessages": [SEARCH_GONE], "errors": {}}, {}
            return self.search_server(method, query, body, caller)
        return 404, {"errorMessages": [f"null for uri: {path}"]}, {}

    def _versions(self) -> tuple[str, ...]:
        return ("2", "3") if self.deployment == "cloud" else ("2", "latest")

    # -- search -------------------------------------------------------------------------

    def run_jql(
        self, text: str, caller: FakeUser | None, validate: bool = True
    ) -> tuple[list[FakeIssue], list[str]]:
        zone = ZoneInfo(caller.time_zone) if caller else self.site_zone
        ctx = jql.Context(
            user=caller.account_id if caller else None,
            zone=zone,
            now=self.now,
            projects=set(self.projects),
            keys={i.key for i in self.issues},
            validate=validate,
        )
        query = jql.parse(text)
        jql.check(query, ctx, jql.known_fields(self.deployment))
        found = [i for i in self.issues if jql.matches(query.where, i, ctx, field_value)]
        for name, desc in reversed(query.order):  # stable sorts, last key first
            found.sort(key=partial(_sort_value, name), reverse=desc)
        return found, ctx.warnings

    def search_cloud(
        self,
        method: str,
        query: dict[str, list[str]],
        body: Any,
        caller: FakeUser | None,
        version: str,
    ) -> tuple[int, Any, dict[str, str]]:
        params = _params(method, query, body)
        text = str(params.get("jql") or "")
        token = params.get("nextPageToken")
        decoded = _decode_token(str(token), text, len(self._snapshots)) if token else (0, 0)
        if decoded is None:
            return 400, _errors("The provided next page token is invalid or expired."), {}
        token_id, offset = decoded
        wanted = _fields_param(params.get("fields"), default={"id"})
        limit = params.get("maxResults", 50)
        try:
            limit = int(limit)
        except (TypeError, ValueError):
            return 400, _errors(f"Failed to convert 'maxResults' with value: '{limit}'"), {}
        if not 1 <= limit <= 5000:
            return 400, _errors("The maxResults parameter must be between 1 and 5000."), {}
        if wanted - {"id", "key"}:
            limit = min(limit, self.cloud_page_cap)
        if not text.strip():
            return (
                400,
                _errors(
                    "Unbounded JQL queries are not allowed here. Please add a "
                    "search restriction to your query."
                ),
                {},
            )
        if token:
            # A token pages through the result as it was when the search began (a cursor),
            # so rows changing meanwhile neither shift nor repeat pages.
            snapshot = self._snapshots[token_id]
        else:
            try:
                found, _ = self.run_jql(text, caller)
            except jql.JqlError as err:
                return 400, {"errorMessages": err.messages, "errors": {}}, {}
            token_id = len(self._snapshots)
            snapshot = [i.key for i in found]
            self._snapshots.append(snapshot)
        by_key = {i.key: i for i in self.issues}
        page = [by_key[k] for k in snapshot[offset : offset + limit] if k in by_key]
        changelog = _expands_changelog(params)
        data: dict[str, Any] = {
            "issues": [self.render(i, wanted, caller, version == "3", changelog) for i in page]
        }
        if offset + limit < len(snapshot):
            data["nextPageToken"] = _encode_token(token_id, offset + limit, text)
            data["isLast"] = False
        else:
            data["isLast"] = True
        return 200, data, {}

    def search_server(
        self, method: str, query: dict[str, list[str]], body: Any, caller: FakeUser | None
    ) -> tuple[int, Any, dict[str, str]]:
        params = _params(method, query, body)
        text = str(params.get("jql") or "")
        try:
            start = max(int(params.get("startAt", 0)), 0)
            limit = min(max(int(params.get("maxResults", 50)), 0), 1000)
        except (TypeError, ValueError):
            return 400, _errors("startAt and maxResults must be numbers."), {}
        validate = str(params.get("validateQuery", "true")).lower() not in ("false", "none", "warn")
        wanted = _fields_param(params.get("fields"), default={"*navigable"})
        try:
            found, warnings = self.run_jql(text, caller, validate)
        except jql.JqlError as err:
            return 400, {"errorMessages": err.messages, "errors": {}}, {}
        page = found[start : start + limit]
        data = {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": limit,
            "total": len(found),
            "issues": [
                self.render(i, wanted, caller, False, _expands_changelog(params)) for i in page
            ],
        }
        if warnings:
            data["warningMessages"] = warnings
        return 200, data, {}


def field_value(issue: FakeIssue, name: str) -> Any:
    """A field's value for JQL: people by account id, dates as instants."""
    values: dict[str, Any] = {
        "assignee": issue.assignee,
        "assignee_history": [*issue.previous_assignees, issue.assignee],
        "status_history": [issue.created_status, *(c.after for c in issue.history())],
        "status_changes": issue.history(),
        "statuscategory": issue.category,
        "statuscategorychangeddate": issue.category_changed(),
        "status": issue.status,
        "resolved": issue.resolved,
        "resolutiondate": issue.resolved,
        "created": issue.created,
        "createddate": issue.created,
        "updated": issue.updated or issue.resolved or issue.created,
        "project": issue.project,
        "key": issue.key,
        "issuekey": issue.key,
        "issuetype": issue.issue_type,
        "type": issue.issue_type,
        "labels": issue.labels,
        "component": issue.components,
        "components": issue.components,
        "priority": issue.priority,
        "resolution": issue.resolution,
    }
    return values.get(name)


def _sort_value(name: str, issue: FakeIssue) -> tuple[bool, Any]:
    return _sortable(field_value(issue, name))


def _sortable(value: Any) -> tuple[bool, Any]:
    if isinstance(value, str) and "-" in value and value.split("-")[-1].isdigit():
        project, _, number = value.rpartition("-")
        return (False, (project, int(number)))
    return (value is None, value if value is not None else 0)


def _params(method: str, query: dict[str, list[str]], body: Any) -> dict[str, Any]:
    if method == "POST" and isinstance(body, dict):
        return dict(body)
    params: dict[str, Any] = {k: v[0] for k, v in query.items() if k != "fields"}
    if "fields" in query:
        params["fields"] = query["fields"]
    return params


def _expands_changelog(params: dict[str, Any]) -> bool:
    value = params.get("expand") or ""
    parts = value if isinstance(value, list) else str(value).split(",")
    return "changelog" in {str(p).strip() for p in parts}


def _fields_param(value: Any, default: set[str]) -> set[str]:
    if value is None:
        return set(default)
    items = value if isinstance(value, list) else [value]
    return {part.strip() for item in items for part in str(item).split(",") if part.strip()}


def _errors(*messages: str) -> dict[str, Any]:
    return {"errorMessages": list(messages), "errors": {}}


def _encode_token(snapshot: int, offset: int, text: str) -> str:
    digest = hashlib.sha1(text.encode()).hexdigest()[:12]
    raw = json.dumps({"s": snapshot, "o": offset, "q": digest}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, text: str, snapshots: int) -> tuple[int, int] | None:
    """(snapshot, offset) from a token issued for this same JQL, else None."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded))
        if data["q"] != hashlib.sha1(text.encode()).hexdigest()[:12]:
            return None
        if not 0 <= int(data["s"]) < snapshots:
            return None
        return int(data["s"]), int(data["o"])
    except (ValueError, KeyError, TypeError):
        return None


def _send(exchange: Exchange, status: int, payload: Any, headers: dict[str, str]) -> None:
    if isinstance(payload, str):
        data, kind = payload.encode(), "text/plain;charset=UTF-8"
    else:
        data, kind = json.dumps(payload).encode(), "application/json;charset=UTF-8"
    exchange.send(status, data, headers, kind)


def _fail(exchange: Exchange, fault: Fault) -> None:
    if fault.status == 0:
        exchange.drop()
        return
    body = _errors(f"Injected HTTP {fault.status}") if fault.body is None else fault.body
    _send(exchange, fault.status, body, fault.headers)
