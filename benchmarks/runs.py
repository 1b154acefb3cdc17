"""`growthmap collect` in a child process, measured: wall time, peak RSS, requests per
stream (from the run report), and requests each fake server saw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.child import RSS_FILE_ENV
from benchmarks.worlds import World

ROOT = Path(__file__).resolve().parent.parent
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
    command = [sys.executable, "-m", "benchmarks.child", "collect", "--config", str(config)]
    command.append("--json")
    if since is not None:
        command += ["--since", since]
    rss_file = config.parent / f"rss-{label}.txt"
    env = {
        **os.environ,
        **world.env(),
        "NO_COLOR": "1",
        RSS_FILE_ENV: str(rss_file),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    before = world.requests()
    started = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=config.parent, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"collect ({label}) exited {done.returncode}: {done.stderr}")
    stdout = done.stdout
    report = json.loads(stdout)
    after = world.requests()
    return CollectRun(
        label=label,
        wall_s=wall,
        run_s=_run_seconds(report),
        peak_rss_mb=int(rss_file.read_text()) / 1024,
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
