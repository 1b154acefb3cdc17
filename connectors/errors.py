"""The small error tree every connector translates its SDK's exceptions into.

Errors are classified by what the caller should do: `AuthError` and `ConfigProblem`
are fatal for the source until the user fixes something; `RateLimited` and
`SourceUnavailable` are worth retrying later; `NotFound` names one object that is
skipped. Messages never contain a token.
"""

from __future__ import annotations

from datetime import datetime

import requests


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


class Unreachable(SourceUnavailable):
    """No connection to the host at all (refused, unknown name, TLS failure): every other
    stream of the source would fail the same way, so the run does not try them."""


_NO_CONNECTION = (
    "failed to establish a new connection",
    "connection refused",
    "name or service not known",
    "nodename nor servname",
    "nameresolutionerror",
)


def no_connection(exc: BaseException) -> bool:
    """Whether a request never reached the server (refused, unknown host, TLS), as
    opposed to a connection that broke on the way (reset, timeout), which may heal."""
    if isinstance(exc, requests.exceptions.SSLError):
        return True
    if not isinstance(exc, requests.ConnectionError) or isinstance(exc, requests.Timeout):
        return False
    text = str(exc).lower()
    return any(sign in text for sign in _NO_CONNECTION)


def connection_failure(base_url: str, exc: BaseException) -> str:
    """What a user can act on for a connection that never opened."""
    text = str(exc).lower()
    if isinstance(exc, requests.exceptions.SSLError):
        return f"no TLS connection to {base_url} (is the scheme right, http or https?)"
    if "refused" in text:
        return f"{base_url} refused the connection (is the server up, the port right?)"
    if "name or service not known" in text or "nodename nor servname" in text:
        return f"the host of {base_url} is unknown (check base_url)"
    return f"could not connect to {base_url} ({type(exc).__name__})"


class NotFound(ConnectorError):
    """One object (a repository, a project, a user) does not exist or is not visible."""
