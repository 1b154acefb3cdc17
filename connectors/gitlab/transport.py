"""HTTP under python-gitlab: retries, rate-limit waits and request counting.

python-gitlab's own retry loop sleeps with `time.sleep`, trusts any `Retry-After`
however long, and cannot report what it waited. So the retrying happens one layer
down, in a requests backend handed to `gitlab.Gitlab(backend=...)`: every wait goes
through `Runtime.sleep` (tests inject a recorder), waits are bounded by
`max_rate_limit_wait`, retries by `max_retries`, and when it gives up it raises the
connector's own `RateLimited` / `SourceUnavailable`, which python-gitlab lets pass.
python-gitlab therefore never sees a retryable status, and its loop stays idle.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from gitlab._backends.requests_backend import RequestsBackend, RequestsResponse

from connectors.base import RequestStats, Runtime
from connectors.errors import (
    RateLimited,
    SourceUnavailable,
    Unreachable,
    connection_failure,
    no_connection,
)

TRANSIENT_STATUSES = frozenset([500, 502, 503, 504, *range(520, 531)])
NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
DEFAULT_RATE_LIMIT_WAIT = 60.0
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0


@dataclass
class RetryPolicy:
    """How the backend waits; shared with the connector so it can report the counts."""

    source: str
    max_retries: int
    max_rate_limit_wait: float
    runtime: Runtime
    stats: RequestStats

    def backoff(self, attempt: int) -> float:
        # Full jitter keeps many collectors started by one cron line from retrying in step.
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
        return float(ceiling / 2 + random.uniform(0, ceiling / 2))

    def wait(self, seconds: float) -> None:
        self.runtime.sleep(seconds)
        self.stats.waited_seconds += seconds


def rate_limit_wait(headers: Any, now: datetime) -> float:
    """Seconds to wait after a 429: `Retry-After` (seconds or HTTP date), else `RateLimit-Reset`."""
    retry_after = headers.get("Retry-After")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                return max(0.0, (parsedate_to_datetime(retry_after) - now).total_seconds())
            except (TypeError, ValueError):
                pass
    reset = headers.get("RateLimit-Reset")
    if reset:
        try:
            return max(0.0, float(reset) - now.timestamp())
        except ValueError:
            pass
    return DEFAULT_RATE_LIMIT_WAIT


class RetryingBackend(RequestsBackend):
    """A python-gitlab requests backend that retries under a `RetryPolicy`."""

    def __init__(self, session: requests.Session | None = None, *, policy: RetryPolicy) -> None:
        super().__init__(session)
        self.policy = policy

    def http_request(
        self,
        method: str,
        url: str,
        json: dict[str, Any] | bytes | None = None,
        data: dict[str, Any] | Any | None = None,
        params: Any | None = None,
        timeout: float | None = None,
        verify: bool | str | None = True,
        stream: bool | None = False,
        **kwargs: Any,
    ) -> RequestsResponse:
        policy = self.policy
        options: dict[str, Any] = {"json": json, "data": data, "params": params}
        options["timeout"] = timeout
        options |= {"verify": verify, "stream": stream, **kwargs}
        for attempt in range(policy.max_retries + 1):
            last = attempt == policy.max_retries
            try:
                result = super().http_request(method, url, **options)
            except NETWORK_ERRORS as exc:
                if last or isinstance(exc, requests.exceptions.SSLError):
                    raise self._unavailable(url, exc) from None
                self._retry(attempt, f"{type(exc).__name__} on {_path(url)}")
                continue
            status = result.status_code
            if status == 429:
                self._rate_limited(result, url, last)
                continue
            if status in TRANSIENT_STATUSES:
                if last:
                    raise self._unavailable(url, f"HTTP {status}")
                self._retry(attempt, f"HTTP {status} on {_path(url)}")
                continue
            if _cut_short(result):  # a JSON body cut short on the way: ask again
                if last:
                    raise self._unavailable(url, "a body that is not valid JSON")
                self._retry(attempt, f"unreadable JSON on {_path(url)}")
                continue
            return result
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _retry(self, attempt: int, what: str) -> None:
        policy = self.policy
        delay = policy.backoff(attempt)
        policy.stats.retries += 1
        policy.runtime.logger.info(
            "source %s: %s; retry %d of %d in %.1fs",
            policy.source,
            what,
            attempt + 1,
            policy.max_retries,
            delay,
        )
        policy.wait(delay)

    def _rate_limited(self, result: RequestsResponse, url: str, last: bool) -> None:
        policy = self.policy
        now = policy.runtime.now()
        delay = rate_limit_wait(result.headers, now)
        reset_at = now + timedelta(seconds=delay)
        if last or delay > policy.max_rate_limit_wait:
            raise RateLimited(
                f"source {policy.source}: GitLab rate limit on {_path(url)}; it resets at "
                f"{reset_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, beyond the allowed wait "
                f"(max_rate_limit_wait={policy.max_rate_limit_wait:g}s, "
                f"max_retries={policy.max_retries})",
                reset_at=reset_at,
            )
        policy.stats.retries += 1
        policy.stats.rate_limit_waits += 1
        policy.runtime.logger.warning(
            "source %s: GitLab rate limit on %s; waiting %.0fs", policy.source, _path(url), delay
        )
        policy.wait(delay)

    def _unavailable(self, url: str, failure: Exception | str) -> SourceUnavailable:
        policy = self.policy
        if isinstance(failure, Exception) and no_connection(failure):
            parts = urlsplit(url)
            said = connection_failure(f"{parts.scheme}://{parts.netloc}", failure)
            return Unreachable(f"source {policy.source}: {said}")
        what = failure if isinstance(failure, str) else type(failure).__name__
        return SourceUnavailable(
            f"source {policy.source}: GitLab kept failing on {_path(url)} ({what}) "
            f"after {policy.max_retries} retries"
        )


class TokenSafeSession(requests.Session):
    """requests drops `Authorization` when a redirect leads to another host, but not
    GitLab's own `PRIVATE-TOKEN` header: drop that too."""

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]
        old, new = response.request.url, prepared_request.url
        if self.should_strip_auth(old, new):  # type: ignore[no-untyped-call]
            prepared_request.headers.pop("PRIVATE-TOKEN", None)
            prepared_request.headers.pop("JOB-TOKEN", None)


def _cut_short(result: RequestsResponse) -> bool:
    if "json" not in result.headers.get("Content-Type", "") or not result.content:
        return False
    try:
        result.json()
    except ValueError:
        return True
    return False


def _path(url: str) -> str:
    """The URL's path only: the host is in the config, the query may be long."""
    return urlsplit(url).path or url


def backend_factory(policy: RetryPolicy) -> Callable[..., RetryingBackend]:
    """What `gitlab.Gitlab(backend=...)` calls with its leftover keyword arguments."""

    def build(**kwargs: Any) -> RetryingBackend:
        return RetryingBackend(kwargs.get("session") or TokenSafeSession(), policy=policy)

    return build
