"""Durations ("1h30m") and the two kinds of schedule: a fixed interval or a cron expression."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from collector.schedule.cron import CronExpr

_PART = re.compile(r"(\d+)([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_LONGEST = timedelta(days=366)


def parse_duration(text: str, *, allow_zero: bool = False) -> timedelta:
    """`90s`, `15m`, `1h30m`, `2d`, `1w` (or `0` where zero is allowed); ValueError else."""
    compact = re.sub(r"\s+", "", str(text)).lower()
    if allow_zero and compact in ("0", "0s"):
        return timedelta(0)
    if not compact or _PART.sub("", compact):
        raise ValueError(
            f"{text!r} is not a duration: use a number with a unit s, m, h, d or w, "
            "e.g. 90s, 15m, 1h30m, 2d"
        )
    seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(compact))
    if seconds == 0 and not allow_zero:
        raise ValueError(f"{text!r}: the duration must be longer than zero")
    if seconds > _LONGEST.total_seconds():
        raise ValueError(f"{text!r}: the duration must be at most 366 days")
    return timedelta(seconds=seconds)


def format_duration(span: timedelta) -> str:
    """The shortest `1h30m` form of a duration (whole seconds)."""
    seconds = int(span.total_seconds())
    if seconds <= 0:
        return "0s"
    parts = []
    for unit in ("d", "h", "m", "s"):
        amount, seconds = divmod(seconds, _UNIT_SECONDS[unit])
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts)


@dataclass(frozen=True)
class Schedule:
    """When runs are due: every `interval` after the last run's start, or on `cron` slots
    (wall-clock times in `zone`, the owner's timezone)."""

    zone: ZoneInfo
    interval: timedelta | None = None
    cron: CronExpr | None = None

    def __post_init__(self) -> None:
        if (self.interval is None) == (self.cron is None):
            raise ValueError("a schedule has either an interval or a cron expression")

    def next_after(self, moment: datetime) -> datetime:
        """The first slot strictly after `moment`."""
        if self.interval is not None:
            return moment + self.interval
        assert self.cron is not None
        return self.cron.next_after(moment, self.zone)

    def gap_after(self, slot: datetime) -> timedelta:
        """How long until the slot after `slot` (bounds jitter so runs keep their order)."""
        return self.next_after(slot) - slot

    def describe(self) -> str:
        if self.interval is not None:
            return f"every {format_duration(self.interval)}"
        assert self.cron is not None
        return f"cron {self.cron.text!r} ({self.zone.key})"
