"""Writing an export file: overwrite only with --force, parents created, atomic, 0600,
and the path rules (no `..`, no symbolic link)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from collector.core.errors import UsageError
from collector.export import check_export_path, write_export


def test_writes_creates_folders_with_mode_0600(tmp_path: Path) -> None:
    target = tmp_path / "reviews" / "2026" / "q4.md"
    write_export(target, b"hello\n", force=False)
    assert target.read_bytes() == b"hello\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(target.parent) == ["q4.md"]  # no temporary file left


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "q4.md"
    target.write_bytes(b"mine")
    with pytest.raises(UsageError, match="exists: pass --force"):
        write_export(target, b"new", force=False)
    assert target.read_bytes() == b"mine"
    write_export(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["q4.md"]


def test_a_failed_write_leaves_neither_file_nor_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    target = tmp_path / "out" / "q4.md"
    with pytest.raises(OSError, match="No space left"):
        write_export(target, b"data", force=False)
    assert os.listdir(tmp_path / "out") == []


def test_a_failed_replace_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "q4.md"
    target.write_bytes(b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_export(target, b"new", force=True)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["q4.md"]


@pytest.mark.parametrize("path", ["../q4.md", "out/../../q4.md", "out/../q4.md"])
def test_dot_dot_is_refused(path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match=r"may not contain `\.\.`"):
        write_export(Path(path), b"x", force=False)
    assert not (tmp_path.parent / "q4.md").exists() and not (tmp_path / "q4.md").exists()


def test_symlinks_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="is a link"):
        write_export(Path("out/q4.md"), b"x", force=False)
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "q4.md").symlink_to(elsewhere / "victim")
    with pytest.raises(UsageError, match="is a link"):
        write_export(Path("real/q4.md"), b"x", force=True)
    assert os.listdir(elsewhere) == []


def test_plain_paths_pass(tmp_path: Path) -> None:
    assert check_export_path(tmp_path / "a" / "b.md") == tmp_path / "a" / "b.md"


def test_a_file_where_a_folder_must_be_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "all.json"
    blocker.write_text("{}")
    for target in (blocker / "x.md", blocker / "sub" / "x.md"):
        with pytest.raises(UsageError, match=r"cannot write .*choose another -o path"):
            write_export(target, b"x", force=False)
    assert blocker.read_text() == "{}"
