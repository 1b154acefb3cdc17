"""The small error tree every connector translates its SDK's exceptions into.

Errors are classified by what the caller should do: `AuthError` and `ConfigProblem`
are fatal for the source until the user fixes something; `RateLimited` and
`SourceUnavailable` are worth retrying later; `NotFound` names one object that is
skipped. Messages never contain a token.
"""

from __future__ import annotations

from datetime import datetime


class ConnectorError(Exception):
    """A source could not be read. `str(error)` is a message a user can act on."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint

    def user_message(self) -> str:
        text = str(self)
        return f"{text} — {self.hint}" if self.hint else text


class AuthError(ConnectorError):
    """The token is missing, invalid, expired or lacks a scope."""

    hint = "check the token in the environment variable named by token_env"


class ConfigProblem(ConnectorError):
    """The source's configuration cannot work (unknown login, invalid JQL, ...)."""


class RateLimited(ConnectorError):
    """The API's rate limit would need a longer wait than allowed."""

    def __init__(self, message: str, *, reset_at: datetime | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint or "the next run continues where this one stopped")
        self.reset_at = reset_at


class SourceUnavailable(ConnectorError):
    """The server kept failing (5xx, timeouts, dropped connections) after retries."""

    hint = "the next run retries; nothing collected so far is lost"


class NotFound(ConnectorError):
    """One object (a repository, a project, a user) does not exist or is not visible."""
