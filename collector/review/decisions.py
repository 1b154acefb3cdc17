"""What the engineer decides about a suggestion: accept, reject, note, change, map by hand.

Every decision stores its time and the item's content hash at that moment on the
suggestion, and appends a DecisionRow (the history). Deciding what is already decided
changes nothing, so batch runs are idempotent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.errors import UsageError
from collector.core.settings_model import GrowthMap
from collector.ledger.models import DecisionRow, ItemRow, SuggestionRow
from collector.ledger.suggestions import literal_ids

CHUNK = 500
ACTIONS = {"accepted": "accept", "rejected": "reject"}


@dataclass
class BatchOutcome:
    """What a batch decision did: `changed` ids got the new status, `unchanged` had it."""

    status: str
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """Which pending suggestions a batch decision covers (every given filter must hold)."""

    rule: str | None = None
    kind: str | None = None
    since: datetime | None = None

    def __post_init__(self) -> None:
        if self.rule is None and self.kind is None:
            raise UsageError("choose suggestion IDs, or --rule RULE_ID and/or --kind KIND")


def load_suggestions(
    session: Session, owner: str, ids: Sequence[int]
) -> list[tuple[SuggestionRow, ItemRow]]:
    """The suggestions with these ids and their items; UsageError naming any unknown id."""
    found: dict[int, tuple[SuggestionRow, ItemRow]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        rows = session.execute(
            select(SuggestionRow, ItemRow)
            .join(ItemRow, ItemRow.id == SuggestionRow.item_id)
            .where(
                SuggestionRow.owner == owner,
                SuggestionRow.id.in_(literal_ids(unique[start : start + CHUNK])),
            )
        )
        found.update({s.id: (s, i) for s, i in rows})
    missing = [i for i in unique if i not in found]
    if missing:
        raise UsageError(
            f"no suggestion with id {', '.join(map(str, missing))}: "
            "`growthmap review list` shows suggestion ids"
        )
    return [found[i] for i in unique]


def select_pending(
    session: Session, owner: str, selection: Selection
) -> Iterator[tuple[SuggestionRow, ItemRow]]:
    """Pending (`suggested`) suggestions matching the selection, in bounded chunks."""
    query = (
        select(SuggestionRow, ItemRow)
        .join(ItemRow, ItemRow.id == SuggestionRow.item_id)
        .where(SuggestionRow.owner == owner, SuggestionRow.status == "suggested")
        .order_by(SuggestionRow.id)
    )
    if selection.kind is not None:
        query = query.where(ItemRow.kind == selection.kind)
    if selection.since is not None:
        query = query.where(ItemRow.occurred_at >= selection.since)
    for chunk in session.execute(query.execution_options(yield_per=CHUNK)).partitions():
        for suggestion, item in chunk:
            # `rules` is a JSON list: filtering here keeps the query portable across backends.
            if selection.rule is None or selection.rule in suggestion.rules:
                yield suggestion, item


def decide(
    session: Session,
    owner: str,
    pairs: Sequence[tuple[SuggestionRow, ItemRow]],
    status: str,
    now: datetime,
) -> BatchOutcome:
    """Accept or reject each suggestion; one that already has `status` is left as it is."""
    if status not in ACTIONS:
        raise ValueError(f"cannot decide {status!r}")
    outcome = BatchOutcome(status)
    for suggestion, item in pairs:
        if suggestion.status == status:
            outcome.unchanged.append(suggestion.id)
            continue
        _set_decision(session, owner, suggestion, item, status, now)
        outcome.changed.append(suggestion.id)
    session.flush()
    return outcome


def reset(
    session: Session,
    owner: str,
    pairs: Sequence[tuple[SuggestionRow, ItemRow]],
    now: datetime,
) -> BatchOutcome:
    """Take back accept/reject decisions: the suggestions are pending again, as if new.

    The note stays, and the history keeps the decision that was taken back. A rule
    suggestion no rule gives any more is then withdrawn by the next rules pass, as any
    pending one would be.
    """
    withdrawn = [s.id for s, _ in pairs if s.status == "withdrawn"]
    if withdrawn:
        raise UsageError(
            f"suggestion {', '.join(map(str, withdrawn))} was withdrawn (no rule gives it "
            "any more), so there is no decision to take back; `growthmap review` maps "
            "items by hand"
        )
    outcome = BatchOutcome("suggested")
    for suggestion, item in pairs:
        if suggestion.status == "suggested":
            outcome.unchanged.append(suggestion.id)
            continue
        suggestion.status = "suggested"
        suggestion.decided_at = None
        suggestion.decided_item_hash = None
        suggestion.updated_at = now
        session.add(
            DecisionRow(
                owner=owner,
                suggestion_id=suggestion.id,
                action="reset",
                item_hash=item.content_hash,
                at=now,
            )
        )
        outcome.changed.append(suggestion.id)
    session.flush()
    return outcome


def _set_decision(
    session: Session,
    owner: str,
    suggestion: SuggestionRow,
    item: ItemRow,
    status: str,
    now: datetime,
    action: str | None = None,
) -> None:
    suggestion.status = status
    suggestion.decided_at = now
    suggestion.decided_item_hash = item.content_hash
    suggestion.updated_at = now
    session.add(
        DecisionRow(
            owner=owner,
            suggestion_id=suggestion.id,
            action=action or ACTIONS[status],
            item_hash=item.content_hash,
            at=now,
        )
    )


def record_note(
    session: Session, owner: str, suggestion: SuggestionRow, item: ItemRow, text: str, now: datetime
) -> None:
    """Tie the suggestion to an outcome ("cut p99 latency by 30%"); replaces an earlier note,
    which stays in the decision history."""
    text = text.strip()
    if not text:
        raise UsageError("the note is empty: say what the work achieved")
    suggestion.note = text
    suggestion.noted_at = now
    session.add(
        DecisionRow(
            owner=owner,
            suggestion_id=suggestion.id,
            action="note",
            note=text,
            item_hash=item.content_hash,
            at=now,
        )
    )
    session.flush()


def check_mapping(growth_map: GrowthMap, destination: str, skill: str) -> None:
    """UsageError (exit 2) naming what the growth map has, for an unknown destination/skill."""
    skills = growth_map.skill_ids()
    if destination not in skills:
        known = ", ".join(skills) or "none: add [[growth_map.destinations]] to the config"
        raise UsageError(f"unknown destination {destination!r}; the growth map has: {known}")
    if skill not in skills[destination]:
        known = ", ".join(skills[destination]) or "none"
        raise UsageError(f"destination {destination} has no skill {skill!r}; its skills: {known}")


def map_by_hand(
    session: Session,
    owner: str,
    item: ItemRow,
    destination: str,
    skill: str,
    now: datetime,
    note: str | None = None,
) -> SuggestionRow:
    """Accept the item as evidence for (destination, skill), chosen by hand (origin manual).
    An existing row for that pair is accepted in place and keeps its origin."""
    row = session.scalar(
        select(SuggestionRow).where(
            SuggestionRow.item_id == item.id,
            SuggestionRow.destination == destination,
            SuggestionRow.skill == skill,
        )
    )
    if row is None:
        row = SuggestionRow(
            owner=owner,
            item_id=item.id,
            destination=destination,
            skill=skill,
            status="suggested",
            origin="manual",
            weight=1.0,
            rules=[],
            rule_hash="",
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
    if note and not row.note:
        row.note, row.noted_at = note, now
    if row.status != "accepted":
        _set_decision(session, owner, row, item, "accepted", now)
    session.flush()
    return row


def change_mapping(
    session: Session,
    owner: str,
    suggestion: SuggestionRow,
    item: ItemRow,
    destination: str,
    skill: str,
    now: datetime,
) -> SuggestionRow:
    """The rule chose the wrong skill: reject its suggestion ("change") and accept the item
    for (destination, skill) instead; the note moves along when the target has none."""
    if (suggestion.destination, suggestion.skill) == (destination, skill):
        decide(session, owner, [(suggestion, item)], "accepted", now)
        return suggestion
    _set_decision(session, owner, suggestion, item, "rejected", now, action="change")
    return map_by_hand(session, owner, item, destination, skill, now, note=suggestion.note)
