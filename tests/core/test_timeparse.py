from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from collector.core.errors import UsageError
from collector.core.timeparse import parse_day, parse_quarter, parse_wait, parse_week, parse_when

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14d", datetime(2026, 11, 14, 12, 0, tzinfo=UTC)),
        ("6w", datetime(2026, 10, 17, 12, 0, tzinfo=UTC)),
        ("12h", datetime(2026, 11, 28, 0, 0, tzinfo=UTC)),
        ("2026-11-14", datetime(2026, 11, 13, 23, 0, tzinfo=UTC)),  # midnight in Berlin
        ("2026-07-14", datetime(2026, 7, 13, 22, 0, tzinfo=UTC)),  # summer time
        ("2026-11-14T09:30", datetime(2026, 11, 14, 8, 30, tzinfo=UTC)),
        ("2026-11-14T09:30+05:00", datetime(2026, 11, 14, 4, 30, tzinfo=UTC)),
        ("2026-11-14T09:30:00Z", datetime(2026, 11, 14, 9, 30, tzinfo=UTC)),
    ],
)
def test_when_forms(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW, tz=BERLIN) == expected


@pytest.mark.parametrize("text", ["", "soon", "14x", "2026-13-01", "-3d"])
def test_malformed_when_names_the_option_and_the_forms(text: str) -> None:
    with pytest.raises(UsageError, match=r"--until .* use 2026-11-14"):
        parse_when(text, now=NOW, tz=BERLIN, option="--until")


@pytest.mark.parametrize(
    "text", ["0001-01-01", "1969-12-31", "3000-01-01", "9999-12-31T23:59:59+00:00", "99999999999d"]
)
def test_times_outside_1970_to_2999_are_out_of_range(text: str) -> None:
    with pytest.raises(UsageError, match=r"^--since '.*' is out of range: .* 1970 to 2999$"):
        parse_when(text, now=NOW, tz=BERLIN)


def test_the_range_is_the_calendar_as_written_not_utc() -> None:
    # Midnight of 1 January 1970 in Berlin is 1969 in UTC: still the first day accepted.
    assert parse_when("1970-01-01", now=NOW, tz=BERLIN) == datetime(1969, 12, 31, 23, tzinfo=UTC)
    far_east = parse_when("2999-12-31T23:59-12:00", now=NOW, tz=BERLIN)
    assert far_east == datetime(3000, 1, 1, 11, 59, tzinfo=UTC)


def test_a_long_value_is_quoted_short_in_the_message() -> None:
    with pytest.raises(UsageError) as raised:
        parse_when("1" * 5000 + "d", now=NOW, tz=BERLIN)
    assert len(str(raised.value)) < 120 and "…" in str(raised.value)


def test_weeks_quarters_and_days() -> None:
    assert parse_week("2026-W47") == date(2026, 11, 16)
    assert parse_week("2026-11-22") == date(2026, 11, 16)
    assert parse_week("1970-W01") == date(1969, 12, 29)  # its Monday is in 1969
    assert parse_quarter("2026q4") == (2026, 4)
    assert parse_day("2999-12-31", option="--as-of") == date(2999, 12, 31)
    with pytest.raises(UsageError, match=r"^WEEK '9999-W52' is out of range"):
        parse_week("9999-W52")
    with pytest.raises(UsageError, match=r"^WEEK '2025-W53' is not a week"):
        parse_week("2025-W53")
    with pytest.raises(UsageError, match=r"^--quarter '0000Q1' is out of range"):
        parse_quarter("0000Q1")
    with pytest.raises(UsageError, match=r"^--as-of '0001-01-01' is out of range"):
        parse_day("0001-01-01", option="--as-of")


@pytest.mark.parametrize("text", ["nan", "-1", "-inf", "inf", "1e400", "31622401", "soon"])
def test_wait_takes_finite_seconds_up_to_366_days(text: str) -> None:
    with pytest.raises(UsageError, match=r"^--wait .* is not a number of seconds"):
        parse_wait(text)


def test_wait_seconds() -> None:
    assert parse_wait("0") == 0 and parse_wait(" 2.5 ") == 2.5
