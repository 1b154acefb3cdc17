"""Weekly jobs: once per ISO week in the owner's timezone, from their weekday on."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from collector.daemon.hooks import WeeklyGate, run_hooks
from collector.pipeline import RunReport

BERLIN = ZoneInfo("Europe/Berlin")


def report(*when: int) -> RunReport:
    return RunReport(started_at=datetime(*when, tzinfo=UTC))  # type: ignore[misc]


def test_runs_on_the_first_run_from_its_weekday_once_per_week() -> None:
    ran: list[datetime] = []
    done = {"export": "2026-W48"}
    gate = WeeklyGate("export", lambda r: ran.append(r.started_at), BERLIN, done, "mon")
    gate(report(2026, 11, 29, 22, 30))  # Sunday 23:30 in Berlin: week 48 is done
    gate(report(2026, 11, 29, 23, 30))  # Monday 00:30 in Berlin: yes
    gate(report(2026, 12, 2, 9, 0))  # Wednesday, same week: done already
    gate(report(2026, 12, 8, 9, 0))  # next Tuesday (Monday was missed): yes
    assert ran == [
        datetime(2026, 11, 29, 23, 30, tzinfo=UTC),
        datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
    ]
    assert done == {"export": "2026-W50"}


def test_a_failed_weekly_job_is_tried_again_on_the_next_run() -> None:
    attempts: list[int] = []

    def flaky(r: RunReport) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("disk full")

    done: dict[str, str] = {}
    gate = WeeklyGate("export", flaky, BERLIN, done, "fri")
    assert run_hooks([gate], report(2026, 11, 27, 9, 0)) == [
        "after-run step export failed: OSError: disk full"
    ]
    assert done == {}
    assert run_hooks([gate], report(2026, 11, 27, 10, 0)) == []
    assert done == {"export": "2026-W48"} and len(attempts) == 2


@pytest.mark.parametrize("weekday", ["mon", "sun"])
def test_each_weekday_counts_from_itself(weekday: str) -> None:
    ran: list[int] = []
    gate = WeeklyGate("x", lambda r: ran.append(1), BERLIN, {}, weekday)
    gate(report(2026, 11, 28, 12, 0))  # a Saturday
    assert ran == ([1] if weekday == "mon" else [])
