"""What every command shares: the loaded settings, the ledger, and error handling."""

from __future__ import annotations

import difflib
import functools
import logging
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from collector.config import Settings, load_settings
from collector.core.credentials import Redactor, redacted_output
from collector.core.errors import ExitCode, GrowthmapError, UsageError
from collector.core.textsafe import json_line
from collector.ledger import Ledger, LedgerFailure, failure_message, open_ledger

P = ParamSpec("P")
R = TypeVar("R")

# Piped or redirected, rich would lay tables out for 80 columns and cut rule ids and
# titles; a pipe has no width, so lines may be as long as they need ($COLUMNS still wins).
_PIPE_WIDTH = 200
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(
    highlight=False,
    soft_wrap=True,
    width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else _PIPE_WIDTH,
)


@dataclass
class AppState:
    """Per-invocation state, created by the app callback and kept on the Typer context."""

    config_path: Path | None = None
    debug: bool = False
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    _settings: Settings | None = None
    _ledger: Ledger | None = None
    _redactor: Redactor | None = None
    _redacting_for: Settings | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path, self.env)
        return self._settings

    def ledger(self) -> Ledger:
        if self._ledger is None:
            settings = self.settings()
            self._ledger = open_ledger(settings.ledger_url, settings.owner.key)
        return self._ledger

    def redactor(self) -> Redactor:
        """Built once from the settings and the environment (from the environment alone
        until the settings are loaded, or when they cannot be)."""
        if self._redactor is None or self._redacting_for is not self._settings:
            self._redactor = Redactor.for_settings(self._settings, self.env)
            self._redacting_for = self._settings
        return self._redactor

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()


# Row ids are signed 64-bit integers in SQLite and PostgreSQL: a larger number names no
# row, and the drivers refuse even to look it up.
LARGEST_ROW_ID = 2**63 - 1


def row_id(text: str) -> int | None:
    """The row id `text` spells in ASCII digits, or None when it cannot name a row."""
    value = text.strip()
    if not value.isascii() or not value.isdigit() or len(value) > len(str(LARGEST_ROW_ID)):
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ROW_ID else None


def check_known(option: str, given: Iterable[str], known: Iterable[str]) -> None:
    """UsageError (exit 2) for the first value of `option` that is not in `known`: a
    filter's typo must not read as "nothing found"."""
    choices = sorted(set(known))
    for value in given:
        if value in choices:
            continue
        close = difflib.get_close_matches(value, choices, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UsageError(
            f"{option} {value!r} is unknown; {hint}known: {', '.join(choices) or 'none'}"
        )


class ListFormat(StrEnum):
    table = "table"
    json = "json"


ListFormatOption = Annotated[
    ListFormat, typer.Option("--format", help="table, or json (one object per line).")
]


def print_json_lines(values: Iterable[object]) -> None:
    """One JSON object per line, safe to print (`--format json` of every list)."""
    for value in values:
        print(json_line(value))


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        dir_okay=False,
        help="Config file (default: $GROWTHMAP_CONFIG, then the user config dir).",
    ),
]


def state(ctx: typer.Context, config: Path | None = None) -> AppState:
    """The invocation's state; a command's own --config overrides the global one."""
    obj = ctx.find_root().obj
    assert isinstance(obj, AppState)
    if config is not None:
        obj.config_path = config
    return obj


# Typer hands a command its (vendored) click Context, which typer.Context only subclasses.
_CLICK_CONTEXT: type = typer.Context.__bases__[0]


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn growthmap's errors into a message on stderr and the exit code; no traceback
    unless --debug. Everything the command writes to stdout and stderr, its errors
    included, passes through the invocation's redactor."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        found = (a for a in (*args, *kwargs.values()) if isinstance(a, _CLICK_CONTEXT))
        ctx: Any = next(found, None)
        app = state(ctx) if ctx is not None else AppState()
        with redacted_output(app.redactor):
            return _run(func, app.debug, *args, **kwargs)

    return wrapper


def _run(func: Callable[P, R], debug: bool, *args: P.args, **kwargs: P.kwargs) -> R:
    try:
        return func(*args, **kwargs)
    except GrowthmapError as exc:
        _fail(str(exc), exc.exit_code, debug)
    except LedgerFailure as exc:
        _fail(failure_message(exc), ExitCode.SOURCE_FAILED, debug)
    except KeyboardInterrupt:
        print("interrupted; everything stored so far is kept", file=sys.stderr)
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except BrokenPipeError:
        _quiet_after_closed_pipe()
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug: say so plainly, traceback only with --debug
        _fail(
            f"unexpected error: {type(exc).__name__}: {exc} "
            "(run with --debug for details, and please report it)",
            ExitCode.SOURCE_FAILED,
            debug,
        )


def _quiet_after_closed_pipe() -> NoReturn:
    """The reader went away (`growthmap items | head`): that is no error. Python's own
    flush of stdout at exit must not complain either, so stdout points at /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(ExitCode.OK)


def _fail(message: str, code: ExitCode, debug: bool) -> NoReturn:
    if debug:
        logging.getLogger("growthmap").exception("error")
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(int(code))
