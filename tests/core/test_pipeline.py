"""The collect loop against an in-memory connector: idempotence, no gaps, isolation."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fakes import memory
from fakes.memory import CONFIG, WORLD, make_item, now, write_config
from sqlalchemy import func, select

from collector.cli.collect_view import report_json
from collector.collect import run_collect
from collector.collect.summary import cron_lines
from collector.config import Settings, load_settings
from collector.ledger import Ledger, open_ledger
from collector.ledger.models import ItemRow, RunRow, RunStreamRow
from collector.ledger.runs import get_cursor
from collector.pipeline import CollectOptions, RunReport, SilentProgress
from connectors.base import Runtime

TOKEN = {"MEMORY_TOKEN": "memory-token-123456"}
NOW = now()


@pytest.fixture
def settings(tmp_path: Path, ledger_url: str) -> Settings:
    body = CONFIG.replace('url = "sqlite:///ledger.db"', f'url = "{ledger_url}"')
    body += "\n[collect]\nbatch_size = 3\n"
    return load_settings(write_config(tmp_path, body), env={})


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    ledger = open_ledger(settings.ledger_url, settings.owner.key)
    yield ledger
    ledger.close()


def collect(
    settings: Settings,
    ledger: Ledger,
    at: datetime = NOW,
    env: dict[str, str] = TOKEN,
    **options: object,
) -> RunReport:
    return run_collect(
        settings,
        ledger,
        CollectOptions(**options),  # type: ignore[arg-type]
        env=env,
        progress=SilentProgress(),
        clock=lambda: at,
    )


def stored(ledger: Ledger) -> int:
    with ledger.read() as session:
        return session.scalar(select(func.count()).select_from(ItemRow)) or 0


def cursor(ledger: Ledger, stream: str = "things") -> datetime | None:
    with ledger.read() as session:
        return get_cursor(session, ledger.owner, "mem", stream)


def seed(count: int, start: datetime = NOW - timedelta(days=2)) -> None:
    WORLD.items["things"] = [
        make_item(n, updated=start + timedelta(minutes=n)) for n in range(count)
    ]


def test_second_run_over_the_same_window_writes_nothing(settings: Settings, ledger: Ledger) -> None:
    seed(7)
    first = collect(settings, ledger)
    assert first.exit_code == 0
    things = next(r for r in first.records if r.stream == "things")
    assert (things.new, things.updated, things.unchanged) == (7, 0, 0)
    again = collect(settings, ledger, since=now() - timedelta(days=3))
    things = next(r for r in again.records if r.stream == "things")
    assert (things.new, things.updated, things.unchanged) == (0, 0, 7)
    assert stored(ledger) == 7


def test_cursor_is_run_start_minus_lag_and_next_run_overlaps(
    settings: Settings, ledger: Ledger
) -> None:
    seed(2)
    collect(settings, ledger)
    assert cursor(ledger) == now() - timedelta(minutes=5)  # the stream's lag
    assert cursor(ledger, "others") == now()
    later = now() + timedelta(hours=1)
    collect(settings, ledger, at=later)
    since = WORLD.fetches[-2][1]  # the "things" fetch of the second run
    assert since == now() - timedelta(minutes=5) - timedelta(minutes=10)


def test_first_run_looks_back_first_run_days(settings: Settings, ledger: Ledger) -> None:
    collect(settings, ledger)
    assert WORLD.fetches[0][1] == now() - timedelta(days=30)


def test_crash_between_batches_loses_nothing(settings: Settings, ledger: Ledger) -> None:
    seed(8)
    WORLD.fail_after["things"] = 5  # two batches of 3 would be stored, then the page fails
    report = collect(settings, ledger)
    failed = next(r for r in report.records if r.stream == "things")
    assert failed.status == "failed" and "502" in (failed.error or "")
    assert report.exit_code == 1
    assert cursor(ledger) is None  # not advanced: the next run fetches the window again
    assert stored(ledger) == 3
    WORLD.fail_after.clear()
    assert collect(settings, ledger, at=now() + timedelta(minutes=1)).exit_code == 0
    assert stored(ledger) == 8


def test_backfill_never_moves_the_cursor_back(settings: Settings, ledger: Ledger) -> None:
    seed(3)
    collect(settings, ledger)
    before = cursor(ledger)
    collect(settings, ledger, at=now() - timedelta(days=1), since=now() - timedelta(days=90))
    assert cursor(ledger) == before


def test_a_window_that_leaves_a_gap_does_not_advance_the_cursor(
    settings: Settings, ledger: Ledger
) -> None:
    seed(3)
    collect(settings, ledger)
    before = cursor(ledger)
    later = now() + timedelta(days=10)
    collect(settings, ledger, at=later, since=later - timedelta(hours=1))
    assert cursor(ledger) == before  # days 0..10 were never read
    collect(settings, ledger, at=later, until=later - timedelta(hours=2))
    assert cursor(ledger) == before  # a bounded window never reaches now


def test_missing_token_skips_the_source_with_a_message(settings: Settings, ledger: Ledger) -> None:
    report = collect(settings, ledger, env={})
    (record,) = report.records
    assert record.status == "skipped"
    assert "MEMORY_TOKEN is not set" in (record.error or "")
    assert report.exit_code == 1


def test_auth_failure_fails_every_stream_once_without_retrying(
    settings: Settings, ledger: Ledger
) -> None:
    WORLD.auth_fails = True
    report = collect(settings, ledger)
    assert [r.status for r in report.records] == ["failed", "failed"]
    assert len(WORLD.fetches) == 1


def test_dry_run_writes_nothing(settings: Settings, ledger: Ledger) -> None:
    seed(4)
    report = collect(settings, ledger, dry_run=True)
    assert next(r for r in report.records if r.stream == "things").new == 4
    assert stored(ledger) == 0
    assert cursor(ledger) is None
    with ledger.read() as session:
        assert session.scalar(select(func.count()).select_from(RunRow)) == 0


def test_run_record_keeps_counts_and_requests(settings: Settings, ledger: Ledger) -> None:
    seed(4)
    report = collect(settings, ledger)
    with ledger.read() as session:
        run = session.get(RunRow, report.run_id)
        rows = session.scalars(select(RunStreamRow).where(RunStreamRow.run_id == run.id)).all()
    assert run is not None and (run.status, run.exit_code) == ("ok", 0)
    assert {(r.stream, r.new, r.requests) for r in rows} == {("things", 4, 1), ("others", 0, 1)}


def test_tokens_never_reach_stored_errors(settings: Settings, ledger: Ledger) -> None:
    WORLD.auth_fails = True
    WORLD.items["things"] = []
    secret = TOKEN["MEMORY_TOKEN"]
    original = memory.MemoryConnector.fetch

    def leaky(self: memory.MemoryConnector, *args: object) -> object:
        raise RuntimeError(f"header Authorization: Bearer {secret}")

    memory.MemoryConnector.fetch = leaky  # type: ignore[method-assign, assignment]
    try:
        report = collect(settings, ledger)
    finally:
        memory.MemoryConnector.fetch = original  # type: ignore[method-assign]
    assert all(secret not in (r.error or "") for r in report.records)
    with ledger.read() as session:
        errors = session.scalars(select(RunStreamRow.error)).all()
    assert errors and all(secret not in (e or "") and "***" in (e or "") for e in errors)


class StopAfter(SilentProgress):
    """Asks the run to stop once `count` items have been fetched (as Ctrl-C would)."""

    def __init__(self, stop: threading.Event, count: int) -> None:
        self.stop, self.left = stop, count

    def items_fetched(self, source: str, stream: str, count: int) -> None:
        self.left -= count
        if self.left <= 0:
            self.stop.set()


def test_an_interrupted_run_keeps_what_it_read_and_says_which_streams_did_not_finish(
    settings: Settings, ledger: Ledger
) -> None:
    seed(8)
    stop = threading.Event()
    report = run_collect(
        settings,
        ledger,
        CollectOptions(),
        env=TOKEN,
        progress=StopAfter(stop, 5),
        clock=lambda: NOW,
        stop=stop,
    )

    assert report.exit_code == 130 and report.status == "interrupted"
    statuses = {r.stream: (r.status, r.new) for r in report.records}
    assert statuses == {"things": ("interrupted", 5), "others": ("interrupted", 0)}
    assert stored(ledger) == 5 and cursor(ledger) is None  # the next run reads it again
    assert cron_lines(report)[0].split()[2:4] == ["interrupted", "new=5"]
    assert collect(settings, ledger, at=NOW + timedelta(minutes=1)).exit_code == 0
    assert stored(ledger) == 8


def test_a_stop_ends_a_long_rate_limit_wait_at_once(settings: Settings, ledger: Ledger) -> None:
    # SIGTERM from systemd must not wait out a rate limit (up to 15 minutes).
    seed(3)
    memory.WORLD.rate_limit_wait = 60.0  # bounded, should this ever regress
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()

    report = run_collect(
        settings, ledger, CollectOptions(), env=TOKEN, progress=SilentProgress(), stop=stop
    )

    assert time.monotonic() - started < 10
    assert report.status == "interrupted" and report.exit_code == 130
    assert {r.status for r in report.records} == {"interrupted"}


def test_a_stream_says_how_long_it_waited_in_its_row_json_and_cron_line(
    settings: Settings, ledger: Ledger
) -> None:
    seed(2)
    memory.WORLD.rate_limit_wait = 42.0
    waits: list[float] = []
    report = run_collect(
        settings,
        ledger,
        CollectOptions(),
        env=TOKEN,
        progress=SilentProgress(),
        runtime=Runtime(sleep=waits.append),
        clock=lambda: NOW,
    )
    assert {r.stream: r.waited_s for r in report.records} == {"things": 42.0, "others": 42.0}
    assert "retries=2 waited=84s" in cron_lines(report)[0]
    assert report_json(report)["streams"][0]["waited_s"] == 42.0
    with ledger.read() as session:
        assert session.scalars(select(RunStreamRow.waited_s)).all() == [42.0, 42.0]
