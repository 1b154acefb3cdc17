"""Connector plugins: source types from the `growthmap.connectors` entry points of any
installed distribution, growthmap's own three included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import slow
from plugin_dist import write_distribution

from collector.config import load_settings
from collector.core.errors import ConfigInvalid
from connectors import registry

GROWTHMAP = str(Path(sys.executable).with_name("growthmap"))

GITHUB_AND = """
[ledger]
url = "sqlite:///ledger.db"

[[sources]]
name = "gh"
type = "github"
token_env = "GH_TOKEN"
{extra}"""

ACME_SOURCE = """
[[sources]]
name = "acme"
type = "acme"
token_env = "ACME_TOKEN"
"""


def installed(monkeypatch: pytest.MonkeyPatch, folder: Path, types: dict[str, str]) -> None:
    monkeypatch.syspath_prepend(str(write_distribution(folder, "acme-growthmap", types)))


def config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(GITHUB_AND.format(extra=extra), encoding="utf-8")
    return path


def test_the_built_in_types_come_from_growthmaps_own_entry_points() -> None:
    assert {"github", "gitlab", "jira"} <= set(registry.source_types())
    assert registry.connector_class("gitlab").__name__ == "GitLabConnector"
    with pytest.raises(KeyError):
        registry.connector_class("acme")


def test_an_installed_plugin_becomes_a_source_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed(monkeypatch, tmp_path, {"acme": slow.TARGET})
    assert "acme" in registry.source_types() and "github" in registry.source_types()
    assert registry.connector_class("acme") is slow.SlowConnector


def test_a_plugin_cannot_take_over_a_built_in_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed(monkeypatch, tmp_path, {"github": slow.TARGET})
    assert registry.connector_class("github").__name__ == "GitHubConnector"


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("acme_missing:AcmeConnector", "ModuleNotFoundError: No module named 'acme_missing'"),
        ("fakes.slow:NoSuchClass", "AttributeError"),
        ("fakes.slow:make_item", "fakes.slow:make_item is not a subclass of connectors.base"),
    ],
)
def test_a_plugin_that_cannot_load_is_a_config_problem_naming_its_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, reason: str
) -> None:
    installed(monkeypatch, tmp_path / "site", {"acme": target})
    with pytest.raises(ConfigInvalid) as caught:
        load_settings(config(tmp_path, ACME_SOURCE), {})
    message = str(caught.value)
    assert "[sources[1].type]: the connector plugin for type 'acme'" in message
    assert f"(entry point acme = {target} in growthmap.connectors, from acme-growthmap)" in message
    assert reason in message
    assert "[sources[0]" not in message  # the built-in github source is fine


def test_a_broken_plugin_breaks_nothing_when_no_source_uses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed(monkeypatch, tmp_path / "site", {"acme": "acme_missing:AcmeConnector"})
    settings = load_settings(config(tmp_path), {})
    assert [s.type for s in settings.sources] == ["github"]


def test_the_command_line_reports_a_broken_plugin_in_one_line_without_traceback(
    tmp_path: Path,
) -> None:
    site = write_distribution(tmp_path / "site", "acme-growthmap", {"acme": "acme_missing:X"})
    env = {**os.environ, "PYTHONPATH": str(site), "GH_TOKEN": "gh-token-0123456789"}
    command = [GROWTHMAP, "config", "check", "--config", str(config(tmp_path, ACME_SOURCE))]
    result = subprocess.run(
        command, check=False, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "the connector plugin for type 'acme' (entry point acme = acme_missing:X" in (
        result.stderr
    )
    assert "No module named 'acme_missing'" in result.stderr
    assert "Traceback" not in result.stderr
