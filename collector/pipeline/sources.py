"""Turn validated `[[sources]]` into connectors, with their tokens: from the environment
variable a source names (`token_env`), else from the OS keyring (`growthmap token set`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from collector.core.errors import UsageError
from collector.core.keyring_tokens import KEYRING, NO_KEYRING, keyring_token, store_token
from connectors.base import Connector, Runtime, SourceConfig
from connectors.errors import ConfigProblem
from connectors.registry import connector_class


@dataclass(frozen=True)
class FoundToken:
    """A source's token and where it came from, or why none was found. Never shown."""

    source: SourceConfig
    value: str  # stripped; "" when there is none
    from_keyring: bool = False
    keyring_problem: str | None = None  # why the keyring could not be asked

    @property
    def origin(self) -> str:
        return KEYRING if self.from_keyring else f"${self.source.token_env}"

    @property
    def flaw(self) -> str | None:
        return _flaw(self.value)

    def missing(self) -> str:
        """Where no token was found, e.g. "$GITHUB_TOKEN is not set and the OS keyring
        holds none"."""
        where = f"${self.source.token_env} is not set"
        if not self.source.enabled:
            return f"{where}; disabled, so {KEYRING} is not asked"
        if self.keyring_problem == NO_KEYRING:
            return f"{where}, and {NO_KEYRING}"
        return f"{where} and {self.keyring_problem or f'{KEYRING} holds none'}"


def find_token(source: SourceConfig, env: Mapping[str, str]) -> FoundToken:
    """The source's token: its variable's, which wins, else the keyring's (an enabled
    source's only), stripped of the newline a file or a Secret often leaves around it."""
    value = env.get(source.token_env, "").strip()
    if value:
        return FoundToken(source, value)
    answer = keyring_token(source)
    stored = (answer.token or "").strip()
    return FoundToken(source, stored, bool(stored), answer.problem)


class MissingToken(Exception):
    """Neither the variable named by `token_env` nor the keyring holds a token."""

    def __init__(self, found: FoundToken) -> None:
        self.source = source = found.source
        keyring = f"run `growthmap token set {source.name}`"
        if found.keyring_problem == NO_KEYRING:
            keyring = "change token_env"
        super().__init__(
            f"source {source.name!r}: no token: {found.missing()}; export "
            f"{source.token_env}=<token> (or {keyring}) and run again"
        )


@dataclass(frozen=True)
class TokenStatus:
    source: str
    origin: str  # "$NAME" or "the OS keyring"
    present: bool
    problem: str | None = None  # why a present token cannot be sent
    missing: str = ""  # where none was found, when none was


def token_status(sources: list[SourceConfig], env: Mapping[str, str]) -> list[TokenStatus]:
    """Where each source's token comes from and whether it is usable, without ever
    reading out its value."""
    statuses = []
    for source in sources:
        found = find_token(source, env)
        present = bool(found.value)
        missing = "" if present else found.missing()
        statuses.append(TokenStatus(source.name, found.origin, present, found.flaw, missing))
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
    """The source's token, from the environment or the keyring.

    A character no token has is refused with a message that never shows the value (an
    HTTP library's error would quote it, or the position of the character in it).
    """
    found = find_token(source, env)
    if not found.value:
        raise MissingToken(found)
    if found.flaw:
        hint = f"set {source.token_env} to the token alone"
        if found.from_keyring:
            hint = f"store the token alone with `growthmap token set {source.name}`"
        raise ConfigProblem(f"source {source.name!r}: {found.origin} holds {found.flaw}", hint=hint)
    return found.value


def save_token(source: SourceConfig, given: str) -> str:
    """Keep `given` (stripped) as the source's token in the OS keyring, after the checks
    a token read from there will pass; the keyring's name. UsageError if it cannot be
    sent as a token or the keyring cannot keep it."""
    token = given.strip()
    if not token:
        raise UsageError(f"source {source.name!r}: no token given; nothing was stored")
    if flaw := _flaw(token):
        raise UsageError(
            f"source {source.name!r}: the token given holds {flaw}; nothing was stored"
        )
    return store_token(source, token)


def build_connector(
    source: SourceConfig, env: Mapping[str, str], runtime: Runtime | None = None
) -> Connector:
    return connector_class(source.type)(source, read_token(source, env), runtime)


NO_SOURCE = (
    "no source is enabled, so there is nothing to collect: add a [[sources]] table "
    "(config.example.toml shows each type) or set enabled = true on one"
)


def select_sources(sources: Sequence[SourceConfig], names: Sequence[str]) -> list[SourceConfig]:
    """Enabled sources, or exactly the ones named (even if disabled) when names are given."""
    if not names:
        enabled = [s for s in sources if s.enabled]
        if not enabled:
            raise UsageError(NO_SOURCE)
        return enabled
    known = {s.name for s in sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(
            f"--source {', '.join(unknown)}: no such source; configured: "
            f"{', '.join(sorted(known)) or 'none'}"
        )
    return [s for s in sources if s.name in names]
