"""A rule's hash follows what it decides, not how it is written down."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rules import Evidence, evaluate, parse_rules

BASE = """
[[rule]]
id = "tracing"
description = "Observability work"
destination = "A"
skills = ["observability", "testing"]
weight = 2
[rule.match]
kind = ["pull_request", "design_doc"]
labels = ["tracing", "otel"]
title = "(?i)span"
[rule.unless]
labels = ["chore"]
"""


def _hash(text: str, file: str = "a.toml") -> str:
    return parse_rules(text, file).hash_of("tracing")


def test_same_definition_same_hash_across_parses_and_files() -> None:
    assert _hash(BASE) == _hash(BASE)
    assert _hash(BASE, "a.toml") == _hash(BASE, "elsewhere/b.toml")
    assert len(_hash(BASE)) == 64


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('description = "Observability work"', 'description = "Reworded"'),
        ('kind = ["pull_request", "design_doc"]', 'kind = ["design_doc", "Pull_Request"]'),
        ('labels = ["tracing", "otel"]', 'labels = ["OTel", "tracing", "otel"]'),
        ("weight = 2", "weight = 2.0"),
        ('skills = ["observability", "testing"]', 'skills = ["testing", "observability"]'),
    ],
)
def test_equivalent_spellings_keep_the_hash(old: str, new: str) -> None:
    assert _hash(BASE.replace(old, new)) == _hash(BASE)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("weight = 2", "weight = 3"),
        ('skills = ["observability", "testing"]', 'skills = ["observability"]'),
        ('title = "(?i)span"', 'title = "(?i)spans"'),
        ('labels = ["chore"]', 'labels = ["chore", "deps"]'),
        ('kind = ["pull_request", "design_doc"]', 'kind = ["pull_request"]'),
        ('destination = "A"', 'destination = "B"'),
    ],
)
def test_a_changed_definition_changes_the_hash(old: str, new: str) -> None:
    assert _hash(BASE.replace(old, new)) != _hash(BASE)


def test_suggestion_carries_the_rule_hash(make_item: Callable[..., Evidence]) -> None:
    ruleset = parse_rules(BASE, "a.toml")
    evidence = make_item(labels=("otel",), title="Add span ids")
    before = evaluate(evidence, ruleset)
    assert [s.rule_hashes for s in before] == [(ruleset.hash_of("tracing"),)] * 2
    changed = parse_rules(BASE.replace("weight = 2", "weight = 5"), "a.toml")
    after = evaluate(evidence, changed)
    assert [s.rule_hash for s in after] != [s.rule_hash for s in before]
    assert [s.rule_hash for s in evaluate(evidence, parse_rules(BASE, "b.toml"))] == [
        s.rule_hash for s in before
    ]
