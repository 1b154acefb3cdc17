"""The export as CSV (one row per artifact and skill it counts for) and as JSON
(`growthmap.export/1`, described by collector/schemas/export-1.schema.json)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from typing import Any

from collector.core.textsafe import clean
from collector.export.model import ExportModel, Mapping, SkillLevels
from collector.ledger.items import public_item
from collector.progress import ShownEntry
from collector.progress.evidence import Artifact
from collector.progress.growth import GrowthMapView, SkillView, StrongArtifact
from collector.progress.lines import unmarked

SCHEMA = "growthmap.export/1"
CSV_COLUMNS = (
    "date",
    "destination",
    "skill",
    "kind",
    "title",
    "url",
    "repo",
    "outcome",
    "status",
    "source",
)
# A spreadsheet runs a cell that starts with one of these as a formula (the full-width
# forms too: some spreadsheets fold them to ASCII). Tabs and carriage returns, which also
# start formulas, never reach a cell: `clean` removes them first.
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# What one spreadsheet cell holds (Excel and LibreOffice, in UTF-16 code units): a longer
# cell is cut by the spreadsheet without a word, so it is cut here, visibly.
CELL_LIMIT = 32_767


def csv_cell(value: object) -> str:
    """A value as a cell a spreadsheet and a terminal take as text: one line without
    control characters (ESC, BEL, NUL, CR, bidi overrides), never a formula, and no
    longer than a spreadsheet cell holds."""
    text = "" if value is None else str(value)
    if not _plain(text):
        text = clean(text)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return _fit(text)


def _plain(text: str) -> bool:
    """Already one clean line (most cells): `clean` would return it unchanged."""
    return text.isprintable() and "  " not in text and text == text.strip()


def _fit(text: str) -> str:
    if len(text) <= CELL_LIMIT // 2:  # even all astral characters would fit
        return text
    if len(text.encode("utf-16-le")) // 2 <= CELL_LIMIT:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > CELL_LIMIT - 1:  # room for the `…` that says it was cut
            return text[:index] + "…"
    return text


def render_csv(model: ExportModel) -> str:
    """RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line end."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    mapped = set()
    for mapping in model.mappings:
        mapped.add(mapping.artifact.key)
        writer.writerow([csv_cell(v) for v in _row(mapping.artifact, mapping)])
    for artifact in model.artifacts:
        if artifact.key not in mapped:
            writer.writerow([csv_cell(v) for v in _row(artifact, None)])
    return buffer.getvalue()


def _row(artifact: Artifact, mapping: Mapping | None) -> list[object]:
    evidence = mapping.evidence if mapping else None
    status = evidence.status if evidence else "accepted"
    if mapping and mapping.changed_upstream:
        status = "accepted, changed upstream"
    outcome = artifact.outcome or (evidence.note if evidence else None)
    return [
        artifact.day.isoformat(),
        evidence.destination if evidence else "",
        evidence.skill if evidence else "",
        artifact.kind,
        artifact.title,
        artifact.url,
        artifact.repo,
        outcome,
        status,
        source_of(artifact),
    ]


def source_of(artifact: Artifact) -> str:
    if artifact.manual:
        return "manual"
    return artifact.key.split(":", 2)[1]


# JSON escapes C0 controls itself; these it leaves raw, and a terminal acts on them (DEL,
# C1 controls such as CSI) or shows text backwards (bidi overrides). Inside JSON strings
# the escape is lossless: a reader of the document gets every character back.
_RAW_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def render_json(model: ExportModel) -> str:
    document = export_document(model)
    # Compact: a year of evidence is megabytes, and only the compact form takes the C
    # encoder (pretty-print it with `jq .` or `python -m json.tool`).
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _RAW_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def export_document(model: ExportModel) -> dict[str, Any]:
    options = model.options
    period = model.period
    places: dict[str, set[tuple[str, str]]] = {}
    for mapping in model.mappings:
        if mapping.artifact.manual:
            where = (mapping.evidence.destination, mapping.evidence.skill)
            places.setdefault(mapping.artifact.key, set()).add(where)
    return {
        "schema": SCHEMA,
        "owner": {"key": model.owner_key, "name": model.owner_name, "timezone": model.timezone},
        "as_of": model.as_of.isoformat(),
        "period": {
            "label": period.label,
            "first": _day(period.first),
            "last": _day(period.last),
            "since": _moment(period.since),
            "until": _moment(period.until),
        },
        "options": {
            "destination": options.destination,
            "include_suggested": options.include_suggested,
            "redact": "private" if options.redact_private else None,
        },
        "growth_map": _growth_map(model.growth_map),
        "portfolio": [
            {"destination": p.destination, "artifacts": [_strong(s) for s in p.strongest]}
            for p in model.portfolio
        ],
        "items": [_item(model, a) for a in model.artifacts if not a.manual],
        "suggestions": [_suggestion(m) for m in model.mappings if not m.artifact.manual],
        "manual_artifacts": [_manual(a, places) for a in model.artifacts if a.manual],
        "log_entries": [_entry(e) for e in model.entries],
        "level_history": [_levels(levels) for levels in model.levels],
    }


