"""Exit codes and the errors the CLI turns into messages. Defined once, here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    SOURCE_FAILED = 1
    BAD_INPUT = 2
    LOCKED = 3
    INTERRUPTED = 130  # Ctrl-C / SIGTERM: the shell convention, 128 + SIGINT


class GrowthmapError(Exception):
    """An error with a message a user can act on; the CLI prints it without a traceback."""

    exit_code: ExitCode = ExitCode.BAD_INPUT


class UsageError(GrowthmapError):
    """A malformed option or argument."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file: where, which key, what was expected."""

    file: str
    key: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {self.message}"


class ConfigInvalid(GrowthmapError):
    """Every problem found in a config or rule file, reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in the configuration:\n{lines}")


class SourcesFailed(GrowthmapError):
    """One or more sources could not be reached or refused the request."""

    exit_code = ExitCode.SOURCE_FAILED


class LedgerLocked(GrowthmapError):
    """Another run holds the ledger's collect lock."""

    exit_code = ExitCode.LOCKED


class LedgerError(GrowthmapError):
    """The ledger cannot be opened or migrated."""
