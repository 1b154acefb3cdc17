"""Skill levels over time: the config's level is the start; `growthmap skill set` records
changes, and the latest one in effect wins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.errors import UsageError
from collector.core.settings_model import LEVEL_ORDER, GrowthMap
from collector.ledger.models import SkillLevelRow

SkillKey = tuple[str, str]


@dataclass(frozen=True)
class LevelChange:
    level: str
    effective: date | None  # None: the starting level from the config
    note: str | None = None
    recorded_at: datetime | None = None


History = dict[SkillKey, list[LevelChange]]


def level_history(session: Session, owner: str, growth_map: GrowthMap) -> History:
    """Every configured skill's levels, oldest first, starting with the config's level.
    Changes for skills no longer in the config are kept under their own key."""
    history: History = {
        (d.id, s.id): [LevelChange(s.level, None, "starting level (config)")]
        for d in growth_map.destinations
        for s in d.skills
    }
    query = (
        select(SkillLevelRow)
        .where(SkillLevelRow.owner == owner)
        .order_by(SkillLevelRow.effective, SkillLevelRow.recorded_at, SkillLevelRow.id)
    )
    for row in session.scalars(query):
        change = LevelChange(row.level, row.effective, row.note, row.recorded_at)
        history.setdefault((row.destination, row.skill), []).append(change)
    return history


def level_on(changes: list[LevelChange], day: date) -> LevelChange:
    """The change in effect on `day` (the starting level if none yet)."""
    current = changes[0]
    for change in changes[1:]:
        if change.effective is not None and change.effective <= day:
            current = change
    return current


def levels_on(history: History, day: date) -> dict[SkillKey, str]:
    return {key: level_on(changes, day).level for key, changes in history.items() if changes}


def resolve_skill(growth_map: GrowthMap, ref: str) -> SkillKey:
    """`skill-id` or `DEST/skill-id` (needed when two destinations share a skill id)."""
    dest, _, skill = ref.rpartition("/")
    matches = [
        (d.id, s.id)
        for d in growth_map.destinations
        for s in d.skills
        if s.id == skill and (not dest or d.id == dest)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(f"{d.id}/{s.id}" for d in growth_map.destinations for s in d.skills)
        raise UsageError(f"no skill {ref!r} in the growth map; known: {known or 'none'}")
    options = " or ".join(f"{d}/{s}" for d, s in matches)
    raise UsageError(f"skill {skill!r} is in several destinations: write {options}")


def record_level(
    session: Session,
    owner: str,
    growth_map: GrowthMap,
    ref: str,
    level: str,
    effective: date,
    now: datetime,
    note: str | None = None,
) -> tuple[SkillKey, LevelChange]:
    """Record a level change (the engineer's decision; growthmap never makes one)."""
    level = level.strip().upper()
    if level not in LEVEL_ORDER:
        raise UsageError(f"level {level!r} is not N, P or E")
    key = resolve_skill(growth_map, ref)
    session.add(
        SkillLevelRow(
            owner=owner,
            destination=key[0],
            skill=key[1],
            level=level,
            effective=effective,
            note=note,
            recorded_at=now,
        )
    )
    return key, LevelChange(level, effective, note, now)
