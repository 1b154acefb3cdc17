"""ISO weeks in the owner's timezone, and where a week falls in the learning cycles."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from collector.core.errors import UsageError
from collector.core.settings_model import Cycle
from collector.core.timeparse import parse_week


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week (Monday to Sunday) such as 2026-W47."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        """`2026-W47`, `2026W47`, or any date inside the week (`2026-11-22`)."""
        return cls.of_date(parse_week(text))

    @classmethod
    def of_date(cls, day: date) -> Week:
        return _week_of(day)

    @classmethod
    def of(cls, moment: datetime, zone: tzinfo) -> Week:
        """The week a UTC moment falls in, on the owner's wall clock."""
        return cls.of_date(moment.astimezone(zone).date())

    @property
    def id(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def __str__(self) -> str:
        return self.id

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def sunday(self) -> date:
        return self.monday() + timedelta(days=6)

    def shift(self, weeks: int) -> Week:
        return Week.of_date(self.monday() + timedelta(weeks=weeks))

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight Monday to local midnight the next Monday."""
        return local_midnight(self.monday(), zone), local_midnight(self.shift(1).monday(), zone)

    def dates_label(self) -> str:
        """`17–23 Nov 2026`, `27 Oct – 2 Nov 2026`, `29 Dec 2025 – 4 Jan 2026`."""
        first, last = self.monday(), self.sunday()
        if first.year != last.year:
            return f"{day_label(first)} {first.year} – {day_label(last)} {last.year}"
        if first.month != last.month:
            return f"{day_label(first)} – {day_label(last)} {last.year}"
        return f"{first.day}–{day_label(last)} {last.year}"


@functools.lru_cache(maxsize=4096)
def _week_of(day: date) -> Week:
    """The week of a day, kept: a year of evidence asks for the same few hundred days."""
    iso = day.isocalendar()
    return Week(iso.year, iso.week)


def local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def local_date(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def day_label(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def date_label(day: date) -> str:
    return f"{day_label(day)} {day.year}"


def weeks_of(moments: Sequence[datetime] | set[datetime], zone: tzinfo) -> list[Week]:
    """The distinct weeks of some moments, oldest first."""
    return sorted({Week.of(m, zone) for m in moments})


@dataclass(frozen=True)
class CycleWeek:
    """Cycle `number` (1-based, in config order), week `week` of `weeks`."""

    number: int
    cycle: Cycle
    week: int

    @property
    def weeks(self) -> int:
        return self.cycle.weeks

    @property
    def review_date(self) -> date:
        return self.cycle.review_date or self.cycle.end + timedelta(days=1)

    def label(self) -> str:
        return f"cycle {self.number}, week {self.week} of {self.weeks}"


def cycle_on(cycles: Sequence[Cycle], day: date) -> CycleWeek | None:
    """The cycle running on `day` (the later one if two overlap), and its week."""
    for number in range(len(cycles), 0, -1):
        cycle = cycles[number - 1]
        if cycle.start <= day <= cycle.end:
            return CycleWeek(number, cycle, (day - cycle.start).days // 7 + 1)
    return None


def cycle_of_week(cycles: Sequence[Cycle], week: Week) -> CycleWeek | None:
    """The cycle a week belongs to: the one running on any of its days (the earliest day)."""
    for offset in range(7):
        found = cycle_on(cycles, week.monday() + timedelta(days=offset))
        if found is not None:
            return found
    return None


def cycle_by_number(cycles: Sequence[Cycle], number: int | None, today: date) -> CycleWeek:
    """Cycle `number`, or the one running today, or the latest one that has started."""
    if not cycles:
        raise UsageError("no learning cycle in the config: add a [[growth_map.cycles]] table")
    if number is not None:
        if not 1 <= number <= len(cycles):
            raise UsageError(f"there is no cycle {number}: the config defines {len(cycles)}")
        cycle = cycles[number - 1]
        week = min(max((today - cycle.start).days // 7 + 1, 1), cycle.weeks)
        return CycleWeek(number, cycle, week)
    running = cycle_on(cycles, today)
    if running is not None:
        return running
    started = [n for n, c in enumerate(cycles, start=1) if c.start <= today]
    return cycle_by_number(cycles, started[-1] if started else 1, today)
