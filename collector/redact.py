"""Keep credentials out of everything growthmap prints, logs or stores.

One `Redactor`, built from the settings and the environment, knows every credential
(each source's token, the ledger URL's password, any `*_TOKEN` / `*_PASSWORD`-like
variable) and the forms a server, a proxy or a library may show it in: stripped and
escaped (JSON, HTML, repr), URL-encoded, base64 of the token alone at any alignment (so
inside `Basic base64(anyone:token)` too) and `Basic base64(user:token)` for every user a
source config names (Jira Cloud's `email`). A form cut short (a message limited to N
characters) is masked as far as it goes. Credential-shaped text of unknown origin
(`Authorization: Basic …`, `Private-Token: …`, session cookies) is masked as well.

Every output path goes through it: command output and errors, exports to stdout
included (`redacted_output` around each command), export files, the log file, the
ledger's run rows, `config check --online`, the daemon's log; and items are scrubbed
before they are stored (`scrub`), so the ledger and what is drawn from it stay clean.
"""

from __future__ import annotations

import base64
import html
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote, quote_plus

import re2
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

if TYPE_CHECKING:
    from collector.config import Settings
    from connectors.base import SourceConfig

MASK = "***"
SHORTEST = 6  # shorter values would mask ordinary words; tokens are never that short
CUT = 12  # a credential form cut short still leaks from this many characters on
# Variables that hold a credential by their name (GITHUB_TOKEN, PGPASSWORD, X_API_KEY).
_CREDENTIAL_VARIABLE = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|_PAT|API_?KEY|ACCESS_KEY)$", re.IGNORECASE
)
# Config fields naming the user a credential may be sent with (`Basic user:token`).
USER_FIELDS = ("email", "login", "username", "user")
_URLSAFE = str.maketrans("+/", "-_")
_LOWER_ESCAPES = re.compile(r"%[0-9A-F]{2}")


@dataclass(frozen=True)
class Credential:
    """A secret value and the users it may be sent with."""

    secret: str
    users: tuple[str, ...] = ()


class Redactor:
    """Replaces every known credential form in text with `***`."""

    def __init__(self, secrets: Iterable[str | Credential] = ()) -> None:
        whole: set[str] = set()
        partial: set[str] = set()
        for item in secrets:
            credential = item if isinstance(item, Credential) else Credential(item)
            token_forms, user_forms = derived_forms(credential)
            partial |= token_forms
            whole |= user_forms
        # Forms long enough that a part of them is still a secret; a search for their
        # start finds them whole too.
        self._partial = sorted((f for f in partial if len(f) >= CUT + 4), key=len, reverse=True)
        self._whole = sorted((whole | partial) - set(self._partial), key=len, reverse=True)
        # One linear RE2 pass tells whether any form may occur: then, and only then, the
        # exact search below runs (an export of megabytes costs one scan, not dozens).
        needles = {*self._whole, *(f[:CUT] for f in self._partial)}
        needles |= {f[-CUT:] for f in self._partial}
        pattern = b"|".join(re2.escape(_utf8(n)) for n in sorted(needles))
        self._maybe = _compile(pattern) if needles else None

    @classmethod
    def for_settings(cls, settings: Settings | None, env: Mapping[str, str]) -> Redactor:
        """Every credential the settings name and the environment holds."""
        if settings is None:
            return cls(environment_credentials(env, ()))
        return cls.for_sources(settings.sources, env, settings.ledger_url)

    @classmethod
    def for_sources(
        cls, sources: Sequence[SourceConfig], env: Mapping[str, str], ledger_url: str | None = None
    ) -> Redactor:
        credentials = [*environment_credentials(env, sources)]
        if ledger_url and (password := _url_password(ledger_url)):
            credentials.append(Credential(password))
        return cls(credentials)

    def __call__(self, text: str) -> str:
        data = _utf8(text)
        if self._may_hold_form(data):
            text = _masked(text, sorted(self._spans(text)))
            data = _utf8(text)
        if _SHAPE_WORDS.search(data):
            text = _mask_shapes(data).decode("utf-8", "surrogatepass")
        return text

    def redact_bytes(self, data: bytes) -> bytes:
        """`data` as UTF-8 text, redacted (bytes that are not UTF-8 pass as they are)."""
        if not self._may_hold_form(data) and not _SHAPE_WORDS.search(data):
            return data  # not even decoded: most exports
        text = data.decode("utf-8", "surrogateescape")
        redacted = self(text)
        return data if redacted == text else redacted.encode("utf-8", "surrogateescape")

    @property
    def knows_credentials(self) -> bool:
        return self._maybe is not None

    def holds_credential(self, text: str) -> bool:
        """Whether `text` holds a known credential form (one linear scan)."""
        return self._may_hold_form(_utf8(text))

    def scrub(self, value: Any) -> Any:
        """`value` (a string, or lists, tuples and mappings of them) with the known
        credential forms masked. Shapes are left alone: this is for data (an item's
        fields), where `Authorization: Bearer <example>` in a document is content."""
        if isinstance(value, str):
            if not self.holds_credential(value):
                return value
            return _masked(value, sorted(self._spans(value)))
        if isinstance(value, Mapping):
            return {self.scrub(k): self.scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.scrub(v) for v in value)
        return value

    def _may_hold_form(self, data: bytes) -> bool:
        return self._maybe is not None and self._maybe.search(data) is not None

    def _spans(self, text: str) -> Iterator[tuple[int, int]]:
        for form in self._whole:
            yield from _occurrences(text, form)
        for form in self._partial:
            yield from _cut_occurrences(text, form)


