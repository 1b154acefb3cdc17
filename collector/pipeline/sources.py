"""Turn validated `[[sources]]` into connectors, with their tokens from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from connectors.base import Connector, Runtime, SourceConfig
from connectors.errors import ConfigProblem
from connectors.registry import connector_class


class MissingToken(Exception):
    """The environment variable named by `token_env` is unset or empty."""

    def __init__(self, source: SourceConfig) -> None:
        self.source = source
        super().__init__(
            f"source {source.name!r}: the environment variable {source.token_env} is not set; "
            f"export {source.token_env}=<token> (or change token_env) and run again"
        )


@dataclass(frozen=True)
class TokenStatus:
    source: str
    variable: str
    present: bool
    problem: str | None = None  # why a present token cannot be sent


def token_status(sources: list[SourceConfig], env: Mapping[str, str]) -> list[TokenStatus]:
    """Whether each source's token is present and usable, without ever reading out its value."""
    statuses = []
    for source in sources:
        token = env.get(source.token_env, "").strip()
        statuses.append(TokenStatus(source.name, source.token_env, bool(token), _flaw(token)))
    return statuses


def _flaw(token: str) -> str | None:
    """What in `token` no token holds. Tokens are ASCII: anything else (an emoji, a curly
    quote pasted from a document) cannot even be put in an HTTP header."""
    if any(c.isspace() or not c.isprintable() for c in token):
        return "spaces or control characters inside the token"
    if not token.isascii():
        return "a character outside ASCII (tokens have none)"
    return None


def read_token(source: SourceConfig, env: Mapping[str, str]) -> str:
    """The source's token, without the newline a file or a Secret often leaves around it.

    A character no token has is refused with a message that never shows the value (an
    HTTP library's error would quote it, or the position of the character in it).
    """
    token = env.get(source.token_env, "").strip()
    if not token:
        raise MissingToken(source)
    flaw = _flaw(token)
    if flaw:
        raise ConfigProblem(
            f"source {source.name!r}: ${source.token_env} holds {flaw}",
            hint=f"set {source.token_env} to the token alone",
        )
    return token


def build_connector(
    source: SourceConfig, env: Mapping[str, str], runtime: Runtime | None = None
) -> Connector:
    return connector_class(source.type)(source, read_token(source, env), runtime)
