"""Item rows: batch upsert on (owner, source, kind, external_id), and reading them back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from collector.ledger.models import ItemRow
from connectors.item import Item

# An item's identity, its size figures, and all its normalized fields in the order its
# JSON shows them (as `Item.normalized()` does).
IDENTITY_FIELDS = ("source", "kind", "external_id")
SIZE_FIELDS = ("additions", "deletions", "changed_files")
ITEM_FIELDS = (
    *IDENTITY_FIELDS,
    "url",
    "title",
    "body",
    "repo",
    "path",
    "author",
    "created_at",
    "updated_at",
    "occurred_at",
    "state",
    "labels",
    "paths",
    *SIZE_FIELDS,
    "extra",
)
# What growthmap's JSON listings show of an item: all but the body excerpt (and never
# the raw payload).
PUBLIC_FIELDS = tuple(name for name in ITEM_FIELDS if name != "body")
# What an update of a stored item may change: everything but its identity.
_CONTENT_COLUMNS = (
    *(name for name in ITEM_FIELDS if name not in IDENTITY_FIELDS),
    "raw",
    "content_hash",
)


def public_item(
    item: object,
    fields: Sequence[str] = PUBLIC_FIELDS,
    *,
    instant: Callable[[datetime], str] = datetime.isoformat,
) -> dict[str, Any]:
    """The one mapping of an item to the dict growthmap's JSON outputs show (`items`,
    `review list`, the JSON export): `fields` of a stored row, an `Item` or an evidence
    artifact, in that order, JSON-ready (lists, plain dicts, instants through `instant`).

    `Item.normalized()` is another thing: the content hash's input, which must not change.
    """
    return {name: _public_value(getattr(item, name), instant) for name in fields}


def _public_value(value: Any, instant: Callable[[datetime], str]) -> Any:
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


@dataclass
class UpsertResult:
    """What a batch did. `changed` holds (row id, item) for new and updated items."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    changed: list[tuple[int, Item]] = field(default_factory=list)

    def add(self, other: UpsertResult) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.changed.extend(other.changed)


def record_items(
    session: Session, owner: str, items: Sequence[Item], now: datetime, *, dry_run: bool = False
) -> UpsertResult:
    """Insert new items, update changed ones, leave identical ones untouched (no write)."""
    batch = _dedupe(items)
    if not batch:
        return UpsertResult()
    existing = _existing_hashes(session, owner, batch)
    result = UpsertResult()
    new_keys = [k for k in batch if k not in existing]
    updated_keys = [k for k in batch if k in existing and existing[k][1] != batch[k][1]]
    result.new, result.updated = len(new_keys), len(updated_keys)
    result.unchanged = len(batch) - result.new - result.updated
    if dry_run:
        return result
    if new_keys:
        _insert_or_update(
            session, [_row_values(owner, *batch[k], now) | {"first_seen_at": now} for k in new_keys]
        )
    if updated_keys:
        session.execute(
            update(ItemRow),
            [{"id": existing[k][0], **_row_values(owner, *batch[k], now)} for k in updated_keys],
        )
    ids = {k: existing[k][0] for k in updated_keys}
    inserted = _existing_hashes(session, owner, {k: batch[k] for k in new_keys})
    ids |= {k: row_id for k, (row_id, _) in inserted.items()}
    result.changed = [(ids[k], batch[k][0]) for k in sorted(ids)]
    return result


Key = tuple[str, str, str]


def item_key(item: Item) -> Key:
    """An item's identity in the ledger (with the owner)."""
    return item.source, item.kind, item.external_id


def _dedupe(items: Sequence[Item]) -> dict[Key, tuple[Item, str]]:
    """One entry per identity; an item seen twice in a batch (it moved between pages) keeps
    its last version."""
    batch: dict[Key, tuple[Item, str]] = {}
    for item in items:
        batch[item_key(item)] = (item, item.content_hash())
    return batch