def environment_credentials(
    env: Mapping[str, str], sources: Sequence[SourceConfig]
) -> Iterator[Credential]:
    """Each source's token with the users it names, then every other variable whose
    name says it holds a credential."""
    named = set()
    for source in sources:
        named.add(source.token_env)
        users = tuple(u for f in USER_FIELDS if isinstance(u := getattr(source, f, None), str))
        yield Credential(env.get(source.token_env, ""), users)
    for name, value in env.items():
        if name not in named and _CREDENTIAL_VARIABLE.search(name):
            yield Credential(value)


def derived_forms(credential: Credential) -> tuple[set[str], set[str]]:
    """(forms of the secret itself, `user:secret` forms), each as it may be presented."""
    secret = credential.secret.strip()
    if len(secret) < SHORTEST:
        return set(), set()
    raw = {secret}
    user_forms: set[str] = set()
    for encoded in _encodings(secret):
        raw |= _base64_cores(encoded)
        raw.add(base64.b64encode(encoded).decode())
        for user in credential.users:
            pair = base64.b64encode(user.encode("utf-8") + b":" + encoded).decode()
            user_forms |= {pair, pair.translate(_URLSAFE)}
    token_forms = {p for form in raw for p in _presentations(form) if len(p) >= SHORTEST}
    return token_forms, {p for form in user_forms for p in _presentations(form)}


def _encodings(secret: str) -> list[bytes]:
    """How an HTTP library may encode it: UTF-8, or Latin-1 (requests' basic auth)."""
    found = [secret.encode("utf-8")]
    with suppress(UnicodeEncodeError):
        found.append(secret.encode("latin-1"))
    return list(dict.fromkeys(found))


def _base64_cores(data: bytes) -> set[str]:
    """The characters of base64 that depend on `data` alone, for each of the three
    positions it may start at inside a longer value (`user:token`, `token:x`)."""
    cores = set()
    for shift in range(3):
        encoded = base64.b64encode(bytes(shift) + data).decode()
        first, end = -(-shift * 8 // 6), 8 * (shift + len(data)) // 6
        core = encoded[first:end]
        cores |= {core, core.translate(_URLSAFE)}
    return cores


def _presentations(form: str) -> set[str]:
    """The form as text may carry it: as is, URL-encoded (either hex case), JSON- or
    HTML-escaped, in a Python repr, with JSON's optional `\\/`."""
    quoted = quote(form, safe="")
    shown = {
        form,
        quoted,
        quote_plus(form, safe=""),
        _LOWER_ESCAPES.sub(lambda m: m.group(0).lower(), quoted),
        json.dumps(form)[1:-1],
        json.dumps(form, ensure_ascii=False)[1:-1],
        form.replace("/", "\\/"),
        html.escape(form),
        repr(form)[1:-1],
    }
    return {s for s in shown if s}


def _occurrences(text: str, form: str) -> Iterator[tuple[int, int]]:
    return ((start, start + len(form)) for start in _positions(text, form))


def _cut_occurrences(text: str, form: str) -> Iterator[tuple[int, int]]:
    """Where the form's start, or its end, shows for at least CUT characters."""
    for start in _positions(text, form[:CUT]):
        end = start + CUT
        while end < len(text) and end - start < len(form) and text[end] == form[end - start]:
            end += 1
        yield start, end
    for end in (found + CUT for found in _positions(text, form[-CUT:])):
        begin, offset = end - CUT, len(form) - CUT  # where the tail starts in the form
        while begin > 0 and offset > 0 and text[begin - 1] == form[offset - 1]:
            begin, offset = begin - 1, offset - 1
        yield begin, end


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each (sorted) span replaced by a mask; touching spans share one."""
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, position = [], 0
    for start, end in merged:
        parts += [text[position:start], MASK]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _compile(pattern: bytes) -> Any:
    """RE2: linear in the text, whatever it holds."""
    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options)


# Credential-shaped text whoever's it is: a header that carries one, followed by a long
# run of token characters (a prose "authorization for this" does not match), a scheme
# with a value that holds a digit, a cookie's name=value pairs. A value partly masked
# already (`YWxp…***`) is masked as a whole.
_TOKEN_RUN = rb"[A-Za-z0-9+/=._~%*-]{16,}"
_HEADER = _compile(
    rb"(?i)(\b(?:proxy-)?authorization|\bprivate-token|\bjob-token|\bx-api-key|\bx-auth-token)"
    rb"(\W{1,8}?(?:(?:basic|bearer|token|digest)(?:\s+|%20|\+))?)" + _TOKEN_RUN
)
_SCHEME = _compile(rb"(?i)\b(basic|bearer)(\s+|%20|\+)(" + _TOKEN_RUN + b")")
_COOKIE = _compile(rb"(?i)(\b(?:set-)?cookie\W{1,4}?)((?:[\w.-]+=[^;,\"'\s]+[;,]?[ \t]*)+)")
_SHAPE_WORDS = _compile(rb"(?i)authorization|-token|api-key|basic|bearer|cookie")
_MASK = MASK.encode()


def _utf8(text: str) -> bytes:
    """RE2 reads UTF-8; a lone surrogate (a file name Python could not decode) too."""
    return text.encode("utf-8", "surrogatepass")


def _mask_shapes(data: bytes) -> bytes:
    data = _HEADER.sub(lambda m: m.group(1) + m.group(2) + _MASK, data)
    data = _SCHEME.sub(_scheme_value, data)
    return _COOKIE.sub(lambda m: m.group(1) + _MASK, data)  # type: ignore[no-any-return]


def _positions(text: str, needle: str) -> Iterator[int]:
    found = text.find(needle)
    while found >= 0:
        yield found
        found = text.find(needle, found + 1)


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
