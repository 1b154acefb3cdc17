"""`growthmap collect` in a child process, measured: wall time, peak RSS, requests per
stream (from the run report), and requests each fake server saw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.worlds import World

SOURCES = ("github", "gitlab", "jira")


@dataclass
class StreamFigure:
    source: str
    stream: str
    items: int
    requests: int
    seconds: float


@dataclass
class CollectRun:
    """One `growthmap collect` run in a child process."""

    label: str
    wall_s: float  # the child's whole life: interpreter start, imports, run, drafting
    run_s: float  # the run itself, from the report's start and finish
    peak_rss_mb: float
    streams: list[StreamFigure] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)  # requests each fake answered

    def of(self, source: str) -> list[StreamFigure]:
        return [s for s in self.streams if s.source == source]

    def items(self, source: str) -> int:
        return sum(s.items for s in self.of(source))

    def requests(self, source: str) -> int:
        return sum(s.requests for s in self.of(source))

    def seconds(self, source: str) -> float:
        """The source's time: its streams run one after another on the source's thread."""
        return sum(s.seconds for s in self.of(source))


def run_collect(world: World, config: Path, label: str, since: str | None) -> CollectRun:
    """Run `python -m collector collect --json` against the world; raise if it fails."""
    command = [sys.executable, "-m", "collector", "collect", "--config", str(config), "--json"]
    if since is not None:
        command += ["--since", since]
    env = {**os.environ, **world.env(), "NO_COLOR": "1"}
    before = world.requests()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=config.parent)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise RuntimeError(f"collect ({label}) exited {child.returncode}: {stderr or stdout}")
    report = json.loads(stdout)
    after = world.requests()
    return CollectRun(
        label=label,
        wall_s=wall,
        run_s=_run_seconds(report),
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
        streams=[_stream(s) for s in report["streams"]],
        served={k: after[k] - before[k] for k in after},
    )


def _stream(row: dict[str, Any]) -> StreamFigure:
    if row["status"] != "ok":
        raise RuntimeError(f"{row['source']}/{row['stream']} failed: {row['error']}")
    return StreamFigure(
        row["source"],
        row["stream"],
        row["new"] + row["updated"] + row["unchanged"],
        row["requests"],
        row["duration_s"],
    )


def _run_seconds(report: dict[str, Any]) -> float:
    from datetime import datetime

    started = datetime.fromisoformat(report["started_at"])
    finished = datetime.fromisoformat(report["finished_at"])
    return (finished - started).total_seconds()
