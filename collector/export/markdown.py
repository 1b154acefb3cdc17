"""The export as Markdown: sections the HTML export renders too. Upstream and user text
goes through `md_text` (escaped, one line) except the log entries, which are Markdown the
engineer owns (their headings are moved one level down to fit under the section)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from collector.export.model import ExportModel, Mapping, SkillLevels
from collector.progress import render_map_markdown
from collector.progress.entry import demote
from collector.progress.evidence import Artifact
from collector.progress.growth import StrongArtifact
from collector.progress.lines import level_label, md_link, md_text, unmarked
from collector.progress.weeks import Week, date_label

CHANGED_UPSTREAM = "⚠ changed upstream after it was accepted"


@dataclass(frozen=True)
class Section:
    id: str  # the HTML anchor
    title: str  # Markdown
    body: str  # Markdown, without the section's own heading

    def markdown(self) -> str:
        return f"## {self.title}\n\n{self.body.strip()}\n"


def render_markdown(model: ExportModel) -> str:
    """The whole export: a title, the scope line, the period at a glance, then every
    section."""
    glance = " · ".join(f"{number} {label}" for number, label in figures(model))
    parts = [f"# {title_line(model)}", "", f"_{scope_line(model)}_", ""]
    parts += [f"**At a glance:** {glance}", ""]
    parts += [s.markdown() for s in sections(model)]
    return unmarked("\n".join(parts).rstrip("\n") + "\n")


def title_line(model: ExportModel) -> str:
    return f"Evidence for review · {md_text(model.owner_name)}"


def scope_line(model: ExportModel) -> str:
    options = model.options
    parts = [f"Period: {model.period.text()}", f"as of {date_label(model.as_of)}"]
    if options.destination:
        parts.append(f"destination {md_text(options.destination)}")
    parts.append(
        "accepted and suggested evidence, manual artifacts"
        if options.include_suggested
        else "accepted evidence and manual artifacts"
    )
    if options.redact_private:
        parts.append("private repositories redacted")
    return " · ".join(parts)


def figures(model: ExportModel) -> list[tuple[int, str]]:
    """The period in a few numbers: evidence, the weeks it came in, what changed."""
    accepted = {m.artifact.key: m.artifact for m in model.mappings if m.evidence.accepted}
    accepted |= {a.key: a for a in model.artifacts if a.manual}
    suggested = {m.artifact.key for m in model.mappings if not m.evidence.accepted}
    weeks = {Week.of_date(a.day) for a in accepted.values()}
    first, last = model.period.first, model.period.last
    changes = sum(
        1
        for levels in model.levels
        for c in levels.changes
        if c.effective
        and (first is None or c.effective >= first)
        and (last is None or c.effective <= last)
    )
    found = [
        (len(accepted), _noun(len(accepted), "accepted artifact")),
        (len(weeks), _noun(len(weeks), "week", "weeks") + " with evidence"),
        (len(model.endorsements), _noun(len(model.endorsements), "endorsement")),
        (changes, _noun(changes, "level change")),
    ]
    if suggested - accepted.keys():
        found.insert(1, (len(suggested - accepted.keys()), "suggested"))
    return found


def _noun(count: int, one: str, many: str | None = None) -> str:
    return one if count == 1 else (many or one + "s")


def sections(model: ExportModel) -> list[Section]:
    return [
        Section("growth-map", "Growth map", _growth_map(model)),
        Section("portfolio", "Portfolio of impact", _portfolio(model)),
        Section("log", "Progress log", _log(model)),
        Section("evidence", "Evidence by destination and skill", _evidence(model)),
        Section("endorsements", "Endorsements", _endorsements(model)),
        Section("levels", "Level history", _levels(model)),
    ]


def _growth_map(model: ExportModel) -> str:
    suggested = model.options.include_suggested
    page = demote(render_map_markdown(model.growth_map, for_reader=True, with_suggested=suggested))
    # The page's own title becomes the section heading: drop it.
    return page.split("\n", 1)[1] if page.startswith("## ") else page


def _portfolio(model: ExportModel) -> str:
    blocks = []
    for part in model.portfolio:
        lines = [f"### {md_text(part.destination)} · {md_text(part.title)}", ""]
        lines += [_strong(model, s, n) for n, s in enumerate(part.strongest, start=1)]
        if not part.strongest:
            lines.append("_No accepted evidence in this period._")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) or "_No destinations in the growth map._"


def _strong(model: ExportModel, strong: StrongArtifact, number: int) -> str:
    artifact = strong.artifact
    places = ", ".join(md_text(model.skill_name(d, s)) for d, s in strong.places)
    line = (
        f"{number}. {model.book.line(artifact, model.period.first)} · "
        f"{date_label(artifact.day)} · {places}"
    )
    if strong.notes and not artifact.outcome:
        line += f" — **Outcome:** {md_text(strong.notes[0], 500)}"
    elif len(strong.notes) > 1:
        line += f" — **Note:** {md_text(strong.notes[1], 500)}"
    return line


NO_ENTRIES = "_No progress-log entries in this period._"


def _log(model: ExportModel) -> str:
    blocks = [text for _, text in log_blocks(model)]
    return "\n\n".join(blocks) if blocks else NO_ENTRIES


def log_blocks(model: ExportModel) -> list[tuple[bool, str]]:
    """Each entry's Markdown, headings nested under the section, and whether the
    engineer edited it (their own Markdown, not growthmap's)."""
    blocks = []
    for entry in model.entries:
        text = demote(entry.text.strip())
        if entry.edited:
            text += "\n\n_(edited by hand)_"
        blocks.append((entry.edited, text))
    return blocks


def _evidence(model: ExportModel) -> str:
    by_skill: dict[tuple[str, str], list[Mapping]] = {}
    for mapping in model.mappings:
        by_skill.setdefault((mapping.evidence.destination, mapping.evidence.skill), []).append(
            mapping
        )
    blocks = []
    for destination in model.growth_map.destinations:
        skill_blocks = [f"### {md_text(destination.id)} · {md_text(destination.title)}"]
        for skill in destination.skills:
            mine = by_skill.get((destination.id, skill.id), [])
            title = f"#### {md_text(skill.name)} ({skill.level} → {skill.target})"
            shown = [_mapping_line(m, model) for m in mine] or ["- _no evidence in this period_"]
            skill_blocks.append(title + "\n\n" + "\n".join(shown))
        blocks.append("\n\n".join(skill_blocks))
    mapped = {m.artifact.key for m in model.mappings}
    unmapped = [a for a in model.artifacts if a.manual and a.key not in mapped]
    if unmapped:
        since = model.period.first
        rows = [f"- {date_label(a.day)} · {model.book.line(a, since)}" for a in unmapped]
        blocks.append("### Manual artifacts without a skill\n\n" + "\n".join(rows))
    if not model.mappings and not unmapped:
        blocks.append("_No evidence in this period._")
    return "\n\n".join(blocks)


def _mapping_line(mapping: Mapping, model: ExportModel) -> str:
    """A design doc created in the period is `new` here, as in the week's log entry."""
    evidence = mapping.evidence
    artifact = evidence.artifact
    mark = "" if evidence.accepted else "*suggested* "
    line = f"- {_day(artifact.day)} · {mark}{model.book.line(artifact, model.period.first)}"
    if evidence.note:
        line += f" — note: {md_text(evidence.note, 500)}"
    if mapping.changed_upstream:
        line += f" — {CHANGED_UPSTREAM}"
    return line


@lru_cache(maxsize=4096)
def _day(day: date) -> str:
    return date_label(day)


def _endorsements(model: ExportModel) -> str:
    found = model.endorsements
    if not found:
        return "_No endorsements in this period._"
    return "\n".join(f"- {date_label(a.day)} · {_endorsement(a)}" for a in found)


def _endorsement(artifact: Artifact) -> str:
    who = md_text(artifact.endorser or "someone", 80)
    text = md_link(f'"{md_text(artifact.title, 500)}"', artifact.url)
    line = f"{who}: {text}{level_label(artifact)}"
    return line + (f" — {md_text(artifact.outcome, 300)}" if artifact.outcome else "")


def _levels(model: ExportModel) -> str:
    if not model.levels:
        return "_No skills in the growth map._"
    return "\n".join(_level_line(levels) for levels in model.levels)


def _level_line(levels: SkillLevels) -> str:
    steps = []
    for change in levels.changes:
        when = date_label(change.effective) if change.effective else "start"
        note = f", {md_text(change.note, 200)}" if change.note and change.effective else ""
        steps.append(f"{change.level} ({when}{note})")
    name = f"{md_text(levels.destination)} · {md_text(levels.name)}"
    return f"- **{name}**: " + " → ".join(steps)
