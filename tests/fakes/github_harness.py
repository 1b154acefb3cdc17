"""Helpers for tests against the fake GitHub: a virtual clock and connector construction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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


def collect(
    conn: GitHubConnector, stream: str, since: datetime, until: datetime | None = None
) -> list[Item]:
    return list(conn.fetch(stream, since, until))


def ids(items: list[Item]) -> list[str]:
    return [i.external_id for i in items]
