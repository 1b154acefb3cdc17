"""The weekly progress-log entry as Markdown, from a week's evidence: each item once, under
its strongest mapping, with the other skills it counts for as tags on the same line."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from collector.core.settings_model import GrowthMap
from collector.progress.evidence import Artifact, Evidence, pieces_of_work
from collector.progress.gather import EvidenceSet
from collector.progress.lines import (
    LineBook,
    kind_noun,
    md_text,
    plural,
    review_lines,
)
from collector.progress.weeks import CycleWeek, Week

REFLECTION_PROMPTS = (
    "What went well",
    "What was challenging",
    "What to improve next sprint",
    "What support I need",
)
NEW_SINCE_EDIT = "New since your edit"
NOT_YET_MAPPED = "Not yet mapped"
NO_EVIDENCE = "_No evidence collected this week._"

Levels = Mapping[tuple[str, str], str]
Place = tuple[str, str]  # (destination, skill)


@dataclass(frozen=True)
class WeekEntry:
    """What a week's entry is drafted from."""

    week: Week
    cycle: CycleWeek | None
    evidence: EvidenceSet
    levels: Levels  # (destination, skill) -> level at the end of the week


@dataclass(frozen=True)
class Placed:
    """An artifact under its strongest mapping, with the other places it counts for."""

    evidence: Evidence
    others: tuple[Evidence, ...] = ()

    @property
    def artifact(self) -> Artifact:
        return self.evidence.artifact


def heading(week: Week, cycle: CycleWeek | None) -> str:
    parts = [f"Week {week.id}", week.dates_label()]
    if cycle is not None:
        parts.append(cycle.label())
    return "## " + " · ".join(parts)


def render_week(
    entry: WeekEntry,
    growth_map: GrowthMap,
    *,
    for_reader: bool = False,
    book: LineBook | None = None,
) -> str:
    """The draft: the heading, each item once under its strongest skill, manual artifacts
    naming no skill, and for the engineer (not `for_reader`, an export's reader) what is
    not yet mapped and the reflection prompts to fill."""
    book = book or LineBook()
    evidence, since = entry.evidence, entry.week.monday()
    blocks = [heading(entry.week, entry.cycle)]
    placed = place(evidence.evidence, growth_map)
    blocks += skill_blocks(placed, growth_map, entry.levels, since, book)
    blocks += other_blocks(evidence, since, book, for_reader)
    if len(blocks) == 1:
        blocks.append(NO_EVIDENCE)
    if not for_reader:
        blocks.append("### Reflection\n" + "\n".join(f"- {p}:" for p in REFLECTION_PROMPTS))
    return "\n\n".join(blocks) + "\n"


def place(evidence: Sequence[Evidence], growth_map: GrowthMap) -> list[Placed]:
    """Each artifact once (a ticket its pull request implements goes with it), under its
    strongest mapping: accepted before suggested, then the highest rule weight, then the
    growth map's order of destinations and skills. Oldest first, as `evidence` comes."""
    order = {
        (d.id, s.id): (i, j)
        for i, d in enumerate(growth_map.destinations)
        for j, s in enumerate(d.skills)
    }
    unknown = (len(order) + 1, 0)  # after every skill of the map

    def rank(e: Evidence) -> tuple[bool, float, tuple[int, int], str, str]:
        return (not e.accepted, -e.weight, order.get((e.destination, e.skill), unknown),
                e.destination, e.skill)  # fmt: skip

    groups: dict[str, list[Evidence]] = {}
    for item in pieces_of_work(evidence):
        groups.setdefault(item.artifact.key, []).append(item)
    placed = []
    for group in groups.values():
        ranked = sorted(group, key=rank) if len(group) > 1 else group
        placed.append(Placed(ranked[0], tuple(ranked[1:])))
    return placed


def skill_blocks(
    placed: Sequence[Placed],
    growth_map: GrowthMap,
    levels: Levels,
    since: date | None,
    book: LineBook,
) -> list[str]:
    """One block per destination with evidence: a bold line per skill, then its lines."""
    by_place: dict[Place, list[Placed]] = {}
    for item in placed:
        by_place.setdefault((item.evidence.destination, item.evidence.skill), []).append(item)
    names = {(d.id, s.id): s.name for d in growth_map.destinations for s in d.skills}
    blocks: list[str] = []
    for destination in growth_map.destinations:
        parts: list[str] = []
        for skill in destination.skills:
            mine = by_place.pop((destination.id, skill.id), None)
            if not mine:
                continue
            level = levels.get((destination.id, skill.id), skill.level)
            head = f"**{md_text(skill.name)} ({level} → {skill.target})**"
            parts.append("\n".join([head, *placed_lines(mine, since, book, names)]))
        if parts:
            # A blank line between skills: a bold line right after a list item would
            # otherwise continue that item (CommonMark lazy continuation).
            title = f"### {md_text(destination.id)} · {md_text(destination.title)}"
            blocks.append(title + "\n" + "\n\n".join(parts))
    if by_place:  # mapped to a destination or skill the growth map no longer has
        parts = [
            f"**{md_text(pair[0])} · {md_text(pair[1])}**\n"
            + "\n".join(placed_lines(by_place[pair], since, book, names))
            for pair in sorted(by_place)
        ]
        blocks.append("### Not in your growth map\n" + "\n\n".join(parts))
    return blocks


