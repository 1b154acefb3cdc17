"""The text of a review card. Upstream text (titles, urls, repos) passes through `clean`,
so a hostile title cannot move the cursor, recolour or retitle the terminal."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from collector.core.settings_model import GrowthMap
from collector.core.textsafe import clean
from collector.ledger.models import ItemRow, SuggestionRow
from collector.review.queue import Card

# A card is read at a glance on a terminal: upstream text longer than this is cut (a 200 kB
# title would push everything else off the screen). `[o]pen` shows the whole item.
TITLE_SHOWN = 300
REF_SHOWN = 120
URL_SHOWN = 300
NOTE_SHOWN = 500

LEGEND = " [a]ccept  [r]eject  [s]kip  [c]hange  [n]ote  [o]pen  [q]uit  > "
UNMAPPED_LEGEND = " [c]hoose destination/skill  [s]kip  [o]pen  [q]uit  > "


def item_ref(item: ItemRow) -> str:
    """How the item is named: acme/checkout#412, or repo · path for a document."""
    if item.kind == "design_doc" and item.path:
        return f"{clean(item.repo)} · {clean(item.path)}" if item.repo else clean(item.path)
    return clean(item.external_id)


def short_date(moment: datetime, zone: ZoneInfo, today: date) -> str:
    local = moment.astimezone(zone).date()
    text = f"{local.day} {local.strftime('%b')}"
    return text if local.year == today.year else f"{text} {local.year}"


def size_text(item: ItemRow) -> list[str]:
    parts = []
    if item.additions is not None or item.deletions is not None:
        parts.append(f"+{item.additions or 0}/−{item.deletions or 0}")
    if item.changed_files:
        parts.append(f"{item.changed_files} file{'s' if item.changed_files != 1 else ''}")
    return parts


def skill_label(growth_map: GrowthMap, destination: str, skill: str) -> str:
    """`A · Observability` from the growth map's names; ids when the map no longer has them."""
    for dest in growth_map.destinations:
        if dest.id == destination:
            for entry in dest.skills:
                if entry.id == skill:
                    return f"{destination} · {clean(entry.name)}"
    return f"{clean(destination)} · {clean(skill)}"


def provenance(suggestion: SuggestionRow) -> str:
    if suggestion.origin == "manual":
        return "(chosen by hand)"
    rules = ", ".join(clean(r) for r in suggestion.rules) or "?"
    noun = "rule" if len(suggestion.rules) <= 1 else "rules"
    return f"({noun} {rules}, weight {suggestion.weight:g})"


def card_lines(
    card: Card, position: int, total: int, growth_map: GrowthMap, zone: ZoneInfo, today: date
) -> list[str]:
    item = card.item
    head = [fit(clean(item.kind), REF_SHOWN), fit(item_ref(item), REF_SHOWN)]
    state = fit(clean(item.state), REF_SHOWN)
    head.append(f"{state} {short_date(item.occurred_at, zone, today)}".strip())
    head += size_text(item)
    lines = [
        "",
        f" {position}/{total}  " + " · ".join(head),
        f' "{fit(clean(item.title), TITLE_SHOWN)}"',
        f" {fit(clean(item.url), URL_SHOWN)}",
    ]
    if card.suggestion is None:
        lines.append(" not mapped: no rule matched it")
        return lines
    suggestion = card.suggestion
    label = skill_label(growth_map, suggestion.destination, suggestion.skill)
    lines.append(f" suggested: {label}   {provenance(suggestion)}")
    if suggestion.note:
        lines.append(f" note: {fit(clean(suggestion.note), NOTE_SHOWN)}")
    return lines


def legend(card: Card) -> str:
    return LEGEND if card.suggestion is not None else UNMAPPED_LEGEND


def choices(growth_map: GrowthMap) -> list[tuple[str, str]]:
    """Every (destination, skill) of the growth map, in the config's order."""
    return [(d.id, s.id) for d in growth_map.destinations for s in d.skills]


def choice_lines(growth_map: GrowthMap) -> list[str]:
    lines = []
    for number, (destination, skill) in enumerate(choices(growth_map), start=1):
        lines.append(f"  {number:>2}  {skill_label(growth_map, destination, skill)}  ({skill})")
    return lines


def fit(text: str, width: int) -> str:
    """`text` cut to `width` characters, with an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def columns(cells: list[str], widths: tuple[int, ...]) -> str:
    """One plain line: the first cells padded to `widths` (the first right-aligned, as an id),
    the rest as they are. Streams: no need to see every row first."""
    fixed = [fit(cell, width).ljust(width) for cell, width in zip(cells, widths, strict=False)]
    if fixed:
        fixed[0] = cells[0].rjust(widths[0] - 1) + " "
    return " ".join([*fixed, *cells[len(widths) :]]).rstrip()
