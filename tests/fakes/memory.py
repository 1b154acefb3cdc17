"""An in-memory connector for pipeline tests: items live in a list, faults on demand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar, Literal

from connectors.base import Connector, SourceConfig, Stream
from connectors.errors import AuthError, SourceUnavailable
from connectors.item import Item

TYPE = "memory"
TARGET = "fakes.memory:MemoryConnector"


class MemoryConfig(SourceConfig):
    type: Literal["memory"] = "memory"
    base_url: str = "memory://"
    token_env: str = "MEMORY_TOKEN"


class World:
    """What the fake upstream holds, shared by every connector instance of a test."""

    def __init__(self) -> None:
        self.items: dict[str, list[Item]] = {"things": [], "others": []}
        self.fail_after: dict[str, int] = {}  # stream -> raise after yielding N items
        self.auth_fails = False
        self.rate_limit_wait = 0.0  # seconds every fetch waits first, through runtime.sleep
        self.fetches: list[tuple[str, datetime, datetime | None]] = []


WORLD = World()


class MemoryConnector(Connector):
    type_name = TYPE
    config_model = MemoryConfig
    all_streams: ClassVar[list[Stream]] = [
        Stream("things", "pull_request", lag=timedelta(minutes=5)),
        Stream("others", "ticket"),
    ]

    def fetch(self, stream: str, since: datetime, until: datetime | None = None) -> Iterator[Item]:
        WORLD.fetches.append((stream, since, until))
        self.stats.count(requests=1)
        if WORLD.auth_fails:
            raise AuthError(f"source {self.name!r}: 401 Bad credentials")
        if WORLD.rate_limit_wait:
            self.runtime.sleep(WORLD.rate_limit_wait)
            self.stats.count(retries=1, rate_limit_waits=1, waited_seconds=WORLD.rate_limit_wait)
        limit = WORLD.fail_after.get(stream)
        chosen = [
            i
            for i in WORLD.items[stream]
            if i.updated_at >= since and (until is None or i.updated_at < until)
        ]
        for count, item in enumerate(sorted(chosen, key=lambda i: i.updated_at)):
            if limit is not None and count >= limit:
                raise SourceUnavailable(f"source {self.name!r}: 502 Bad Gateway after retries")
            yield item


def make_item(
    number: int,
    *,
    updated: datetime,
    title: str = "",
    source: str = "mem",
    kind: str = "pull_request",
) -> Item:
    return Item(
        source=source,
        kind=kind,
        external_id=f"acme/app#{number}",
        url=f"https://example.test/acme/app/pull/{number}",
        title=title or f"Change {number}",
        created_at=updated - timedelta(days=1),
        updated_at=updated,
        occurred_at=updated,
        state="merged",
        repo="acme/app",
        author="ada",
        labels=("backend",),
        paths=(f"src/module_{number}.py",),
        additions=10,
        deletions=2,
        changed_files=1,
        extra={"number": number},
        raw={"number": number, "title": title},
    )


def now() -> datetime:
    return datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def write_config(folder: Path, body: str, name: str = "config.toml") -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


CONFIG = """
[owner]
name = "Ada"
timezone = "Europe/Berlin"

[ledger]
url = "sqlite:///ledger.db"

[[sources]]
name = "mem"
type = "memory"
token_env = "MEMORY_TOKEN"
"""