def placed_lines(
    placed: Sequence[Placed], since: date | None, book: LineBook, names: Mapping[Place, str]
) -> list[str]:
    """Accepted first, then suggested (marked); reviews of one repository grouped when
    many, each pull request linked."""
    lines: list[str] = []
    for accepted in (True, False):
        mark = "" if accepted else "*suggested* "
        reviews: dict[str, list[Artifact]] = {}  # by what follows the line (notes, tags)
        for item in placed:
            if item.evidence.accepted is not accepted:
                continue
            suffix = placed_suffix(item, names)
            if item.artifact.kind == "review" and not item.artifact.manual:
                reviews.setdefault(suffix, []).append(item.artifact)
            else:
                lines.append(f"- {mark}{book.line(item.artifact, since)}{suffix}")
        for suffix, mine in reviews.items():
            lines += [f"- {mark}{line}" for line in review_lines(mine, suffix, book.line)]
    return lines


def placed_suffix(item: Placed, names: Mapping[Place, str]) -> str:
    """What follows an item's line: its notes, then its other skills."""
    return _notes(item) + _tags(item, names)


def _notes(item: Placed) -> str:
    notes = dict.fromkeys(e.note for e in (item.evidence, *item.others) if e.note)
    return "".join(f" — note: {md_text(note, 300)}" for note in notes)


def _tags(item: Placed, names: Mapping[Place, str]) -> str:
    """` — also Testing, C · Technical writing (suggested)`: the item's other skills."""
    if not item.others:
        return ""
    home = item.evidence.destination
    tags = []
    for other in item.others:
        name = md_text(names.get((other.destination, other.skill), other.skill), 80)
        tag = name if other.destination == home else f"{md_text(other.destination, 40)} · {name}"
        tags.append(tag + (" (suggested)" if item.evidence.accepted and not other.accepted else ""))
    return " — also " + ", ".join(tags)


def evidence_lines(evidence: Sequence[Evidence], since: date | None = None) -> list[str]:
    """One skill's evidence as lines (the cycle review's per-skill lists)."""
    placed = [Placed(e) for e in pieces_of_work(evidence)]
    return placed_lines(placed, since, LineBook(), {})


def other_blocks(
    evidence: EvidenceSet, since: date | None, book: LineBook, for_reader: bool
) -> list[str]:
    """Manual artifacts naming no skill; for the engineer, what is not yet mapped."""
    mapped = {e.artifact.key for e in evidence.evidence}
    blocks = []
    other = [a for a in evidence.artifacts if a.manual and a.key not in mapped]
    if other:
        blocks.append("### Other artifacts\n" + _bullets(other, since, book))
    if evidence.unmapped and not for_reader:
        blocks.append(
            f"### {NOT_YET_MAPPED}\n"
            + _bullets(evidence.unmapped, since, book)
            + "\n\n_`growthmap review` maps them to your skills._"
        )
    return blocks


def _bullets(artifacts: Sequence[Artifact], since: date | None, book: LineBook) -> str:
    reviews = [a for a in artifacts if a.kind == "review" and not a.manual]
    lines = [f"- {book.line(a, since)}" for a in artifacts if a.kind != "review" or a.manual]
    lines += [f"- {line}" for line in review_lines(reviews, "", book.line)]
    return "\n".join(lines)


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


def demote(text: str, levels: int = 1) -> str:
    """Markdown headings moved `levels` down, so embedded pages nest under a section."""
    return "\n".join(
        "#" * levels + line if line.startswith("#") else line for line in text.splitlines()
    )


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_EMPTY_PROMPT = re.compile(
    r"^\s*[-*]\s*(?:" + "|".join(re.escape(p) for p in REFLECTION_PROMPTS) + r")\s*:?\s*$"
)
_FOLD_HINT = re.compile(r"^_Arrived after you edited this entry.*to fold it in\._\s*$")


def for_reader(text: str) -> str:
    """An entry as someone else reads it: without growthmap's own instructions (the "Not
    yet mapped" section, the hint to fold new evidence in) and without reflection prompts
    left empty (a Reflection section with none filled goes entirely)."""
    out: list[str] = []
    skipping = 0  # the heading level of a section being dropped
    lines = text.splitlines()
    for n, line in enumerate(lines):
        found = _HEADING.match(line)
        if found and skipping and len(found.group(1)) <= skipping:
            skipping = 0
        if skipping or _FOLD_HINT.match(line) or _empty_prompt(lines, n):
            continue
        if found and found.group(2) == NOT_YET_MAPPED:
            skipping = len(found.group(1))
            continue
        out.append(line)
    return _without_empty_sections(out, "Reflection")


def _empty_prompt(lines: list[str], n: int) -> bool:
    """A reflection prompt with no answer on its line nor indented under it."""
    if not _EMPTY_PROMPT.match(lines[n]):
        return False
    after = lines[n + 1] if n + 1 < len(lines) else ""
    return not (after.strip() and after[:1].isspace())


def _without_empty_sections(lines: list[str], title: str) -> str:
    """Drop a `title` heading whose section holds nothing but blank lines."""
    kept: list[str] = []
    for n, line in enumerate(lines):
        found = _HEADING.match(line)
        if found and found.group(2) == title and _empty_until_heading(lines, n + 1):
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n") + "\n"


def _empty_until_heading(lines: list[str], start: int) -> bool:
    for line in lines[start:]:
        if _HEADING.match(line):
            return True
        if line.strip():
            return False
    return True
