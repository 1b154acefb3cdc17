"""When the next unattended run is due: the schedule, jitter, backoff and catch-up.

Pure functions of their inputs (times and a random draw are passed in), so every rule
here is tested without a clock:

- **Schedule**: the slot after the last run's start (interval: start + interval; cron:
  the next matching wall-clock minute in the owner's timezone).
- **Jitter**: a random delay up to `jitter` (at most half the gap to the following slot,
  so runs never swap order) spreads the scheduled runs of many engineers sharing an
  API. A first run and a catch-up run start at once.
- **Backoff**: after consecutive failed runs the next run waits at least
  `backoff * 2**(failures-1)` (capped at `max_backoff`) after the failure; it only ever
  delays the schedule, never runs more often than it.
- **Catch-up**: a slot missed while the machine slept or the daemon was down is run once,
  now; the runs of every other missed slot are not made up (the cursors already cover
  the whole gap).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from collector.schedule.spec import Schedule

_MAX_DOUBLINGS = 30


@dataclass(frozen=True)
class Plan:
    """The next run: when, and why then (for the log and `growthmap status`)."""

    due: datetime
    reason: str  # first run | scheduled | catch-up | backoff


@dataclass(frozen=True)
class Policy:
    schedule: Schedule
    jitter: timedelta = timedelta(0)
    backoff: timedelta = timedelta(minutes=15)
    max_backoff: timedelta = timedelta(hours=6)

    def jitter_at(self, slot: datetime, draw: float) -> timedelta:
        """The delay for `slot` given a draw in [0, 1)."""
        bound = min(self.jitter, self.schedule.gap_after(slot) / 2)
        return bound * min(max(draw, 0.0), 1.0)

    def backoff_after(self, failures: int) -> timedelta:
        """The least wait after the `failures`-th failed run in a row (0: none)."""
        if failures <= 0:
            return timedelta(0)
        doublings = min(failures - 1, _MAX_DOUBLINGS)
        return min(self.backoff * (1 << doublings), self.max_backoff)

    def first_due(
        self,
        *,
        last_start: datetime | None,
        last_end: datetime | None,
        failures: int,
        now: datetime,
        draw: float,
    ) -> Plan:
        """At daemon start: from the ledger's last run. A slot that passed while the
        daemon was not running is caught up once, now (no jitter: a daemon just started
        or a laptop just woken should show its run at once)."""
        if last_start is None:
            return Plan(now, "first run")
        slot, reason = self._slot(last_start, last_end, failures)
        if slot <= now:
            return Plan(now, "catch-up")
        return Plan(slot + self.jitter_at(slot, draw), reason)

    def due_after_run(
        self, *, started: datetime, finished: datetime, failures: int, now: datetime, draw: float
    ) -> Plan:
        """After a run: the next slot. A run that outlasted its interval does not trigger
        an immediate run; the next slot after now is taken instead."""
        slot, reason = self._slot(started, finished, failures)
        if slot <= now:
            slot = self.schedule.next_after(now)
        return Plan(slot + self.jitter_at(slot, draw), reason)

    def _slot(
        self, started: datetime, finished: datetime | None, failures: int
    ) -> tuple[datetime, str]:
        slot = self.schedule.next_after(started)
        if failures > 0:
            retry = (finished or started) + self.backoff_after(failures)
            if retry > slot:
                # Back off to the first slot at or after the retry time, keeping cron's
                # wall-clock slots (an interval's slot is simply the retry time).
                return self._slot_at_or_after(retry), "backoff"
        return slot, "scheduled"

    def _slot_at_or_after(self, moment: datetime) -> datetime:
        if self.schedule.interval is not None:
            return moment
        return self.schedule.next_after(moment - timedelta(microseconds=1))
