"""Run the real collect pipeline (`collector.collect.run_collect`) into a real ledger and
read back what it stored."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from collector.collect import run_collect
from collector.config import Settings, load_settings
from collector.ledger import Ledger, open_ledger
from collector.ledger.models import CursorRow, ItemRow
from collector.pipeline import CollectOptions, RunReport, SilentProgress
from connectors.base import Runtime

Key = tuple[str, str, str]  # (source, kind, external_id)


@dataclass
class Sleeps:
    """Stands in for time.sleep in connectors: records each wait, returns at once."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def write_config(folder: Path, *sources: str, ledger_url: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    url = ledger_url or f"sqlite:///{folder / 'ledger.db'}"
    body = f'[owner]\nname = "Ada"\ntimezone = "UTC"\n\n[ledger]\nurl = "{url}"\n\n'
    path = folder / "config.toml"
    path.write_text(body + "\n".join(sources), encoding="utf-8")
    return path


def settings_for(config: Path) -> Settings:
    return load_settings(config, env={})


def collect(
    config: Path,
    env: dict[str, str],
    *,
    since: datetime | None = None,
    sleeps: Sleeps | None = None,
    clock: Callable[[], datetime] | None = None,
) -> RunReport:
    settings = settings_for(config)
    ledger = open_ledger(settings.ledger_url, settings.owner.key)
    runtime = Runtime(
        sleep=sleeps or Sleeps(),
        now=clock or (lambda: datetime.now(UTC)),
        logger=logging.getLogger("growthmap"),
    )
    try:
        return run_collect(
            settings,
            ledger,
            CollectOptions(since=since),
            env=env,
            progress=SilentProgress(),
            runtime=runtime,
            clock=clock or (lambda: datetime.now(UTC)),
        )
    finally:
        ledger.close()


def open_config_ledger(config: Path) -> Ledger:
    settings = settings_for(config)
    return open_ledger(settings.ledger_url, settings.owner.key)


def stored(ledger: Ledger) -> list[Key]:
    """Every stored item's key, duplicates included (a list, not a set, on purpose)."""
    with ledger.read() as session:
        rows = session.execute(select(ItemRow.source, ItemRow.kind, ItemRow.external_id))
        return [(r[0], r[1], r[2]) for r in rows]


def stored_keys(config: Path) -> list[Key]:
    ledger = open_config_ledger(config)
    try:
        return stored(ledger)
    finally:
        ledger.close()


def latest_item_update(ledger: Ledger, source: str) -> datetime | None:
    with ledger.read() as session:
        value = session.scalar(select(func.max(ItemRow.updated_at)).where(ItemRow.source == source))
    return value


def cursor_rows(ledger: Ledger) -> list[CursorRow]:
    with ledger.read() as session:
        return list(session.scalars(select(CursorRow)))


def stored_titles(config: Path, external_ids: set[str]) -> dict[str, str]:
    ledger = open_config_ledger(config)
    try:
        with ledger.read() as session:
            rows = session.execute(
                select(ItemRow.external_id, ItemRow.title).where(
                    ItemRow.external_id.in_(external_ids)
                )
            )
            return {r[0]: r[1] for r in rows}
    finally:
        ledger.close()
