"""The weekly progress-log entry as Markdown, from a week's evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from collector.progress.artifacts import Artifact, Evidence
from collector.progress.gather import EvidenceSet
from collector.progress.lines import (
    artifact_line,
    kind_noun,
    md_text,
    plural,
    reviews_summary,
)
from collector.progress.weeks import CycleWeek, Week
from collector.settings_model import GrowthMap

REFLECTION_PROMPTS = (
    "What went well",
    "What was challenging",
    "What to improve next sprint",
    "What support I need",
)
NEW_SINCE_EDIT = "New since your edit"

Levels = Mapping[tuple[str, str], str]


@dataclass(frozen=True)
class WeekEntry:
    """What a week's entry is drafted from."""

    week: Week
    cycle: CycleWeek | None
    evidence: EvidenceSet
    levels: Levels  # (destination, skill) -> level at the end of the week


def heading(week: Week, cycle: CycleWeek | None) -> str:
    parts = [f"Week {week.id}", week.dates_label()]
    if cycle is not None:
        parts.append(cycle.label())
    return "## " + " · ".join(parts)


def render_week(entry: WeekEntry, growth_map: GrowthMap) -> str:
    """The draft: heading, evidence per destination and skill, the week's reviews,
    tickets and design docs, what is not yet mapped, and the reflection prompts."""
    evidence = entry.evidence
    since = entry.week.monday()
    blocks = [heading(entry.week, entry.cycle)]
    blocks += skill_blocks(evidence.evidence, growth_map, entry.levels, since)
    blocks += overview_blocks(evidence, since)
    if not evidence.artifacts:
        blocks.append("_No evidence collected this week._")
    blocks.append("### Reflection\n" + "\n".join(f"- {prompt}:" for prompt in REFLECTION_PROMPTS))
    return "\n\n".join(blocks) + "\n"


def skill_blocks(
    evidence: Sequence[Evidence], growth_map: GrowthMap, levels: Levels, since: date | None = None
) -> list[str]:
    """One block per destination with evidence: a bold line per skill, then its lines."""
    blocks: list[str] = []
    known = {(d.id, s.id) for d in growth_map.destinations for s in d.skills}
    for destination in growth_map.destinations:
        lines: list[str] = []
        for skill in destination.skills:
            mine = [e for e in evidence if (e.destination, e.skill) == (destination.id, skill.id)]
            if not mine:
                continue
            level = levels.get((destination.id, skill.id), skill.level)
            head = f"**{md_text(skill.name)} ({level} → {skill.target})**"
            lines.append("\n".join([head, *evidence_lines(mine, since)]))
        if lines:
            # A blank line between skills: a bold line right after a list item would
            # otherwise continue that item (CommonMark lazy continuation).
            title = f"### {md_text(destination.id)} · {md_text(destination.title)}"
            blocks.append(title + "\n" + "\n\n".join(lines))
    stray = [e for e in evidence if (e.destination, e.skill) not in known]
    if stray:
        lines = []
        for pair in sorted({(e.destination, e.skill) for e in stray}):
            mine = [e for e in stray if (e.destination, e.skill) == pair]
            head = f"**{md_text(pair[0])} · {md_text(pair[1])}**"
            lines.append("\n".join([head, *evidence_lines(mine, since)]))
        blocks.append("### Not in your growth map\n" + "\n\n".join(lines))
    return blocks


def evidence_lines(evidence: Sequence[Evidence], since: date | None = None) -> list[str]:
    """Accepted first, then suggested (marked); reviews summarised; a ticket already shown
    on its pull request's line is not repeated."""
    lines: list[str] = []
    for accepted in (True, False):
        group = [e for e in evidence if e.accepted is accepted]
        shown_tickets = {t.key for e in group for t in e.artifact.linked}
        mark = "" if accepted else "*suggested* "
        reviews = [e.artifact for e in group if e.artifact.kind == "review"]
        for item in group:
            artifact = item.artifact
            if artifact.kind == "review" or artifact.key in shown_tickets:
                continue
            line = f"- {mark}{artifact_line(artifact, since)}"
            if item.note:
                line += f" — note: {md_text(item.note, 300)}"
            lines.append(line)
        if reviews:
            lines.append(f"- {mark}{reviews_summary(reviews)}")
    return lines


def overview_blocks(evidence: EvidenceSet, since: date | None = None) -> list[str]:
    """The week as a whole, mapped or not: reviews, tickets, design docs, other artifacts."""
    artifacts = evidence.artifacts
    blocks: list[str] = []
    reviews = [a for a in artifacts if a.kind == "review" and not a.manual]
    if reviews:
        blocks.append("### Reviews given\n- " + reviews_summary(reviews))
    tickets = [a for a in artifacts if a.is_closed_ticket and not a.manual]
    if tickets:
        blocks.append("### Tickets closed\n" + _bullets(tickets, since))
    docs = [a for a in artifacts if a.kind == "design_doc" and not a.manual]
    if docs:
        blocks.append("### Design docs\n" + _bullets(docs, since))
    mapped = {e.artifact.key for e in evidence.evidence}
    other = [a for a in artifacts if a.manual and a.key not in mapped]
    if other:
        blocks.append("### Other artifacts\n" + _bullets(other, since))
    if evidence.unmapped:
        count = plural(len(evidence.unmapped), "item")
        blocks.append(f"### Not yet mapped\n- {count} — run `growthmap review`")
    return blocks


def _bullets(artifacts: Sequence[Artifact], since: date | None) -> str:
    return "\n".join(f"- {artifact_line(a, since)}" for a in artifacts)


def headline(evidence: EvidenceSet) -> str:
    """A week in one line: `3 pull requests merged · 7 reviews given · 2 tickets closed`."""
    artifacts = evidence.artifacts
    merged = sum(1 for a in artifacts if a.kind == "pull_request" and a.state == "merged")
    parts = [f"{plural(merged, 'pull request')} merged"] if merged else []
    counts: dict[str, int] = {}
    for artifact in artifacts:
        if artifact.kind != "pull_request" and not artifact.is_closed_ticket:
            counts[artifact.kind] = counts.get(artifact.kind, 0) + 1
    tickets = sum(1 for a in artifacts if a.is_closed_ticket)
    for kind in sorted(counts, key=lambda k: (-counts[k], k)):
        parts.append(kind_noun(kind, counts[kind]))
    if tickets:
        parts.append(f"{plural(tickets, 'ticket')} closed")
    return " · ".join(parts) if parts else "no evidence"
