"""One retry and rate-limit policy for every source, on tenacity.

Each API supplies only a classifier (`ApiRules.classify`): which answers are transient
failures, which are rate limits and how long they ask to wait. Everything else is the same
for GitHub, GitLab and Jira: jittered exponential backoff, `Retry-After` in both forms,
waits bounded by `max_rate_limit_wait`, attempts by `max_retries`, every wait through
`Runtime.sleep` (tests never sleep; a stop signal ends a wait at once), and a typed error
from `connectors.errors` when it gives up.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import requests
import tenacity

from connectors.errors import (
    RateLimited,
    SourceUnavailable,
    Unreachable,
    connection_failure,
    no_connection,
)
from connectors.http.stats import RequestStats, Runtime

# Failures with no HTTP answer: resets, timeouts, bodies cut short, TLS, refused connections.
TRANSPORT_ERRORS = (requests.exceptions.RequestException, http.client.HTTPException, OSError)
DEFAULT_RATE_LIMIT_WAIT = 60.0  # a rate limit that names no wait: GitHub's documented advice
BACKOFF_MAX = 60.0


@dataclass(frozen=True)
class Verdict:
    """What an API's classifier says of one answer.

    `retry`: a transient failure, worth another attempt after a backoff (or `wait`).
    `rate_limited`: the API's limit; wait `wait` seconds (None: the API named no time).
    `smaller_page`: the failure suggests the request was too heavy (GitHub's 502 on a big
    GraphQL page); a caller that can shrink its page does so before the retry.
    `budget_reset`: the answer was fine but spent the last request of a budget that resets
    then; the next request to the same bucket waits for it instead of failing.
    `budget_bucket` names that bucket when the answer says which it was (GitHub's
    `x-ratelimit-resource`); else it is the one `ApiRules.bucket` gave the request's URL.
    """

    retry: bool = False
    rate_limited: bool = False
    wait: float | None = None
    reason: str = ""
    smaller_page: bool = False
    budget_reset: datetime | None = None
    budget_bucket: str | None = None

    @property
    def again(self) -> bool:
        return self.retry or self.rate_limited


OK = Verdict()
Classifier = Callable[[requests.Response, datetime], Verdict]


def _one_bucket(url: str) -> str:
    return "api"


@dataclass(frozen=True)
class ApiRules:
    """What differs between APIs: a name for messages, the classifier, rate-limit buckets."""

    name: str
    classify: Classifier
    bucket: Callable[[str], str] = _one_bucket


@dataclass(frozen=True)
class Limits:
    """A source's configured bounds."""

    max_retries: int = 5
    max_rate_limit_wait: float = 900.0


class _Again(Exception):
    """Internal: an attempt that is worth repeating after `delay` seconds."""

    def __init__(self, verdict: Verdict, delay: float | None, unreachable: str | None = None):
        super().__init__(verdict.reason)
        self.verdict = verdict
        self.delay = delay  # None: the backoff decides
        self.unreachable = unreachable  # set when no connection opened at all
        self.over = False  # no attempt is left for it


@dataclass
class _Tries:
    failures: int = 0
    rate_waits: int = 0


