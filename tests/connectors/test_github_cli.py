"""End to end: `growthmap collect` and `growthmap items` against the fake GitHub."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.github_data import Dataset, generate
from fakes.github_fake import FakeGitHub
from fakes.github_harness import serving
from fakes.github_harness import write_config as harness_config
from typer.testing import CliRunner

from collector.cli import app

runner = CliRunner()
SINCE = datetime(2026, 8, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate(owner_prs=60, other_prs=40)


@pytest.fixture
def fake(dataset: Dataset) -> Iterator[FakeGitHub]:
    with serving(dataset) as server:
        yield server


def write_config(folder: Path, fake: FakeGitHub) -> Path:
    streams = 'streams = ["pull_requests", "reviews", "design_docs", "issues"]'
    return harness_config(folder, fake, streams, "max_retries = 2")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_collect_then_items_as_json(
    tmp_path: Path, fake: FakeGitHub, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token")
    config = str(write_config(tmp_path, fake))
    code, _, stderr = run("collect", "--config", config, "--since", SINCE.date().isoformat())
    assert code == 0, stderr
    first_requests = fake.requests

    code, stdout, stderr = run("items", "--config", config, "--format", "json")
    assert code == 0, stderr
    rows = [json.loads(line) for line in stdout.splitlines()]
    now = datetime.now(UTC)
    by_kind: dict[str, set[str]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], set()).add(row["external_id"])
    assert by_kind["pull_request"] == dataset.expected_authored(SINCE, now)
    assert by_kind["review"] == dataset.expected_reviewed(SINCE, now)
    assert by_kind["design_doc"] == dataset.expected_docs(SINCE, now)
    assert by_kind["ticket"] == dataset.expected_tickets(SINCE, now)
    assert len(rows) == sum(len(v) for v in by_kind.values())
    assert "owner-token" not in stdout + stderr

    # A second run continues from the cursors: nothing new, a couple of requests per stream.
    code, _, stderr = run("collect", "--config", config)
    assert code == 0, stderr
    assert fake.requests - first_requests <= 2 * 4
    code, stdout, _ = run("items", "--config", config, "--format", "json")
    assert len(stdout.splitlines()) == len(rows)


def test_bad_token_fails_the_source_with_a_clear_message(
    tmp_path: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "not-a-valid-token")
    config = str(write_config(tmp_path, fake))
    code, stdout, stderr = run("collect", "--config", config, "--since", "14d")
    assert code != 0
    assert "401" in stderr
    assert "not-a-valid-token" not in stdout + stderr


def test_zero_config_collect_follows_github_api_url(
    fake: FakeGitHub, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quick start, no config file at all, at a GitHub other than github.com.
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token")
    monkeypatch.setenv("GITHUB_API_URL", fake.base_url)
    code, _, stderr = run("collect", "--since", SINCE.date().isoformat())
    assert code == 0, stderr

    code, stdout, stderr = run("items", "--kind", "pull_request", "--format", "json")
    assert code == 0, stderr
    found = {json.loads(line)["external_id"] for line in stdout.splitlines()}
    assert found == dataset.expected_authored(SINCE, datetime.now(UTC))


def test_a_bad_github_api_url_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token")
    monkeypatch.setenv("GITHUB_API_URL", "api.github.example")
    code, _, stderr = run("collect", "--since", "14d")
    assert code == 2
    assert "$GITHUB_API_URL" in stderr and "api.github.example" in stderr
    assert "Traceback" not in stderr


def test_a_token_with_a_trailing_newline_works_and_a_broken_one_is_never_shown(
    tmp_path: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tokens read from a file or a Kubernetes Secret often end in a newline.
    config = str(write_config(tmp_path, fake))
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token\n")
    code, _, stderr = run("collect", "--config", config, "--since", "14d")
    assert code == 0, stderr

    broken = "owner-" + "token\r\nX-Other: 1"
    monkeypatch.setenv("GITHUB_TOKEN", broken)
    code, stdout, stderr = run("collect", "--config", config, "--since", "14d")
    assert code == 1
    assert "$GITHUB_TOKEN holds spaces or control characters" in stderr
    assert "owner-token" not in stdout + stderr
    code, stdout, _ = run("status", "--config", config)
    assert "owner-token" not in stdout


def test_a_source_nobody_answers_fails_once_with_its_url_not_once_per_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[ledger]\nurl = "sqlite:///{tmp_path / "l.db"}"\n\n[[sources]]\nname = "gh"\n'
        f'type = "github"\nbase_url = "{base}"\ntoken_env = "GITHUB_TOKEN"\nmax_retries = 1\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token")
    code, stdout, stderr = run("collect", "--config", str(config), "--since", "14d", "--json")

    assert code == 1, stderr
    streams = json.loads(stdout)["streams"]
    assert [s["status"] for s in streams] == ["failed"] * 4  # the default streams
    assert f"{base} refused the connection" in streams[0]["error"]
    assert sum(s["requests"] for s in streams) == 2  # one stream tried, with one retry


def test_after_a_zero_config_run_reading_needs_no_token(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token")
    monkeypatch.setenv("GITHUB_API_URL", fake.base_url)
    code, _, stderr = run("collect", "--since", SINCE.date().isoformat())
    assert code == 0, stderr
    monkeypatch.delenv("GITHUB_TOKEN")

    code, stdout, stderr = run("items", "--format", "json")
    assert code == 0 and stdout, stderr
    code, stdout, stderr = run("status")
    assert code == 0 and "Last run:" in stdout, stderr
    code, _, stderr = run("collect")
    assert code == 1 and "GITHUB_TOKEN is not set" in stderr
