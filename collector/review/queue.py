"""The review queue: pending suggestions strongest first, then items no rule mapped.

Strongest means the largest weight, then the largest change (additions + deletions),
then the most recent. The queue holds ids only; each card is read when it is shown, so
a decision taken meanwhile (another terminal, a batch command) is respected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session

from collector.ledger.models import ItemRow, SuggestionRow

CHUNK = 500
Ts = TypeVarTuple("Ts")
# An item with a suggestion in one of these states is mapped (or was looked at).
MAPPED = ("suggested", "accepted", "rejected")


@dataclass(frozen=True)
class Entry:
    """One card of the queue: a suggestion, or an unmapped item (suggestion_id None)."""

    item_id: int
    suggestion_id: int | None = None


@dataclass(frozen=True)
class Card:
    item: ItemRow
    suggestion: SuggestionRow | None  # None: an unmapped item


def size_of(additions: Any, deletions: Any) -> ColumnElement[int]:
    return func.coalesce(additions, 0) + func.coalesce(deletions, 0)


def strongest_first(query: Select[*Ts], *, with_weight: bool = True) -> Select[*Ts]:
    order: list[Any] = [SuggestionRow.weight.desc()] if with_weight else []
    order += [
        size_of(ItemRow.additions, ItemRow.deletions).desc(),
        ItemRow.occurred_at.desc(),
        ItemRow.id,
    ]
    if with_weight:
        order.append(SuggestionRow.id)
    return query.order_by(*order)


def pending_query(owner: str) -> Select[int, int]:
    query = (
        select(SuggestionRow.id, SuggestionRow.item_id)
        .join(ItemRow, ItemRow.id == SuggestionRow.item_id)
        .where(SuggestionRow.owner == owner, SuggestionRow.status == "suggested")
    )
    return strongest_first(query)


def unmapped_condition() -> ColumnElement[bool]:
    """Items without a suggested, accepted or rejected mapping (withdrawn ones do not count)."""
    return ~exists().where(SuggestionRow.item_id == ItemRow.id, SuggestionRow.status.in_(MAPPED))


def unmapped_query(owner: str, since: datetime | None = None) -> Select[int]:
    query = select(ItemRow.id).where(ItemRow.owner == owner, unmapped_condition())
    if since is not None:
        query = query.where(ItemRow.occurred_at >= since)
    return strongest_first(query, with_weight=False)


def build_queue(session: Session, owner: str, *, unmapped: bool = True) -> list[Entry]:
    """Every pending suggestion, strongest first; then the unmapped items (ids only)."""
    entries = [
        Entry(item_id=item_id, suggestion_id=suggestion_id)
        for suggestion_id, item_id in session.execute(pending_query(owner))
    ]
    if unmapped:
        entries += [Entry(item_id=i) for i in session.scalars(unmapped_query(owner))]
    return entries


def load_card(session: Session, owner: str, entry: Entry) -> Card | None:
    """The card as the ledger holds it now; None if it was decided or mapped meanwhile."""
    item = session.get(ItemRow, entry.item_id)
    if item is None or item.owner != owner:
        return None
    if entry.suggestion_id is None:
        still_unmapped = session.scalar(
            select(func.count()).where(ItemRow.id == item.id, unmapped_condition())
        )
        return Card(item, None) if still_unmapped else None
    suggestion = session.get(SuggestionRow, entry.suggestion_id)
    if suggestion is None or suggestion.status != "suggested":
        return None
    return Card(item, suggestion)


def iter_chunked(session: Session, query: Select[*Ts]) -> Iterator[Any]:
    """Rows of `query`, fetched in bounded chunks."""
    for chunk in session.execute(query.execution_options(yield_per=CHUNK)).partitions():
        yield from chunk
