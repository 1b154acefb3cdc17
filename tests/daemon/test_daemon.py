"""The daemon loop with a fake clock, the real pipeline and a real SQLite ledger."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fakes.clock import T0, FakeClock
from fakes.memory import WORLD, make_item
from sqlalchemy import select

from collector.collect import run_collect
from collector.config import Settings
from collector.core.credentials import Redactor
from collector.core.errors import ConfigInvalid, LedgerLocked, Problem
from collector.daemon.hooks import PostRunHook, WeeklyJob
from collector.daemon.loop import Daemon, Outcome
from collector.daemon.service import build_daemon, last_finished_run, policy_for, serve_daemon
from collector.daemon.state import DaemonState, StateStore, daemon_lock, state_path
from collector.ledger import Ledger
from collector.ledger.locks import collect_lock
from collector.ledger.models import CursorRow, RunRow
from collector.pipeline import CollectOptions, RunReport, SilentProgress

TOKEN = "memory-token-abcdef"  # as set by conftest
ENV = {"MEMORY_TOKEN": TOKEN}


def collect_with(settings: Settings, ledger: Ledger, clock: FakeClock) -> Callable[..., RunReport]:
    def collect(stop: threading.Event) -> RunReport:
        return run_collect(
            settings,
            ledger,
            CollectOptions(trigger="daemon"),
            env=ENV,
            progress=SilentProgress(),
            clock=clock.now,
            stop=stop,
        )

    return collect


def make_daemon(
    settings: Settings,
    ledger: Ledger,
    clock: FakeClock,
    folder: Path,
    *,
    hooks: Sequence[PostRunHook] = (),
    weekly: Sequence[WeeklyJob] = (),
    collect: Callable[[threading.Event], RunReport] | None = None,
) -> Daemon:
    state = DaemonState(
        pid=1,
        host="test",
        owner=ledger.owner,
        ledger="sqlite:///test",
        schedule="every 1h",
        started_at=clock.now(),
        updated_at=clock.now(),
    )
    return Daemon(
        policy=policy_for(settings),
        collect=collect or collect_with(settings, ledger, clock),
        store=StateStore(folder / "state" / "daemon.json"),
        state=state,
        last_run=last_finished_run(ledger),
        now=clock.now,
        wait=clock.wait,
        hooks=hooks,
        weekly=weekly,
        zone=settings.owner.zone,
        draw=lambda: 0.0,
        redactor=Redactor([TOKEN]),
    )


def stop_after(runs: int, clock: FakeClock, daemon: Callable[[], Daemon]) -> PostRunHook:
    """A hook that counts runs (the fake clock's sleep jumps key on it) and stops."""

    def hook(report: RunReport) -> None:
        clock.runs += 1
        if clock.runs >= runs:
            daemon().stop.set()

    return hook


def serve(daemon: Daemon, runs: int, clock: FakeClock, **kwargs: object) -> int:
    daemon.hooks = [*daemon.hooks, stop_after(runs, clock, lambda: daemon)]
    return daemon.serve(**kwargs)  # type: ignore[arg-type]


def starts(daemon: Daemon) -> list[datetime]:
    return [c.started_at for c in daemon.cycles]


def test_three_cycles_on_the_interval_each_collecting_what_is_new(
    settings: Settings, ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    WORLD.items["things"] = [make_item(1, updated=T0 - timedelta(hours=1))]

    def new_work(report: RunReport) -> None:  # upstream changes between runs
        number = len(WORLD.items["things"]) + 1
        WORLD.items["things"].append(make_item(number, updated=clock.now() + timedelta(minutes=30)))

    daemon = make_daemon(settings, ledger, clock, tmp_path, hooks=[new_work])
    code = serve(daemon, 3, clock)

    assert code == 0
    assert starts(daemon) == [T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)]
    assert [c.outcome for c in daemon.cycles] == [Outcome.OK] * 3
    reports = [c.report for c in daemon.cycles if c.report is not None]
    assert [r.new for p in reports for r in p.records if r.stream == "things"] == [1, 1, 1]
    things = [since for stream, since, _ in WORLD.fetches if stream == "things"]
    # each run reads from the cursor minus the overlap
    assert things[1:] == [T0 - timedelta(minutes=15), T0 + timedelta(minutes=45)]
    with ledger.read() as session:
        runs = list(session.scalars(select(RunRow).order_by(RunRow.id)))
        cursor = session.get(CursorRow, ("default", "mem", "things"))
    assert [(r.trigger, r.status) for r in runs] == [("daemon", "ok")] * 3
    assert [p.drafted_weeks for p in reports] == [["2026-W48"]] * 3  # the week's log entry
    assert cursor is not None and cursor.position == T0 + timedelta(hours=2, minutes=-5)
    saved = daemon.store.load()
    assert saved is not None and saved.stopped_at is not None
    assert saved.next_run_at == T0 + timedelta(hours=3) and saved.last_outcome == "ok"


def test_after_a_long_sleep_missed_runs_are_caught_up_once(
    settings: Settings,
    ledger: Ledger,
    clock: FakeClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock.jumps[1] = timedelta(hours=10)  # the laptop sleeps right after the first run
    daemon = make_daemon(settings, ledger, clock, tmp_path)
    with caplog.at_level(logging.INFO, logger="growthmap"):
        serve(daemon, 3, clock)

    first, woke, after = starts(daemon)
    assert woke - first > timedelta(hours=10)  # ten slots were missed ...
    assert after - woke == timedelta(hours=1)  # ... and run once, at wake
    assert "woke after 10h1m without the daemon running" in caplog.text


def test_cron_schedule_catches_up_once_then_keeps_its_wall_clock_slots(
    make_settings: Callable[[str], Settings], tmp_path: Path, clock: FakeClock, ledger: Ledger
) -> None:
    settings = make_settings('\n[schedule]\ncron = "0 * * * *"\njitter = "0s"\n')
    clock.advance(timedelta(minutes=5))
    clock.jumps[1] = timedelta(hours=5)
    daemon = make_daemon(settings, ledger, clock, tmp_path)
    serve(daemon, 3, clock)

    first, woke, after = starts(daemon)
    assert first == T0 + timedelta(minutes=5)  # first run: at once
    assert timedelta(hours=5) < woke - first < timedelta(hours=5, minutes=2)
    assert after == T0 + timedelta(hours=6)  # the next full hour


def test_a_restarted_daemon_catches_up_or_keeps_the_rhythm_of_the_last_run(
    settings: Settings,
    ledger: Ledger,
    clock: FakeClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    earlier = FakeClock(now_value=T0 - timedelta(hours=5))
    collect_with(settings, ledger, earlier)(threading.Event())  # a run, then a downtime
    daemon = make_daemon(settings, ledger, clock, tmp_path)
    with caplog.at_level(logging.INFO, logger="growthmap"):
        serve(daemon, 1, clock)
    assert starts(daemon) == [T0]
    assert "next run 2026-11-23T09:00:00Z (catch-up, in 0s)" in caplog.text

    recent = FakeClock(now_value=T0 + timedelta(minutes=10))
    collect_with(settings, ledger, recent)(threading.Event())  # a manual collect
    clock.advance(timedelta(minutes=20))
    daemon = make_daemon(settings, ledger, clock, tmp_path)
    serve(daemon, 1, clock)
    assert starts(daemon) == [T0 + timedelta(hours=1, minutes=10)]


def test_failed_runs_back_off_exponentially_and_recover(
    make_settings: Callable[[str], Settings], tmp_path: Path, clock: FakeClock, ledger: Ledger
) -> None:
    extra = '\n[schedule]\ninterval = "10m"\njitter = "0s"\nbackoff = "15m"\nmax_backoff = "1h"\n'
    settings = make_settings(extra)
    WORLD.auth_fails = True

    def heal(report: RunReport) -> None:
        if clock.runs == 3:  # counted by stop_after, which runs after this hook
            WORLD.auth_fails = False

    daemon = make_daemon(settings, ledger, clock, tmp_path, hooks=[heal])
    serve(daemon, 6, clock)

    gaps = [b - a for a, b in zip(starts(daemon), starts(daemon)[1:], strict=False)]
    minutes = [int(g.total_seconds() // 60) for g in gaps]
    assert [c.outcome for c in daemon.cycles] == [Outcome.FAILED] * 4 + [Outcome.OK] * 2
    assert minutes == [15, 30, 60, 60, 10]
    assert daemon.store.load().failures == 0  # type: ignore[union-attr]


def test_a_run_that_finds_the_lock_held_is_skipped_without_backoff(
    settings: Settings,
    ledger: Ledger,
    clock: FakeClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    daemon = make_daemon(settings, ledger, clock, tmp_path)
    with collect_lock(ledger), caplog.at_level(logging.WARNING, logger="growthmap"):
        code = daemon.serve(once=True)
    assert code == 3 and daemon.cycles[0].outcome is Outcome.LOCKED
    assert daemon.state.failures == 0
    assert "another growthmap run holds the collect lock" in caplog.text
    with ledger.read() as session:
        assert list(session.scalars(select(RunRow))) == []


def test_once_returns_the_runs_exit_code(
    settings: Settings, ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    assert make_daemon(settings, ledger, clock, tmp_path).serve(once=True) == 0
    WORLD.auth_fails = True
    clock.advance(timedelta(hours=2))
    assert make_daemon(settings, ledger, clock, tmp_path).serve(once=True) == 1


def test_stop_during_a_run_ends_the_daemon_with_0_and_skips_the_hooks(
    settings: Settings, ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    WORLD.items["things"] = [make_item(1, updated=T0 - timedelta(hours=1))]
    called: list[RunReport] = []
    daemon = make_daemon(settings, ledger, clock, tmp_path, hooks=[called.append])
    real = collect_with(settings, ledger, clock)

    def signalled(stop: threading.Event) -> RunReport:
        stop.set()  # SIGTERM arrives as the run starts
        return real(stop)

    daemon.collect = signalled
    assert daemon.serve() == 0
    assert [c.outcome for c in daemon.cycles] == [Outcome.INTERRUPTED] and called == []
    with ledger.read() as session:
        assert [r.status for r in session.scalars(select(RunRow))] == ["interrupted"]
        assert list(session.scalars(select(CursorRow))) == []


def test_a_failing_hook_is_logged_without_its_token_and_the_others_still_run(
    settings: Settings,
    ledger: Ledger,
    clock: FakeClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def draft_weeks(report: RunReport) -> None:
        raise RuntimeError(f"cannot draft with {TOKEN}")

    seen: list[int | None] = []
    daemon = make_daemon(
        settings, ledger, clock, tmp_path, hooks=[draft_weeks, lambda r: seen.append(r.run_id)]
    )
    with caplog.at_level(logging.ERROR, logger="growthmap"):
        assert daemon.serve(once=True) == 0
    assert seen == [1]
    assert "after-run step draft_weeks failed: RuntimeError: cannot draft with ***" in caplog.text
    assert TOKEN not in caplog.text


def test_weekly_job_runs_once_a_week_and_survives_a_restart(
    settings: Settings, ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    exports: list[datetime] = []
    job = WeeklyJob("weekly-export", lambda r: exports.append(r.started_at), "mon")
    # T0 is a Monday 10:00 in Berlin: the first run exports, the next two do not.
    daemon = make_daemon(settings, ledger, clock, tmp_path, weekly=[job])
    serve(daemon, 3, clock)
    assert exports == [T0]

    clock.advance(timedelta(days=7))
    restarted = make_daemon(settings, ledger, clock, tmp_path, weekly=[job])
    restarted.state.weekly_done = dict(daemon.store.load().weekly_done)  # type: ignore[union-attr]
    restarted.serve(once=True)
    restarted.serve(once=True)
    assert len(exports) == 2 and exports[1] >= T0 + timedelta(days=7)


def test_one_daemon_per_ledger_and_owner(
    settings: Settings, ledger: Ledger, clock: FakeClock
) -> None:
    store = StateStore(state_path(ledger.owner, settings.ledger_url))
    store.save(DaemonState(4242, "box", "default", "x", "every 1h", started_at=T0, updated_at=T0))
    with daemon_lock(store), pytest.raises(LedgerLocked) as caught:
        serve_daemon(settings, ledger, env=ENV, stop=threading.Event(), once=True)
    assert "another growthmap daemon already runs" in str(caught.value)
    assert "pid 4242 on box, since 2026-11-23 09:00:00Z" in str(caught.value)


def test_a_restart_keeps_the_backoff_count(
    settings: Settings, ledger: Ledger, clock: FakeClock
) -> None:
    store = StateStore(state_path(ledger.owner, settings.ledger_url))
    old = DaemonState(1, "box", "default", "x", "every 1h", T0, T0, failures=3)
    old.weekly_done = {"weekly-export": "2026-W48"}
    store.save(old)
    daemon = build_daemon(settings, ledger, store=store, env=ENV, stop=threading.Event())
    assert daemon.state.failures == 3
    assert daemon.state.weekly_done == {"weekly-export": "2026-W48"}
    assert daemon.state.schedule == "every 1h"


def test_a_run_that_cannot_start_counts_as_failed_and_once_returns_its_code(
    settings: Settings, ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    def broken(stop: threading.Event) -> RunReport:
        raise ConfigInvalid([Problem("config.toml", "sources[0].type", "unknown source type")])

    daemon = make_daemon(settings, ledger, clock, tmp_path, collect=broken)
    assert daemon.serve(once=True) == 2
    assert daemon.cycles[0].outcome is Outcome.ERROR and daemon.state.failures == 1
    assert "unknown source type" in daemon.cycles[0].message


def test_the_configured_weekly_export_writes_one_file_a_week(
    settings: Settings, ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    from collector.core.settings_model import ScheduleSection, WeeklyExport
    from collector.daemon.jobs import weekly_jobs

    folder = tmp_path / "exports"
    schedule = ScheduleSection(
        interval="1h", weekly_export=WeeklyExport(format="md", folder=str(folder))
    )
    configured = dataclasses.replace(settings, schedule=schedule)
    WORLD.items["things"] = [make_item(1, updated=T0 - timedelta(hours=2))]
    daemon = make_daemon(
        configured, ledger, clock, tmp_path, weekly=weekly_jobs(configured, ledger)
    )
    serve(daemon, 2, clock)
    (written,) = folder.iterdir()
    year, week, _ = T0.astimezone(settings.owner.zone).isocalendar()
    assert written.name == f"growthmap-{year}-W{week:02d}.md"
    assert written.read_text().startswith("# ")
    assert written.stat().st_mode & 0o077 == 0


def test_stopped_after_a_failed_run_the_daemon_still_exits_0(
    settings: Settings, ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    # systemd's stop must not mark the service failed because the last run failed.
    WORLD.auth_fails = True
    daemon = make_daemon(settings, ledger, clock, tmp_path)
    real = daemon.collect

    def then_stopped(stop: threading.Event) -> RunReport:
        report = real(stop)
        stop.set()  # SIGTERM arrives while the daemon is idle after this run
        return report

    daemon.collect = then_stopped
    assert daemon.serve() == 0
    assert [c.exit_code for c in daemon.cycles] == [1]
