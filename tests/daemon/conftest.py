"""Fixtures for the daemon's and the schedule's tests: a fake clock, the in-memory source,
settings."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fakes import memory
from fakes.clock import FakeClock

from collector.config import Settings, parse_settings, read_toml
from collector.ledger import Ledger, open_ledger
from connectors import registry

TOKEN = "memory-token-abcdef"
SCHEDULE = '\n[schedule]\ninterval = "1h"\njitter = "0s"\n'


@pytest.fixture(autouse=True)
def memory_source_type() -> Iterator[None]:
    registry.register(memory.TYPE, memory.TARGET)
    memory.WORLD.__init__()  # type: ignore[misc]
    yield


@pytest.fixture(autouse=True)
def growthmap_logger_propagates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI points the "growthmap" logger at stderr and stops it propagating, which
    lasts for the whole test process: undo that per test so caplog sees the records."""
    own = logging.getLogger("growthmap")
    monkeypatch.setattr(own, "propagate", True)
    monkeypatch.setattr(own, "handlers", [])
    monkeypatch.setattr(own, "level", logging.NOTSET)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Settings]:
    """Settings of the memory source plus `extra` TOML, in a config file in tmp_path."""
    monkeypatch.setenv("MEMORY_TOKEN", TOKEN)

    def make(extra: str = SCHEDULE) -> Settings:
        path = memory.write_config(tmp_path, memory.CONFIG + extra)
        return parse_settings(read_toml(path), path)

    return make


@pytest.fixture
def settings(make_settings: Callable[[str], Settings]) -> Settings:
    return make_settings(SCHEDULE)


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    opened = open_ledger(settings.ledger_url, settings.owner.key)
    yield opened
    opened.close()
