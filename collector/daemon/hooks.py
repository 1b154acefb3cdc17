"""What the daemon does after each run besides collecting: post-run hooks.

A hook is any callable taking the run's `RunReport` (`report.changed_moments` names the
weeks whose log entries need drafting). The daemon calls every hook after each run that
stored something (not after an interrupted or locked one), in order; a hook that raises
is logged and the others still run — a failing export must not stop collection.

`WeeklyGate` turns a hook into a weekly job: it runs on the first run on or after the
chosen weekday of each ISO week (owner's timezone), so a laptop that was closed on
Monday exports on Tuesday instead of skipping the week.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from collector.core.credentials import Redactor
from collector.pipeline import RunReport

log = logging.getLogger("growthmap.daemon")

PostRunHook = Callable[[RunReport], None]

WEEKDAY_NUMBERS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


def hook_name(hook: PostRunHook) -> str:
    return str(getattr(hook, "name", None) or getattr(hook, "__name__", type(hook).__name__))


def run_hooks(
    hooks: Sequence[PostRunHook], report: RunReport, redactor: Redactor | None = None
) -> list[str]:
    """Call each hook; return one message per hook that failed (also logged)."""
    redact = redactor or Redactor()
    problems = []
    for hook in hooks:
        try:
            hook(report)
        except Exception as exc:  # one hook failing never stops the others or the daemon
            failure = f"{type(exc).__name__}: {exc}"
            message = redact(f"after-run step {hook_name(hook)} failed: {failure}")
            log.error("%s", message)
            problems.append(message)
    return problems


@dataclass(frozen=True)
class WeeklyJob:
    """A hook the daemon runs once a week, from `weekday` on (e.g. the weekly export)."""

    name: str
    action: PostRunHook
    weekday: str = "mon"


@dataclass
class WeeklyGate:
    """Run `action` at most once per ISO week, from `weekday` on. `done` remembers the
    week last done per job name (the daemon keeps it in its state file)."""

    name: str
    action: PostRunHook
    zone: ZoneInfo
    done: MutableMapping[str, str]
    weekday: str = "mon"

    def __call__(self, report: RunReport) -> None:
        local = report.started_at.astimezone(self.zone)
        year, week, day = local.isocalendar()
        key = f"{year}-W{week:02d}"
        if day < WEEKDAY_NUMBERS[self.weekday] or self.done.get(self.name) == key:
            return
        self.action(report)
        self.done[self.name] = key  # only once it succeeded: a failure retries next run
        log.info("%s done for %s", self.name, key)
