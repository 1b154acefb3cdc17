"""The daemon's line in `growthmap status`: running or not, last run, next run."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.daemon.state import DaemonState, StateStore, daemon_running, state_path
from collector.ledger.models import RunRow

DAEMON_TRIGGER = "daemon"


def last_daemon_run(session: Session, owner: str) -> RunRow | None:
    query = (
        select(RunRow)
        .where(RunRow.owner == owner, RunRow.trigger == DAEMON_TRIGGER)
        .order_by(RunRow.started_at.desc(), RunRow.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def daemon_store(owner: str, ledger_url: str) -> StateStore:
    return StateStore(state_path(owner, ledger_url))


def daemon_lines(
    store: StateStore, last_run: RunRow | None, zone: ZoneInfo, now: datetime
) -> list[str]:
    """What `status` prints about the daemon (the state file is on this machine; the
    runs are in the ledger, so a team ledger shows other machines' daemon runs too)."""
    state = store.load()
    running = daemon_running(store)
    lines = [_headline(state, running, zone)]
    if last_run is not None:
        lines.append(
            f"  last daemon run: {_local(last_run.started_at, zone)} · {run_status(last_run)} "
            f"(run {last_run.id})"
        )
    if running and state is not None and state.next_run_at is not None:
        overdue = " (due now)" if state.next_run_at <= now else ""
        reason = f", {state.next_reason}" if state.next_reason else ""
        backoff = f", {state.failures} failed in a row" if state.failures else ""
        lines.append(f"  next run: {_local(state.next_run_at, zone)}{overdue}{reason}{backoff}")
    return lines


def run_status(run: RunRow) -> str:
    """A run's status for display: a `running` row whose process is gone from this host
    was killed (the next run's lock marks it so in the ledger)."""
    if run.status == "running" and process_alive(run.pid, run.host) is False:
        return "interrupted (its process is gone)"
    return run.status


def process_alive(pid: int, host: str) -> bool | None:
    """Whether the process still runs: None when it is on another host (cannot tell)."""
    if host != socket.gethostname() or os.name == "nt":  # on Windows, signal 0 is Ctrl-C
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _headline(state: DaemonState | None, running: bool, zone: ZoneInfo) -> str:
    if state is None:
        return "Daemon: not running (`growthmap daemon` collects on the [schedule])"
    if running:
        return (
            f"Daemon: running (pid {state.pid} on {state.host}, since "
            f"{_local(state.started_at, zone)}), {state.schedule}"
        )
    when = state.stopped_at or state.updated_at
    how = "stopped" if state.stopped_at else "ended without stopping cleanly"
    return f"Daemon: not running ({how} {_local(when, zone)}; it ran {state.schedule})"


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
