"""The config file's sections as pydantic models (sources are validated by their connector).

Plain values, importing nothing of growthmap, so that every layer may use them. The
checks that need the scheduler or the ledger's rules (durations, cron expressions, the
ledger URL) are added where the file is loaded, in `collector.config`.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Git, GitHub, GitLab and Jira all postdate 1970, and nothing sensible lies after 2999;
# inside these years every shift growthmap makes (a week, a quarter, a day either side for
# timezones) stays far from the ends of Python's datetime. The one range growthmap takes,
# in the config and on the command line (`collector.core.timeparse`).
FIRST_YEAR = 1970
LAST_YEAR = 2999
YEARS = f"growthmap takes times in the years {FIRST_YEAR} to {LAST_YEAR}"

Level = Literal["N", "P", "E"]
LEVEL_NAMES = {"N": "Novice", "P": "Practitioner", "E": "Expert"}
LEVEL_ORDER = {"N": 0, "P": 1, "E": 2}
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Owner(Section):
    name: str = ""
    timezone: str = "UTC"
    key: str = Field(
        default="default",
        pattern=_ID,
        # It names the lock and daemon-state files too: file names have room for 64.
        max_length=64,
        description="identifies this engineer's rows in a shared (team) ledger",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
            raise ValueError(
                f"unknown timezone {value!r}: use an IANA name such as Europe/London"
            ) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class LedgerSection(Section):
    url: str | None = None


class RulesSection(Section):
    paths: list[str] = ["rules.d"]


class CollectSection(Section):
    overlap_minutes: int = Field(default=10, ge=0, le=24 * 60)
    first_run_days: int = Field(default=30, ge=1, le=3650)
    batch_size: int = Field(default=200, ge=1, le=5000)

    @property
    def overlap(self) -> timedelta:
        return timedelta(minutes=self.overlap_minutes)


class Skill(Section):
    id: str = Field(pattern=_ID)
    name: str
    level: Level = "N"
    target: Level = "P"


def _in_range(day: date | None) -> date | None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day.isoformat()} is out of range: {YEARS}")
    return day


class Destination(Section):
    id: str = Field(pattern=_ID)
    title: str
    target_date: date | None = None
    skills: list[Skill] = []

    _dates = field_validator("target_date")(_in_range)

    @model_validator(mode="after")
    def _unique_skills(self) -> Destination:
        seen: set[str] = set()
        for skill in self.skills:
            if skill.id in seen:
                raise ValueError(f"skill id {skill.id!r} appears twice in destination {self.id}")
            seen.add(skill.id)
        return self


class Cycle(Section):
    start: date
    weeks: int = Field(default=6, ge=1, le=12)
    goal: str = ""
    destinations: list[str] = []
    review_date: date | None = None

    _dates = field_validator("start", "review_date")(_in_range)

    @property
    def end(self) -> date:
        """The last day of the cycle."""
        return self.start + timedelta(weeks=self.weeks, days=-1)


class GrowthMap(Section):
    destinations: list[Destination] = []
    cycles: list[Cycle] = []
    feedback_sessions: list[date] = []
    # How often feedback sessions are held ("2w"): the map and `status` say when the next
    # is due. Whole days; checked where the file is loaded (the scheduler parses it).
    feedback_every: str | None = None

    @field_validator("feedback_sessions")
    @classmethod
    def _sessions_in_range(cls, value: list[date]) -> list[date]:
        for day in value:
            _in_range(day)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> GrowthMap:
        ids = [d.id for d in self.destinations]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"destination ids must be unique; repeated: {', '.join(duplicates)}")
        for number, cycle in enumerate(self.cycles, start=1):
            unknown = [d for d in cycle.destinations if d not in ids]
            if unknown:
                raise ValueError(
                    f"cycle {number} names destinations that are not defined: {', '.join(unknown)}"
                )
        return self

    def skill_ids(self) -> dict[str, list[str]]:
        """Destination id -> its skill ids (what rule validation checks against)."""
        return {d.id: [s.id for s in d.skills] for d in self.destinations}


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class WeeklyExport(Section):
    """`[schedule] weekly_export`: once a week the daemon writes an export to `folder`."""

    format: Literal["md", "html", "json", "csv"] = "md"
    folder: str = Field(min_length=1)
    weekday: Weekday = "mon"

    def folder_path(self, base: Path) -> Path:
        """The folder, with `~` expanded and a relative path taken from `base`."""
        return base / Path(self.folder).expanduser()


class ScheduleSection(Section):
    """`[schedule]`: when `growthmap daemon` collects. Durations are like 90s, 15m, 1h30m."""

    interval: str | None = None
    cron: str | None = None
    jitter: str = "5m"
    backoff: str = "15m"
    max_backoff: str = "6h"
    lock_wait: str = "0s"
    log_file: str | None = None
    weekly_export: WeeklyExport | None = None

    def log_path(self, base: Path | None) -> Path | None:
        """The configured log file (relative to the config's folder), None for the default."""
        if not self.log_file:
            return None
        return (base or Path.cwd()) / Path(self.log_file).expanduser()


class MasterySection(Section):
    """When `growthmap map` proposes a level change, from accepted evidence since the
    current level was reached. growthmap only proposes: `growthmap skill set` decides."""

    practitioner_artifacts: int = Field(default=8, ge=1, le=1000)
    practitioner_weeks: int = Field(default=4, ge=1, le=520)
    expert_artifacts: int = Field(default=20, ge=1, le=1000)
    expert_weeks: int = Field(default=8, ge=1, le=520)
    expert_teaching: int = Field(default=5, ge=0, le=1000)
    teaching_kinds: list[str] = ["review", "talk", "mentoring", "workshop", "article"]
    gap_weeks: int = Field(default=6, ge=1, le=520)
