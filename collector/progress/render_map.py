"""The growth map as text: Markdown (exports, `--format md`) and a plain terminal page that
fits 100 columns, names wrapped rather than cut."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from collector.core.textsafe import clean
from collector.feedback import FeedbackCadence
from collector.progress.evidence import Artifact
from collector.progress.growth import GrowthMapView, SkillView, StrongArtifact
from collector.progress.lines import md_link, md_text, plural
from collector.progress.pairing import PairingView, Partner
from collector.progress.weeks import date_label, day_label

BAR_WIDTH = 10
PAGE_WIDTH = 100
NAME_WIDTH = 26  # longer skill names wrap onto a second line
COUNT_HEADERS = ("accepted", "suggested", "this cycle")


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "█" * filled + "░" * (width - filled)


def skill_flag(skill: SkillView, view: GrowthMapView, *, short: bool = False) -> str:
    """What to look at on this skill: a suggested level, a gap, or the target reached."""
    if any((s.destination, s.skill) == (skill.destination, skill.id) for s in view.suggestions):
        return f"↑ suggest {skill.progress.next_level}"
    gap = next(
        (g for g in view.gaps if (g.destination, g.skill) == (skill.destination, skill.id)), None
    )
    if gap is not None:
        if gap.last is None:
            return "⚠ no evidence yet"
        return f"⚠ none in {gap.weeks} weeks" if short else f"⚠ no evidence in {gap.weeks} weeks"
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


def cycle_count(skill: SkillView, view: GrowthMapView) -> str:
    return str(skill.cycle.accepted) if view.cycle is not None else "–"


def _wrap(text: str, indent: str = "", first: str = "") -> list[str]:
    return textwrap.wrap(
        text, PAGE_WIDTH, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False
    ) or [first.rstrip()]


def render_map_text(view: GrowthMapView) -> str:
    """The page `growthmap map` prints on a terminal (upstream text cleaned): one line per
    skill with its level, progress, one count per column and what to look at."""
    lines = _wrap(f"Growth map · {clean(view.owner)} · {cycle_line(view)}", "  ")
    if view.cycle is not None:
        if view.cycle.goal:
            lines += _wrap(clean(view.cycle.goal), "      ", "Goal: ")
        lines.append(f"Review: {date_label(view.cycle.review_date)}")
    name_width = _name_width(view)
    lines += ["", _header(name_width)]
    for number, destination in enumerate(view.destinations):
        lines += [""] if number else []
        by = f" (by {date_label(destination.target_date)})" if destination.target_date else ""
        mark = " · this cycle" if destination.in_cycle else ""
        title = f"{clean(destination.title)}{by}{mark}"
        lines += _wrap(title, "   ", f"{clean(destination.id):<2} ")
        if not destination.skills:
            lines.append("   no skills yet: add [[growth_map.destinations.skills]]")
        for skill in destination.skills:
            lines += _skill_rows(skill, view, name_width)
    lines += _text_tail(view)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _name_width(view: GrowthMapView) -> int:
    longest = max((len(clean(s.name)) for d in view.destinations for s in d.skills), default=5)
    return max(5, min(NAME_WIDTH, longest))


def _header(name_width: int) -> str:
    counts = f"{COUNT_HEADERS[0]:>8} {COUNT_HEADERS[1]:>9} {COUNT_HEADERS[2]:>10}"
    return f"   {'skill':<{name_width}}  level  {'progress':<{BAR_WIDTH}}  {counts}"


def _skill_rows(skill: SkillView, view: GrowthMapView, name_width: int) -> list[str]:
    """The skill's line, then what of its name or flag did not fit (wrapped, never cut)."""
    names = textwrap.wrap(clean(skill.name), name_width, break_on_hyphens=False) or [""]
    counts = (
        f"{skill.overall.accepted:>8} {skill.overall.suggested:>9} {cycle_count(skill, view):>10}"
    )
    row = (
        f"   {names[0]:<{name_width}}  {skill.level} → {skill.target}  "
        f"{bar(skill.fraction)}  {counts}  "
    )
    flags = textwrap.wrap(skill_flag(skill, view, short=True), max(PAGE_WIDTH - len(row), 12))
    rows = [row + (flags[0] if flags else "")]
    for n in range(1, max(len(names), len(flags))):
        name = names[n] if n < len(names) else ""
        flag = flags[n] if n < len(flags) else ""
        rows.append(f"   {name:<{name_width}}".ljust(len(row)) + flag)
    return rows


