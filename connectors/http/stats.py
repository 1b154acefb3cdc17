"""What a source's HTTP cost: one meaning of requests, retries and waits for every source.

- `requests`: every HTTP attempt sent, retries and redirects included (what the server saw);
- `retries`: attempts sent again after a failure or a rate limit;
- `rate_limit_waits`: the retries among them that waited for a rate limit;
- `waited_seconds`: the time spent waiting before retries, backoffs and rate limits alike.

A stream's share is counted too: the pipeline opens `counting_into(stats)` around a stream,
and every count made in that context (worker threads included, when they copy it) lands
in both the source's totals and the stream's.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0
    rate_limit_waits: int = 0
    waited_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(
        self,
        *,
        requests: int = 0,
        retries: int = 0,
        rate_limit_waits: int = 0,
        waited_seconds: float = 0.0,
    ) -> None:
        """Add to these totals and to the current stream's, if one is counting."""
        for stats in self._targets():
            with stats._lock:  # several threads of one source may count at once
                stats.requests += requests
                stats.retries += retries
                stats.rate_limit_waits += rate_limit_waits
                stats.waited_seconds += waited_seconds

    def _targets(self) -> list[RequestStats]:
        stream = _STREAM.get()
        return [self] if stream is None or stream is self else [self, stream]

    def snapshot(self) -> RequestStats:
        with self._lock:
            return RequestStats(
                self.requests, self.retries, self.rate_limit_waits, self.waited_seconds
            )

    def since(self, earlier: RequestStats) -> RequestStats:
        now = self.snapshot()
        return RequestStats(
            now.requests - earlier.requests,
            now.retries - earlier.retries,
            now.rate_limit_waits - earlier.rate_limit_waits,
            now.waited_seconds - earlier.waited_seconds,
        )


_STREAM: contextvars.ContextVar[RequestStats | None] = contextvars.ContextVar(
    "growthmap_stream_stats", default=None
)


@contextmanager
def counting_into(stats: RequestStats) -> Iterator[RequestStats]:
    """Within this block (this thread, and threads started with a copy of its context),
    every request, retry and wait is also counted into `stats`."""
    token = _STREAM.set(stats)
    try:
        yield stats
    finally:
        _STREAM.reset(token)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    """Services a connector uses instead of reaching for globals, so tests can inject them.

    `sleep` is every wait a connector makes (backoffs, rate limits): the collector passes
    one that a stop signal ends at once, tests pass a recorder that never sleeps.
    """

    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = _utcnow
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("growthmap"))
