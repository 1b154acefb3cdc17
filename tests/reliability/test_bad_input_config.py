"""`config check` refuses exactly what `collect` cannot use: each case below goes through
both, a value just outside what works is refused by both with the same message naming the
file and the key, and one just inside passes the check and runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reliability.bad_input import invoke, memory_source

OWNER = """
[owner]
timezone = "Europe/Berlin"
key = "{key}"

[ledger]
url = "{ledger}"
"""
MEMORY = """
[[sources]]
name = "mem"
type = "memory"
token_env = "MEMORY_TOKEN"
"""
# A port nobody listens on; no retries, so a refused connection fails at once.
GITHUB = """
[[sources]]
name = "gh"
type = "github"
base_url = "{url}"
token_env = "GH_TOKEN"
max_retries = 0
"""
JIRA = """
[[sources]]
name = "jira"
type = "jira"
base_url = "http://127.0.0.1:9"
deployment = "cloud"
token_env = "GH_TOKEN"
email = "{email}"
max_retries = 0
"""
DEEP = 5000


@dataclass(frozen=True)
class Case:
    name: str
    body: str
    key: str  # the key a refusal names; "" for a file-level problem
    refused: bool
    rules: str | None = None  # a rule file's text, in rules.d/


def config_text(key: str = "ada", ledger: str = "sqlite:///ledger.db", extra: str = "") -> str:
    return OWNER.format(key=key, ledger=ledger) + MEMORY + extra


CASES = [
    Case("owner key of 300 characters", config_text(key="k" * 300), "owner.key", True),
    Case("owner key of 64 characters", config_text(key="k" * 64), "", False),
    Case(
        "base_url port over 65535",
        config_text(extra=GITHUB.format(url="http://127.0.0.1:70000")),
        "sources[1].base_url",
        True,
    ),
    Case(
        "base_url port 65535",
        config_text(extra=GITHUB.format(url="http://127.0.0.1:65535")),
        "",
        False,
    ),
    Case(
        "base_url host with an empty label",
        config_text(extra=GITHUB.format(url="https://github..example.com/api/v3")),
        "sources[1].base_url",
        True,
    ),
    Case(
        "base_url host label over 63 characters",
        config_text(extra=GITHUB.format(url=f"https://{'a' * 64}.example.com/api/v3")),
        "sources[1].base_url",
        True,
    ),
    Case(
        "base_url host no IDNA name can spell",
        config_text(extra=GITHUB.format(url="https://\N{GRINNING FACE}.example.com/api/v3")),
        "sources[1].base_url",
        True,
    ),
    Case(
        "a Jira e-mail with an emoji (it could not be sent in the login header)",
        config_text(extra=JIRA.format(email="ada\N{GRINNING FACE}@example.com")),
        "sources[1].email",
        True,
    ),
    Case(
        "an infinite request timeout",
        config_text(extra=GITHUB.format(url="http://127.0.0.1:9") + "timeout = inf\n"),
        "sources[1].timeout",
        True,
    ),
    Case(
        "a request timeout the socket layer cannot hold",
        config_text(extra=GITHUB.format(url="http://127.0.0.1:9") + "timeout = 1e300\n"),
        "sources[1].timeout",
        True,
    ),
    Case(
        "a request timeout of an hour",
        config_text(extra=GITHUB.format(url="http://127.0.0.1:9") + "timeout = 3600.0\n"),
        "",
        False,
    ),
    Case(
        "arrays nested 5,000 deep",
        config_text(extra=f"\n[growth_map]\nfeedback_sessions = {'[' * DEEP}{']' * DEEP}\n"),
        "",
        True,
    ),
    Case(
        "a rule file nested 5,000 deep",
        config_text(extra='\n[rules]\npaths = ["rules.d"]\n'),
        "",
        True,
        rules=f"x = {'[' * DEEP}{']' * DEEP}\n",
    ),
    Case(
        "a cycle starting in 9999",
        config_text(extra="\n[[growth_map.cycles]]\nstart = 9999-12-01\n"),
        "growth_map.cycles[0].start",
        True,
    ),
    Case(
        "a cycle starting in 2999",
        config_text(extra="\n[[growth_map.cycles]]\nstart = 2999-12-01\n"),
        "",
        False,
    ),
    Case(
        "a ledger name with no room for its journal",
        config_text(ledger=f"sqlite:///{'l' * 250}.db"),
        "ledger.url",
        True,
    ),
    Case(
        "a ledger name with no room for a long owner key's lock files",
        config_text(key="k" * 64, ledger=f"sqlite:///{'l' * 200}.db"),
        "ledger.url",
        True,
    ),
    Case(
        "a ledger name with room for all its files",
        config_text(ledger=f"sqlite:///{'l' * 240}.db"),
        "",
        False,
    ),
    Case(
        "a ledger under the home of no user",
        config_text(ledger="sqlite:///~no-such-user-here/ledger.db"),
        "ledger.url",
        True,
    ),
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    memory_source(monkeypatch)
    monkeypatch.setenv("GH_TOKEN", "ghp_" + "a" * 36)
    yield tmp_path


def run(config: Path, *args: str) -> tuple[int, str]:
    result = invoke(config, *args)
    return result.exit_code, result.stdout + result.stderr


def problem_lines(said: str) -> list[str]:
    return [line for line in said.splitlines() if line.startswith("  - ")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_config_check_refuses_exactly_what_collect_cannot_use(folder: Path, case: Case) -> None:
    config = folder / "config.toml"
    config.write_text(case.body, encoding="utf-8")
    if case.rules is not None:
        (folder / "rules.d").mkdir()
        (folder / "rules.d" / "deep.toml").write_text(case.rules, encoding="utf-8")
    checked, check_said = run(config, "config", "check")
    collected, collect_said = run(config, "collect", "--since", "1d")
    for said in (check_said, collect_said):
        assert "Traceback" not in said and "unexpected error" not in said, said
    if case.refused:
        assert (checked, collected) == (2, 2), (check_said, collect_said)
        assert problem_lines(check_said) == problem_lines(collect_said) != []
        named = problem_lines(check_said)[0]
        file = "rules.d/deep.toml" if case.rules else config.name
        assert file in named and (f"[{case.key}]" in named if case.key else True), named
        assert "k" * 65 not in check_said + collect_said  # the bad value is not echoed
    else:
        assert checked == 0, check_said
        assert collected in (0, 1), collect_said  # 1: the GitHub port refused, said so
        assert "refused the connection" in collect_said or collected == 0, collect_said


def test_a_ledger_under_home_is_in_the_home_folder(folder: Path) -> None:
    config = folder / "config.toml"
    config.write_text(config_text(ledger="sqlite:///~/evidence/ledger.db"), encoding="utf-8")
    code, said = run(config, "config", "check")
    home = Path(os.environ["HOME"])
    assert code == 0 and f"sqlite:///{home / 'evidence' / 'ledger.db'}" in said, said
    assert run(config, "collect", "--since", "1d")[0] == 0
    assert (home / "evidence" / "ledger.db").is_file()
    assert not (folder / "~").exists()
