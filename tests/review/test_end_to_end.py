"""Through the CLI: collect, rules give suggestions, review, the item changes upstream, collect
and rules run again; the decisions and the note stay, and the change is flagged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes import memory
from review.support import CONFIG
from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli import app
from collector.ledger import open_ledger
from collector.ledger.models import ItemRow
from collector.ledger.suggestions import FreshSuggestion, reconcile_many
from connectors import registry

SOURCE = """
[[sources]]
name = "mem"
type = "memory"
token_env = "MEMORY_TOKEN"
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    registry.register(memory.TYPE, memory.TARGET)
    memory.WORLD.__init__()  # type: ignore[misc]
    monkeypatch.setenv("MEMORY_TOKEN", "memory-token-abcdef")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(url=url) + SOURCE, encoding="utf-8")
    yield path
    memory.WORLD.__init__()  # type: ignore[misc]


def run(config: Path, *args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(app, [*args, "--config", str(config)], input=input)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def apply_rules(config: Path, fresh: dict[str, list[FreshSuggestion]]) -> None:
    """What `rules apply` does once the rules engine has evaluated each item."""
    ledger = open_ledger(f"sqlite:///{config.parent / 'ledger.db'}", "default")
    try:
        with ledger.write() as session:
            ids = dict(session.execute(select(ItemRow.external_id, ItemRow.id)).all())
            by_item = {ids[key]: values for key, values in fresh.items()}
            reconcile_many(session, "default", by_item, now=datetime.now(UTC))
    finally:
        ledger.close()


def test_review_survives_recollect_and_rule_changes(config: Path) -> None:
    recent = datetime.now(UTC) - timedelta(days=1)
    memory.WORLD.items["things"] = [memory.make_item(n, updated=recent) for n in (1, 2)]
    run(config, "collect", "--since", "14d")
    tracing = FreshSuggestion("A", "observability", 2, ("tracing-work",), "h1")
    apply_rules(config, {"acme/app#1": [tracing], "acme/app#2": [tracing]})

    out = run(config, "review", input="ncut p99 latency by 30%\nar")
    assert "1 accepted · 1 rejected" in out

    memory.WORLD.items["things"][0] = memory.make_item(
        1, updated=recent + timedelta(hours=2), title="Tracing spans, renamed upstream"
    )
    run(config, "collect", "--since", "14d")
    testing = FreshSuggestion("A", "testing", 1, ("tests-touched",), "h2")
    apply_rules(config, {"acme/app#1": [testing], "acme/app#2": []})

    accepted = [json.loads(x) for x in run(config, "review", "list", "--status", "accepted",
                                               "--format", "json").splitlines()]  # fmt: skip
    rejected = [json.loads(x) for x in run(config, "review", "list", "--status", "rejected",
                                               "--format", "json").splitlines()]  # fmt: skip
    pending = [json.loads(x) for x in run(config, "review", "list", "--format",
                                              "json").splitlines()]  # fmt: skip
    [first] = accepted
    assert first["item"]["title"] == "Tracing spans, renamed upstream"
    assert first["note"] == "cut p99 latency by 30%"
    assert first["changed_since_decision"] is True
    assert [r["item"]["external_id"] for r in rejected] == ["acme/app#2"]
    assert [(r["skill"], r["item"]["external_id"]) for r in pending] == [("testing", "acme/app#1")]
    assert "⚠ changed upstream since accepted" in run(config, "review", "list", "--status",
                                                      "accepted")  # fmt: skip
