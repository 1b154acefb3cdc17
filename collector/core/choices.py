"""The closest of a few known names to one a user typed, for messages that name it."""

from __future__ import annotations

import difflib


def closest(value: str, choices: list[str]) -> str:
    """The choice most like `value`, ignoring case (there is always one: messages name
    it). difflib: the names are few and short, and it ships with Python."""
    folded = {c.casefold(): c for c in choices}
    best = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.0)
    return folded[best[0]] if best else choices[0]
