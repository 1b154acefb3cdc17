"""evaluate (bitmasks, index, shared results) and explain (each key tested on its own)
must agree on every item: a generated rule set against generated items."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import Evidence, RuleSet, evaluate, explain, parse_rules
from rules.conditions import Searched
from rules.patterns import PatternSet, Regex

RULES = """
[[rule]]
id = "r1"
destination = "A"
skills = ["observability", "testing"]
[rule.match]
kind = ["pull_request", "review"]
labels = ["x", "y"]
[rule.unless]
title = "(?i)skip"

[[rule]]
id = "r2"
destination = "A"
skills = ["observability"]
weight = 2
[rule.match]
paths = ["**/t/**", "*.md"]
state = "merged"

[[rule]]
id = "r3"
destination = "B"
skills = ["debugging"]
[rule.match]
source = "github"
labels_all = ["x", "z"]
min_lines = 10
[rule.unless]
labels = "y"
kind = "review"

[[rule]]
id = "r4"
destination = "B"
skills = ["debugging"]
[rule.match]
text = "(?i)\\\\bfix"
max_lines = 50
[rule.unless]
paths = "vendor/**"

[[rule]]
id = "r5"
destination = "C"
skills = ["writing"]
[rule.match]
kind = "ticket"
issue_type = "bug"
components = ["api", "ui"]
project = "ops"

[[rule]]
id = "r6"
destination = "C"
skills = ["writing"]
[rule.match]
repo = "acme/*"
title = "(?i)fix"
min_files = 2

[[rule]]
id = "r7"
destination = "C"
skills = ["public-speaking"]
[rule.match]
paths = "vendor/**"
[rule.unless]
title = "(?i)fix"
"""

_labels = st.lists(st.sampled_from(["x", "y", "z", "X"]), max_size=3).map(tuple)
_paths = st.lists(
    st.sampled_from(["a/t/b.py", "README.md", "vendor/x.go", "src/y.go", "t"]), max_size=3
).map(tuple)
_sizes = st.one_of(st.none(), st.integers(0, 60))
_extra = st.fixed_dictionaries(
    {},
    optional={
        "issue_type": st.sampled_from(["Bug", "Story"]),
        "components": st.lists(st.sampled_from(["API", "db", "ui"]), max_size=2),
        "project": st.sampled_from(["OPS", {"key": "OPS"}, "WEB"]),
    },
)


@st.composite
def items(draw: Any) -> Evidence:
    return Evidence(
        kind=draw(st.sampled_from(["pull_request", "review", "ticket"])),
        source="src",
        source_type=draw(st.sampled_from(["github", "gitlab", None])),
        repo=draw(st.sampled_from([None, "acme/pay", "other/x"])),
        title=draw(st.sampled_from(["", "Fix it", "skip fix", "trace"])),
        body=draw(st.sampled_from(["", "we fixed", "nothing"])),
        state=draw(st.sampled_from(["merged", "open"])),
        labels=draw(_labels),
        paths=draw(_paths),
        additions=draw(_sizes),
        deletions=draw(_sizes),
        changed_files=draw(st.one_of(st.none(), st.integers(0, 3))),
        extra=draw(_extra),
    )


RULESET: RuleSet = parse_rules(RULES, "agreement.toml")


def test_costly_keys_of_a_field_share_one_pattern_set() -> None:
    searches = {
        c for r in RULESET.compiled for c in (*r.checks, *r.unless) if isinstance(c, Searched)
    }
    groups = {c.attr: c.group for c in searches}
    assert set(groups) == {"paths", "title", "text", "repo"}
    assert groups["paths"] is None  # globs search alone (see rules.index)
    assert all(c.group is groups[c.attr] for c in searches)
    assert all(groups[field] is not None for field in ("title", "text", "repo"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items())
def test_evaluate_and_explain_agree(evidence: Evidence) -> None:
    matched = {v.rule_id for v in explain(evidence, RULESET) if v.matched}
    given_by = {rule for s in evaluate(evidence, RULESET) for rule in s.rules}
    assert given_by == matched
    for verdict in explain(evidence, RULESET):
        assert verdict.matched == (not verdict.failed and not verdict.excluded_by)


@settings(max_examples=200, deadline=None)
@given(items())
def test_without_pattern_sets_the_answers_are_the_same(evidence: Evidence) -> None:
    alone = parse_rules(RULES, "agreement.toml")
    for compiled in alone.compiled:
        for check in (*compiled.checks, *compiled.unless):
            if isinstance(check, Searched):
                check.group = None
    assert evaluate(evidence, alone) == evaluate(evidence, RULESET)


_texts = st.text(alphabet="abcFIX x/\n.é", max_size=40)
_patterns = st.lists(
    st.sampled_from(["(?i)fix", "^a", "b$", "(?m)^x/", "é+", "a.b", "\\bab\\b", "^$", "x|y"]),
    min_size=1,
    max_size=6,
    unique=True,
)


@settings(max_examples=300, deadline=None)
@given(_patterns, _texts)
def test_a_pattern_set_finds_what_each_pattern_finds(patterns: list[str], text: str) -> None:
    group = PatternSet([Regex(p).pattern for p in patterns])
    data = text.encode("utf-8")
    expected = {i for i, p in enumerate(patterns) if Regex(p).found(data)}
    assert group.matching(data) == expected
