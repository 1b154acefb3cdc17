"""Reading items back with their suggestions, in bounded chunks, and what the owner's
rows name (sources, rules) for checking filter options against."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.ledger.items import public_item
from collector.ledger.models import ItemRow, SuggestionRow

CHUNK = 500


def iter_items(
    session: Session,
    owner: str,
    *,
    kinds: Sequence[str] = (),
    sources: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[tuple[ItemRow, list[SuggestionRow]]]:
    """Items by occurred_at (then id), each with its suggestions; memory stays bounded."""
    query = select(ItemRow).where(ItemRow.owner == owner)
    if kinds:
        query = query.where(ItemRow.kind.in_(kinds))
    if sources:
        query = query.where(ItemRow.source.in_(sources))
    if since is not None:
        query = query.where(ItemRow.occurred_at >= since)
    if until is not None:
        query = query.where(ItemRow.occurred_at < until)
    query = query.order_by(ItemRow.occurred_at, ItemRow.id)
    for chunk in session.scalars(query.execution_options(yield_per=CHUNK)).partitions():
        by_item = suggestions_for(session, [row.id for row in chunk])
        for row in chunk:
            yield row, by_item.get(row.id, [])


def item_json(row: ItemRow, suggestions: list[SuggestionRow]) -> dict[str, Any]:
    """One line of `items --format json`: the row id, the item, its suggestions."""
    return {
        "id": row.id,
        **public_item(row),
        "suggestions": [
            {
                "destination": s.destination,
                "skill": s.skill,
                "rule": s.rules[0] if s.rules else None,
                "rules": s.rules,
                "status": s.status,
                "weight": s.weight,
            }
            for s in suggestions
        ],
    }


def suggestions_for(session: Session, item_ids: Sequence[int]) -> dict[int, list[SuggestionRow]]:
    if not item_ids:
        return {}
    rows = session.scalars(
        select(SuggestionRow)
        .where(SuggestionRow.item_id.in_(item_ids))
        .order_by(SuggestionRow.destination, SuggestionRow.skill)
    )
    grouped: dict[int, list[SuggestionRow]] = defaultdict(list)
    for row in rows:
        grouped[row.item_id].append(row)
    return grouped


def suggestion_counts(session: Session, owner: str) -> dict[str, int]:
    """Suggestions per status."""
    query = (
        select(SuggestionRow.status, func.count())
        .where(SuggestionRow.owner == owner)
        .group_by(SuggestionRow.status)
    )
    return {status: count for status, count in session.execute(query)}


def accepted_per_skill(session: Session, owner: str) -> dict[tuple[str, str], int]:
    """Accepted suggestions per (destination, skill), whatever the growth map says now."""
    query = (
        select(SuggestionRow.destination, SuggestionRow.skill, func.count())
        .where(SuggestionRow.owner == owner, SuggestionRow.status == "accepted")
        .group_by(SuggestionRow.destination, SuggestionRow.skill)
    )
    return {(d, s): n for d, s, n in session.execute(query)}


def stored_sources(session: Session, owner: str) -> set[str]:
    """Source names the owner's items carry (a renamed or removed source's items stay)."""
    query = select(ItemRow.source).where(ItemRow.owner == owner).distinct()
    return set(session.scalars(query))


def suggested_rules(session: Session, owner: str) -> set[str]:
    """Rule ids the owner's suggestions name (rules since removed from the files too)."""
    query = select(SuggestionRow.rules).where(SuggestionRow.owner == owner)
    found: set[str] = set()
    for rules in session.scalars(query.execution_options(yield_per=1000)):
        found.update(rules or ())
    return found
