"""The first run as the README tells it: the quick start without a config, then
`growthmap init`, then collect again. What was collected must stay in view."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.github_data import Dataset, generate
from fakes.github_fake import FakeGitHub
from typer.testing import CliRunner

from collector.cli import app
from collector.config import load_settings, zero_config_settings
from connectors.github import GitHubConfig

runner = CliRunner()
SINCE = datetime(2026, 8, 1, tzinfo=UTC)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(generate(owner_prs=12, other_prs=8)).start()
    yield server
    server.stop()
    assert server.errors == []


def pull_requests() -> set[str]:
    code, stdout, stderr = run("items", "--kind", "pull_request", "--format", "json")
    assert code == 0, stderr
    return {json.loads(line)["external_id"] for line in stdout.splitlines()}


def test_quick_start_then_init_keeps_the_evidence_and_the_account(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset: Dataset = fake.dataset
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token")
    monkeypatch.setenv("GITHUB_API_URL", fake.base_url)
    assert run("collect", "--since", SINCE.date().isoformat())[0] == 0
    before = pull_requests()
    assert before == dataset.expected_authored(SINCE, datetime.now(UTC)) != set()

    code, _, stderr = run("init")
    assert code == 0, stderr
    assert pull_requests() == before  # the same ledger rows, under the same owner key
    code, stdout, _ = run("status")
    assert code == 0 and "No run yet" not in stdout and "Last run:" in stdout

    code, stdout, stderr = run("config", "check")
    assert code == 0, stderr
    assert "source:  github (github, enabled)" in stdout
    assert "(gitlab, enabled)" not in stdout and "(jira, enabled)" not in stdout

    code, stdout, stderr = run("collect", "--since", SINCE.date().isoformat(), "--json")
    assert code == 0, stderr  # no source fails or is skipped for a token never given
    summary = json.loads(stdout)
    (prs,) = [s for s in summary["streams"] if s["stream"] == "pull_requests"]
    assert prs["unchanged"] == len(before)  # the token's own user again, not the example's
    assert pull_requests() == before


def test_init_config_matches_a_run_without_one(tmp_path: Path) -> None:
    env = {"GITHUB_TOKEN": "t" * 20}
    zero = zero_config_settings(env)
    assert run("init", "--path", str(tmp_path / "gm"))[0] == 0
    settings = load_settings(tmp_path / "gm" / "config.toml", env=env)
    assert settings.owner.key == zero.owner.key
    assert settings.ledger_url == zero.ledger_url
    enabled = [s for s in settings.sources if s.enabled]
    assert [(s.name, s.base_url, s.token_env) for s in enabled] == [
        (s.name, s.base_url, s.token_env) for s in zero.sources
    ]
    (github,) = enabled
    assert isinstance(github, GitHubConfig) and github.login is None
