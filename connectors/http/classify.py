"""What every HTTP API shares: 5xx and cut-short bodies are transient, 429 is a rate
limit, and `*RateLimit-Remaining: 0` warns that the next request would be refused.

GitHub, GitLab and Jira spell the rate-limit headers `x-ratelimit-*`, `RateLimit-*` and
`X-RateLimit-*`; their resets are epoch seconds (GitHub, GitLab) or ISO times (Jira Cloud).
An API's own classifier adds what only it does, and falls back to `classify_common`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import requests

from connectors.http.policy import OK, Verdict
from connectors.http.waits import header, reset_wait, retry_after

TRANSIENT_STATUSES = frozenset({500, 502, 503, 504, *range(520, 531)})
# Answers that suggest the request was too heavy for the server to finish in time.
TOO_HEAVY = frozenset({502, 504})


def classify_common(response: requests.Response, now: datetime) -> Verdict:
    status = response.status_code
    headers = response.headers
    if status == 429:
        return Verdict(rate_limited=True, wait=limit_wait(headers, now), reason="HTTP 429")
    if status in TRANSIENT_STATUSES:
        wait = retry_after(headers, now)
        return Verdict(
            retry=True, wait=wait, reason=f"HTTP {status}", smaller_page=status in TOO_HEAVY
        )
    if 200 <= status < 300 and cut_short(response):
        return Verdict(retry=True, reason="a JSON body cut short")
    reset = budget_reset(headers, now)
    return Verdict(budget_reset=reset) if reset is not None else OK


def limit_wait(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds a rate-limited answer asks to wait: `Retry-After`, else the reset time."""
    found = retry_after(headers, now)
    if found is not None:
        return found
    return reset_wait(_ratelimit(headers, "reset"), now)


def budget_reset(headers: Mapping[str, str], now: datetime) -> datetime | None:
    """When an emptied budget refills, if this answer spent its last request."""
    if _ratelimit(headers, "remaining") != "0":
        return None
    wait = reset_wait(_ratelimit(headers, "reset"), now)
    return now + timedelta(seconds=wait) if wait is not None else None


def _ratelimit(headers: Mapping[str, str], field: str) -> str | None:
    return header(headers, f"x-ratelimit-{field}") or header(headers, f"ratelimit-{field}")


def cut_short(response: requests.Response) -> bool:
    """A body that says it is JSON but does not parse: cut short on the way."""
    kind = response.headers.get("Content-Type", "")
    if "json" not in kind or not response.content:
        return False
    try:
        response.json()
    except ValueError:
        return True
    return False
