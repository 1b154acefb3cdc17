"""A credential and every form it travels in, so that none is ever quoted back.

A server, or a proxy in front of it, may echo the request's headers or URL in an error
body; an HTTP library may put the header in an exception. The token then shows up not as
itself but as `token <t>`, `Bearer <t>`, `Basic base64(user:t)`, or URL-encoded.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

MASK = "***"
_SHORTEST = 6  # shorter values would mask ordinary words; no real token is that short


def credential_forms(secret: str, users: Iterable[str] = ()) -> set[str]:
    """Every form of `secret` a message could carry (prefixed forms are covered by the
    bare value; Basic forms are not, as base64 hides it)."""
    secret = secret.strip()
    if len(secret) < _SHORTEST:
        return set()
    forms = {secret, repr(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}
    forms.add(_b64(secret))
    for user in users:
        pair = f"{user}:{secret}"
        forms |= {_b64(pair), _b64(pair).rstrip("="), quote(pair, safe="")}
    forms.add(_b64(secret).rstrip("="))
    return {f for f in forms if len(f) >= _SHORTEST}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


@dataclass(frozen=True)
class Secrets:
    """The forms of one source's credentials; `mask` replaces them in any text."""

    forms: tuple[str, ...] = ()

    @classmethod
    def of(cls, secret: str, users: Iterable[str] = ()) -> Secrets:
        # Longest first: a form that contains another is masked whole.
        return cls(tuple(sorted(credential_forms(secret, users), key=len, reverse=True)))

    def mask(self, text: str) -> str:
        for form in self.forms:
            if form in text:
                text = text.replace(form, MASK)
        return text
