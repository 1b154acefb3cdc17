"""Bring an item's rule suggestions in line with what the rules give now.

`reconcile_many` is what `collect` and `rules apply` call with the rules engine's output.
It adds new suggestions, refreshes weight and rules of `suggested` ones, withdraws
`suggested` ones no rule gives any more (and revives `withdrawn` ones a rule gives again),
and never touches an accepted or rejected suggestion or any note: decisions are final.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from collector.ledger.models import SuggestionRow

# Item ids per IN (...) query: well under SQLite's and PostgreSQL's parameter limits.
ID_CHUNK = 900
OPEN = ("suggested", "withdrawn")  # the only statuses automation may change


class FreshSuggestion(NamedTuple):
    """What the rules give for one item now: one (destination, skill) with its provenance."""

    destination: str
    skill: str
    weight: float
    rules: tuple[str, ...]
    rule_hash: str


@dataclass
class ReconcileResult:
    added: int = 0  # new rows, and withdrawn rows a rule gives again
    refreshed: int = 0  # suggested rows whose weight, rules or rule hash changed
    withdrawn: int = 0
    kept: int = 0  # decided rows (accepted / rejected) left exactly as they were

    def add(self, other: ReconcileResult) -> None:
        self.added += other.added
        self.refreshed += other.refreshed
        self.withdrawn += other.withdrawn
        self.kept += other.kept


Fresh = Iterable[FreshSuggestion | tuple[str, str, float, Sequence[str], str]]


def reconcile_suggestions(
    session: Session, owner: str, item_id: int, fresh: Fresh, *, now: datetime
) -> ReconcileResult:
    """Reconcile one item; for many items call `reconcile_many` (one query per chunk)."""
    return reconcile_many(session, owner, {item_id: fresh}, now=now)


def reconcile_many(
    session: Session, owner: str, fresh_by_item: Mapping[int, Fresh], *, now: datetime
) -> ReconcileResult:
    """Reconcile every item in `fresh_by_item` (item id -> what the rules give now; an empty
    list withdraws the item's pending rule suggestions)."""
    result = ReconcileResult()
    item_ids = list(fresh_by_item)
    for start in range(0, len(item_ids), ID_CHUNK):
        chunk = item_ids[start : start + ID_CHUNK]
        existing = _existing(session, owner, chunk)
        plan = Plan()
        for item_id in chunk:
            wanted = _merge(fresh_by_item[item_id])
            _plan_item(owner, item_id, wanted, existing.get(item_id, {}), now, result, plan.inserts)
            _plan_updates(wanted, existing.get(item_id, {}), now, result, plan)
        _write(session, plan, now)
    return result


@dataclass
class Plan:
    """The writes of one chunk: rows to insert, rows to refresh, ids to withdraw."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    withdraw: list[int] = field(default_factory=list)


Key = tuple[str, str]


def _existing(session: Session, owner: str, item_ids: list[int]) -> dict[int, dict[Key, Any]]:
    rows = session.execute(
        select(
            SuggestionRow.id,
            SuggestionRow.item_id,
            SuggestionRow.destination,
            SuggestionRow.skill,
            SuggestionRow.status,
            SuggestionRow.origin,
            SuggestionRow.weight,
            SuggestionRow.rules,
            SuggestionRow.rule_hash,
        ).where(SuggestionRow.owner == owner, SuggestionRow.item_id.in_(literal_ids(item_ids)))
    )
    grouped: dict[int, dict[Key, Any]] = {}
    for row in rows:
        grouped.setdefault(row.item_id, {})[(row.destination, row.skill)] = row
    return grouped


def literal_ids(ids: list[int]) -> Any:
    """Integer ids rendered inline: PostgreSQL then hashes the IN list. As bound parameters
    in a prepared statement's generic plan it compares each row with every id."""
    return bindparam("ids", [int(i) for i in ids], expanding=True, literal_execute=True)


def _merge(fresh: Fresh) -> dict[Key, FreshSuggestion]:
    """One entry per (destination, skill): the largest weight, every rule that gave it."""
    merged: dict[Key, FreshSuggestion] = {}
    for value in fresh:
        entry = FreshSuggestion(value[0], value[1], float(value[2]), tuple(value[3]), value[4])
        key = (entry.destination, entry.skill)
        if key in merged:
            old = merged[key]
            rules = tuple(dict.fromkeys((*old.rules, *entry.rules)))
            best = entry if entry.weight > old.weight else old
            entry = best._replace(rules=rules)
        merged[key] = entry
    return merged


def _plan_item(
    owner: str,
    item_id: int,
    wanted: dict[Key, FreshSuggestion],
    existing: dict[Key, Any],
    now: datetime,
    result: ReconcileResult,
    inserts: list[dict[str, Any]],
) -> None:
    for key, entry in wanted.items():
        if key in existing:
            continue
        result.added += 1
        inserts.append(
            {
                "owner": owner,
                "item_id": item_id,
                "destination": entry.destination,
                "skill": entry.skill,
                "status": "suggested",
                "origin": "rule",
                "weight": entry.weight,
                "rules": list(entry.rules),
                "rule_hash": entry.rule_hash,
                "created_at": now,
                "updated_at": now,
            }
        )


def _plan_updates(
    wanted: dict[Key, FreshSuggestion],
    existing: dict[Key, Any],
    now: datetime,
    result: ReconcileResult,
    plan: Plan,
) -> None:
    for key, row in existing.items():
        if row.status not in OPEN:
            result.kept += 1
            continue
        entry = wanted.get(key)
        if entry is None:
            if row.status == "suggested" and row.origin == "rule":
                result.withdrawn += 1
                plan.withdraw.append(row.id)
            continue
        if row.status == "withdrawn":
            result.added += 1
        elif (row.weight, list(row.rules), row.rule_hash) == (
            entry.weight,
            list(entry.rules),
            entry.rule_hash,
        ):
            continue
        else:
            result.refreshed += 1
        plan.updates.append(
            _values(row, "suggested", entry.weight, list(entry.rules), entry.rule_hash, now)
        )


def _values(
    row: Any, status: str, weight: float, rules: list[str], rule_hash: str, now: datetime
) -> dict[str, Any]:
    return {
        "b_id": row.id,
        "b_old": row.status,
        "status": status,
        "weight": weight,
        "rules": rules,
        "rule_hash": rule_hash,
        "updated_at": now,
    }


def _write(session: Session, plan: Plan, now: datetime) -> None:
    if plan.inserts:
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        # A concurrent writer may have added the same (item, destination, skill): keep theirs.
        adding = insert(SuggestionRow).on_conflict_do_nothing(
            index_elements=["item_id", "destination", "skill"]
        )
        session.execute(adding, plan.inserts)
    table = SuggestionRow.__table__
    assert isinstance(table, Table)
    # The status conditions make a decision taken meanwhile (in another session) win.
    if plan.withdraw:
        session.connection().execute(
            update(table)
            .where(table.c.id.in_(literal_ids(plan.withdraw)), table.c.status == "suggested")
            .values(status="withdrawn", updated_at=now)
        )
    if plan.updates:
        changing = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.status == bindparam("b_old"))
            .values(
                status=bindparam("status"),
                weight=bindparam("weight"),
                rules=bindparam("rules"),
                rule_hash=bindparam("rule_hash"),
                updated_at=bindparam("updated_at"),
            )
        )
        session.connection().execute(changing, plan.updates)
