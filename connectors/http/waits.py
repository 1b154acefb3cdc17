"""How long a server asks a client to wait, from the headers every API spells its own way."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# A reset further away than this is not a wait but a broken header (or a clock years off).
_LONGEST_PLAUSIBLE = 7 * 86_400.0
RESET_MARGIN = 1.0


def retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds from `Retry-After` (RFC 9110: delta-seconds or an HTTP-date); None if absent
    or unreadable."""
    value = _header(headers, "retry-after")
    if value is None:
        return None
    try:
        return _plausible(float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return _plausible(_seconds_between(now, when))


def reset_wait(value: str | None, now: datetime) -> float | None:
    """Seconds to wait for a rate limit's reset: epoch seconds (GitHub's
    `x-ratelimit-reset`, GitLab's `RateLimit-Reset`) or an ISO 8601 time (Jira Cloud's
    `X-RateLimit-Reset`), plus a second: resets are whole seconds and clocks differ, so a
    request exactly at the reset may still be early."""
    if not value:
        return None
    try:
        when = datetime.fromtimestamp(float(value), UTC)
    except (ValueError, OverflowError, OSError):
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    seconds = _plausible(_seconds_between(now, when))
    return seconds + RESET_MARGIN if seconds is not None else None


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value whatever its spelling (requests' headers are case-insensitive,
    plain dicts from tests are not)."""
    return _header(headers, name)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    value = str(value).strip() if value is not None else None
    return value or None


def _seconds_between(now: datetime, when: datetime) -> float:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - now).total_seconds()


def _plausible(seconds: float) -> float | None:
    if math.isnan(seconds) or seconds > _LONGEST_PLAUSIBLE:  # or years away
        return None
    return max(0.0, seconds)
