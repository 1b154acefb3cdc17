"""unless, merging several rules, provenance hashes, explain, and regex safety."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rules import Evidence, RuleSet, evaluate, explain, parse_rules, patterns, starter_rules_text

MERGE_RULES = """
[[rule]]
id = "b-titles"
destination = "A"
skills = ["observability"]
[rule.match]
title = "(?i)trac"

[[rule]]
id = "a-paths"
destination = "A"
skills = ["observability", "testing"]
weight = 3
[rule.match]
paths = "**/tracing/**"

[[rule]]
id = "c-docs"
destination = "C"
skills = ["writing"]
weight = 0.5
[rule.match]
kind = "pull_request"
"""


def test_unless_excludes_when_any_of_its_keys_holds(
    make_item: Callable[..., Evidence], make_rules: Callable[..., RuleSet]
) -> None:
    ruleset = make_rules('kind = "pull_request"', 'labels = ["chore"]\nmax_lines = 5')
    assert evaluate(make_item(labels=("feature",), additions=50), ruleset)
    assert not evaluate(make_item(labels=("Chore",), additions=50), ruleset)
    assert not evaluate(make_item(labels=(), additions=2, deletions=1), ruleset)
    (verdict,) = explain(make_item(labels=("chore",), additions=1), ruleset)
    assert verdict.status == "excluded"
    assert [c.key for c in verdict.excluded_by] == ["labels", "max_lines"]
    assert verdict.reason().startswith("excluded by unless.labels:")


def test_unless_with_an_unknown_size_excludes_nothing(
    make_item: Callable[..., Evidence], make_rules: Callable[..., RuleSet]
) -> None:
    ruleset = make_rules('kind = "pull_request"', "max_lines = 5")
    assert evaluate(make_item(additions=None, deletions=None), ruleset)


def test_unless_regex_and_glob(
    make_item: Callable[..., Evidence], make_rules: Callable[..., RuleSet]
) -> None:
    ruleset = make_rules('title = "(?i)fix"', 'title = "(?i)typo"\npaths = "vendor/**"')
    assert evaluate(make_item(title="Fix race"), ruleset)
    assert not evaluate(make_item(title="Fix typo"), ruleset)
    assert not evaluate(make_item(title="Fix race", paths=("vendor/x.go",)), ruleset)
    (verdict,) = explain(make_item(title="Fix race", paths=("vendor/x.go",)), ruleset)
    assert [(c.key, c.held) for c in verdict.excluded_by] == [("paths", True)]
    assert "vendor/x.go" in verdict.excluded_by[0].detail


def test_rules_merge_into_one_suggestion_per_destination_and_skill(
    make_item: Callable[..., Evidence], growth_map: dict[str, list[str]]
) -> None:
    ruleset = parse_rules(MERGE_RULES, "merge.toml", growth_map)
    found = evaluate(make_item(title="Tracing", paths=("svc/tracing/a.py",)), ruleset)
    assert [(s.destination, s.skill, s.weight, s.rules) for s in found] == [
        ("A", "observability", 3.0, ("a-paths", "b-titles")),
        ("A", "testing", 3.0, ("a-paths",)),
        ("C", "writing", 0.5, ("c-docs",)),
    ]
    observability = found[0]
    assert observability.rule_hashes == (ruleset.hash_of("a-paths"), ruleset.hash_of("b-titles"))
    assert observability.rule_hash != found[1].rule_hash


def test_weight_is_the_largest_of_the_rules_that_gave_it(
    make_item: Callable[..., Evidence], growth_map: dict[str, list[str]]
) -> None:
    ruleset = parse_rules(MERGE_RULES, "merge.toml", growth_map)
    (only_title, writing) = evaluate(make_item(title="tracing"), ruleset)
    assert (only_title.weight, only_title.rules) == (1.0, ("b-titles",))
    assert writing.skill == "writing"


def test_evaluate_is_repeatable_and_sorted(
    make_item: Callable[..., Evidence], growth_map: dict[str, list[str]]
) -> None:
    ruleset = parse_rules(MERGE_RULES, "merge.toml", growth_map)
    evidence = make_item(title="Tracing", paths=("svc/tracing/a.py",))
    first = evaluate(evidence, ruleset)
    assert evaluate(evidence, ruleset) == first
    assert first == sorted(first, key=lambda s: (s.destination, s.skill))


def test_no_rule_matches_gives_nothing(
    make_item: Callable[..., Evidence], growth_map: dict[str, list[str]]
) -> None:
    ruleset = parse_rules(MERGE_RULES, "merge.toml", growth_map)
    assert evaluate(make_item(kind="review", title="lgtm"), ruleset) == []


def test_explain_lists_every_rule_and_agrees_with_evaluate(
    make_item: Callable[..., Evidence], growth_map: dict[str, list[str]]
) -> None:
    ruleset = parse_rules(MERGE_RULES, "merge.toml", growth_map)
    evidence = make_item(kind="review", title="tracing", paths=("docs/x.md",))
    verdicts = explain(evidence, ruleset)
    assert [v.rule_id for v in verdicts] == ["a-paths", "b-titles", "c-docs"]
    assert [v.matched for v in verdicts] == [False, True, False]
    assert verdicts[0].failed[0].key == "paths"
    assert "none of 1 path(s)" in verdicts[0].failed[0].detail
    assert "review" in verdicts[2].failed[0].detail
    assert {r for s in evaluate(evidence, ruleset) for r in s.rules} == {"b-titles"}


def test_hostile_title_against_catastrophic_pattern_finishes(
    make_item: Callable[..., Evidence], make_rules: Callable[..., RuleSet]
) -> None:
    # On a backtracking engine this is exponential; RE2 answers in linear time.
    ruleset = make_rules('title = "(a+)+$"\nbody = "(x+x+)+y"')
    hostile = make_item(title="a" * 50_000 + "!", body="x" * 50_000)
    assert evaluate(hostile, ruleset) == []
    (verdict,) = explain(hostile, ruleset)
    assert [c.key for c in verdict.failed] == ["title", "body"]


def test_public_search_fallback_agrees_with_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert patterns._FAST, "the direct RE2 match test should work with this google-re2"
    fast = patterns.Regex("(?i)tr[a-z]+ing|^$")
    monkeypatch.setattr(patterns, "_FAST", False)
    public = patterns.Regex("(?i)tr[a-z]+ing|^$")
    for text in (b"", b"Tracing", b"trig", "\u00fcber tracking".encode(), b"x\ntrading"):
        assert fast.found(text) == public.found(text), text


def test_hostile_text_against_every_starter_rule_finishes(
    make_item: Callable[..., Evidence], growth_map: dict[str, list[str]]
) -> None:
    starter = parse_rules(starter_rules_text(), "starter.toml", growth_map)
    hostile = make_item(
        title="a" * 50_000 + "!",
        body="(" * 50_000 + "x" * 50_000,
        paths=tuple("a/" * 500 + str(i) for i in range(100)),
    )
    assert evaluate(hostile, starter) == []
    assert len(explain(hostile, starter)) == len(starter)
