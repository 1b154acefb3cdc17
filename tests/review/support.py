"""Helpers for the review tests: a ledger seeded with item and suggestion rows, a config
with a growth map, and the CLI bound to that config."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli import app
from collector.ledger import Ledger, open_ledger
from collector.ledger.items import record_items
from collector.ledger.models import DecisionRow, ItemRow, SuggestionRow
from connectors.item import Item

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

CONFIG = """
[owner]
name = "Ada"
timezone = "Europe/London"

[ledger]
url = "{url}"

[rules]
paths = ["rules.d"]

[[growth_map.destinations]]
id = "A"
title = "Fault-tolerant microservice"

[[growth_map.destinations.skills]]
id = "observability"
name = "Observability"

[[growth_map.destinations.skills]]
id = "testing"
name = "Testing and reliability"

[[growth_map.destinations]]
id = "B"
title = "Lead a cross-functional project"

[[growth_map.destinations.skills]]
id = "mentoring"
name = "Mentoring and feedback"
"""


def make_item(number: int, **changes: Any) -> Item:
    moment = changes.pop("occurred_at", NOW - timedelta(days=number))
    values: dict[str, Any] = {
        "source": "github",
        "kind": "pull_request",
        "external_id": f"acme/checkout#{number}",
        "url": f"https://github.com/acme/checkout/pull/{number}",
        "title": f"Change number {number}",
        "created_at": moment - timedelta(days=1),
        "updated_at": moment,
        "occurred_at": moment,
        "state": "merged",
        "repo": "acme/checkout",
        "author": "ada",
        "labels": ("tracing",),
        "additions": 10,
        "deletions": 2,
        "changed_files": 1,
    }
    values.update(changes)
    return Item(**values)


@dataclass
class World:
    """The test's ledger and config, with helpers to seed rows and read them back."""

    ledger: Ledger
    config: Path

    def item(self, number: int, **changes: Any) -> int:
        item = make_item(number, **changes)
        with self.ledger.write() as session:
            record_items(session, self.ledger.owner, [item], NOW)
            row_id = session.scalar(
                select(ItemRow.id).where(ItemRow.external_id == item.external_id)
            )
        assert row_id is not None
        return row_id

    def suggest(
        self,
        item_id: int,
        destination: str = "A",
        skill: str = "observability",
        *,
        weight: float = 1.0,
        rules: Sequence[str] = ("tracing-work",),
        status: str = "suggested",
    ) -> int:
        with self.ledger.write() as session:
            row = SuggestionRow(
                owner=self.ledger.owner,
                item_id=item_id,
                destination=destination,
                skill=skill,
                status=status,
                origin="rule",
                weight=weight,
                rules=list(rules),
                rule_hash="h-" + "-".join(rules),
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(row)
            session.flush()
            return row.id

    def suggestion(self, suggestion_id: int) -> SuggestionRow:
        with self.ledger.read() as session:
            row = session.get(SuggestionRow, suggestion_id)
            assert row is not None
            return row

    def suggestions(self) -> list[SuggestionRow]:
        with self.ledger.read() as session:
            return list(session.scalars(select(SuggestionRow).order_by(SuggestionRow.id)))

    def decisions(self) -> list[DecisionRow]:
        with self.ledger.read() as session:
            return list(session.scalars(select(DecisionRow).order_by(DecisionRow.id)))

    def cli(self, *args: str, input: str | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, [*args, "--config", str(self.config)], input=input)
        return result.exit_code, result.stdout, result.stderr


def make_world(url: str, folder: Path) -> Iterator[World]:
    config = folder / "config.toml"
    config.write_text(CONFIG.format(url=url), encoding="utf-8")
    ledger = open_ledger(url, "default")
    try:
        yield World(ledger, config)
    finally:
        ledger.close()
