"""The daemon against the fake GitHub: three cycles on a short interval, virtual time.

The real GitHub connector talks HTTP to the loopback fake; the daemon's clock, the
pipeline's clock and the connector's `now` are one fake clock, so the run windows,
cursors and the interval all line up without any test waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fakes.clock import T0, FakeClock
from fakes.github_data import Dataset, generate
from fakes.github_fake import FakeGitHub
from fakes.github_pairing import expected_pairings
from sqlalchemy import select

from collector.collect import run_collect
from collector.config import load_settings
from collector.daemon.loop import Daemon, Outcome
from collector.daemon.service import last_finished_run, policy_for
from collector.daemon.state import DaemonState, StateStore
from collector.ledger import open_ledger
from collector.ledger.models import CursorRow, ItemRow, RunRow
from collector.pipeline import CollectOptions, RunReport, SilentProgress
from connectors.base import Runtime

TOKEN = "owner-token"


@pytest.fixture
def fake(clock: FakeClock) -> Iterator[FakeGitHub]:
    server = FakeGitHub(generate(owner_prs=40, other_prs=20), clock=lambda: clock.now().timestamp())
    yield server.start()
    server.stop()
    assert server.errors == []


def test_three_cycles_on_a_short_interval_collect_once_then_only_what_is_new(
    tmp_path: Path, fake: FakeGitHub, clock: FakeClock
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[owner]
timezone = "UTC"

[ledger]
url = "sqlite:///{tmp_path / "ledger.db"}"

[collect]
first_run_days = 120

[schedule]
interval = "2m"
jitter = "0s"

[[sources]]
name = "gh"
type = "github"
base_url = "{fake.base_url}"
token_env = "GITHUB_TOKEN"
max_retries = 1
""",
        encoding="utf-8",
    )
    settings = load_settings(config, env={})
    ledger = open_ledger(settings.ledger_url, settings.owner.key)
    runtime = Runtime(sleep=clock.wait, now=clock.now)
    stop = threading.Event()
    requests: list[int] = []

    def collect(event: threading.Event) -> RunReport:
        return run_collect(
            settings,
            ledger,
            CollectOptions(trigger="daemon"),
            env={"GITHUB_TOKEN": TOKEN},
            progress=SilentProgress(),
            runtime=runtime,
            clock=clock.now,
            stop=event,
        )

    def count(report: RunReport) -> None:
        requests.append(sum(r.requests for r in report.records))
        if len(requests) == 3:
            stop.set()

    now = clock.now()
    daemon = Daemon(
        policy=policy_for(settings),
        collect=collect,
        store=StateStore(tmp_path / "state.json"),
        state=DaemonState(1, "test", "default", "x", "every 2m", now, now),
        last_run=last_finished_run(ledger),
        now=clock.now,
        wait=clock.wait,
        stop=stop,
        hooks=[count],
        draw=lambda: 0.0,
    )
    try:
        assert daemon.serve() == 0
        with ledger.read() as session:
            runs = list(session.scalars(select(RunRow).order_by(RunRow.id)))
            items = list(session.scalars(select(ItemRow)))
            cursors = {c.stream: c.position for c in session.scalars(select(CursorRow))}
    finally:
        ledger.close()

    assert [c.started_at for c in daemon.cycles] == [T0 + timedelta(minutes=m) for m in (0, 2, 4)]
    assert [c.outcome for c in daemon.cycles] == [Outcome.OK] * 3
    assert [(r.trigger, r.status) for r in runs] == [("daemon", "ok")] * 3
    dataset: Dataset = fake.dataset
    since = T0 - timedelta(days=120)
    expected = (
        dataset.expected_authored(since, T0)
        | dataset.expected_reviewed(since, T0)
        | dataset.expected_docs(since, T0)
        | expected_pairings(dataset, since, T0)
    )
    assert {i.external_id for i in items} == expected and len(items) == len(expected)
    reports = [c.report for c in daemon.cycles if c.report is not None]
    assert [sum(r.new for r in p.records) for p in reports] == [len(expected), 0, 0]
    # Later cycles read only the overlap window: a request or two per stream.
    assert requests[0] > requests[1] and requests[1] <= 2 * len(cursors) and requests[2] <= 6
    assert set(cursors.values()) == {T0 + timedelta(minutes=4) - timedelta(minutes=10)}
