"""Real `growthmap` processes caught mid-run: lock contention, SIGTERM, SIGKILL.

The slow fake connector (tests/fakes/slow.py, installed as a connector plugin) stops
after a few items and tells the test through a pipe; the test acts (second process,
signal) and then lets it go on. Every wait is bounded.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes import slow
from plugin_dist import fakes_installed
from sqlalchemy import select as sql_select

from collector.ledger import open_ledger
from collector.ledger.models import CursorRow, ItemRow, RunRow

GROWTHMAP = str(Path(sys.executable).with_name("growthmap"))
TIMEOUT = 30.0

CONFIG = """
[owner]
name = "Ada"
key = "ada"

[ledger]
url = "{url}"

[collect]
batch_size = 2

[schedule]
interval = "1h"
jitter = "0s"

[[sources]]
name = "slow"
type = "slow"
token_env = "SLOW_TOKEN"
anchor = "{anchor}"
items = 6
pause_after = 5
"""


@dataclass
class Gate:
    """The pipes between the test and one paused subprocess."""

    notify_r: int
    notify_w: int
    release_r: int
    release_w: int

    @property
    def child_fds(self) -> tuple[int, int]:
        return (self.notify_w, self.release_r)

    def wait_paused(self) -> int:
        ready, _, _ = select.select([self.notify_r], [], [], TIMEOUT)
        assert ready, "the subprocess never reached the gate"
        line = os.read(self.notify_r, 100).decode()
        assert line.startswith("paused ")
        return int(line.split()[1])

    def release(self) -> None:
        os.write(self.release_w, b"g")

    def close(self) -> None:
        for fd in (self.notify_r, self.notify_w, self.release_r, self.release_w):
            os.close(fd)


@pytest.fixture
def gate() -> Iterator[Gate]:
    notify_r, notify_w = os.pipe()
    release_r, release_w = os.pipe()
    opened = Gate(notify_r, notify_w, release_r, release_w)
    yield opened
    opened.close()


def write_config(folder: Path, url: str) -> Path:
    anchor = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    path = folder / "config.toml"
    path.write_text(CONFIG.format(url=url, anchor=anchor), encoding="utf-8")
    return path


_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def no_process_left_behind() -> Iterator[None]:
    """A failed assertion must not leave a paused growthmap running."""
    yield
    while _STARTED:
        process = _STARTED.pop()
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT)  # also closes its pipes


@pytest.fixture(scope="module")
def fakes_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `fakes` package and a distribution declaring the slow connector as a
    `growthmap.connectors` entry point: the subprocess finds it as a real plugin."""
    return fakes_installed(tmp_path_factory.mktemp("pythonpath"))


@pytest.fixture(autouse=True)
def _pythonpath(fakes_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(fakes_path))


def start(args: list[str], gate: Gate | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.update(SLOW_TOKEN="slow-token-0123456789")
    env.pop(slow.GATE_ENV, None)
    if gate is not None:
        env[slow.GATE_ENV] = ",".join(str(fd) for fd in gate.child_fds)
    process = subprocess.Popen(
        [GROWTHMAP, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        pass_fds=gate.child_fds if gate else (),
    )
    _STARTED.append(process)
    return process


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, stdout, stderr


def stored(url: str) -> tuple[list[int], datetime | None, list[str]]:
    """(item numbers, the stream's cursor, run statuses in order) in the ledger."""
    ledger = open_ledger(url, "ada")
    try:
        with ledger.read() as session:
            numbers = sorted(r.extra["number"] for r in session.scalars(sql_select(ItemRow)))
            cursor = session.get(CursorRow, ("ada", "slow", "changes"))
            runs = [r.status for r in session.scalars(sql_select(RunRow).order_by(RunRow.id))]
        return numbers, cursor.position if cursor else None, runs
    finally:
        ledger.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    pg: str = request.getfixturevalue("pg_url")
    return pg


def test_two_concurrent_collects_one_collects_the_other_exits_3(
    url: str, tmp_path: Path, gate: Gate
) -> None:
    config = str(write_config(tmp_path, url))
    first = start(["collect", "--config", config], gate)
    pid = gate.wait_paused()  # the first run holds the lock, half-way through
    second = start(["collect", "--config", config, "--json"])
    code, stdout, stderr = finish(second)
    gate.release()
    first_code, _, first_err = finish(first)

    assert code == 3 and stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert f"pid {pid} on {socket.gethostname()}" in lines[0]
    assert "another growthmap run holds the collect lock (cli," in lines[0]
    assert first_code == 0, first_err
    numbers, cursor, runs = stored(url)
    assert numbers == [1, 2, 3, 4, 5, 6] and cursor is not None
    assert runs == ["ok"]  # the refused run left no trace


def test_sigterm_mid_run_stops_the_daemon_cleanly_and_the_next_run_completes(
    tmp_path: Path, gate: Gate
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    config = str(write_config(tmp_path, url))
    daemon = start(["daemon", "--config", config], gate)
    gate.wait_paused()
    daemon.send_signal(signal.SIGTERM)
    time.sleep(0.5)  # let the child's main thread run its handler before the item moves on
    gate.release()  # the connector yields the next item; the pipeline sees the stop
    code, _, stderr = finish(daemon)

    assert code == 0, stderr
    assert "SIGTERM received" in stderr and "daemon stopped" in stderr
    numbers, cursor, runs = stored(url)
    # Everything read before the stop was stored; the cursor did not move, so the next
    # run reads the window again and nothing is lost.
    assert numbers == [1, 2, 3, 4, 5, 6] and cursor is None and runs == ["interrupted"]

    code, _, stderr = finish(start(["collect", "--config", config]))
    assert code == 0, stderr
    numbers, cursor, runs = stored(url)
    assert numbers == [1, 2, 3, 4, 5, 6] and cursor is not None
    assert runs == ["interrupted", "ok"]


def test_a_killed_run_does_not_confuse_status_or_the_next_run(tmp_path: Path, gate: Gate) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    config = str(write_config(tmp_path, url))
    victim = start(["collect", "--config", config], gate)
    gate.wait_paused()
    victim.kill()
    finish(victim)
    assert stored(url)[2] == ["running"]

    code, stdout, _ = finish(start(["status", "--config", config]))
    assert code == 0 and "interrupted (its process is gone)" in stdout

    code, _, stderr = finish(start(["collect", "--config", config]))
    assert code == 0, stderr  # the dead run held no lock
    numbers, cursor, runs = stored(url)
    assert numbers == [1, 2, 3, 4, 5, 6] and cursor is not None
    assert runs == ["interrupted", "ok"]


def test_ctrl_c_during_collect_keeps_what_was_stored_and_says_so(
    tmp_path: Path, gate: Gate
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    config = str(write_config(tmp_path, url))
    run = start(["collect", "--config", config], gate)
    gate.wait_paused()
    run.send_signal(signal.SIGINT)
    time.sleep(0.5)  # let the child's main thread run its handler before the item moves on
    gate.release()
    code, _, stderr = finish(run)

    assert code == 130  # the shell's convention for Ctrl-C
    assert "interrupted: everything stored so far is kept; the next run fetches the rest" in stderr
    assert " slow interrupted new=6 " in stderr  # not "ok": the stream did not finish
    assert "Traceback" not in stderr
    numbers, cursor, runs = stored(url)
    assert numbers == [1, 2, 3, 4, 5, 6] and cursor is None and runs == ["interrupted"]
