"""A 5-field cron expression ("minute hour day-of-month month day-of-week") and the
next moment it names, in a given timezone.

Semantics follow Vixie cron, which most crontabs are written for: `*`, lists, ranges,
steps (`*/15`, `1-30/2`, `5/10` = 5-59/10), month and weekday names, weekday 7 = Sunday,
and the day rule: when both day-of-month and day-of-week are restricted (neither field
starts with `*`), a day matches if EITHER matches. Macros: @hourly, @daily (@midnight),
@weekly, @monthly, @yearly (@annually).

Daylight-saving changes: a local time that does not exist that day is skipped; a local
time that happens twice runs once (at its first occurrence).

Written here rather than taken from a dependency: it is ~150 lines, fully tested, and
the popular libraries differ on exactly the DST and day-rule questions above.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

_MACROS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    names_start: int = 0


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, tuple(_MONTHS), 1),
    _Field("day of week", 0, 7, tuple(_DAYS), 0),
)
# The longest stretch without a match for any satisfiable expression: Feb 29 recurs
# at most 8 years apart (2096 -> 2104).
_SEARCH_DAYS = 8 * 366 + 1


@dataclass(frozen=True)
class CronExpr:
    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    day_star: bool
    weekday_star: bool

    @classmethod
    def parse(cls, text: str) -> CronExpr:
        """The expression, or ValueError naming the field at fault."""
        spec = _MACROS.get(text.strip().lower(), text)
        if spec.strip().startswith("@"):
            raise ValueError(f"unknown cron macro {text.strip()!r}; known: {', '.join(_MACROS)}")
        parts = spec.split()
        if len(parts) != 5:
            raise ValueError(
                f"cron expression {text!r} has {len(parts)} fields; expected 5: "
                "minute hour day-of-month month day-of-week (e.g. '0 * * * *')"
            )
        values = [
            _parse_field(part, spec_field) for part, spec_field in zip(parts, _FIELDS, strict=True)
        ]
        expr = cls(
            text=text.strip(),
            minutes=tuple(sorted(values[0])),
            hours=tuple(sorted(values[1])),
            days=frozenset(values[2]),
            months=frozenset(values[3]),
            weekdays=frozenset(d % 7 for d in values[4]),
            day_star=parts[2].startswith("*"),
            weekday_star=parts[4].startswith("*"),
        )
        if expr._first_day(date(2000, 1, 1)) is None:
            raise ValueError(f"cron expression {text!r} never matches a real date")
        return expr

    def day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        by_day = day.day in self.days
        by_weekday = day.isoweekday() % 7 in self.weekdays
        if self.day_star or self.weekday_star:
            return by_day and by_weekday
        return by_day or by_weekday

    def matches(self, local: datetime) -> bool:
        """Whether the wall-clock minute `local` (naive or in its own zone) is a slot."""
        return (
            local.minute in self.minutes
            and local.hour in self.hours
            and self.day_matches(local.date())
        )

    def next_after(self, moment: datetime, zone: tzinfo) -> datetime:
        """The first slot strictly after `moment` (aware), as an aware UTC datetime."""
        local = moment.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        for candidate in self._candidates(local + timedelta(minutes=1)):
            aware = candidate.replace(tzinfo=zone)
            utc = aware.astimezone(UTC)
            if utc.astimezone(zone).replace(tzinfo=None) != candidate:
                continue  # this wall time does not exist today (clocks went forward)
            if utc > moment:
                return utc
        raise ValueError(f"cron expression {self.text!r} has no slot after {moment.isoformat()}")

    def _candidates(self, start: datetime) -> Iterator[datetime]:
        """Matching wall-clock minutes from `start` on, in order, for a bounded span."""
        day = start.date()
        for _ in range(_SEARCH_DAYS):
            if self.day_matches(day):
                for hour in self.hours:
                    for minute in self.minutes:
                        candidate = datetime.combine(day, time(hour, minute))
                        if candidate >= start:
                            yield candidate
            day += timedelta(days=1)

    def _first_day(self, start: date) -> date | None:
        day = start
        for _ in range(_SEARCH_DAYS):
            if self.day_matches(day):
                return day
            day += timedelta(days=1)
        return None


def _parse_field(text: str, field: _Field) -> set[int]:
    values: set[int] = set()
    for item in text.split(","):
        values |= _parse_item(item, field)
    return values


def _parse_item(item: str, field: _Field) -> set[int]:
    where = f"cron {field.name} field {item!r}"
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        if not step_text.isdigit() or int(step_text) < 1:
            raise ValueError(f"{where}: the step after '/' must be a whole number >= 1")
        step = int(step_text)
    if base == "*":
        low, high = field.low, field.high
    elif "-" in base:
        first, _, last = base.partition("-")
        low, high = _value(first, field, where), _value(last, field, where)
        if low > high:
            raise ValueError(f"{where}: the range runs backwards")
    else:
        low = _value(base, field, where)
        high = field.high if slash else low
    return set(range(low, high + 1, step))


def _value(text: str, field: _Field, where: str) -> int:
    word = text.strip().lower()
    if word in field.names:
        return field.names.index(word) + field.names_start
    if not word.isdigit():
        names = f" or a name ({', '.join(field.names)})" if field.names else ""
        raise ValueError(f"{where}: expected a number {field.low}-{field.high}{names}")
    value = int(word)
    if not field.low <= value <= field.high:
        raise ValueError(f"{where}: {value} is outside {field.low}-{field.high}")
    return value
