"""reconcile_many: what collect and `rules apply` call; decisions and notes are final."""

from __future__ import annotations

from datetime import timedelta

from review.support import NOW, World
from sqlalchemy import event

from collector.ledger.models import SuggestionRow
from collector.ledger.suggestions import FreshSuggestion, reconcile_many, reconcile_suggestions

LATER = NOW + timedelta(hours=1)


def fresh(skill: str = "observability", weight: float = 1.0, *rules: str) -> FreshSuggestion:
    return FreshSuggestion("A", skill, weight, rules or ("tracing-work",), "hash-1")


def test_adds_refreshes_withdraws_and_revives(any_world: World) -> None:
    item = any_world.item(1)
    with any_world.ledger.write() as session:
        first = reconcile_suggestions(
            session, "default", item, [fresh(), fresh("testing")], now=NOW
        )
    assert (first.added, first.refreshed, first.withdrawn) == (2, 0, 0)

    with any_world.ledger.write() as session:
        second = reconcile_suggestions(
            session, "default", item, [fresh("observability", 3, "otel-paths")], now=LATER
        )
    assert (second.added, second.refreshed, second.withdrawn) == (0, 1, 1)
    rows = {s.skill: s for s in any_world.suggestions()}
    assert rows["observability"].status == "suggested"
    assert (rows["observability"].weight, rows["observability"].rules) == (3.0, ["otel-paths"])
    assert rows["observability"].updated_at == LATER
    assert rows["testing"].status == "withdrawn"

    with any_world.ledger.write() as session:
        third = reconcile_suggestions(
            session,
            "default",
            item,
            [fresh("observability", 3, "otel-paths"), fresh("testing")],
            now=LATER,
        )
    assert (third.added, third.refreshed, third.withdrawn) == (1, 0, 0)
    assert {s.skill: s.status for s in any_world.suggestions()} == {
        "observability": "suggested",
        "testing": "suggested",
    }


def test_several_rules_for_one_pair_merge_to_the_largest_weight(world: World) -> None:
    item = world.item(1)
    given = [
        ("A", "observability", 1, ("tracing-work",), "h1"),
        ("A", "observability", 2, ("otel-paths",), "h2"),
    ]
    with world.ledger.write() as session:
        result = reconcile_suggestions(session, "default", item, given, now=NOW)
    [row] = world.suggestions()
    assert result.added == 1
    assert (row.weight, row.rules, row.rule_hash) == (2.0, ["tracing-work", "otel-paths"], "h2")


def test_unchanged_fresh_writes_nothing(world: World) -> None:
    item = world.item(1)
    with world.ledger.write() as session:
        reconcile_suggestions(session, "default", item, [fresh()], now=NOW)
    with world.ledger.write() as session:
        again = reconcile_suggestions(session, "default", item, [fresh()], now=LATER)
    assert (again.added, again.refreshed, again.withdrawn) == (0, 0, 0)
    assert world.suggestions()[0].updated_at == NOW


def test_decided_rows_and_notes_are_never_touched(world: World) -> None:
    item = world.item(1)
    accepted = world.suggest(item, "A", "observability", weight=2, status="accepted")
    rejected = world.suggest(item, "A", "testing", status="rejected")
    with world.ledger.write() as session:
        session.get_one(SuggestionRow, accepted).note = "cut p99 latency by 30%"
    before = {s.id: (s.status, s.weight, s.rules, s.rule_hash, s.note) for s in world.suggestions()}
    with world.ledger.write() as session:
        result = reconcile_suggestions(
            session, "default", item, [fresh("testing", 5, "new-rule")], now=LATER
        )
    after = {s.id: (s.status, s.weight, s.rules, s.rule_hash, s.note) for s in world.suggestions()}
    assert after == before and result.kept == 2
    assert {accepted, rejected} == set(after)


def test_a_batch_of_many_items_reads_existing_suggestions_once(world: World) -> None:
    ids = [world.item(n) for n in range(1, 41)]
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(world.ledger.engine, "before_cursor_execute", record)
    try:
        with world.ledger.write() as session:
            result = reconcile_many(
                session, "default", {i: [fresh(), fresh("testing")] for i in ids}, now=NOW
            )
    finally:
        event.remove(world.ledger.engine, "before_cursor_execute", record)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert result.added == 80
    assert len(selects) == 1 and "FROM suggestions" in selects[0]
    assert len(world.suggestions()) == 80
