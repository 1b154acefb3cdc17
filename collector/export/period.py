"""The period an export covers: `--since/--until`, `--cycle N` or `--quarter 2026Q4`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from collector.core.errors import UsageError
from collector.core.settings_model import Cycle
from collector.core.timeparse import parse_quarter, parse_when
from collector.progress.weeks import date_label, local_date, local_midnight


@dataclass(frozen=True)
class Period:
    """[since, until) in UTC; None on a side means open. `first`/`last` are the local dates
    shown (the last day inside the period)."""

    label: str
    since: datetime | None
    until: datetime | None
    first: date | None
    last: date | None

    def text(self) -> str:
        if self.first is None and self.last is None:
            return "all evidence"
        first = date_label(self.first) if self.first else "the beginning"
        last = date_label(self.last) if self.last else "now"
        span = f"{first} – {last}"
        return f"{self.label} ({span})" if self.label else span


def quarter_period(text: str, zone: ZoneInfo) -> Period:
    year, number = parse_quarter(text, option="--quarter")
    first = date(year, 3 * number - 2, 1)
    after = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return _days(f"{year}Q{number}", first, after - timedelta(days=1), zone)


def cycle_period(cycles: list[Cycle], number: int, zone: ZoneInfo) -> Period:
    if not cycles:
        raise UsageError("--cycle: no learning cycle in the config ([[growth_map.cycles]])")
    if not 1 <= number <= len(cycles):
        raise UsageError(
            f"--cycle {number}: there is no such cycle; the config defines "
            f"{len(cycles)} (1 = the first)"
        )
    cycle = cycles[number - 1]
    return _days(f"cycle {number}", cycle.start, cycle.end, zone)


def _days(label: str, first: date, last: date, zone: ZoneInfo) -> Period:
    since = local_midnight(first, zone)
    until = local_midnight(last + timedelta(days=1), zone)
    return Period(label, since, until, first, last)


def resolve_period(
    *,
    since: str | None,
    until: str | None,
    cycle: int | None,
    quarter: str | None,
    cycles: list[Cycle],
    zone: ZoneInfo,
    now: datetime,
) -> Period:
    """One way of naming the period at a time; none means all evidence."""
    given = (
        ("--since/--until", since is not None or until is not None),
        ("--cycle", cycle is not None),
        ("--quarter", quarter is not None),
    )
    named = [name for name, present in given if present]
    if len(named) > 1:
        raise UsageError(f"give one period: {' or '.join(named)}, not several")
    if quarter:
        return quarter_period(quarter, zone)
    if cycle is not None:
        return cycle_period(cycles, cycle, zone)
    start = parse_when(since, now=now, tz=zone, option="--since") if since else None
    end = parse_when(until, now=now, tz=zone, option="--until") if until else None
    if start is not None and end is not None and end <= start:
        raise UsageError("--until must be later than --since")
    first = local_date(start, zone) if start else None
    # `until` is exclusive: the last day shown is the one before it (unless it is mid-day).
    last = local_date(end - timedelta(microseconds=1), zone) if end else None
    return Period("", start, end, first, last)
