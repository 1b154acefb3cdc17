"""Evidence as plain values: what every view (week entry, map, review, export) renders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from collector.ledger.models import FeedbackRow, ManualArtifactRow

MAPPED = ("accepted", "suggested")
CLOSED_TICKET_STATES = frozenset({"done", "closed", "resolved", "merged", "fixed"})


@dataclass(frozen=True)
class Artifact:
    """One piece of evidence: a collected item or a manual artifact."""

    # "item:SOURCE:KIND:EXTERNAL_ID", "manual:ID" or "feedback:ID": what log entries remember
    key: str
    kind: str
    title: str
    url: str | None
    day: date  # in the owner's timezone
    occurred_at: datetime | None
    ref: str  # how a line names it: acme/checkout#412, CORE-118, repo · path
    repo: str | None = None
    state: str = ""
    created_day: date | None = None
    additions: int | None = None
    deletions: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    manual: bool = False
    outcome: str | None = None
    endorser: str | None = None
    linked: tuple[Artifact, ...] = ()  # tickets a pull request implements

    @property
    def size(self) -> int:
        return (self.additions or 0) + (self.deletions or 0)

    @property
    def is_closed_ticket(self) -> bool:
        return self.kind == "ticket" and self.state.lower() in CLOSED_TICKET_STATES


@dataclass(frozen=True)
class Evidence:
    """An artifact mapped to a destination's skill, accepted or suggested."""

    artifact: Artifact
    destination: str
    skill: str
    status: str  # accepted | suggested (manual artifacts are accepted)
    weight: float = 1.0
    note: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


def item_key(source: str, kind: str, external_id: str) -> str:
    return f"item:{source}:{kind}:{external_id}"


@dataclass(frozen=True, slots=True)
class StoredItem:
    """The columns of an item row that evidence needs (no raw payload: it is large)."""

    id: int
    source: str
    kind: str
    external_id: str
    url: str
    title: str
    body: str
    repo: str | None
    path: str | None
    state: str
    created_at: datetime
    occurred_at: datetime
    additions: int | None
    deletions: int | None
    extra: Mapping[str, Any]
    raw_branch: str = ""  # the PR's source branch when only the raw payload has it


def item_ref(row: StoredItem) -> str:
    if row.kind == "design_doc" and row.repo and row.path:
        return f"{row.repo} · {row.path}"
    if row.kind == "pairing":  # one item per partner: named by its pull request
        change = (row.extra or {}).get("pull_request")
        if isinstance(change, str) and change:
            return change
    if row.kind == "review":
        for suffix in ("/review", ":review"):
            if row.external_id.endswith(suffix):
                return row.external_id[: -len(suffix)]
    return row.external_id


def artifact_from_item(row: StoredItem, day: date, created_day: date) -> Artifact:
    return Artifact(
        key=item_key(row.source, row.kind, row.external_id),
        kind=row.kind,
        title=row.title,
        url=row.url or None,
        day=day,
        occurred_at=row.occurred_at,
        ref=item_ref(row),
        repo=row.repo,
        state=row.state,
        created_day=created_day,
        additions=row.additions,
        deletions=row.deletions,
        extra=row.extra or {},  # decoded afresh for this row: no copy needed
    )


def artifact_from_manual(row: ManualArtifactRow) -> Artifact:
    return Artifact(
        key=f"manual:{row.id}",
        kind=row.kind,
        title=row.title,
        url=row.url,
        day=row.date,
        occurred_at=None,
        ref=row.kind,
        manual=True,
        outcome=row.outcome,
        endorser=row.endorser,
    )


def artifact_from_feedback(row: FeedbackRow) -> Artifact:
    """A feedback session's quote tied to a skill: shown like an endorsement (who said it),
    with the level it speaks of in `extra`."""
    return Artifact(
        key=f"feedback:{row.id}",
        kind="feedback",
        title=row.quote or "",
        url=None,
        day=row.date,
        occurred_at=None,
        ref="feedback",
        manual=True,
        endorser=row.giver,
        extra={"level": row.level},
    )


def pieces_of_work(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Drop a ticket that a pull request in the same list implements: the two are one
    piece of work. (An accepted ticket stays when its pull request is only suggested.)"""
    covered: dict[str, bool] = {}  # ticket key -> linked from an accepted pull request
    for item in evidence:
        for ticket in item.artifact.linked:
            covered[ticket.key] = covered.get(ticket.key, False) or item.accepted
    return [
        e
        for e in evidence
        if e.artifact.kind != "ticket"
        or e.artifact.key not in covered
        or (e.accepted and not covered[e.artifact.key])
    ]
