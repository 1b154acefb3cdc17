"""Draft, store, show and edit weekly log entries. An edit is never overwritten: later
drafts update `draft` only, and evidence that arrived after the edit is shown apart."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.config import Settings
from collector.ledger import Ledger
from collector.ledger.models import LogEntryRow
from collector.progress.entry import (
    NEW_SINCE_EDIT,
    Placed,
    WeekEntry,
    headline,
    place,
    placed_suffix,
    render_week,
)
from collector.progress.evidence import Artifact
from collector.progress.gather import EvidenceSet, gather_evidence
from collector.progress.levels import level_history, levels_on
from collector.progress.lines import LineBook, md_text, plural
from collector.progress.weeks import Week, cycle_of_week, weeks_of

SUMMARY_LIMIT = 3
ADDED_AFTER = "Added after this entry was written"


def build_week_entry(session: Session, settings: Settings, week: Week) -> WeekEntry:
    """Everything a week's entry shows, read from the ledger."""
    zone, growth_map = settings.owner.zone, settings.growth_map
    start, end = week.bounds(zone)
    evidence = gather_evidence(session, settings.owner.key, zone, growth_map, start, end)
    history = level_history(session, settings.owner.key, growth_map)
    return WeekEntry(
        week, cycle_of_week(growth_map.cycles, week), evidence, levels_on(history, week.sunday())
    )


def draft_week_in(session: Session, settings: Settings, week: Week, now: datetime) -> LogEntryRow:
    """(Re)draft one week inside an open write session; the edit, if any, is untouched."""
    entry = build_week_entry(session, settings, week)
    text = render_week(entry, settings.growth_map)
    row = session.get(LogEntryRow, (settings.owner.key, week.id))
    keys = list(entry.evidence.keys)
    if row is None:
        row = LogEntryRow(
            owner=settings.owner.key,
            week=week.id,
            draft=text,
            text=None,
            evidence=keys,
            evidence_hash=_digest(text),
            drafted_at=now,
            edited_at=None,
        )
        session.add(row)
    elif row.draft != text:
        row.draft, row.evidence_hash, row.drafted_at = text, _digest(text), now
        if row.text is None:
            row.evidence = keys  # an edit keeps the keys it covered
    return row


def draft_week(ledger: Ledger, settings: Settings, week: Week, now: datetime) -> LogEntryRow:
    with ledger.write() as session:
        return draft_week_in(session, settings, week, now)


def draft_weeks(
    ledger: Ledger, settings: Settings, moments: Iterable[datetime], now: datetime
) -> list[str]:
    """Draft every week (owner's timezone) that one of `moments` falls in — after a
    collect, the occurred_at of new and changed items. Returns the week ids, oldest first."""
    weeks = weeks_of(set(moments), settings.owner.zone)
    with ledger.write() as session:
        for week in weeks:
            draft_week_in(session, settings, week, now)
    return [w.id for w in weeks]


def drafted_summary(week_ids: list[str]) -> str:
    """The line `collect` prints: `week 2026-W47 drafted (`growthmap log show`)`."""
    if not week_ids:
        return ""
    if len(week_ids) == 1:
        return f"week {week_ids[0]} drafted (`growthmap log show {week_ids[0]}`)"
    if len(week_ids) <= SUMMARY_LIMIT:
        return f"weeks {', '.join(week_ids)} drafted (`growthmap log show WEEK`)"
    return f"{len(week_ids)} weeks drafted, {week_ids[0]} to {week_ids[-1]} (`growthmap log list`)"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ShownEntry:
    """A week's entry as the engineer sees it: their edit (plus what came later) or the draft."""

    week: Week
    text: str
    edited: bool
    new_since_edit: tuple[Artifact, ...]


def shown_entry(row: LogEntryRow, entry: WeekEntry, settings: Settings) -> ShownEntry:
    week = entry.week
    if row.text is None:
        return ShownEntry(week, row.draft, False, ())
    seen = set(row.evidence or [])
    new = tuple(a for a in entry.evidence.artifacts if a.key not in seen)
    text = row.text.rstrip("\n") + "\n"
    if new:
        text += "\n" + new_since_block(new, entry.evidence, settings, row.edited_at) + "\n"
    return ShownEntry(week, text, True, new)


def new_since_block(
    new: tuple[Artifact, ...],
    evidence: EvidenceSet,
    settings: Settings,
    edited: datetime | None,
    *,
    for_reader: bool = False,
    book: LineBook | None = None,
) -> str:
    """The clearly marked block under an edited entry: evidence that arrived later. For
    the engineer it says how to fold it in; an export's reader sees only the evidence."""
    book = book or LineBook()
    names = {(d.id, s.id): s.name for d in settings.growth_map.destinations for s in d.skills}
    when = f" on {edited.astimezone(settings.owner.zone):%Y-%m-%d}" if edited else ""
    week = Week.of_date(new[0].day).id
    if for_reader:
        lines = ["---", "", f"### {ADDED_AFTER} ({plural(len(new), 'item')})", ""]
    else:
        lines = [
            "---",
            "",
            f"### {NEW_SINCE_EDIT} ({plural(len(new), 'item')})",
            f"_Arrived after you edited this entry{when}; `growthmap log edit {week}` to fold "
            "it in._",
            "",
        ]
    placed = {p.artifact.key: p for p in place(evidence.evidence, settings.growth_map)}
    mapped = {e.artifact.key for e in evidence.evidence}
    for artifact in new:
        item = placed.get(artifact.key)
        if item is not None:
            where = md_text(
                f"{item.evidence.destination} · {names.get(_place(item), item.evidence.skill)}"
            )
            mark = "" if item.evidence.accepted else "*suggested* "
            line = book.line(artifact, None) + placed_suffix(item, names)
            lines.append(f"- {mark}{where}: {line}")
        elif artifact.key not in mapped:  # (a ticket mapped with its pull request: on its line)
            lines.append(
                f"- {'other artifact' if artifact.manual else 'not yet mapped'}: "
                f"{book.line(artifact, None)}"
            )
    return "\n".join(lines)


