"""Every time a user types, turned into a value: dates, datetimes, relative times (`14d`),
ISO weeks, quarters and `--wait` seconds. The one place that parses them, and the one
range growthmap accepts, so that an out-of-range value is a usage error naming its option
instead of an overflow deep inside date arithmetic.

Hand-written rather than dateutil: the forms are few and exact, and each needs the bound
check between parsing and arithmetic, which no parser library offers.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from collector.core.errors import UsageError
from collector.core.settings_model import FIRST_YEAR, LAST_YEAR, YEARS

LONGEST_WAIT = timedelta(days=366)  # as the config's `lock_wait`

_RELATIVE = re.compile(r"([0-9]+)\s*([mhdw])", re.ASCII)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_WEEK = re.compile(r"([0-9]+)-?w([0-9]{1,2})", re.ASCII | re.IGNORECASE)
_QUARTER = re.compile(r"([0-9]+)-?q([1-4])", re.ASCII | re.IGNORECASE)
WHEN_FORMS = "use 2026-11-14, 2026-11-14T09:30, 2026-11-14T09:30+01:00, 14d, 6w or 12h"
_SHOWN = 40  # characters of a bad value quoted back in a message


def shown(text: str) -> str:
    """A value quoted for a one-line message: repr (no newline or escape gets through),
    cut short so a pasted page does not fill the terminal."""
    cut = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
    return repr(cut)


def out_of_range(option: str, text: str) -> UsageError:
    return UsageError(f"{option} {shown(text)} is out of range: {YEARS}")


def _check_year(year: int, option: str, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise out_of_range(option, text)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, option: str = "--since") -> datetime:
    """Return the UTC instant `text` names.

    A date means midnight in the owner's timezone; a datetime without offset is in the
    owner's timezone; `14d`, `6w`, `12h`, `30m` count back from `now`.
    """
    value = text.strip()
    relative = _RELATIVE.fullmatch(value.lower())
    if relative:
        return _back_from(now, relative.group(1), relative.group(2), tz, option, text)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} {shown(text)} is not a date, a datetime or a relative time: {WHEN_FORMS}"
        ) from None
    _check_year(moment.year, option, text)  # as written, before any timezone shift
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _back_from(
    now: datetime, amount: str, unit: str, tz: ZoneInfo, option: str, text: str
) -> datetime:
    try:
        moment = now - timedelta(**{_UNITS[unit]: int(amount)})
        _check_year(moment.astimezone(tz).year, option, text)
    except (OverflowError, ValueError):  # past timedelta's or datetime's own ends
        raise out_of_range(option, text) from None
    return moment.astimezone(UTC)


def parse_local_day(text: str, *, now: datetime, tz: ZoneInfo, option: str) -> date:
    """The owner's calendar day of any form `parse_when` takes (`2026-11-19`, `3d`)."""
    return parse_when(text, now=now, tz=tz, option=option).astimezone(tz).date()


def parse_day(text: str, *, option: str) -> date:
    """A calendar date such as 2026-11-28."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {shown(text)} is not a date such as 2026-11-28") from None
    _check_year(day.year, option, text)
    return day


def parse_week(text: str, *, option: str = "WEEK") -> date:
    """The Monday of the ISO week `text` names: `2026-W47`, `2026W47`, or a date in it."""
    value = text.strip()
    match = _WEEK.fullmatch(value)
    try:
        if match:
            year = _year(match.group(1), option, text)
            return date.fromisocalendar(year, int(match.group(2)), 1)
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} {shown(text)} is not a week: write an ISO week such as 2026-W47 "
            "or a date in it"
        ) from None
    _check_year(day.isocalendar().year, option, text)
    return day - timedelta(days=day.weekday())


def parse_quarter(text: str, *, option: str = "--quarter") -> tuple[int, int]:
    """(year, quarter number) of `2026Q4` / `2026-q4`."""
    match = _QUARTER.fullmatch(text.strip())
    if not match:
        raise UsageError(f"{option} {shown(text)} is not a quarter: write it like 2026Q4")
    return _year(match.group(1), option, text), int(match.group(2))


def _year(digits: str, option: str, text: str) -> int:
    year = int(digits) if len(digits) <= 6 else LAST_YEAR + 1  # int() of 5,000 digits fails
    _check_year(year, option, text)
    return year


def parse_wait(text: str, *, option: str = "--wait") -> float:
    """Seconds to wait: a finite number from 0 to 366 days' worth."""
    try:
        seconds = float(text.strip())
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not 0 <= seconds <= LONGEST_WAIT.total_seconds():
        raise UsageError(
            f"{option} {shown(text)} is not a number of seconds from 0 to "
            f"{LONGEST_WAIT.total_seconds():.0f} (366 days)"
        )
    return seconds
