"""Patterns whose meaning changed with the one glob language are warned about, with what
to write instead; patterns that match as before stay silent."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli import app
from connectors.globs import DEFAULT_DESIGN_DOC_PATHS
from pathglob import Kind, changed_meaning
from rules import load_rules, starter_rules_text

CHANGED = [
    ("*.md", Kind.DESIGN_DOC_PATHS, "now matches 'top/x.md'", "write '/*.md' to keep"),
    ("README.md", Kind.DESIGN_DOC_PATHS, "any depth", "write '/README.md' to keep"),
    ("docs/design", Kind.DESIGN_DOC_PATHS, "inside a folder", "write 'docs/design/**'"),
    ("docs/[Dd]esign/**", Kind.DESIGN_DOC_PATHS, "set of characters", "matched nothing"),
    ("payments", Kind.REPOSITORIES, "now matches 'top/payments'", "write '**/payments'"),
    ("*", Kind.REPOSITORIES, "now matches 'top/x'", "matched nothing before"),
    ("acme", Kind.GROUPS, "now matches 'top/acme'", "write '/acme' to keep"),
    ("checkout", Kind.PROJECTS, "any depth", "write '**/checkout'"),
    ("src/*", Kind.RULE_PATHS, "no longer matches 'src/x/inside'", "write 'src/**' to keep"),
    ("a/**/", Kind.RULE_PATHS, "now matches 'a/d'", "write 'a/*/**' to keep"),
    ("payments", Kind.RULE_REPO, "any depth", "write '**/payments'"),
]


@pytest.mark.parametrize(("pattern", "kind", "change", "advice"), CHANGED)
def test_a_changed_pattern_says_what_changed_and_what_to_write(
    pattern: str, kind: Kind, change: str, advice: str
) -> None:
    said = changed_meaning(pattern, kind)
    assert said is not None and change in said and advice in said, said


def _starter_globs() -> list[tuple[str, Kind]]:
    data = tomllib.loads(starter_rules_text())
    found = []
    for rule in data["rule"]:
        for section in ("match", "unless"):
            table = rule.get(section, {})
            for key, kind in (("paths", Kind.RULE_PATHS), ("repo", Kind.RULE_REPO)):
                values = table.get(key, [])
                found += [(v, kind) for v in ([values] if isinstance(values, str) else values)]
    return found


UNCHANGED = [
    *[(p, Kind.DESIGN_DOC_PATHS) for p in DEFAULT_DESIGN_DOC_PATHS],
    ("docs/*.md", Kind.DESIGN_DOC_PATHS),
    ("/*.md", Kind.DESIGN_DOC_PATHS),  # a leading '/' is new: nothing relied on it
    ("acme/*", Kind.REPOSITORIES),
    ("acme/pay*", Kind.REPOSITORIES),
    ("acme", Kind.OWNERS),
    ("ac*", Kind.OWNERS),
    ("/acme", Kind.GROUPS),
    ("acme/*", Kind.GROUPS),
    ("tools/*", Kind.PROJECTS),
    ("acme/checkout", Kind.PROJECTS),
    ("acme/[pq]ay", Kind.RULE_REPO),
    ("docs", Kind.RULE_PATHS),
    ("docs/", Kind.RULE_PATHS),
    ("[Mm]akefile", Kind.RULE_PATHS),
]


@pytest.mark.parametrize(("pattern", "kind"), UNCHANGED + _starter_globs())
def test_an_unchanged_pattern_is_silent(pattern: str, kind: Kind) -> None:
    assert changed_meaning(pattern, kind) is None


def test_every_advised_pattern_is_itself_silent() -> None:
    for pattern, kind, _, _ in CHANGED:
        said = changed_meaning(pattern, kind) or ""
        advised = said.split("write '", 1)[1].split("'", 1)[0]
        assert changed_meaning(advised, kind) is None, (pattern, advised)


RULES = """
[[rule]]
id = "build"
destination = "A"
skills = ["s"]
[rule.match]
paths = ["src/*", "**/tracing/**"]
[rule.unless]
repo = "sandbox"
"""


def test_loading_a_rule_file_warns_once_per_changed_pattern(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    file = tmp_path / "rules.toml"
    file.write_text(RULES, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="growthmap.rules"):
        ruleset = load_rules([file])
    assert len(ruleset) == 1  # a warning, not a problem: the rules still load
    said = [str(w) for w in ruleset.warnings]
    assert said == [
        f"{file}: rule 'build': key 'match.paths': 'src/*' no longer matches 'src/x/inside' "
        "(a pattern also matches what is inside a folder it matches); "
        "write 'src/**' to keep its old meaning",
        f"{file}: rule 'build': key 'unless.repo': 'sandbox' now matches 'top/sandbox' "
        "(a pattern without '/' matches at any depth); it matched nothing before; "
        "write '**/sandbox' to mean what it matches now",
    ]
    assert [r.getMessage() for r in caplog.records] == said


CONFIG = """
[owner]
name = "Ada"
timezone = "Europe/Berlin"

[ledger]
url = "sqlite:///ledger.db"

[[sources]]
name = "work"
type = "github"
repos = ["acme/*"]
design_doc_paths = ["*.md", "docs/design/**"]

[[sources]]
name = "lab"
type = "gitlab"
groups = ["acme", "/tools"]
"""


def test_config_check_warns_for_each_changed_pattern_only(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    config.chmod(0o600)
    result = CliRunner().invoke(app, ["config", "check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "matches" in line]
    assert warned == [
        f"warning: {config}: sources[0] (work) design_doc_paths: '*.md' now matches "
        "'top/x.md' (a pattern without '/' matches at any depth); write '/*.md' to keep "
        "its old meaning",
        f"warning: {config}: sources[1] (lab) groups: 'acme' now matches 'top/acme' (a "
        "pattern without '/' matches at any depth); write '/acme' to keep its old meaning",
    ]


def test_a_fresh_init_config_gets_no_pattern_warning(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--path", str(tmp_path)]).exit_code == 0
    result = runner.invoke(app, ["config", "check", "--config", str(tmp_path / "config.toml")])
    assert result.exit_code == 0, result.output
    assert "matches" not in result.stderr and "now match" not in result.stderr
