"""`growthmap cycle review`: a cycle's retrospective drafted from its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from collector.config import Settings
from collector.core.settings_model import Destination, Skill
from collector.progress.entry import REFLECTION_PROMPTS, evidence_lines, headline
from collector.progress.gather import EvidenceSet, gather_evidence
from collector.progress.growth import (
    Counts,
    StrongArtifact,
    counts,
    strongest_artifacts,
)
from collector.progress.levels import History, LevelChange, level_history, level_on
from collector.progress.lines import md_text, plural
from collector.progress.mastery import MasteryProgress, mastery_progress
from collector.progress.render_map import artifact_name
from collector.progress.weeks import CycleWeek, Week, cycle_by_number, date_label, local_midnight


@dataclass(frozen=True)
class SkillReview:
    destination: str
    destination_title: str
    skill: str
    name: str
    level_start: str
    level_end: str
    target: str
    counts: Counts
    weeks_with_evidence: int
    strongest: tuple[StrongArtifact, ...]
    progress: MasteryProgress
    changes: tuple[LevelChange, ...]  # recorded during the cycle


@dataclass(frozen=True)
class CycleReview:
    cycle: CycleWeek
    evidence: EvidenceSet
    weeks: tuple[tuple[Week, str], ...]  # each week of the cycle with its headline
    skills: tuple[SkillReview, ...]


def build_cycle_review(
    session: Session, settings: Settings, number: int | None, today: date
) -> CycleReview:
    """Cycle `number` (default: the running one, else the latest started) against its evidence."""
    growth_map, zone = settings.growth_map, settings.owner.zone
    cycle = cycle_by_number(growth_map.cycles, number, today)
    start, end = cycle.cycle.start, cycle.cycle.end
    # Everything up to the cycle's end: mastery counts evidence since the level was reached.
    until = local_midnight(date.fromordinal(end.toordinal() + 1), zone)
    so_far = gather_evidence(session, settings.owner.key, zone, growth_map, None, until)
    evidence = so_far.within(start, end)
    history = level_history(session, settings.owner.key, growth_map)
    chosen = set(cycle.cycle.destinations)
    skills = [
        _skill_review(destination, skill, cycle, so_far, evidence, history, settings)
        for destination in growth_map.destinations
        if not chosen or destination.id in chosen
        for skill in destination.skills
    ]
    return CycleReview(cycle, evidence, cycle_weeks(cycle, evidence), tuple(skills))


def _skill_review(
    destination: Destination,
    skill: Skill,
    cycle: CycleWeek,
    so_far: EvidenceSet,
    evidence: EvidenceSet,
    history: History,
    settings: Settings,
) -> SkillReview:
    start, end = cycle.cycle.start, cycle.cycle.end
    mine = evidence.for_skill(destination.id, skill.id)
    changes = history.get((destination.id, skill.id)) or [LevelChange(skill.level, None)]
    at_end = level_on(changes, end)
    return SkillReview(
        destination=destination.id,
        destination_title=destination.title,
        skill=skill.id,
        name=skill.name,
        level_start=level_on(changes, start).level,
        level_end=at_end.level,
        target=skill.target,
        counts=counts(mine),
        weeks_with_evidence=len({Week.of_date(e.artifact.day) for e in mine}),
        strongest=tuple(strongest_artifacts(mine, limit=3)),
        progress=mastery_progress(
            so_far.for_skill(destination.id, skill.id), at_end, settings.mastery
        ),
        changes=tuple(c for c in changes if c.effective and start <= c.effective <= end),
    )


def cycle_weeks(cycle: CycleWeek, evidence: EvidenceSet) -> tuple[tuple[Week, str], ...]:
    """Each ISO week the cycle touches, with its headline."""
    weeks = []
    week = Week.of_date(cycle.cycle.start)
    for _ in range(cycle.cycle.weeks + 1):  # bounded: a cycle spans at most weeks + 1 ISO weeks
        if week.monday() > cycle.cycle.end:
            break
        weeks.append((week, headline(evidence.within(week.monday(), week.sunday()))))
        week = week.shift(1)
    return tuple(weeks)


def render_cycle_review(review: CycleReview) -> str:
    cycle = review.cycle.cycle
    number = review.cycle.number
    blocks = [
        f"## Cycle {number} review · {date_label(cycle.start)} – {date_label(cycle.end)}"
        f" · review on {date_label(review.cycle.review_date)}",
        f"**Goal:** {md_text(cycle.goal, 500) if cycle.goal else '_no goal was set_'}",
        _goal_block(review),
    ]
    current = None
    for skill in review.skills:
        if skill.destination != current:
            current = skill.destination
            blocks.append(f"### {md_text(skill.destination)} · {md_text(skill.destination_title)}")
        blocks.append(_skill_block(skill, review))
    blocks.append("### Reflection\n" + "\n".join(f"- {p}:" for p in REFLECTION_PROMPTS))
    blocks.append(
        "### Next cycle\n- Goal: _(write the next cycle's goal here)_\n- Activities:\n"
        "- Review date:"
    )
    return "\n\n".join(blocks) + "\n"


def _goal_block(review: CycleReview) -> str:
    evidence = review.evidence
    active = sum(1 for _, line in review.weeks if line != "no evidence")
    total = counts(evidence.evidence)
    lines = [
        "### Goal against the evidence",
        f"- {active} of {plural(len(review.weeks), 'week')} with evidence; "
        f"{total.accepted} accepted and {total.suggested} suggested artifacts; "
        f"{plural(len(evidence.unmapped), 'item')} not yet mapped",
    ]
    lines += [f"- {week.id}: {line}" for week, line in review.weeks]
    return "\n".join(lines)


def _skill_block(skill: SkillReview, review: CycleReview) -> str:
    level = (
        skill.level_start
        if skill.level_start == skill.level_end
        else (f"{skill.level_start} → {skill.level_end} during the cycle")
    )
    lines = [f"**{md_text(skill.name)} ({level}; target {skill.target})**"]
    c = skill.counts
    lines.append(
        f"- {c.accepted} accepted, {c.suggested} suggested, "
        f"in {plural(skill.weeks_with_evidence, 'week')}"
    )
    if skill.strongest:
        names = " · ".join(artifact_name(s.artifact, md_text) for s in skill.strongest)
        lines.append(f"- Strongest: {names}")
    progress = skill.progress
    if progress.ready:
        lines.append(f"- Suggested level: **{progress.next_level}** — {md_text(progress.reason())}")
    elif progress.next_level:
        lines.append(
            f"- Suggested level: stay {progress.level} ({md_text(progress.missing())} for "
            f"{progress.next_level})"
        )
    for change in skill.changes:
        lines.append(
            f"- Level set to {change.level} on {date_label(change.effective)}"
            if change.effective
            else f"- Level {change.level}"
        )
    if not c.accepted and not c.suggested:
        lines.append("- No evidence this cycle.")
    mine = review.evidence.for_skill(skill.destination, skill.skill)
    if mine:
        lines += ["- Evidence:"]
        lines += [f"  {line}" for line in evidence_lines(mine, review.cycle.cycle.start)]
    return "\n".join(lines)
