"""Helpers for tests against the fake GitHub: a virtual clock and connector construction."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors.base import Runtime
from connectors.github import GitHubConfig, GitHubConnector
from connectors.item import Item
from fakes.github_data import Dataset
from fakes.github_fake import FakeGitHub


@dataclass
class Clock:
    """Virtual time: `sleep` advances it instead of waiting, and is recorded."""

    now: datetime = datetime(2026, 12, 1, tzinfo=UTC)
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)

    def timestamp(self) -> float:
        return self.now.timestamp()


def start_fake(dataset: Dataset, clock: Clock) -> FakeGitHub:
    return FakeGitHub(dataset, clock=clock.timestamp).start()


@contextmanager
def serving(dataset: Dataset, clock: Clock | None = None) -> Iterator[FakeGitHub]:
    """The fake GitHub for one test (on real time without a clock); the fake itself must
    not have failed."""
    server = FakeGitHub(dataset, clock=clock.timestamp) if clock else FakeGitHub(dataset)
    server.start()
    try:
        yield server
    finally:
        server.stop()
    assert server.errors == [], "the fake GitHub itself failed"


def connector(
    fake: FakeGitHub, clock: Clock, *, token: str = "owner-token", **settings: Any
) -> GitHubConnector:
    config = GitHubConfig.model_validate(
        {"name": "gh", "type": "github", "base_url": fake.base_url, **settings}
    )
    runtime = Runtime(
        sleep=clock.sleep, now=lambda: clock.now, logger=logging.getLogger("growthmap.test")
    )
    return GitHubConnector(config, token, runtime)


def write_config(folder: Path, fake: FakeGitHub, *extra_lines: str) -> Path:
    """A config.toml in `folder` with a ledger there and one GitHub source "gh" on the
    fake, its token in $GITHUB_TOKEN; `extra_lines` go into the source's section."""
    path = folder / "config.toml"
    lines = [
        "[owner]",
        'name = "Octo"',
        'timezone = "UTC"',
        "",
        "[ledger]",
        f'url = "sqlite:///{folder / "ledger.db"}"',
        "",
        "[[sources]]",
        'name = "gh"',
        'type = "github"',
        f'base_url = "{fake.base_url}"',
        'token_env = "GITHUB_TOKEN"',
        *extra_lines,
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def collect(
    conn: GitHubConnector, stream: str, since: datetime, until: datetime | None = None
) -> list[Item]:
    return list(conn.fetch(stream, since, until))


def ids(items: list[Item]) -> list[str]:
    return [i.external_id for i in items]
