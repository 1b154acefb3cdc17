"""Mastery suggestions: from accepted evidence since the current level was reached,
propose N→P or P→E with the reason. Never applied by growthmap itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from collector.core.settings_model import MasterySection
from collector.progress.evidence import Evidence, pieces_of_work
from collector.progress.levels import LevelChange
from collector.progress.lines import kind_noun, plural
from collector.progress.weeks import Week

NEXT_LEVEL = {"N": "P", "P": "E"}


@dataclass(frozen=True)
class MasteryProgress:
    """How far a skill's accepted evidence is toward the next level's thresholds."""

    level: str
    next_level: str | None
    artifacts: int
    weeks: int
    teaching: int
    need_artifacts: int
    need_weeks: int
    need_teaching: int
    by_kind: tuple[tuple[str, int], ...]

    @property
    def ready(self) -> bool:
        return self.next_level is not None and (
            self.artifacts >= self.need_artifacts
            and self.weeks >= self.need_weeks
            and self.teaching >= self.need_teaching
        )

    @property
    def fraction(self) -> float:
        """0..1 toward the next level (1 at Expert)."""
        if self.next_level is None:
            return 1.0
        parts = [
            min(1.0, self.artifacts / self.need_artifacts),
            min(1.0, self.weeks / self.need_weeks),
        ]
        if self.need_teaching:
            parts.append(min(1.0, self.teaching / self.need_teaching))
        return sum(parts) / len(parts)

    def reason(self) -> str:
        """`14 accepted artifacts over 5 weeks: 3 design docs, 9 reviews given, 2 talks`."""
        text = f"{plural(self.artifacts, 'accepted artifact')} over {plural(self.weeks, 'week')}"
        if self.by_kind:
            text += ": " + ", ".join(kind_noun(kind, count) for kind, count in self.by_kind)
        return text

    def missing(self) -> str:
        """What the next level still wants, e.g. `3 more artifacts, 1 more week`."""
        gaps = []
        if self.artifacts < self.need_artifacts:
            gaps.append(plural(self.need_artifacts - self.artifacts, "more artifact"))
        if self.weeks < self.need_weeks:
            gaps.append(plural(self.need_weeks - self.weeks, "more week"))
        if self.teaching < self.need_teaching:
            gaps.append(f"{self.need_teaching - self.teaching} more teaching (reviews, talks)")
        return ", ".join(gaps)


def mastery_progress(
    evidence: Sequence[Evidence], current: LevelChange, thresholds: MasterySection
) -> MasteryProgress:
    """Count distinct accepted artifacts dated on or after the current level took effect."""
    since = current.effective
    artifacts = {
        e.artifact.key: e.artifact
        for e in pieces_of_work(evidence)
        if e.accepted and (since is None or e.artifact.day >= since)
    }
    kinds: dict[str, int] = {}
    for artifact in artifacts.values():
        kinds[artifact.kind] = kinds.get(artifact.kind, 0) + 1
    nxt = NEXT_LEVEL.get(current.level)
    expert = nxt == "E"
    return MasteryProgress(
        level=current.level,
        next_level=nxt,
        artifacts=len(artifacts),
        weeks=len({Week.of_date(a.day) for a in artifacts.values()}),
        teaching=sum(1 for a in artifacts.values() if a.kind in thresholds.teaching_kinds),
        need_artifacts=thresholds.expert_artifacts if expert else thresholds.practitioner_artifacts,
        need_weeks=thresholds.expert_weeks if expert else thresholds.practitioner_weeks,
        need_teaching=thresholds.expert_teaching if expert else 0,
        by_kind=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


@dataclass(frozen=True)
class MasterySuggestion:
    destination: str
    skill: str
    skill_name: str
    current: str
    proposed: str
    reason: str

    def command(self) -> str:
        return f"growthmap skill set {self.destination}/{self.skill} {self.proposed}"
