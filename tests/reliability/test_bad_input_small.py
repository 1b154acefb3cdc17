"""The smaller bad inputs: `export -o -` and over-long `-o` names, a token with an emoji,
an editor that deletes its file, `--full` with `--since`, and a 200 kB title on a review
card. Each does the right thing or is a one-line usage error (exit 2)."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes import memory
from review.support import World, make_world

from reliability.bad_input import invoke, memory_source, write_config


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    world = memory_source(monkeypatch)
    world.items["things"] = [memory.make_item(1, updated=datetime.now(UTC) - timedelta(days=1))]
    monkeypatch.chdir(tmp_path)
    yield write_config(tmp_path)


def run(config: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = invoke(config, *args, env=env)
    return result.exit_code, result.stdout, result.stderr


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


def test_export_to_dash_writes_to_stdout(config: Path) -> None:
    assert run(config, "collect", "--since", "3d")[0] == 0
    code, plain, _ = run(config, "export", "--format", "json", "--as-of", "2026-12-01")
    code_dash, dashed, _ = run(
        config, "export", "--format", "json", "--as-of", "2026-12-01", "-o", "-"
    )
    assert code == code_dash == 0 and dashed == plain and '"schema":"growthmap.export/1"' in dashed
    assert not (config.parent / "-").exists()


@pytest.mark.parametrize("name", ["x" * 300 + ".md", "d" * 256 + "/export.md", "x" * 245])
def test_an_over_long_output_name_is_a_usage_error(config: Path, name: str) -> None:
    code, _, stderr = run(config, "export", "-o", name)
    assert code == 2, stderr
    line = one_error_line(stderr)
    assert "--output" in line and "choose a shorter name" in line and len(line) < 200
    assert os.listdir(config.parent) == ["config.toml"]  # not even the ledger: it failed first


def test_an_emoji_in_a_token_names_the_variable_never_the_value(config: Path) -> None:
    token = "ghp_abc\N{GRINNING FACE}def"
    env = {"MEMORY_TOKEN": token}
    code, _, stderr = run(config, "collect", "--since", "3d", env=env)
    assert code == 1  # the source failed; the run says why
    assert "$MEMORY_TOKEN holds a character outside ASCII" in stderr, stderr
    assert "ghp_abc" not in stderr and "\N{GRINNING FACE}" not in stderr
    assert "UnicodeEncodeError" not in stderr and "position" not in stderr
    code, stdout, stderr = run(config, "config", "check", env=env)
    assert "token from $MEMORY_TOKEN unusable" in stdout and "outside ASCII" in stderr
    assert "ghp_abc" not in stdout + stderr


def _edit_with(config: Path, command: str) -> tuple[int, str, str]:
    return run(config, "log", "edit", "2026-W47", env={"EDITOR": command, "VISUAL": ""})


def test_an_editor_that_deletes_its_file_destroys_nothing(config: Path, tmp_path: Path) -> None:
    script = tmp_path / "write.py"
    script.write_text("import sys; open(sys.argv[1], 'w').write('My own words.\\n')\n")
    writer = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    assert _edit_with(config, writer)[0] == 0
    before = sorted(os.listdir(tmp_path))
    code, _, stderr = _edit_with(config, "rm -f")
    assert code == 2 and "left no file 2026-W47.md behind; nothing saved" in one_error_line(stderr)
    assert sorted(os.listdir(tmp_path)) == before
    code, shown, _ = run(config, "log", "show", "2026-W47", "--markdown")
    assert code == 0 and "My own words." in shown


def test_the_editor_gets_a_private_folder_and_no_tokens(config: Path, tmp_path: Path) -> None:
    report = tmp_path / "seen.txt"
    script = tmp_path / "spy.py"
    script.write_text(
        "import os, sys\n"
        f"open({str(report)!r}, 'w').write(os.getcwd() + '\\n' + "
        "os.environ.get('MEMORY_TOKEN', 'no token'))\n"
    )
    code, _, stderr = _edit_with(
        config, f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    )
    assert code == 0, stderr
    folder, token = report.read_text().splitlines()
    assert token == "no token"
    assert Path(folder).name.startswith("growthmap-") and not Path(folder).exists()


def test_full_with_since_is_refused(config: Path) -> None:
    code, _, stderr = run(config, "collect", "--full", "--since", "7d")
    assert code == 2 and "--full" in one_error_line(stderr) and "--since" in stderr
    assert memory.WORLD.fetches == []


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    yield from make_world(f"sqlite:///{tmp_path / 'review.db'}", tmp_path)


def test_a_review_card_shows_a_bounded_title(world: World) -> None:
    world.suggest(world.item(1, title="Huge " * 40_000, url="https://e.test/" + "u" * 50_000))
    code, out, _ = world.cli("review", input="q")
    assert code == 0
    title_line = next(line for line in out.splitlines() if line.startswith(' "Huge'))
    assert len(title_line) <= 310 and title_line.endswith('…"')
    assert len(out) < 3_000
