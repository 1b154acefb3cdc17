"""The daemon loop: wait for the next due run, collect, run the after-run hooks, repeat.

Everything with side effects is injected — the collect function, the clock, the wait,
the random draw, the state store — so the loop is tested with a fake clock: no test
sleeps. The real wait is `stop.wait(seconds)`, so SIGTERM/SIGINT (which set `stop`)
wake it at once. Naps are at most `max_nap` seconds and the wall clock is read after
each, which is how a laptop's sleep is noticed: a slot that passed meanwhile is run
once, at wake.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from collector.collect.summary import log_report
from collector.core.credentials import Redactor
from collector.core.errors import ExitCode, GrowthmapError, LedgerLocked
from collector.daemon.hooks import PostRunHook, WeeklyGate, WeeklyJob, run_hooks
from collector.daemon.state import DaemonState, StateStore
from collector.ledger import LedgerFailure, failure_message
from collector.pipeline import RunReport
from collector.schedule.plan import Plan, Policy
from collector.schedule.spec import format_duration

log = logging.getLogger("growthmap.daemon")

RunCollect = Callable[[threading.Event], RunReport]
LastRun = Callable[[], tuple[datetime, datetime | None] | None]


class Outcome(StrEnum):
    OK = "ok"
    PARTIAL = "partial"  # some sources failed, the others were stored
    FAILED = "failed"  # no source succeeded
    ERROR = "error"  # the run could not happen (ledger unreachable, bad config, ...)
    LOCKED = "locked"  # another run held the lock: skipped, not a failure
    INTERRUPTED = "interrupted"  # stopped by a signal


_EXIT = {
    Outcome.OK: ExitCode.OK,
    Outcome.PARTIAL: ExitCode.SOURCE_FAILED,
    Outcome.FAILED: ExitCode.SOURCE_FAILED,
    Outcome.ERROR: ExitCode.SOURCE_FAILED,
    Outcome.LOCKED: ExitCode.LOCKED,
    Outcome.INTERRUPTED: ExitCode.OK,
}


@dataclass(frozen=True)
class Cycle:
    started_at: datetime
    finished_at: datetime
    outcome: Outcome
    report: RunReport | None = None
    message: str = ""
    error_code: ExitCode | None = None  # the error's own code (e.g. 2 for a bad config)

    @property
    def exit_code(self) -> ExitCode:
        return self.error_code if self.error_code is not None else _EXIT[self.outcome]


def classify(report: RunReport) -> Outcome:
    if report.interrupted:
        return Outcome.INTERRUPTED
    if report.ok:
        return Outcome.OK
    if any(r.status == "ok" for r in report.records):
        return Outcome.PARTIAL
    return Outcome.FAILED


@dataclass
class Daemon:
    policy: Policy
    collect: RunCollect
    store: StateStore
    state: DaemonState
    last_run: LastRun
    now: Callable[[], datetime]
    wait: Callable[[float], object]  # sleeps up to N seconds; returns early once stopped
    stop: threading.Event = field(default_factory=threading.Event)
    hooks: Sequence[PostRunHook] = ()
    weekly: Sequence[WeeklyJob] = ()
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    draw: Callable[[], float] = random.random
    redactor: Redactor = field(default_factory=Redactor)
    max_nap: float = 60.0
    cycles: list[Cycle] = field(default_factory=list)

    def serve(self, *, once: bool = False) -> int:
        """Run until stopped (exit 0), or one cycle with `once` (its exit code)."""
        plan = self._first_plan()
        self._save(plan)
        code = ExitCode.OK
        while not self.stop.is_set():
            if not self.sleep_until(plan.due):
                break
            cycle = self.run_cycle()
            code = cycle.exit_code
            if cycle.outcome is Outcome.INTERRUPTED:
                break
            plan = self._plan_after(cycle)
            self._save(plan)
            if once:
                break
        self.state.stopped_at = self.now()
        self.store.save(self.state)
        log.info("daemon stopped")
        # Stopped by a signal, the daemon did what it should: 0, whatever the last run was
        # (systemd would otherwise mark the service failed).
        return int(code) if once else int(ExitCode.OK)

    def sleep_until(self, due: datetime) -> bool:
        """Nap until `due`; False if stopped first. Each nap is short and followed by a
        fresh look at the wall clock, so time that passed in a suspend counts."""
        remaining = (due - self.now()).total_seconds()
        # Bounded even if the clock misbehaves: at worst the run comes a little early.
        for _ in range(int(max(remaining, 0) / self.max_nap) * 2 + 100):
            if self.stop.is_set():
                return False
            before = self.now()
            remaining = (due - before).total_seconds()
            if remaining <= 0:
                return True
            nap = min(remaining, self.max_nap)
            self.wait(nap)
            slept = self.now() - before
            if slept > timedelta(seconds=nap + 60):
                log.info(
                    "woke after %s without the daemon running (sleep or suspend)",
                    format_duration(slept),
                )
        return not self.stop.is_set()

    def run_cycle(self) -> Cycle:
        """One collect with its hooks; never raises for a failed run."""
        started = self.now()
        log.info("run starting")
        report: RunReport | None = None
        try:
            report = self.collect(self.stop)
        except LedgerLocked as exc:
            cycle = Cycle(started, self.now(), Outcome.LOCKED, message=str(exc))
        except GrowthmapError as exc:
            cycle = Cycle(started, self.now(), Outcome.ERROR, None, str(exc), exc.exit_code)
        except LedgerFailure as exc:
            cycle = Cycle(started, self.now(), Outcome.ERROR, message=failure_message(exc))
        except Exception as exc:  # a bug in one run must not end the daemon
            log.debug("unexpected error in a run", exc_info=True)
            message = f"unexpected error: {type(exc).__name__}: {exc}"
            cycle = Cycle(started, self.now(), Outcome.ERROR, message=message)
        else:
            cycle = Cycle(started, self.now(), classify(report), report)
        self._record(cycle)
        if report is not None and cycle.outcome is not Outcome.INTERRUPTED:
            run_hooks([*self.hooks, *self._weekly_gates()], report, self.redactor)
        self.cycles.append(cycle)
        return cycle

    def _weekly_gates(self) -> list[PostRunHook]:
        done = self.state.weekly_done
        return [WeeklyGate(j.name, j.action, self.zone, done, j.weekday) for j in self.weekly]

    def _record(self, cycle: Cycle) -> None:
        if cycle.report is not None:
            log_report(cycle.report)
        if cycle.message:
            level = logging.WARNING if cycle.outcome is Outcome.LOCKED else logging.ERROR
            log.log(level, "run %s: %s", cycle.outcome, self.redactor(cycle.message))
        if cycle.outcome in (Outcome.FAILED, Outcome.ERROR):
            self.state.failures += 1
        elif cycle.outcome in (Outcome.OK, Outcome.PARTIAL):
            self.state.failures = 0
        self.state.last_run_at, self.state.last_outcome = cycle.started_at, str(cycle.outcome)
        self.state.last_run_id = cycle.report.run_id if cycle.report else None

    def _first_plan(self) -> Plan:
        last = self.last_run()
        plan = self.policy.first_due(
            last_start=last[0] if last else None,
            last_end=last[1] if last else None,
            failures=self.state.failures,
            now=self.now(),
            draw=self.draw(),
        )
        return plan

    def _plan_after(self, cycle: Cycle) -> Plan:
        return self.policy.due_after_run(
            started=cycle.started_at,
            finished=cycle.finished_at,
            failures=self.state.failures,
            now=self.now(),
            draw=self.draw(),
        )

    def _save(self, plan: Plan) -> None:
        now = self.now()
        self.state.next_run_at, self.state.next_reason = plan.due, plan.reason
        self.state.updated_at = now
        self.store.save(self.state)
        wait = format_duration(max(plan.due - now, timedelta(0)))
        extra = f", {self.state.failures} failed in a row" if self.state.failures else ""
        log.info("next run %s (%s, in %s%s)", _stamp(plan.due), plan.reason, wait, extra)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
