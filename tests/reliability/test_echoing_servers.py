"""Servers that echo the request, credentials included, into their error answers.

Every command that talks to a source (`daemon --once`, `collect` in each of its output
modes, `config check --online`) and every command that shows what those runs stored
(`status`, `items`, `export` in each format, to stdout and to a file, the daemon's
weekly export) runs against GitHub, GitLab, Jira Cloud and Jira Data Center sources
whose proxies answer 400, 401, 403 and 500 with the request line (query string
included) and headers written back in JSON, plain text, HTML, URL-encoded or cut at
300 characters, at once or after a few good answers; a healthy source's answers carry the
credentials in every title, body and summary. No credential, nor any derived
form of one (base64, `Basic base64(email:token)`, URL-encoded, escaped, a dozen
characters of it), may appear on stdout, on stderr, in the log file, in the ledger
(its rows and its file's bytes), in an export or in the daemon's state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.jira_fixtures import EMAIL
from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli import app
from collector.core.credentials import MASK
from collector.ledger.models import ItemRow
from reliability.harness import open_config_ledger, write_config
from reliability.leaks import (
    SECRETS,
    files_text,
    forbidden_forms,
    leaks,
    ledger_text,
    wire_credentials,
)
from reliability.proxy import ECHO_MARK, ECHO_STATUSES, ECHO_STYLES, FaultProxy, Plan
from reliability.worlds import CONNECTORS, World, open_world, use_token

# Seconds, not milliseconds: `pytest -m "not slow"` leaves them out of a quick loop;
# CI runs them.
pytestmark = pytest.mark.slow

# Connectors whose error messages quote the server's own (GitLab's name the status only).
QUOTES_SERVER_MESSAGES = {"github", "jira-cloud", "jira-server"}
LATE = 2  # requests answered normally before a "late" source starts echoing
# (status, style, good answers first): every status and every style, at once and late.
ECHOES = [
    (400, "json", 0),
    (401, "text", 0),
    (403, "html", 0),
    (500, "urlencoded", 0),
    (400, "cut", 0),
    (401, "first", 0),
    (403, "first", LATE),
    (401, "urlencoded", LATE),
    (403, "json", LATE),
    (500, "cut", LATE),
    (400, "html", LATE),
]
assert {e[0] for e in ECHOES} == set(ECHO_STATUSES) and {e[1] for e in ECHOES} == set(ECHO_STYLES)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@contextmanager
def echoing_sources(world: World) -> Iterator[tuple[list[FaultProxy], list[str]]]:
    """One source per echo in ECHOES, each behind its own proxy, and a healthy one whose
    answers carry the credentials in their titles, bodies and summaries."""
    with ExitStack() as stack:
        proxies, sections = [], []
        for status, style, passes in ECHOES:
            plan = Plan(kinds=(f"echo{status}",), always=True, passes=passes, echo_style=style)
            proxy = stack.enter_context(FaultProxy(world.upstream, plan))
            name = f"echo{status}-{style}" + ("-late" if passes else "")
            proxies.append(proxy)
            sections.append(world.source_toml(proxy.root, name=name, max_retries=0))
        healthy = stack.enter_context(FaultProxy(world.upstream, Plan(echo_into_pages=True)))
        proxies.append(healthy)
        sections.append(world.source_toml(healthy.root, max_retries=0))
        yield proxies, sections


def schedule_section() -> str:
    today = datetime.now(UTC).strftime("%a").lower()
    return (
        '[schedule]\ninterval = "2h"\njitter = "0s"\nlog_file = "gm.log"\n\n'
        f'[schedule.weekly_export]\nformat = "md"\nfolder = "weekly"\nweekday = "{today}"\n'
    )


def stored_titles(config: Path, source: str) -> list[str]:
    ledger = open_config_ledger(config)
    try:
        with ledger.read() as session:
            return list(session.scalars(select(ItemRow.title).where(ItemRow.source == source)))
    finally:
        ledger.close()


def run_every_command(config: Path, since: str) -> dict[str, str]:
    """stdout and stderr of every command, by its command line; the daemon goes first (a
    fresh ledger makes its one cycle due at once)."""
    commands = [
        ["daemon", "--once"],
        ["--debug", "collect", "--since", since, "--json"],
        ["collect", "--since", since],
        ["--debug", "collect", "--dry-run", "--since", since],
        ["config", "check", "--online"],
        ["--debug", "config", "check", "--online"],
        ["status"],
        ["--debug", "status"],
        ["items"],
        ["items", "--format", "json"],
        *(["export", "--format", fmt, "--include-suggested"] for fmt in ("md", "html", "csv")),
        ["export", "--format", "json", "-o", str(config.parent / "exports" / "review.json")],
    ]
    outputs = {}
    for command in commands:
        code, stdout, stderr = cli(*command, "--config", str(config))
        line = " ".join(command)
        assert "Traceback" not in stderr or "--debug" in command, (line, stderr)
        outputs[f"{line} (exit {code}) stdout"] = stdout
        outputs[f"{line} (exit {code}) stderr"] = stderr
    return outputs


@pytest.mark.parametrize("connector", CONNECTORS)
def test_no_credential_form_leaks_from_servers_that_echo_the_request(
    connector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = SECRETS[connector]
    users = [EMAIL] if connector == "jira-cloud" else []
    with open_world(connector) as world:
        use_token(world, secret)
        monkeypatch.setenv(next(iter(world.env)), secret)
        with echoing_sources(world) as (proxies, sections):
            config = write_config(tmp_path / "data", *sections, schedule_section())
            outputs = run_every_command(config, world.since.isoformat())
        sent = wire_credentials(h for p in proxies for h in p.seen_headers)
        echoed = sum(p.faults for p in proxies)

    assert sent and echoed >= len(ECHOES)  # the credential went out, and came back echoed
    outputs["ledger rows"] = ledger_text(config)
    titles = stored_titles(config, world.name)
    assert any(title.endswith(MASK) for title in titles), titles[:3]
    outputs |= files_text(tmp_path)
    assert any(name.endswith("gm.log") for name in outputs)
    assert any("/weekly/" in name for name in outputs)  # the daemon's weekly export
    assert any(name.endswith("review.json") for name in outputs)
    if connector in QUOTES_SERVER_MESSAGES:  # the redactor, not luck, kept the credential out
        assert any(ECHO_MARK in text for name, text in outputs.items() if "stderr" in name)
        assert ECHO_MARK in outputs["ledger rows"]
    assert leaks(outputs, forbidden_forms(secret, sent, users)) == {}
