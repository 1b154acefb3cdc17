"""Suggestions as `review list` and the exports show them, with "changed since accepted".

An accepted item whose content changed upstream after the decision (its content hash is
no longer the one stored at decision) is flagged, so a reviewer can look again; the
decision itself stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.ledger.items import IDENTITY_FIELDS, SIZE_FIELDS, public_item
from collector.ledger.models import ItemRow, SuggestionRow
from collector.ledger.suggestions import literal_ids
from collector.review.queue import iter_chunked, strongest_first, unmapped_condition

STATUSES = ("suggested", "accepted", "rejected", "withdrawn", "unmapped")
# What `review list --format json` shows of an item, in its order.
ITEM_FIELDS = (*IDENTITY_FIELDS, "url", "title", "repo", "state", "occurred_at", *SIZE_FIELDS)


@dataclass(frozen=True)
class Listed:
    item: ItemRow
    suggestion: SuggestionRow | None  # None for an unmapped item

    @property
    def changed_upstream(self) -> bool:
        return self.suggestion is not None and changed_since_decision(self.suggestion, self.item)


def changed_since_decision(suggestion: SuggestionRow, item: ItemRow) -> bool:
    """True when the item was accepted and its content changed upstream afterwards."""
    return (
        suggestion.status == "accepted"
        and suggestion.decided_item_hash is not None
        and suggestion.decided_item_hash != item.content_hash
    )


def changed_since_acceptance(
    session: Session, owner: str, suggestion_ids: Sequence[int] | None = None
) -> set[int]:
    """Ids of accepted suggestions whose item changed upstream since acceptance (for exports:
    pass the ids being exported, or None for all)."""
    query = (
        select(SuggestionRow.id)
        .join(ItemRow, ItemRow.id == SuggestionRow.item_id)
        .where(
            SuggestionRow.owner == owner,
            SuggestionRow.status == "accepted",
            SuggestionRow.decided_item_hash.is_not(None),
            SuggestionRow.decided_item_hash != ItemRow.content_hash,
        )
    )
    if suggestion_ids is None:
        return set(session.scalars(query))
    found: set[int] = set()
    ids = list(suggestion_ids)
    for start in range(0, len(ids), 900):
        chunk = literal_ids(ids[start : start + 900])
        found |= set(session.scalars(query.where(SuggestionRow.id.in_(chunk))))
    return found


def iter_listed(session: Session, owner: str, status: str) -> Iterator[Listed]:
    """Suggestions with `status` (pending ones strongest first, decided ones newest first),
    or the unmapped items; fetched in bounded chunks."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if status == "unmapped":
        items = select(ItemRow).where(ItemRow.owner == owner, unmapped_condition())
        for row in iter_chunked(session, strongest_first(items, with_weight=False)):
            yield Listed(row[0], None)
        return
    query = (
        select(SuggestionRow, ItemRow)
        .join(ItemRow, ItemRow.id == SuggestionRow.item_id)
        .where(SuggestionRow.owner == owner, SuggestionRow.status == status)
    )
    if status == "suggested":
        query = strongest_first(query)
    else:
        query = query.order_by(ItemRow.occurred_at.desc(), SuggestionRow.id)
    for suggestion, item in iter_chunked(session, query):
        yield Listed(item, suggestion)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def listed_json(entry: Listed) -> dict[str, Any]:
    """One line of `review list --format json`."""
    item = entry.item
    data: dict[str, Any] = {
        "id": entry.suggestion.id if entry.suggestion else None,
        "item_id": item.id,
        "status": entry.suggestion.status if entry.suggestion else "unmapped",
        "item": public_item(item, ITEM_FIELDS),
    }
    suggestion = entry.suggestion
    if suggestion is not None:
        data |= {
            "destination": suggestion.destination,
            "skill": suggestion.skill,
            "origin": suggestion.origin,
            "weight": suggestion.weight,
            "rules": suggestion.rules,
            "rule_hash": suggestion.rule_hash,
            "decided_at": _iso(suggestion.decided_at),
            "decided_item_hash": suggestion.decided_item_hash,
            "note": suggestion.note,
            "noted_at": _iso(suggestion.noted_at),
            "changed_since_decision": entry.changed_upstream,
        }
    return data
