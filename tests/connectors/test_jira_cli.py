"""`growthmap collect` end to end against the fake Jira Cloud and Data Center."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes.jira import FakeJira
from fakes.jira_fixtures import CLOUD_TOKEN, EMAIL, SERVER_PAT, expected_keys, make_site
from typer.testing import CliRunner

from collector.cli import app

runner = CliRunner()
WINDOW_START: dict[str, datetime] = {}  # per fake site: the --since the tests pass


def window_start(site: FakeJira) -> datetime:
    return WINDOW_START[site.base_url]


@pytest.fixture(params=["cloud", "server"])
def site(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    # The CLI reads the real clock, so the tickets sit around the real "now".
    now = datetime.now(UTC).replace(microsecond=0)
    since = (now - timedelta(days=5)).replace(second=30)
    context = "/jira" if request.param == "server" else ""
    with make_site(request.param, context=context, now=now, since=since) as fake:
        WINDOW_START[fake.base_url] = since
        yield fake


def source_toml(site: FakeJira, name: str, **extra: str) -> str:
    lines = [
        "[[sources]]",
        f'name = "{name}"',
        'type = "jira"',
        f'base_url = "{site.base_url}"',
        'token_env = "WORK_JIRA_TOKEN"',
        "page_size = 4",
    ]
    if site.deployment == "cloud":
        lines.append(f'email = "{EMAIL}"')
    lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def write_config(tmp_path: Path, *sources: str) -> Path:
    path = tmp_path / "config.toml"
    body = (
        '[owner]\nname = "Alice"\ntimezone = "America/Los_Angeles"\n\n'
        '[ledger]\nurl = "sqlite:///ledger.db"\n\n' + "\n".join(sources)
    )
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def token(site: FakeJira, monkeypatch: pytest.MonkeyPatch) -> str:
    secret = CLOUD_TOKEN if site.deployment == "cloud" else SERVER_PAT
    monkeypatch.setenv("WORK_JIRA_TOKEN", secret)
    return secret


def collect(config: Path, since: datetime) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(
        app, ["collect", "--config", str(config), "--since", since.isoformat(), "--json"]
    )
    summary = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, summary, result.stderr


def stored_keys(config: Path, source: str) -> list[str]:
    result = runner.invoke(app, ["items", "--config", str(config), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return [r["external_id"] for r in rows if r["source"] == source]


def test_collect_stores_every_closed_ticket_once_and_a_rerun_adds_nothing(
    site: FakeJira, token: str, tmp_path: Path
) -> None:
    since = window_start(site)
    config = write_config(tmp_path, source_toml(site, "work-jira"))
    want = expected_keys(site.users[0].account_id, site.issues, since)

    code, summary, stderr = collect(config, since)

    assert code == 0, stderr
    [record] = summary["streams"]
    assert (record["source"], record["stream"], record["status"]) == (
        "work-jira",
        "tickets",
        "ok",
    )
    assert record["new"] == len(want)
    assert record["requests"] == len(site.requests)
    keys = stored_keys(config, "work-jira")
    assert sorted(keys) == sorted(want)
    assert "CORE-2" in keys and "CORE-3" in keys and "CORE-7" not in keys
    # Closed by a done status without a resolution; and one that entered Done earlier.
    assert "CORE-20" in keys and "CORE-21" not in keys

    code, summary, stderr = collect(config, since)
    assert code == 0, stderr
    [again] = summary["streams"]
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, len(want))
    assert sorted(stored_keys(config, "work-jira")) == sorted(want)
    assert token not in stderr + json.dumps(summary)


def test_invalid_jql_fails_that_source_and_the_others_go_on(
    site: FakeJira, token: str, tmp_path: Path
) -> None:
    since = window_start(site)
    config = write_config(
        tmp_path,
        source_toml(site, "bad-jira", jql="projct in (CORE)"),
        source_toml(site, "work-jira"),
    )

    code, summary, _ = collect(config, since)

    assert code == 1
    by_source = {r["source"]: r for r in summary["streams"]}
    bad = by_source["bad-jira"]
    assert bad["status"] != "ok"
    said = "Field 'projct' does not exist or you do not have permission to view it."
    assert said in bad["error"] and "jql = 'projct in (CORE)'" in bad["error"]
    assert by_source["work-jira"]["status"] == "ok"
    assert stored_keys(config, "work-jira")
    assert not stored_keys(config, "bad-jira")


def test_bad_credentials_name_the_source(
    site: FakeJira, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORK_JIRA_TOKEN", "stale-token-000")
    config = write_config(tmp_path, source_toml(site, "work-jira"))

    code, summary, stderr = collect(config, window_start(site))

    assert code == 1
    [record] = summary["streams"]
    assert "Jira source 'work-jira'" in record["error"] and "HTTP 401" in record["error"]
    assert "$WORK_JIRA_TOKEN" in record["error"]
    assert "stale-token-000" not in stderr + json.dumps(summary)
    assert "Traceback" not in stderr


def test_config_check_online_shows_jiras_own_jql_error(
    site: FakeJira, token: str, tmp_path: Path
) -> None:
    good = source_toml(site, "work")
    bad = source_toml(site, "broken", jql="project in (CORE")
    config = write_config(tmp_path, good, bad)
    result = runner.invoke(app, ["config", "check", "--config", str(config), "--online"])
    assert result.exit_code == 1, result.output
    assert "online:  work ok: authenticated as" in result.stdout
    assert "online:  broken failed:" in result.stdout and "jql" in result.stdout
    assert "online check failed for: broken" in result.stderr
    assert token not in result.output
