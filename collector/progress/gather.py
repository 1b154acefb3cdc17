"""Read the ledger into evidence: items, manual artifacts and feedback quotes of a period,
their mappings, and the tickets each pull request implements."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from collector.core.settings_model import GrowthMap
from collector.feedback import feedback_in
from collector.ledger.models import ItemRow, ManualArtifactRow, SuggestionRow
from collector.ledger.queries import CHUNK
from collector.progress.evidence import (
    MAPPED,
    Artifact,
    Evidence,
    StoredItem,
    artifact_from_feedback,
    artifact_from_item,
    artifact_from_manual,
)
from collector.progress.weeks import local_date

_JIRA_KEY = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,9}-[1-9]\d{0,6})(?![A-Za-z0-9])")
_FULL_REF = re.compile(r"(?<![\w/.-])([\w.-]+/[\w./-]+)#(\d{1,7})\b")
_SHORT_REF = re.compile(r"(?<![\w/#])#(\d{1,7})\b")
_BRANCH_KEYS = ("head_ref", "head_branch", "head_ref_name", "source_branch", "branch")
# The branch inside the raw payload (GitHub GraphQL, GitLab), read by the database, and
# only for pull requests: parsing every item's raw payload would be wasted work.
_BRANCH_IN_RAW = case(
    (
        ItemRow.kind == "pull_request",
        func.coalesce(
            ItemRow.raw["headRefName"].as_string(),
            ItemRow.raw[("merge_request", "source_branch")].as_string(),
        ),
    ),
    else_=None,
)
_LOOKUP_CHUNK = 500
_DECIDED_OR_MAPPED = frozenset((*MAPPED, "rejected"))


@dataclass(frozen=True)
class EvidenceSet:
    """Everything of a period: artifacts (oldest first), their mappings, and the items
    nobody has mapped yet (no live suggestion and no decision)."""

    artifacts: tuple[Artifact, ...]
    evidence: tuple[Evidence, ...]
    unmapped: tuple[Artifact, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(sorted(a.key for a in self.artifacts))

    def for_skill(self, destination: str, skill: str) -> list[Evidence]:
        return list(self._by_skill.get((destination, skill), ()))

    @cached_property
    def _by_skill(self) -> dict[tuple[str, str], list[Evidence]]:
        """Evidence per (destination, skill), built once: the map asks for every skill."""
        grouped: dict[tuple[str, str], list[Evidence]] = {}
        for item in self.evidence:
            grouped.setdefault((item.destination, item.skill), []).append(item)
        return grouped

    def within(self, first: date, last: date) -> EvidenceSet:
        """The part of this set whose artifacts fall on [first, last]."""
        inside = tuple(a for a in self.artifacts if first <= a.day <= last)
        keys = {a.key for a in inside}
        return EvidenceSet(
            inside,
            tuple(e for e in self.evidence if e.artifact.key in keys),
            tuple(a for a in self.unmapped if a.key in keys),
        )


def gather_evidence(
    session: Session,
    owner: str,
    zone: ZoneInfo,
    growth_map: GrowthMap,
    since: datetime | None = None,
    until: datetime | None = None,
) -> EvidenceSet:
    """Items that occurred in [since, until), and manual artifacts and feedback quotes
    dated in that period."""
    rows = list(item_rows(session, owner, since, until))
    refs = {row.id: pr_ticket_refs(row) for row, _ in rows if row.kind == "pull_request"}
    tickets = find_tickets(session, owner, {r for found in refs.values() for r in found})
    artifacts: list[Artifact] = []
    evidence: list[Evidence] = []
    unmapped: list[Artifact] = []  # no live suggestion and no decision yet
    for row, suggestions in rows:
        artifact = _item_artifact(row, zone)
        linked = tuple(
            _item_artifact(tickets[r], zone) for r in refs.get(row.id, ()) if r in tickets
        )
        artifact = replace(artifact, linked=linked) if linked else artifact
        artifacts.append(artifact)
        evidence += [
            Evidence(artifact, s.destination, s.skill, s.status, s.weight, s.note)
            for s in suggestions
            if s.status in MAPPED
        ]
        if not any(s.status in _DECIDED_OR_MAPPED for s in suggestions):
            unmapped.append(artifact)
    _add_manual(session, owner, zone, growth_map, since, until, artifacts, evidence)
    order = {a.key: _order(a) for a in artifacts}  # computed once per artifact
    artifacts.sort(key=lambda a: order[a.key])
    evidence.sort(key=lambda e: (order[e.artifact.key], e.destination, e.skill))
    return EvidenceSet(tuple(artifacts), tuple(evidence), tuple(unmapped))


def _add_manual(
    session: Session,
    owner: str,
    zone: ZoneInfo,
    growth_map: GrowthMap,
    since: datetime | None,
    until: datetime | None,
    artifacts: list[Artifact],
    evidence: list[Evidence],
) -> None:
    """Manual artifacts and feedback quotes tied to a skill are the engineer's own: they
    count as accepted evidence."""
    first = local_date(since, zone) if since else None
    last = local_date(until, zone) if until else None
    exclusive = until is not None
    for manual in manual_artifacts(session, owner, first, last, exclusive_end=exclusive):
        artifact = artifact_from_manual(manual)
        artifacts.append(artifact)
        evidence += [
            Evidence(artifact, destination, skill, "accepted")
            for destination, skill in manual_targets(manual, growth_map)
        ]
    quotes = feedback_in(session, owner, first, last, exclusive_end=exclusive, quotes_only=True)
    for quote in quotes:
        artifact = artifact_from_feedback(quote)
        artifacts.append(artifact)
        if quote.destination and quote.skill:
            evidence.append(Evidence(artifact, quote.destination, quote.skill, "accepted"))


@dataclass(frozen=True, slots=True)
class Decision:
    """One suggestion of an item: where it maps and what the engineer decided."""

    destination: str
    skill: str
    status: str
    weight: float
    note: str | None


_ITEM_COLUMNS = (
    ItemRow.id,
    ItemRow.source,
    ItemRow.kind,
    ItemRow.external_id,
    ItemRow.url,
    ItemRow.title,
    ItemRow.body,
    ItemRow.repo,
    ItemRow.path,
    ItemRow.state,
    ItemRow.created_at,
    ItemRow.occurred_at,
    ItemRow.additions,
    ItemRow.deletions,
    ItemRow.extra,
    _BRANCH_IN_RAW,
)
_SUGGESTION_COLUMNS = (
    SuggestionRow.destination,
    SuggestionRow.skill,
    SuggestionRow.status,
    SuggestionRow.weight,
    SuggestionRow.note,
)


def item_rows(
    session: Session, owner: str, since: datetime | None, until: datetime | None
) -> Iterator[tuple[StoredItem, list[Decision]]]:
    """Items by occurred_at, each with its suggestions: plain columns (no ORM objects, no
    raw payload), so a year of evidence reads quickly. Two queries, not one join: a join
    repeats every item's columns (its JSON, its dates) once per suggestion, and decoding
    them is most of the cost."""
    decisions = _decisions(session, owner, since, until)
    query = (
        select(*_ITEM_COLUMNS)
        .where(ItemRow.owner == owner, *_within(since, until))
        .order_by(ItemRow.occurred_at, ItemRow.id)
    )
    for values in session.execute(query.execution_options(yield_per=CHUNK)):
        yield _stored(values), decisions.get(values[0], [])


def _decisions(
    session: Session, owner: str, since: datetime | None, until: datetime | None
) -> dict[int, list[Decision]]:
    """Each item's suggestions (by destination, then skill), by item id."""
    query = (
        select(SuggestionRow.item_id, *_SUGGESTION_COLUMNS)
        .join(ItemRow, ItemRow.id == SuggestionRow.item_id)
        .where(ItemRow.owner == owner, *_within(since, until))
        .order_by(SuggestionRow.item_id, SuggestionRow.destination, SuggestionRow.skill)
    )
    found: dict[int, list[Decision]] = {}
    for row in session.execute(query.execution_options(yield_per=CHUNK)):
        found.setdefault(row[0], []).append(Decision(*row[1:]))
    return found


