"""Keep token values out of every message growthmap prints or stores."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

MASK = "***"


class Redactor:
    """Replaces known secret values in text. Short values are ignored (they would mask
    ordinary words), tokens are never that short."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # A value with a stray newline may show up stripped, or escaped inside a repr.
        forms = {f for s in secrets for f in (s, s.strip(), repr(s.strip())[1:-1])}
        self._secrets = sorted({s for s in forms if len(s) >= 6}, key=len, reverse=True)

    @classmethod
    def from_env(cls, variables: Iterable[str], env: Mapping[str, str]) -> Redactor:
        return cls(env.get(name, "") for name in variables)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text
