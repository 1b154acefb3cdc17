"""The growth map in the HTML export: a table per destination with each skill's progress
toward its next level drawn as an inline SVG bar (SVG rather than CSS backgrounds, which
browsers leave out when printing). Every text is HTML-escaped; nothing is fetched."""

from __future__ import annotations

from html import escape

from collector.core.textsafe import clean
from collector.export.minimd import render_blocks
from collector.progress.entry import demote
from collector.progress.growth import GrowthMapView, SkillView
from collector.progress.render_map import (
    cycle_count,
    destination_heading,
    map_head_markdown,
    map_tail_markdown,
    skill_flag,
)

MAP_STYLE = """
table.skills { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem;
  table-layout: fixed; }
table.skills col.skill { width: 27%; } table.skills col.level { width: 8%; }
table.skills col.progress { width: 19%; } table.skills col.num { width: 9%; }
table.skills col.status { width: 19%; }
table.skills thead th { white-space: nowrap; }
table.skills th, table.skills td { padding: .35rem .5rem; border-bottom: 1px solid var(--rule);
  text-align: left; vertical-align: middle; }
table.skills thead th { font-size: .82rem; font-weight: 600; color: var(--muted);
  vertical-align: bottom; }
table.skills tbody th { font-weight: 600; }
table.skills .num { text-align: right; font-variant-numeric: tabular-nums; }
table.skills td.level, table.skills td.progress { white-space: nowrap; }
table.skills .share { color: var(--muted); font-size: .85rem; margin-left: .4rem; }
svg.bar { width: 6.5rem; height: .6rem; vertical-align: middle; }
svg.bar .track { fill: #e2e8f0; }
svg.bar .fill { fill: var(--accent); }
svg.bar.ready .fill, svg.bar.done .fill { fill: #059669; }
.status.ready, .status.done { color: #047857; }
.status.gap { color: #b45309; }
"""

_HEADERS = (
    ("Skill", "skill"),
    ("Level", "level"),
    ("Next level", "progress"),
    ("Accepted", "num"),
    ("Suggested", "num"),
    ("This cycle", "num"),
    ("", "status"),
)


def growth_map_html(view: GrowthMapView, *, with_suggested: bool = True) -> str:
    """The map's head (as of, goal, review), a table per destination, then the mastery
    suggestions, for the export's reader (the Suggested column `with_suggested` only)."""
    headers = [h for h in _HEADERS if with_suggested or h[0] != "Suggested"]
    columns = "".join(f'<col class="{css}">' for _, css in headers)
    header = "".join(_th(text, css) for text, css in headers)
    head = "\n".join(map_head_markdown(view)[2:])  # the title is the section's heading
    parts = [render_blocks(head)]
    for destination in view.destinations:
        parts.append(render_blocks(destination_heading(view, destination.id, "###")))
        if not destination.skills:
            parts.append("<p><em>No skills yet.</em></p>")
            continue
        rows = "\n".join(_row(skill, view, with_suggested) for skill in destination.skills)
        parts.append(
            f'<table class="skills">\n<colgroup>{columns}</colgroup>\n'
            f"<thead><tr>{header}</tr></thead>\n"
            f"<tbody>\n{rows}\n</tbody>\n</table>"
        )
    parts.append(render_blocks(demote("\n".join(map_tail_markdown(view, for_reader=True)))))
    return "\n".join(parts)


def _th(text: str, css: str) -> str:
    return f'<th scope="col" class="{css}">{text}</th>'


def _row(skill: SkillView, view: GrowthMapView, with_suggested: bool) -> str:
    flag = skill_flag(skill, view)
    state = _state(flag)
    cells = (
        f'<th scope="row">{_text(skill.name)}</th>',
        f'<td class="level">{_text(skill.level)} → {_text(skill.target)}</td>',
        f'<td class="progress">{progress_bar(skill, state)}</td>',
        f'<td class="num">{skill.overall.accepted}</td>',
        *([f'<td class="num">{skill.overall.suggested}</td>'] if with_suggested else []),
        f'<td class="num">{cycle_count(skill, view)}</td>',
        f'<td class="status {state}">{_text(flag)}</td>',
    )
    return "<tr>" + "".join(cells) + "</tr>"


def progress_bar(skill: SkillView, state: str = "") -> str:
    """A bar filled to the share of the next level's thresholds met (full at the target)."""
    progress = skill.progress
    share = max(0, min(100, round(skill.fraction * 100)))
    if not skill.below_target:
        label = f"at {skill.level}, the target level"
    elif progress.next_level is None:
        label = f"at {progress.level}, the top level"
    else:
        label = (
            f"{share}% of the way to {progress.next_level}: {progress.artifacts} artifacts "
            f"(needs {progress.need_artifacts}), {progress.weeks} weeks with evidence "
            f"(needs {progress.need_weeks})"
        )
    classes = f"bar {state}".strip()
    return (
        f'<svg class="{classes}" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
        f'aria-label="{_text(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{_text(label)}</title>"
        '<rect class="track" width="100" height="8" rx="4"/>'
        f'<rect class="fill" width="{share}" height="8" rx="4"/></svg>'
        f'<span class="share">{share}%</span>'
    )


def _state(flag: str) -> str:
    if flag.startswith("↑"):
        return "ready"
    if flag.startswith("⚠"):
        return "gap"
    return "done" if flag.startswith("✓") else ""


def _text(value: str) -> str:
    return escape(clean(value), quote=True)
