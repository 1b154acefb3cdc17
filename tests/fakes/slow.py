"""A connector that can stop half-way through a stream until the test lets it go on.

For tests that need a real `growthmap` subprocess caught in the middle of a run (lock
contention, SIGTERM, SIGKILL). The subprocess finds it as a connector plugin: a
distribution on its PYTHONPATH declares it in `growthmap.connectors` (tests/plugin_dist.py).

The gate is a pair of pipes, not files and sleeps: $SLOW_GATE="W,R" names two inherited
file descriptors. After `pause_after` items the connector writes one line to W
("paused <pid>") and blocks until a byte arrives on R (or `gate_timeout` passes). Only
the first stream of the process pauses, once.
"""

from __future__ import annotations

import os
import select
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import ClassVar, Literal

from connectors.base import Connector, SourceConfig, Stream
from connectors.errors import SourceUnavailable
from connectors.item import Item
from fakes.memory import make_item

TYPE = "slow"
TARGET = "fakes.slow:SlowConnector"
GATE_ENV = "SLOW_GATE"
_gate = {"passed": False}  # one pause per process


class SlowConfig(SourceConfig):
    type: Literal["slow"] = "slow"
    base_url: str = "slow://"
    token_env: str = "SLOW_TOKEN"
    items: int = 6
    anchor: datetime  # item n is updated at anchor + n minutes
    pause_after: int | None = None
    gate_timeout: float = 20.0


class SlowConnector(Connector):
    type_name = TYPE
    config_model = SlowConfig
    all_streams: ClassVar[list[Stream]] = [Stream("changes", "pull_request")]

    def fetch(self, stream: str, since: datetime, until: datetime | None = None) -> Iterator[Item]:
        config = self.config
        assert isinstance(config, SlowConfig)
        for number in range(1, config.items + 1):
            updated = config.anchor + timedelta(minutes=number)
            if updated < since or (until is not None and updated >= until):
                continue
            if number - 1 == config.pause_after:
                self._wait_at_gate(config.gate_timeout)
            self.stats.count(requests=1)
            yield make_item(number, updated=updated, source=self.name)

    def _wait_at_gate(self, timeout: float) -> None:
        gate = os.environ.get(GATE_ENV)
        if not gate or _gate["passed"]:
            return
        _gate["passed"] = True
        notify, release = (int(fd) for fd in gate.split(","))
        os.write(notify, f"paused {os.getpid()}\n".encode())
        ready, _, _ = select.select([release], [], [], timeout)
        if not ready:
            raise SourceUnavailable(f"source {self.name!r}: the test never opened the gate")
        os.read(release, 1)
