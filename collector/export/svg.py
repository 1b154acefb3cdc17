"""Inline SVG charts for the HTML export: evidence per week per destination (stacked
bars) and a timeline of skill levels. Every text is HTML-escaped; nothing is fetched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from collector.core.textsafe import clean
from collector.export.model import ExportModel, SkillLevels
from collector.progress.levels import level_on
from collector.progress.weeks import Week, date_label

PALETTE = ("#2563eb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2", "#65a30d", "#db2777")
LEVEL_COLOURS = {"N": "#cbd5e1", "P": "#60a5fa", "E": "#1d4ed8"}
LEVEL_NAMES = {"N": "Novice", "P": "Practitioner", "E": "Expert"}
MAX_WEEKS = 156  # three years of bars; a longer period shows its last three years
WIDTH = 960
LEFT = 250
LABEL_CHARS = 36  # a level chart's row label; longer names end in …


def _text(value: str) -> str:
    return escape(clean(value), quote=True)


def weekly_counts(model: ExportModel) -> tuple[list[Week], dict[tuple[str, str], int]]:
    """The weeks of the period (or of the evidence) and distinct artifacts per (week,
    destination)."""
    seen: set[tuple[str, str, str]] = set()
    counts: dict[tuple[str, str], int] = {}
    days = [m.artifact.day for m in model.mappings]
    for mapping in model.mappings:
        week = Week.of_date(mapping.artifact.day).id
        key = (week, mapping.evidence.destination, mapping.artifact.key)
        if key not in seen:
            seen.add(key)
            counts[(week, key[1])] = counts.get((week, key[1]), 0) + 1
    first = model.period.first or (min(days) if days else model.as_of)
    last = model.period.last or (max(days) if days else model.as_of)
    weeks = _weeks(Week.of_date(first), Week.of_date(max(first, last)))
    return weeks, counts


def _weeks(first: Week, last: Week) -> list[Week]:
    span = (last.monday() - first.monday()).days // 7
    start = max(0, span + 1 - MAX_WEEKS)
    return [first.shift(n) for n in range(start, span + 1)]


def evidence_chart(model: ExportModel) -> str:
    """Stacked bars: one per ISO week, one colour per destination."""
    weeks, counts = weekly_counts(model)
    destinations = [d.id for d in model.growth_map.destinations]
    totals = [sum(counts.get((w.id, d), 0) for d in destinations) for w in weeks]
    top = max([*totals, 1])
    plot_top, plot_bottom = 20, 240
    step = (WIDTH - 60) / max(len(weeks), 1)
    bar = max(step * 0.8, 1.0)
    out = [
        '<title id="evidence-chart-title">Evidence per week per destination</title>',
        f'<line x1="40" y1="{plot_bottom}" x2="{WIDTH - 20}" y2="{plot_bottom}" class="axis"/>',
        f'<text x="34" y="{plot_top + 4}" class="tick" text-anchor="end">{top}</text>',
        f'<text x="34" y="{plot_bottom}" class="tick" text-anchor="end">0</text>',
    ]
    label_every = max(1, len(weeks) // 12)
    for n, week in enumerate(weeks):
        x = 40 + n * step + (step - bar) / 2
        base = float(plot_bottom)
        for index, destination in enumerate(destinations):
            value = counts.get((week.id, destination), 0)
            if not value:
                continue
            tall = (plot_bottom - plot_top) * value / top
            base -= tall
            colour = PALETTE[index % len(PALETTE)]
            out.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{tall:.1f}" '
                f'fill="{colour}"><title>{_text(week.id)} · {_text(destination)}: '
                f"{value}</title></rect>"
            )
        if n % label_every == 0:
            out.append(
                f'<text x="{x + bar / 2:.1f}" y="{plot_bottom + 16}" class="tick" '
                f'text-anchor="middle">{_text(week.id[2:])}</text>'
            )
    legend, bottom = _legend(model, destinations, plot_bottom + 44)
    head = (
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {bottom + 16}" '
        'xmlns="http://www.w3.org/2000/svg" aria-labelledby="evidence-chart-title">'
    )
    return "\n".join([head, *out, *legend, "</svg>"])


def _legend(model: ExportModel, destinations: Sequence[str], y: int) -> tuple[list[str], int]:
    """One entry per destination, on as many lines as the names need (never cut); and
    where the last line sits."""
    titles = {d.id: d.title for d in model.growth_map.destinations}
    out = []
    x = 40.0
    for index, destination in enumerate(destinations):
        label = f"{destination} · {titles.get(destination, '')}"
        width = 18 + 6.6 * len(label) + 24  # about 6.6 px a character at 12 px
        if x > 40 and x + width > WIDTH - 20:
            x, y = 40.0, y + 20
        out.append(
            f'<rect x="{x:.0f}" y="{y - 10}" width="12" height="12" '
            f'fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 18:.0f}" y="{y}" class="legend">{_text(label)}</text>'
        )
        x += width
    return out, y


@dataclass(frozen=True)
class _Axis:
    """Days from `first` to `last` across the plot's width."""

    first: date
    last: date

    def x(self, day: date) -> float:
        span = max((self.last - self.first).days, 1)
        return LEFT + (WIDTH - LEFT - 20) * (day - self.first).days / span


