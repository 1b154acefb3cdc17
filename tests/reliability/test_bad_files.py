"""Bad files: generated broken config and rule files always get exit 2 and a message that
names the file, never a traceback. Also the config check's warnings about the file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from collector.cli import app
from collector.config import load_settings
from collector.core.errors import GrowthmapError

EXAMPLES = 60 * int(os.environ.get("GROWTHMAP_RELIABILITY_SCALE", "1"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VALID_CONFIG: dict[str, Any] = {
    "owner": {"name": "Ada", "timezone": "Europe/London", "key": "ada"},
    "ledger": {"url": "sqlite:///ledger.db"},
    "collect": {"overlap_minutes": 10, "batch_size": 50},
    "rules": {"paths": ["rules.toml"]},
    "sources": [
        {
            "name": "github",
            "type": "github",
            "base_url": "https://api.github.com",
            "token_env": "GITHUB_TOKEN",
            "streams": ["pull_requests", "reviews"],
            "timeout": 10.0,
        },
        {
            "name": "jira",
            "type": "jira",
            "base_url": "https://example.atlassian.net",
            "email": "ada@example.com",
            "token_env": "JIRA_TOKEN",
            "jql": "project in (CORE)",
        },
    ],
    "growth_map": {
        "destinations": [
            {
                "id": "A",
                "title": "Be trusted",
                "target_date": "2027-08-31",
                "skills": [{"id": "testing", "name": "Testing", "level": "N", "target": "P"}],
            }
        ]
    },
}
VALID_RULES: dict[str, Any] = {
    "rule": [
        {
            "id": "tests",
            "destination": "A",
            "skills": ["testing"],
            "weight": 2,
            "match": {"kind": "pull_request", "paths": ["tests/**"], "title": "(?i)test"},
        }
    ]
}

# Values that break a key: wrong types, out of range, malformed patterns and names.
BAD_VALUES = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "(",
            "[",
            "**/[",
            "Mars/Phobos",
            "ftp://x",
            "P9",
            "-1",
            "1e999",
            "a" * 300,
            "\x1b[31m",
            "../../etc/passwd",
            "${GITHUB_TOKEN}",
            "2027-02-30",
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def toml_value(value: Any) -> str:
    """Any JSON-like value as a TOML inline value (tables inline, so nesting is free)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return (
        "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    )


def toml(data: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(key)} = {toml_value(value)}\n" for key, value in data.items())


def paths_of(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a nested structure (to pick one to break)."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_of(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths_of(value, (*prefix, index))
    return found


@st.composite
def broken(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """`base` with one to three keys replaced by bad values, deleted, or joined by unknown keys."""
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        if not paths_of(data):
            break
        path = draw(st.sampled_from(paths_of(data)))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "unknown"]))
        last = path[-1]
        if action == "delete" and isinstance(parent, dict):
            del parent[last]
        elif action == "unknown" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["tokn", "timeout_s", "Name", "ruls", "x"]))] = 1
        else:
            parent[last] = draw(BAD_VALUES)
    return data


def check(tmp: Path, args: list[str], loads: bool) -> None:
    result = CliRunner().invoke(app, args)
    said = result.stdout + result.stderr
    assert "Traceback" not in said
    assert "unexpected error" not in said, said
    assert result.exception is None or isinstance(result.exception, SystemExit), said
    if loads:
        assert result.exit_code == 0, said
    else:
        assert result.exit_code == 2, said
        assert said.strip(), "exit 2 without a message"


def loads_ok(config: Path) -> bool:
    from collector.pipeline.suggest import load_ruleset

    try:
        load_ruleset(load_settings(config, env={}))
    except GrowthmapError:
        return False
    return True


