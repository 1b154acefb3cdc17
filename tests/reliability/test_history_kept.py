"""Stored history only grows: a wide collect, then a narrower one (`--since 7d`), then a
plain one (from the cursors) changes nothing that upstream did not change, for every
source and stream (docs/architecture.md, invariant 8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from collector.ledger.models import ItemRow
from reliability.harness import collect, open_config_ledger, write_config
from reliability.worlds import open_world

ALL_STREAMS = {
    "github": ["pull_requests", "reviews", "design_docs", "pairing", "issues"],
    "gitlab": ["merge_requests", "reviews", "design_docs", "pairing", "issues"],
    "jira-cloud": ["tickets"],
    "jira-server": ["tickets"],
}


def narrow_start(config: Path, world_since: datetime) -> datetime:
    """A start that cuts through an item's history: just before the last change of the
    longest-lived design doc (the case that shrank before), else the middle of the
    world's window."""
    ledger = open_config_ledger(config)
    try:
        with ledger.read() as session:
            spans = session.execute(
                select(ItemRow.created_at, ItemRow.updated_at).where(
                    ItemRow.kind == "design_doc", ItemRow.updated_at > ItemRow.created_at
                )
            ).all()
    finally:
        ledger.close()
    if not spans:
        return world_since + (datetime.now(UTC) - world_since) / 2
    _, last = max(spans, key=lambda s: s[1] - s[0])
    return _aware(last) - timedelta(seconds=1)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def stored_versions(config: Path) -> dict[tuple[str, str], str]:
    ledger = open_config_ledger(config)
    try:
        with ledger.read() as session:
            rows = session.execute(select(ItemRow.kind, ItemRow.external_id, ItemRow.content_hash))
            return {(kind, ext): digest for kind, ext, digest in rows}
    finally:
        ledger.close()


@pytest.mark.parametrize("connector", ["github", "gitlab", "jira-cloud", "jira-server"])
def test_a_narrower_collect_and_a_plain_one_change_nothing_upstream_did_not(
    connector: str, tmp_path: Path
) -> None:
    with open_world(connector) as world:
        # Every stream of the source, the default ones and those off by default.
        config = write_config(tmp_path, world.source_toml(streams=ALL_STREAMS[connector]))
        wide = collect(config, world.env, since=world.since)
        assert wide.ok, [r.error for r in wide.records]
        before = stored_versions(config)
        assert before, "the world holds evidence"

        narrow_since = narrow_start(config, world.since)
        for run in (collect(config, world.env, since=narrow_since), collect(config, world.env)):
            assert run.ok, [r.error for r in run.records]
            changed = {r.stream: (r.new, r.updated) for r in run.records if r.new or r.updated}
            assert changed == {}, changed
        assert stored_versions(config) == before