def feedback_line(cadence: FeedbackCadence | None) -> str | None:
    """When the next feedback session is due (with `feedback_every`), and the last one held;
    None when there is nothing to say. For the engineer: `map` and `status`."""
    if cadence is None or not cadence.shown:
        return None
    last = ""
    if cadence.last is not None:
        last = f"the last on {date_label(cadence.last)} with {clean(cadence.last_from)}"
    held = f"{plural(cadence.held, 'session')} held"
    if cadence.every is None:
        return f"Feedback: {held}, {last}"
    every = cadence.every_text()
    due = cadence.next_due
    if due is None:
        return f"⚠ Feedback: no session held yet ({every}): `growthmap feedback add` records one"
    if cadence.overdue:
        return (
            f"⚠ Feedback: overdue since {date_label(due)} ({every}; {held}, {last}): "
            "`growthmap feedback add` records one"
        )
    when = "today" if due == cadence.today else date_label(due)
    return f"Feedback: next session due {when} ({every}; {held}, {last})"


def partner_text(partner: Partner, text: Callable[[str], str]) -> str:
    """`Grace Hopper: 3 pairings · acme/checkout, acme/payments · Mentoring and feedback`."""
    parts = [plural(partner.pairings, "pairing")]
    if partner.repos:
        parts.append(", ".join(text(r) for r in partner.repos))
    if partner.skills:
        parts.append(", ".join(text(s) for s in partner.skills))
    return f"{text(partner.name)}: " + " · ".join(parts)


def _pairing_text(pairing: PairingView | None) -> list[str]:
    if pairing is None:
        return []
    lines = ["", f"Pairing {pairing.label}"]
    for partner in pairing.partners:
        lines += _wrap(partner_text(partner, clean), "      ", "  ")
    if pairing.rotation is not None:
        lines += _wrap(f"↻ {clean(pairing.rotation.text())}", "      ", "  ")
    return lines


def _text_tail(view: GrowthMapView) -> list[str]:
    lines: list[str] = _pairing_text(view.pairing)
    if view.suggestions:
        lines += ["", "Mastery suggestions (you decide: growthmap never changes a level itself)"]
        for s in view.suggestions:
            change = f"{clean(s.skill_name)} {s.current} → {s.proposed}"
            lines += [*_wrap(f"↑ {change}: {s.reason}", "    ", "  "), f"    {s.command()}"]
    if view.recent_weeks:
        lines += ["", "Last weeks"]
        for entry in view.recent_weeks:
            mark = " (edited" + (f", {entry.new_since_edit} new" if entry.new_since_edit else "")
            mark = mark + ")" if entry.edited else ""
            lines += _wrap(f"{entry.week.id}  {entry.headline}{mark}", " " * 12, "  ")
    if view.strongest:
        names = " · ".join(artifact_name(s.artifact, clean) for s in view.strongest)
        lines += ["", *_wrap(f"Strongest artifacts: {names}", "  ")]
    feedback = feedback_line(view.feedback)
    if feedback:
        lines += ["", *_wrap(feedback, "  ")]
    check = " · ".join(f"{'✓' if c.done else '✗'} {c.label}" for c in view.checklist)
    return [*lines, "", *_wrap(f"Checklist: {check}", "  ")]


def render_map_markdown(
    view: GrowthMapView, *, for_reader: bool = False, with_suggested: bool = True
) -> str:
    """The same page as Markdown, a table per destination, with links; fit for an export
    (`for_reader`: no command lines, and no lists the export holds whole; without
    `with_suggested`, no column of suggestions, for an export of accepted evidence)."""
    out = map_head_markdown(view)
    for destination in view.destinations:
        out += ["", destination_heading(view, destination.id, "##"), ""]
        if not destination.skills:
            out.append("_No skills yet._")
            continue
        counts = ["Accepted", *(["Suggested"] if with_suggested else []), "This cycle"]
        out += [
            "| Skill | Level | Progress | " + " | ".join(counts) + " | Status |",
            "|---|---|---|" + "--:|" * len(counts) + "---|",
        ]
        out += [_skill_row_md(skill, view, with_suggested) for skill in destination.skills]
    out += map_tail_markdown(view, for_reader=for_reader)
    return "\n".join(out) + "\n"


