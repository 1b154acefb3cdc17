"""Parse the WHEN of `--since` / `--until`: ISO date, ISO datetime or a relative `14d`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from collector.errors import UsageError

_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, option: str = "--since") -> datetime:
    """Return the UTC instant `text` names.

    A date means midnight in the owner's timezone; a datetime without offset is in the
    owner's timezone; `14d`, `6w`, `12h`, `30m` count back from `now`.
    """
    value = text.strip()
    relative = _RELATIVE.match(value.lower())
    if relative:
        amount, unit = int(relative.group(1)), _UNITS[relative.group(2)]
        return (now - timedelta(**{unit: amount})).astimezone(UTC)
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not a date, a datetime or a relative time: "
            "use 2026-11-14, 2026-11-14T09:30, 2026-11-14T09:30+01:00, 14d, 6w or 12h"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)
