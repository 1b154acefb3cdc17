"""One benchmark run: every size asked for, then the size-independent figures."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.baseline import BaselineRun, fetch_naive
from benchmarks.bench_rules import RulesFigure, measure
from benchmarks.github_wide import WORLDS as WIDE_WORLDS
from benchmarks.github_wide import WideFigure, measure_wide
from benchmarks.gitlab_baseline import GitLabFigures, figures
from benchmarks.gitlab_baseline import fetch_naive as fetch_naive_gitlab
from benchmarks.micro import (
    DraftFigure,
    ExportFigure,
    UpsertFigure,
    measure_drafting,
    measure_export,
    measure_upserts,
    postgres_database,
)
from benchmarks.pairing import PairingFigure
from benchmarks.pairing import measure as measure_pairing
from benchmarks.runs import CollectRun, run_collect
from benchmarks.worlds import Shape, World, open_world


@dataclass
class SizeResult:
    shape: Shape
    latency_ms: float
    world: dict[str, int]
    cold: CollectRun
    warm: CollectRun
    baseline: BaselineRun | None
    drafting: DraftFigure
    gitlab: GitLabFigures | None = None


@dataclass
class SuiteResult:
    machine: dict[str, str]
    sizes: list[SizeResult] = field(default_factory=list)
    upserts: list[UpsertFigure] = field(default_factory=list)
    rules: RulesFigure | None = None
    export: ExportFigure | None = None
    github_wide: list[WideFigure] = field(default_factory=list)
    pairing: list[PairingFigure] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    sizes: tuple[str, ...]
    latency_ms: float
    baseline_limit: int | None  # PRs the baseline reads at most (None: all)
    upsert_items: int
    rules_items: int
    rules_count: int
    github_wide: bool = False  # the wide-PR GitHub worlds beside the naive loop
    export_items: int = 20_000  # the export benchmark's ledger
    export_repeat: int = 3  # best of this many exports per format
    pairing: bool = False  # the PR streams' cost with and without pairing


def machine() -> dict[str, str]:
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{total_kb / 1024 / 1024:.1f} GiB"
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load average at start": load,
    }


def run_size(size: str, plan: Plan, log: Log) -> SizeResult:
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gm-bench-")))
        log(f"[{size}] generating the world and starting the fake servers")
        world = open_world(size, stack)
        world.set_latency(plan.latency_ms / 1000)
        config = folder / "config.toml"
        config.write_text(world.config_toml(f"sqlite:///{folder / 'ledger.db'}"), "utf-8")
        log(f"[{size}] cold collect")
        cold = run_collect(world, config, "cold", world.since.date().isoformat())
        log(f"[{size}] warm collect (nothing new)")
        warm = run_collect(world, config, "warm", None)
        log(f"[{size}] drafting every week of the year")
        drafting = measure_drafting(config, world.env())
        log(f"[{size}] baseline: the naive PyGithub loop")
        baseline = fetch_naive(world, world.dataset.owner, world.since, plan.baseline_limit)
        log(f"[{size}] baseline: the naive python-gitlab loop")
        gitlab = figures(cold, warm, fetch_naive_gitlab(world.gitlab, world.since))
        _check_fakes(world)
        return SizeResult(
            world.shape,
            plan.latency_ms,
            _world_counts(world),
            cold,
            warm,
            baseline,
            drafting,
            gitlab,
        )


def _world_counts(world: World) -> dict[str, int]:
    ds = world.dataset
    return {
        "authored PRs": sum(1 for p in ds.prs if p.author == ds.owner),
        "colleagues' PRs": sum(1 for p in ds.prs if p.author != ds.owner),
        "GitLab MRs": world.shape.owner_mrs + world.shape.other_mrs,
        "Jira tickets": len(world.jira.issues),
    }


def _check_fakes(world: World) -> None:
    if world.github.errors:
        raise RuntimeError(f"the fake GitHub failed: {world.github.errors[:3]}")


class Log:
    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)


def run_suite(plan: Plan, log: Log) -> SuiteResult:
    result = SuiteResult(machine())
    for size in plan.sizes:
        result.sizes.append(run_size(size, plan, log))
    for world in WIDE_WORLDS if plan.github_wide else ():
        log(f"GitHub with wide PRs: {world.label}, and the naive loop")
        result.github_wide.append(measure_wide(world))
    if plan.pairing:
        log("pairing: the PR streams with and without it")
        result.pairing = measure_pairing()
    log(f"ledger upserts: {plan.upsert_items} items")
    with tempfile.TemporaryDirectory(prefix="gm-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'upserts.db'}"
        result.upserts.append(measure_upserts(url, "SQLite", plan.upsert_items))
    with postgres_database() as pg:
        if pg is not None:
            result.upserts.append(measure_upserts(pg, "PostgreSQL", plan.upsert_items))
    log(f"rules: {plan.rules_items} items x {plan.rules_count} rules")
    result.rules = measure(plan.rules_items, plan.rules_count)[0]
    log("export")
    result.export = measure_export(plan.export_items, plan.export_repeat)
    return result
