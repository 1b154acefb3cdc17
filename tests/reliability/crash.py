"""SIGKILL `growthmap collect` (a real subprocess, talking real HTTP to the fake GitHub
in this process) at seeded random moments, then check the ledger and run again."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from reliability.figures import record_crash
from reliability.harness import collect, cursor_rows, open_config_ledger, stored, write_config
from reliability.worlds import World, open_world

STREAM_KIND = {"pull_requests": "pull_request", "reviews": "review", "design_docs": "design_doc"}


@dataclass
class CrashFigures:
    trials: int = 0
    killed_mid_run: int = 0  # the process was still running when killed
    cursor_ahead: int = 0  # a cursor stored while its stream's items were not all stored
    corrupt: int = 0  # PRAGMA integrity_check not ok
    lost: int = 0
    duplicates: int = 0
    rerun_failed: int = 0
    stored_before_rerun: list[int] = field(default_factory=list)
    seconds: float = 0.0
    full_run_seconds: float = 0.0


def cli(config: Path, world: World, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **world.env, "GROWTHMAP_CONFIG": str(config)}
    command = [sys.executable, "-m", "collector", "--config", str(config), "collect", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def crash_trials(trials: int, seed: int = 20261128) -> CrashFigures:
    """`trials` kills, two at a time (most of a trial is waiting), each seeded alone."""
    figures = CrashFigures()
    started = time.monotonic()
    lock = threading.Lock()
    with open_world("github") as world, tempfile.TemporaryDirectory() as tmp:
        since = world.since.date().isoformat()
        want = world.expected()
        full = _timed_full_run(world, Path(tmp) / "full", since)
        figures.full_run_seconds = round(full, 2)

        def trial(number: int) -> None:
            rng = random.Random(seed + number)
            folder = Path(tmp) / f"trial{number}"
            config = write_config(folder, world.source_toml(), "[collect]\nbatch_size = 4\n")
            process = cli(config, world, "--since", since)
            _await_start(folder, process)
            time.sleep(rng.uniform(0.0, 0.6 * full))  # the moment of the crash
            killed = process.poll() is None
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            with lock:
                figures.killed_mid_run += killed
                _check_after_kill(figures, folder, config, want)
            report = collect(config, world.env, since=world.since)  # the next run
            keys = Counter((kind, ext) for _, kind, ext in _stored(config))
            with lock:
                figures.rerun_failed += not report.ok
                figures.lost += len(want - set(keys))
                figures.duplicates += sum(n - 1 for n in keys.values() if n > 1)
                figures.trials += 1

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(trial, range(trials)))
    figures.seconds = round(time.monotonic() - started, 2)
    return record_crash("SQLite, one collector", figures)


def _timed_full_run(world: World, folder: Path, since: str) -> float:
    """Seconds from the run's start (its ledger opened) to its end, uninterrupted."""
    config = write_config(folder, world.source_toml(), "[collect]\nbatch_size = 4\n")
    process = cli(config, world, "--since", since)
    began = _await_start(folder, process)
    assert process.wait(timeout=120) == 0
    return time.monotonic() - began


def _await_start(folder: Path, process: subprocess.Popen[bytes]) -> float:
    """Wait (bounded) until the process has opened its ledger: the kill then hits real
    work, not the interpreter starting up."""
    deadline = time.monotonic() + 30
    while not (folder / "ledger.db").exists() and process.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    return time.monotonic()


def _stored(config: Path) -> list[tuple[str, str, str]]:
    ledger = open_config_ledger(config)
    try:
        return stored(ledger)
    finally:
        ledger.close()


def _check_after_kill(
    figures: CrashFigures, folder: Path, config: Path, want: set[tuple[str, str]]
) -> None:
    database = folder / "ledger.db"
    if not database.exists():
        figures.stored_before_rerun.append(0)
        return
    with sqlite3.connect(database) as conn:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    figures.corrupt += ok != "ok"
    try:
        ledger = open_config_ledger(config)
    except Exception:  # killed before the schema was complete: the next open repairs it
        figures.stored_before_rerun.append(0)
        return
    try:
        keys = {(kind, ext) for _, kind, ext in stored(ledger)}
        figures.stored_before_rerun.append(len(keys))
        for row in cursor_rows(ledger):
            kind = STREAM_KIND[row.stream]
            needed = {k for k in want if k[0] == kind}
            figures.cursor_ahead += not needed <= keys
    finally:
        ledger.close()


def shared_ledger_trials(pg_url: str, trials: int, seed: int = 7) -> CrashFigures:
    """Two engineers' collectors write one PostgreSQL ledger at once; in each trial one of
    them is killed at a random moment and runs again. Each owner ends with every item
    exactly once, and nobody's rows leak into the other's."""
    rng = random.Random(seed)
    figures = CrashFigures()
    started = time.monotonic()
    with open_world("github") as world, tempfile.TemporaryDirectory() as tmp:
        want = world.expected()
        configs = {
            owner: _pg_config(Path(tmp) / owner, owner, pg_url, world) for owner in ("ada", "bo")
        }
        since = world.since.date().isoformat()
        for trial in range(trials):
            victim = ("ada", "bo")[trial % 2]
            running = {o: cli(c, world, "--since", since) for o, c in configs.items()}
            time.sleep(rng.uniform(0.3, 2.5))
            figures.killed_mid_run += running[victim].poll() is None
            running[victim].send_signal(signal.SIGKILL)
            for owner, process in running.items():
                process.wait(timeout=120)
                if owner != victim:
                    figures.rerun_failed += process.returncode != 0
            report = collect(configs[victim], world.env, since=world.since)
            figures.rerun_failed += not report.ok
            for owner, config in configs.items():
                keys = Counter(_owned(config, owner))
                figures.lost += len(want - set(keys))
                figures.duplicates += sum(n - 1 for n in keys.values() if n > 1)
                figures.cursor_ahead += len(set(keys) - want)  # foreign or unexpected rows
            figures.trials += 1
    figures.seconds = round(time.monotonic() - started, 2)
    return record_crash("PostgreSQL, two collectors at once", figures)


def _pg_config(folder: Path, owner: str, url: str, world: World) -> Path:
    folder.mkdir(parents=True)
    path = folder / "config.toml"
    path.write_text(
        f'[owner]\nname = "{owner}"\nkey = "{owner}"\ntimezone = "UTC"\n\n'
        f'[ledger]\nurl = "{url}"\n\n[collect]\nbatch_size = 4\n\n' + world.source_toml(),
        encoding="utf-8",
    )
    return path


def _owned(config: Path, owner: str) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from collector.ledger.models import ItemRow

    ledger = open_config_ledger(config)
    try:
        with ledger.read() as session:
            rows = session.execute(
                select(ItemRow.kind, ItemRow.external_id).where(ItemRow.owner == owner)
            )
            return [(r[0], r[1]) for r in rows]
    finally:
        ledger.close()
