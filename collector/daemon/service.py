"""Wire a `Daemon` to real things: the config's schedule, the ledger, `run_collect`."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from collector.collect import run_collect
from collector.config import Settings
from collector.core.credentials import Redactor
from collector.core.settings_model import ScheduleSection
from collector.daemon.hooks import PostRunHook, WeeklyJob
from collector.daemon.jobs import weekly_jobs
from collector.daemon.loop import Daemon, LastRun
from collector.daemon.state import DaemonState, StateStore, daemon_lock, state_path
from collector.daemon.status import DAEMON_TRIGGER
from collector.ledger import Ledger
from collector.ledger.db import safe_url
from collector.ledger.locks import daemon_ledger_lock
from collector.ledger.models import RunRow
from collector.pipeline import CollectOptions, RunReport, SilentProgress
from collector.schedule.cron import CronExpr
from collector.schedule.plan import Policy
from collector.schedule.spec import Schedule, parse_duration

log = logging.getLogger("growthmap.daemon")


def utcnow() -> datetime:
    return datetime.now(UTC)


def policy_for(settings: Settings) -> Policy:
    """The `[schedule]` section as the daemon plans with it (the loader checked it)."""
    section = settings.schedule
    return Policy(
        schedule=schedule_of(section, settings.owner.zone),
        jitter=parse_duration(section.jitter, allow_zero=True),
        backoff=parse_duration(section.backoff),
        max_backoff=parse_duration(section.max_backoff),
    )


def schedule_of(section: ScheduleSection, zone: ZoneInfo) -> Schedule:
    """The section's schedule; without interval or cron, every hour."""
    if section.cron is not None:
        return Schedule(zone=zone, cron=CronExpr.parse(section.cron))
    return Schedule(zone=zone, interval=parse_duration(section.interval or "1h"))


def last_finished_run(ledger: Ledger) -> LastRun:
    """(start, end) of the owner's latest finished run of any trigger: a manual
    `collect` an hour ago counts as the last run too."""

    def query() -> tuple[datetime, datetime | None] | None:
        with ledger.read() as session:
            row = session.scalars(
                select(RunRow)
                .where(RunRow.owner == ledger.owner, RunRow.status != "running")
                .order_by(RunRow.started_at.desc(), RunRow.id.desc())
                .limit(1)
            ).first()
        return (row.started_at, row.finished_at) if row else None

    return query


def daemon_collect(
    settings: Settings, ledger: Ledger, env: Mapping[str, str]
) -> Callable[[threading.Event], RunReport]:
    """One scheduled collect: every enabled source from its cursor, trigger "daemon"."""
    wait = parse_duration(settings.schedule.lock_wait, allow_zero=True).total_seconds()

    def collect(stop: threading.Event) -> RunReport:
        return run_collect(
            settings,
            ledger,
            CollectOptions(trigger=DAEMON_TRIGGER),
            env=env,
            progress=SilentProgress(),
            wait=wait,
            stop=stop,
        )

    return collect


def serve_daemon(
    settings: Settings,
    ledger: Ledger,
    *,
    env: Mapping[str, str],
    stop: threading.Event,
    hooks: Sequence[PostRunHook] = (),
    weekly: Sequence[WeeklyJob] | None = None,
    once: bool = False,
) -> int:
    """Run the daemon until `stop` is set (or one cycle with `once`); the exit code.
    LedgerLocked (exit 3) if a daemon already runs for this ledger and owner. `hooks` run
    after every run, `weekly` once a week (by default the config's weekly jobs)."""
    store = StateStore(state_path(ledger.owner, settings.ledger_url))
    if weekly is None:
        weekly = weekly_jobs(settings, ledger)
    with daemon_lock(store), daemon_ledger_lock(ledger):
        daemon = build_daemon(
            settings, ledger, store=store, env=env, stop=stop, hooks=hooks, weekly=weekly
        )
        log.info(
            "daemon started (pid %s): %s, ledger %s, owner %s",
            daemon.state.pid,
            daemon.state.schedule,
            daemon.state.ledger,
            ledger.owner,
        )
        return daemon.serve(once=once)


def build_daemon(
    settings: Settings,
    ledger: Ledger,
    *,
    store: StateStore,
    env: Mapping[str, str],
    stop: threading.Event,
    hooks: Sequence[PostRunHook] = (),
    weekly: Sequence[WeeklyJob] = (),
    now: Callable[[], datetime] = utcnow,
) -> Daemon:
    policy = policy_for(settings)
    previous = store.load()
    started = now()
    state = DaemonState(
        pid=os.getpid(),
        host=socket.gethostname(),
        owner=ledger.owner,
        ledger=safe_url(settings.ledger_url),
        schedule=policy.schedule.describe(),
        started_at=started,
        updated_at=started,
        # A restart keeps the backoff and the weekly jobs' memory.
        failures=previous.failures if previous else 0,
        weekly_done=dict(previous.weekly_done) if previous else {},
    )
    return Daemon(
        policy=policy,
        collect=daemon_collect(settings, ledger, env),
        store=store,
        state=state,
        last_run=last_finished_run(ledger),
        now=now,
        wait=stop.wait,
        stop=stop,
        hooks=hooks,
        weekly=weekly,
        zone=settings.owner.zone,
        redactor=Redactor.for_settings(settings, env),
    )
