"""Builders shared by the rules tests, handed out as fixtures (tests import in
importlib mode, so a sibling module cannot be imported by name)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rules import Evidence, RuleSet, parse_rules

GROWTH_MAP = {
    "A": ["observability", "distributed-systems", "release-engineering", "testing"],
    "B": ["mentoring", "stakeholder-communication", "project-planning", "debugging"],
    "C": ["writing", "public-speaking"],
}


def item(**fields: Any) -> Evidence:
    """A merged GitHub pull request unless told otherwise."""
    base: dict[str, Any] = {
        "kind": "pull_request",
        "source": "work",
        "source_type": "github",
        "title": "Change",
        "state": "merged",
    }
    base.update(fields)
    return Evidence(**base)


def one_rule(match: str, unless: str = "", **head: Any) -> RuleSet:
    """A rule set of one rule mapping to A/observability, with the given TOML match lines."""
    fields = {"id": "r", "destination": "A", "skills": ["observability"], **head}
    lines = ["[[rule]]"]
    for key, value in fields.items():
        lines.append(f"{key} = {_toml(value)}")
    lines += ["[rule.match]", match]
    if unless:
        lines += ["[rule.unless]", unless]
    return parse_rules("\n".join(lines) + "\n", "test.toml", GROWTH_MAP)


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


@pytest.fixture
def make_item() -> Callable[..., Evidence]:
    return item


@pytest.fixture
def make_rules() -> Callable[..., RuleSet]:
    return one_rule


@pytest.fixture
def growth_map() -> dict[str, list[str]]:
    return {k: list(v) for k, v in GROWTH_MAP.items()}
