"""Rules on an item as the ledger gives it back: stored, read, rebuilt, evaluated."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from collector.ledger import open_ledger
from collector.ledger.items import item_from_row, record_items
from collector.ledger.models import ItemRow
from connectors.item import Item
from rules import Evidence, evaluate, explain, parse_rules, starter_rules_text

GROWTH_MAP = {
    "A": ["observability", "distributed-systems", "release-engineering", "testing"],
    "B": ["mentoring", "stakeholder-communication", "project-planning", "debugging"],
    "C": ["writing", "public-speaking"],
}


def test_a_stored_jira_bug_maps_to_debugging(tmp_path: Path) -> None:
    now = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    bug = Item(
        source="work-jira",
        kind="ticket",
        external_id="OPS-42",
        url="https://jira.example/browse/OPS-42",
        title="Checkout returns 500 on retry",
        created_at=now,
        updated_at=now,
        occurred_at=now,
        state="Done",
        repo="OPS",
        extra={
            "project": {"key": "OPS", "name": "Operations"},
            "issue_type": "Bug",
            "resolution": "Done",
            "components": ["payments"],
            "parent": {"key": "OPS-1"},
        },
    )
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.db'}", "me")
    try:
        with ledger.write() as session:
            record_items(session, "me", [bug], now)
        with ledger.read() as session:
            row = session.scalars(select(ItemRow)).one()
            stored = item_from_row(row)
    finally:
        ledger.close()
    evidence = Evidence.from_normalized(stored.normalized(), source_type="jira")
    starter = parse_rules(starter_rules_text(), "starter.toml", GROWTH_MAP)
    found = [(s.destination, s.skill, s.rules) for s in evaluate(evidence, starter)]
    assert found == [("B", "debugging", ("bug-tickets",))]
    verdicts = {v.rule_id: v for v in explain(evidence, starter)}
    assert [c.key for c in verdicts["planning-tickets"].failed] == ["issue_type"]
