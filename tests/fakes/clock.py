"""A wall clock that moves only when the code under test waits (no test ever sleeps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class FakeClock:
    """`wait(s)` advances the time by s. `jumps[k]`, if set, is extra time that passes in
    the first wait after the k-th run (`runs` is counted by the test): a laptop asleep."""

    now_value: datetime = T0
    waits: list[float] = field(default_factory=list)
    jumps: dict[int, timedelta] = field(default_factory=dict)
    runs: int = 0

    def now(self) -> datetime:
        return self.now_value

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now_value += timedelta(seconds=seconds) + self.jumps.pop(self.runs, timedelta(0))
        return False

    def advance(self, span: timedelta) -> None:
        self.now_value += span
