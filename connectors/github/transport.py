"""HTTP to GitHub through PyGithub's requester, with our own retries and rate-limit waits.

PyGithub is built with `retry=None` (no urllib3 retries) and `seconds_between_requests=None`
(no fixed 0.25 s pause): the connector runs one request at a time and decides itself when
to retry and how long to wait, through `runtime.sleep`, so that every attempt is counted,
waits are bounded by `max_rate_limit_wait`, tests never sleep, and GraphQL's HTTP-200
`RATE_LIMITED` answers (which no HTTP-level retry sees) are handled like any rate limit.
We call `requester.requestJson`, not `graphql_query`, because the latter raises on any
`errors` entry and drops the partial `data` that comes with it.
"""

from __future__ import annotations

import http.client
import json
import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from github import Auth, Github

from connectors.base import RequestStats, Runtime
from connectors.errors import (
    AuthError,
    ConfigProblem,
    ConnectorError,
    NotFound,
    RateLimited,
    SourceUnavailable,
    Unreachable,
    connection_failure,
    no_connection,
)
from connectors.github.config import GitHubConfig

# Failures worth another attempt: timeouts, resets, truncated bodies, PyGithub's RetryError.
_TRANSIENT_EXCEPTIONS = (requests.exceptions.RequestException, http.client.HTTPException, OSError)
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
_MAX_PRIMARY_WAITS = 3
_SECONDARY_DEFAULT_WAIT = 60.0
_MIN_PAGE = 5


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    data: Any
    errors: list[dict[str, Any]] = field(default_factory=list)


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying after `wait` seconds."""

    def __init__(
        self,
        reason: str,
        *,
        wait: float | None = None,
        bad_gateway: bool = False,
        unreachable: str | None = None,
    ):
        super().__init__(reason)
        self.wait = wait
        self.bad_gateway = bad_gateway
        self.unreachable = unreachable  # set when no connection opened at all


class _RateLimit(Exception):
    """Internal: a rate limit; `primary` waits for `reset_at`, else `retry_after`."""

    def __init__(self, primary: bool, reset_at: datetime | None, retry_after: float | None):
        super().__init__("rate limited")
        self.primary = primary
        self.reset_at = reset_at
        self.retry_after = retry_after


class GitHubTransport:
    """Sends REST and GraphQL requests for one source; translates failures to the error tree."""

    def __init__(
        self, config: GitHubConfig, token: str, runtime: Runtime, stats: RequestStats
    ) -> None:
        self.config = config
        self.runtime = runtime
        self.stats = stats
        self.page_size = config.page_size
        self._page_scale = 1
        self._exhausted: dict[str, datetime] = {}
        self._random = random.Random()
        # PyGithub asserts an int timeout; round up so a 0.5 s setting still means "short".
        self._github = Github(
            auth=Auth.Token(token),
            base_url=config.base_url,
            timeout=max(1, math.ceil(config.timeout)),
            per_page=100,
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        self._requester = self._github.requester

    @property
    def graphql_url(self) -> str:
        url: str = self._requester.graphql_url
        return url

    def close(self) -> None:
        self._github.close()

    def where(self) -> str:
        return f"GitHub source {self.config.name!r}"

    # -- public verbs ------------------------------------------------------------------

    def rest(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> Response:
        """GET a REST path (relative to base_url, or an absolute `Link` URL).

        An absolute URL is cut back to its path under base_url, so the request always goes
        to the configured host (with its port spelling), never with the token elsewhere.
        """
        return self._send(
            "GET", self._relative(path), dict(params or {}), None, what=what, paged_var=None
        )

    def _relative(self, url: str) -> str:
        if url.startswith("/"):
            return url
        parts = urlsplit(url)
        prefix = urlsplit(self.config.base_url).path.rstrip("/")
        path = parts.path.removeprefix(prefix) if prefix else parts.path
        return path + (f"?{parts.query}" if parts.query else "")

    def graphql(
        self,
        query: str,
        variables: dict[str, Any],
        *,
        what: str,
        paged: bool = False,
        page_scale: int = 1,
    ) -> Response:
        """POST a GraphQL query; `paged` queries take `$first` from the (shrinkable) page size,
        times `page_scale` for light queries (at most 100, GitHub's limit).

        Returns data and errors; errors other than rate limits are the caller's to judge
        (a repository that cannot be read comes back as null + NOT_FOUND/FORBIDDEN).
        """
        body = {"query": query, "variables": variables}
        paged_var = "first" if paged else None
        self._page_scale = page_scale
        raw = self._send("POST", self.graphql_url, {}, body, what=what, paged_var=paged_var)
        data = raw.data.get("data") if isinstance(raw.data, dict) else None
        return Response(raw.status, raw.headers, data, raw.errors)

    # -- the retry loop ----------------------------------------------------------------

    def _send(
        self,
        verb: str,
        url: str,
        params: dict[str, Any],
        body: dict[str, Any] | None,
        *,
        what: str,
        paged_var: str | None,
    ) -> Response:
        failures = 0
        primary_waits = 0
        secondary_hits = 0
        while True:
            if body is not None and paged_var is not None:
                body["variables"][paged_var] = min(100, self.page_size * self._page_scale)
            self._wait_if_exhausted(url, what)
            try:
                return self._attempt(verb, url, params, body, what)
            except _RateLimit as limit:
                if limit.primary:
                    primary_waits += 1
                    if primary_waits > _MAX_PRIMARY_WAITS:
                        raise self._rate_limited(what, limit.reset_at) from None
                    self._wait_primary(limit.reset_at, what)
                    self._exhausted.pop(_resource(url, {}), None)
                else:
                    failures += 1
                    secondary_hits += 1
                    self._give_up_if(failures, what, "secondary rate limit", rate=True)
                    self._wait_secondary(limit.retry_after, secondary_hits, what)
            except _Retry as retry:
                failures += 1
                if retry.unreachable is not None and failures > self.config.max_retries:
                    raise Unreachable(f"{self.where()}: {retry.unreachable}") from None
                self._give_up_if(failures, what, str(retry))
                if retry.bad_gateway and paged_var is not None:
                    self.page_size = max(_MIN_PAGE, self.page_size // 2)
                self._backoff(failures, what, str(retry), retry.wait)

    def _attempt(
        self, verb: str, url: str, params: dict[str, Any], body: dict[str, Any] | None, what: str
    ) -> Response:
        self.stats.requests += 1
        try:
            status, headers, text = self._requester.requestJson(verb, url, params, None, body)
        except _TRANSIENT_EXCEPTIONS as exc:
            raise self._transport_failure(exc) from None
        headers = {str(k).lower(): str(v) for k, v in headers.items()}
        self._note_budget(url, headers)
        return self._classify(status, headers, text, what, url)

    def _transport_failure(self, exc: BaseException) -> _Retry | Unreachable:
        """A request that got no HTTP answer: worth retrying, except a TLS mismatch."""
        if isinstance(exc, requests.exceptions.SSLError):
            return Unreachable(f"{self.where()}: {connection_failure(self.config.base_url, exc)}")
        if no_connection(exc):
            return _Retry(
                type(exc).__name__, unreachable=connection_failure(self.config.base_url, exc)
            )
        return _Retry(type(exc).__name__)

    def _classify(
        self, status: int, headers: dict[str, str], text: str, what: str, url: str
    ) -> Response:
        try:
            payload: Any = json.loads(text) if text else {}
        except ValueError:
            if status < 400 or status in _RETRY_STATUSES:
                raise _Retry(f"HTTP {status}, unreadable body", bad_gateway=status == 502) from None
            payload = {}
        if 200 <= status < 300:
            return self._success(status, headers, payload)
        message = payload.get("message", "") if isinstance(payload, dict) else ""
        if status in (403, 429):
            self._raise_if_rate_limited(status, headers, message)
        if status in _RETRY_STATUSES:
            raise _Retry(f"HTTP {status}", bad_gateway=status == 502)
        raise self._http_error(status, message, what, url)

    def _success(self, status: int, headers: dict[str, str], payload: Any) -> Response:
        if not isinstance(payload, dict) or "errors" not in payload:
            return Response(status, headers, payload)
        errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
        kinds = [str(e.get("type") or "").upper() for e in errors]
        if any("RATE_LIMIT" in k for k in kinds):
            secondary = any("SECONDARY" in k for k in kinds) and "retry-after" in headers
            raise _RateLimit(not secondary, _reset_at(headers), _retry_after(headers))
        if payload.get("data") is None:
            # GitHub answers a query that timed out on its side with 200, errors, no data:
            # retry with a smaller page, as after a 502.
            raise _Retry("GraphQL answered without data: " + _messages(errors), bad_gateway=True)
        return Response(status, headers, payload, errors)

    def _raise_if_rate_limited(self, status: int, headers: dict[str, str], message: str) -> None:
        lowered = message.lower()
        if headers.get("x-ratelimit-remaining") == "0" and "secondary" not in lowered:
            raise _RateLimit(True, _reset_at(headers), _retry_after(headers))
        if "retry-after" in headers or status == 429 or "rate limit" in lowered:
            raise _RateLimit(False, _reset_at(headers), _retry_after(headers))

    def _http_error(self, status: int, message: str, what: str, url: str) -> ConnectorError:
        detail = f"{self.where()}: {what} failed with HTTP {status}"
        if message:
            detail += f" ({message})"
        if status == 401:
            return AuthError(f"{self.where()}: GitHub rejected the token (HTTP 401)")
        if status == 404 or (status == 403 and "/repos/" in url):
            return NotFound(detail)
        if status == 403:
            return AuthError(detail, hint="the token lacks a scope or SSO authorization for this")
        if status == 422:
            return ConfigProblem(
                detail, hint="check `login`, `repos` and `orgs` in this source's config"
            )
        return SourceUnavailable(detail)

    # -- waiting -----------------------------------------------------------------------

    def _note_budget(self, url: str, headers: Mapping[str, str]) -> None:
        """Remember an exhausted budget so the next request waits instead of failing."""
        reset = _reset_at(headers)
        if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
            self._exhausted[_resource(url, headers)] = reset

    def _wait_if_exhausted(self, url: str, what: str) -> None:
        reset = self._exhausted.pop(_resource(url, {}), None)
        if reset is not None and reset > self.runtime.now():
            self._wait_primary(reset, what)

    def _wait_primary(self, reset_at: datetime | None, what: str) -> None:
        now = self.runtime.now()
        wait = (reset_at - now).total_seconds() + 1 if reset_at else _SECONDARY_DEFAULT_WAIT
        wait = max(wait, 1.0)
        if wait > self.config.max_rate_limit_wait:
            raise self._rate_limited(what, reset_at or now + timedelta(seconds=wait))
        self.runtime.logger.warning(
            "%s: rate limit reached during %s; waiting %.0f s until %s",
            self.where(),
            what,
            wait,
            (now + timedelta(seconds=wait)).strftime("%H:%M:%S UTC"),
        )
        self._sleep(wait, rate=True)

    def _wait_secondary(self, retry_after: float | None, hits: int, what: str) -> None:
        if retry_after is not None:
            wait = max(retry_after, 1.0)
        else:
            wait = _SECONDARY_DEFAULT_WAIT * 2 ** (hits - 1)  # back off on repeats
        if wait > self.config.max_rate_limit_wait:
            raise self._rate_limited(what, self.runtime.now() + timedelta(seconds=wait))
        self.runtime.logger.warning(
            "%s: secondary rate limit during %s; waiting %.0f s", self.where(), what, wait
        )
        self._sleep(wait, rate=True)

    def _backoff(self, failures: int, what: str, reason: str, wait: float | None) -> None:
        base = wait if wait is not None else min(60.0, 2.0 ** (failures - 1))
        delay = base * (0.5 + self._random.random() / 2)  # jitter: spread retrying clients
        self.runtime.logger.info(
            "%s: %s failed (%s); retry %d in %.1f s", self.where(), what, reason, failures, delay
        )
        self._sleep(delay, rate=False)

    def _sleep(self, seconds: float, *, rate: bool) -> None:
        self.stats.retries += 1
        if rate:
            self.stats.rate_limit_waits += 1
        self.stats.waited_seconds += seconds
        self.runtime.sleep(seconds)

    def _give_up_if(self, failures: int, what: str, reason: str, *, rate: bool = False) -> None:
        if failures <= self.config.max_retries:
            return
        if rate:
            raise self._rate_limited(what, None)
        raise SourceUnavailable(
            f"{self.where()}: {what} kept failing ({reason}) after {failures} attempts"
        )

    def _rate_limited(self, what: str, reset_at: datetime | None) -> RateLimited:
        when = f" until {reset_at:%Y-%m-%d %H:%M:%S} UTC" if reset_at else ""
        return RateLimited(
            f"{self.where()}: GitHub's rate limit stops {what}{when}, longer than "
            f"max_rate_limit_wait ({self.config.max_rate_limit_wait:.0f} s) allows",
            reset_at=reset_at,
        )


def _reset_at(headers: Mapping[str, str]) -> datetime | None:
    value = headers.get("x-ratelimit-reset")
    try:
        return datetime.fromtimestamp(int(float(value)), UTC) if value else None
    except (ValueError, OverflowError):
        return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _resource(url: str, headers: Mapping[str, str]) -> str:
    """GitHub keeps separate budgets for REST, search and GraphQL."""
    if "x-ratelimit-resource" in headers:
        return headers["x-ratelimit-resource"]
    if re.search(r"/graphql$", url):
        return "graphql"
    return "search" if "/search/" in url else "core"


def _messages(errors: list[dict[str, Any]]) -> str:
    return "; ".join(str(e.get("message", "?")) for e in errors)[:300]
