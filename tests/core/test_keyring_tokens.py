"""Tokens in the OS keyring: `growthmap token set/delete`, where `config check` says each
token comes from, the environment winning, the checks and the redactor every token
passes, and a machine without a keyring. The keyring is `tests/keyring_double.py`'s,
never the real one (the `os_keyring` fixture of tests/conftest.py)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from select import select as wait_readable

import keyring
import keyring_double
import pytest
from fakes.memory import CONFIG, WORLD, make_item, write_config
from keyring.backends import fail
from keyring_double import LockedKeyring, MemoryKeyring
from plugin_dist import fakes_installed
from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli import app
from collector.config import load_settings
from collector.core.credentials import Redactor
from collector.core.keyring_tokens import USER, forget_tokens, service_name
from collector.ledger import open_ledger
from collector.ledger.models import ItemRow
from collector.pipeline.sources import read_token
from connectors.github.config import GitHubConfig

runner = CliRunner()
TOKEN = "keyring-token-0123456789abcdef"
SERVICE = "growthmap:mem@memory://"  # the memory source's base_url has no host
TIMEOUT = 30.0


@pytest.fixture
def config(tmp_path: Path) -> Path:
    recent = datetime.now(UTC) - timedelta(days=1)
    WORLD.items["things"] = [make_item(1, updated=recent)]
    return write_config(tmp_path, CONFIG)


def run(*args: str, given: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=given)
    return result.exit_code, result.stdout, result.stderr


def test_the_service_name_holds_the_source_name_and_the_host_of_its_server() -> None:
    github = GitHubConfig(name="github", type="github", base_url="https://api.github.com")
    enterprise = GitHubConfig(
        name="work", type="github", base_url="https://GHE.example.com:8443/api/v3"
    )
    assert service_name(github) == "growthmap:github@api.github.com"
    assert service_name(enterprise) == "growthmap:work@ghe.example.com:8443"


def test_token_set_stores_the_token_read_from_stdin_and_collect_uses_it(
    config: Path, os_keyring: MemoryKeyring
) -> None:
    code, stdout, stderr = run("token", "set", "mem", "--config", str(config), given=f" {TOKEN}\n")
    assert code == 0, stderr
    assert "stored the token of source 'mem' in the OS keyring (" in stdout
    assert f"as {SERVICE}" in stdout and TOKEN not in stdout + stderr
    assert os_keyring.entries == {(SERVICE, USER): TOKEN}  # stripped
    code, stdout, stderr = run("config", "check", "--config", str(config))
    assert code == 0 and "token from the OS keyring" in stdout and "no token" not in stderr
    code, _, stderr = run("collect", "--config", str(config), "--since", "3d")
    assert code == 0 and " mem " in stderr and " ok new=1 " in stderr


def test_the_environment_wins_over_the_keyring(
    config: Path, os_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    os_keyring.set_password(SERVICE, USER, TOKEN)
    monkeypatch.setenv("MEMORY_TOKEN", "environment-token-0123456789")
    settings = load_settings(config, {"MEMORY_TOKEN": "environment-token-0123456789"})
    assert read_token(settings.sources[0], {"MEMORY_TOKEN": " environment-token-0123456789\n"}) == (
        "environment-token-0123456789"
    )
    code, stdout, _ = run("config", "check", "--config", str(config))
    assert code == 0 and "token from $MEMORY_TOKEN" in stdout
    code, _, stderr = run(
        "token", "set", "mem", "--config", str(config), given="other-token-012345"
    )
    assert code == 0 and "note: $MEMORY_TOKEN is set, and the environment wins" in stderr


@pytest.mark.parametrize(
    ("stored", "flaw"),
    [
        ("ghp_abc def0123456", "spaces or control characters inside the token"),
        ("ghp_abc\N{GRINNING FACE}def0123456", "a character outside ASCII"),
    ],
)
def test_a_flawed_keyring_token_is_refused_naming_the_source_never_the_value(
    config: Path, os_keyring: MemoryKeyring, stored: str, flaw: str
) -> None:
    os_keyring.set_password(SERVICE, USER, stored)
    code, _, stderr = run("collect", "--config", str(config), "--since", "3d")
    assert code == 1 and f"source 'mem': the OS keyring holds {flaw}" in stderr
    assert "growthmap token set mem" in stderr
    assert "ghp_abc" not in stderr and "Traceback" not in stderr
    code, stdout, stderr = run("config", "check", "--config", str(config))
    assert code == 0 and "token from the OS keyring unusable" in stdout
    assert f"the OS keyring holds {flaw}" in stderr and "ghp_abc" not in stdout + stderr


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "source 'mem': no token given; nothing was stored"),
        ("  \n", "source 'mem': no token given; nothing was stored"),
        ("ghp_one\nghp_two", "source 'mem': the token given holds spaces or control characters"),
        ("ghp_\N{RIGHT DOUBLE QUOTATION MARK}x", "holds a character outside ASCII"),
        ("x" * 5000, "more than 4096 characters, longer than any token"),
    ],
)
def test_token_set_refuses_what_no_token_holds_and_stores_nothing(
    config: Path, os_keyring: MemoryKeyring, given: str, message: str
) -> None:
    code, stdout, stderr = run("token", "set", "mem", "--config", str(config), given=given)
    assert code == 2 and message in stderr
    assert "ghp_" not in stdout + stderr and "Traceback" not in stderr
    assert os_keyring.entries == {}


def test_token_set_names_the_known_sources_for_an_unknown_one(config: Path) -> None:
    code, _, stderr = run("token", "set", "men", "--config", str(config), given=TOKEN)
    assert code == 2 and "source 'men' is unknown; did you mean 'mem'? known: mem" in stderr


def test_token_delete_removes_the_token_once(config: Path, os_keyring: MemoryKeyring) -> None:
    os_keyring.set_password(SERVICE, USER, TOKEN)
    code, stdout, _ = run("token", "delete", "mem", "--config", str(config))
    assert code == 0 and "removed the token of source 'mem' from the OS keyring" in stdout
    assert os_keyring.entries == {}
    code, stdout, _ = run("token", "delete", "mem", "--config", str(config))
    assert code == 0 and "the OS keyring holds no token for source 'mem'" in stdout
    code, _, stderr = run("collect", "--config", str(config))
    assert code == 1 and "$MEMORY_TOKEN is not set and the OS keyring holds none" in stderr


def test_without_a_keyring_set_exits_2_and_collect_finds_no_token_there(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(fail.Keyring())
    code, _, stderr = run("token", "set", "mem", "--config", str(config), given=TOKEN)
    assert code == 2
    assert (
        "error: source 'mem': this machine has no OS keyring, so the token cannot be kept "
        "there: put it in the environment variable MEMORY_TOKEN instead; nothing was stored"
    ) in stderr
    code, _, stderr = run("token", "delete", "mem", "--config", str(config))
    assert code == 2 and "this machine has no OS keyring; nothing was removed" in stderr
    code, stdout, stderr = run("config", "check", "--config", str(config))
    expected = "$MEMORY_TOKEN is not set, and this machine has no OS keyring"
    assert code == 0 and f"token missing ({expected})" in stdout
    code, _, stderr = run("collect", "--config", str(config))
    assert code == 1 and f"no token: {expected}; export MEMORY_TOKEN=<token>" in stderr
    monkeypatch.setenv("MEMORY_TOKEN", TOKEN)
    code, _, stderr = run("collect", "--config", str(config))
    assert code == 0, stderr


def test_a_keyring_that_cannot_be_read_is_no_token_and_no_crash(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(LockedKeyring())
    code, _, stderr = run("collect", "--config", str(config))
    assert code == 1 and "the OS keyring could not be read (KeyringLocked:" in stderr
    assert "Traceback" not in stderr
    code, _, stderr = run("token", "set", "mem", "--config", str(config), given=TOKEN)
    assert code == 2 and "the OS keyring refused it (KeyringLocked: " in stderr
    monkeypatch.setenv("MEMORY_TOKEN", TOKEN)  # the keyring is not even asked
    code, _, stderr = run("collect", "--config", str(config))
    assert code == 0, stderr


def test_a_disabled_sources_token_is_not_looked_up(
    tmp_path: Path, os_keyring: MemoryKeyring
) -> None:
    config = write_config(tmp_path, CONFIG + "enabled = false\n")
    keyring.set_keyring(LockedKeyring())  # would say so if it were asked
    code, stdout, _ = run("config", "check", "--config", str(config))
    assert code == 0
    assert (
        "token missing ($MEMORY_TOKEN is not set; disabled, so the OS keyring is not asked)"
        in stdout
    )


def test_a_keyring_token_is_read_once_per_process(config: Path, os_keyring: MemoryKeyring) -> None:
    source = load_settings(config, {}).sources[0]
    os_keyring.set_password(SERVICE, USER, TOKEN)
    assert read_token(source, {}) == TOKEN
    os_keyring.set_password(SERVICE, USER, "changed-token-0123456789")
    assert read_token(source, {}) == TOKEN  # what the redactor was built with, too
    forget_tokens()
    assert read_token(source, {}) == "changed-token-0123456789"


def test_the_redactor_masks_a_keyring_token(config: Path, os_keyring: MemoryKeyring) -> None:
    os_keyring.set_password(SERVICE, USER, TOKEN)
    redact = Redactor.for_settings(load_settings(config, {}), {})
    assert redact(f"upstream said: token={TOKEN}") == "upstream said: token=***"


def test_a_keyring_token_in_collected_text_is_masked_in_the_ledger_and_output(
    config: Path, os_keyring: MemoryKeyring
) -> None:
    os_keyring.set_password(SERVICE, USER, TOKEN)
    recent = datetime.now(UTC) - timedelta(days=1)
    WORLD.items["things"] = [make_item(1, updated=recent, title=f"rotate {TOKEN} today")]
    code, _, stderr = run("collect", "--config", str(config), "--since", "3d")
    assert code == 0, stderr
    ledger = open_ledger(f"sqlite:///{config.parent / 'ledger.db'}", "default")
    with ledger.read() as session:
        assert session.scalars(select(ItemRow.title)).all() == ["rotate *** today"]
    ledger.close()
    code, stdout, _ = run("items", "--config", str(config), "--format", "json")
    assert json.loads(stdout)["title"] == "rotate *** today"


# Makes the terminal on stdin the controlling one of the new session (getpass reads
# /dev/tty), then runs the command: a user typing at a prompt.
_AT_A_TERMINAL = (
    "import os, sys; os.close(os.open(os.ttyname(0), os.O_RDWR)); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def _type_at_prompt(command: list[str], env: dict[str, str], typed: str) -> tuple[int, str]:
    """Run `command` on a pseudo-terminal, type `typed` after its prompt; its exit code
    and everything the terminal showed."""
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", _AT_A_TERMINAL, *command],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        start_new_session=True,
    )
    os.close(child)
    try:
        shown = _read_until(main, b"not shown")
        os.write(main, typed.encode() + b"\n")
        shown += _read_until(main, None)
        return process.wait(timeout=TIMEOUT), shown.decode(errors="replace")
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
            process.wait()


def _read_until(terminal: int, wanted: bytes | None) -> bytes:
    """What the terminal shows until `wanted` appears (None: until the command ends)."""
    shown = b""
    while wanted is None or wanted not in shown:
        ready, _, _ = wait_readable([terminal], [], [], TIMEOUT)
        assert ready, f"nothing more shown after {shown!r}"
        try:
            chunk = os.read(terminal, 1024)
        except OSError:  # EIO: the command ended and closed the terminal
            chunk = b""
        if not chunk:
            assert wanted is None, f"{wanted!r} never shown: {shown!r}"
            break
        shown += chunk
    return shown


def test_token_set_at_a_terminal_asks_without_echo_and_other_processes_find_it(
    config: Path, tmp_path: Path
) -> None:
    site = fakes_installed(tmp_path / "site")
    (site / "keyring_double.py").symlink_to(Path(keyring_double.__file__))
    growthmap = str(Path(sys.executable).with_name("growthmap"))
    args = ["--config", str(config)]
    env = {**os.environ, "PYTHONPATH": str(site)}
    # Without a keyring (the fixture's default for subprocesses), before any prompt:
    code, shown = _run_plain([growthmap, "token", "set", "mem", *args], env)
    assert code == 2 and "this machine has no OS keyring" in shown and "not shown" not in shown
    env |= {
        "PYTHON_KEYRING_BACKEND": "keyring_double.FileKeyring",
        keyring_double.FILE_ENV: str(tmp_path / "keyring.json"),
    }
    code, shown = _type_at_prompt([growthmap, "token", "set", "mem", *args], env, TOKEN)
    assert code == 0, shown
    assert "token for source 'mem' (typing is not shown): " in shown
    assert "stored the token of source 'mem'" in shown and TOKEN not in shown
    stored = json.loads((tmp_path / "keyring.json").read_text())
    assert stored == [[SERVICE, USER, TOKEN]]
    code, shown = _run_plain([growthmap, "config", "check", *args], env)
    assert code == 0 and "token from the OS keyring" in shown, shown
    code, shown = _run_plain([growthmap, "collect", "--since", "3d", *args], env)
    assert code == 0 and " mem ok " in shown, shown  # sent the token: not skipped


def _run_plain(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = subprocess.run(
        command,
        check=False,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
    )
    return result.returncode, result.stdout + result.stderr
