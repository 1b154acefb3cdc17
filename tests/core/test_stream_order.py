"""A source's streams run after the streams they need, several at once where the
connector allows, and each stream's requests are counted as its own."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from fakes.memory import CONFIG, MemoryConfig, MemoryConnector, make_item, now, write_config

from collector.config import load_settings
from collector.ledger import open_ledger
from collector.pipeline import CollectOptions, Collector
from collector.pipeline.stream_order import run_streams
from connectors.base import SourceConfig
from connectors.item import Item
from connectors.streams import Stream

NOW = now()


def test_a_stream_starts_only_after_the_streams_it_needs_finished() -> None:
    streams = [
        Stream("docs", "design_doc", needs=("prs",)),
        Stream("prs", "pull_request"),
        Stream("reviews", "review"),
    ]
    events: list[str] = []
    lock = threading.Lock()

    def run(stream: Stream) -> None:
        with lock:
            events.append(f"start {stream.name}")
        with lock:
            events.append(f"end {stream.name}")

    run_streams(streams, 3, run)
    assert events.index("start docs") > events.index("end prs")
    assert sorted(e for e in events if e.startswith("start")) == [
        "start docs",
        "start prs",
        "start reviews",
    ]


def test_independent_streams_overlap_up_to_the_bound() -> None:
    both_running = threading.Barrier(2, timeout=5)  # fails unless two run at once

    def run(stream: Stream) -> None:
        both_running.wait()

    run_streams([Stream("a", "x"), Stream("b", "x")], 2, run)


def test_one_worker_runs_streams_in_order_in_this_thread() -> None:
    seen: list[tuple[str, str]] = []

    def run(stream: Stream) -> None:
        seen.append((stream.name, threading.current_thread().name))

    run_streams([Stream("b", "x", needs=("a",)), Stream("a", "x")], 1, run)
    main = threading.current_thread().name
    assert seen == [("a", main), ("b", main)]


def test_streams_that_need_each_other_are_refused() -> None:
    with pytest.raises(ValueError, match="cycle"):
        run_streams([Stream("a", "x", needs=("b",)), Stream("b", "x", needs=("a",))], 2, print)


class _Costly(MemoryConnector):
    """Two streams that run at once, each making its own number of requests."""

    parallel_streams = 2
    cost: ClassVar[dict[str, int]] = {"things": 5, "others": 2}
    started = threading.Barrier(2, timeout=5)

    def fetch(self, stream: str, since: datetime, until: datetime | None = None) -> Iterator[Item]:
        self.started.wait()  # both streams are in flight before either counts
        for _ in range(self.cost[stream]):
            self.stats.count(requests=1)
        yield make_item(1 if stream == "things" else 2, updated=NOW - timedelta(hours=1))


def test_streams_running_at_once_each_report_their_own_requests(tmp_path: Path) -> None:
    settings = load_settings(
        write_config(tmp_path, CONFIG.replace("ledger.db", str(tmp_path / "l.db"))), env={}
    )
    ledger = open_ledger(settings.ledger_url, settings.owner.key)

    def factory(source: SourceConfig) -> _Costly:
        assert isinstance(source, MemoryConfig)
        return _Costly(source, "memory-token-123456")

    try:
        report = Collector(settings, ledger, factory, CollectOptions(), clock=lambda: NOW).run()
    finally:
        ledger.close()
    assert {r.stream: r.requests for r in report.records} == {"things": 5, "others": 2}
    assert report.ok
