"""The progress log as an export shows it, for someone other than the engineer. A week's
draft is rendered once from the export's own view of the evidence — one destination only,
suggested lines only when asked for, private work as the redacted artifact names it, no
items nobody mapped — rather than patched as text. The engineer's edit is kept as written
(private details replaced, growthmap's own instructions and empty prompts left out). A
week appears when it has evidence in that view or text the engineer wrote."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.config import Settings
from collector.core.textsafe import clean
from collector.export.period import Period
from collector.export.private import Redaction
from collector.ledger.models import LogEntryRow
from collector.progress import Artifact, Evidence, EvidenceSet, ShownEntry, Week, level_history
from collector.progress.drafting import new_since_block
from collector.progress.entry import WeekEntry, demote, for_reader, heading, render_week
from collector.progress.levels import levels_on
from collector.progress.lines import LineBook
from collector.progress.weeks import cycle_of_week

_NOTHING = EvidenceSet((), (), ())


@dataclass(frozen=True)
class LogView:
    """What the export's log entries show of the evidence."""

    destination: str | None
    include_suggested: bool
    redaction: Redaction


def export_entries(
    session: Session,
    settings: Settings,
    period: Period,
    view: LogView,
    everything: EvidenceSet,
    book: LineBook,
) -> list[ShownEntry]:
    """The period's stored log entries, oldest first: the edit, or the draft as `view`
    sees the week, each drafted once. `book` renders each artifact's line once for this
    and the export's other sections."""
    query = select(LogEntryRow).where(LogEntryRow.owner == settings.owner.key)
    if period.first is not None:
        query = query.where(LogEntryRow.week >= Week.of_date(period.first).id)
    if period.last is not None:
        query = query.where(LogEntryRow.week <= Week.of_date(period.last).id)
    rows = list(session.scalars(query.order_by(LogEntryRow.week)))
    if not rows:
        return []
    weeks = by_week(everything, {Week.parse(r.week) for r in rows})
    history = level_history(session, settings.owner.key, settings.growth_map)
    shown = []
    for row in rows:
        week = Week.parse(row.week)
        if row.text is not None:
            edited = _edited(row, week, weeks.get(week, _NOTHING), view, settings, book)
            if edited is not None:
                shown.append(edited)
            continue
        evidence = narrow(weeks.get(week, _NOTHING), view)
        if evidence.artifacts:
            cycle = cycle_of_week(settings.growth_map.cycles, week)
            entry = WeekEntry(week, cycle, evidence, levels_on(history, week.sunday()))
            text = render_week(entry, settings.growth_map, for_reader=True, book=book)
            shown.append(ShownEntry(week, text, False, ()))
    return shown


def _edited(
    row: LogEntryRow,
    week: Week,
    evidence: EvidenceSet,
    view: LogView,
    settings: Settings,
    book: LineBook,
) -> ShownEntry | None:
    """The edit as written (private details replaced, growthmap's instructions and empty
    prompts left out), then what the view shows of the evidence that arrived after it;
    None when neither holds anything."""
    seen = set(row.evidence or [])  # the keys as stored, before any redaction
    later = narrow(_only(evidence, {a.key for a in evidence.artifacts if a.key not in seen}), view)
    text = for_reader(clean(view.redaction.text(row.text), one_line=False))
    if not _written(text) and not later.artifacts:
        return None
    if f"Week {week.id}" not in text.split("\n", 1)[0]:  # the reader needs to know the week
        cycle = cycle_of_week(settings.growth_map.cycles, week)
        text = heading(week, cycle) + "\n\n" + demote(text) + "\n"
    if later.artifacts:
        block = new_since_block(
            later.artifacts, later, settings, row.edited_at, for_reader=True, book=book
        )
        text += "\n" + block + "\n"
    return ShownEntry(week, text, True, later.artifacts)


def _written(text: str) -> bool:
    """Whether an edit says anything beyond headings."""
    return any(line.strip() and not line.startswith("#") for line in text.splitlines())


def narrow(evidence: EvidenceSet, view: LogView) -> EvidenceSet:
    """The part of a week's evidence the view shows, redacted: the mappings it asks for
    (one destination's, suggested ones only when asked for) and, without a destination,
    manual artifacts naming no skill. Items nobody mapped are the engineer's to-do, not
    evidence: they stay out."""
    kept = tuple(
        e
        for e in evidence.evidence
        if (view.include_suggested or e.accepted)
        and (view.destination is None or e.destination == view.destination)
    )
    keys = {e.artifact.key for e in kept}
    if view.destination is None:
        mapped = {e.artifact.key for e in evidence.evidence}
        keys |= {a.key for a in evidence.artifacts if a.manual and a.key not in mapped}
    return _redacted(
        EvidenceSet(tuple(a for a in evidence.artifacts if a.key in keys), kept, ()),
        view.redaction,
    )


def _only(evidence: EvidenceSet, keys: Collection[str]) -> EvidenceSet:
    return EvidenceSet(
        tuple(a for a in evidence.artifacts if a.key in keys),
        tuple(e for e in evidence.evidence if e.artifact.key in keys),
        tuple(a for a in evidence.unmapped if a.key in keys),
    )


def _redacted(evidence: EvidenceSet, redaction: Redaction) -> EvidenceSet:
    """Every artifact as the redacted export names it; notes as free text."""
    if not redaction.enabled:
        return evidence
    shown: dict[str, Artifact] = {a.key: redaction.artifact(a) for a in evidence.artifacts}
    for item in evidence.evidence:  # in the set, every mapped artifact is among `artifacts`
        shown.setdefault(item.artifact.key, redaction.artifact(item.artifact))

    def each(artifacts: Sequence[Artifact]) -> tuple[Artifact, ...]:
        return tuple(shown[a.key] for a in artifacts)

    def redacted(item: Evidence) -> Evidence:
        artifact, note = shown[item.artifact.key], redaction.text(item.note)
        if artifact is item.artifact and note == item.note:
            return item  # a copy only where something was redacted
        return replace(item, artifact=artifact, note=note)

    return EvidenceSet(
        each(evidence.artifacts),
        tuple(redacted(e) for e in evidence.evidence),
        each(evidence.unmapped),
    )


def by_week(evidence: EvidenceSet, weeks: Collection[Week]) -> dict[Week, EvidenceSet]:
    """The evidence of each of `weeks` (as `gather_evidence` would read that week), in
    one pass over the whole set."""
    week_of = {a.key: Week.of_date(a.day) for a in evidence.artifacts}
    parts: dict[Week, tuple[list[Artifact], list[Evidence], list[Artifact]]] = {
        w: ([], [], []) for w in weeks
    }
    for artifact in evidence.artifacts:
        if (part := parts.get(week_of[artifact.key])) is not None:
            part[0].append(artifact)
    for item in evidence.evidence:
        if (part := parts.get(week_of[item.artifact.key])) is not None:
            part[1].append(item)
    for artifact in evidence.unmapped:
        if (part := parts.get(week_of[artifact.key])) is not None:
            part[2].append(artifact)
    return {w: EvidenceSet(tuple(a), tuple(e), tuple(u)) for w, (a, e, u) in parts.items()}