def map_head_markdown(view: GrowthMapView) -> list[str]:
    out = [
        f"# Growth map · {md_text(view.owner)}",
        "",
        f"_As of {date_label(view.today)} · {cycle_line(view)}_",
    ]
    if view.cycle is not None:
        goal = md_text(view.cycle.goal, 500) if view.cycle.goal else "_not set_"
        out += ["", f"**Goal:** {goal}  ", f"**Review:** {date_label(view.cycle.review_date)}"]
    return out


def destination_heading(view: GrowthMapView, destination_id: str, level: str) -> str:
    destination = next(d for d in view.destinations if d.id == destination_id)
    by = f" (by {date_label(destination.target_date)})" if destination.target_date else ""
    mark = " · this cycle" if destination.in_cycle else ""
    return f"{level} {md_text(destination.id)} · {md_text(destination.title)}{by}{mark}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _skill_row_md(skill: SkillView, view: GrowthMapView, with_suggested: bool) -> str:
    cells = (
        f"**{_cell(md_text(skill.name))}**",
        f"{skill.level} → {skill.target}",
        f"`{bar(skill.fraction)}`",
        str(skill.overall.accepted),
        *([str(skill.overall.suggested)] if with_suggested else []),
        cycle_count(skill, view),
        _cell(md_text(skill_flag(skill, view))),
    )
    return "| " + " | ".join(cells) + " |"


def map_tail_markdown(view: GrowthMapView, *, for_reader: bool = False) -> list[str]:
    """Mastery suggestions; and not `for_reader` (an export: it holds the weeks and the
    strongest artifacts whole, and the setup checklist is the engineer's) the recent
    weeks, the strongest artifacts and the checklist."""
    out: list[str] = _pairing_markdown(view.pairing)
    if view.suggestions:
        out += ["", "## Mastery suggestions", ""]
        out += [
            f"- {md_text(s.skill_name)}: {s.current} → {s.proposed} — {md_text(s.reason)}"
            + ("" if for_reader else f" (`{s.command()}`)")
            for s in view.suggestions
        ]
    if view.recent_weeks and not for_reader:
        out += ["", "## Last weeks", ""]
        out += [
            f"- {e.week.id}: {md_text(e.headline)}" + (" _(edited)_" if e.edited else "")
            for e in view.recent_weeks
        ]
    if view.strongest and not for_reader:
        names = {(d.id, s.id): s.name for d in view.destinations for s in d.skills}
        out += ["", "## Strongest artifacts", ""]
        out += [_strong_md(s, names) for s in view.strongest]
    if for_reader:
        return out
    feedback = feedback_line(view.feedback)
    if feedback:
        out += ["", "## Feedback sessions", "", md_text(feedback, 500)]
    out += ["", "## Checklist", ""]
    out += [
        f"- [{'x' if c.done else ' '}] {c.label}" + (f" ({md_text(c.detail)})" if c.detail else "")
        for c in view.checklist
    ]
    return out


def _pairing_markdown(pairing: PairingView | None) -> list[str]:
    if pairing is None:
        return []
    out = ["", f"## Pairing {pairing.label}", ""]
    out += [f"- {partner_text(p, md_text)}" for p in pairing.partners]
    if pairing.rotation is not None:
        out += ["", f"↻ {md_text(pairing.rotation.text(), 300)}"]
    return out


def _strong_md(strong: StrongArtifact, names: dict[tuple[str, str], str]) -> str:
    artifact = strong.artifact
    line = f"- {md_link(artifact_name(artifact, md_text), artifact.url)}"
    if not artifact.manual and artifact.kind != "design_doc":
        line += f' "{md_text(artifact.title)}"'
    places = ", ".join(f"{d} · {names.get((d, s), s)}" for d, s in strong.places)
    line += f" ({md_text(places)}, {date_label(artifact.day)})"
    if strong.notes:
        line += f" — {md_text(strong.notes[0], 300)}"
    return line
