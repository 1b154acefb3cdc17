"""Builders shared by the fixed ledgers of the progress-log and export tests."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

from collector.config import Settings, parse_settings
from collector.ledger.models import SuggestionRow


def at(text: str) -> datetime:
    """An ISO datetime without offset, taken as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def with_ledger(body: str, ledger_url: str) -> str:
    """A config text with a `[ledger] url` put before its `[owner]` section."""
    return body.replace("[owner]", f'[ledger]\nurl = "{ledger_url}"\n\n[owner]', 1)


def write_settings(tmp_path: Path, body: str, ledger_url: str) -> Settings:
    """Write the config (with the ledger URL) to tmp_path and load it as growthmap would."""
    path = tmp_path / "config.toml"
    text = with_ledger(body, ledger_url)
    path.write_text(text, encoding="utf-8")
    return parse_settings(tomllib.loads(text), path)


def suggestion_row(
    owner: str,
    item_id: int,
    destination: str,
    skill: str,
    status: str,
    weight: float,
    note: str | None,
    *,
    created: datetime,
    decided: datetime,
    rules: list[str],
    item_hash: str | None = None,
) -> SuggestionRow:
    """A rule suggestion; accepted and rejected ones carry `decided` (and the item hash)."""
    decided_at = decided if status in ("accepted", "rejected") else None
    return SuggestionRow(
        owner=owner,
        item_id=item_id,
        destination=destination,
        skill=skill,
        status=status,
        origin="rule",
        weight=weight,
        rules=rules,
        rule_hash="",
        created_at=created,
        updated_at=created,
        decided_at=decided_at,
        decided_item_hash=item_hash if decided_at else None,
        note=note,
        noted_at=decided_at if note else None,
    )
