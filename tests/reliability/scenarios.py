"""The fault scenarios, as plain functions returning what happened. The tests assert on
the results; `make_figures` runs the same functions and tabulates them."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reliability.figures import record
from reliability.harness import Sleeps, collect, stored_keys, stored_titles, write_config
from reliability.proxy import GITHUB_ONLY, TRANSIENT, FaultProxy, Plan
from reliability.worlds import World, edit_items, open_world, scale

TIMEOUT = 0.5  # seconds per request in the fault runs: slow answers exceed it


@dataclass
class Outcome:
    """What a scenario injected and what survived."""

    scenario: str
    connector: str
    faults: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    runs: int = 1
    expected: int = 0
    lost: int = 0
    duplicates: int = 0
    extra: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # a sample, for messages


def kinds_for(world: World) -> tuple[str, ...]:
    return TRANSIENT + (GITHUB_ONLY if world.name == "github" else ())


def tally(outcome: Outcome, world: World, folder: Path) -> None:
    """Compare the ledger with the fake's truth: lost, doubled, unexpected."""
    rows = stored_keys(folder / "config.toml")
    mine = [(kind, ext) for source, kind, ext in rows if source == world.name]
    counts = Counter(mine)
    want = world.expected()
    outcome.expected = len(want)
    outcome.lost = len(want - set(counts))
    outcome.missing = sorted(want - set(counts))[:10]
    outcome.duplicates = sum(n - 1 for n in counts.values() if n > 1)
    outcome.extra = len(set(counts) - want)


def run_faults(
    connector: str,
    *,
    kinds: tuple[str, ...] | None = None,
    rate: float = 0.45,
    seed: int = 1,
    transform: Any = None,
    before: Any = None,
    scenario: str = "every fault kind, mixed",
    max_runs: int = 1,
) -> Outcome:
    """Collect through a faulty proxy; rerun (clean) up to `max_runs` while a stream fails."""
    started = time.monotonic()
    outcome = Outcome(scenario, connector)
    with open_world(connector) as world, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan = Plan(
            kinds=kinds if kinds is not None else kinds_for(world),
            rate=rate,
            seed=seed,
            limits={"slow": 2 * scale()},
            slow_seconds=TIMEOUT + 0.4,
            transform=transform,
            before=before,
        )
        with FaultProxy(world.upstream, plan) as proxy:
            section = world.source_toml(proxy.root, timeout=TIMEOUT, max_retries=6)
            write_config(folder, section)
            sleeps = Sleeps()
            outcome.runs = 0
            for _ in range(max_runs):
                report = collect(
                    folder / "config.toml", world.env, since=world.since, sleeps=sleeps
                )
                outcome.runs += 1
                outcome.retries += sum(r.retries for r in report.records)
                outcome.statuses += [r.status for r in report.records]
                outcome.errors += [r.error for r in report.records if r.error]
                if report.ok:
                    break
        outcome.faults, outcome.by_kind = proxy.faults, dict(proxy.injected)
        tally(outcome, world, folder)
    outcome.seconds = round(time.monotonic() - started, 2)
    return record(outcome)


def run_down(connector: str) -> tuple[Outcome, str, list[str]]:
    """The source answers 503 to everything, beside a healthy copy of it.

    Returns the outcome of the healthy source, the failed source's message, and the
    healthy source's statuses.
    """
    outcome = Outcome("source stays down", connector)
    started = time.monotonic()
    with open_world(connector) as world, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with FaultProxy(world.upstream, Plan(kinds=("503",), always=True)) as dead:
            dead_section = world.source_toml(dead.root, name="down", timeout=TIMEOUT, max_retries=2)
            write_config(folder, world.source_toml(timeout=TIMEOUT), dead_section)
            report = collect(folder / "config.toml", world.env, since=world.since)
            outcome.faults, outcome.by_kind = dead.faults, dict(dead.injected)
        down_errors = [r.error or "" for r in report.records if r.source == "down"]
        healthy = [r.status for r in report.records if r.source == world.name]
        tally(outcome, world, folder)
    outcome.seconds = round(time.monotonic() - started, 2)
    outcome.statuses = healthy
    record(outcome)
    return outcome, down_errors[0] if down_errors else "", healthy


def run_changing(
    connector: str, *, seed: int = 3
) -> tuple[Outcome, dict[str, str], dict[str, str]]:
    """Items are edited upstream while the first run pages through them (with faults on);
    the next, incremental run must leave every item once with its new title.

    Returns the outcome, the edits (external_id -> title) and the stored titles of them.
    """
    started = time.monotonic()
    outcome = Outcome("items edited between pages", connector, runs=2)
    edits: dict[str, str] = {}
    with open_world(connector) as world, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def before(count: int, _path: str) -> None:
            if count == 4 and not edits:  # after the first pages were read
                edits.update(edit_items(world, 3, datetime.now(UTC)))

        plan = Plan(
            kinds=kinds_for(world),
            rate=0.3,
            seed=seed,
            limits={"slow": 1},
            slow_seconds=TIMEOUT + 0.4,
            before=before,
        )
        with FaultProxy(world.upstream, plan) as proxy:
            write_config(folder, world.source_toml(proxy.root, timeout=TIMEOUT, max_retries=6))
            first = collect(folder / "config.toml", world.env, since=world.since)
            second = collect(folder / "config.toml", world.env)  # from the stored cursors
        for report in (first, second):
            outcome.retries += sum(r.retries for r in report.records)
            outcome.statuses += [r.status for r in report.records]
            outcome.errors += [r.error for r in report.records if r.error]
        outcome.faults, outcome.by_kind = proxy.faults, dict(proxy.injected)
        tally(outcome, world, folder)
        titles = stored_titles(folder / "config.toml", set(edits))
    outcome.seconds = round(time.monotonic() - started, 2)
    record(outcome)
    return outcome, edits, titles