def _entry(entry: ShownEntry) -> dict[str, Any]:
    return {
        "week": entry.week.id,
        "first": entry.week.monday().isoformat(),
        "last": entry.week.sunday().isoformat(),
        "edited": entry.edited,
        "text": unmarked(entry.text),
        "new_since_edit": [a.key for a in entry.new_since_edit],
    }


def _levels(levels: SkillLevels) -> dict[str, Any]:
    return {
        "destination": levels.destination,
        "skill": levels.skill,
        "changes": [
            {"level": c.level, "effective": _day(c.effective), "note": c.note}
            for c in levels.changes
        ],
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    return _instant(value) if value else None


def _instant(value: datetime) -> str:
    """An instant as the export writes every one: UTC with `Z`."""
    return value.isoformat().replace("+00:00", "Z")


# What the export shows of a collected item through the one item mapping; the key, the
# ref, the day and the links are the evidence artifact's own.
ITEM_FIELDS = ("kind", "title", "url", "repo", "state", "occurred_at", "additions", "deletions")


def _item(model: ExportModel, artifact: Artifact) -> dict[str, Any]:
    return {
        "key": artifact.key,
        "source": source_of(artifact),
        "ref": artifact.ref,
        "date": artifact.day.isoformat(),
        **public_item(artifact, ITEM_FIELDS, instant=_instant),
        "private": artifact.key in model.private_keys,
        "linked": [linked.key for linked in artifact.linked],
    }


def _suggestion(mapping: Mapping) -> dict[str, Any]:
    evidence = mapping.evidence
    return {
        "item": evidence.artifact.key,
        "destination": evidence.destination,
        "skill": evidence.skill,
        "status": evidence.status,
        "weight": evidence.weight,
        "rules": list(mapping.rules),
        "origin": mapping.origin,
        "note": evidence.note,
        "changed_upstream": mapping.changed_upstream,
    }


def _manual(artifact: Artifact, places: dict[str, set[tuple[str, str]]]) -> dict[str, Any]:
    level = {"level": artifact.extra["level"]} if artifact.kind == "feedback" else {}
    return {
        **level,
        "key": artifact.key,
        "kind": artifact.kind,
        "title": artifact.title,
        "url": artifact.url,
        "date": artifact.day.isoformat(),
        "outcome": artifact.outcome,
        "endorser": artifact.endorser,
        "places": [{"destination": d, "skill": s} for d, s in sorted(places.get(artifact.key, ()))],
    }


def _strong(strong: StrongArtifact) -> dict[str, Any]:
    return {
        "key": strong.artifact.key,
        "score": strong.score,
        "places": [{"destination": d, "skill": s} for d, s in strong.places],
        "notes": list(strong.notes),
    }


def _growth_map(view: GrowthMapView) -> dict[str, Any]:
    cycle = view.cycle
    return {
        "destinations": [
            {
                "id": d.id,
                "title": d.title,
                "target_date": _day(d.target_date),
                "in_cycle": d.in_cycle,
                "skills": [_skill(s) for s in d.skills],
            }
            for d in view.destinations
        ],
        "cycle": None
        if cycle is None
        else {
            "number": cycle.number,
            "start": cycle.start.isoformat(),
            "end": cycle.end.isoformat(),
            "weeks": cycle.weeks,
            "week": cycle.week,
            "goal": cycle.goal,
            "review_date": cycle.review_date.isoformat(),
        },
        "gaps": [
            {"destination": g.destination, "skill": g.skill, "last": _day(g.last), "text": g.text()}
            for g in view.gaps
        ],
        "mastery_suggestions": [
            {
                "destination": s.destination,
                "skill": s.skill,
                "current": s.current,
                "proposed": s.proposed,
                "reason": s.reason,
            }
            for s in view.suggestions
        ],
        "checklist": [
            {"label": c.label, "done": c.done, "detail": c.detail} for c in view.checklist
        ],
    }


def _skill(skill: SkillView) -> dict[str, Any]:
    return {
        "id": skill.id,
        "name": skill.name,
        "level": skill.level,
        "target": skill.target,
        "level_since": _day(skill.level_since),
        "last_evidence": _day(skill.last_evidence),
        "cycle": {"accepted": skill.cycle.accepted, "suggested": skill.cycle.suggested},
        "overall": {"accepted": skill.overall.accepted, "suggested": skill.overall.suggested},
    }
