"""Writing an export file: the path rules, no overwrite without `force`, and an atomic
write (a temporary file in the same folder, fsync, then rename) with mode 0600."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path, PurePath

from collector.core.errors import UsageError

PATH_RULE = (
    "an export path may not contain `..` (it would leave the folder you named) "
    "and no part of it may be a symbolic link (it would write somewhere else)"
)


def check_export_path(path: Path) -> Path:
    """Refuse a path with a `..` segment or with a symbolic link on it (the file or any
    folder of the path as written, relative to the current folder when relative)."""
    parts = PurePath(path).parts
    if ".." in parts:
        raise UsageError(f"refusing to write {str(path)!r}: {PATH_RULE}")
    current = Path(parts[0]) if path.is_absolute() else Path()
    for part in parts[1:] if path.is_absolute() else parts:
        current = current / part
        if current.is_symlink():
            raise UsageError(
                f"refusing to write {str(path)!r}: {str(current)!r} is a link; {PATH_RULE}"
            )
    return path


def write_export(path: Path, data: bytes, *, force: bool) -> Path:
    """Write `data` to `path` atomically; refuse to replace a file unless `force`."""
    check_export_path(path)
    if path.exists() and not force:
        raise UsageError(f"{str(path)!r} exists: pass --force to replace it")
    if path.exists() and not path.is_file():
        raise UsageError(f"{str(path)!r} is not a file")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        check_export_path(path)  # the folders now exist: look again for a link raced in
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:  # a file where a folder must be, no permission, a full disk
        raise UsageError(
            f"cannot write {str(path)!r}: {exc.strerror or exc} "
            f"({str(exc.filename or folder)!r}); choose another -o path"
        ) from None
    try:
        os.fchmod(fd, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _publish(Path(temp), path, force)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _sync_folder(folder)
    return path


def _publish(temp: Path, path: Path, force: bool) -> None:
    if force:
        os.replace(temp, path)
        return
    # A hard link fails if the name appeared meanwhile: never overwrite without --force.
    try:
        os.link(temp, path)
    except FileExistsError:
        raise UsageError(f"{str(path)!r} exists: pass --force to replace it") from None
    except OSError:  # a filesystem without hard links: rename is still atomic
        if path.exists():
            raise UsageError(f"{str(path)!r} exists: pass --force to replace it") from None
        os.replace(temp, path)
        return
    os.unlink(temp)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; some platforms cannot open a folder, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
