"""The log file: private, rotating, token-free, and written by `collect` and `daemon`."""

from __future__ import annotations

import logging
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.memory import CONFIG, WORLD, make_item, write_config
from typer.testing import CliRunner

from collector.cli import app
from collector.core import logfile
from collector.core.credentials import Redactor

TOKEN = "ghp_secretvalue123456"
log = logging.getLogger("growthmap.test")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_default_file_is_private_in_the_state_dir_and_never_holds_a_token() -> None:
    with logfile.logging_to_file(None, Redactor([TOKEN])) as path:
        log.info("calling the API with %s", TOKEN)
        try:
            raise RuntimeError(f"401 for token {TOKEN}")
        except RuntimeError:
            log.exception("request failed")
    assert path is not None and path == logfile.default_log_path()
    assert path.parent.name == "growthmap" and "state" in str(path)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    text = path.read_text()
    assert "calling the API with ***" in text and "401 for token ***" in text
    assert TOKEN not in text
    assert text.split()[0].endswith("Z")  # UTC timestamps


def test_rotated_files_stay_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logfile, "MAX_BYTES", 300)
    target = tmp_path / "logs" / "growthmap.log"
    with logfile.logging_to_file(target, Redactor()):
        for number in range(40):
            log.info("line %d of a long unattended week", number)
    files = sorted(target.parent.iterdir())
    assert [f.name for f in files] == [
        f"growthmap.log{s}" for s in ["", *(f".{n}" for n in range(1, 6))]
    ]
    assert all(mode(f) == 0o600 for f in files)
    assert "line 39" in target.read_text()


def test_only_growthmap_info_and_everyones_warnings_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "g.log"
    with logfile.logging_to_file(target, Redactor()):
        logging.getLogger("urllib3.connectionpool").info("Starting new HTTPS connection")
        logging.getLogger("urllib3.connectionpool").warning("Retrying after a reset")
        logging.getLogger("growthmap.daemon").info("next run soon")
        logging.getLogger("growthmap.daemon").debug("details")
    text = target.read_text()
    assert "Retrying after a reset" in text and "next run soon" in text
    assert "Starting new HTTPS connection" not in text and "details" not in text


def test_an_unwritable_log_is_reported_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with logfile.logging_to_file(blocker / "g.log", Redactor()) as used:
        log.info("still running")
    assert used is None
    assert "warning: cannot write the log file" in capsys.readouterr().err


def test_logging_setup_is_restored_afterwards(tmp_path: Path) -> None:
    root, own = logging.getLogger(), logging.getLogger("growthmap")
    own.propagate, own.level = False, logging.WARNING  # as the CLI sets it up

    def state() -> tuple[object, ...]:
        return (root.level, list(root.handlers), own.level, own.propagate, list(own.handlers))

    before = state()
    with logfile.logging_to_file(tmp_path / "g.log", Redactor(), console_info=True):
        assert own.getEffectiveLevel() <= logging.INFO and own.propagate
    assert state() == before


def test_collect_writes_its_run_to_the_log_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMORY_TOKEN", "memory-token-abcdef")
    WORLD.items["things"] = [make_item(1, updated=datetime.now(UTC) - timedelta(hours=2))]
    config = write_config(tmp_path, CONFIG + '\n[schedule]\nlog_file = "gm.log"\n')
    result = CliRunner().invoke(app, ["collect", "--config", str(config)])
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "gm.log").read_text()
    assert "INFO growthmap.run: run 1 ok" in text
    assert "mem ok new=1 updated=0 requests=2" in text
    assert "memory-token-abcdef" not in text


def test_other_libraries_warnings_still_reach_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # as in a real process
    with logfile.logging_to_file(tmp_path / "g.log", Redactor([TOKEN])):
        logging.getLogger("urllib3.connectionpool").warning("pool full for %s", TOKEN)
        logging.getLogger("growthmap.run").info("run 1 ok")
    err = capsys.readouterr().err
    assert "WARNING urllib3.connectionpool: pool full for ***" in err
    assert "run 1 ok" not in err  # growthmap's own INFO goes to the file only
    assert "run 1 ok" in (tmp_path / "g.log").read_text()


def test_a_log_file_that_is_not_a_regular_file_keeps_its_mode(tmp_path: Path) -> None:
    # log_file = "/dev/stdout" or a pipe: only regular files are made private.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o644)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the log open it for writing
    try:
        with logfile.logging_to_file(fifo, Redactor()) as used:
            log.info("one")
        assert used == fifo
        assert stat.S_IMODE(fifo.stat().st_mode) == 0o644
        assert b"one" in os.read(reader, 4096)
    finally:
        os.close(reader)


def test_a_full_disk_is_one_warning_not_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    full = Path("/dev/full")  # every write fails with ENOSPC
    if not full.exists():
        pytest.skip("no /dev/full on this system")
    with logfile.logging_to_file(full, Redactor()):
        log.info("one")
        log.info("two")
    err = capsys.readouterr().err
    assert err.count("warning: cannot write the log file /dev/full") == 1
    assert "Traceback" not in err and "Logging error" not in err
