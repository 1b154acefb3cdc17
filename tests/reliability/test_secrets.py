"""Secrets stay out: a recognisable token value appears in no log line (with --debug), no
error message (even when a server echoes the request's headers), no ledger row and no
command output; credentials are never sent on to another host on a redirect."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from collector.cli import app
from collector.cli import inspect as inspect_commands
from collector.ledger.runs import (
    StreamRecord,
    record_run_end,
    record_run_start,
    record_run_stream,
)
from reliability.harness import collect, open_config_ledger, write_config
from reliability.leaks import SECRETS, forbidden_forms, leaks, ledger_text
from reliability.proxy import FaultProxy, Plan
from reliability.worlds import CONNECTORS, open_world, use_token

EMAIL = "alice@example.com"

AUTH_HEADERS = {"authorization", "private-token", "cookie"}


def run(*args: str) -> tuple[int, str]:
    code, stdout, stderr = run3(*args)
    return code, stdout + "\n" + stderr


def run3(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("connector", CONNECTORS)
def test_a_token_reaches_no_log_line_message_row_or_output(
    connector: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = SECRETS[connector]
    caplog.set_level(logging.DEBUG)
    with open_world(connector) as world:
        use_token(world, secret)
        monkeypatch.setenv(next(iter(world.env)), secret)
        # The CLI really sleeps between retries: a few faults are enough here.
        faulty = Plan(kinds=("503", "drop", "malformed"), rate=0.1, seed=11)
        echo = Plan(kinds=("echo",), always=True)
        with FaultProxy(world.upstream, faulty) as proxy, FaultProxy(world.upstream, echo) as bad:
            config = write_config(
                tmp_path,
                world.source_toml(proxy.root, max_retries=6),
                world.source_toml(bad.root, name="echoes", max_retries=1),
            )
            code, summary_text, errors = run3(
                "--debug",
                "collect",
                "--config",
                str(config),
                "--since",
                world.since.isoformat(),
                "--json",
            )
            collected = summary_text + errors
            sent = [h for h in proxy.seen_headers if {k.lower() for k in h} & AUTH_HEADERS]
            assert sent  # the token did go out, to the host it belongs to
        outputs = [collected]
        for command in (["items", "--format", "json"], ["items"], ["status"]):
            outputs.append(run("--debug", *command, "--config", str(config))[1])
        for fmt in ("md", "html", "json", "csv"):
            exported = run(
                "export", "--format", fmt, "--include-suggested", "--config", str(config)
            )
            assert exported[0] == 0
            outputs.append(exported[1])

    assert code == 1  # the echoing source failed, the other went on
    assert "echoes" in collected and "400" in collected
    summary = json.loads(summary_text)
    mine = {r["status"] for r in summary["streams"] if r["source"] == world.name}
    assert mine == {"ok"}
    logged = "\n".join(r.getMessage() + str(r.args) + str(r.exc_info) for r in caplog.records)
    assert logged and secret not in logged
    for output in outputs:
        assert secret not in output
    stored = ledger_text(config)
    assert "echoes" in stored and secret not in stored
    log_file = Path(os.environ["XDG_STATE_HOME"]) / "growthmap" / "growthmap.log"
    assert "echoes" in log_file.read_text(encoding="utf-8")
    assert secret not in log_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("connector", CONNECTORS)
def test_credentials_are_not_sent_on_to_another_host_on_a_redirect(
    connector: str, tmp_path: Path
) -> None:
    secret = SECRETS[connector]
    with open_world(connector) as world:
        use_token(world, secret)
        with (
            FaultProxy(world.upstream) as elsewhere,
            FaultProxy(world.upstream, Plan(kinds=("redirect",), always=True)) as redirecting,
        ):
            redirecting.redirect_to = elsewhere.root  # same address, another port: another host
            config = write_config(tmp_path, world.source_toml(redirecting.root, max_retries=1))
            report = collect(config, world.env, since=world.since)

    assert redirecting.requests > 0
    leaked = [
        {k: v for k, v in seen.items() if k.lower() in AUTH_HEADERS or secret in v}
        for seen in elsewhere.seen_headers
    ]
    assert not any(leaked), leaked
    assert not report.ok  # the other host refuses anonymous requests; the run says so
    for record in report.records:
        assert secret not in (record.error or "")


def test_files_growthmap_creates_are_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)  # a typical umask that would make files world-readable
    try:
        code, output = run("init", "--path", str(tmp_path / "conf"))
        assert code == 0, output
        with open_world("github") as world:
            monkeypatch.setenv("GITHUB_TOKEN", world.token)
            config = write_config(tmp_path / "data", world.source_toml())
            code, output = run("collect", "--config", str(config), "--since", "2026-11-01")
    finally:
        os.umask(old)
    assert code == 0, output
    log_file = Path(os.environ["XDG_STATE_HOME"]) / "growthmap" / "growthmap.log"
    assert log_file.exists()
    created = [tmp_path / "conf" / "config.toml", tmp_path / "data" / "ledger.db", log_file]
    created += [p for p in (tmp_path / "data").iterdir() if p.suffix in (".lock", ".log")]
    for path in created:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}"


def test_typer_pretty_exceptions_with_locals_are_off() -> None:
    assert app.pretty_exceptions_enable is False


def test_a_crashing_command_prints_no_locals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = SECRETS["github"]
    monkeypatch.setenv("GITHUB_TOKEN", secret)
    config = write_config(tmp_path, "")
    ledger = open_config_ledger(config)
    with ledger.write() as session:  # a ledger a newer growthmap wrote: an unknown revision
        session.execute(text("UPDATE alembic_version SET version_num = 'zzzz'"))
    ledger.close()

    code, output = run("--debug", "status", "--config", str(config))

    assert code != 0
    assert secret not in output
    assert "locals" not in output.lower()


def test_a_ledger_row_never_holds_the_token_even_in_run_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = SECRETS["gitlab"]
    with open_world("gitlab") as world:
        use_token(world, secret)
        monkeypatch.setenv("GITLAB_TOKEN", secret)
        config = write_config(tmp_path, world.source_toml())
        code, output = run("collect", "--config", str(config), "--since", "2026-10-21")
    assert code == 0, output
    ledger = open_config_ledger(config)
    try:
        with ledger.read() as session:
            from collector.ledger.models import ItemRow

            assert session.scalar(select(ItemRow.id).limit(1)) is not None
    finally:
        ledger.close()
    assert secret not in ledger_text(config)


def jira_cloud_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A config naming a Jira Cloud source by email, its token in the environment; and
    the Basic header that token makes."""
    secret = SECRETS["jira-cloud"]
    monkeypatch.setenv("JIRA_TOKEN", secret)
    config = write_config(
        tmp_path,
        '[[sources]]\nname = "jira"\ntype = "jira"\nbase_url = "https://x.atlassian.net"\n'
        f'email = "{EMAIL}"\n',
    )
    return config, "Basic " + base64.b64encode(f"{EMAIL}:{secret}".encode()).decode()


