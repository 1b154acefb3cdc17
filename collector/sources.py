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


def token_status(sources: list[SourceConfig], env: Mapping[str, str]) -> list[TokenStatus]:
    """Whether each source's token is present, without ever reading out its value."""
    return [
        TokenStatus(s.name, s.token_env, bool(env.get(s.token_env, "").strip())) for s in sources
    ]


def read_token(source: SourceConfig, env: Mapping[str, str]) -> str:
    """The source's token, without the newline a file or a Secret often leaves around it.

    Whitespace or control characters inside it cannot be part of a token: refused with a
    message that never shows the value (an HTTP library's error would quote it).
    """
    token = env.get(source.token_env, "").strip()
    if not token:
        raise MissingToken(source)
    if any(c.isspace() or not c.isprintable() for c in token):
        raise ConfigProblem(
            f"source {source.name!r}: ${source.token_env} holds spaces or control characters "
            "inside the token",
            hint=f"set {source.token_env} to the token alone",
        )
    return token


def build_connector(
    source: SourceConfig, env: Mapping[str, str], runtime: Runtime | None = None
) -> Connector:
    return connector_class(source.type)(source, read_token(source, env), runtime)
