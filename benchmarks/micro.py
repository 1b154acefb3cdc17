"""Figures that need no fake server: ledger upserts, weekly drafting, export."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from collector.config import load_settings
from collector.ledger import Ledger
from collector.ledger.db import open_ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow
from collector.progress import draft_weeks
from connectors.item import Item

BATCH = 200  # the collector's default batch size
PG_URL = os.environ.get("GROWTHMAP_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")


@dataclass(frozen=True)
class UpsertFigure:
    backend: str
    items: int
    insert_per_s: float  # new items
    unchanged_per_s: float  # the same items again: compared, nothing written
    update_per_s: float  # every item changed upstream


def make_items(count: int, now: datetime, seed: int = 5) -> list[Item]:
    """Pull requests over the past year, the size of real ones (a body, a dozen paths)."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        at = now - timedelta(seconds=rng.randrange(365 * 86400))
        items.append(
            Item(
                source="github",
                kind="pull_request",
                external_id=f"acme/api#{n}",
                url=f"https://github.example/acme/api/pull/{n}",
                title=f"Change {n}: add retries to the payment client",
                created_at=at - timedelta(hours=5),
                updated_at=at,
                occurred_at=at,
                state="merged",
                body="Why and how. " * rng.randrange(5, 70),
                repo="acme/api",
                author="octo",
                labels=("perf", "payments"),
                paths=tuple(f"src/pay/module_{n}_{k}.py" for k in range(rng.randrange(1, 14))),
                additions=rng.randrange(1, 500),
                deletions=rng.randrange(0, 100),
                changed_files=3,
                extra={"reviews": {"count": 2, "approvals": 1}},
            )
        )
    return items


def _changed(item: Item) -> Item:
    from dataclasses import replace

    return replace(item, title=item.title + " (edited)")


def _through(ledger: Ledger, items: list[Item], now: datetime) -> float:
    """Items per second through record_items, in the collector's batches."""
    started = time.perf_counter()
    for start in range(0, len(items), BATCH):
        with ledger.write() as session:
            record_items(session, ledger.owner, items[start : start + BATCH], now)
    return len(items) / (time.perf_counter() - started)


def measure_upserts(url: str, backend: str, count: int) -> UpsertFigure:
    now = datetime.now(UTC)
    items = make_items(count, now)
    ledger = open_ledger(url, "bench")
    try:
        inserted = _through(ledger, items, now)
        unchanged = _through(ledger, items, now)
        updated = _through(ledger, [_changed(i) for i in items], now)
        with ledger.read() as session:
            stored = session.query(ItemRow).count()
        if stored != count:
            raise RuntimeError(f"{backend}: {stored} rows stored for {count} items")
    finally:
        ledger.close()
    return UpsertFigure(backend, count, inserted, unchanged, updated)


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A fresh database on the test PostgreSQL server, or None when none answers."""
    try:
        import psycopg
        from sqlalchemy.engine import make_url
    except ImportError:
        yield None
        return
    url = make_url(PG_URL)
    params: dict[str, Any] = {
        "host": url.host,
        "port": url.port or 5432,
        "user": url.username,
        "password": url.password,
        "dbname": url.database,
        "autocommit": True,
        "connect_timeout": 2,
    }
    name = f"growthmap_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(**params) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        yield None
        return
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class DraftFigure:
    items: int
    weeks: int
    seconds: float


def measure_drafting(config: Path, env: dict[str, str]) -> DraftFigure:
    """Draft every week of the ledger a cold collect filled (a year of evidence)."""
    settings = load_settings(config, env)
    ledger = open_ledger(settings.ledger_url, settings.owner.key)
    try:
        with ledger.read() as session:
            moments = [m for (m,) in session.query(ItemRow.occurred_at)]
        now = datetime.now(UTC)
        started = time.perf_counter()
        weeks = draft_weeks(ledger, settings, [_aware(m) for m in moments], now)
        seconds = time.perf_counter() - started
    finally:
        ledger.close()
    return DraftFigure(len(moments), len(weeks), seconds)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ExportFigure:
    available: bool
    output: str


def measure_export(items: int = 20_000, repeat: int = 3) -> ExportFigure:
    """Run `benchmarks/bench_export.py` (written with the export feature) when it exists."""
    script = Path(__file__).with_name("bench_export.py")
    if not script.exists():
        return ExportFigure(False, "")
    done = subprocess.run(
        [sys.executable, str(script), "--items", str(items), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=script.parent.parent,
    )
    return ExportFigure(True, (done.stdout + done.stderr).strip())