@pytest.mark.parametrize("debug", [True, False])
def test_debug_shows_the_traceback_of_a_command_error_and_only_debug(
    debug: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _ = jira_cloud_config(tmp_path, monkeypatch)
    flags = ["--debug"] if debug else []
    code, _, stderr = run3(*flags, "collect", "--source", "nope", "--config", str(config))
    assert code == 2
    assert "error: --source nope: no such source; configured: jira" in stderr
    assert ("Traceback (most recent call last)" in stderr) is debug


@pytest.mark.parametrize("debug", [True, False])
def test_an_unexpected_error_is_redacted_with_and_without_debug(
    debug: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, basic = jira_cloud_config(tmp_path, monkeypatch)
    secret = SECRETS["jira-cloud"]

    def crash(*args: object) -> None:  # a bug that quotes the credential it was given
        raise RuntimeError(f"request failed: Authorization: {basic}; token {secret}")

    monkeypatch.setattr(inspect_commands, "last_runs", crash)
    flags = ["--debug"] if debug else []
    code, stdout, stderr = run3(*flags, "status", "--config", str(config))

    assert code == 1
    said = "error: unexpected error: RuntimeError: request failed: Authorization: Basic ***; "
    assert said + "token *** (run with --debug for details, and please report it)" in stderr
    assert ("Traceback (most recent call last)" in stderr) is debug
    found = leaks({"stdout": stdout, "stderr": stderr}, forbidden_forms(secret, {basic}, [EMAIL]))
    assert found == {}


def test_status_masks_a_credential_an_older_growthmap_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, basic = jira_cloud_config(tmp_path, monkeypatch)
    ledger = open_config_ledger(config)
    with ledger.write() as session:  # a run row from before run rows were redacted
        started = datetime.now(UTC)
        run_id = record_run_start(session, ledger.owner, started, {}, "cli")
        record_run_stream(
            session,
            run_id,
            StreamRecord(
                "jira", "tickets", "failed", 0, 0, 0, 1, 0, f"HTTP 401: {basic}", None, None, 0.1
            ),
            redact=lambda text: text,
        )
        record_run_end(session, run_id, started, "failed", 1)
    ledger.close()
    forbidden = forbidden_forms(SECRETS["jira-cloud"], {basic}, [EMAIL])

    code, stdout, stderr = run3("status", "--config", str(config))
    assert code == 0, stderr
    # The row is shown, masked (how much of it fits depends on the output's width).
    assert "failed" in stdout and "***" in stdout
    assert leaks({"stdout": stdout, "stderr": stderr}, forbidden) == {}