def stored_items(session: Session, owner: str, items: Sequence[Item]) -> dict[Key, Item]:
    """The stored versions of these items (by identity), for streams that merge."""
    keys = {item_key(i) for i in items}
    if not keys:
        return {}
    rows = session.scalars(select(ItemRow).where(ItemRow.owner == owner, _identities(keys)))
    return {(r.source, r.kind, r.external_id): item_from_row(r) for r in rows}


def _identities(keys: Iterable[Key]) -> ColumnElement[bool]:
    """Rows with any of these (source, kind, external_id), one IN list per source and kind."""
    groups: dict[tuple[str, str], list[str]] = {}
    for source, kind, external_id in keys:
        groups.setdefault((source, kind), []).append(external_id)
    return or_(
        *(
            and_(ItemRow.source == source, ItemRow.kind == kind, ItemRow.external_id.in_(ids))
            for (source, kind), ids in groups.items()
        )
    )


def _existing_hashes(
    session: Session, owner: str, batch: dict[Key, tuple[Item, str]]
) -> dict[Key, tuple[int, str]]:
    if not batch:
        return {}
    rows = session.execute(
        select(
            ItemRow.id, ItemRow.source, ItemRow.kind, ItemRow.external_id, ItemRow.content_hash
        ).where(ItemRow.owner == owner, _identities(batch))
    )
    return {(r.source, r.kind, r.external_id): (r.id, r.content_hash) for r in rows}


def _row_values(owner: str, item: Item, digest: str, now: datetime) -> dict[str, Any]:
    return {
        "owner": owner,
        "source": item.source,
        "kind": item.kind,
        "external_id": item.external_id,
        "url": item.url,
        "title": item.title,
        "body": item.body,
        "repo": item.repo,
        "path": item.path,
        "author": item.author,
        "state": item.state,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "occurred_at": item.occurred_at,
        "labels": list(item.labels),
        "paths": list(item.paths),
        "additions": item.additions,
        "deletions": item.deletions,
        "changed_files": item.changed_files,
        "extra": dict(item.extra),
        "raw": bounded_raw(item.raw),
        "content_hash": digest,
        "changed_at": now,
    }


def _insert_or_update(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert; if a concurrent collector inserted the same identity first, update it instead."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ItemRow)
    statement = statement.on_conflict_do_update(
        index_elements=["owner", "source", "kind", "external_id"],
        set_={name: statement.excluded[name] for name in (*_CONTENT_COLUMNS, "changed_at")},
    )
    session.execute(statement, rows)


def find_item(
    session: Session, owner: str, *, item_id: int | None = None, url: str | None = None
) -> Item | None:
    """The owner's stored item with this row id, or else with this URL; None if none."""
    query = select(ItemRow).where(ItemRow.owner == owner)
    if item_id is not None:
        query = query.where(ItemRow.id == item_id)
    else:
        query = query.where(ItemRow.url == url)
    row = session.scalars(query.limit(1)).first()
    return item_from_row(row) if row is not None else None


def item_from_row(row: ItemRow) -> Item:
    """Rebuild the connector-level Item from its stored row (for rules and drafting)."""
    return Item(
        source=row.source,
        kind=row.kind,
        external_id=row.external_id,
        url=row.url,
        title=row.title,
        created_at=row.created_at,
        updated_at=row.updated_at,
        occurred_at=row.occurred_at,
        state=row.state,
        body=row.body,
        repo=row.repo,
        path=row.path,
        author=row.author,
        labels=tuple(row.labels),
        paths=tuple(row.paths),
        additions=row.additions,
        deletions=row.deletions,
        changed_files=row.changed_files,
        extra=row.extra,
        raw=row.raw,
    )


RAW_TEXT_LIMIT = 16_000  # characters kept of any one string in a raw payload


def bounded_raw(value: Any) -> Any:
    """The raw payload with every long string cut: an upstream 1 MB description must not
    make a 1 MB ledger row (the normalized excerpt is bounded too)."""
    if isinstance(value, str) and len(value) > RAW_TEXT_LIMIT:
        return value[:RAW_TEXT_LIMIT] + f"… [{len(value) - RAW_TEXT_LIMIT} characters cut]"
    if isinstance(value, dict):
        return {key: bounded_raw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [bounded_raw(item) for item in value]
    return value
