"""`growthmap daemon --once` and the daemon's lines in `growthmap status`."""

from __future__ import annotations

import os
import socket
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.memory import CONFIG, WORLD, make_item, write_config
from typer.testing import CliRunner

from collector.cli import app
from collector.config import load_settings
from collector.daemon.state import DaemonState, daemon_lock
from collector.daemon.status import daemon_store

runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEMORY_TOKEN", "memory-token-abcdef")
    WORLD.items["things"] = [make_item(1, updated=datetime.now(UTC) - timedelta(hours=3))]
    extra = '\n[schedule]\ninterval = "2h"\njitter = "0s"\nlog_file = "gm.log"\n'
    return write_config(tmp_path, CONFIG + extra)


def status(config: Path) -> str:
    result = runner.invoke(app, ["status", "--config", str(config)])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_status_before_any_daemon(config: Path) -> None:
    assert "Daemon: not running (`growthmap daemon` collects on the [schedule])" in status(config)


def test_daemon_once_collects_and_status_shows_its_last_run(config: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["daemon", "--once", "--config", str(config)])
    assert result.exit_code == 0, result.stderr
    log = (tmp_path / "gm.log").read_text()
    assert "daemon started" in log and "next run" in log and "(first run, in 0s)" in log
    assert "mem ok new=1" in log and "daemon stopped" in log

    settings = load_settings(config, env={})
    state_file = daemon_store(settings.owner.key, settings.ledger_url).path
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(state_file.parent.stat().st_mode) == 0o700

    shown = status(config)
    assert "(run 1, daemon)" in shown
    assert "Daemon: not running (stopped " in shown and "it ran every 2h)" in shown
    assert "last daemon run:" in shown and "· ok (run 1)" in shown
    assert "next run" not in shown  # nothing is scheduled while no daemon runs


def test_status_of_a_running_daemon_shows_the_next_run(config: Path) -> None:
    settings = load_settings(config, env={})
    store = daemon_store(settings.owner.key, settings.ledger_url)
    now = datetime.now(UTC)
    state = DaemonState(
        pid=os.getpid(),
        host=socket.gethostname(),
        owner=settings.owner.key,
        ledger=settings.ledger_url,
        schedule="every 2h",
        started_at=now,
        updated_at=now,
        next_run_at=now + timedelta(hours=2),
        next_reason="backoff",
        failures=2,
    )
    store.save(state)
    with daemon_lock(store):
        shown = status(config)
    assert f"Daemon: running (pid {os.getpid()} on {socket.gethostname()}" in shown
    assert "every 2h" in shown and "next run: " in shown and "backoff, 2 failed in a row" in shown
    assert "Daemon: not running (ended without stopping cleanly" in status(config)
