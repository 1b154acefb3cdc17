"""Loading from files and folders, the Evidence contract, and the package boundary."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

import rules
from connectors.item import KINDS, Item
from rules import Evidence, evaluate, load_rules, parse_rules

RULE = """
[[rule]]
id = "{id}"
destination = "A"
skills = ["testing"]
[rule.match]
paths = "tests/**"
"""


def test_folders_are_searched_recursively_and_rules_sorted_by_id(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "z.toml").write_text(RULE.format(id="alpha"), encoding="utf-8")
    (tmp_path / "team" / "a.toml").write_text(
        RULE.format(id="gamma") + RULE.format(id="beta"), encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("not rules", encoding="utf-8")
    ruleset = load_rules([tmp_path, tmp_path / "z.toml"])
    assert [r.id for r in ruleset] == ["alpha", "beta", "gamma"]
    assert ruleset["beta"].file == str(tmp_path / "team" / "a.toml")
    assert ruleset["alpha"].file == str(tmp_path / "z.toml")


def test_an_empty_folder_gives_an_empty_rule_set(tmp_path: Path) -> None:
    ruleset = load_rules([tmp_path])
    assert len(ruleset) == 0
    assert evaluate(Evidence(kind="pull_request", source="x"), ruleset) == []


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe id = 1")
    with pytest.raises(rules.RulesInvalid, match=r"bad\.toml: not UTF-8 text"):
        load_rules([bad])


def test_evidence_from_a_connector_item() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    item = Item(
        source="work",
        kind="pull_request",
        external_id="acme/pay#7",
        url="https://x/7",
        title="Add spans",
        created_at=now,
        updated_at=now,
        occurred_at=now,
        state="merged",
        body="otel",
        repo="acme/pay",
        author="me",
        labels=("Tracing",),
        paths=("tests/test_span.py",),
        additions=3,
        deletions=1,
        changed_files=1,
        extra={"review_states": ["APPROVED"]},
    )
    evidence = Evidence.from_normalized(item.normalized(), source_type="github")
    assert evidence == Evidence(
        kind="pull_request",
        source="work",
        repo="acme/pay",
        title="Add spans",
        body="otel",
        author="me",
        state="merged",
        labels=("Tracing",),
        paths=("tests/test_span.py",),
        additions=3,
        deletions=1,
        changed_files=1,
        extra={"review_states": ["APPROVED"]},
        source_type="github",
    )
    ruleset = parse_rules(RULE.format(id="t"), "r.toml")
    assert [s.skill for s in evaluate(evidence, ruleset)] == ["testing"]


def test_rules_imports_nothing_from_collector_or_connectors() -> None:
    package = Path(rules.__file__).parent
    for module in package.rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                assert top not in {"collector", "connectors", "github", "gitlab", "jira"}, (
                    f"{module.name} imports {name}"
                )


def test_evaluate_reads_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ruleset = parse_rules(RULE.format(id="t"), "r.toml")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("evaluate must not do I/O")

    monkeypatch.setattr("builtins.open", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    evidence = Evidence(kind="pull_request", source="x", paths=("tests/a.py",))
    assert evaluate(evidence, ruleset)
    assert rules.explain(evidence, ruleset)[0].matched


def test_known_values_catch_a_kind_no_item_can_have(tmp_path: Path) -> None:
    file = tmp_path / "r.toml"
    file.write_text(
        RULE.format(id="t").replace('paths = "tests/**"', 'kind = ["Pull-Request", "review"]')
        + '[rule.unless]\nsource = "githb"\n',
        encoding="utf-8",
    )
    known = {"kind": KINDS, "source": ["github", "gitlab", "jira", "work"]}
    with pytest.raises(rules.RulesInvalid) as caught:
        load_rules([file], known_values=known)
    assert [str(p) for p in caught.value.problems] == [
        f"{file}: rule 't': key 'match.kind': no item can have kind 'pull-request'; "
        "did you mean 'pull_request'?",
        f"{file}: rule 't': key 'unless.source': no item can have source 'githb'; "
        "did you mean 'github'?",
    ]
    assert len(load_rules([file])) == 1  # without known values nothing is checked


def test_count_matches_and_matched_rules() -> None:
    ruleset = parse_rules(
        RULE.format(id="tests") + RULE.format(id="never").replace("tests/**", "nowhere/**"),
        "r.toml",
    )
    items = [
        Evidence(kind="pull_request", source="x", paths=("tests/a.py",)),
        Evidence(kind="review", source="x", paths=("tests/b.py", "src/c.py")),
        Evidence(kind="review", source="x", paths=("src/c.py",)),
    ]
    assert rules.matched_rules(items[0], ruleset) == ("tests",)
    assert rules.count_matches(items, ruleset) == {"never": 0, "tests": 2}
