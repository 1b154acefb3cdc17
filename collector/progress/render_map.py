"""The growth map as text: Markdown (exports, `--format md`) and a plain terminal page."""

from __future__ import annotations

from collections.abc import Callable

from collector.progress.artifacts import Artifact
from collector.progress.growth import Counts, GrowthMapView, SkillView, StrongArtifact
from collector.progress.lines import md_link, md_text
from collector.progress.weeks import date_label, day_label
from collector.textsafe import clean

BAR_WIDTH = 10
NAME_WIDTH = 28


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "█" * filled + "░" * (width - filled)


def counts_label(counts: Counts) -> str:
    if not counts.accepted and not counts.suggested:
        return "0"
    text = f"{counts.accepted} accepted"
    return text + (f" · {counts.suggested} suggested" if counts.suggested else "")


def skill_flag(skill: SkillView, view: GrowthMapView) -> str:
    if any((s.destination, s.skill) == (skill.destination, skill.id) for s in view.suggestions):
        return f"↑ suggest {skill.progress.next_level}: {skill.progress.reason()}"
    gap = next(
        (g for g in view.gaps if (g.destination, g.skill) == (skill.destination, skill.id)), None
    )
    if gap:
        return f"⚠ {gap.text().replace(' for ' + skill.name, '')}"
    return "" if skill.below_target else "✓ at target"


def cycle_line(view: GrowthMapView) -> str:
    cycle = view.cycle
    if cycle is None:
        return "no cycle running"
    span = f"{day_label(cycle.start)} – {date_label(cycle.end)}"
    return f"cycle {cycle.number} ({span}), week {cycle.week} of {cycle.weeks}"


def artifact_name(artifact: Artifact, text: Callable[[str], str]) -> str:
    if artifact.manual:
        return f'{artifact.kind} "{text(artifact.title)}"'
    if artifact.kind == "design_doc":
        return text(artifact.ref.rsplit("/", 1)[-1])
    return text(artifact.ref)


def render_map_text(view: GrowthMapView) -> str:
    """The page `growthmap map` prints on a terminal (upstream text cleaned)."""
    lines = [f"Growth map · {clean(view.owner)} · {cycle_line(view)}"]
    if view.cycle is not None:
        if view.cycle.goal:
            lines.append(f"Goal: {clean(view.cycle.goal)}")
        lines.append(f"Review: {date_label(view.cycle.review_date)}")
    for destination in view.destinations:
        by = f" (by {date_label(destination.target_date)})" if destination.target_date else ""
        mark = "  · this cycle" if destination.in_cycle else ""
        lines += ["", f"{clean(destination.id):<3}{clean(destination.title)}{by}{mark}"]
        if not destination.skills:
            lines.append("   no skills yet: add [[growth_map.destinations.skills]]")
        for skill in destination.skills:
            name = clean(skill.name)[: NAME_WIDTH - 2]
            dots = " " + "." * (NAME_WIDTH - len(name) - 1)
            row = (
                f"   {name}{dots} {skill.level} → {skill.target}   {bar(skill.progress.fraction)}"
                f"  cycle {counts_label(skill.cycle)} · all {counts_label(skill.overall)}"
            )
            flag = skill_flag(skill, view)
            lines.append(row + (f"   {flag}" if flag else ""))
    lines += _text_tail(view)
    return "\n".join(lines) + "\n"


def _text_tail(view: GrowthMapView) -> list[str]:
    lines: list[str] = []
    if view.suggestions:
        lines += ["", "Mastery suggestions (you decide: growthmap never changes a level itself)"]
        lines += [
            f"  ↑ {clean(s.skill_name)} {s.current} → {s.proposed}: {s.reason} · `{s.command()}`"
            for s in view.suggestions
        ]
    if view.gaps:
        lines += ["", "Gaps"] + [f"  ⚠ {clean(g.text())}" for g in view.gaps]
    if view.recent_weeks:
        lines += ["", "Last weeks"]
        for entry in view.recent_weeks:
            mark = " (edited" + (f", {entry.new_since_edit} new" if entry.new_since_edit else "")
            mark = mark + ")" if entry.edited else ""
            lines.append(f"  {entry.week.id}  {entry.headline}{mark}")
    if view.strongest:
        names = " · ".join(artifact_name(s.artifact, clean) for s in view.strongest)
        lines += ["", f"Strongest artifacts: {names}"]
    check = " · ".join(f"{'✓' if c.done else '✗'} {c.label}" for c in view.checklist)
    return [*lines, "", f"Checklist: {check}"]


def render_map_markdown(view: GrowthMapView) -> str:
    """The same page as Markdown, with links; fit for an export."""
    out = [
        f"# Growth map · {md_text(view.owner)}",
        "",
        f"_As of {date_label(view.today)} · {cycle_line(view)}_",
    ]
    if view.cycle is not None:
        goal = md_text(view.cycle.goal, 500) if view.cycle.goal else "_not set_"
        out += ["", f"**Goal:** {goal}  ", f"**Review:** {date_label(view.cycle.review_date)}"]
    for destination in view.destinations:
        by = f" (by {date_label(destination.target_date)})" if destination.target_date else ""
        mark = " · this cycle" if destination.in_cycle else ""
        out += ["", f"## {md_text(destination.id)} · {md_text(destination.title)}{by}{mark}", ""]
        for skill in destination.skills:
            flag = skill_flag(skill, view)
            out.append(
                f"- **{md_text(skill.name)}** {skill.level} → {skill.target} "
                f"`{bar(skill.progress.fraction)}` this cycle {counts_label(skill.cycle)} · "
                f"overall {counts_label(skill.overall)}" + (f" — {md_text(flag)}" if flag else "")
            )
        if not destination.skills:
            out.append("- _no skills yet_")
    out += _markdown_tail(view)
    return "\n".join(out) + "\n"


def _markdown_tail(view: GrowthMapView) -> list[str]:
    out: list[str] = []
    if view.suggestions:
        out += ["", "## Mastery suggestions", ""]
        out += [
            f"- {md_text(s.skill_name)}: {s.current} → {s.proposed} — {md_text(s.reason)} "
            f"(`{s.command()}`)"
            for s in view.suggestions
        ]
    if view.gaps:
        out += ["", "## Gaps", ""] + [f"- {md_text(g.text())}" for g in view.gaps]
    if view.recent_weeks:
        out += ["", "## Last weeks", ""]
        out += [
            f"- {e.week.id}: {md_text(e.headline)}" + (" _(edited)_" if e.edited else "")
            for e in view.recent_weeks
        ]
    if view.strongest:
        out += ["", "## Strongest artifacts", ""] + [_strong_md(s) for s in view.strongest]
    out += ["", "## Checklist", ""]
    out += [
        f"- [{'x' if c.done else ' '}] {c.label}" + (f" ({md_text(c.detail)})" if c.detail else "")
        for c in view.checklist
    ]
    return out


def _strong_md(strong: StrongArtifact) -> str:
    artifact = strong.artifact
    line = f"- {md_link(artifact_name(artifact, md_text), artifact.url)}"
    if not artifact.manual and artifact.kind != "design_doc":
        line += f' "{md_text(artifact.title)}"'
    places = ", ".join(f"{d} · {s}" for d, s in strong.places)
    line += f" ({md_text(places)}, {date_label(artifact.day)})"
    if strong.notes:
        line += f" — {md_text(strong.notes[0], 300)}"
    return line
