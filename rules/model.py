"""Values of the rules engine: the evidence it reads, the rules, and what it answers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Growth map as plain data: destination id -> its skill ids.
GrowthMap = Mapping[str, Collection[str]]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A source-agnostic view of one ledger item, the only thing rules look at.

    `source` is the configured source name; `source_type` (github, gitlab, jira) lets a
    rule say `source = ["github"]` whatever the source is called. Ticket fields and
    review states come from `extra` (see `rules.conditions.Facts`).
    """

    kind: str
    source: str
    repo: str | None = None
    path: str | None = None
    title: str = ""
    body: str = ""
    author: str | None = None
    state: str = ""
    labels: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    additions: int | None = None
    deletions: int | None = None
    changed_files: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    source_type: str | None = None

    @classmethod
    def from_normalized(cls, fields: Mapping[str, Any], source_type: str | None = None) -> Evidence:
        """Build from an item's normalized fields (`Item.normalized()` or a ledger row).

        Keys the rules do not read (ids, urls, timestamps) are ignored.
        """
        return cls(
            kind=str(fields["kind"]),
            source=str(fields["source"]),
            repo=fields.get("repo"),
            path=fields.get("path"),
            title=fields.get("title") or "",
            body=fields.get("body") or "",
            author=fields.get("author"),
            state=fields.get("state") or "",
            labels=tuple(fields.get("labels") or ()),
            paths=tuple(fields.get("paths") or ()),
            additions=fields.get("additions"),
            deletions=fields.get("deletions"),
            changed_files=fields.get("changed_files"),
            extra=dict(fields.get("extra") or {}),
            source_type=source_type or fields.get("source_type"),
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule. `match` / `unless` hold normalized values (sorted tuples, ints).

    `file` says where the rule was defined; it is not part of the definition hash, so
    moving a rule between files keeps its provenance.
    """

    id: str
    destination: str
    skills: tuple[str, ...]
    weight: float = 1.0
    match: Mapping[str, Any] = field(default_factory=dict)
    unless: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    file: str = ""

    def definition(self) -> dict[str, Any]:
        """What the rule does, JSON-ready. The description is left out: rewording it
        changes nothing a rule decides, so it must not disturb provenance."""
        return {
            "id": self.id,
            "destination": self.destination,
            "skills": sorted(self.skills),
            "weight": float(self.weight),
            "match": {k: _jsonable(v) for k, v in sorted(self.match.items())},
            "unless": {k: _jsonable(v) for k, v in sorted(self.unless.items())},
        }

    @property
    def hash(self) -> str:
        """A stable hash of the definition (sha256 of its canonical JSON)."""
        return definition_hash(self.definition())


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def definition_hash(definition: Mapping[str, Any]) -> str:
    blob = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def combined_hash(pairs: Sequence[tuple[str, str]]) -> str:
    """One hash for a set of (rule id, rule hash) pairs, independent of their order."""
    blob = json.dumps(sorted(pairs), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Evidence for one (destination, skill), with every rule that gave it.

    `weight` is the largest weight among those rules; `rules` and `rule_hashes` are
    aligned and sorted by rule id; `rule_hash` combines them into one provenance hash.
    """

    destination: str
    skill: str
    weight: float
    rules: tuple[str, ...]
    rule_hashes: tuple[str, ...]
    rule_hash: str


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """One key of a rule checked against one item: did it hold, and what was seen."""

    key: str
    held: bool
    detail: str


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    """What `explain` says about one rule for one item.

    `failed` lists the match keys that did not hold; `excluded_by` the `unless` keys that
    held (reported only for items the match accepted).
    """

    rule_id: str
    destination: str
    skills: tuple[str, ...]
    matched: bool
    failed: tuple[KeyCheck, ...] = ()
    excluded_by: tuple[KeyCheck, ...] = ()

    @property
    def status(self) -> str:
        if self.matched:
            return "matched"
        return "excluded" if self.excluded_by else "no match"

    def reason(self) -> str:
        """One line a person can read: why the rule did or did not give evidence."""
        if self.matched:
            return f"matched -> {self.destination}: {', '.join(self.skills)}"
        if self.excluded_by:
            keys = "; ".join(f"unless.{c.key}: {c.detail}" for c in self.excluded_by)
            return f"excluded by {keys}"
        keys = "; ".join(f"{c.key}: {c.detail}" for c in self.failed)
        return f"no match: {keys}"


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One thing wrong with the rule files. `rule_id` is the rule's id, or `#N` (its
    position in the file) when it has none; `key` is the offending key path such as
    `match.title`, or None for a problem with the whole file."""

    file: str
    rule_id: str | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.rule_id is not None:
            shown = self.rule_id if self.rule_id.startswith("#") else repr(self.rule_id)
            where.append(f"rule {shown}")
        if self.key is not None:
            where.append(f"key {self.key!r}")
        return f"{': '.join(where)}: {self.message}"


class RulesInvalid(Exception):
    """The rule files have problems; every one of them is in `problems`."""

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        self.problems: tuple[RuleProblem, ...] = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the rule files:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])

    def __str__(self) -> str:
        return self._render()