ROW_HEIGHT, ROWS_TOP = 26, 30


def level_chart(model: ExportModel) -> str:
    """One row per skill: the level in effect across the period, changes marked."""
    axis = _Axis(*_level_span(model))
    height = ROWS_TOP + ROW_HEIGHT * max(len(model.levels), 1) + 40
    out = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="level-chart-title">',
        '<title id="level-chart-title">Skill levels over time</title>',
        f'<text x="{LEFT}" y="18" class="tick">{_text(date_label(axis.first))}</text>',
        f'<text x="{WIDTH - 20}" y="18" class="tick" text-anchor="end">'
        f"{_text(date_label(axis.last))}</text>",
    ]
    # Levels are known up to `as_of`; the rest of the period stays blank.
    known = min(axis.last, max(model.as_of, axis.first))
    for n, levels in enumerate(model.levels):
        out += _level_row(levels, ROWS_TOP + n * ROW_HEIGHT, axis, known)
    if axis.first < model.as_of < axis.last:
        x = axis.x(model.as_of)
        bottom = ROWS_TOP + ROW_HEIGHT * len(model.levels)
        out.append(
            f'<line x1="{x:.1f}" y1="{ROWS_TOP - 4}" x2="{x:.1f}" y2="{bottom}" class="today"/>'
            f'<text x="{x:.1f}" y="{ROWS_TOP - 8}" class="tick" text-anchor="middle">'
            f"as of {_text(date_label(model.as_of))}</text>"
        )
    for index, (level, colour) in enumerate(LEVEL_COLOURS.items()):
        x = LEFT + index * 150
        out.append(
            f'<rect x="{x}" y="{height - 22}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 18}" y="{height - 12}" class="legend">'
            f"{level} · {LEVEL_NAMES[level]}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def _level_row(levels: SkillLevels, y: int, axis: _Axis, known: date) -> list[str]:
    name = f"{levels.destination} · {levels.name}"
    name = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
    out = [
        f'<text x="{LEFT - 8}" y="{y + 16}" class="label" text-anchor="end">{_text(name)}</text>'
    ]
    for start, end, level in _segments(levels, axis.first, known):
        x1, x2 = axis.x(start), axis.x(end)
        out.append(
            f'<rect x="{x1:.1f}" y="{y + 3}" width="{max(x2 - x1, 2):.1f}" height="18" '
            f'fill="{LEVEL_COLOURS.get(level, "#94a3b8")}"><title>{_text(name)}: '
            f"{_text(LEVEL_NAMES.get(level, level))} from {_text(date_label(start))}"
            f'</title></rect><text x="{x1 + 4:.1f}" y="{y + 16}" class="level">'
            f"{_text(level)}</text>"
        )
    return out


def _level_span(model: ExportModel) -> tuple[date, date]:
    """The period's days; an open side starts at the first recorded change (or a year
    before `as_of`) and ends at `as_of`."""
    changes = [c.effective for s in model.levels for c in s.changes if c.effective]
    last = model.period.last or model.as_of
    first = model.period.first or min([*changes, last - timedelta(days=365)])
    return first, max(last, first + timedelta(days=1))


def _segments(levels: SkillLevels, first: date, last: date) -> list[tuple[date, date, str]]:
    changes = list(levels.changes)
    points = sorted(
        {c.effective for c in changes[1:] if c.effective and first < c.effective <= last}
    )
    starts = [first, *points]
    ends = [*points, last]
    return [(s, e, level_on(changes, s).level) for s, e in zip(starts, ends, strict=True)]
