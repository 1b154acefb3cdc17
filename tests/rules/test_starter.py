"""The shipped starter rules: valid for the example growth map, and they map what they say."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from rules import Evidence, RuleSet, evaluate, parse_rules, starter_rules_text


@pytest.fixture
def starter(growth_map: dict[str, list[str]]) -> RuleSet:
    return parse_rules(starter_rules_text(), "starter.toml", growth_map)


def test_starter_is_package_data_and_valid(
    starter: RuleSet, growth_map: dict[str, list[str]]
) -> None:
    shipped = resources.files("rules").joinpath("examples", "starter.toml").read_text("utf-8")
    assert shipped == starter_rules_text()
    assert len(starter) >= 10
    used = {(r.destination, s) for r in starter for s in r.skills}
    every_skill = {(d, s) for d, skills in growth_map.items() for s in skills}
    assert used == every_skill, "every skill of the example map has at least one rule"


GITHUB = {"source": "work", "source_type": "github"}
JIRA = {"kind": "ticket", "source": "jira", "source_type": "jira", "state": "Done"}

EXAMPLES: list[tuple[str, dict[str, Any], set[tuple[str, str]]]] = [
    (
        "design doc",
        {"kind": "design_doc", "source": "docs", "title": "Payments queue", "state": "published"},
        {("A", "distributed-systems"), ("C", "writing")},
    ),
    (
        "design doc proposal",
        {"kind": "design_doc", "source": "docs", "title": "RFC: retries"},
        {("A", "distributed-systems"), ("C", "writing"), ("B", "stakeholder-communication")},
    ),
    (
        "review given",
        {**GITHUB, "kind": "review", "state": "APPROVED", "title": "Add cache"},
        {("B", "mentoring")},
    ),
    (
        "pairing on a colleague's change",
        {**GITHUB, "kind": "pairing", "state": "merged", "title": "Paired with Ada: Add cache"},
        {("B", "mentoring")},
    ),
    (
        "jira bug",
        {**JIRA, "title": "Checkout 500s", "extra": {"issue_type": "Bug", "resolution": "Done"}},
        {("B", "debugging")},
    ),
    (
        "jira bug won't fix",
        {
            **JIRA,
            "title": "Checkout 500s",
            "extra": {"issue_type": {"name": "Bug"}, "resolution": "Won't Fix"},
        },
        set(),
    ),
    (
        "jira epic",
        {**JIRA, "title": "Payments v2", "extra": {"issue_type": "Epic", "resolution": "Done"}},
        {("B", "project-planning")},
    ),
    (
        "tracing paths",
        {
            **GITHUB,
            "kind": "pull_request",
            "state": "merged",
            "title": "Propagate context",
            "paths": ("svc/otel/exporter.go",),
        },
        {("A", "observability")},
    ),
    (
        "ci paths",
        {
            **GITHUB,
            "kind": "pull_request",
            "state": "merged",
            "title": "Cache deps",
            "paths": (".github/workflows/build.yml",),
        },
        {("A", "release-engineering")},
    ),
    (
        "test paths",
        {
            **GITHUB,
            "kind": "pull_request",
            "state": "merged",
            "title": "Cover refunds",
            "paths": ("payments/tests/test_refund.py",),
        },
        {("A", "testing")},
    ),
    (
        "open PR gives nothing",
        {
            **GITHUB,
            "kind": "pull_request",
            "state": "open",
            "title": "Add tracing",
            "paths": ("svc/tracing/x.py",),
        },
        set(),
    ),
]


@pytest.mark.parametrize(("name", "fields", "expected"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_starter_maps_work_as_documented(
    name: str,
    fields: dict[str, Any],
    expected: set[tuple[str, str]],
    starter: RuleSet,
    make_item: Callable[..., Evidence],
) -> None:
    found = {(s.destination, s.skill) for s in evaluate(make_item(**fields), starter)}
    assert found == expected


def test_starter_fits_the_growth_map_of_the_example_config() -> None:
    text = resources.files("collector").joinpath("templates/config.example.toml").read_text("utf-8")
    destinations = tomllib.loads(text)["growth_map"]["destinations"]
    growth_map = {d["id"]: [s["id"] for s in d.get("skills", [])] for d in destinations}
    assert len(parse_rules(starter_rules_text(), "starter.toml", growth_map)) >= 10
