"""The cron matcher: syntax, Vixie's day rule, DST, and a brute-force cross-check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from collector.schedule.cron import CronExpr

BERLIN = ZoneInfo("Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


def test_fields_lists_ranges_steps_and_names() -> None:
    expr = CronExpr.parse("*/15 9-17/4 * jan,JUL-aug mon-fri")
    assert expr.minutes == (0, 15, 30, 45)
    assert expr.hours == (9, 13, 17)
    assert expr.months == {1, 7, 8}
    assert expr.weekdays == {1, 2, 3, 4, 5}
    assert CronExpr.parse("5/20 * * * *").minutes == (5, 25, 45)
    assert CronExpr.parse("0 0 * * 7").weekdays == {0}  # 7 is Sunday too
    assert CronExpr.parse("@daily").hours == (0,) and CronExpr.parse("@daily").minutes == (0,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("* * * *", "has 4 fields; expected 5"),
        ("60 * * * *", "cron minute field '60': 60 is outside 0-59"),
        ("0 5-1 * * *", "cron hour field '5-1': the range runs backwards"),
        ("*/0 * * * *", "the step after '/' must be a whole number >= 1"),
        ("0 0 * * funday", "expected a number 0-7 or a name (sun, mon"),
        ("0 0 0 * *", "0 is outside 1-31"),
        ("0 0 31 2 *", "never matches a real date"),
        ("@reboot", "unknown cron macro '@reboot'"),
    ],
)
def test_bad_expressions_name_the_field_and_the_rule(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        CronExpr.parse(text)
    assert message in str(caught.value)


def test_next_after_is_strictly_later_and_on_the_minute() -> None:
    hourly = CronExpr.parse("0 * * * *")
    assert hourly.next_after(utc(2026, 11, 23, 9, 0), UTC) == utc(2026, 11, 23, 10, 0)
    assert hourly.next_after(utc(2026, 11, 23, 9, 59, 59), UTC) == utc(2026, 11, 23, 10, 0)
    assert hourly.next_after(utc(2026, 12, 31, 23, 30), UTC) == utc(2027, 1, 1, 0, 0)


def test_slots_are_wall_clock_times_in_the_owners_zone() -> None:
    nine = CronExpr.parse("0 9 * * mon")
    # 2026-11-23 is a Monday; 09:00 in Berlin is 08:00 UTC in winter.
    assert nine.next_after(utc(2026, 11, 22, 12, 0), BERLIN) == utc(2026, 11, 23, 8, 0)
    assert nine.next_after(utc(2026, 7, 1, 0, 0), BERLIN) == utc(2026, 7, 6, 7, 0)


def test_day_of_month_or_day_of_week_when_both_are_restricted() -> None:
    either = CronExpr.parse("0 0 13 * fri")  # the 13th, and every Friday
    assert either.next_after(utc(2026, 11, 1), UTC) == utc(2026, 11, 6)  # a Friday
    assert either.next_after(utc(2026, 11, 7), UTC) == utc(2026, 11, 13)  # the 13th (also Fri)
    assert either.next_after(utc(2026, 12, 5), UTC) == utc(2026, 12, 11)
    both = CronExpr.parse("0 0 */2 * fri")  # a field starting with * makes it AND
    assert both.next_after(utc(2026, 11, 1), UTC) == utc(2026, 11, 13)  # odd day and Friday


def test_leap_day_is_found_years_ahead() -> None:
    leap = CronExpr.parse("0 0 29 2 *")
    assert leap.next_after(utc(2026, 3, 1), UTC) == utc(2028, 2, 29)


def test_a_time_skipped_by_daylight_saving_does_not_run_that_day() -> None:
    night = CronExpr.parse("30 2 * * *")
    # Berlin, 2026-03-29: clocks jump from 02:00 to 03:00, so 02:30 does not exist.
    assert night.next_after(utc(2026, 3, 28, 12, 0), BERLIN) == utc(2026, 3, 30, 0, 30)


def test_a_time_repeated_by_daylight_saving_runs_once() -> None:
    night = CronExpr.parse("30 2 * * *")
    # Berlin, 2026-10-25: 02:30 happens at 00:30 UTC and again at 01:30 UTC.
    first = night.next_after(utc(2026, 10, 24, 12, 0), BERLIN)
    assert first == utc(2026, 10, 25, 0, 30)
    assert night.next_after(first, BERLIN) == utc(2026, 10, 26, 1, 30)


def test_hourly_across_the_autumn_change_keeps_every_wall_clock_hour_once() -> None:
    hourly = CronExpr.parse("0 * * * *")
    moment, slots = utc(2026, 10, 24, 22, 30), []
    for _ in range(5):
        moment = hourly.next_after(moment, BERLIN)
        slots.append(moment.astimezone(BERLIN).strftime("%H:%M"))
    assert slots == ["01:00", "02:00", "03:00", "04:00", "05:00"]


_FIELD = st.sampled_from(["*", "*/7", "5", "1-20/3", "0,30", "10-12"])
_HOURS = st.sampled_from(["*", "*/5", "3", "0-6", "22,23"])
_DAYS = st.sampled_from(["*", "1", "15-20", "*/10", "31"])
_MONTHS = st.sampled_from(["*", "2", "6-8", "*/4"])
_WEEKDAYS = st.sampled_from(["*", "0", "1-5", "sat,sun", "3"])


@settings(max_examples=150, deadline=None)
@given(
    minute=_FIELD,
    hour=_HOURS,
    day=_DAYS,
    month=_MONTHS,
    weekday=_WEEKDAYS,
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31)),
)
def test_next_after_agrees_with_a_minute_by_minute_scan(
    minute: str, hour: str, day: str, month: str, weekday: str, start: datetime
) -> None:
    try:
        expr = CronExpr.parse(f"{minute} {hour} {day} {month} {weekday}")
    except ValueError as exc:  # e.g. the 31st of February: refused, rightly
        assert "never matches" in str(exc)
        assume(False)
        raise
    moment = start.replace(tzinfo=UTC)
    found = expr.next_after(moment, UTC)
    assert found > moment and expr.matches(found)
    # Nothing matches in between (scanned up to three days, which most cases reach).
    probe = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    for _ in range(3 * 24 * 60):
        if probe >= found:
            break
        assert not expr.matches(probe), probe
        probe += timedelta(minutes=1)
