"""What a snapshot's export showed, as plain JSON values (its `basis`): each artifact with
the line that named it, each mapping with its decision and note, each log entry's text and
each recorded level. Two bases side by side say what changed since the snapshot."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from collector.export import ExportModel
from collector.progress import Artifact
from collector.progress.lines import artifact_line, unmarked

BASIS_VERSION = 1
Basis = dict[str, Any]
Record = dict[str, Any]


def basis_of(model: ExportModel, redact: Callable[[bytes], bytes]) -> Basis:
    """The export's evidence, decisions, notes, log text and levels, through `redact` (the
    credential redactor, as the export's bytes went): JSON values only, sorted."""
    since = model.period.first
    basis = {
        "version": BASIS_VERSION,
        "artifacts": {a.key: _artifact(a, since) for a in model.artifacts},
        "mappings": sorted(
            [
                m.artifact.key,
                m.evidence.destination,
                m.evidence.skill,
                m.evidence.status,
                m.evidence.note or "",
            ]
            for m in model.mappings
        ),
        "entries": {
            e.week.id: {"edited": e.edited, "text": unmarked(e.text)} for e in model.entries
        },
        "levels": sorted(
            [levels.destination, levels.skill, c.level, c.effective.isoformat(), c.note or ""]
            for levels in model.levels
            for c in levels.changes
            if c.effective is not None
        ),
        "skills": {
            f"{d.id}/{s.id}": s.name for d in model.growth_map.destinations for s in d.skills
        },
    }
    text = json.dumps(basis, sort_keys=True, ensure_ascii=False).encode("utf-8")
    result: Basis = json.loads(redact(text).decode("utf-8"))
    return result


def _artifact(artifact: Artifact, since: date | None) -> Record:
    return {
        "day": artifact.day.isoformat(),
        "kind": artifact.kind,
        "title": artifact.title,
        "url": artifact.url,
        "state": artifact.state,
        "line": unmarked(artifact_line(artifact, since)),
    }


@dataclass(frozen=True)
class Changes:
    """What an export shows differently now than the snapshot's did."""

    added: tuple[Record, ...] = ()  # artifacts (with their key) shown now, not then
    removed: tuple[Record, ...] = ()  # shown then, not now
    changed: tuple[tuple[Record, Record], ...] = ()  # (then, now): edited upstream
    mappings_added: tuple[list[str], ...] = ()  # of artifacts shown both times
    mappings_removed: tuple[list[str], ...] = ()
    mappings_changed: tuple[tuple[list[str], list[str]], ...] = ()  # decision or note
    entries: tuple[tuple[str, str], ...] = ()  # (week, "new" | "removed" | "changed")
    levels_added: tuple[list[str], ...] = ()
    levels_removed: tuple[list[str], ...] = ()
    skills: dict[str, str] = field(default_factory=dict)  # DEST/skill -> name, for lines
    lines: dict[str, str] = field(default_factory=dict)  # artifact key -> its line now

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.changed,
                self.mappings_added,
                self.mappings_removed,
                self.mappings_changed,
                self.entries,
                self.levels_added,
                self.levels_removed,
            )
        )


_SHOWN = ("title", "url", "state", "line")


def compare(then: Basis, now: Basis) -> Changes:
    """The changes from `then` (a snapshot's basis) to `now` (the same export today)."""
    before, after = then["artifacts"], now["artifacts"]
    both = before.keys() & after.keys()
    mappings = _mapping_changes(then["mappings"], now["mappings"], both)
    return Changes(
        added=tuple({"key": k, **after[k]} for k in sorted(after.keys() - before.keys())),
        removed=tuple({"key": k, **before[k]} for k in sorted(before.keys() - after.keys())),
        changed=tuple(
            ({"key": k, **before[k]}, {"key": k, **after[k]})
            for k in sorted(both)
            if any(before[k].get(f) != after[k].get(f) for f in _SHOWN)
        ),
        mappings_added=mappings[0],
        mappings_removed=mappings[1],
        mappings_changed=mappings[2],
        entries=_entry_changes(then["entries"], now["entries"]),
        levels_added=tuple(x for x in now["levels"] if x not in then["levels"]),
        levels_removed=tuple(x for x in then["levels"] if x not in now["levels"]),
        skills={**then["skills"], **now["skills"]},
        lines={k: after[k]["line"] for k in both},
    )


MappingChanges = tuple[
    tuple[list[str], ...], tuple[list[str], ...], tuple[tuple[list[str], list[str]], ...]
]


def _mapping_changes(then: list[list[str]], now: list[list[str]], keys: set[str]) -> MappingChanges:
    """Mappings of artifacts shown both times: added, removed, and those whose decision
    or note changed (the same artifact, destination and skill)."""

    def places(rows: list[list[str]]) -> dict[tuple[str, str, str], list[str]]:
        return {(r[0], r[1], r[2]): r for r in rows if r[0] in keys}

    before, after = places(then), places(now)
    return (
        tuple(after[p] for p in sorted(after.keys() - before.keys())),
        tuple(before[p] for p in sorted(before.keys() - after.keys())),
        tuple(
            (before[p], after[p])
            for p in sorted(before.keys() & after.keys())
            if before[p] != after[p]
        ),
    )


def _entry_changes(then: dict[str, Record], now: dict[str, Record]) -> tuple[tuple[str, str], ...]:
    found = []
    for week in sorted(then.keys() | now.keys()):
        if week not in then:
            found.append((week, "new"))
        elif week not in now:
            found.append((week, "removed"))
        elif then[week] != now[week]:
            found.append((week, "changed"))
    return tuple(found)
