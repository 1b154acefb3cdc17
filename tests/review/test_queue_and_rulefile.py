"""Queue order, and where and how a hand-made rule is written."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from review.support import World

from collector.ledger.models import ItemRow
from collector.review.queue import Entry, build_queue
from collector.review.rulefile import (
    append_rule,
    existing_rule_ids,
    propose_rules,
    rule_file_target,
)


def test_queue_weight_then_size_then_recency_then_unmapped(world: World) -> None:
    old = world.item(9)
    recent = world.item(1)
    big = world.item(5, additions=1000, deletions=0)
    heavy = world.item(30, additions=0, deletions=0)
    unmapped_old = world.item(40)
    unmapped_new = world.item(2)
    ids = {
        "old": world.suggest(old),
        "recent": world.suggest(recent),
        "big": world.suggest(big),
        "heavy": world.suggest(heavy, weight=3),
    }
    with world.ledger.read() as session:
        queue = build_queue(session, "default")
    assert queue == [
        Entry(heavy, ids["heavy"]),
        Entry(big, ids["big"]),
        Entry(recent, ids["recent"]),
        Entry(old, ids["old"]),
        Entry(unmapped_new),
        Entry(unmapped_old),
    ]


def test_same_pair_through_change_is_a_plain_accept(world: World) -> None:
    suggestion = world.suggest(world.item(1))
    code, out, _ = world.cli("review", input="cA/observability\n")
    assert code == 0 and "✓ accepted" in out
    assert [s.status for s in world.suggestions()] == ["accepted"]
    assert [d.action for d in world.decisions()] == ["accept"]
    assert world.suggestion(suggestion).origin == "rule"


def test_rule_target_is_the_first_path_or_manual_toml_in_a_folder(tmp_path: Path) -> None:
    folder, file = tmp_path / "rules.d", tmp_path / "mine.toml"
    assert rule_file_target([folder, file]) == folder / "manual.toml"
    assert rule_file_target([file, folder]) == file
    folder.mkdir()
    assert rule_file_target([folder]) == folder / "manual.toml"
    assert rule_file_target([]) is None


def test_appending_keeps_existing_text_byte_for_byte(world: World, tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    original = '# my rules\n[[rule]]\nid = "a"\ndestination = "A"  # no newline at end'
    target.write_text(original, encoding="utf-8")
    broken = tmp_path / "rules.d" / "broken.toml"
    broken.parent.mkdir()
    broken.write_text('[[rule]]\nid = "manual-testing-pull-request-acme-checkout"\n[oops', "utf-8")
    taken = existing_rule_ids([target, broken.parent])
    assert taken == {"a", "manual-testing-pull-request-acme-checkout"}
    with world.ledger.read() as session:
        item = session.get_one(ItemRow, world.item(1))
    [by_repo, by_labels] = propose_rules(item, "A", "testing", taken, date(2026, 11, 28))
    assert by_repo.rule_id == "manual-testing-pull-request-acme-checkout-2"
    assert by_labels.label == "kind + labels tracing"
    append_rule(target, by_repo)
    text = target.read_text(encoding="utf-8")
    assert text.startswith(original + "\n\n# added by growthmap review on 2026-11-28\n")
    rules = tomllib.loads(text)["rule"]
    assert [r["id"] for r in rules] == ["a", "manual-testing-pull-request-acme-checkout-2"]
    assert rules[1]["match"] == {"kind": ["pull_request"], "repo": ["acme/checkout"]}
