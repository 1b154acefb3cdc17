"""Config loading: every problem reported with file and key; nothing passes silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.memory import CONFIG, write_config
from typer.testing import CliRunner

from collector.cli import app
from collector.config import (
    NoConfigError,
    load_settings,
    resolve_ledger_url,
    zero_config_settings,
)
from collector.core.errors import ConfigInvalid

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigInvalid) as caught:
        load_settings(path, env={})
    return [str(p) for p in caught.value.problems]


def test_memory_config_loads_with_defaults(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path, CONFIG), env={})
    assert settings.owner.timezone == "Europe/Berlin"
    assert [s.name for s in settings.sources] == ["mem"]
    assert settings.ledger_url == f"sqlite:///{tmp_path / 'ledger.db'}"
    assert settings.rules_paths == [tmp_path / "rules.d"]
    assert settings.collect.overlap_minutes == 10


def test_example_config_loads_and_matches_the_packaged_copy() -> None:
    settings = load_settings(ROOT / "config.example.toml", env={})
    assert [d.id for d in settings.growth_map.destinations] == ["A", "B", "C"]
    assert {s.type for s in settings.sources} == {"github", "gitlab", "jira"}
    packaged = ROOT / "collector" / "templates" / "config.example.toml"
    assert packaged.read_text() == (ROOT / "config.example.toml").read_text()


def test_example_config_leaves_personal_values_unset() -> None:
    settings = load_settings(ROOT / "config.example.toml", env={})
    assert settings.owner.key == zero_config_settings({}).owner.key
    assert settings.owner.name == "" and settings.owner.timezone == "UTC"
    personal = {"login", "username", "email"}
    for source in settings.sources:
        assert not {k: v for k, v in source.model_dump().items() if k in personal and v}
    assert [s.name for s in settings.sources if s.enabled] == ["github"]
    result = runner.invoke(app, ["config", "check", "--config", str(ROOT / "config.example.toml")])
    assert result.exit_code == 0, result.stderr


def test_unknown_key_is_named_with_its_path(tmp_path: Path) -> None:
    body = CONFIG.replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\ntimzone = "x"')
    assert problems_of(write_config(tmp_path, body)) == [
        f"{tmp_path / 'config.toml'} [owner.timzone]: unknown key (is it misspelt?)"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    body = (
        CONFIG.replace("Europe/Berlin", "Mars/Olympus")
        + """
[[sources]]
name = "mem"
type = "memory"
token_env = "OTHER"
colour = "blue"

[[sources]]
name = "x"
type = "bitbucket"
base_url = "https://example.test"
token_env = "X"

