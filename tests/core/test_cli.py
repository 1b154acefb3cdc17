"""The CLI as a user meets it: exit codes, messages on stderr, no tracebacks."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.memory import CONFIG, WORLD, make_item, write_config
from plugin_dist import fakes_installed
from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli import app
from collector.ledger import open_ledger
from collector.ledger.locks import collect_lock
from collector.ledger.models import RunRow

runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEMORY_TOKEN", "memory-token-abcdef")
    recent = datetime.now(UTC) - timedelta(days=1)
    WORLD.items["things"] = [make_item(n, updated=recent + timedelta(minutes=n)) for n in (1, 2)]
    return write_config(tmp_path, CONFIG)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_collect_then_items_as_json(config: Path) -> None:
    code, _, stderr = run("collect", "--config", str(config), "--since", "14d")
    assert code == 0, stderr
    assert " mem " in stderr and " ok new=2 updated=0 requests=2 " in stderr
    code, stdout, _ = run("items", "--config", str(config), "--format", "json")
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert [r["external_id"] for r in rows] == ["acme/app#1", "acme/app#2"]
    required = {
        "source",
        "kind",
        "external_id",
        "url",
        "title",
        "repo",
        "path",
        "author",
        "created_at",
        "updated_at",
        "occurred_at",
        "state",
        "labels",
        "suggestions",
    }
    assert required <= set(rows[0])
    assert rows[0]["source"] == "mem" and rows[0]["suggestions"] == []
    # Every normalized field of an item but its body excerpt, in the same order.
    normalized = [k for k in make_item(1, updated=datetime.now(UTC)).normalized() if k != "body"]
    assert list(rows[0]) == ["id", *normalized, "suggestions"]


def test_collect_twice_reports_nothing_new(config: Path) -> None:
    run("collect", "--config", str(config), "--since", "14d")
    code, stdout, _ = run("collect", "--config", str(config), "--since", "14d", "--json")
    summary = json.loads(stdout)
    assert code == 0 and summary["status"] == "ok"
    things = next(s for s in summary["streams"] if s["stream"] == "things")
    assert (things["new"], things["updated"], things["unchanged"]) == (0, 0, 2)


def test_status_shows_sources_cursors_and_counts(config: Path) -> None:
    run("collect", "--config", str(config))
    code, stdout, _ = run("status", "--config", str(config))
    assert code == 0
    assert "Last run:" in stdout and "· ok" in stdout
    assert "things" in stdout and "never" not in stdout
    assert "Suggestions: 0 pending review" in stdout
    counts = {line.split()[-9]: line.split()[-1] for line in stdout.splitlines() if "(+" in line}
    assert counts == {"others": "0", "things": "2"}  # each stream's own items


def test_missing_token_skips_the_source_and_exits_1(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEMORY_TOKEN")
    code, _, stderr = run("collect", "--config", str(config))
    assert code == 1
    assert "MEMORY_TOKEN is not set" in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday-ish"], "--since 'yesterday-ish' is not a date"),
        (["--since", "1d", "--until", "2d"], "--since must be earlier than --until"),
        (["--source", "nope"], "--source nope: no such source; configured: mem"),
    ],
)
def test_bad_options_exit_2_with_a_message(config: Path, args: list[str], message: str) -> None:
    code, _, stderr = run("collect", "--config", str(config), *args)
    assert code == 2 and message in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[owner\n", "invalid TOML"),
        ('[owner]\ntimezone = "Nowhere/Else"\n', "[owner.timezone]: unknown timezone"),
        ('[owner]\nnmae = "x"\n', "[owner.nmae]: unknown key"),
        ('[[sources]]\nname = "a"\ntype = "svn"\n', "[sources[0].type]: unknown source type"),
        ('[collect]\nbatch_size = "many"\n', "[collect.batch_size]: Input should be a valid"),
    ],
)
def test_bad_config_exits_2_and_writes_nothing(tmp_path: Path, body: str, message: str) -> None:
    config = write_config(
        tmp_path,
        body + '\n[ledger]\nurl = "sqlite:///ledger.db"\n'
        if not body.startswith("[owner\n")
        else body,
    )
    for command in (["collect"], ["config", "check"], ["status"]):
        code, _, stderr = run(*command, "--config", str(config))
        assert code == 2, (command, stderr)
        assert message in stderr and "Traceback" not in stderr
    assert not (tmp_path / "ledger.db").exists()


def test_an_in_memory_ledger_fails_config_check_before_collect_can_run(tmp_path: Path) -> None:
    config = write_config(tmp_path, CONFIG.replace("sqlite:///ledger.db", "sqlite://"))
    for command in (["config", "check"], ["collect"], ["db", "upgrade"]):
        code, _, stderr = run(*command, "--config", str(config))
        assert code == 2, (command, stderr)
        assert "[ledger.url]: an in-memory SQLite database" in stderr
        assert "give a file path" in stderr and "Traceback" not in stderr


def test_missing_config_file(tmp_path: Path) -> None:
    code, _, stderr = run("config", "check", "--config", str(tmp_path / "absent.toml"))
    assert code == 2 and "absent.toml: file not found" in stderr


def test_no_config_anywhere_explains_the_ways_to_start() -> None:
    code, _, stderr = run("collect")
    assert code == 2 and "growthmap init" in stderr and "GITHUB_TOKEN" in stderr


def test_config_check_reports_token_presence_never_its_value(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stdout, _ = run("config", "check", "--config", str(config))
    assert code == 0 and "token from $MEMORY_TOKEN" in stdout
    assert "memory-token-abcdef" not in stdout
    monkeypatch.delenv("MEMORY_TOKEN")
    code, stdout, stderr = run("config", "check", "--config", str(config))
    expected = "$MEMORY_TOKEN is not set and the OS keyring holds none"
    assert code == 0 and f"token missing ({expected})" in stdout
    assert f"source 'mem': no token: {expected}; collect will skip this source" in stderr


def test_second_collect_while_the_lock_is_held_exits_3(config: Path, tmp_path: Path) -> None:
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.db'}", "default")
    with collect_lock(ledger):
        code, _, stderr = run("collect", "--config", str(config))
    ledger.close()
    assert code == 3 and "another growthmap run holds the collect lock" in stderr


def test_init_writes_files_once_and_never_overwrites(tmp_path: Path) -> None:
    code, stdout, _ = run("init", "--path", str(tmp_path / "gm"))
    assert code == 0 and "wrote" in stdout
    written = tmp_path / "gm" / "config.toml"
    written.write_text(written.read_text() + "\n# mine\n")
    code, stdout, _ = run("init", "--path", str(tmp_path / "gm"))
    assert code == 0 and "kept" in stdout and written.read_text().endswith("# mine\n")
    assert written.stat().st_mode & 0o077 == 0


def test_init_writes_where_growthmap_will_look_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x" / "my.toml"
    monkeypatch.setenv("GROWTHMAP_CONFIG", str(target))
    code, stdout, _ = run("init")
    assert code == 0 and f"wrote {target}\n" in stdout
    assert (tmp_path / "x" / "rules.d" / "starter.toml").is_file()
    assert "`growthmap config check`" in stdout  # found without --config
    assert not (tmp_path / "home" / ".config" / "growthmap").exists()
    code, stdout, stderr = run("config", "check")
    assert code == 0, stderr
    assert f"config:  {target}" in stdout


@pytest.mark.parametrize("where", ["command", "global"])
def test_init_writes_the_file_named_by_config(tmp_path: Path, where: str) -> None:
    target = tmp_path / "cfg" / "growthmap.toml"
    args = ["init", "--config", str(target)]
    code, stdout, _ = run(*(args if where == "command" else [*args[1:], "init"]))
    assert code == 0 and f"wrote {target}\n" in stdout
    assert (tmp_path / "cfg" / "rules.d" / "starter.toml").is_file()
    assert f"`growthmap --config {target} config check`" in stdout
    assert run("config", "check", "--config", str(target))[0] == 0


def test_init_without_options_writes_to_the_user_config_dir(tmp_path: Path) -> None:
    code, stdout, _ = run("init")
    target = tmp_path / "home" / ".config" / "growthmap" / "config.toml"
    assert code == 0 and f"wrote {target}\n" in stdout
    code, stdout, _ = run("config", "check")
    assert code == 0 and f"config:  {target}" in stdout


def test_init_path_names_a_file_says_so_and_writes_nothing(tmp_path: Path) -> None:
    existing = tmp_path / "config.toml"
    existing.write_text("# mine\n")
    code, stdout, stderr = run("init", "--path", str(existing))
    assert code == 2 and stdout == ""
    assert f"--path {existing}: it is a file" in stderr and "--config FILE" in stderr
    assert "unexpected error" not in stderr and "Traceback" not in stderr
    assert existing.read_text() == "# mine\n"
    assert {p.name for p in tmp_path.iterdir()} - {"home"} == {"config.toml"}


def test_init_below_a_file_or_onto_a_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes").write_text("x")
    code, _, stderr = run("init", "--config", str(tmp_path / "notes" / "config.toml"))
    assert code == 2 and f"{tmp_path / 'notes'} is a file" in stderr
    (tmp_path / "folder.toml").mkdir()
    monkeypatch.setenv("GROWTHMAP_CONFIG", str(tmp_path / "folder.toml"))
    code, _, stderr = run("init")
    assert code == 2 and f"{tmp_path / 'folder.toml'} exists and is not a file" in stderr
    assert not (tmp_path / "rules.d").exists()


def test_init_path_and_config_together_are_refused(tmp_path: Path) -> None:
    code, _, stderr = run("init", "--path", str(tmp_path), "--config", str(tmp_path / "c.toml"))
    assert code == 2 and "give --path DIR or --config FILE, not both" in stderr
    assert not (tmp_path / "c.toml").exists() and not (tmp_path / "config.toml").exists()


def test_db_upgrade_is_idempotent(config: Path) -> None:
    code, stdout, _ = run("db", "upgrade", "--config", str(config))
    assert code == 0 and "upgraded from empty" in stdout
    code, stdout, _ = run("db", "upgrade", "--config", str(config))
    assert code == 0 and "up to date" in stdout


def test_db_upgrade_reports_a_broken_ledger_like_collect(config: Path, tmp_path: Path) -> None:
    (tmp_path / "ledger.db").write_text("notes, not a database\n" * 20)
    messages = []
    for command in (["db", "upgrade"], ["collect"]):
        code, _, stderr = run(*command, "--config", str(config))
        assert code == 2, (command, stderr)
        messages.append(stderr)
    assert messages[0] == messages[1]
    assert f"error: cannot open the ledger sqlite:///{tmp_path / 'ledger.db'}: " in messages[0]
    assert "file is not a database" in messages[0] and "Traceback" not in messages[0]


def test_no_enabled_source_is_said_not_reported_as_a_good_run(tmp_path: Path) -> None:
    path = write_config(tmp_path, CONFIG + "enabled = false\n")
    code, _, stderr = run("collect", "--config", str(path), "--since", "14d")
    assert code == 2 and "no source is enabled" in stderr
    code, _, stderr = run("config", "check", "--config", str(path))
    assert code == 0 and "warning: no source is enabled" in stderr and "[[sources]]" in stderr
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.db'}", "default")
    with ledger.read() as session:
        assert session.scalars(select(RunRow)).all() == []  # no "ok" run was recorded
    ledger.close()


def test_a_reader_that_stops_early_is_no_error(config: Path, tmp_path: Path) -> None:
    # `growthmap items | head -1`: the closed pipe must not read as a crash.
    recent = datetime.now(UTC) - timedelta(days=1)
    WORLD.items["things"] = [make_item(n, updated=recent) for n in range(600)]
    code, _, stderr = run("collect", "--config", str(config), "--since", "14d")
    assert code == 0, stderr
    plugins = fakes_installed(tmp_path / "pythonpath")
    env = {**os.environ, "PYTHONPATH": str(plugins)}
    growthmap = Path(sys.executable).with_name("growthmap")
    with subprocess.Popen(
        [growthmap, "items", "--config", str(config), "--format", "json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(b"{")
        process.stdout.close()  # what `head -1` does after its line
        stderr_bytes = process.stderr.read()
        assert process.wait(timeout=60) == 0
    assert stderr_bytes == b""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "pr"], "--kind 'pr' is unknown; known: design_doc, pairing, pull_request"),
        (["--source", "nosuch"], "--source 'nosuch' is unknown; known: mem"),
    ],
)
def test_items_filters_name_a_typo(config: Path, args: list[str], message: str) -> None:
    code, _, stderr = run("items", "--config", str(config), *args)
    assert code == 2 and message in stderr


def test_debug_adds_details_but_says_the_summary_once(config: Path) -> None:
    code, _, stderr = run("--debug", "collect", "--config", str(config), "--since", "14d")
    assert code == 0, stderr
    assert stderr.count(" ok new=2 updated=0 ") == 1


def test_a_dry_run_says_so_in_its_plain_output(config: Path) -> None:
    code, _, stderr = run("collect", "--config", str(config), "--since", "14d", "--dry-run")
    assert code == 0, stderr
    assert stderr.startswith("dry run: nothing was written")
    assert " ok new=2 " in stderr
    code, stdout, _ = run("items", "--config", str(config), "--format", "json")
    assert stdout == ""


def test_config_check_warns_of_a_ledger_others_can_read(config: Path) -> None:
    code, _, stderr = run("collect", "--config", str(config), "--since", "14d")
    assert code == 0, stderr
    ledger = config.parent / "ledger.db"
    ledger.chmod(0o644)  # a copy, or a file made by another tool
    code, _, stderr = run("config", "check", "--config", str(config))
    assert code == 0
    assert f"the ledger {ledger} is readable by other users (mode 0644)" in stderr


def test_a_renamed_source_is_pointed_out_on_its_first_run(config: Path) -> None:
    code, _, stderr = run("collect", "--config", str(config), "--since", "14d")
    assert code == 0, stderr
    config.write_text(config.read_text().replace('name = "mem"', 'name = "memory"'))
    WORLD.items["things"] = [replace(i, source="memory") for i in WORLD.items["things"]]
    code, _, stderr = run("collect", "--config", str(config), "--since", "14d")
    assert code == 0, stderr
    assert "source 'memory' is collected for the first time" in stderr
    assert "items of source 'mem', which the config no longer names" in stderr
    code, _, stderr = run("collect", "--config", str(config), "--since", "14d")
    assert "first time" not in stderr  # said once


def test_version_is_the_installed_distributions() -> None:
    # The console script pip installed, as the README's install line leaves it.
    growthmap = Path(sys.executable).with_name("growthmap")
    result = subprocess.run(
        [growthmap, "--version"], check=False, capture_output=True, text=True, timeout=60
    )
    declared = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == f"growthmap {declared['project']['version']}\n"
    assert result.stdout == f"growthmap {importlib.metadata.version('growthmap')}\n"