@PROPERTY
@given(data=broken(VALID_CONFIG))
def test_broken_config_files_exit_2_with_a_message(tmp_path: Path, data: dict[str, Any]) -> None:
    (tmp_path / "rules.toml").write_text(toml(VALID_RULES), encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(toml(data), encoding="utf-8")
    check(tmp_path, ["config", "check", "--config", str(config)], loads_ok(config))


@PROPERTY
@given(data=broken(VALID_RULES))
def test_broken_rule_files_exit_2_with_a_message(tmp_path: Path, data: dict[str, Any]) -> None:
    (tmp_path / "rules.toml").write_text(toml(data), encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(toml(VALID_CONFIG), encoding="utf-8")
    for command in (["rules", "check"], ["config", "check"]):
        check(tmp_path, [*command, "--config", str(config)], loads_ok(config))


@PROPERTY
@given(text=st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_files_that_are_not_toml_at_all_exit_2(tmp_path: Path, text: str) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(text.encode("utf-8", "surrogatepass"))
    check(tmp_path, ["config", "check", "--config", str(config)], loads_ok(config))


def test_the_valid_files_pass(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(toml(VALID_RULES), encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(toml(VALID_CONFIG), encoding="utf-8")
    check(tmp_path, ["config", "check", "--config", str(config)], True)


# -- config check's warnings about the file itself ---------------------------------------


def write_private(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def config_check(config: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["config", "check", "--config", str(config)])
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_config_readable_by_others_is_warned_about(tmp_path: Path, mode: int) -> None:
    config = write_private(tmp_path / "config.toml", toml({**VALID_CONFIG, "rules": {}}), mode)
    code, said = config_check(config)
    assert code == 0, said
    assert "readable by other users" in said and "chmod 600" in said


def test_a_private_config_gets_no_such_warning(tmp_path: Path) -> None:
    config = write_private(tmp_path / "config.toml", toml({**VALID_CONFIG, "rules": {}}))
    code, said = config_check(config)
    assert code == 0, said
    assert "readable by other users" not in said and "seems to hold a token" not in said


@pytest.mark.parametrize(
    ("key", "literal"),
    [
        ("token_env", "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a"),
        ("token_env", "glpat-" + "xS8aB3kZq9T2mW4vY7pR"),
        ("email", "ATATT" + "3xFfGF0aBcDeFgHiJkLmNoPqRsTuVwXyZ012345=6789ABCD"),
        ("jql", "project = CORE AND x = dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB2YWx1ZQ9Zx"),
    ],
)
def test_a_token_literal_in_the_config_is_warned_about_without_showing_it(
    tmp_path: Path, key: str, literal: str
) -> None:
    data = json.loads(json.dumps({**VALID_CONFIG, "rules": {}}))
    index = 0 if key == "token_env" else 1
    data["sources"][index][key] = literal
    config = write_private(tmp_path / "config.toml", toml(data))
    code, said = config_check(config)
    assert f"sources[{index}].{key}" in said
    if key == "token_env":  # refused outright: it would be shown as a variable's name
        assert code == 2 and "not the token itself" in said
    else:
        assert code == 0 and "seems to hold a token" in said
    assert literal not in said


def test_an_unknown_key_holding_a_token_is_refused_without_echoing_it(tmp_path: Path) -> None:
    data = json.loads(json.dumps({**VALID_CONFIG, "rules": {}}))
    secret = "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a"
    data["sources"][0]["token"] = secret
    config = write_private(tmp_path / "config.toml", toml(data))
    code, said = config_check(config)
    assert code == 2 and "sources[0].token" in said
    assert secret not in said


def test_an_overlong_timezone_name_is_a_config_problem_not_a_crash(tmp_path: Path) -> None:
    # Found by the property test above: ZoneInfo raises OSError (name too long).
    data = json.loads(json.dumps(VALID_CONFIG))
    data["owner"]["timezone"] = "a" * 300
    config = write_private(tmp_path / "config.toml", toml({**data, "rules": {}}))
    code, said = config_check(config)
    assert code == 2 and "owner.timezone" in said and "unknown timezone" in said


def test_a_jira_user_with_an_overlong_timezone_name_gets_the_safe_fallback() -> None:
    from connectors.jira.jql import user_zone

    assert user_zone("a" * 300) is None  # the widest-offset bound is used instead