def _within(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    """The conditions on an item's occurred_at for [since, until)."""
    bounds = []
    if since is not None:
        bounds.append(ItemRow.occurred_at >= since)
    if until is not None:
        bounds.append(ItemRow.occurred_at < until)
    return bounds


def _stored(values: Sequence[Any]) -> StoredItem:
    *fields, branch = values
    # The columns are _ITEM_COLUMNS in field order; mypy cannot count a starred list.
    make: Any = StoredItem
    item: StoredItem = make(*fields, raw_branch=branch or "")
    return item


def _order(artifact: Artifact) -> tuple[date, str, str]:
    moment = artifact.occurred_at.isoformat() if artifact.occurred_at else "~"
    return (artifact.day, moment, artifact.key)


def _item_artifact(row: StoredItem, zone: ZoneInfo) -> Artifact:
    return artifact_from_item(
        row, local_date(row.occurred_at, zone), local_date(row.created_at, zone)
    )


def manual_artifacts(
    session: Session, owner: str, first: date | None, last: date | None, *, exclusive_end: bool
) -> list[ManualArtifactRow]:
    query = select(ManualArtifactRow).where(ManualArtifactRow.owner == owner)
    if first is not None:
        query = query.where(ManualArtifactRow.date >= first)
    if last is not None:
        bound = ManualArtifactRow.date < last if exclusive_end else ManualArtifactRow.date <= last
        query = query.where(bound)
    return list(session.scalars(query.order_by(ManualArtifactRow.date, ManualArtifactRow.id)))


def manual_targets(row: ManualArtifactRow, growth_map: GrowthMap) -> list[tuple[str, str]]:
    """(destination, skill) pairs a manual artifact names; a skill without a destination
    counts for every destination that has that skill."""
    pairs: list[tuple[str, str]] = []
    for skill in row.skills or []:
        if row.destination:
            pairs.append((row.destination, skill))
            continue
        pairs += [
            (d.id, skill) for d in growth_map.destinations if skill in {s.id for s in d.skills}
        ]
    return list(dict.fromkeys(pairs))


def pr_ticket_refs(row: StoredItem) -> list[str]:
    """Ticket keys a pull request names in its title, branch or body, in order of mention:
    Jira keys (CORE-118, any case) and issue references (#12, acme/app#12)."""
    branch = branch_of(row.extra or {}) or row.raw_branch
    refs: list[str] = []
    for text in (row.title or "", branch, row.body or ""):
        if "-" in text:
            refs += [m.group(1).upper() for m in _JIRA_KEY.finditer(text)]
        if "#" in text:
            refs += [f"{m.group(1)}#{m.group(2)}" for m in _FULL_REF.finditer(text)]
            if row.repo:
                refs += [f"{row.repo}#{m.group(1)}" for m in _SHORT_REF.finditer(text)]
    return [r for r in dict.fromkeys(refs) if r != row.external_id]


def branch_of(extra: Mapping[str, Any]) -> str:
    """The PR's source branch, if the connector put it in `extra`."""
    for key in _BRANCH_KEYS:
        value = extra.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def find_tickets(session: Session, owner: str, refs: Iterable[str]) -> dict[str, StoredItem]:
    """Ticket items by external id, for the references pull requests make."""
    wanted = sorted(set(refs))
    found: dict[str, StoredItem] = {}
    if len(wanted) > _LOOKUP_CHUNK:
        # Many references (a year of evidence): one pass over the owner's tickets beats
        # many IN queries, none of which can use the (owner, source, kind, id) index.
        return _all_tickets(session, owner, set(wanted))
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        query = (
            select(*_ITEM_COLUMNS)
            .where(ItemRow.owner == owner, ItemRow.kind == "ticket")
            .where(ItemRow.external_id.in_(chunk))
            .order_by(ItemRow.id)
        )
        for values in session.execute(query):
            found.setdefault(values[3], _stored(values))
    return found


def _all_tickets(session: Session, owner: str, wanted: set[str]) -> dict[str, StoredItem]:
    query = (
        select(*_ITEM_COLUMNS)
        .where(ItemRow.owner == owner, ItemRow.kind == "ticket")
        .order_by(ItemRow.id)
    )
    found: dict[str, StoredItem] = {}
    for values in session.execute(query.execution_options(yield_per=CHUNK)):
        if values[3] in wanted:
            found.setdefault(values[3], _stored(values))
    return found
