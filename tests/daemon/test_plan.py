"""Next-run planning: schedule, jitter, backoff, catch-up — pure, no clock."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from fakes.clock import T0

from collector.schedule.cron import CronExpr
from collector.schedule.plan import Policy
from collector.schedule.spec import Schedule, format_duration, parse_duration

UTC_ZONE = ZoneInfo("UTC")
HOUR = timedelta(hours=1)
HOURLY = Schedule(zone=UTC_ZONE, interval=HOUR)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("1h30m", 5400), ("2d", 172800), ("1w", 604800), (" 1h 5m ", 3900)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is not a duration: use a number with a unit s, m, h, d or w"),
        ("1", "is not a duration"),
        ("1x", "is not a duration"),
        ("-5m", "is not a duration"),
        ("1.5h", "is not a duration"),
        ("0m", "must be longer than zero"),
        ("400d", "must be at most 366 days"),
    ],
)
def test_bad_durations_are_refused_with_the_accepted_forms(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(text)
    assert message in str(caught.value)


def test_zero_only_where_allowed_and_round_trip_formatting() -> None:
    assert parse_duration("0", allow_zero=True) == timedelta(0)
    assert format_duration(timedelta(hours=26, minutes=3)) == "1d2h3m"
    assert format_duration(timedelta(0)) == "0s"


def test_jitter_is_bounded_by_the_setting_and_half_the_gap() -> None:
    policy = Policy(HOURLY, jitter=timedelta(minutes=5))
    assert policy.jitter_at(T0, 0.0) == timedelta(0)
    assert policy.jitter_at(T0, 0.5) == timedelta(minutes=2, seconds=30)
    assert policy.jitter_at(T0, 0.999) < timedelta(minutes=5)
    short = Policy(Schedule(zone=UTC_ZONE, interval=timedelta(minutes=4)), jitter=HOUR)
    assert short.jitter_at(T0, 0.999) < timedelta(minutes=2)


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = Policy(HOURLY, backoff=timedelta(minutes=15), max_backoff=timedelta(hours=6))
    waits = [format_duration(policy.backoff_after(n)) for n in range(10)]
    assert waits == ["0s", "15m", "30m", "1h", "2h", "4h", "6h", "6h", "6h", "6h"]
    assert policy.backoff_after(10_000) == timedelta(hours=6)


def test_first_run_and_catch_up_happen_now_a_recent_run_keeps_its_rhythm() -> None:
    policy = Policy(HOURLY, jitter=timedelta(minutes=10))
    first = policy.first_due(last_start=None, last_end=None, failures=0, now=T0, draw=0.9)
    assert (first.due, first.reason) == (T0, "first run")
    late = policy.first_due(
        last_start=T0 - 5 * HOUR, last_end=T0 - 5 * HOUR, failures=0, now=T0, draw=0.9
    )
    assert (late.due, late.reason) == (T0, "catch-up")
    recent = policy.first_due(
        last_start=T0 - timedelta(minutes=10), last_end=None, failures=0, now=T0, draw=0.5
    )
    assert (recent.due, recent.reason) == (T0 + timedelta(minutes=55), "scheduled")


def test_backoff_only_ever_delays_the_schedule() -> None:
    policy = Policy(HOURLY, backoff=timedelta(minutes=15), max_backoff=timedelta(hours=6))
    first = policy.due_after_run(started=T0, finished=T0, failures=1, now=T0, draw=0)
    assert (first.due, first.reason) == (T0 + HOUR, "scheduled")  # 15m < the interval
    third = policy.due_after_run(started=T0, finished=T0, failures=3, now=T0, draw=0)
    assert (third.due, third.reason) == (T0 + HOUR, "scheduled")
    fourth = policy.due_after_run(started=T0, finished=T0, failures=4, now=T0, draw=0)
    assert (fourth.due, fourth.reason) == (T0 + 2 * HOUR, "backoff")


def test_backoff_on_a_cron_schedule_lands_on_a_slot() -> None:
    quarter = Schedule(zone=UTC_ZONE, cron=CronExpr.parse("*/15 * * * *"))
    policy = Policy(quarter, backoff=timedelta(minutes=20), max_backoff=HOUR)
    plan = policy.due_after_run(started=T0, finished=T0, failures=2, now=T0, draw=0)
    assert (plan.due, plan.reason) == (T0 + timedelta(minutes=45), "backoff")  # 40m -> :45


def test_a_run_longer_than_the_interval_does_not_start_the_next_at_once() -> None:
    policy = Policy(HOURLY)
    end = T0 + timedelta(minutes=90)
    plan = policy.due_after_run(started=T0, finished=end, failures=0, now=end, draw=0)
    assert plan.due == end + HOUR
