"""The config file's sections as pydantic models (sources are validated by their connector)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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


class Destination(Section):
    id: str = Field(pattern=_ID)
    title: str
    target_date: date | None = None
    skills: list[Skill] = []

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

    @property
    def end(self) -> date:
        """The last day of the cycle."""
        return self.start + timedelta(weeks=self.weeks, days=-1)


class GrowthMap(Section):
    destinations: list[Destination] = []
    cycles: list[Cycle] = []
    feedback_sessions: list[date] = []

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
