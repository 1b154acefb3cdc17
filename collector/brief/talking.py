"""Talking points: per destination, one or two sentences from templates over the
period's accepted evidence — a level recorded in the period first ("Progressed from N to
P in Observability: 12 accepted artifacts over 5 weeks, among them …"), then the skills
with the most evidence. Every number is a count of ledger rows; no adjective is added."""

from __future__ import annotations

from datetime import timedelta

from collector.brief.inputs import BriefInputs
from collector.brief.model import Section, Sentence, backed_by, row_backing, titled
from collector.progress import Evidence
from collector.progress.evidence import pieces_of_work
from collector.progress.growth import (
    DestinationView,
    SkillView,
    StrongArtifact,
    strongest_artifacts,
)
from collector.progress.levels import level_on
from collector.progress.lines import md_text, plural
from collector.progress.weeks import Week

PER_DESTINATION = 2
AMONG = 2  # artifacts named in a sentence


def talking_points_section(inputs: BriefInputs) -> Section:
    sentences: list[Sentence] = []
    for destination in inputs.view.destinations:
        sentences += _destination_points(destination, inputs)
    return Section(
        "talking-points",
        "Talking points",
        tuple(sentences),
        "_No accepted evidence for a destination in this period._",
    )


def _destination_points(destination: DestinationView, inputs: BriefInputs) -> list[Sentence]:
    accepted = {
        s.id: [
            e for e in pieces_of_work(inputs.evidence.for_skill(destination.id, s.id)) if e.accepted
        ]
        for s in destination.skills
    }
    changed = [s for s in destination.skills if _change_in_period(s, inputs)]
    others = sorted(
        (s for s in destination.skills if s not in changed and accepted[s.id]),
        key=lambda s: -len({e.artifact.key for e in accepted[s.id]}),
    )  # stable: ties keep the growth map's order
    points = []
    for skill in [*changed, *others][:PER_DESTINATION]:
        points.append(_point(skill, accepted[skill.id], inputs))
    if points:
        title = f"{md_text(destination.id)} · {md_text(destination.title)}"
        points[0] = Sentence(f"**{title}**: {points[0].text}", points[0].backing)
    return points


def _change_in_period(skill: SkillView, inputs: BriefInputs) -> tuple[str, str] | None:
    """(level before, level after) the changes recorded in the period, when they differ."""
    first, last = inputs.period.first, inputs.period.last
    inside = [
        c.effective
        for c in skill.history[1:]
        if c.effective and (not first or c.effective >= first) and (not last or c.effective <= last)
    ]
    if not inside:
        return None
    before = level_on(list(skill.history), min(inside) - timedelta(days=1)).level
    after = level_on(list(skill.history), max(inside)).level
    return (before, after) if before != after else None


def _point(skill: SkillView, accepted: list[Evidence], inputs: BriefInputs) -> Sentence:
    artifacts = {e.artifact.key: e.artifact for e in accepted}
    weeks = {Week.of_date(a.day) for a in artifacts.values()}
    evidence = f"{plural(len(artifacts), 'accepted artifact')} over {plural(len(weeks), 'week')}"
    change = _change_in_period(skill, inputs)
    if change is not None:
        lead = f"Progressed from {change[0]} to {change[1]} in {md_text(skill.name)}"
    elif skill.below_target:
        lead = f"{md_text(skill.name)} ({skill.level}, aiming for {skill.target})"
    else:
        lead = f"{md_text(skill.name)} ({skill.level}, the target level)"
    ranked = strongest_artifacts(accepted, limit=len(accepted))
    text = f"{lead}: {evidence}" if artifacts else lead
    if len(ranked) == 1:
        text += ": " + _named(ranked[0], inputs)
    elif ranked:
        text += ", among them " + " and ".join(_named(s, inputs) for s in ranked[:AMONG])
    backing = backed_by(inputs.redaction.artifact(s.artifact) for s in ranked)
    if change is not None:
        recorded = max(c.effective for c in skill.history[1:] if c.effective)
        backing = (row_backing("skill history", recorded), *backing)
    return Sentence(text, backing)


def _named(strong: StrongArtifact, inputs: BriefInputs) -> str:
    artifact = inputs.redaction.artifact(strong.artifact)
    outcome = ""
    if strong.notes:
        outcome = f" (outcome: {md_text(inputs.redaction.text(strong.notes[0]), 200)})"
    return f"{titled(artifact, 120)}{outcome}"
