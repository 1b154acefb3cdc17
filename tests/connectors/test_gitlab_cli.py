"""End to end: `growthmap collect` and `growthmap items` against the fake GitLab."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fakes.gitlab import FakeGitLab
from typer.testing import CliRunner

from collector.cli import app

pytest_plugins = ["fakes.gitlab_fixtures"]

SINCE = datetime(2026, 10, 21, tzinfo=UTC)  # a month before the data ends (BASE)
SINCE_TEXT = SINCE.date().isoformat()


def write_config(folder: Path, fake: FakeGitLab) -> Path:
    path = folder / "config.toml"
    path.write_text(
        f"""
[owner]
name = "Ada"
timezone = "UTC"

[ledger]
url = "sqlite:///{folder / "ledger.db"}"

[[sources]]
name = "work-gitlab"
type = "gitlab"
base_url = "{fake.url}"
page_size = 20
streams = ["merge_requests", "reviews", "design_docs", "issues"]
""",
        encoding="utf-8",
    )
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def streams_of(stdout: str) -> dict[str, dict[str, Any]]:
    return {s["stream"]: s for s in json.loads(stdout)["streams"]}


@pytest.fixture
def config(tmp_path: Path, fake_gitlab: FakeGitLab, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GITLAB_TOKEN", fake_gitlab.token)
    return write_config(tmp_path, fake_gitlab)


def test_collect_then_items_holds_every_piece_of_work_once(
    config: Path, fake_gitlab: FakeGitLab
) -> None:
    code, stdout, stderr = run("collect", "--config", str(config), "--since", SINCE_TEXT, "--json")
    assert code == 0, stderr

    code, stdout, _ = run("items", "--config", str(config), "--format", "json")
    assert code == 0
    by_kind: dict[str, list[str]] = defaultdict(list)
    for line in stdout.splitlines():
        row = json.loads(line)
        by_kind[row["kind"]].append(row["external_id"])

    data, since = fake_gitlab.data, SINCE
    assert sorted(by_kind["pull_request"]) == sorted(data.expected_mrs(since))
    assert sorted(by_kind["review"]) == sorted(f"{r}:review" for r in data.expected_reviews(since))
    assert sorted(by_kind["design_doc"]) == sorted(data.expected_docs(since))
    assert sorted(by_kind["ticket"]) == sorted(data.expected_issues(since))


def test_a_second_collect_adds_nothing_and_costs_at_most_two_requests_per_stream(
    config: Path, fake_gitlab: FakeGitLab
) -> None:
    run("collect", "--config", str(config), "--since", SINCE_TEXT)

    code, stdout, stderr = run("collect", "--config", str(config), "--json")

    assert code == 0, stderr
    streams = streams_of(stdout)
    assert {name: s["new"] + s["updated"] for name, s in streams.items()} == dict.fromkeys(
        streams, 0
    )
    spent = {name: s["requests"] for name, s in streams.items()}
    # One list page or search per stream, and /user once per run, counted for whichever
    # of the streams running at once asked first.
    assert all(count <= 2 for count in spent.values()), spent
    assert sum(spent.values()) == 6, spent  # design_docs reuses merge_requests' pages


def test_a_rejected_token_fails_the_source_with_a_clear_message(
    config: Path, fake_gitlab: FakeGitLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", "glpat-not-the-right-one")

    code, stdout, stderr = run("collect", "--config", str(config), "--since", SINCE_TEXT)

    assert code != 0
    assert "rejected the token (401)" in stderr + stdout
    assert "glpat-not-the-right-one" not in stderr + stdout
    assert "Traceback" not in stderr + stdout


def design_docs(config: Path) -> dict[str, dict[str, Any]]:
    code, stdout, stderr = run("items", "--config", str(config), "--format", "json")
    assert code == 0, stderr
    rows = (json.loads(line) for line in stdout.splitlines())
    return {r["external_id"]: r for r in rows if r["kind"] == "design_doc"}


def test_a_narrower_window_never_shrinks_a_design_docs_history(
    config: Path, fake_gitlab: FakeGitLab
) -> None:
    # A scheduled run sees only the changes in its window; what earlier runs stored stays.
    wide = min(t for ts in fake_gitlab.data.truth.docs.values() for t in ts)
    code, _, stderr = run("collect", "--config", str(config), "--since", wide.date().isoformat())
    assert code == 0, stderr
    before = design_docs(config)
    spread = {k: ts for k, ts in fake_gitlab.data.truth.docs.items() if min(ts) < SINCE <= max(ts)}
    assert spread  # documents changed both before and inside the narrow window

    for window in (
        ["--since", SINCE_TEXT],
        ["--since", wide.date().isoformat(), "--until", SINCE_TEXT],
    ):
        code, stdout, stderr = run("collect", "--config", str(config), *window, "--json")
        assert code == 0, stderr
        assert streams_of(stdout)["design_docs"]["updated"] == 0  # nothing new was learnt
        after = design_docs(config)
        assert after.keys() == before.keys()
        for key in spread:
            assert after[key]["extra"]["changes"] == before[key]["extra"]["changes"], key
            assert after[key]["title"] == before[key]["title"]
            assert after[key]["occurred_at"] == before[key]["occurred_at"]


def test_an_instance_without_graphql_is_collected_over_rest_with_one_line_said(
    config: Path, fake_gitlab: FakeGitLab
) -> None:
    fake_gitlab.graphql.mode = "disabled"

    code, stdout, stderr = run("collect", "--config", str(config), "--since", SINCE_TEXT)

    assert code == 0, stderr
    said = [line for line in stderr.splitlines() if "GraphQL" in line]
    assert len(said) == 1, stderr
    assert "work-gitlab" in said[0] and "REST" in said[0]
    assert "Traceback" not in stderr + stdout
    code, stdout, _ = run("items", "--config", str(config), "--format", "json")
    kinds = [json.loads(line)["kind"] for line in stdout.splitlines()]
    data = fake_gitlab.data
    assert kinds.count("pull_request") == len(data.expected_mrs(SINCE))
    assert kinds.count("review") == len(data.expected_reviews(SINCE))
    assert kinds.count("design_doc") == len(data.expected_docs(SINCE))