@dataclass
class RetryPolicy:
    """Runs one request's attempts for one source."""

    where: str  # "GitHub source 'work'": the start of every message
    base_url: str
    api: ApiRules
    limits: Limits
    runtime: Runtime
    stats: RequestStats
    timeout: float | None = None  # seconds per request, named when a request times out
    _exhausted: dict[str, datetime] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _backoff: tenacity.wait.wait_base = field(
        default_factory=lambda: tenacity.wait_random_exponential(
            multiplier=1, min=0.5, max=BACKOFF_MAX
        )
    )

    def run(
        self,
        send: Callable[[], requests.Response],
        *,
        url: str,
        what: str = "",
        on_retry: Callable[[Verdict], None] | None = None,
    ) -> requests.Response:
        """`send()` until it gives an answer the classifier accepts, or raise the typed error
        that says why not. `on_retry` sees each verdict before its retry (to shrink a page)."""
        what = what or f"a request to {_path(url)}"
        tries = _Tries()
        bucket = self.api.bucket(url)
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Again),
            stop=self._stop,
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=lambda state: self._before_sleep(state, what, on_retry),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    self._wait_for_budget(bucket, what)
                    try:
                        return self._attempt(send, bucket)
                    except _Again as again:
                        self._account(again, tries)
                        raise
        except _Again as last:
            raise self._give_up(last, what, tries) from None
        raise AssertionError("unreachable: tenacity returns or raises")

    # -- one attempt ------------------------------------------------------------------

    def _attempt(self, send: Callable[[], requests.Response], bucket: str) -> requests.Response:
        try:
            response = send()
        except requests.exceptions.SSLError as exc:  # a TLS mismatch does not heal
            raise Unreachable(f"{self.where}: {connection_failure(self.base_url, exc)}") from None
        except TRANSPORT_ERRORS as exc:
            said = connection_failure(self.base_url, exc) if no_connection(exc) else None
            raise _Again(Verdict(retry=True, reason=self._failure(exc)), None, said) from None
        now = self.runtime.now()
        verdict = self.api.classify(response, now)
        if verdict.budget_reset is not None:
            with self._lock:
                self._exhausted[verdict.budget_bucket or bucket] = verdict.budget_reset
        if not verdict.again:
            return response
        raise _Again(verdict, verdict.wait)

    def _failure(self, exc: BaseException) -> str:
        if isinstance(exc, requests.Timeout) and self.timeout is not None:
            return f"no answer within {self.timeout:g}s"
        return type(exc).__name__

    # -- tenacity's hooks ---------------------------------------------------------------

    def _account(self, again: _Again, tries: _Tries) -> None:
        """Count the failed attempt and settle its delay, once, before tenacity asks
        (whichever of `stop` and `wait` it asks first)."""
        if again.verdict.rate_limited:
            tries.rate_waits += 1
            again.delay = self._rate_wait(again, tries)
            again.over = tries.rate_waits > self.limits.max_retries or (
                again.delay > self.limits.max_rate_limit_wait
            )
        else:
            tries.failures += 1
            again.over = tries.failures > self.limits.max_retries

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        again = _last(state)
        return again is None or again.over

    def _rate_wait(self, again: _Again, tries: _Tries) -> float:
        if again.verdict.wait is not None:
            return max(1.0, again.verdict.wait)
        return float(DEFAULT_RATE_LIMIT_WAIT * 2 ** (tries.rate_waits - 1))  # back off on repeats

    def _wait(self, state: tenacity.RetryCallState) -> float:
        again = _last(state)
        if again is not None and again.delay is not None:
            return min(again.delay, BACKOFF_MAX) if again.verdict.retry else again.delay
        backoff: float = self._backoff(state)
        return backoff

    def _before_sleep(
        self,
        state: tenacity.RetryCallState,
        what: str,
        on_retry: Callable[[Verdict], None] | None,
    ) -> None:
        again = _last(state)
        seconds = state.upcoming_sleep
        limited = bool(again and again.verdict.rate_limited)
        self.stats.count(retries=1, rate_limit_waits=int(limited), waited_seconds=seconds)
        reason = again.verdict.reason if again else "?"
        if limited:
            until = self.runtime.now() + timedelta(seconds=seconds)
            self.runtime.logger.warning(
                "%s: %s rate limit during %s; waiting %.0f s until %s",
                self.where,
                self.api.name,
                what,
                seconds,
                until.astimezone(UTC).strftime("%H:%M:%S UTC"),
            )
        else:
            self.runtime.logger.info(
                "%s: %s failed (%s); retry %d in %.1f s",
                self.where,
                what,
                reason,
                state.attempt_number,
                seconds,
            )
        if on_retry is not None and again is not None:
            on_retry(again.verdict)

    def _sleep(self, seconds: float) -> None:
        self.runtime.sleep(seconds)

    # -- budgets and giving up ----------------------------------------------------------

    def _wait_for_budget(self, bucket: str, what: str) -> None:
        """A budget the last answer emptied: wait for its reset instead of failing."""
        with self._lock:
            reset = self._exhausted.pop(bucket, None)
        if reset is None:
            return
        seconds = (reset - self.runtime.now()).total_seconds()
        if seconds <= 0:
            return
        if seconds > self.limits.max_rate_limit_wait:
            raise self._rate_limit_error(what, reset)
        self.runtime.logger.warning(
            "%s: %s rate limit reached before %s; waiting %.0f s",
            self.where,
            self.api.name,
            what,
            seconds,
        )
        self.stats.count(rate_limit_waits=1, waited_seconds=seconds)
        self._sleep(seconds)

    def _give_up(self, last: _Again, what: str, tries: _Tries) -> Exception:
        if last.verdict.rate_limited:
            wait = last.delay if last.delay is not None else DEFAULT_RATE_LIMIT_WAIT
            return self._rate_limit_error(what, self.runtime.now() + timedelta(seconds=wait))
        if last.unreachable is not None:
            return Unreachable(f"{self.where}: {last.unreachable}")
        attempts = tries.failures + tries.rate_waits
        return SourceUnavailable(
            f"{self.where}: {what} kept failing ({last.verdict.reason}) after {attempts} attempts"
        )

    def _rate_limit_error(self, what: str, reset_at: datetime) -> RateLimited:
        return RateLimited(
            f"{self.where}: {self.api.name}'s rate limit stops {what} until "
            f"{reset_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, longer than "
            f"max_rate_limit_wait ({self.limits.max_rate_limit_wait:.0f} s) allows",
            reset_at=reset_at,
        )


def _last(state: tenacity.RetryCallState) -> _Again | None:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    return error if isinstance(error, _Again) else None


def _path(url: str) -> str:
    """A URL's path only: the host is in the config, and a query may be long (or private)."""
    return urlsplit(url).path or url
