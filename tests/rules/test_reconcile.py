"""Re-applying rules: add, withdraw, refresh; a person's decision is never touched."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rules import (
    Evidence,
    ExistingSuggestion,
    Suggestion,
    evaluate,
    parse_rules,
    reconcile,
)

RULES = """
[[rule]]
id = "tracing"
destination = "A"
skills = ["observability"]
[rule.match]
title = "(?i)trac"

[[rule]]
id = "tests"
destination = "A"
skills = ["testing"]
[rule.match]
paths = "tests/**"
"""


def _fresh(make_item: Callable[..., Evidence], rules: str = RULES) -> list[Suggestion]:
    return evaluate(make_item(title="Tracing", paths=("tests/t.py",)), parse_rules(rules, "r"))


def test_first_application_adds_everything(make_item: Callable[..., Evidence]) -> None:
    result = reconcile([], _fresh(make_item))
    assert [(s.destination, s.skill) for s in result.add] == [
        ("A", "observability"), ("A", "testing")
    ]
    assert result.changed and not result.withdraw and not result.refresh


def test_reapplying_the_same_rules_changes_nothing(make_item: Callable[..., Evidence]) -> None:
    fresh = _fresh(make_item)
    stored = [ExistingSuggestion(s.destination, s.skill, "suggested", s.rule_hash, s.weight)
              for s in fresh]
    result = reconcile(stored, fresh)
    assert not result.changed
    assert result.decided == ()


def test_suggested_rows_no_rule_gives_are_withdrawn(make_item: Callable[..., Evidence]) -> None:
    stored = [("A", "observability", "suggested"), ("B", "debugging", "suggested")]
    fresh = [s for s in _fresh(make_item) if s.skill == "observability"]
    result = reconcile(stored, fresh)
    assert [(w.destination, w.skill) for w in result.withdraw] == [("B", "debugging")]
    # stored without provenance: refreshed once so the ledger records the hash
    assert [(s.destination, s.skill) for s in result.refresh] == [("A", "observability")]


@pytest.mark.parametrize("status", ["accepted", "rejected", "edited"])
def test_decided_rows_are_never_touched(
    status: str, make_item: Callable[..., Evidence]
) -> None:
    fresh = _fresh(make_item)
    stored = [
        ExistingSuggestion("A", "observability", status, "an-old-hash", 9.0),  # rules still give
        ExistingSuggestion("C", "writing", status),  # no rule gives it any more
    ]
    result = reconcile(stored, fresh)
    assert [(s.destination, s.skill) for s in result.add] == [("A", "testing")]
    assert result.withdraw == ()
    assert result.refresh == ()
    assert [(d.destination, d.skill, d.status) for d in result.decided] == [
        ("A", "observability", status), ("C", "writing", status)
    ]


def test_a_changed_rule_refreshes_its_suggested_rows(make_item: Callable[..., Evidence]) -> None:
    old = _fresh(make_item)
    stored = [ExistingSuggestion(s.destination, s.skill, "suggested", s.rule_hash, s.weight)
              for s in old]
    changed_rules = RULES.replace('title = "(?i)trac"', 'title = "(?i)tracing"')
    result = reconcile(stored, _fresh(make_item, changed_rules))
    assert [(s.skill, s.rules) for s in result.refresh] == [("observability", ("tracing",))]
    assert not result.add and not result.withdraw


def test_a_weight_change_alone_refreshes(make_item: Callable[..., Evidence]) -> None:
    (fresh, _) = _fresh(make_item)
    stored = [ExistingSuggestion("A", "observability", "suggested", fresh.rule_hash, 2.0)]
    assert reconcile(stored, [fresh]).refresh == (fresh,)


def test_withdrawn_rows_come_back_when_a_rule_gives_them_again(
    make_item: Callable[..., Evidence],
) -> None:
    stored = [("A", "observability", "withdrawn"), ("A", "testing", "withdrawn")]
    fresh = [s for s in _fresh(make_item) if s.skill == "testing"]
    result = reconcile(stored, fresh)
    assert [s.skill for s in result.add] == ["testing"]
    assert result.withdraw == () and result.decided == ()


def test_two_stored_rows_for_one_pair_is_an_error() -> None:
    with pytest.raises(ValueError, match="two stored suggestions"):
        reconcile([("A", "x", "suggested"), ("A", "x", "accepted")], [])


def test_rows_added_by_hand_are_never_touched(make_item: Callable[..., Evidence]) -> None:
    stored = [
        ExistingSuggestion("A", "observability", "suggested", origin="manual"),
        ExistingSuggestion("C", "writing", "suggested", origin="manual"),
        ExistingSuggestion("B", "debugging", "withdrawn", origin="manual"),
    ]
    result = reconcile(stored, _fresh(make_item))
    assert [(s.destination, s.skill) for s in result.add] == [("A", "testing")]
    assert result.withdraw == () and result.refresh == ()
    assert [d.skill for d in result.decided] == ["observability", "debugging", "writing"]
