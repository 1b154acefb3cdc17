"""Every match key: an item it accepts, an item it refuses, and explain naming the key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rules import Evidence, RuleSet, evaluate, explain
from rules.conditions import MATCH_KEYS

TICKET = {"kind": "ticket", "source": "jira", "source_type": "jira", "state": "done"}

# (match TOML, fields of an accepted item, fields of a refused item)
CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ('kind = ["design_doc", "review"]', {"kind": "review"}, {"kind": "pull_request"}),
    ('kind = "Pull_Request"', {"kind": "pull_request"}, {"kind": "ticket"}),
    (
        'source = "github"',
        {"source": "work", "source_type": "github"},
        {"source": "work", "source_type": "gitlab"},
    ),
    (
        'source = "oss-lab"',
        {"source": "oss-lab", "source_type": "gitlab"},
        {"source": "work", "source_type": "gitlab"},
    ),
    ('repo = "acme/*"', {"repo": "ACME/payments"}, {"repo": "acme/group/payments"}),
    ('repo = "acme/**"', {"repo": "acme/group/payments"}, {"repo": "other/acme"}),
    ('repo = "acme/pay*"', {"repo": "acme/payments"}, {"repo": None}),
    (
        'paths = "**/tracing/**"',
        {"paths": ("README.md", "svc/tracing/span.py")},
        {"paths": ("svc/trace/span.py",)},
    ),
    ('paths = "*.md"', {"paths": ("docs/deep/guide.md",)}, {"paths": ("docs/guide.mdx",)}),
    ('paths = "/Makefile"', {"paths": ("Makefile",)}, {"paths": ("sub/Makefile",)}),
    ('paths = "docs/design/"', {"path": "docs/design/queue.md"}, {"path": "docs/design"}),
    ('paths = "Tests"', {"paths": ("a/Tests/x.py",)}, {"paths": ("a/tests/x.py",)}),
    ('labels = ["Observability", "tracing"]', {"labels": ("bug", "TRACING")}, {"labels": ("bug",)}),
    ('labels_all = ["bug", "urgent"]', {"labels": ("Urgent", "bug", "ui")}, {"labels": ("bug",)}),
    (
        'title = "(?i)\\\\btrac(e|ing)\\\\b"',
        {"title": "Add Tracing to checkout"},
        {"title": "Retrace steps"},
    ),
    ('title = ["^Fix", "^Revert"]', {"title": "Revert x"}, {"title": "fix x"}),
    ('body = "flame ?graph"', {"body": "see the flamegraph"}, {"title": "flamegraph"}),
    ('text = "span\\nid"', {"title": "a span", "body": "id here"}, {"title": "span id"}),
    ('text = "(?i)latency"', {"body": "p99 Latency"}, {"body": "slow"}),
    ('author = "Octo-Cat"', {"author": "octo-cat"}, {"author": "someone"}),
    ('state = ["merged"]', {"state": "MERGED"}, {"state": "open"}),
    (
        'review_state = "changes_requested"',
        {"kind": "review", "extra": {"review_states": ["COMMENTED", "CHANGES_REQUESTED"]}},
        {"kind": "review", "extra": {"review_states": ["APPROVED"]}},
    ),
    (
        'review_state = "approved"',
        {"kind": "review", "state": "APPROVED"},
        {"kind": "pull_request", "state": "approved"},
    ),
    (
        'project = "OPS"',
        {**TICKET, "extra": {"project": {"key": "OPS", "name": "Ops"}}},
        {**TICKET, "extra": {"project": "WEB"}},
    ),
    (
        'issue_type = "bug"',
        {**TICKET, "extra": {"issue_type": "Bug"}},
        {**TICKET, "extra": {"issue_type": "Story"}},
    ),
    (
        'components = ["api", "db"]',
        {**TICKET, "extra": {"components": ["UI", "DB"]}},
        {**TICKET, "extra": {"components": ["ui"]}},
    ),
    (
        'priority = "high"',
        {**TICKET, "extra": {"priority": {"name": "High"}}},
        {**TICKET, "extra": {"priority": "Low"}},
    ),
    (
        'resolution = "done"',
        {**TICKET, "extra": {"resolution": "Done"}},
        {**TICKET, "extra": {"resolution": None}},
    ),
    (
        'parent = "ops-1"',
        {**TICKET, "extra": {"parent": {"key": "OPS-1"}}},
        {**TICKET, "extra": {"parent": "OPS-2"}},
    ),
    ('parent = "OPS-7"', {**TICKET, "extra": {"epic": "OPS-7"}}, {**TICKET, "extra": {}}),
    ("min_lines = 100", {"additions": 60, "deletions": 40}, {"additions": 99}),
    ("max_lines = 10", {"additions": 4, "deletions": 6}, {"additions": None, "deletions": None}),
    ("min_files = 3", {"changed_files": 3}, {"paths": ("a", "b")}),
    ("min_files = 2", {"paths": ("a", "b")}, {"changed_files": 1, "paths": ("a", "b")}),
]


def _key(match: str) -> str:
    return match.split("=", maxsplit=1)[0].strip()


@pytest.mark.parametrize(("match", "accepted", "refused"), CASES, ids=[c[0] for c in CASES])
def test_key_accepts_and_refuses(
    match: str,
    accepted: dict[str, Any],
    refused: dict[str, Any],
    make_item: Callable[..., Evidence],
    make_rules: Callable[..., RuleSet],
) -> None:
    ruleset = make_rules(match)
    hit = evaluate(make_item(**accepted), ruleset)
    assert [(s.destination, s.skill, s.rules) for s in hit] == [("A", "observability", ("r",))]
    assert evaluate(make_item(**refused), ruleset) == []
    (verdict,) = explain(make_item(**refused), ruleset)
    assert not verdict.matched
    assert [c.key for c in verdict.failed] == [_key(match)]
    assert verdict.reason().startswith(f"no match: {_key(match)}:")


def test_every_key_listed_in_the_issue_is_covered() -> None:
    assert {_key(c[0]) for c in CASES} == set(MATCH_KEYS)


def test_all_keys_must_hold(
    make_item: Callable[..., Evidence], make_rules: Callable[..., RuleSet]
) -> None:
    ruleset = make_rules('kind = "pull_request"\nlabels = "perf"\ntitle = "cache"')
    assert evaluate(make_item(labels=("perf",), title="cache keys"), ruleset)
    assert not evaluate(make_item(labels=("perf",), title="queue"), ruleset)
    (verdict,) = explain(make_item(kind="review", labels=(), title="queue"), ruleset)
    assert [c.key for c in verdict.failed] == ["kind", "labels", "title"]


def test_an_item_without_any_paths_fails_a_paths_key(
    make_item: Callable[..., Evidence], make_rules: Callable[..., RuleSet]
) -> None:
    ruleset = make_rules('paths = "**"')
    assert not evaluate(make_item(paths=()), ruleset)
    assert evaluate(make_item(paths=("x",)), ruleset)


def test_regex_searches_unicode_text(
    make_item: Callable[..., Evidence], make_rules: Callable[..., RuleSet]
) -> None:
    ruleset = make_rules('title = "(?i)^ÜBER.*naïve$"')
    assert evaluate(make_item(title="über die naïve"), ruleset)


def test_a_regex_can_match_an_empty_body_but_a_glob_needs_a_path(
    make_item: Callable[..., Evidence], make_rules: Callable[..., RuleSet]
) -> None:
    assert evaluate(make_item(body=""), make_rules('body = "^$"'))
    assert not evaluate(make_item(body="text"), make_rules('body = "^$"'))
    assert not evaluate(make_item(repo=None), make_rules('repo = "**"'))


def test_a_list_of_regexes_with_an_open_quote_still_means_any_of(
    make_item: Callable[..., Evidence], make_rules: Callable[..., RuleSet]
) -> None:
    # \Q quotes to the end of its pattern, so the list cannot be one alternation.
    ruleset = make_rules('title = ["\\\\Qa.b", "^c$"]')
    assert evaluate(make_item(title="xa.b"), ruleset)
    assert evaluate(make_item(title="c"), ruleset)
    assert not evaluate(make_item(title="axb"), ruleset)
