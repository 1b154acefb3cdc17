"""Keep credentials out of everything growthmap prints, logs or stores.

The forms a credential travels in are `connectors.http.secrets`'s (the connectors mask
upstream text with the same); here: which credentials, shapes of unknown ones, and the
output paths.

One `Redactor`, built from the settings and the environment, knows every credential
(each source's token, from its variable or the OS keyring, the ledger URL's password,
any `*_TOKEN` / `*_PASSWORD`-like variable) and the forms a server, a proxy or a library
may show it in: stripped and escaped (JSON, HTML, repr), URL-encoded, base64 of the
token alone at any alignment (so inside `Basic base64(anyone:token)` too) and
`Basic base64(user:token)` for every user a source config names (Jira Cloud's `email`).
A form cut short (a message limited to N characters) is masked as far as it goes.
Credential-shaped text of unknown origin (`Authorization: Basic …`, `Private-Token: …`,
session cookies) is masked as well.

Every output path goes through it: command output and errors, exports to stdout
included (`redacted_output` around each command), export files, the log file, the
ledger's run rows, `config check --online`, the daemon's log; and items are scrubbed
before they are stored (`scrub`), so the ledger and what is drawn from it stay clean.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TextIO

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from collector.core.keyring_tokens import keyring_token
from connectors.base import SourceConfig
from connectors.http.secrets import MASK, Credential, Secrets, compile_re2, utf8

# Variables that hold a credential by their name (GITHUB_TOKEN, PGPASSWORD, X_API_KEY).
_CREDENTIAL_VARIABLE = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|_PAT|API_?KEY|ACCESS_KEY)$", re.IGNORECASE
)
# Config fields naming the user a credential may be sent with (`Basic user:token`).
USER_FIELDS = ("email", "login", "username", "user")


class Configured(Protocol):
    """What a Redactor reads of the settings (`collector.config.Settings`), which sit
    above this module."""

    @property
    def sources(self) -> Sequence[SourceConfig]: ...

    @property
    def ledger_url(self) -> str: ...


class Redactor(Secrets):
    """Replaces every known credential form in text with `***`, and credential-shaped
    text of unknown origin too."""

    @classmethod
    def for_settings(cls, settings: Configured | None, env: Mapping[str, str]) -> Redactor:
        """Every credential the settings name and the environment holds."""
        if settings is None:
            return cls(known_credentials(env, ()))
        return cls.for_sources(settings.sources, env, settings.ledger_url)

    @classmethod
    def for_sources(
        cls, sources: Sequence[SourceConfig], env: Mapping[str, str], ledger_url: str | None = None
    ) -> Redactor:
        credentials = [*known_credentials(env, sources)]
        if ledger_url and (password := _url_password(ledger_url)):
            credentials.append(Credential(password))
        return cls(credentials)

    def __call__(self, text: str) -> str:
        text = self.mask(text)
        data = utf8(text)
        if _SHAPE_WORDS.search(data):
            text = _mask_shapes(data).decode("utf-8", "surrogatepass")
        return text

    def redact_bytes(self, data: bytes) -> bytes:
        """`data` as UTF-8 text, redacted (bytes that are not UTF-8 pass as they are)."""
        if not self.holds_bytes(data) and not _SHAPE_WORDS.search(data):
            return data  # not even decoded: most exports
        text = data.decode("utf-8", "surrogateescape")
        redacted = self(text)
        return data if redacted == text else redacted.encode("utf-8", "surrogateescape")

    def holds_credential(self, text: str) -> bool:
        """Whether `text` holds a known credential form (one linear scan)."""
        return self.holds(text)

    def scrub(self, value: Any) -> Any:
        """`value` (a string, or lists, tuples and mappings of them) with the known
        credential forms masked. Shapes are left alone: this is for data (an item's
        fields), where `Authorization: Bearer <example>` in a document is content."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, Mapping):
            return {self.scrub(k): self.scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.scrub(v) for v in value)
        return value


def known_credentials(
    env: Mapping[str, str], sources: Sequence[SourceConfig]
) -> Iterator[Credential]:
    """Each source's token (its variable's, else the keyring's: the one it is sent with)
    with the users it names, then every other variable whose name says it holds a
    credential."""
    named = set()
    for source in sources:
        named.add(source.token_env)
        users = tuple(u for f in USER_FIELDS if isinstance(u := getattr(source, f, None), str))
        token = env.get(source.token_env, "")
        if not token.strip():
            token = keyring_token(source).token or ""
        yield Credential(token, users)
    for name, value in env.items():
        if name not in named and _CREDENTIAL_VARIABLE.search(name):
            yield Credential(value)


# Credential-shaped text whoever's it is: a header that carries one, followed by a long
# run of token characters (a prose "authorization for this" does not match), a scheme
# with a value that holds a digit, a cookie's name=value pairs. A value partly masked
# already (`YWxp…***`) is masked as a whole.
_TOKEN_RUN = rb"[A-Za-z0-9+/=._~%*-]{16,}"
_HEADER = compile_re2(
    rb"(?i)(\b(?:proxy-)?authorization|\bprivate-token|\bjob-token|\bx-api-key|\bx-auth-token)"
    rb"(\W{1,8}?(?:(?:basic|bearer|token|digest)(?:\s+|%20|\+))?)" + _TOKEN_RUN
)
_SCHEME = compile_re2(rb"(?i)\b(basic|bearer)(\s+|%20|\+)(" + _TOKEN_RUN + b")")
_COOKIE = compile_re2(rb"(?i)(\b(?:set-)?cookie\W{1,4}?)((?:[\w.-]+=[^;,\"'\s]+[;,]?[ \t]*)+)")
_SHAPE_WORDS = compile_re2(rb"(?i)authorization|-token|api-key|basic|bearer|cookie")
_MASK = MASK.encode()


def _mask_shapes(data: bytes) -> bytes:
    data = _HEADER.sub(lambda m: m.group(1) + m.group(2) + _MASK, data)
    data = _SCHEME.sub(_scheme_value, data)
    return _COOKIE.sub(lambda m: m.group(1) + _MASK, data)  # type: ignore[no-any-return]


def _scheme_value(match: Any) -> bytes:
    value: bytes = match.group(3)
    if not any(c in b"0123456789" for c in value.replace(_MASK, b"")):
        return match.group(0)  # type: ignore[no-any-return]  # "Basic authentication" is prose
    return match.group(1) + match.group(2) + _MASK  # type: ignore[no-any-return]


def _url_password(url: str) -> str | None:
    try:
        return make_url(url).password
    except ArgumentError:
        return None


class RedactingStream:
    """A text stream (stdout, stderr) that redacts every write, and whose `buffer`
    redacts bytes written to it (exports go there). Everything else is the stream's."""

    def __init__(self, stream: TextIO, redactor: Callable[[], Redactor]) -> None:
        self._stream = stream
        self._redactor = redactor

    def write(self, text: str) -> int:
        self._stream.write(self._redactor()(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    @property
    def buffer(self) -> _RedactingBuffer:
        return _RedactingBuffer(self._stream.buffer, self._redactor)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _RedactingBuffer:
    def __init__(self, buffer: Any, redactor: Callable[[], Redactor]) -> None:
        self._buffer = buffer
        self._redactor = redactor

    def write(self, data: bytes) -> int:
        self._buffer.write(self._redactor().redact_bytes(bytes(data)))
        return len(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


@contextmanager
def redacted_output(redactor: Callable[[], Redactor]) -> Iterator[None]:
    """While inside, stdout and stderr (and their byte buffers) pass through the redactor
    `redactor()` returns at each write: a command's settings load half-way."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout, redactor)
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr, redactor)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