def _place(item: Placed) -> tuple[str, str]:
    return item.evidence.destination, item.evidence.skill


def show_week(ledger: Ledger, settings: Settings, week: Week) -> ShownEntry:
    """What a week's entry shows now: the engineer's edit (with what arrived since), or a
    draft computed from the ledger. Reads only: a week nobody drafted stays unstored."""
    with ledger.read() as session:
        row = session.get(LogEntryRow, (settings.owner.key, week.id))
        return current_entry(row, build_week_entry(session, settings, week), settings)


def current_entry(row: LogEntryRow | None, entry: WeekEntry, settings: Settings) -> ShownEntry:
    """The edit when there is one, else the draft of `entry` as the ledger has it now."""
    if row is None or row.text is None:
        return ShownEntry(entry.week, render_week(entry, settings.growth_map), False, ())
    return shown_entry(row, entry, settings)


def save_edit(ledger: Ledger, settings: Settings, week: Week, text: str, now: datetime) -> str:
    """Store the engineer's text for a week: `saved`, `unchanged`, or `reverted` (an empty
    text drops the edit and returns the entry to the draft). Only `saved` and `reverted`
    write: closing the editor on a week nobody drafted leaves it unstored."""
    with ledger.write() as session:
        row = session.get(LogEntryRow, (settings.owner.key, week.id))
        entry = build_week_entry(session, settings, week)
        shown = current_entry(row, entry, settings)
        if not text.strip():
            if row is None or row.text is None:
                return "unchanged"
            row = draft_week_in(session, settings, week, now)  # the draft it returns to
            row.text, row.edited_at, row.evidence = None, None, list(entry.evidence.keys)
            return "reverted"
        if text.strip() == shown.text.strip():
            return "unchanged"
        row = draft_week_in(session, settings, week, now)
        row.text, row.edited_at, row.evidence = text, now, list(entry.evidence.keys)
        return "saved"


@dataclass(frozen=True)
class EntrySummary:
    week: Week
    headline: str
    edited: bool
    new_since_edit: int
    drafted_at: datetime
    edited_at: datetime | None


def list_entries(
    session: Session,
    settings: Settings,
    first: Week | None = None,
    last: Week | None = None,
    limit: int | None = None,
    evidence: EvidenceSet | None = None,
) -> list[EntrySummary]:
    """Stored entries, newest first, each with a one-line headline of its evidence. A week
    with neither evidence nor an edit is no entry (a draft saying there is nothing).
    `evidence`: all of the ledger's, when the caller has read it already."""
    query = select(LogEntryRow).where(LogEntryRow.owner == settings.owner.key)
    if first is not None:
        query = query.where(LogEntryRow.week >= first.id)
    if last is not None:
        query = query.where(LogEntryRow.week <= last.id)
    rows = list(session.scalars(query.order_by(LogEntryRow.week.desc())))
    summaries: list[EntrySummary] = []
    batch = limit or len(rows) or 1
    # A batch at a time: the evidence read spans only the weeks a batch covers.
    for start in range(0, len(rows), batch):
        summaries += _summaries(session, settings, rows[start : start + batch], evidence)
        if limit and len(summaries) >= limit:
            return summaries[:limit]
    return summaries


def _summaries(
    session: Session, settings: Settings, rows: list[LogEntryRow], known: EvidenceSet | None
) -> list[EntrySummary]:
    weeks = [Week.parse(r.week) for r in rows]
    zone = settings.owner.zone
    start, end = min(weeks).bounds(zone)[0], max(weeks).bounds(zone)[1]
    evidence = known or gather_evidence(
        session, settings.owner.key, zone, settings.growth_map, start, end
    )
    summaries = []
    for row, week in zip(rows, weeks, strict=True):
        part = evidence.within(week.monday(), week.sunday())
        if not part.artifacts and row.text is None:
            continue
        seen = set(row.evidence or [])
        new = sum(1 for a in part.artifacts if a.key not in seen) if row.text is not None else 0
        summaries.append(
            EntrySummary(
                week, headline(part), row.text is not None, new, row.drafted_at, row.edited_at
            )
        )
    return summaries


def parse_week_or_current(text: str | None, today: date) -> Week:
    if text is None:
        return Week.of_date(today)
    if text.strip().lower() in ("last", "previous"):
        return Week.of_date(today).shift(-1)
    return Week.parse(text)