[[growth_map.destinations]]
id = "A"
title = "A"
[[growth_map.destinations.skills]]
id = "s"
name = "S"
level = "Q"
"""
    )
    found = "\n".join(problems_of(write_config(tmp_path, body)))
    assert "[owner.timezone]: unknown timezone 'Mars/Olympus'" in found
    assert "[sources[1].colour]: unknown key" in found
    assert "[sources[2].type]: unknown source type 'bitbucket'" in found
    assert "[growth_map.destinations[0].skills[0].level]: Input should be 'N', 'P' or 'E'" in found


def test_duplicate_source_names(tmp_path: Path) -> None:
    body = CONFIG + CONFIG[CONFIG.index("[[sources]]") :]
    assert problems_of(write_config(tmp_path, body)) == [
        f"{tmp_path / 'config.toml'} [sources]: two sources are named 'mem': names must be unique"
    ]


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    body = CONFIG.replace('name = "Ada"', 'name = "Ada')
    (problem,) = problems_of(write_config(tmp_path, body))
    assert problem.startswith(f"{tmp_path / 'config.toml'}:3: invalid TOML")


def test_wrong_type(tmp_path: Path) -> None:
    body = CONFIG + '\n[collect]\noverlap_minutes = "ten"\n'
    (problem,) = problems_of(write_config(tmp_path, body))
    assert "[collect.overlap_minutes]" in problem and "integer" in problem


def test_cycle_naming_an_undefined_destination(tmp_path: Path) -> None:
    body = CONFIG + '\n[[growth_map.cycles]]\nstart = "2026-11-02"\ndestinations = ["Z"]\n'
    (problem,) = problems_of(write_config(tmp_path, body))
    assert "cycle 1 names destinations that are not defined: Z" in problem


def test_missing_file(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.toml") == [f"{tmp_path / 'nope.toml'}: file not found"]


def test_config_found_through_the_environment_variable(tmp_path: Path) -> None:
    path = write_config(tmp_path, CONFIG)
    settings = load_settings(None, env={"GROWTHMAP_CONFIG": str(path)})
    assert settings.path == path


def test_no_config_and_no_token_says_what_to_do() -> None:
    with pytest.raises(NoConfigError, match="growthmap init"):
        load_settings(None, env={})


def test_zero_config_collects_github_for_the_tokens_user() -> None:
    settings = load_settings(None, env={"GITHUB_TOKEN": "x" * 20})
    (github,) = settings.sources
    assert (github.type, github.base_url, github.token_env) == (
        "github",
        "https://api.github.com",
        "GITHUB_TOKEN",
    )
    assert settings.growth_map.destinations == []
    assert settings.ledger_url.startswith("sqlite:///") and settings.ledger_url.endswith(
        "ledger.db"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///rel/ledger.db", "sqlite:////base/rel/ledger.db"),
        ("sqlite:////abs/ledger.db", "sqlite:////abs/ledger.db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_relative_sqlite_paths_follow_the_config_file(url: str, expected: str) -> None:
    assert resolve_ledger_url(url, Path("/base")) == expected


def test_a_password_in_base_url_is_refused_without_being_echoed(tmp_path: Path) -> None:
    secret = "hunter" + "2-pass"
    body = CONFIG + f'base_url = "http://ada:{secret}@h.test"\n'
    (problem,) = problems_of(write_config(tmp_path, body))
    assert "[sources[0].base_url]" in problem and "user name or password" in problem
    assert secret not in problem


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://", "an in-memory SQLite database keeps nothing between runs: give a file path"),
        ("sqlite:///:memory:", "an in-memory SQLite database keeps nothing"),
        ("sqlite:///file:x?mode=memory&uri=true", "an in-memory SQLite database keeps nothing"),
        (
            "mysql://u@h/db",
            "unsupported database 'mysql': use sqlite:///PATH or postgresql+psycopg:",
        ),
        ("postgresql://u@h/db", "unsupported database 'postgresql' (growthmap reaches PostgreSQL"),
        ("ledger.db", "not a database URL: use sqlite:///PATH or postgresql+psycopg://"),
    ],
)
def test_a_ledger_url_growthmap_cannot_use_is_refused(
    tmp_path: Path, url: str, message: str
) -> None:
    body = CONFIG.replace('url = "sqlite:///ledger.db"', f'url = "{url}"')
    (problem,) = problems_of(write_config(tmp_path, body))
    assert problem.startswith(f"{tmp_path / 'config.toml'} [ledger.url]: {message}")


def test_a_password_in_an_unsupported_ledger_url_is_not_echoed(tmp_path: Path) -> None:
    secret = "hunter" + "2-pass"
    body = CONFIG.replace('url = "sqlite:///ledger.db"', f'url = "mysql://ada:{secret}@h/db"')
    (problem,) = problems_of(write_config(tmp_path, body))
    assert "[ledger.url]" in problem and secret not in problem


@pytest.mark.parametrize(
    "url", ["sqlite:///ledger.db", "sqlite+pysqlite:////abs/l.db", "postgresql+psycopg://u@h/db"]
)
def test_supported_ledger_urls_pass(tmp_path: Path, url: str) -> None:
    body = CONFIG.replace('url = "sqlite:///ledger.db"', f'url = "{url}"')
    assert load_settings(write_config(tmp_path, body), env={}).ledger_url.endswith(url[-6:])
