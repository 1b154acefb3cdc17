"""A credential and every form it travels in, so that none is ever shown.

A server, or a proxy in front of it, may echo the request's headers or URL in an error
body; an HTTP library may put the header in an exception. The token then shows up not as
itself but URL-encoded, JSON- or HTML-escaped, as base64 (alone, or inside
`Basic base64(user:token)` for any user), or cut short by a message's length limit.
`Secrets` knows those forms and masks them; the connectors mask upstream text they quote
with it, and the collector's `Redactor` builds on it for everything growthmap outputs.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

import re2

MASK = "***"
SHORTEST = 6  # shorter values would mask ordinary words; tokens are never that short
CUT = 12  # a credential form cut short still leaks from this many characters on
_URLSAFE = str.maketrans("+/", "-_")
_LOWER_ESCAPES = re.compile(r"%[0-9A-F]{2}")


@dataclass(frozen=True)
class Credential:
    """A secret value and the users it may be sent with."""

    secret: str
    users: tuple[str, ...] = ()


class Secrets:
    """Every form of some credentials; `mask` replaces them in any text, `holds` tells
    whether text holds one (one linear scan)."""

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
        pattern = b"|".join(re2.escape(utf8(n)) for n in sorted(needles))
        self._maybe = compile_re2(pattern) if needles else None

    @classmethod
    def of(cls, secret: str, users: Iterable[str] = ()) -> Secrets:
        return cls([Credential(secret, tuple(users))])

    @property
    def knows_credentials(self) -> bool:
        return self._maybe is not None

    def holds(self, text: str) -> bool:
        return self.holds_bytes(utf8(text))

    def holds_bytes(self, data: bytes) -> bool:
        return self._maybe is not None and self._maybe.search(data) is not None

    def mask(self, text: str) -> str:
        """`text` with every known form, whole or cut short, replaced by `***`."""
        if not self.holds(text):
            return text
        return _masked(text, sorted(self._spans(text)))

    def _spans(self, text: str) -> Iterator[tuple[int, int]]:
        for form in self._whole:
            yield from _occurrences(text, form)
        for form in self._partial:
            yield from _cut_occurrences(text, form)


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


def compile_re2(pattern: bytes) -> Any:
    """RE2: linear in the text, whatever it holds."""
    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options)


def utf8(text: str) -> bytes:
    """RE2 reads UTF-8; a lone surrogate (a file name Python could not decode) too."""
    return text.encode("utf-8", "surrogatepass")


def _positions(text: str, needle: str) -> Iterator[int]:
    found = text.find(needle)
    while found >= 0:
        yield found
        found = text.find(needle, found + 1)
