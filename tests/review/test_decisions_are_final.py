"""The invariant: after accept / reject / note, an upstream change of the item and a rules
re-application leave every decision and note exactly as it was (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from review.support import NOW, World, make_item
from sqlalchemy import select

from collector.ledger import suggestions as module
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow
from collector.ledger.suggestions import FreshSuggestion, reconcile_many
from collector.review import changed_since_acceptance
from collector.review.decisions import map_by_hand

LATER = NOW + timedelta(days=1)


def snapshot(world: World) -> dict[int, tuple[Any, ...]]:
    return {
        s.id: (
            s.status,
            s.origin,
            s.destination,
            s.skill,
            s.decided_at,
            s.decided_item_hash,
            s.note,
            s.noted_at,
        )
        for s in world.suggestions()
    }


def history(world: World) -> list[tuple[Any, ...]]:
    return [(d.suggestion_id, d.action, d.note, d.item_hash, d.at) for d in world.decisions()]


def test_decisions_and_notes_survive_upstream_changes_and_rule_changes(any_world: World) -> None:
    world = any_world
    items = {n: world.item(n) for n in (1, 2, 3, 4)}
    accepted = world.suggest(items[1], weight=2)
    rejected = world.suggest(items[2])
    noted = world.suggest(items[3])
    for args in (
        ("accept", str(accepted)),
        ("reject", str(rejected)),
        ("note", str(accepted), "cut p99 latency by 30%"),
        ("note", str(rejected), "only a rename"),
        ("note", str(noted), "unblocked the payments migration"),
    ):
        code, _, err = world.cli("review", *args)
        assert code == 0, err
    with world.ledger.write() as session:
        item = session.get_one(ItemRow, items[4])
        manual = map_by_hand(session, "default", item, "B", "mentoring", NOW).id
    before, before_history = snapshot(world), history(world)

    # collect: every item changed upstream
    changed = [
        make_item(n, title=f"Renamed {n}", updated_at=LATER, occurred_at=NOW - timedelta(days=n))
        for n in items
    ]
    with world.ledger.write() as session:
        assert record_items(session, "default", changed, LATER).updated == 4

    # rules apply after a rule change: the old rule is gone, another gives new pairs
    fresh = {
        items[1]: [FreshSuggestion("A", "testing", 1, ("tests-touched",), "t1")],
        items[2]: [FreshSuggestion("A", "observability", 5, ("otel-paths",), "o5")],
        items[3]: [],
        items[4]: [],
    }
    with world.ledger.write() as session:
        result = reconcile_many(session, "default", fresh, now=LATER)
    assert (result.added, result.withdrawn, result.kept) == (1, 1, 3)

    after = snapshot(world)
    for kept in (accepted, rejected, manual):
        assert after[kept] == before[kept]
    # the pending one is withdrawn (no rule gives it), its note untouched
    assert after[noted][0] == "withdrawn" and after[noted][6:] == before[noted][6:]
    assert history(world) == before_history
    with world.ledger.read() as session:
        assert changed_since_acceptance(session, "default") == {accepted, manual}
        titles = set(session.scalars(select(ItemRow.title)))
    assert titles == {"Renamed 1", "Renamed 2", "Renamed 3", "Renamed 4"}


def test_a_decision_taken_while_reconcile_planned_wins(any_world: World) -> None:
    """reconcile updates only rows still in the state it read: an accept in between wins."""
    item = any_world.item(1)
    suggestion = any_world.suggest(item)
    with any_world.ledger.write() as session:
        # the race: the row is accepted after reconcile read it as `suggested`
        existing = module._existing(session, "default", [item])
        session.execute(
            module.update(module.SuggestionRow)
            .where(module.SuggestionRow.id == suggestion)
            .values(status="accepted")
        )
        plan = module.Plan()
        module._plan_updates({}, existing[item], LATER, module.ReconcileResult(), plan)
        assert plan.withdraw == [suggestion]  # it would have been withdrawn
        module._write(session, plan, LATER)
    assert any_world.suggestion(suggestion).status == "accepted"
