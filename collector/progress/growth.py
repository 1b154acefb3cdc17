"""The one-page growth map as plain values, built from the config and the ledger.
Markdown, the terminal and the exports all render this same model."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from collector.config import Settings
from collector.core.settings_model import LEVEL_ORDER, Destination, Skill
from collector.feedback import FeedbackCadence, feedback_cadence
from collector.progress.drafting import EntrySummary, list_entries
from collector.progress.evidence import Artifact, Evidence, pieces_of_work
from collector.progress.gather import EvidenceSet, gather_evidence
from collector.progress.levels import LevelChange, level_history, level_on
from collector.progress.mastery import MasteryProgress, MasterySuggestion, mastery_progress
from collector.progress.owner import display_name
from collector.progress.pairing import PairingView, build_pairing
from collector.progress.weeks import CycleWeek, Week, cycle_on

# How much an artifact's kind says about impact, for ranking the strongest ones.
KIND_STRENGTH = {
    "design_doc": 3.0,
    "talk": 3.0,
    "article": 3.0,
    "workshop": 3.0,
    "mentoring": 2.0,
    "endorsement": 2.0,
    "feedback": 2.0,
    "pairing": 1.0,
    "pull_request": 1.0,
    "ticket": 0.5,
    "review": 0.5,
}


@dataclass(frozen=True)
class Counts:
    """Distinct artifacts: accepted, and suggested (not yet decided)."""

    accepted: int = 0
    suggested: int = 0


@dataclass(frozen=True)
class SkillView:
    destination: str
    id: str
    name: str
    level: str
    target: str
    level_since: date | None
    cycle: Counts
    overall: Counts
    last_evidence: date | None
    progress: MasteryProgress
    history: tuple[LevelChange, ...]

    @property
    def below_target(self) -> bool:
        return LEVEL_ORDER.get(self.level, 0) < LEVEL_ORDER.get(self.target, 0)

    @property
    def fraction(self) -> float:
        """0..1 toward the next level; 1 once the target is reached."""
        return self.progress.fraction if self.below_target else 1.0


@dataclass(frozen=True)
class DestinationView:
    id: str
    title: str
    target_date: date | None
    in_cycle: bool
    skills: tuple[SkillView, ...]


@dataclass(frozen=True)
class CycleView:
    number: int
    start: date
    end: date
    weeks: int
    week: int
    goal: str
    review_date: date
    destinations: tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    destination: str
    skill: str
    skill_name: str
    last: date | None
    weeks: int  # whole weeks since the last evidence

    def text(self) -> str:
        if self.last is None:
            return f"no evidence yet for {self.skill_name}"
        return f"no evidence for {self.skill_name} in {self.weeks} weeks"


@dataclass(frozen=True)
class CheckItem:
    label: str
    done: bool
    detail: str = ""


@dataclass(frozen=True)
class StrongArtifact:
    artifact: Artifact
    score: float
    places: tuple[tuple[str, str], ...]  # accepted (destination, skill) pairs
    notes: tuple[str, ...]


@dataclass(frozen=True)
class GrowthMapView:
    owner: str
    today: date
    destinations: tuple[DestinationView, ...]
    cycle: CycleView | None
    recent_weeks: tuple[EntrySummary, ...]
    strongest: tuple[StrongArtifact, ...]
    gaps: tuple[Gap, ...]
    checklist: tuple[CheckItem, ...]
    suggestions: tuple[MasterySuggestion, ...]
    pairing: PairingView | None = None
    feedback: FeedbackCadence | None = None

    def skill_names(self) -> dict[tuple[str, str], str]:
        """(destination, skill) -> the skill's name, in the map's order."""
        return _names(self.destinations)


def _names(destinations: Sequence[DestinationView]) -> dict[tuple[str, str], str]:
    return {(d.id, s.id): s.name for d in destinations for s in d.skills}


def build_growth_map(
    session: Session,
    settings: Settings,
    today: date,
    *,
    recent: int = 4,
    strongest: int = 5,
    evidence: EvidenceSet | None = None,
) -> GrowthMapView:
    """The growth map as of `today` (the owner's local date). `evidence`: all of the
    ledger's evidence when the caller has already gathered it (the export does); `recent`
    weeks and `strongest` artifacts: how many to list (0: none, and no work for them)."""
    owner, growth_map = settings.owner.key, settings.growth_map
    if evidence is None:
        evidence = gather_evidence(session, owner, settings.owner.zone, growth_map)
    history = level_history(session, owner, growth_map)
    running = cycle_on(growth_map.cycles, today)
    in_cycle = evidence.within(running.cycle.start, today) if running else None
    destinations = tuple(
        _destination_view(d, evidence, in_cycle, history, running, settings, today)
        for d in growth_map.destinations
    )
    skills = [s for d in destinations for s in d.skills]
    cadence = feedback_cadence(session, owner, growth_map, today)
    recent_rows = (
        list_entries(session, settings, last=Week.of_date(today), limit=recent, evidence=evidence)
        if recent
        else []
    )
    return GrowthMapView(
        owner=display_name(session, settings),
        today=today,
        destinations=destinations,
        cycle=_cycle_view(running),
        recent_weeks=tuple(recent_rows),
        strongest=tuple(
            strongest_artifacts(evidence.evidence, limit=strongest) if strongest else ()
        ),
        gaps=tuple(find_gaps(skills, today, settings.mastery.gap_weeks)),
        checklist=tuple(checklist(settings, evidence, today, cadence)),
        suggestions=tuple(mastery_suggestions(skills)),
        pairing=build_pairing(
            evidence, today, running.cycle.start if running else None, _names(destinations)
        ),
        feedback=cadence,
    )


def _destination_view(
    destination: Destination,
    evidence: EvidenceSet,
    in_cycle: EvidenceSet | None,
    history: dict[tuple[str, str], list[LevelChange]],
    running: CycleWeek | None,
    settings: Settings,
    today: date,
) -> DestinationView:
    skills = tuple(
        skill_view(destination.id, s, evidence, in_cycle, history, settings, today)
        for s in destination.skills
    )
    served = running is not None and (
        not running.cycle.destinations or destination.id in running.cycle.destinations
    )
    return DestinationView(
        destination.id, destination.title, destination.target_date, served, skills
    )


def skill_view(
    destination: str,
    skill: Skill,
    evidence: EvidenceSet,
    in_cycle: EvidenceSet | None,
    history: dict[tuple[str, str], list[LevelChange]],
    settings: Settings,
    today: date,
) -> SkillView:
    mine = evidence.for_skill(destination, skill.id)
    changes = history.get((destination, skill.id)) or [LevelChange(skill.level, None)]
    current = level_on(changes, today)
    return SkillView(
        destination=destination,
        id=skill.id,
        name=skill.name,
        level=current.level,
        target=skill.target,
        level_since=current.effective,
        cycle=counts(in_cycle.for_skill(destination, skill.id)) if in_cycle else Counts(),
        overall=counts(mine),
        last_evidence=max((e.artifact.day for e in mine), default=None),
        progress=mastery_progress(mine, current, settings.mastery),
        history=tuple(changes),
    )


def counts(evidence: Sequence[Evidence]) -> Counts:
    evidence = pieces_of_work(evidence)
    accepted = {e.artifact.key for e in evidence if e.accepted}
    suggested = {e.artifact.key for e in evidence if not e.accepted} - accepted
    return Counts(len(accepted), len(suggested))


def _cycle_view(running: CycleWeek | None) -> CycleView | None:
    if running is None:
        return None
    cycle = running.cycle
    return CycleView(
        running.number,
        cycle.start,
        cycle.end,
        cycle.weeks,
        running.week,
        cycle.goal,
        running.review_date,
        tuple(cycle.destinations),
    )


def strongest_artifacts(
    evidence: Sequence[Evidence], destination: str | None = None, limit: int = 5
) -> list[StrongArtifact]:
    """The strongest accepted artifacts (optionally of one destination): the weight the
    rules gave, the kind, the size, and whether a note or outcome ties it to an impact."""
    if limit <= 0:
        return []
    by_key: dict[str, list[Evidence]] = {}
    for item in pieces_of_work(evidence):
        if item.accepted and (destination is None or item.destination == destination):
            by_key.setdefault(item.artifact.key, []).append(item)
    scored = []
    for group in by_key.values():
        artifact = group[0].artifact
        has_notes = bool(artifact.outcome) or any(e.note for e in group)
        score = sum(e.weight for e in group) + KIND_STRENGTH.get(artifact.kind, 1.0)
        score = round(score + math.log10(1 + artifact.size) + (1.0 if has_notes else 0.0), 6)
        scored.append((-score, -artifact.day.toordinal(), artifact.key, group))
    # Only the strongest few become values: a year of evidence holds thousands of groups.
    return [_strong(-s[0], s[3]) for s in heapq.nsmallest(limit, scored, key=lambda s: s[:3])]


def _strong(score: float, group: list[Evidence]) -> StrongArtifact:
    artifact = group[0].artifact
    notes = tuple(dict.fromkeys(n for e in group if (n := e.note)))
    if artifact.outcome:
        notes = (artifact.outcome, *notes)
    places = tuple(sorted({(e.destination, e.skill) for e in group}))
    return StrongArtifact(artifact, score, places, notes)


def find_gaps(skills: Sequence[SkillView], today: date, gap_weeks: int) -> list[Gap]:
    """Skills still below their target with no evidence for `gap_weeks` weeks or more."""
    gaps = []
    for skill in skills:
        if not skill.below_target:
            continue
        weeks = (today - skill.last_evidence).days // 7 if skill.last_evidence else gap_weeks
        if skill.last_evidence is None or weeks >= gap_weeks:
            gaps.append(Gap(skill.destination, skill.id, skill.name, skill.last_evidence, weeks))
    return gaps


def mastery_suggestions(skills: Sequence[SkillView]) -> list[MasterySuggestion]:
    return [
        MasterySuggestion(
            s.destination, s.id, s.name, s.level, s.progress.next_level, s.progress.reason()
        )
        for s in skills
        if s.progress.ready and s.progress.next_level
    ]


def checklist(
    settings: Settings, evidence: EvidenceSet, today: date, cadence: FeedbackCadence
) -> list[CheckItem]:
    """The guide's onboarding checklist, from the config and the ledger."""
    growth_map = settings.growth_map
    skills = [s for d in growth_map.destinations for s in d.skills]
    bare = [d.id for d in growth_map.destinations if not d.skills]
    keys = {e.artifact.key for e in evidence.evidence if e.accepted}
    accepted = len(keys | {a.key for a in evidence.artifacts if a.manual})
    return [
        CheckItem("destinations", bool(growth_map.destinations), f"{len(growth_map.destinations)}"),
        CheckItem(
            "skills with levels",
            bool(skills) and not bare,
            f"{len(skills)}" + (f"; none yet for {', '.join(bare)}" if bare else ""),
        ),
        CheckItem("cycle", bool(growth_map.cycles), f"{len(growth_map.cycles)}"),
        CheckItem("first artifact", accepted > 0, f"{accepted} accepted or manual"),
        _feedback_check(growth_map.feedback_sessions, cadence, today),
    ]


def _feedback_check(scheduled: Sequence[date], cadence: FeedbackCadence, today: date) -> CheckItem:
    """With a cadence (`feedback_every`), sessions actually held, the last one in time;
    without, sessions held or scheduled (`feedback_sessions`)."""
    held = f"{cadence.held} held"
    if cadence.every is not None:
        due = cadence.next_due
        if due is None:
            return CheckItem("feedback sessions", False, f"none held yet, {cadence.every_text()}")
        when = f"overdue since {due.isoformat()}" if cadence.overdue else f"next {due.isoformat()}"
        return CheckItem("feedback sessions", not cadence.overdue, f"{held}, {when}")
    upcoming = sorted(d for d in scheduled if d >= today)
    if cadence.held:
        detail = held + (f", next {upcoming[0].isoformat()}" if upcoming else "")
        return CheckItem("feedback sessions", True, detail)
    return CheckItem(
        "feedback sessions",
        bool(scheduled),
        f"next {upcoming[0].isoformat()}" if upcoming else f"{len(scheduled)} scheduled",
    )
