"""growthmap's own log file: rotating, private (0600), and scrubbed of tokens.

Unattended runs say what happened here: one line per source per run, the daemon's
decisions (next run, catch-up, backoff) and every warning. Records from growthmap's
loggers are kept from INFO up, other libraries' from WARNING up. Every line passes
through the Redactor, tracebacks included, so a token never reaches the file.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any, TextIO

from collector.core import paths
from collector.core.credentials import Redactor

LOG_NAME = "growthmap.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
run_log = logging.getLogger("growthmap.run")  # a run's summary (collect.summary)
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def default_log_path() -> Path:
    return paths.user_state_dir() / LOG_NAME


def _utc(seconds: float | None) -> time.struct_time:
    return time.gmtime(seconds)


class RedactingFormatter(logging.Formatter):
    """Formats in UTC and masks every known token in the finished text."""

    def __init__(self, redactor: Redactor, fmt: str = _FORMAT) -> None:
        super().__init__(fmt, datefmt="%Y-%m-%dT%H:%M:%SZ")
        self.converter = _utc
        self._redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self._redactor(super().format(record))


class OwnRecordsFirst(logging.Filter):
    """growthmap's records from `own` up, everyone else's from WARNING up."""

    def __init__(self, own: int = logging.INFO) -> None:
        super().__init__()
        self._own = own

    def filter(self, record: logging.LogRecord) -> bool:
        mine = record.name == "growthmap" or record.name.startswith("growthmap.")
        return record.levelno >= (self._own if mine else logging.WARNING)


class RedactFilter(logging.Filter):
    """Masks tokens in a record's message for handlers whose formatter does not."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._redactor(record.getMessage()), None
        return True


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Every file it opens, the rotated ones' successors included, is created 0600.

    A write that fails (a full disk) is said once on stderr, never as a traceback: the
    log must not stop or fail a run whose data is stored.
    """

    _complained = False

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, 0o600)  # tighten a file some other tool created with looser bits
        return open(fd, "a", encoding=self.encoding)

    def handleError(self, record: logging.LogRecord) -> None:
        if not self._complained:
            self._complained = True
            error = sys.exc_info()[1]
            said = getattr(error, "strerror", None) or error
            message = f"warning: cannot write the log file {self.baseFilename}: {said}"
            print(message, file=sys.stderr)

    def close(self) -> None:
        # The last flush may fail as the writes did: said once by handleError already.
        with contextlib.suppress(OSError):
            super().close()


def open_log_file(path: Path, redactor: Redactor) -> logging.Handler:
    """A handler appending to `path` (folder created 0700); OSError if it cannot."""
    paths.ensure_private_dir(path.parent)
    handler = PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(RedactingFormatter(redactor))
    handler.addFilter(OwnRecordsFirst())
    return handler


class CurrentStderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a record arrives (a live display or a test
    runner may have replaced it since the handler was made)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class OthersOnly(logging.Filter):
    """Only records that are not growthmap's own (theirs are shown by its own handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "growthmap" or record.name.startswith("growthmap."))


@dataclass
class _Snapshot:
    """A logger's level, propagation and its handlers' settings, to put back later."""

    logger: logging.Logger
    level: int
    propagate: bool
    handlers: list[tuple[logging.Handler, int, list[Any], logging.Formatter | None]]

    @classmethod
    def take(cls, logger: logging.Logger) -> _Snapshot:
        kept = [(h, h.level, list(h.filters), h.formatter) for h in logger.handlers]
        return cls(logger, logger.level, logger.propagate, kept)

    def restore(self) -> None:
        self.logger.setLevel(self.level)
        self.logger.propagate = self.propagate
        for handler, level, filters, formatter in self.handlers:
            handler.setLevel(level)
            handler.filters[:] = filters
            handler.setFormatter(formatter)


@contextmanager
def logging_to_file(
    path: Path | None, redactor: Redactor, *, console_info: bool = False, debug: bool = False
) -> Iterator[Path | None]:
    """While inside: growthmap's INFO records go to the log file (and, with `console_info`,
    to stderr too, as the daemon wants); other libraries' warnings go to both. A file that
    cannot be opened is reported once on stderr and skipped: logging must never stop a
    run. Yields the path in use, or None. Everything is put back on the way out."""
    root, own = logging.getLogger(), logging.getLogger("growthmap")
    snapshots = [_Snapshot.take(root), _Snapshot.take(own)]
    added: list[tuple[logging.Logger, logging.Handler]] = []
    target: Path | None = path or default_log_path()
    try:
        added.append((root, open_log_file(path or default_log_path(), redactor)))
    except OSError as exc:
        print(f"warning: cannot write the log file {target}: {exc.strerror}", file=sys.stderr)
        target = None
    _tune_console(own, redactor, console_info, debug)
    if console_info and not own.handlers:
        console: logging.Handler = CurrentStderrHandler()
        console.setFormatter(RedactingFormatter(redactor, _CONSOLE_FORMAT))
        added.append((own, console))
    if target is not None and not root.handlers:
        # The file handler on root would hide other libraries' warnings from stderr
        # (logging's last resort only speaks when no handler exists): keep showing them.
        added.append((root, _others_on_stderr(redactor)))
    # growthmap's records reach the file through root; its own handlers still show them.
    own.propagate = True
    own.setLevel(min(own.getEffectiveLevel(), logging.DEBUG if debug else logging.INFO))
    for logger, handler in added:
        logger.addHandler(handler)
    try:
        yield target
    finally:
        for logger, handler in added:
            logger.removeHandler(handler)
            handler.close()
        for snapshot in snapshots:
            snapshot.restore()


def _others_on_stderr(redactor: Redactor) -> logging.Handler:
    others = CurrentStderrHandler()
    others.setLevel(logging.WARNING)
    others.addFilter(OthersOnly())
    others.setFormatter(RedactingFormatter(redactor, "%(levelname)s %(name)s: %(message)s"))
    return others


def _tune_console(own: logging.Logger, redactor: Redactor, console_info: bool, debug: bool) -> None:
    """growthmap's own console handlers: tokens masked; INFO shown only for the daemon."""
    for handler in own.handlers:
        handler.addFilter(RedactFilter(redactor))
        if console_info:  # a foreground daemon's lines want their time
            handler.setFormatter(RedactingFormatter(redactor, _CONSOLE_FORMAT))
            if handler.level > logging.INFO:
                handler.setLevel(logging.INFO)
        if not debug:
            handler.addFilter(OwnRecordsFirst(logging.INFO if console_info else logging.WARNING))
        if not console_info:  # the command prints its summary itself; the log keeps a copy
            handler.addFilter(lambda record: record.name != run_log.name)
