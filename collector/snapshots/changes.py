"""What changed since a snapshot (`growthmap export --changes-since NAME`): the same
export drawn from the ledger now, compared with what the snapshot showed, as Markdown or
JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from collector.config import Settings
from collector.export import gather_export
from collector.export.markdown import scope_line
from collector.progress.lines import md_text
from collector.progress.weeks import date_label
from collector.snapshots.basis import Changes, Record, basis_of, compare
from collector.snapshots.store import (
    Redact,
    SnapshotInfo,
    options_json,
    period_json,
    snapshot_info,
)


@dataclass(frozen=True)
class ChangeReport:
    snapshot: SnapshotInfo
    scope: str  # the export's scope line (period, as of, what it holds)
    changes: Changes


def changes_since(session: Session, settings: Settings, name: str, redact: Redact) -> ChangeReport:
    """The snapshot's export (its period, options and date) drawn again, against it."""
    info, then = snapshot_info(session, settings.owner.key, name)
    request = info.request
    options = replace(request.options, with_rules=False, with_log=True)
    model = gather_export(session, settings, request.period, options, request.as_of)
    now = basis_of(model, redact)
    return ChangeReport(info, scope_line(model), compare(then, now))


def render_changes_markdown(report: ChangeReport) -> str:
    info, changes = report.snapshot, report.changes
    taken = info.taken_at.strftime("%H:%M UTC")
    lines = [
        f"# Changes since snapshot {md_text(info.name)}",
        "",
        f"_Taken {date_label(info.taken_at.date())} {taken} · {report.scope}_",
    ]
    if changes.empty:
        lines += [
            "",
            "No changes: an export drawn now shows the same evidence, decisions, "
            "notes, log entries and levels.",
        ]
        return "\n".join(lines) + "\n"
    lines += _section("New evidence", [_dated(r) for r in changes.added])
    lines += _section("No longer shown", [_dated(r) for r in changes.removed])
    lines += _section(
        "Changed upstream",
        [f"{now['line']} — was: {then['line']}" for then, now in changes.changed],
    )
    lines += _section("Decisions and notes", _mapping_lines(changes))
    lines += _section("Progress log", [f"{week}: entry {what}" for week, what in changes.entries])
    lines += _section(
        "Level history",
        [f"recorded since: {_level(changes, row)}" for row in changes.levels_added]
        + [f"no longer recorded: {_level(changes, row)}" for row in changes.levels_removed],
    )
    return "\n".join(lines) + "\n"


def _section(title: str, items: list[str]) -> list[str]:
    return ["", f"## {title} ({len(items)})", "", *(f"- {item}" for item in items)] if items else []


def _dated(record: Record) -> str:
    return f"{date_label(date.fromisoformat(record['day']))} · {record['line']}"


def _place(changes: Changes, row: list[str]) -> str:
    skill = changes.skills.get(f"{row[1]}/{row[2]}", row[2])
    return f"{md_text(row[1])} · {md_text(skill)}"


def _decision(row: list[str]) -> str:
    note = f", note “{md_text(row[4], 300)}”" if row[4] else ""
    return f"{row[3]}{note}"


def _mapping_lines(changes: Changes) -> list[str]:
    def ref(row: list[str]) -> str:
        return changes.lines.get(row[0], md_text(row[0]))

    found = [f"{ref(r)} · {_place(changes, r)}: now {_decision(r)}" for r in changes.mappings_added]
    found += [
        f"{ref(r)} · {_place(changes, r)}: no longer shown (was {_decision(r)})"
        for r in changes.mappings_removed
    ]
    found += [
        f"{ref(now)} · {_place(changes, now)}: {_difference(then, now)}"
        for then, now in changes.mappings_changed
    ]
    return found


def _difference(then: list[str], now: list[str]) -> str:
    """`accepted → suggested`, `note “a” → “b”`: only what differs."""
    parts = [f"{then[3]} → {now[3]}"] if then[3] != now[3] else []
    if then[4] != now[4]:
        before = f"“{md_text(then[4], 300)}”" if then[4] else "none"
        after = f"“{md_text(now[4], 300)}”" if now[4] else "none"
        parts.append(f"note {before} → {after}")
    return "; ".join(parts)


def _level(changes: Changes, row: list[str]) -> str:
    where = _place(changes, [row[0], row[0], row[1]])
    note = f" ({md_text(row[4], 200)})" if row[4] else ""
    return f"{where}: {row[2]} from {row[3]}{note}"


def render_changes_json(report: ChangeReport) -> str:
    info, changes = report.snapshot, report.changes

    def mapping(row: list[str]) -> dict[str, Any]:
        keys = ("item", "destination", "skill", "status", "note")
        return dict(zip(keys, row, strict=True)) | {"note": row[4] or None}

    document = {
        "snapshot": {
            "name": info.name,
            "taken_at": info.taken_at.isoformat().replace("+00:00", "Z"),
            "as_of": info.request.as_of.isoformat(),
            "period": period_json(info.request.period),
            "options": options_json(info.request.options),
        },
        "unchanged": changes.empty,
        "added": list(changes.added),
        "removed": list(changes.removed),
        "changed": [{"then": then, "now": now} for then, now in changes.changed],
        "mappings": {
            "added": [mapping(r) for r in changes.mappings_added],
            "removed": [mapping(r) for r in changes.mappings_removed],
            "changed": [
                {"then": mapping(a), "now": mapping(b)} for a, b in changes.mappings_changed
            ],
        },
        "log_entries": [{"week": week, "change": what} for week, what in changes.entries],
        "levels": {
            "added": [_level_json(r) for r in changes.levels_added],
            "removed": [_level_json(r) for r in changes.levels_removed],
        },
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def _level_json(row: list[str]) -> dict[str, Any]:
    return {
        "destination": row[0],
        "skill": row[1],
        "level": row[2],
        "effective": row[3],
        "note": row[4] or None,
    }
