"""Rules through the CLI: suggestions on collect, explain, apply, and validation up front."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.memory import CONFIG, WORLD, make_item, write_config
from typer.testing import CliRunner

from collector.cli import app

runner = CliRunner()

GROWTH_MAP = """
[[growth_map.destinations]]
id = "A"
title = "Fault-tolerant service"
[[growth_map.destinations.skills]]
id = "observability"
name = "Observability"
[[growth_map.destinations.skills]]
id = "testing"
name = "Testing"
"""

RULES = """
[[rule]]
id = "tracing"
destination = "A"
skills = ["observability"]
weight = 2
[rule.match]
kind = ["pull_request"]
title = "(?i)trac(e|ing)"

[[rule]]
id = "backend"
destination = "A"
skills = ["testing"]
[rule.match]
labels = ["backend"]
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEMORY_TOKEN", "memory-token-abcdef")
    (tmp_path / "rules.d").mkdir()
    (tmp_path / "rules.d" / "mine.toml").write_text(RULES)
    recent = datetime.now(UTC) - timedelta(days=1)
    WORLD.items["things"] = [
        make_item(1, updated=recent, title="Add tracing spans"),
        make_item(2, updated=recent + timedelta(minutes=1), title="Fix typo"),
    ]
    return write_config(tmp_path, CONFIG + GROWTH_MAP)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def suggestions(config: Path) -> dict[str, list[tuple[str, str, str]]]:
    _, stdout, _ = run("items", "--config", str(config), "--format", "json")
    rows = [json.loads(line) for line in stdout.splitlines()]
    return {
        r["external_id"]: sorted((s["skill"], s["rule"], s["status"]) for s in r["suggestions"])
        for r in rows
    }


def test_collect_suggests_what_the_rules_give(config: Path) -> None:
    code, stdout, stderr = run("collect", "--config", str(config), "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["new_suggestions"] == 3
    assert suggestions(config) == {
        "acme/app#1": [
            ("observability", "tracing", "suggested"),
            ("testing", "backend", "suggested"),
        ],
        "acme/app#2": [("testing", "backend", "suggested")],
    }


def test_decisions_survive_upstream_changes_and_rule_changes(config: Path) -> None:
    run("collect", "--config", str(config), "--since", "7d")
    _, stdout, _ = run("review", "list", "--config", str(config), "--format", "json")
    rows = [json.loads(line) for line in stdout.splitlines()]
    tracing = next(r for r in rows if r.get("skill") == "observability")
    assert run("review", "accept", str(tracing["id"]), "--config", str(config))[0] == 0
    # Upstream renames the PR so the tracing rule no longer matches; the rule file changes too.
    WORLD.items["things"][0] = dataclasses.replace(WORLD.items["things"][0], title="Refactor")
    run("collect", "--config", str(config), "--since", "7d")
    rules = config.parent / "rules.d" / "mine.toml"
    rules.write_text(RULES.replace('labels = ["backend"]', 'labels = ["frontend"]'))
    code, stdout, _ = run("rules", "apply", "--config", str(config))
    assert code == 0 and "withdraw 2" in stdout
    assert suggestions(config) == {
        "acme/app#1": [
            ("observability", "tracing", "accepted"),
            ("testing", "backend", "withdrawn"),
        ],
        "acme/app#2": [("testing", "backend", "withdrawn")],
    }


def test_rules_apply_dry_run_writes_nothing(config: Path) -> None:
    run("collect", "--config", str(config))
    (config.parent / "rules.d" / "mine.toml").write_text(RULES.replace("backend", "frontend"))
    code, stdout, _ = run("rules", "apply", "--config", str(config), "--dry-run")
    assert code == 0 and "would add 0, refresh 0, withdraw 2" in stdout
    assert suggestions(config)["acme/app#2"] == [("testing", "backend", "suggested")]


def test_explain_names_the_failing_key(config: Path) -> None:
    run("collect", "--config", str(config))
    _, stdout, _ = run("items", "--config", str(config), "--format", "json")
    fix = next(json.loads(line) for line in stdout.splitlines() if "typo" in line)
    code, stdout, _ = run("rules", "explain", str(fix["id"]), "--config", str(config))
    assert code == 0
    assert "✗ tracing: no match: title" in stdout
    assert "✓ backend: matched -> A: testing" in stdout
    code, stdout, _ = run("rules", "explain", fix["url"], "--config", str(config))
    assert code == 0 and "✗ tracing" in stdout


def test_rules_check_counts_matches(config: Path) -> None:
    run("collect", "--config", str(config))
    code, stdout, _ = run("rules", "check", "--config", str(config))
    assert code == 0 and "2 rules ok" in stdout
    assert any(
        line.split()[:1] == ["backend"] and line.split()[-1] == "2" for line in stdout.splitlines()
    )


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (RULES.replace('skills = ["testing"]', 'skills = ["juggling"]'), "juggling"),
        (RULES.replace("(?i)trac(e|ing)", "(a)\\\\1"), "RE2"),
        (RULES.replace('id = "backend"', 'id = "tracing"'), "tracing"),
        (RULES.replace('kind = ["pull_request"]', 'state = "merge"'), "did you mean 'merged'"),
    ],
)
def test_bad_rules_exit_2_before_any_network_call(config: Path, rules: str, message: str) -> None:
    (config.parent / "rules.d" / "mine.toml").write_text(rules)
    code, _, stderr = run("collect", "--config", str(config))
    assert code == 2 and message in stderr and "mine.toml" in stderr
    assert WORLD.fetches == []


def test_init_starter_rules_validate_against_the_example_growth_map(tmp_path: Path) -> None:
    assert run("init", "--path", str(tmp_path / "gm"))[0] == 0
    code, stdout, stderr = run("rules", "check", "--config", str(tmp_path / "gm" / "config.toml"))
    assert code == 0, stderr
    assert "18 rules ok" in stdout
